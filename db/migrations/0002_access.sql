-- Accounts, sessions, tokens, sharing groups and the audit log.
CREATE TABLE users (
	id TEXT PRIMARY KEY,
	email TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	org_id TEXT NOT NULL REFERENCES organisations (id),
	role TEXT NOT NULL CHECK (role IN
		('admin', 'org_admin', 'analyst', 'officer', 'partner', 'viewer')),
	password_hash TEXT,
	reviewer INTEGER NOT NULL DEFAULT 0,
	disabled INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX users_org ON users (org_id, id);

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_id TEXT NOT NULL REFERENCES users (id),
	csrf TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	last_seen BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
	id TEXT PRIMARY KEY,
	user_id TEXT NOT NULL REFERENCES users (id),
	name TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	read_only INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	revoked_at BIGINT,
	last_used_at BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);

-- Failed sign-ins by account (the address given, hashed), for throttling.
CREATE TABLE login_failures (
	email_hash TEXT NOT NULL,
	at BIGINT NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email_hash, at);

CREATE TABLE sharing_groups (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	owner_org_id TEXT NOT NULL REFERENCES organisations (id),
	members_can_add INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version BIGINT NOT NULL DEFAULT 1
);
CREATE TABLE sharing_group_members (
	group_id TEXT NOT NULL REFERENCES sharing_groups (id),
	org_id TEXT NOT NULL REFERENCES organisations (id),
	added_at BIGINT NOT NULL,
	PRIMARY KEY (group_id, org_id)
);
CREATE INDEX sharing_group_members_org ON sharing_group_members (org_id, group_id);

-- Append-only, hash-chained. audit_head holds the last sequence number and
-- hash; updating it serialises writers and lets verify notice a removed tail.
CREATE TABLE audit_log (
	seq BIGINT PRIMARY KEY,
	at BIGINT NOT NULL,
	user_id TEXT,
	org_id TEXT,
	action TEXT NOT NULL,
	resource_type TEXT NOT NULL,
	resource_id TEXT,
	request_id TEXT,
	justification TEXT,
	detail TEXT,
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX audit_user ON audit_log (user_id, seq);
CREATE INDEX audit_resource ON audit_log (resource_type, resource_id, seq);
CREATE INDEX audit_at ON audit_log (at);
CREATE TABLE audit_head (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	seq BIGINT NOT NULL,
	hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Idempotency keys: a retried create returns the first answer.
CREATE TABLE idempotency_keys (
	user_id TEXT NOT NULL,
	key TEXT NOT NULL,
	route TEXT NOT NULL,
	status INTEGER NOT NULL,
	body TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	PRIMARY KEY (user_id, key)
);
