-- 0010: booking notifications (issue 5 §4–§6): the no-show "released" status, per-user channel
-- preferences, Telegram chat links and their one-time link codes, and each user's notification
-- history (the watch stream replays it; its primary key dedupes a fan-out that runs twice).

-- status 6: released, a confirmed booking nobody checked in to within the check-in window. Like
-- cancelled and rejected it no longer holds the resource (the exclusion constraint of 0008 covers
-- statuses 1–3 only).
ALTER TABLE bookings DROP CONSTRAINT bookings_status_check;
ALTER TABLE bookings ADD CONSTRAINT bookings_status_check CHECK (status BETWEEN 1 AND 6);

-- One row per user who changed a default; no row means the defaults (telegram on, reminders 60 and
-- 15 minutes before start and end). 0 minutes switches that reminder off. Webhooks are global
-- subscriptions (0009), the watch stream is always live: neither has a per-user switch.
CREATE TABLE notification_preferences (
    user_id              uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    telegram             boolean NOT NULL DEFAULT true,
    remind_start_minutes integer NOT NULL DEFAULT 60,
    remind_end_minutes   integer NOT NULL DEFAULT 15,
    updated_at           timestamptz NOT NULL,
    CONSTRAINT notification_preferences_minutes_check
        CHECK (remind_start_minutes BETWEEN 0 AND 10080 AND remind_end_minutes BETWEEN 0 AND 10080)
);

-- A Telegram chat linked to a user (one chat per user, one user per chat).
CREATE TABLE telegram_links (
    user_id   uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    chat_id   bigint NOT NULL UNIQUE,
    linked_at timestamptz NOT NULL
);

-- One-time link codes: stored as SHA-256 of the code, valid until expires_at, deleted when used.
CREATE TABLE telegram_link_codes (
    code_hash  bytea PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX telegram_link_codes_expiry_idx ON telegram_link_codes (expires_at);

-- The notifications a user received. id is derived from the outbox message that caused it and the
-- user, so a handler that runs twice (at-least-once dispatch) inserts it once.
CREATE TABLE notifications (
    id         uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event      text NOT NULL,
    booking_id uuid,
    text       text NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at);
