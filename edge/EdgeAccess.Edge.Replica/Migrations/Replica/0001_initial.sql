-- The replicated records of one site, keyed like the hub's feed: (kind, entity id, door id).
-- door_id is '' for every kind but rights, so the key never holds a NULL.
CREATE TABLE records (
    kind      INTEGER NOT NULL,
    entity_id TEXT    NOT NULL,
    door_id   TEXT    NOT NULL DEFAULT '',
    payload   BLOB    NOT NULL,
    position  INTEGER NOT NULL,
    PRIMARY KEY (kind, entity_id, door_id)
) WITHOUT ROWID;

-- site_id, position, snapshot_at, last_sync_at (times in Unix milliseconds).
CREATE TABLE replica_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
