#include "domain/search.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/text.h"
#include "domain/practice.h"

#include <stdlib.h>
#include <string.h>

int search_index_put(struct db_conn *c, const char *type, const char *id, const char *text)
{
	struct text_stemmers *t = text_stemmers_new();
	if (!t)
		return TR_ERR_NOMEM;
	struct buf terms;
	buf_init(&terms, 4u << 20);
	int rc = text_index_terms(t, text, &terms);
	text_stemmers_free(t);
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

/* The query in each engine's syntax, and the set of terms for snippets. */
struct qbuild {
	struct buf fts;	  /* ("a" OR "b") AND ("c") */
	struct buf pg;	  /* ('a' | 'b') & ('c') */
	struct buf terms; /* " a b c " */
	int words;
};

static void qbuild_word(void *ctx, const char *const *alts, int n)
{
	struct qbuild *b = ctx;
	if (b->words++) {
		buf_puts(&b->fts, " AND ");
		buf_puts(&b->pg, " & ");
	}
	buf_puts(&b->fts, "(");
	buf_puts(&b->pg, "(");
	for (int i = 0; i < n; i++) {
		buf_printf(&b->fts, "%s\"%s\"", i ? " OR " : "", alts[i]);
		buf_printf(&b->pg, "%s'%s'", i ? " | " : "", alts[i]);
		buf_printf(&b->terms, " %s ", alts[i]);
	}
	buf_puts(&b->fts, ")");
	buf_puts(&b->pg, ")");
}

static void html_escape(struct buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '<':
			buf_puts(out, "&lt;");
			break;
		case '>':
			buf_puts(out, "&gt;");
			break;
		case '&':
			buf_puts(out, "&amp;");
			break;
		case '"':
			buf_puts(out, "&quot;");
			break;
		default:
			if ((unsigned char)s[i] >= 0x20 || s[i] == '\t')
				buf_append(out, s + i, 1);
			else
				buf_append(out, " ", 1);
		}
	}
}

struct snip {
	struct text_stemmers *t;
	const char *terms;
	int hit;
};

static void snip_check(void *ctx, const char *const *alts, int n)
{
	struct snip *s = ctx;
	char key[200];
	for (int i = 0; i < n && !s->hit; i++) {
		snprintf(key, sizeof(key), " %s ", alts[i]);
		s->hit = strstr(s->terms, key) != NULL;
	}
}

