-- Referrals: a directory of services that organisations offer young
-- people, referrals from the police to one of them with consent records,
-- deadlines and outcomes. The referred person's fields, the facts and the
-- receiving organisation's notes are sealed with the data key
-- (TRELLIS_SECRET_KEY) and erased after the retention period; what stays
-- (age band, gender, country, area, pathway, dates, outcome) identifies no
-- one and still counts.
CREATE TABLE services (
	id TEXT PRIMARY KEY,
	org_id TEXT NOT NULL REFERENCES organisations (id),
	country TEXT NOT NULL,
	name TEXT NOT NULL,
	type TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	age_min BIGINT NOT NULL DEFAULT 0,
	age_max BIGINT NOT NULL DEFAULT 120,
	languages TEXT NOT NULL DEFAULT '[]',
	lat DOUBLE PRECISION,
	lon DOUBLE PRECISION,
	radius_m DOUBLE PRECISION,
	opening_hours TEXT NOT NULL DEFAULT '',
	waiting_days BIGINT,
	active BIGINT NOT NULL DEFAULT 1,
	created_by TEXT REFERENCES users (id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX services_country ON services (country, type, id);
CREATE INDEX services_org ON services (org_id, id);

CREATE TABLE referrals (
	id TEXT PRIMARY KEY,
	ref_org_id TEXT NOT NULL REFERENCES organisations (id),
	ref_user_id TEXT NOT NULL REFERENCES users (id),
	recv_org_id TEXT NOT NULL REFERENCES organisations (id),
	service_id TEXT NOT NULL REFERENCES services (id),
	service_type TEXT NOT NULL,
	pathway TEXT NOT NULL,
	urgency TEXT NOT NULL,
	status TEXT NOT NULL,
	age_band TEXT NOT NULL,
	minor BIGINT NOT NULL,
	gender TEXT NOT NULL,
	country TEXT NOT NULL,
	area TEXT NOT NULL DEFAULT '',
	substances TEXT NOT NULL DEFAULT '[]',
	tip_id TEXT,
	alert_id TEXT,
	problem_id TEXT,
	person_enc TEXT,
	facts_enc TEXT,
	notes_enc TEXT,
	personal_erased_at BIGINT,
	outcome TEXT,
	reject_reason TEXT,
	override_reason TEXT,
	sent_at BIGINT,
	ack_due_at BIGINT,
	acknowledged_at BIGINT,
	answered_at BIGINT,
	contact_due_at BIGINT,
	first_contact_at BIGINT,
	escalated_at BIGINT,
	closed_at BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX referrals_ref ON referrals (ref_org_id, updated_at, id);
CREATE INDEX referrals_recv ON referrals (recv_org_id, updated_at, id);
CREATE INDEX referrals_closed ON referrals (closed_at);
CREATE INDEX referrals_due ON referrals (status, ack_due_at);

-- Consent as records, appended and never changed: the newest record of a
-- scope is the one in force (a withdrawal is a record too).
CREATE TABLE referral_consents (
	id TEXT PRIMARY KEY,
	referral_id TEXT NOT NULL REFERENCES referrals (id),
	seq BIGINT NOT NULL,
	subject TEXT NOT NULL,
	scope TEXT NOT NULL,
	decision TEXT NOT NULL,
	given_at BIGINT NOT NULL,
	recorded_by TEXT NOT NULL REFERENCES users (id),
	recorded_at BIGINT NOT NULL,
	UNIQUE (referral_id, seq)
);
