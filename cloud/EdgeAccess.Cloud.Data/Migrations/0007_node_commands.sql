-- 0007: node health and the hub → edge command queue.
--
-- node_sync gains when the node last made progress (last_ack_at: acked_position moved forward) and
-- when its current stream opened (connected_at), so the watchdog can tell a stalled node from one
-- that is still catching up. Both are written by the sync stream (SyncStore).
ALTER TABLE node_sync ADD COLUMN last_ack_at timestamptz;
ALTER TABLE node_sync ADD COLUMN connected_at timestamptz;

-- The watchdog's open alert per node (0 none, 1 stalled, 2 offline). Every hub instance runs the
-- watchdog; the conditional upsert of a change lets exactly one instance raise (and log) each
-- episode and its recovery.
CREATE TABLE node_alerts (
    node_id     text PRIMARY KEY REFERENCES nodes (id) ON DELETE CASCADE,
    alert       smallint NOT NULL,
    since       timestamptz NOT NULL,
    CONSTRAINT node_alerts_alert_check CHECK (alert IN (0, 1, 2))
);

-- Commands queued by an operator for a node, delivered by its sync stream. payload is the
-- serialized edgeaccess.v1.NodeCommand exactly as the node receives it. A retry of a send with
-- the same client request id (per issuing user) finds the first command: request_hash tells a
-- retry from a different request that reuses the id.
CREATE TABLE node_commands (
    id              uuid PRIMARY KEY,
    node_id         text NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    kind            text NOT NULL,           -- unlock_door, lockdown, resync
    payload         bytea NOT NULL,
    issuer_id       uuid NOT NULL,
    issued_by       text NOT NULL,           -- the user's login, as the node journals it
    issued_at       timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    state           smallint NOT NULL,       -- 1 queued, 2 delivered, 3 succeeded, 4 failed, 5 expired, 6 cancelled
    delivered_at    timestamptz,
    completed_at    timestamptz,
    result_message  text,
    request_id      text,
    request_hash    bytea,
    CONSTRAINT node_commands_state_check CHECK (state BETWEEN 1 AND 6),
    CONSTRAINT node_commands_expiry_check CHECK (expires_at > issued_at)
);
CREATE UNIQUE INDEX node_commands_request_key ON node_commands (issuer_id, request_id) WHERE request_id IS NOT NULL;
-- ListCommands (newest first: ids are UUIDv7) and the stream's queued-first scan.
CREATE INDEX node_commands_node_idx ON node_commands (node_id, id);
CREATE INDEX node_commands_queued_idx ON node_commands (node_id, issued_at) WHERE state = 1;
