#!/usr/bin/env bash
# Overlap detection benchmark; run from the repository root (make bench).
# 100,000 generated activities in 10 countries (10,000 each, all of one
# distribution everyone sees) written straight into a SQLite database made
# with the trellis binary's migrations, then "all overlaps of one country"
# through the domain function against a naive all-pairs scan of the same
# rows in the same run. Floor: under 1 s for the indexed path.
set -eu
ROOT=$(pwd)
test -f "$ROOT/src/domain/overlap.c" || { echo "run from the repository root" >&2; exit 2; }
BENCH=build/bench/activities/overlap_bench
make -s all "$BENCH" >/dev/null
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM
DB="$WORK/bench.db"

build/trellis migrate --db "sqlite:$DB" >/dev/null 2>&1 || build/trellis migrate --db "sqlite:$DB"
build/trellis seed --reference --db "sqlite:$DB" >/dev/null 2>&1 || true

echo "== generating 100,000 activities"
t0=$(date +%s.%N)
sqlite3 "$DB" >/dev/null <<'SQL'
BEGIN;
INSERT INTO organisations (id, name, kind, created_at, updated_at)
WITH RECURSIVE o(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM o WHERE i < 39)
SELECT printf('00000000-0000-7000-8000-%012d', i), 'Bench org ' || i, 'ngo', 0, 0 FROM o;
-- country boxes: (code, lat0, lon0, dlat, dlon)
CREATE TEMP TABLE box (k INTEGER, code TEXT, lat0 REAL, lon0 REAL, dlat REAL, dlon REAL);
INSERT INTO box VALUES (0, 'AT', 46.4, 9.5, 2.6, 7.7), (1, 'DE', 47.3, 6.0, 7.7, 9.0),
	(2, 'FR', 43.0, -1.0, 7.0, 8.5), (3, 'PL', 49.5, 14.5, 5.0, 9.5), (4, 'IT', 38.0, 8.0, 8.0, 9.0),
	(5, 'ES', 37.0, -7.0, 6.5, 9.0), (6, 'SE', 55.5, 12.0, 13.0, 10.0), (7, 'RO', 44.0, 21.0, 4.0, 7.5),
	(8, 'CZ', 48.6, 12.5, 2.3, 6.0), (9, 'HU', 46.0, 16.5, 2.4, 6.0);
CREATE TEMP TABLE r AS
WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i < 99999)
SELECT i, i % 10 AS k, abs(random()) % 40 AS org, abs(random()) % 12 AS type,
	abs(random()) % 6 AS setting, abs(random()) % 3 AS gender, abs(random()) % 25 AS age,
	abs(random()) % 8 AS span, (abs(random()) % 1000000) / 1000000.0 AS u,
	(abs(random()) % 1000000) / 1000000.0 AS v, 1 + abs(random()) % 30 AS radius,
	abs(random()) % 1460 AS day, 30 + abs(random()) % 365 AS len, abs(random()) % 5 AS open
FROM g;
INSERT INTO activities (id, org_id, country, type, title, age_min, age_max, gender, setting,
	area_country, lat, lon, radius_km, cell_x, cell_y, start_at, end_at, status, distribution,
	tlp, created_at, updated_at)
SELECT printf('00000000-0000-7000-9000-%012d', r.i), printf('00000000-0000-7000-8000-%012d', r.org),
	b.code,
	CASE r.type WHEN 0 THEN 'school_prevention' WHEN 1 THEN 'family_skills'
		WHEN 2 THEN 'youth_alternative_activities' WHEN 3 THEN 'outreach'
		WHEN 4 THEN 'awareness_campaign' WHEN 5 THEN 'police_school_liaison'
		WHEN 6 THEN 'community_meeting' WHEN 7 THEN 'environmental_design'
		WHEN 8 THEN 'treatment_referral_programme' WHEN 9 THEN 'diversion_programme'
		WHEN 10 THEN 'training' ELSE 'other' END,
	'Activity ' || r.i, r.age, r.age + r.span,
	CASE r.gender WHEN 0 THEN 'all' WHEN 1 THEN 'female' ELSE 'male' END,
	CASE r.setting WHEN 0 THEN 'school' WHEN 1 THEN 'family' WHEN 2 THEN 'community'
		WHEN 3 THEN 'nightlife' WHEN 4 THEN 'online' ELSE 'workplace' END,
	b.code, b.lat0 + r.u * b.dlat, b.lon0 + r.v * b.dlon, r.radius,
	CAST((b.lon0 + r.v * b.dlon + 180) / 0.5 AS INTEGER),
	CAST((b.lat0 + r.u * b.dlat + 90) / 0.5 AS INTEGER),
	1704067200000 + r.day * 86400000,
	CASE WHEN r.open = 0 THEN NULL ELSE 1704067200000 + (r.day + r.len) * 86400000 END,
	'active', 'network', 'green', 0, 0
FROM r JOIN box b ON b.k = r.k;
COMMIT;
ANALYZE;
SQL
echo "generated in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s: $(sqlite3 "$DB" 'SELECT COUNT(*) FROM activities') activities"

echo "== all overlaps of AT (10,000 activities): indexed vs naive all-pairs"
"$BENCH" "sqlite:$DB" AT
