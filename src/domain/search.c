/* The search index writer: the terms of one record (type, id) as the
 * engine indexes them (an FTS5 row on SQLite, a tsvector on PostgreSQL).
 * Modules call it when a record's text changes; search_query.c reads it. */
#include "domain/search.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/text.h"

int search_index_put(struct db_conn *c, const char *type, const char *id, const char *text)
{
	struct text_stemmers *t = text_stemmers_thread();
	if (!t)
		return TR_ERR_NOMEM;
	struct buf terms;
	buf_init(&terms, 4u << 20);
	int rc = text_index_terms(t, text, &terms);
	const char *v = terms.data ? terms.data : "";
	struct db_stmt *s;
	if (!rc && db_conn_engine(c) == DB_POSTGRES) {
		if (!(rc = db_prepare(c,
				      "INSERT INTO search_docs (doc_type, doc_id, terms)"
				      " VALUES (?, ?, ?) ON CONFLICT (doc_type, doc_id)"
				      " DO UPDATE SET terms = excluded.terms",
				      &s))) {
			db_bind_text(s, 1, type);
			db_bind_text(s, 2, id);
			db_bind_text(s, 3, v);
			rc = db_step(s) == DB_DONE ? TR_OK : TR_ERR_DB;
			db_done(s);
		}
	} else if (!rc) {
		/* the FTS row shares its rowid with search_docs */
		if (!(rc = db_prepare(c,
				      "INSERT INTO search_docs (doc_type, doc_id) VALUES (?, ?)"
				      " ON CONFLICT (doc_type, doc_id) DO NOTHING",
				      &s))) {
			db_bind_text(s, 1, type);
			db_bind_text(s, 2, id);
			rc = db_step(s) == DB_DONE ? TR_OK : TR_ERR_DB;
			db_done(s);
		}
		if (!rc && !(rc = db_prepare(c,
					     "DELETE FROM search_fts WHERE rowid = (SELECT id FROM"
					     " search_docs WHERE doc_type = ? AND doc_id = ?)",
					     &s))) {
			db_bind_text(s, 1, type);
			db_bind_text(s, 2, id);
			rc = db_step(s) == DB_DONE ? TR_OK : TR_ERR_DB;
			db_done(s);
		}
		if (!rc && !(rc = db_prepare(c,
					     "INSERT INTO search_fts (rowid, terms) SELECT id, ?"
					     " FROM search_docs WHERE doc_type = ? AND doc_id = ?",
					     &s))) {
			db_bind_text(s, 1, v);
			db_bind_text(s, 2, type);
			db_bind_text(s, 3, id);
			rc = db_step(s) == DB_DONE ? TR_OK : TR_ERR_DB;
			db_done(s);
		}
	}
	buf_free(&terms);
	return rc;
}
