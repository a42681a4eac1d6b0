-- Triage at scale: a reference an officer can say on the phone
-- (AT-2026-000123: the country of the receiving organisation, the year,
-- a sequence per country and year, taken at intake in the same
-- transaction), and links between tips, alerts, activities and problems
-- that either side may add or remove after creation.
ALTER TABLE tips ADD COLUMN reference TEXT;

CREATE TABLE tip_ref_seq (
	country TEXT NOT NULL,
	year BIGINT NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (country, year)
);

-- the tips received before this migration, numbered in order of receipt
WITH r AS (
	SELECT id, country, CAST(EXTRACT(YEAR FROM to_timestamp(created_at / 1000.0) AT TIME ZONE 'UTC') AS BIGINT) AS y,
	       ROW_NUMBER() OVER (PARTITION BY country,
				  EXTRACT(YEAR FROM to_timestamp(created_at / 1000.0) AT TIME ZONE 'UTC')
				  ORDER BY created_at, id) AS n
	FROM tips /*acl:checked*/
)
UPDATE tips /*acl:checked*/ SET reference =
	(SELECT r.country || '-' || r.y || '-' || lpad(r.n::text, 6, '0') FROM r WHERE r.id = tips.id);
INSERT INTO tip_ref_seq (country, year, n)
	SELECT country, CAST(EXTRACT(YEAR FROM to_timestamp(created_at / 1000.0) AT TIME ZONE 'UTC') AS BIGINT), COUNT(*)
	FROM tips /*acl:checked*/
	GROUP BY country, CAST(EXTRACT(YEAR FROM to_timestamp(created_at / 1000.0) AT TIME ZONE 'UTC') AS BIGINT);
CREATE UNIQUE INDEX tips_reference ON tips (reference);

-- One row per link, its ends in a fixed order (a_type, a_id) < (b_type,
-- b_id), so a link added from either side is the same link.
CREATE TABLE record_links (
	id TEXT PRIMARY KEY,
	a_type TEXT NOT NULL,
	a_id TEXT NOT NULL,
	b_type TEXT NOT NULL,
	b_id TEXT NOT NULL,
	org_id TEXT REFERENCES organisations (id),
	created_by TEXT REFERENCES users (id),
	created_at BIGINT NOT NULL,
	UNIQUE (a_type, a_id, b_type, b_id)
);
CREATE INDEX record_links_b ON record_links (b_type, b_id);

-- the links problems held so far ('alert' < 'problem' < 'tip')
INSERT INTO record_links (id, a_type, a_id, b_type, b_id, org_id, created_by, created_at)
	SELECT x.problem_id || ':' || x.tip_id, 'problem', x.problem_id, 'tip', x.tip_id,
	       p.org_id, p.created_by, p.created_at
	FROM problem_tips x JOIN problems p /*acl:checked*/ ON p.id = x.problem_id;
INSERT INTO record_links (id, a_type, a_id, b_type, b_id, org_id, created_by, created_at)
	SELECT x.problem_id || ':' || x.alert_id, 'alert', x.alert_id, 'problem', x.problem_id,
	       p.org_id, p.created_by, p.created_at
	FROM problem_alerts x JOIN problems p /*acl:checked*/ ON p.id = x.problem_id;
