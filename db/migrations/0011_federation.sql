-- Federation: this instance's node identity, its peers, the bundles already
-- applied (a replay is refused), the per-peer delivery ledger (who received
-- which record at which version, so a retraction or narrowing reaches them
-- as a tombstone), and the origin of records and organisations that came
-- from another node.
CREATE TABLE fed_node (
	id BIGINT PRIMARY KEY CHECK (id = 1),
	node_id TEXT NOT NULL,
	public_key TEXT NOT NULL,
	sealed_seed TEXT NOT NULL,
	created_at BIGINT NOT NULL
);

CREATE TABLE fed_peers (
	node_id TEXT PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	url TEXT NOT NULL,
	public_key TEXT NOT NULL,
	pass_along INTEGER NOT NULL DEFAULT 1,
	pull_cursor BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	last_attempt_at BIGINT,
	last_success_at BIGINT,
	last_error TEXT,
	last_error_at BIGINT,
	last_change_at BIGINT,
	served_cursor BIGINT NOT NULL DEFAULT 0,
	last_served_at BIGINT
);

CREATE TABLE fed_bundles_seen (
	id TEXT PRIMARY KEY,
	peer TEXT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX fed_bundles_seen_expiry ON fed_bundles_seen (expires_at);

CREATE TABLE fed_deliveries (
	peer TEXT NOT NULL,
	record_type TEXT NOT NULL,
	record_id TEXT NOT NULL,
	version BIGINT NOT NULL,
	op TEXT NOT NULL,
	seq BIGINT NOT NULL,
	at BIGINT NOT NULL,
	PRIMARY KEY (peer, record_type, record_id)
);
CREATE INDEX fed_deliveries_record ON fed_deliveries (record_type, record_id);

ALTER TABLE organisations ADD COLUMN origin_node TEXT;
ALTER TABLE alerts ADD COLUMN origin_node TEXT;
ALTER TABLE alerts ADD COLUMN received_from TEXT;
