-- 0001: the rights model, the admin audit trail, and the per-site replication feed.
-- Applied once, in a transaction, by SchemaMigrator. Never edit a released migration: add a new file.

-- ---------------------------------------------------------------------------------------------
-- Sites and doors
CREATE TABLE sites (
    id          uuid PRIMARY KEY,
    name        text NOT NULL,
    time_zone   text NOT NULL,            -- IANA zone id, validated against tzdb by the hub
    version     bigint NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CONSTRAINT sites_name_key UNIQUE (name)
);

CREATE TABLE doors (
    id            uuid PRIMARY KEY,
    site_id       uuid NOT NULL REFERENCES sites (id) ON DELETE RESTRICT,
    name          text NOT NULL,
    direction     smallint NOT NULL,      -- 0 entry, 1 exit, 2 both
    requires_pin  boolean NOT NULL DEFAULT false,
    version       bigint NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    CONSTRAINT doors_site_name_key UNIQUE (site_id, name)
);

-- ---------------------------------------------------------------------------------------------
-- People and cards
CREATE TABLE people (
    id            uuid PRIMARY KEY,
    display_name  text NOT NULL,
    email         text NULL,
    external_id   text NULL,             -- e.g. the HR system's key; used by CSV import to match rows
    active        boolean NOT NULL DEFAULT true,
    version       bigint NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE UNIQUE INDEX people_email_key ON people (lower(email)) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX people_external_id_key ON people (external_id) WHERE external_id IS NOT NULL;

-- The card number itself is never stored: only HMAC-SHA256(deployment secret, number) and the
-- last digits for display.
CREATE TABLE cards (
    id                   uuid PRIMARY KEY,
    person_id            uuid NOT NULL REFERENCES people (id) ON DELETE RESTRICT,
    number_hash          bytea NOT NULL,
    last_digits          text NOT NULL,
    status               smallint NOT NULL,   -- 0 active, 1 blocked, 2 lost
    valid_from           timestamptz NULL,
    valid_to             timestamptz NULL,
    pin_hash             text NULL,
    allow_when_degraded  boolean NOT NULL DEFAULT false,
    version              bigint NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    CONSTRAINT cards_number_hash_key UNIQUE (number_hash),
    CONSTRAINT cards_validity_check CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from < valid_to)
);
CREATE INDEX cards_person_idx ON cards (person_id);

-- ---------------------------------------------------------------------------------------------
-- Groups, nesting and memberships
CREATE TABLE groups (
    id           uuid PRIMARY KEY,
    name         text NOT NULL,
    description  text NOT NULL DEFAULT '',
    active       boolean NOT NULL DEFAULT true,
    version      bigint NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    CONSTRAINT groups_name_key UNIQUE (name)
);

-- child_id is nested inside parent_id: members of the child are members of the parent.
-- Cycles are rejected by the hub before insert (under a lock on the nesting graph).
CREATE TABLE group_nestings (
    parent_id   uuid NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    child_id    uuid NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (parent_id, child_id),
    CONSTRAINT group_nestings_not_self CHECK (parent_id <> child_id)
);
CREATE INDEX group_nestings_child_idx ON group_nestings (child_id);

CREATE TABLE memberships (
    id          uuid PRIMARY KEY,
    person_id   uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    group_id    uuid NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    role_title  text NOT NULL DEFAULT '',
    valid_from  timestamptz NULL,
    valid_to    timestamptz NULL,
    version     bigint NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CONSTRAINT memberships_person_group_key UNIQUE (person_id, group_id),
    CONSTRAINT memberships_validity_check CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from < valid_to)
);
CREATE INDEX memberships_group_idx ON memberships (group_id);

