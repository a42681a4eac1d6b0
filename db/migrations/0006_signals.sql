-- Early-warning signals found by `trellis detect` (and the scheduler of
-- `trellis serve`): one row per alarming period, area, method and
-- addressed organisation. Signals carry no distribution: they are seen by
-- the organisation they are addressed to and by the analysts of their
-- country (src/domain/signal.c); the records behind them are filtered
-- through the access predicate whenever they are shown.
CREATE TABLE signals (
	id TEXT PRIMARY KEY,
	org_id TEXT REFERENCES organisations (id),
	org_key TEXT NOT NULL,
	country TEXT NOT NULL,
	cell TEXT NOT NULL DEFAULT '',
	method TEXT NOT NULL,
	source TEXT NOT NULL,
	category TEXT NOT NULL,
	period_start BIGINT NOT NULL,
	period_end BIGINT NOT NULL,
	observed DOUBLE PRECISION NOT NULL,
	expected DOUBLE PRECISION,
	upperbound DOUBLE PRECISION,
	score DOUBLE PRECISION,
	record_ids TEXT NOT NULL DEFAULT '[]',
	status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'acknowledged', 'dismissed')),
	dismissal_reason TEXT,
	status_by TEXT REFERENCES users (id),
	status_at BIGINT,
	first_seen BIGINT NOT NULL,
	last_seen BIGINT NOT NULL,
	continues TEXT REFERENCES signals (id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version BIGINT NOT NULL DEFAULT 1
);
-- org_key is org_id, or '' for a country without a responsible
-- organisation: one signal per area, method, period and addressee.
CREATE UNIQUE INDEX signals_area_period ON signals
	(org_key, method, source, country, category, cell, period_start);
CREATE INDEX signals_org ON signals (org_key, first_seen, id);
CREATE INDEX signals_country ON signals (country, first_seen, id);
