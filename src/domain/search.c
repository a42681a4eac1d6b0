/* The search index writer: the terms of one record (type, id) as the
 * engine indexes them (an FTS5 row on SQLite, a tsvector on PostgreSQL).
 * Modules call it when a record's text changes; search_query.c reads it. */
#include "domain/search.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/text.h"

#include <stdlib.h>
#include <string.h>

/* The full-text rows held for one connection of this thread: a JSON array
 * of [type, id, terms] (search_index_hold). */
static _Thread_local struct held {
	struct db_conn *c;
	struct buf rows;
	size_t n;
} held;

void search_index_hold(struct db_conn *c)
{
	buf_free(&held.rows);
	buf_init(&held.rows, (size_t)1 << 30);
	held.n = 0;
	held.c = db_conn_engine(c) == DB_SQLITE ? c : NULL;
}

int search_index_flush(struct db_conn *c, int write)
{
	int rc = held.rows.err;
	if (held.c != c)
		return TR_OK;
	held.c = NULL;
	if (!rc && write && held.n) {
		buf_puts(&held.rows, "]");
		/* OR REPLACE: the row a document had (committed, or held twice) */
		if (!(rc = held.rows.err))
			rc = db_write_vals(
			    c,
			    "INSERT OR REPLACE INTO search_fts (rowid, terms) SELECT d.id,"
			    " json_extract(j.value, '$[2]') FROM json_each(?) j JOIN"
			    " search_docs d ON d.doc_type = json_extract(j.value, '$[0]')"
			    " AND d.doc_id = json_extract(j.value, '$[1]') ORDER BY j.key",
			    DB_VALS(DB_TEXT(held.rows.data)));
	}
	buf_free(&held.rows);
	held.n = 0;
	return write ? rc : TR_OK;
}

/* Holds one row for search_index_flush. */
static int index_hold(const char *type, const char *id, const char *terms)
{
	buf_puts(&held.rows, held.n++ ? "," : "[");
	buf_puts(&held.rows, "[");
	buf_json_str(&held.rows, type);
	buf_puts(&held.rows, ",");
	buf_json_str(&held.rows, id);
	buf_puts(&held.rows, ",");
	buf_json_str(&held.rows, terms);
	return buf_puts(&held.rows, "]");
}

int search_index_put(struct db_conn *c, const char *type, const char *id, const char *text)
{
	struct text_stemmers *t = text_stemmers_thread();
	if (!t)
		return TR_ERR_NOMEM;
	struct buf terms;
	buf_init(&terms, 4u << 20);
	int rc = text_index_terms(t, text, &terms);
	const char *v = terms.data ? terms.data : "";
	if (!rc && db_conn_engine(c) == DB_POSTGRES) {
		rc = db_write_vals(c,
				   "INSERT INTO search_docs (doc_type, doc_id, terms)"
				   " VALUES (?, ?, ?) ON CONFLICT (doc_type, doc_id)"
				   " DO UPDATE SET terms = excluded.terms",
				   DB_VALS(DB_TEXT(type), DB_TEXT(id), DB_TEXT(v)));
	} else if (!rc) {
		/* the FTS row shares its rowid with search_docs */
		rc = db_write_vals(c,
				   "INSERT INTO search_docs (doc_type, doc_id) VALUES (?, ?)"
				   " ON CONFLICT (doc_type, doc_id) DO NOTHING",
				   DB_VALS(DB_TEXT(type), DB_TEXT(id)));
		if (!rc && held.c == c)
			rc = index_hold(type, id, v);
		else if (!rc)
			rc = db_write_vals(c,
					   "DELETE FROM search_fts WHERE rowid = (SELECT id FROM"
					   " search_docs WHERE doc_type = ? AND doc_id = ?)",
					   DB_VALS(DB_TEXT(type), DB_TEXT(id)));
		if (!rc && held.c != c)
			rc = db_write_vals(c,
					   "INSERT INTO search_fts (rowid, terms) SELECT id, ?"
					   " FROM search_docs WHERE doc_type = ? AND doc_id = ?",
					   DB_VALS(DB_TEXT(v), DB_TEXT(type), DB_TEXT(id)));
	}
	buf_free(&terms);
	return rc;
}