-- ---------------------------------------------------------------------------------------------
-- Schedules and holiday calendars (per site: they are evaluated in the site's time zone)
CREATE TABLE holiday_calendars (
    id          uuid PRIMARY KEY,
    site_id     uuid NOT NULL REFERENCES sites (id) ON DELETE RESTRICT,
    name        text NOT NULL,
    version     bigint NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CONSTRAINT holiday_calendars_site_name_key UNIQUE (site_id, name)
);

CREATE TABLE holidays (
    calendar_id  uuid NOT NULL REFERENCES holiday_calendars (id) ON DELETE CASCADE,
    date         date NOT NULL,
    name         text NOT NULL,
    PRIMARY KEY (calendar_id, date)
);

-- definition: weekly intervals, holiday intervals, special days (JSON, validated by the hub).
CREATE TABLE schedules (
    id                uuid PRIMARY KEY,
    site_id           uuid NOT NULL REFERENCES sites (id) ON DELETE RESTRICT,
    name              text NOT NULL,
    definition        jsonb NOT NULL,
    ignores_holidays  boolean NOT NULL DEFAULT false,
    version           bigint NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    CONSTRAINT schedules_site_name_key UNIQUE (site_id, name)
);

CREATE TABLE schedule_calendars (
    schedule_id  uuid NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    calendar_id  uuid NOT NULL REFERENCES holiday_calendars (id) ON DELETE RESTRICT,
    PRIMARY KEY (schedule_id, calendar_id)
);

-- ---------------------------------------------------------------------------------------------
-- What grants access: schemes (group -> doors, with a schedule) and direct grants to a person
CREATE TABLE access_schemes (
    id            uuid PRIMARY KEY,
    site_id       uuid NOT NULL REFERENCES sites (id) ON DELETE RESTRICT,
    group_id      uuid NOT NULL REFERENCES groups (id) ON DELETE RESTRICT,
    schedule_id   uuid NOT NULL REFERENCES schedules (id) ON DELETE RESTRICT,
    name          text NOT NULL,
    requires_pin  boolean NOT NULL DEFAULT false,
    valid_from    timestamptz NULL,
    valid_to      timestamptz NULL,
    version       bigint NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    CONSTRAINT access_schemes_site_name_key UNIQUE (site_id, name),
    CONSTRAINT access_schemes_validity_check CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from < valid_to)
);
CREATE INDEX access_schemes_group_idx ON access_schemes (group_id);

CREATE TABLE access_scheme_doors (
    scheme_id  uuid NOT NULL REFERENCES access_schemes (id) ON DELETE CASCADE,
    door_id    uuid NOT NULL REFERENCES doors (id) ON DELETE RESTRICT,
    PRIMARY KEY (scheme_id, door_id)
);
CREATE INDEX access_scheme_doors_door_idx ON access_scheme_doors (door_id);

CREATE TABLE direct_grants (
    id            uuid PRIMARY KEY,
    person_id     uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    door_id       uuid NOT NULL REFERENCES doors (id) ON DELETE RESTRICT,
    schedule_id   uuid NOT NULL REFERENCES schedules (id) ON DELETE RESTRICT,
    requires_pin  boolean NOT NULL DEFAULT false,
    valid_from    timestamptz NULL,
    valid_to      timestamptz NULL,
    reason        text NOT NULL DEFAULT '',
    version       bigint NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    CONSTRAINT direct_grants_validity_check CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from < valid_to)
);
CREATE INDEX direct_grants_person_idx ON direct_grants (person_id);
CREATE INDEX direct_grants_door_idx ON direct_grants (door_id);

-- ---------------------------------------------------------------------------------------------
-- Compiled effective rights: one row per card x door with the merged grant terms (protobuf
-- edgeaccess.v1.RightTerms). Maintained by the rights compiler only.
CREATE TABLE effective_rights (
    site_id    uuid NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    card_id    uuid NOT NULL,
    door_id    uuid NOT NULL,
    person_id  uuid NOT NULL,
    terms      bytea NOT NULL,
    position   bigint NOT NULL,           -- feed position of the change that last wrote the row
    PRIMARY KEY (card_id, door_id)
);
CREATE INDEX effective_rights_door_idx ON effective_rights (door_id);
CREATE INDEX effective_rights_person_idx ON effective_rights (person_id);
CREATE INDEX effective_rights_site_idx ON effective_rights (site_id);

