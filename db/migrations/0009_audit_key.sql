-- The audit chain is keyed (BLAKE2b with TRELLIS_AUDIT_KEY). key_id names
-- the key of an entry's link (NULL: an unkeyed link, written before the key
-- was set); the head keeps the key of the newest entry so a server started
-- without that key, or with another one, refuses to append.
ALTER TABLE audit_log ADD COLUMN key_id TEXT;
ALTER TABLE audit_head ADD COLUMN key_id TEXT;