static int word_matches(struct text_stemmers *t, const char *w, size_t n, const char *terms)
{
	char tmp[256];
	if (n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	memcpy(tmp, w, n);
	tmp[n] = '\0';
	struct snip s = {t, terms, 0};
	text_query_terms(t, tmp, snip_check, &s);
	return s.hit;
}

/* About 30 words around the first match, matches in <mark>, HTML-escaped. */
static char *snippet_make(struct text_stemmers *t, const char *text, const char *terms)
{
	struct buf out;
	buf_init(&out, 8192);
	const char *p = text, *first = NULL;
	const char *words[4096];
	size_t lens[4096];
	int n = 0, firsti = -1;
	while (*p && n < 4096) {
		while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
			p++;
		if (!*p)
			break;
		const char *e = p;
		while (*e && *e != ' ' && *e != '\n' && *e != '\t' && *e != '\r')
			e++;
		words[n] = p;
		lens[n] = (size_t)(e - p);
		if (!first && word_matches(t, p, lens[n], terms)) {
			first = p;
			firsti = n;
		}
		n++;
		p = e;
	}
	int from = firsti > 8 ? firsti - 8 : 0, to = from + 30 < n ? from + 30 : n;
	if (from > 0)
		buf_puts(&out, "… ");
	for (int i = from; i < to; i++) {
		if (i > from)
			buf_puts(&out, " ");
		int m = word_matches(t, words[i], lens[i], terms);
		if (m)
			buf_puts(&out, "<mark>");
		html_escape(&out, words[i], lens[i]);
		if (m)
			buf_puts(&out, "</mark>");
	}
	if (to < n)
		buf_puts(&out, " …");
	return buf_detach(&out, NULL);
}

static int search_alerts(struct db_conn *c, const struct caller *who, struct qbuild *b,
			 struct text_stemmers *t, int limit, json_t *items)
{
	struct query q;
	query_init(&q);
	if (db_conn_engine(c) == DB_POSTGRES)
		query_text(&q,
			   "SELECT a.id, a.title, a.summary, a.body, ts_rank(d.tsv, to_tsquery("
			   "'simple', ?)) AS r FROM search_docs d JOIN alerts a ON a.id = d.doc_id"
			   " WHERE d.doc_type = 'alert'",
			   b->pg.data);
	else
		/* the 300 newest matches, ranked, then access: ranking every
		 * match of a common word costs tens of milliseconds, and for
		 * alerts the recent ones matter most */
		query_sql(&q,
			  "SELECT a.id, a.title, a.summary, a.body, f.r FROM (SELECT rowid,"
			  " -bm25(search_fts) AS r FROM search_fts WHERE search_fts MATCH ?"
			  " ORDER BY rowid DESC LIMIT 300) f JOIN search_docs d ON d.id = f.rowid"
			  " JOIN alerts a ON a.id = d.doc_id WHERE d.doc_type = 'alert'");
	if (db_conn_engine(c) == DB_POSTGRES)
		query_text(&q, " AND d.tsv @@ to_tsquery('simple', ?)", b->pg.data);
	else
		query_param_text(&q, b->fts.data); /* the MATCH of the subquery */
	acl_visible(&q, who, "a");
	query_text(&q, " AND (a.status <> 'draft' OR a.org_id = ?)", who->org_id);
	query_int(&q, " ORDER BY r DESC, a.id LIMIT ?", limit);
	struct db_stmt *s;
	int rc = query_prepare(&q, c, &s);
	query_free(&q);
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		struct buf text;
		buf_init(&text, 1u << 20);
		buf_printf(&text, "%s\n%s\n%s", db_col_text(s, 1), db_col_text(s, 2),
			   db_col_text(s, 3));
		char *snip = snippet_make(t, text.data, b->terms.data);
		json_array_append_new(
		    items, json_pack("{s:s, s:s, s:s, s:s, s:f}", "type", "alert", "id",
				     db_col_text(s, 0), "title", db_col_text(s, 1), "snippet",
				     snip ? snip : "", "rank", db_col_double(s, 4)));
		free(snip);
		buf_free(&text);
	}
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

static int search_substances(struct db_conn *c, struct qbuild *b, struct text_stemmers *t,
			     int limit, json_t *items)
{
	struct query q;
	query_init(&q);
	if (db_conn_engine(c) == DB_POSTGRES)
		query_text(&q,
			   "SELECT x.id, x.name, x.synonyms, x.description, ts_rank(d.tsv,"
			   " to_tsquery('simple', ?)) AS r FROM search_docs d JOIN substances x"
			   " ON x.id = d.doc_id WHERE d.doc_type = 'substance'"
			   " AND d.tsv @@ to_tsquery('simple', ?)",
			   b->pg.data);
	else
		query_sql(&q,
			  "SELECT x.id, x.name, x.synonyms, x.description, -bm25(search_fts) AS r"
			  " FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid"
			  " JOIN substances x ON x.id = d.doc_id WHERE d.doc_type = 'substance'"
			  " AND search_fts MATCH ?");
	if (db_conn_engine(c) == DB_POSTGRES)
		query_param_text(&q, b->pg.data);
	else
		query_param_text(&q, b->fts.data);
	query_int(&q, " ORDER BY r DESC, x.id LIMIT ?", limit);
	struct db_stmt *s;
	int rc = query_prepare(&q, c, &s);
	query_free(&q);
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		/* synonyms are JSON; show their names */
		json_t *syn = json_loads(db_col_text(s, 2), 0, NULL);
		struct buf text;
		buf_init(&text, 1u << 16);
		buf_printf(&text, "%s", db_col_text(s, 1));
		size_t i;
		json_t *e;
		json_array_foreach(syn, i, e)
		    buf_printf(&text, ", %s", json_string_value(json_object_get(e, "name")));
		buf_printf(&text, ". %s", db_col_text(s, 3));
		json_decref(syn);
		char *snip = snippet_make(t, text.data, b->terms.data);
		json_array_append_new(
		    items, json_pack("{s:s, s:s, s:s, s:s, s:f}", "type", "substance", "id",
				     db_col_text(s, 0), "title", db_col_text(s, 1), "snippet",
				     snip ? snip : "", "rank", db_col_double(s, 4)));
		free(snip);
		buf_free(&text);
	}
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

/* Practices: published ones for everyone, the rest as practice_visible says. */
static int search_practices(struct db_conn *c, const struct caller *who, struct qbuild *b,
			    struct text_stemmers *t, int limit, json_t *items)
{
	struct query q;
	query_init(&q);
	if (db_conn_engine(c) == DB_POSTGRES)
		query_text(&q,
			   "SELECT p.id, p.title, p.summary, p.description, ts_rank(d.tsv,"
			   " to_tsquery('simple', ?)) AS r FROM search_docs d JOIN practices p"
			   " ON p.id = d.doc_id WHERE d.doc_type = 'practice'"
			   " AND d.tsv @@ to_tsquery('simple', ?)",
			   b->pg.data);
	else
		query_sql(&q,
			  "SELECT p.id, p.title, p.summary, p.description, f.r FROM (SELECT rowid,"
			  " -bm25(search_fts) AS r FROM search_fts WHERE search_fts MATCH ?"
			  " ORDER BY rowid DESC LIMIT 300) f JOIN search_docs d ON d.id = f.rowid"
			  " JOIN practices p ON p.id = d.doc_id WHERE d.doc_type = 'practice'");
	query_param_text(&q, db_conn_engine(c) == DB_POSTGRES ? b->pg.data : b->fts.data);
	practice_visible(&q, who, "p");
	query_int(&q, " ORDER BY r DESC, p.id LIMIT ?", limit);
	struct db_stmt *s;
	int rc = query_prepare(&q, c, &s);
	query_free(&q);
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		struct buf text;
		buf_init(&text, 1u << 20);
		buf_printf(&text, "%s\n%s\n%s", db_col_text(s, 1),
			   db_col_text(s, 2) ? db_col_text(s, 2) : "",
			   db_col_text(s, 3) ? db_col_text(s, 3) : "");
		char *snip = snippet_make(t, text.data, b->terms.data);
		json_array_append_new(
		    items, json_pack("{s:s, s:s, s:s, s:s, s:f}", "type", "practice", "id",
				     db_col_text(s, 0), "title", db_col_text(s, 1), "snippet",
				     snip ? snip : "", "rank", db_col_double(s, 4)));
		free(snip);
		buf_free(&text);
	}
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

static int rank_cmp(const void *x, const void *y)
{
	double a = json_real_value(json_object_get(*(json_t *const *)x, "rank"));
	double b = json_real_value(json_object_get(*(json_t *const *)y, "rank"));
	return a < b ? 1 : a > b ? -1 : 0;
}

int search_run(struct db_conn *c, const struct caller *who, const char *q, unsigned types,
	       int limit, json_t *items)
{
	struct text_stemmers *t = text_stemmers_new();
	if (!t)
		return TR_ERR_NOMEM;
	struct qbuild b = {0};
	buf_init(&b.fts, 8192);
	buf_init(&b.pg, 8192);
	buf_init(&b.terms, 8192);
	buf_puts(&b.terms, " ");
	text_query_terms(t, q, qbuild_word, &b);
	int rc = b.words == 0 ? TR_ERR_INVALID : b.fts.err || b.pg.err ? TR_ERR_INVALID : TR_OK;
	json_t *all = json_array();
	if (!rc && (types & SEARCH_ALERTS))
		rc = search_alerts(c, who, &b, t, limit, all);
	if (!rc && (types & SEARCH_SUBSTANCES))
		rc = search_substances(c, &b, t, limit, all);
	if (!rc && (types & SEARCH_PRACTICES))
		rc = search_practices(c, who, &b, t, limit, all);
	/* merge the kinds by rank; each engine's ranks are comparable within it */
	size_t n = json_array_size(all);
	json_t **v = calloc(n ? n : 1, sizeof(*v));
	for (size_t i = 0; v && i < n; i++)
		v[i] = json_array_get(all, i);
	if (v)
		qsort(v, n, sizeof(*v), rank_cmp);
	for (size_t i = 0; v && i < n && (int)i < limit; i++)
		json_array_append(items, v[i]);
	free(v);
	json_decref(all);
	buf_free(&b.fts);
	buf_free(&b.pg);
	buf_free(&b.terms);
	text_stemmers_free(t);
	return rc;
}
