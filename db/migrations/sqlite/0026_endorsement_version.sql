-- An endorsement's comment may be changed by its organisation: a version
-- that only its origin increments, so a changed endorsement travels to the
-- peers again (federation) and the same one is a no-op there.
ALTER TABLE proposal_endorsements ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
