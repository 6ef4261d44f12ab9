-- 0004: the edge node registry and its credentials.
-- A node is created by an admin with a one-time enrollment code, enrolls once with it and then
-- authenticates with its own rotating node token. Only SHA-256 hashes of the code and the tokens
-- are stored (both are random secrets of 128 / 256 bits, so no salt or slow hash is needed).
-- The previous token stays valid until previous_expires so a node that lost the answer of a
-- rotation can retry. Failed enrollments are counted per node (failed_enrollments) and lock
-- further attempts until enrollment_locked_until.
CREATE TABLE nodes (
    id                       text PRIMARY KEY,
    site_id                  uuid NOT NULL REFERENCES sites (id) ON DELETE RESTRICT,
    description              text,
    status                   smallint NOT NULL,       -- 0 pending enrollment, 1 active, 2 revoked
    enrollment_code_hash     bytea,
    enrollment_expires       timestamptz,
    token_hash               bytea,
    token_issued_at          timestamptz,
    previous_token_hash      bytea,
    previous_expires         timestamptz,
    enrolled_at              timestamptz,
    revoked_at               timestamptz,
    last_seen_at             timestamptz,
    failed_enrollments       integer NOT NULL DEFAULT 0,
    enrollment_locked_until  timestamptz,
    version                  bigint NOT NULL DEFAULT 1,
    created_at               timestamptz NOT NULL,
    updated_at               timestamptz NOT NULL,
    CONSTRAINT nodes_id_format_check CHECK (id ~ '^[a-z0-9-]{3,63}$'),
    CONSTRAINT nodes_status_check CHECK (status IN (0, 1, 2))
);
CREATE INDEX nodes_site_idx ON nodes (site_id);
