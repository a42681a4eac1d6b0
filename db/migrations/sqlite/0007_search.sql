-- Full-text search. The terms (folded, stemmed words) are computed by the
-- program (src/core/text.c) for both engines, so both find the same records.
CREATE TABLE search_docs (
	id INTEGER PRIMARY KEY,
	doc_type TEXT NOT NULL,
	doc_id TEXT NOT NULL,
	UNIQUE (doc_type, doc_id)
);
CREATE VIRTUAL TABLE search_fts USING fts5(terms, tokenize = 'unicode61 remove_diacritics 0');
