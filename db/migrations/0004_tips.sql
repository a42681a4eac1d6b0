-- Tips from the public, their messages and internal notes, the areas that
-- route them to a police organisation, and problems (SARA projects).
-- Nothing here identifies a sender: no address, no user agent; the receipt
-- secret is stored only as a hash.
CREATE TABLE org_areas (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES organisations (id),
	lat DOUBLE PRECISION NOT NULL,
	lon DOUBLE PRECISION NOT NULL,
	radius_m DOUBLE PRECISION NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX org_areas_org ON org_areas (org_id, id);

CREATE TABLE tips (
	id TEXT PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	secret_hash TEXT NOT NULL,
	org_id TEXT NOT NULL REFERENCES organisations (id),
	country TEXT NOT NULL,
	distribution TEXT NOT NULL DEFAULT 'organisation',
	sharing_group_id TEXT REFERENCES sharing_groups (id),
	category TEXT NOT NULL,
	description TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'new',
	lat DOUBLE PRECISION,
	lon DOUBLE PRECISION,
	place TEXT,
	precision_m BIGINT,
	cell_x BIGINT,
	cell_y BIGINT,
	coarsen_m BIGINT NOT NULL DEFAULT 1000,
	observed_at BIGINT,
	language TEXT,
	contact_enc TEXT,
	assigned_user_id TEXT REFERENCES users (id),
	assigned_org_id TEXT REFERENCES organisations (id),
	outcome TEXT,
	duplicate_of TEXT REFERENCES tips (id),
	ack_due_at BIGINT NOT NULL,
	acknowledged_at BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX tips_org ON tips (org_id, status, created_at);
CREATE INDEX tips_created ON tips (created_at, id);
CREATE INDEX tips_pending ON tips (country, cell_x, cell_y, status);
CREATE INDEX tips_dist ON tips (distribution, country);

-- direction: from_sender (anonymous, user_id NULL) or to_sender
CREATE TABLE tip_messages (
	id TEXT PRIMARY KEY,
	tip_id TEXT NOT NULL REFERENCES tips (id),
	direction TEXT NOT NULL,
	user_id TEXT REFERENCES users (id),
	body TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX tip_messages_tip ON tip_messages (tip_id, created_at);

CREATE TABLE tip_notes (
	id TEXT PRIMARY KEY,
	tip_id TEXT NOT NULL REFERENCES tips (id),
	org_id TEXT NOT NULL REFERENCES organisations (id),
	user_id TEXT NOT NULL REFERENCES users (id),
	body TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX tip_notes_tip ON tip_notes (tip_id, created_at);

CREATE TABLE problems (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES organisations (id),
	country TEXT,
	created_by TEXT REFERENCES users (id),
	distribution TEXT NOT NULL,
	sharing_group_id TEXT REFERENCES sharing_groups (id),
	tlp TEXT NOT NULL,
	title TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	phase TEXT NOT NULL DEFAULT 'scanning',
	lat DOUBLE PRECISION,
	lon DOUBLE PRECISION,
	radius_m DOUBLE PRECISION,
	place_name TEXT,
	analysis TEXT NOT NULL DEFAULT '{}',
	responses TEXT NOT NULL DEFAULT '[]',
	response_started_at BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version BIGINT NOT NULL DEFAULT 1,
	CHECK (NOT (tlp = 'red' AND distribution = 'federation'))
);
CREATE INDEX problems_updated ON problems (updated_at, id);
CREATE INDEX problems_dist ON problems (distribution, country);

CREATE TABLE problem_tips (
	problem_id TEXT NOT NULL REFERENCES problems (id),
	tip_id TEXT NOT NULL REFERENCES tips (id),
	PRIMARY KEY (problem_id, tip_id)
);
CREATE TABLE problem_alerts (
	problem_id TEXT NOT NULL REFERENCES problems (id),
	alert_id TEXT NOT NULL REFERENCES alerts (id),
	PRIMARY KEY (problem_id, alert_id)
);
CREATE TABLE problem_partners (
	problem_id TEXT NOT NULL REFERENCES problems (id),
	org_id TEXT NOT NULL REFERENCES organisations (id),
	PRIMARY KEY (problem_id, org_id)
);
