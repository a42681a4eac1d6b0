-- Prevention activities (the 3W/4W matrix), good practices with their
-- reviews, and co-operation proposals with endorsements and reviews.
-- Activities and proposals carry a distribution (org_id, country are the
-- owner's); practices are seen by their workflow status (docs/access.md).
CREATE TABLE practices (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES organisations (id),
	country TEXT,
	created_by TEXT REFERENCES users (id),
	title TEXT NOT NULL,
	summary TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	origin_country TEXT,
	target_group TEXT NOT NULL DEFAULT '',
	setting TEXT,
	approach TEXT NOT NULL DEFAULT '',
	evidence_level TEXT NOT NULL DEFAULT 'unknown',
	evidence_rationale TEXT NOT NULL DEFAULT '',
	evaluation_design TEXT NOT NULL DEFAULT 'none',
	evaluation_findings TEXT NOT NULL DEFAULT '',
	resources_needed TEXT NOT NULL DEFAULT '',
	lessons_learned TEXT NOT NULL DEFAULT '',
	language TEXT NOT NULL DEFAULT 'en',
	links TEXT NOT NULL DEFAULT '[]',
	status TEXT NOT NULL DEFAULT 'draft',
	rejection_reasons TEXT,
	submitted_at BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	published_at BIGINT,
	version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX practices_updated ON practices (updated_at, id);
CREATE INDEX practices_status ON practices (status, updated_at);
CREATE INDEX practices_org ON practices (org_id, id);

CREATE TABLE practice_reviews (
	id TEXT PRIMARY KEY,
	practice_id TEXT NOT NULL REFERENCES practices (id),
	reviewer_id TEXT NOT NULL REFERENCES users (id),
	org_id TEXT NOT NULL REFERENCES organisations (id),
	verdict TEXT NOT NULL,
	comments TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
CREATE INDEX practice_reviews_practice ON practice_reviews (practice_id, created_at);

CREATE TABLE activities (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES organisations (id),
	country TEXT,
	created_by TEXT REFERENCES users (id),
	partners TEXT NOT NULL DEFAULT '[]',
	type TEXT NOT NULL,
	title TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	age_min BIGINT NOT NULL DEFAULT 0,
	age_max BIGINT NOT NULL DEFAULT 120,
	gender TEXT NOT NULL DEFAULT 'all',
	setting TEXT NOT NULL,
	area_country TEXT NOT NULL,
	admin_name TEXT,
	admin_code TEXT,
	place_name TEXT,
	lat DOUBLE PRECISION,
	lon DOUBLE PRECISION,
	radius_km DOUBLE PRECISION,
	polygon TEXT,
	cell_x BIGINT,
	cell_y BIGINT,
	start_at BIGINT NOT NULL,
	end_at BIGINT,
	status TEXT NOT NULL,
	planned_female BIGINT,
	planned_male BIGINT,
	reached_female BIGINT,
	reached_male BIGINT,
	budget DOUBLE PRECISION,
	currency TEXT,
	practice_id TEXT REFERENCES practices (id),
	distribution TEXT NOT NULL,
	sharing_group_id TEXT REFERENCES sharing_groups (id),
	tlp TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version BIGINT NOT NULL DEFAULT 1,
	CHECK (NOT (tlp = 'red' AND distribution = 'federation'))
);
CREATE INDEX activities_updated ON activities (updated_at, id);
CREATE INDEX activities_org ON activities (org_id, id);
-- overlaps of a country: candidates by country and type, then the grid
CREATE INDEX activities_overlap ON activities (area_country, type, cell_y, cell_x);
-- overlaps of one activity: by type and grid cell, across borders
CREATE INDEX activities_cell ON activities (type, cell_y, cell_x);
-- the largest radius of a type bounds the cells to search
CREATE INDEX activities_radius ON activities (type, radius_km);
CREATE INDEX activities_admin ON activities (type, admin_code);
CREATE INDEX activities_period ON activities (area_country, start_at);

CREATE TABLE proposals (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES organisations (id),
	country TEXT,
	created_by TEXT REFERENCES users (id),
	title TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	partners TEXT NOT NULL DEFAULT '[]',
	countries TEXT NOT NULL DEFAULT '[]',
	practices TEXT NOT NULL DEFAULT '[]',
	activities TEXT NOT NULL DEFAULT '[]',
	status TEXT NOT NULL DEFAULT 'draft',
	verified_by TEXT REFERENCES users (id),
	verified_at BIGINT,
	distribution TEXT NOT NULL,
	sharing_group_id TEXT REFERENCES sharing_groups (id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX proposals_updated ON proposals (updated_at, id);

CREATE TABLE proposal_endorsements (
	proposal_id TEXT NOT NULL REFERENCES proposals (id),
	org_id TEXT NOT NULL REFERENCES organisations (id),
	user_id TEXT REFERENCES users (id),
	comment TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	PRIMARY KEY (proposal_id, org_id)
);

CREATE TABLE proposal_reviews (
	id TEXT PRIMARY KEY,
	proposal_id TEXT NOT NULL REFERENCES proposals (id),
	reviewer_id TEXT NOT NULL REFERENCES users (id),
	org_id TEXT NOT NULL REFERENCES organisations (id),
	verdict TEXT NOT NULL,
	comments TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	UNIQUE (proposal_id, reviewer_id)
);
