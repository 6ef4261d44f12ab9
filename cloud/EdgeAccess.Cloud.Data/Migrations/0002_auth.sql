-- 0002: refresh-token rotation with reuse detection.
-- A refresh exchanges the session's refresh token for a new one. The hash of the old token is kept
-- here until it would have expired anyway: if it is ever presented again, someone holds a copy of
-- a token that was already used (a thief, or the client it was stolen from), and the hub revokes
-- the whole session (OAuth 2.0 Security BCP, RFC 9700 section 4.14.2). The rows go with their session.
CREATE TABLE session_rotated_tokens (
    refresh_hash  bytea PRIMARY KEY,
    session_id    uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    rotated_at    timestamptz NOT NULL,
    expires       timestamptz NOT NULL   -- when the old token would have expired; pruned after
);
CREATE INDEX session_rotated_tokens_session_idx ON session_rotated_tokens (session_id);
