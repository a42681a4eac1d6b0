-- Reference data: countries and organisations. Times are int64 ms UTC.
CREATE TABLE countries (
	iso2 TEXT PRIMARY KEY CHECK (length(iso2) = 2),
	iso3 TEXT NOT NULL,
	name_en TEXT NOT NULL,
	name_fr TEXT NOT NULL,
	osce_status TEXT NOT NULL CHECK (osce_status IN
		('participating_state', 'asian_partner', 'mediterranean_partner'))
);
CREATE INDEX countries_status ON countries (osce_status, iso2);

CREATE TABLE organisations (
	id TEXT PRIMARY KEY,
	key TEXT UNIQUE,
	name TEXT NOT NULL,
	kind TEXT NOT NULL,
	country TEXT REFERENCES countries (iso2),
	parent_id TEXT REFERENCES organisations (id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX organisations_country ON organisations (country, id);
CREATE INDEX organisations_kind ON organisations (kind, id);
