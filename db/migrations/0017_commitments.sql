-- Commitments and events (issue 19): policy documents, their commitments
-- (with indicators), per-State assessments on the five-level scale (self
-- and independent), civil society comments; events with sessions and
-- versioned minutes, their outcomes and the actions those become. Every
-- record carries a distribution and TLP (org_id, country of the creating
-- organisation), read through acl_visible.

CREATE TABLE policy_documents (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES organisations (id),
	country TEXT,
	created_by TEXT REFERENCES users (id),
	title TEXT NOT NULL,
	issuer TEXT NOT NULL,
	symbol TEXT NOT NULL DEFAULT '',
	adopted_on BIGINT,
	url TEXT,
	languages TEXT NOT NULL DEFAULT '[]',
	summary TEXT NOT NULL DEFAULT '{}',
	distribution TEXT NOT NULL,
	sharing_group_id TEXT REFERENCES sharing_groups (id),
	tlp TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX policy_documents_updated ON policy_documents (updated_at, id);

CREATE TABLE policy_commitments (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES organisations (id),
	country TEXT,
	created_by TEXT REFERENCES users (id),
	document_id TEXT NOT NULL REFERENCES policy_documents (id),
	paragraph TEXT NOT NULL,
	text TEXT NOT NULL,
	theme TEXT NOT NULL,
	indicators TEXT NOT NULL DEFAULT '[]',
	distribution TEXT NOT NULL,
	sharing_group_id TEXT REFERENCES sharing_groups (id),
	tlp TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX policy_commitments_updated ON policy_commitments (updated_at, id);
CREATE INDEX policy_commitments_document ON policy_commitments (document_id);

CREATE TABLE policy_assessments (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES organisations (id),
	country TEXT,
	created_by TEXT REFERENCES users (id),
	state TEXT NOT NULL REFERENCES countries (iso2),
	commitment_id TEXT NOT NULL REFERENCES policy_commitments (id),
	period TEXT NOT NULL,
	kind TEXT NOT NULL,
	status TEXT NOT NULL,
	lead_org_id TEXT REFERENCES organisations (id),
	narrative TEXT NOT NULL DEFAULT '',
	evidence TEXT NOT NULL DEFAULT '[]',
	distribution TEXT NOT NULL,
	sharing_group_id TEXT REFERENCES sharing_groups (id),
	tlp TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version BIGINT NOT NULL DEFAULT 1,
	UNIQUE (state, commitment_id, period, kind)
);
CREATE INDEX policy_assessments_updated ON policy_assessments (updated_at, id);
CREATE INDEX policy_assessments_commitment ON policy_assessments (commitment_id, state);

CREATE TABLE policy_assessment_comments (
	id TEXT PRIMARY KEY,
	assessment_id TEXT NOT NULL REFERENCES policy_assessments (id),
	org_id TEXT NOT NULL REFERENCES organisations (id),
	user_id TEXT REFERENCES users (id),
	text TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX policy_assessment_comments_of ON policy_assessment_comments (assessment_id, created_at);

CREATE TABLE conf_events (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES organisations (id),
	country TEXT,
	created_by TEXT REFERENCES users (id),
	title TEXT NOT NULL,
	type TEXT NOT NULL,
	series TEXT,
	starts_on BIGINT NOT NULL,
	ends_on BIGINT,
	timezone TEXT,
	place TEXT,
	online BIGINT NOT NULL DEFAULT 0,
	organisers TEXT NOT NULL DEFAULT '[]',
	participants TEXT NOT NULL DEFAULT '[]',
	sessions TEXT NOT NULL DEFAULT '[]',
	demo BIGINT NOT NULL DEFAULT 0,
	distribution TEXT NOT NULL,
	sharing_group_id TEXT REFERENCES sharing_groups (id),
	tlp TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX conf_events_updated ON conf_events (updated_at, id);

CREATE TABLE conf_event_minutes (
	event_id TEXT NOT NULL REFERENCES conf_events (id),
	version BIGINT NOT NULL,
	text TEXT NOT NULL,
	user_id TEXT REFERENCES users (id),
	org_id TEXT NOT NULL REFERENCES organisations (id),
	created_at BIGINT NOT NULL,
	PRIMARY KEY (event_id, version)
);

CREATE TABLE conf_outcomes (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES organisations (id),
	country TEXT,
	created_by TEXT REFERENCES users (id),
	event_id TEXT NOT NULL REFERENCES conf_events (id),
	session_id TEXT,
	contribution_id TEXT,
	kind TEXT NOT NULL,
	text TEXT NOT NULL,
	distribution TEXT NOT NULL,
	sharing_group_id TEXT REFERENCES sharing_groups (id),
	tlp TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX conf_outcomes_updated ON conf_outcomes (updated_at, id);
CREATE INDEX conf_outcomes_event ON conf_outcomes (event_id);

CREATE TABLE conf_actions (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES organisations (id),
	country TEXT,
	created_by TEXT REFERENCES users (id),
	outcome_id TEXT NOT NULL REFERENCES conf_outcomes (id),
	event_id TEXT NOT NULL REFERENCES conf_events (id),
	title TEXT NOT NULL,
	owner_org_id TEXT NOT NULL REFERENCES organisations (id),
	due_on BIGINT NOT NULL,
	status TEXT NOT NULL,
	notes TEXT NOT NULL DEFAULT '',
	commitment_id TEXT REFERENCES policy_commitments (id),
	proposal_id TEXT REFERENCES proposals (id),
	activity_id TEXT REFERENCES activities (id),
	practice_id TEXT REFERENCES practices (id),
	distribution TEXT NOT NULL,
	sharing_group_id TEXT REFERENCES sharing_groups (id),
	tlp TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX conf_actions_updated ON conf_actions (updated_at, id);
CREATE INDEX conf_actions_due ON conf_actions (status, due_on);
CREATE INDEX conf_actions_outcome ON conf_actions (outcome_id);
