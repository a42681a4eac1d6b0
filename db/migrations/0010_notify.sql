-- Notifications: the per-user inbox, subscriptions, the mail outbox,
-- single-use password tokens (invitation, reset) and webhooks.

-- The language of a user's messages and the hour (UTC) of their digest.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
ALTER TABLE users ADD COLUMN digest_hour INTEGER NOT NULL DEFAULT 7;

-- An inbox item names what happened and the record it is about; it holds
-- no content of that record, so it never says more than the record's own
-- page would. dedupe keeps the scheduler from raising an item twice.
CREATE TABLE inbox_items (
	id TEXT PRIMARY KEY,
	user_id TEXT NOT NULL REFERENCES users (id),
	kind TEXT NOT NULL,
	ref_type TEXT,
	ref_id TEXT,
	subscription_id TEXT,
	delivery TEXT NOT NULL DEFAULT 'inbox',
	dedupe TEXT,
	read_at BIGINT,
	digest_at BIGINT,
	created_at BIGINT NOT NULL
);
CREATE INDEX inbox_items_user ON inbox_items (user_id, created_at);
CREATE INDEX inbox_items_unread ON inbox_items (user_id, read_at);
CREATE UNIQUE INDEX inbox_items_dedupe ON inbox_items (user_id, dedupe);
CREATE INDEX inbox_items_digest ON inbox_items (delivery, digest_at, user_id);

-- The filters are lists kept as ",a,b," (empty: any), matched by
-- substring for 10,000 subscriptions without parsing each.
CREATE TABLE subscriptions (
	id TEXT PRIMARY KEY,
	user_id TEXT NOT NULL REFERENCES users (id),
	record_type TEXT NOT NULL,
	categories TEXT NOT NULL DEFAULT '',
	substances TEXT NOT NULL DEFAULT '',
	countries TEXT NOT NULL DEFAULT '',
	lat DOUBLE PRECISION,
	lon DOUBLE PRECISION,
	radius_m DOUBLE PRECISION,
	tlp_max TEXT NOT NULL DEFAULT 'red',
	delivery TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX subscriptions_user ON subscriptions (user_id, id);
CREATE INDEX subscriptions_type ON subscriptions (record_type);

-- The transactional outbox: written in the transaction of the event that
-- causes the message; the sender marks a row sent only after the SMTP
-- server accepted it. The id is the Message-ID. A row is claimed by moving
-- next_at past the send's timeout, so a crashed sender's claim lapses.
-- payload is what cannot be read again at sending time (an invitation's
-- link), sealed with TRELLIS_SECRET_KEY when set, and wiped once sent.
CREATE TABLE mail_outbox (
	id TEXT PRIMARY KEY,
	user_id TEXT REFERENCES users (id),
	rcpt TEXT NOT NULL,
	kind TEXT NOT NULL,
	ref_type TEXT,
	ref_id TEXT,
	subscription_id TEXT,
	payload TEXT,
	status TEXT NOT NULL DEFAULT 'queued',
	attempts INTEGER NOT NULL DEFAULT 0,
	next_at BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	sent_at BIGINT,
	last_error TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_at);

-- Invitation and reset tokens: only their hash, single use, with an expiry.
CREATE TABLE password_tokens (
	token_hash TEXT PRIMARY KEY,
	user_id TEXT NOT NULL REFERENCES users (id),
	kind TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	used_at BIGINT
);
CREATE INDEX password_tokens_user ON password_tokens (user_id);

CREATE TABLE webhooks (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES organisations (id),
	created_by TEXT NOT NULL REFERENCES users (id),
	url TEXT NOT NULL,
	event_types TEXT NOT NULL DEFAULT '[]',
	secret_enc TEXT NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0,
	failures INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX webhooks_org ON webhooks (org_id, id);

CREATE TABLE webhook_deliveries (
	id TEXT PRIMARY KEY,
	webhook_id TEXT NOT NULL REFERENCES webhooks (id),
	event_type TEXT NOT NULL,
	ref_type TEXT,
	ref_id TEXT,
	status TEXT NOT NULL DEFAULT 'queued',
	attempts INTEGER NOT NULL DEFAULT 0,
	next_at BIGINT NOT NULL,
	last_status INTEGER,
	last_error TEXT,
	created_at BIGINT NOT NULL,
	delivered_at BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_at);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (webhook_id, created_at);
