-- Substances, alerts, their substances, countries and tags, sightings and
-- comments. Alerts and comments carry a distribution; sightings are seen
-- with their alert.
CREATE TABLE substances (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	class TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	synonyms TEXT NOT NULL DEFAULT '[]',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX substances_class ON substances (class, name);

CREATE TABLE alerts (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES organisations (id),
	country TEXT,
	created_by TEXT REFERENCES users (id),
	title TEXT NOT NULL,
	summary TEXT NOT NULL DEFAULT '',
	body TEXT NOT NULL DEFAULT '',
	category TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'draft',
	retraction_reason TEXT,
	distribution TEXT NOT NULL,
	sharing_group_id TEXT REFERENCES sharing_groups (id),
	tlp TEXT NOT NULL,
	lat DOUBLE PRECISION,
	lon DOUBLE PRECISION,
	place_name TEXT,
	precision_m BIGINT,
	cell_x BIGINT,
	cell_y BIGINT,
	observed_from BIGINT,
	observed_to BIGINT,
	reliability TEXT,
	credibility BIGINT,
	tags TEXT NOT NULL DEFAULT '[]',
	countries TEXT NOT NULL DEFAULT '[]',
	substances TEXT NOT NULL DEFAULT '[]',
	ews TEXT NOT NULL DEFAULT '{}',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	published_at BIGINT,
	version BIGINT NOT NULL DEFAULT 1,
	CHECK (NOT (tlp = 'red' AND distribution = 'federation'))
);
CREATE INDEX alerts_updated ON alerts (updated_at, id);
CREATE INDEX alerts_observed ON alerts (observed_from, id);
CREATE INDEX alerts_org ON alerts (org_id, id);
CREATE INDEX alerts_dist ON alerts (distribution, country);
CREATE INDEX alerts_cell ON alerts (category, cell_x, cell_y);

CREATE TABLE alert_substances (
	alert_id TEXT NOT NULL REFERENCES alerts (id),
	substance_id TEXT NOT NULL REFERENCES substances (id),
	PRIMARY KEY (alert_id, substance_id)
);
CREATE INDEX alert_substances_substance ON alert_substances (substance_id, alert_id);

CREATE TABLE alert_countries (
	alert_id TEXT NOT NULL REFERENCES alerts (id),
	country TEXT NOT NULL,
	PRIMARY KEY (alert_id, country)
);
CREATE INDEX alert_countries_country ON alert_countries (country, alert_id);

CREATE TABLE alert_tags (
	alert_id TEXT NOT NULL REFERENCES alerts (id),
	tag TEXT NOT NULL,
	PRIMARY KEY (alert_id, tag)
);
CREATE INDEX alert_tags_tag ON alert_tags (tag, alert_id);

CREATE TABLE alert_sightings (
	id TEXT PRIMARY KEY,
	alert_id TEXT NOT NULL REFERENCES alerts (id),
	org_id TEXT NOT NULL REFERENCES organisations (id),
	country TEXT,
	user_id TEXT REFERENCES users (id),
	type TEXT NOT NULL,
	place_name TEXT,
	lat DOUBLE PRECISION,
	lon DOUBLE PRECISION,
	observed_at BIGINT NOT NULL,
	count BIGINT NOT NULL DEFAULT 1,
	created_at BIGINT NOT NULL
);
CREATE INDEX alert_sightings_alert ON alert_sightings (alert_id, id);

CREATE TABLE alert_comments (
	id TEXT PRIMARY KEY,
	alert_id TEXT NOT NULL REFERENCES alerts (id),
	org_id TEXT NOT NULL REFERENCES organisations (id),
	country TEXT,
	user_id TEXT REFERENCES users (id),
	body TEXT NOT NULL,
	distribution TEXT NOT NULL,
	sharing_group_id TEXT REFERENCES sharing_groups (id),
	created_at BIGINT NOT NULL
);
CREATE INDEX alert_comments_alert ON alert_comments (alert_id, id);
