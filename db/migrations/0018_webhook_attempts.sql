-- Each attempt to deliver a webhook event, readable by the webhook's owner.
CREATE TABLE webhook_attempts (
	id TEXT PRIMARY KEY,
	delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id),
	webhook_id TEXT NOT NULL REFERENCES webhooks (id),
	attempt INTEGER NOT NULL,
	status INTEGER,
	error TEXT,
	duration_ms BIGINT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX webhook_attempts_hook ON webhook_attempts (webhook_id, id);
