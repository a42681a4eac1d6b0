-- Federation: the name of a node this node holds no key of (neither a peer
-- nor pinned: known only as the node of a sharing group's member
-- organisation), as the peer that sent the group calls it, so that the
-- member shows a readable node. A pinned node's name is fed_nodes.name.
CREATE TABLE fed_node_labels (
	node_id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	via TEXT NOT NULL
);

-- An organisation made here only because a sharing group's origin listed it
-- as a member (listed_by: the node whose group it is): a claim nobody of
-- its node signed, so the first record its own node signs corrects it
-- (node, name, kind, country) instead of being refused against it.
ALTER TABLE organisations ADD COLUMN listed_by TEXT;
