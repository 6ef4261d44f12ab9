-- 0008: bookable resources, their rules and blackouts, and bookings.
--
-- Double booking is refused by PostgreSQL itself, not by a read-then-write check in the hub: the
-- exclusion constraint bookings_no_overlap makes two active bookings of one resource whose
-- occupied ranges overlap impossible, whatever the concurrency (PostgreSQL docs, 5.4.6 "Exclusion
-- Constraints" and F.8 btree_gist, which supplies the gist equality operator for uuid).
--
-- Buffer: a booking occupies [starts_at, occupied_until) where occupied_until = ends_at + the
-- resource's buffer at the time it was booked (turnaround after every booking: cleaning, reset,
-- cool-down). Two bookings A before B then never overlap exactly when B starts at least one buffer
-- after A ends, so one constraint enforces both "no overlap" and "keep the buffer". A later change
-- of the buffer applies to new bookings and does not move existing ones.
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- kind: 1 lab installation, 2 room, 3 device.
CREATE TABLE booking_resources (
    id                uuid PRIMARY KEY,
    site_id           uuid NOT NULL REFERENCES sites (id),
    kind              smallint NOT NULL,
    name              text NOT NULL,
    description       text NOT NULL DEFAULT '',
    capacity          integer NOT NULL DEFAULT 1,   -- people it holds; a booking always takes the whole resource
    node_id           text REFERENCES nodes (id),   -- the edge node (lab server) that runs it
    control_programs  jsonb NOT NULL DEFAULT '[]',  -- executable paths / patterns (lab-process policy)
    active            boolean NOT NULL DEFAULT true,
    version           bigint NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    CONSTRAINT booking_resources_site_name_key UNIQUE (site_id, name),
    CONSTRAINT booking_resources_kind_check CHECK (kind BETWEEN 1 AND 3),
    CONSTRAINT booking_resources_capacity_check CHECK (capacity >= 1)
);

-- The doors a resource opens (same site; the service checks it).
CREATE TABLE booking_resource_doors (
    resource_id  uuid NOT NULL REFERENCES booking_resources (id) ON DELETE CASCADE,
    door_id      uuid NOT NULL REFERENCES doors (id),
    PRIMARY KEY (resource_id, door_id)
);
CREATE INDEX booking_resource_doors_door_idx ON booking_resource_doors (door_id);

-- One rules record per resource (created with the defaults). Minutes throughout; 0 means "no limit"
-- for max_active, quota_minutes, max_notice_minutes and cancel_cutoff_minutes.
CREATE TABLE booking_rules (
    resource_id              uuid PRIMARY KEY REFERENCES booking_resources (id) ON DELETE CASCADE,
    slot_minutes             integer NOT NULL DEFAULT 15,
    min_duration_minutes     integer NOT NULL DEFAULT 15,
    max_duration_minutes     integer NOT NULL DEFAULT 480,
    min_notice_minutes       integer NOT NULL DEFAULT 0,
    max_notice_minutes       integer NOT NULL DEFAULT 0,
    buffer_minutes           integer NOT NULL DEFAULT 0,
    max_active               integer NOT NULL DEFAULT 0,
    quota_minutes            integer NOT NULL DEFAULT 0,
    quota_period             smallint NOT NULL DEFAULT 2,  -- 1 day, 2 week (ISO, Monday), 3 month; in the site's zone
    approval_required        boolean NOT NULL DEFAULT false,
    cancel_cutoff_minutes    integer NOT NULL DEFAULT 0,
    early_entry_minutes      integer NOT NULL DEFAULT 0,
    grace_minutes            integer NOT NULL DEFAULT 0,
    check_in_window_minutes  integer NOT NULL DEFAULT 15,
    no_show_release          boolean NOT NULL DEFAULT false,
    version                  bigint NOT NULL DEFAULT 1,
    created_at               timestamptz NOT NULL,
    updated_at               timestamptz NOT NULL,
    CONSTRAINT booking_rules_slot_check CHECK (slot_minutes BETWEEN 1 AND 1440),
    CONSTRAINT booking_rules_duration_check CHECK (min_duration_minutes >= 1 AND max_duration_minutes >= min_duration_minutes),
    CONSTRAINT booking_rules_limits_check CHECK (min_notice_minutes >= 0 AND max_notice_minutes >= 0 AND buffer_minutes >= 0
        AND max_active >= 0 AND quota_minutes >= 0 AND cancel_cutoff_minutes >= 0 AND early_entry_minutes >= 0
        AND grace_minutes >= 0 AND check_in_window_minutes >= 0),
    CONSTRAINT booking_rules_quota_period_check CHECK (quota_period BETWEEN 1 AND 3)
);

-- Who may book: members (transitively, through active groups and current memberships) of any of
-- these groups. No rows: every active person.
CREATE TABLE booking_rule_groups (
    resource_id  uuid NOT NULL REFERENCES booking_rules (resource_id) ON DELETE CASCADE,
    group_id     uuid NOT NULL REFERENCES groups (id),
    PRIMARY KEY (resource_id, group_id)
);
CREATE INDEX booking_rule_groups_group_idx ON booking_rule_groups (group_id);

-- Maintenance and other windows in which a resource cannot be booked.
CREATE TABLE booking_blackouts (
    id           uuid PRIMARY KEY,
    resource_id  uuid NOT NULL REFERENCES booking_resources (id) ON DELETE CASCADE,
    starts_at    timestamptz NOT NULL,
    ends_at      timestamptz NOT NULL,
    reason       text NOT NULL DEFAULT '',
    version      bigint NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    CONSTRAINT booking_blackouts_range_check CHECK (ends_at > starts_at)
);
CREATE INDEX booking_blackouts_resource_idx ON booking_blackouts (resource_id, starts_at);

-- status: 1 pending (awaits approval), 2 confirmed, 3 checked in, 4 cancelled, 5 rejected.
-- Only 1-3 hold the resource (the exclusion constraint's WHERE).
CREATE TABLE bookings (
    id               uuid PRIMARY KEY,
    resource_id      uuid NOT NULL REFERENCES booking_resources (id),
    person_id        uuid NOT NULL REFERENCES people (id),
    starts_at        timestamptz NOT NULL,
    ends_at          timestamptz NOT NULL,
    occupied_until   timestamptz NOT NULL,            -- ends_at + buffer (see above)
    status           smallint NOT NULL,
    note             text NOT NULL DEFAULT '',
    series_id        uuid,                            -- occurrences of one recurring request
    group_id         uuid,                            -- resources booked together
    rules_override   boolean NOT NULL DEFAULT false,  -- an admin/operator booked past the rules (audited)
    booked_by        uuid,                            -- the hub user who made it
    checked_in_at    timestamptz,
    decided_by       uuid,                            -- who approved / rejected / cancelled it
    decided_at       timestamptz,
    decision_reason  text,
    version          bigint NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CONSTRAINT bookings_range_check CHECK (ends_at > starts_at AND occupied_until >= ends_at),
    CONSTRAINT bookings_status_check CHECK (status BETWEEN 1 AND 5),
    CONSTRAINT bookings_no_overlap EXCLUDE USING gist (
        resource_id WITH =,
        tstzrange(starts_at, occupied_until, '[)') WITH &&
    ) WHERE (status IN (1, 2, 3))
);
CREATE INDEX bookings_person_idx ON bookings (person_id, starts_at);
CREATE INDEX bookings_resource_idx ON bookings (resource_id, starts_at);
