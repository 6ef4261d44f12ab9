-- 0003: who-can-open pages through one door's rights in card order; a (door_id, card_id) index
-- makes each page a keyset range scan instead of a sort of all the door's rights.
DROP INDEX IF EXISTS effective_rights_door_idx;
CREATE INDEX effective_rights_door_card_idx ON effective_rights (door_id, card_id);

-- Nothing looks rights up by person (the compiler reads them by card, who-can-open by door), and
-- every index costs time on the large publishes a group change causes.
DROP INDEX IF EXISTS effective_rights_person_idx;
