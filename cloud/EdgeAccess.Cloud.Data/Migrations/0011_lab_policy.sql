-- Issue 6: the lab-process policy of resources run by an edge node, the nodes' OS accounts and
-- their links to people, and a resource's maintenance state as its node reports it.

-- The policy a lab server applies to a resource's control programs (replica.proto LabPolicy).
-- Seconds throughout; 0 means the default (warning 300, grace 60, interval 5).
ALTER TABLE booking_resources
    ADD COLUMN lab_mode              smallint NOT NULL DEFAULT 0,    -- 0 off, 1 monitor, 2 enforce
    ADD COLUMN lab_warning_seconds   integer NOT NULL DEFAULT 0,
    ADD COLUMN lab_grace_seconds     integer NOT NULL DEFAULT 0,
    ADD COLUMN lab_interval_seconds  integer NOT NULL DEFAULT 0,
    ADD COLUMN lab_exempt_accounts   text[] NOT NULL DEFAULT '{}',
    ADD COLUMN lab_os_group          text NOT NULL DEFAULT '',
    -- Set while the node holds the resource in maintenance (repeated grant/revoke failures).
    ADD COLUMN maintenance_since     timestamptz,
    ADD COLUMN maintenance_reason    text,
    ADD COLUMN maintenance_node      text,
    ADD CONSTRAINT booking_resources_lab_mode_check CHECK (lab_mode BETWEEN 0 AND 2),
    ADD CONSTRAINT booking_resources_lab_mode_node_check CHECK (lab_mode = 0 OR node_id IS NOT NULL),
    ADD CONSTRAINT booking_resources_lab_seconds_check CHECK (
        lab_warning_seconds BETWEEN 0 AND 86400 AND lab_grace_seconds BETWEEN 0 AND 86400
        AND lab_interval_seconds BETWEEN 0 AND 5);

-- The OS accounts each node reported (NodeAccounts on its sync stream), and the person an admin
-- linked each to. A report replaces the node's set: accounts no longer reported keep their row
-- with present = false while they are linked, and are deleted otherwise.
CREATE TABLE node_accounts (
    id           uuid PRIMARY KEY,                 -- the NodeAccountRecord's entity id in the feed
    node_id      text NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    uid          bigint NOT NULL,
    name         text NOT NULL,
    full_name    text NOT NULL DEFAULT '',
    present      boolean NOT NULL DEFAULT true,
    reported_at  timestamptz NOT NULL,
    person_id    uuid REFERENCES people (id) ON DELETE SET NULL,
    linked_at    timestamptz,
    linked_by    uuid,
    CONSTRAINT node_accounts_node_uid_key UNIQUE (node_id, uid),
    CONSTRAINT node_accounts_uid_check CHECK (uid >= 0 AND uid <= 4294967295)
);
CREATE INDEX node_accounts_person_idx ON node_accounts (person_id) WHERE person_id IS NOT NULL;
