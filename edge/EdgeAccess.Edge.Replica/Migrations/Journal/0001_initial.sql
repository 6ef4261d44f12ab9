-- Events recorded on this node, awaiting acknowledgement by the hub. seq is the node's sequence.
CREATE TABLE journal (
    seq         INTEGER PRIMARY KEY,
    occurred_at INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    payload     BLOB    NOT NULL,
    acked       INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX journal_acked ON journal (acked, seq);

-- The high-water mark of seq: survives pruning, so a number is never handed out twice.
CREATE TABLE journal_head (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq INTEGER NOT NULL
);

INSERT INTO journal_head (id, last_seq) VALUES (1, 0);
