-- 0005: where each edge node's replica stands, as the node acknowledged it on its sync stream.
-- One row per node that ever opened a stream. acked_position only moves forward; connected is
-- true while a hub instance holds the node's stream (best effort: a crashed hub leaves it true
-- until the node reconnects, so read it together with last_seen_at).
CREATE TABLE node_sync (
    node_id         text PRIMARY KEY REFERENCES nodes (id) ON DELETE CASCADE,
    acked_position  bigint NOT NULL DEFAULT 0,
    connected       boolean NOT NULL DEFAULT false,
    last_seen_at    timestamptz,
    updated_at      timestamptz NOT NULL
);
