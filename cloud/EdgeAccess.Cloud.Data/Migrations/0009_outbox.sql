-- 0009: the transactional outbox (async side effects: notifications, webhooks, bot messages,
-- scheduled work such as reminders and no-show releases) and webhook subscriptions.
--
-- A message is inserted in the same transaction as the change that causes it, so it exists if and
-- only if that change committed. Dispatchers on every hub instance claim due messages with
-- SELECT … FOR UPDATE SKIP LOCKED and a lease (locked_by, locked_until); a message whose worker
-- died is claimed again once its lease has expired. States: pending (completed_at and failed_at
-- NULL), completed, dead-lettered (failed_at set, last_error says why).
CREATE TABLE outbox_messages (
    id              uuid PRIMARY KEY,        -- UUIDv7; also the handlers' idempotency key
    topic           text NOT NULL,           -- selects the handler, e.g. webhook.delivery, telegram.message
    key             text,                    -- optional ordering key: one message per key at a time, oldest first
    payload         jsonb NOT NULL,
    created_at      timestamptz NOT NULL,
    due_at          timestamptz NOT NULL,    -- scheduled work waits until then
    attempts        integer NOT NULL DEFAULT 0,   -- claims so far (a crashed claim counts)
    next_attempt_at timestamptz NOT NULL,    -- due_at, then pushed back by the retry backoff
    locked_by       text,                    -- the dispatcher instance holding the lease
    locked_until    timestamptz,
    completed_at    timestamptz,
    failed_at       timestamptz,             -- dead letter
    last_error      text,
    CONSTRAINT outbox_messages_attempts_check CHECK (attempts >= 0),
    CONSTRAINT outbox_messages_final_check CHECK (completed_at IS NULL OR failed_at IS NULL)
);
-- The claim scan and the queue gauges: pending messages by when they may run next.
CREATE INDEX outbox_messages_pending_idx ON outbox_messages (next_attempt_at) WHERE completed_at IS NULL AND failed_at IS NULL;
-- FIFO per ordering key.
CREATE INDEX outbox_messages_key_idx ON outbox_messages (key, created_at, id) WHERE key IS NOT NULL AND completed_at IS NULL AND failed_at IS NULL;

-- Wake the dispatchers when a message commits, whichever way it was written (EF Core or raw SQL).
-- PostgreSQL delivers a NOTIFY only after the transaction committed and folds identical ones of one
-- transaction into one (https://www.postgresql.org/docs/15/sql-notify.html).
CREATE FUNCTION outbox_messages_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('edgeaccess_outbox', '');
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_messages_notify AFTER INSERT ON outbox_messages
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_messages_notify();

-- Webhook subscriptions. secret is the shared HMAC-SHA256 key, stored as given because signing
-- needs it in clear; it is never logged or returned by a listing.
CREATE TABLE webhook_subscriptions (
    id          uuid PRIMARY KEY,
    url         text NOT NULL,
    secret      text NOT NULL,
    topics      text NOT NULL DEFAULT '*',   -- space- or comma-separated event types; 'booking.*' = prefix; '*' = all
    active      boolean NOT NULL DEFAULT true,
    description text,
    created_at  timestamptz NOT NULL,
    CONSTRAINT webhook_subscriptions_url_check CHECK (url ~ '^https?://')
);

-- One row per HTTP attempt of a webhook delivery (the outbox message id is X-EdgeAccess-Delivery).
CREATE TABLE webhook_deliveries (
    id              uuid PRIMARY KEY,
    message_id      uuid NOT NULL,
    subscription_id uuid NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    attempt         integer NOT NULL,
    status_code     integer,                 -- NULL when no response arrived (timeout, connection error)
    duration_ms     integer NOT NULL,
    error           text,
    at              timestamptz NOT NULL
);
CREATE INDEX webhook_deliveries_subscription_idx ON webhook_deliveries (subscription_id, at);
CREATE INDEX webhook_deliveries_message_idx ON webhook_deliveries (message_id);
