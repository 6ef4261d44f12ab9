-- 0012: indexes for the booking write path (issue 5 §8, measured with bench/booking).

-- The users linked to a person: every booking looks up its booker's users for the reminders,
-- and deleting a person sets their users' person_id to NULL; both read all of users without it.
CREATE INDEX users_person_idx ON users (person_id) WHERE person_id IS NOT NULL;

-- A person's active bookings of one resource, for the counted rules (max active, quota): one
-- range scan over the bookings still running or ahead, instead of every booking the person ever
-- made (bookings_person_idx) or the resource ever had (bookings_resource_idx). Status 1-3 as in
-- the exclusion constraint of 0008_booking.sql.
CREATE INDEX bookings_person_resource_active_idx ON bookings (person_id, resource_id, ends_at) WHERE status IN (1, 2, 3);

-- When the outbox dispatcher next has work (OutboxStore.NextWakeAsync: the smallest claimable
-- time of the pending messages after now), asked after every enqueue. Reminders stay pending
-- until they are due, so the pending messages grow with the bookings ahead: without this index
-- every booking made the dispatcher read all of them; with it the minimum is the index's first entry.
CREATE INDEX outbox_messages_wake_idx ON outbox_messages ((GREATEST(next_attempt_at, COALESCE(locked_until, next_attempt_at))))
    WHERE completed_at IS NULL AND failed_at IS NULL;
