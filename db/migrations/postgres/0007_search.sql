-- Full-text search. The terms (folded, stemmed words) are computed by the
-- program (src/core/text.c) for both engines, so both find the same records;
-- the 'simple' configuration indexes them as they are.
CREATE TABLE search_docs (
	doc_type TEXT NOT NULL,
	doc_id TEXT NOT NULL,
	terms TEXT NOT NULL,
	tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED,
	PRIMARY KEY (doc_type, doc_id)
);
CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv);
