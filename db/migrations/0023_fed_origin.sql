-- Federation: records signed by their origin. A record travels with the
-- origin's detached signature over its text, so a node that passes it along
-- can neither change it nor make one up in another node's name.
-- fed_nodes pins the key of every origin node seen (peers are pinned by
-- their row in fed_peers); fed_signed keeps, for each copy received, the
-- text and signature its origin made, which is what is passed along.
CREATE TABLE fed_nodes (
	node_id TEXT PRIMARY KEY,
	public_key TEXT NOT NULL,
	via TEXT NOT NULL,
	first_seen_at BIGINT NOT NULL
);

CREATE TABLE fed_signed (
	record_type TEXT NOT NULL,
	record_id TEXT NOT NULL,
	body TEXT NOT NULL,
	sig TEXT NOT NULL,
	PRIMARY KEY (record_type, record_id)
);
