-- 0006: the hub's copy of the edge nodes' event journals (issue 4 §5). A node uploads its journal
-- over the sync stream in batches of consecutive seqs; each event is stored once per (node_id, seq),
-- so a batch sent again after a lost ack is harmless (INSERT ... ON CONFLICT DO NOTHING).
--
-- Door decisions ("door.decision", payload DoorDecisionEvent) are also spread into columns so the
-- journal can be searched by door, card, person and result; every other kind keeps only its raw
-- payload. person_id is the card's holder when the hub received the event (looked up in cards),
-- so the journal still names them after the card is reassigned or deleted. site_id is the node's
-- site at receipt, copied rather than referenced, as are door, card and person ids: the journal is
-- a record and must outlive what it names. Nodes are revoked, not deleted: a journal refuses to
-- lose its node (RESTRICT).
--
-- Every query pages newest first on the keyset (occurred_at, node_id, seq); each index ends in it,
-- so a filtered page is one backward index range scan with no sort. Partial indexes keep inserts
-- cheap where the filtered subset is small (denials, kinds other than door decisions).
CREATE TABLE edge_events (
    node_id      text NOT NULL REFERENCES nodes (id) ON DELETE RESTRICT,
    seq          bigint NOT NULL,
    site_id      uuid NOT NULL,
    kind         text NOT NULL,
    occurred_at  timestamptz NOT NULL,   -- the node's clock
    received_at  timestamptz NOT NULL,   -- the hub's clock
    door_id      uuid,
    card_id      uuid,
    person_id    uuid,
    granted      boolean,                -- door decisions only
    reason       text,                   -- e.g. 'no_right' (DoorDecisionReason without its prefix)
    payload      bytea NOT NULL,
    PRIMARY KEY (node_id, seq),
    CONSTRAINT edge_events_seq_check CHECK (seq > 0),
    CONSTRAINT edge_events_kind_check CHECK (length(kind) BETWEEN 1 AND 64)
);
CREATE INDEX edge_events_time_idx ON edge_events (occurred_at, node_id, seq);
CREATE INDEX edge_events_site_idx ON edge_events (site_id, occurred_at, node_id, seq);
CREATE INDEX edge_events_node_idx ON edge_events (node_id, occurred_at, seq);
CREATE INDEX edge_events_door_idx ON edge_events (door_id, occurred_at, node_id, seq) WHERE door_id IS NOT NULL;
CREATE INDEX edge_events_person_idx ON edge_events (person_id, occurred_at, node_id, seq) WHERE person_id IS NOT NULL;
CREATE INDEX edge_events_card_idx ON edge_events (card_id, occurred_at, node_id, seq) WHERE card_id IS NOT NULL;
CREATE INDEX edge_events_denied_idx ON edge_events (occurred_at, node_id, seq) WHERE granted = false;
CREATE INDEX edge_events_kind_idx ON edge_events (kind, occurred_at, node_id, seq) WHERE kind <> 'door.decision';
