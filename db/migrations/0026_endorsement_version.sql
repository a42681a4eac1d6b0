-- An endorsement's comment may be changed by its organisation: a version
-- that only its origin increments, so a changed endorsement travels to the
-- peers again (federation) and the same one is a no-op there.
ALTER TABLE proposal_endorsements ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

-- Who verified a proposal, as an organisation: set here when a reviewer of
-- this node verifies, and on a copy from its origin (a remote
-- organisation; the reviewer, a user of the origin, is not known here).
ALTER TABLE proposals ADD COLUMN verified_org_id TEXT REFERENCES organisations (id);

-- The reviews of a practice copied from another node, as its origin had
-- them (their reviewers are users there): kept to show who reviewed and
-- verified it, replaced with each version, dropped with the copy.
CREATE TABLE practice_review_copies (
	id TEXT PRIMARY KEY,
	practice_id TEXT NOT NULL REFERENCES practices (id),
	org_id TEXT NOT NULL REFERENCES organisations (id),
	verdict TEXT NOT NULL,
	comments TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
CREATE INDEX practice_review_copies_practice ON practice_review_copies (practice_id, created_at);
