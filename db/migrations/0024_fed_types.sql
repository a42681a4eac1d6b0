-- Federation of more than alerts: practices, proposals with their
-- endorsements, activities, and the sightings and comments of alerts carry,
-- as alerts do, the change number of their last write (alert_seq, the one
-- counter the feed follows), the node they come from (origin_node, NULL
-- for this node's own) and the peer that passed them (received_from).
ALTER TABLE practices ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE practices ADD COLUMN origin_node TEXT;
ALTER TABLE practices ADD COLUMN received_from TEXT;
CREATE INDEX practices_seq ON practices (seq);

ALTER TABLE proposals ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE proposals ADD COLUMN origin_node TEXT;
ALTER TABLE proposals ADD COLUMN received_from TEXT;
CREATE INDEX proposals_seq ON proposals (seq);

ALTER TABLE proposal_endorsements ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE proposal_endorsements ADD COLUMN origin_node TEXT;
ALTER TABLE proposal_endorsements ADD COLUMN received_from TEXT;
CREATE INDEX proposal_endorsements_seq ON proposal_endorsements (seq);

ALTER TABLE activities ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE activities ADD COLUMN origin_node TEXT;
ALTER TABLE activities ADD COLUMN received_from TEXT;
CREATE INDEX activities_seq ON activities (seq);

ALTER TABLE alert_sightings ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE alert_sightings ADD COLUMN origin_node TEXT;
ALTER TABLE alert_sightings ADD COLUMN received_from TEXT;
CREATE INDEX alert_sightings_seq ON alert_sightings (seq);

ALTER TABLE alert_comments ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE alert_comments ADD COLUMN origin_node TEXT;
ALTER TABLE alert_comments ADD COLUMN received_from TEXT;
CREATE INDEX alert_comments_seq ON alert_comments (seq);
