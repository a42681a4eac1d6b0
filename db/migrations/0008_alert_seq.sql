-- Every write of an alert takes the next number of alert_seq and stamps it
-- on the row, in the same transaction. A server process keeps a read model
-- of the alerts in memory and brings it up to date by reading the rows
-- stamped after the last number it has seen; the row lock on alert_seq
-- makes the numbers commit in order, so none is skipped.
CREATE TABLE alert_seq (
	id BIGINT PRIMARY KEY CHECK (id = 1),
	n BIGINT NOT NULL
);
INSERT INTO alert_seq (id, n) VALUES (1, 0);
ALTER TABLE alerts ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX alerts_seq ON alerts (seq);
