-- The gazetteer (GeoNames places with population >= 1000, loaded by
-- `trellis seed --gazetteer`) and what signals need to say where they are,
-- how long they last and who acted on them.
CREATE TABLE places (
	id BIGINT PRIMARY KEY, -- the GeoNames id
	name TEXT NOT NULL,
	name_key TEXT COLLATE "C" NOT NULL, -- name folded (case, accents) for prefix search
	country TEXT NOT NULL,
	feature TEXT NOT NULL, -- GeoNames feature code: PPLC, PPLA, PPLX (a section of a city) ...
	admin_code TEXT NOT NULL DEFAULT '',
	lat DOUBLE PRECISION NOT NULL,
	lon DOUBLE PRECISION NOT NULL,
	population BIGINT NOT NULL,
	-- the half-degree cell of the point, (floor(2 lat) + 180) * 1000 +
	-- floor(2 lon) + 360: the places near a point are those of a few cells
	cell BIGINT NOT NULL
);
CREATE INDEX places_key ON places (name_key);
CREATE INDEX places_country_key ON places (country, name_key);
CREATE INDEX places_cell ON places (cell);

-- A signal's place: a point and radius for hot spots and clusters (NULL
-- for a whole country's series); methods: every method that raised it
-- (one signal per place and period, whatever the method); weeks: how many
-- weeks in a row it has alarmed; closed_at: when the alarm stopped;
-- status_comment: the comment given when it was acknowledged; statistic:
-- the hot spot's Gi* z or the cluster's log likelihood ratio, p_adjusted
-- its p-value after the Benjamini-Hochberg correction.
ALTER TABLE signals ADD COLUMN lat DOUBLE PRECISION;
ALTER TABLE signals ADD COLUMN lon DOUBLE PRECISION;
ALTER TABLE signals ADD COLUMN radius_m DOUBLE PRECISION;
ALTER TABLE signals ADD COLUMN methods TEXT NOT NULL DEFAULT '[]';
ALTER TABLE signals ADD COLUMN weeks INTEGER NOT NULL DEFAULT 1;
ALTER TABLE signals ADD COLUMN closed_at BIGINT;
ALTER TABLE signals ADD COLUMN status_comment TEXT;
ALTER TABLE signals ADD COLUMN statistic DOUBLE PRECISION;
ALTER TABLE signals ADD COLUMN p_adjusted DOUBLE PRECISION;
UPDATE signals SET methods = '["' || method || '"]';
CREATE INDEX signals_open ON signals (closed_at, period_start);
CREATE INDEX signals_continues ON signals (continues);