-- Everything else an edge replicates (site, doors, cards, schedules), as the protobuf record the
-- edge stores. Together with effective_rights this is a site's replicated state at its feed head.
CREATE TABLE replica_records (
    site_id    uuid NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    kind       smallint NOT NULL,
    entity_id  uuid NOT NULL,
    payload    bytea NOT NULL,
    position   bigint NOT NULL,
    PRIMARY KEY (site_id, kind, entity_id)
);

-- ---------------------------------------------------------------------------------------------
-- The per-site change feed. Positions are dense (1, 2, 3, ...) and allocated by updating the
-- site's feed_heads row, whose row lock is held until commit: a later position can therefore never
-- become visible before an earlier one, and a reader tailing "position > cursor" never skips.
CREATE TABLE feed_heads (
    site_id    uuid PRIMARY KEY REFERENCES sites (id) ON DELETE CASCADE,
    head       bigint NOT NULL DEFAULT 0,  -- last allocated (and, once committed, visible) position
    horizon    bigint NOT NULL DEFAULT 0,  -- positions <= horizon have been compacted away
    updated_at timestamptz NOT NULL
);

CREATE TABLE feed_entries (
    site_id      uuid NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    position     bigint NOT NULL,
    kind         smallint NOT NULL,        -- 1 site, 2 door, 3 card, 4 schedule, 5 right
    entity_id    uuid NOT NULL,            -- for a right: the card
    door_id      uuid NULL,                -- for a right: the door
    deleted      boolean NOT NULL,
    payload      bytea NULL,               -- the new record; NULL when deleted
    txid         xid8 NOT NULL DEFAULT pg_current_xact_id(),
    committed_at timestamptz NOT NULL,
    PRIMARY KEY (site_id, position)
);

-- ---------------------------------------------------------------------------------------------
-- Audit trail of every admin change, written in the same transaction as the change.
CREATE TABLE audit_entries (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL,
    actor_id     uuid NULL,
    actor_name   text NOT NULL,
    action       text NOT NULL,           -- create, update, delete
    entity_type  text NOT NULL,
    entity_id    text NOT NULL,
    before       jsonb NULL,
    after        jsonb NULL,
    request_id   text NULL
);
CREATE INDEX audit_entries_entity_idx ON audit_entries (entity_type, entity_id);
CREATE INDEX audit_entries_at_idx ON audit_entries (at);

-- Idempotent creates: the first response to (actor, client request id) is kept and replayed.
CREATE TABLE idempotency_keys (
    actor_id      uuid NOT NULL,
    request_id    text NOT NULL,
    method        text NOT NULL,
    request_hash  bytea NOT NULL,
    response      bytea NOT NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (actor_id, request_id)
);

-- ---------------------------------------------------------------------------------------------
-- Hub users, sessions and login throttling
CREATE TABLE users (
    id                   uuid PRIMARY KEY,
    username             text NOT NULL,
    password_hash        text NOT NULL,
    role                 smallint NOT NULL,   -- 0 member, 1 auditor, 2 operator, 3 admin
    person_id            uuid NULL REFERENCES people (id) ON DELETE SET NULL,
    active               boolean NOT NULL DEFAULT true,
    failed_logins        integer NOT NULL DEFAULT 0,
    failed_window_start  timestamptz NULL,
    locked_until         timestamptz NULL,
    version              bigint NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));

-- Bearer tokens are random and stored only as SHA-256 hashes; logout deletes the row, so a token
-- stops working at once on every hub instance.
CREATE TABLE sessions (
    id               uuid PRIMARY KEY,
    user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    access_hash      bytea NOT NULL,
    refresh_hash     bytea NOT NULL,
    access_expires   timestamptz NOT NULL,
    refresh_expires  timestamptz NOT NULL,
    created_at       timestamptz NOT NULL,
    CONSTRAINT sessions_access_hash_key UNIQUE (access_hash),
    CONSTRAINT sessions_refresh_hash_key UNIQUE (refresh_hash)
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
