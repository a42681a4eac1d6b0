-- Federation: the name of a node that is not a peer here, as the peer that
-- passed its records along calls it (its own peers' names, signed in the
-- bundle), so that its organisations show a readable node, not an id.
ALTER TABLE fed_nodes ADD COLUMN name TEXT;
