#include "domain/search_query.h"
#include "domain/search.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/hash.h"
#include "core/text.h"
#include "domain/readmodel/alerts.h"
#include "core/timeutil.h"
#include "domain/practice.h"
#include "domain/row.h"
#include "domain/substance.h"
#include "domain/substance_cache.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The most alternative terms of one query word: its own stems and, when it
 * names a known substance, the stems of all the substance's names. */
#define SEARCH_ALTS_MAX 32

/* The query in each engine's syntax, and the set of terms for snippets. */
struct qbuild {
	struct buf fts;	  /* ("a" OR "b") AND ("c") */
	struct buf pg;	  /* ('a' | 'b') & ('c') */
	struct buf terms; /* " a b c " */
	int words;
	/* the words for the alerts' read model */
	char **alts[SEARCH_WORDS_MAX]; /* SEARCH_ALTS_MAX each, malloc'ed */
	struct alert_qword w[SEARCH_WORDS_MAX];
	int err;
};

static void qbuild_word(void *ctx, const char *const *alts, int n)
{
	struct qbuild *b = ctx;
	if (n > SEARCH_ALTS_MAX)
		n = SEARCH_ALTS_MAX;
	if (b->words < SEARCH_WORDS_MAX) {
		struct alert_qword *w = &b->w[b->words];
		char **a = calloc(SEARCH_ALTS_MAX, sizeof(*a));
		b->alts[b->words] = a;
		b->err |= !a;
		for (int i = 0; a && i < n; i++)
			b->err |= !(a[i] = strdup(alts[i]));
		w->alts = (const char *const *)a;
		w->n = a ? n : 0;
	}
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
	size_t run = 0; /* bytes copied as they are, waiting */
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		const char *rep = ch == '<'		    ? "&lt;"
				  : ch == '>'		    ? "&gt;"
				  : ch == '&'		    ? "&amp;"
				  : ch == '"'		    ? "&quot;"
				  : ch < 0x20 && ch != '\t' ? " "
							    : NULL;
		if (!rep) {
			run++;
			continue;
		}
		buf_append(out, s + i - run, run);
		run = 0;
		buf_puts(out, rep);
	}
	buf_append(out, s + n - run, run);
}

/* What the snippets of one search need: the stemmers, the query's terms
 * (" a b c ") and the answers for the tokens already tested, since the
 * same words come back in hit after hit and stemming is the cost. */
#define MEMO_SLOTS 1024
struct memo_slot {
	uint32_t hash, gen; /* a slot is used when gen is the search's */
	uint8_t len;
	int8_t hit;
	char w[54];
};

/* Each thread keeps its slots; a search takes the next generation instead
 * of clearing them. */
static _Thread_local struct memo_slot memo_slots[MEMO_SLOTS];
static _Thread_local uint32_t memo_gen;

struct snipper {
	struct text_stemmers *t;
	const char *terms;
	struct memo_slot *memo;
	uint32_t gen;
	int used;
};

/* The stems of the tokens seen (text_stems), kept by each thread from
 * search to search: a token's stems do not depend on the query, and
 * stemming was most of a snippet's cost. A slot holds the last token that
 * fell on it. */
#define STEMS_SLOTS 1024
struct stems_slot {
	uint32_t hash;
	uint8_t len; /* 0: empty */
	char w[55];
	char stems[136];
};
static _Thread_local struct stems_slot stems_slots[STEMS_SLOTS];

/* Whether token w (n bytes, hash h) has one of the search's terms; tmp: a
 * buffer of 256 bytes. */
static int stems_hit(struct snipper *sp, const char *w, size_t n, uint32_t h, char *tmp)
{
	struct stems_slot *s = &stems_slots[(h >> 10) & (STEMS_SLOTS - 1)];
	if (s->len && s->len == n && s->hash == h && memcmp(s->w, w, n) == 0)
		return text_stems_match(s->stems, sp->terms);
	memcpy(tmp, w, n);
	tmp[n] = '\0';
	struct buf b;
	buf_init(&b, 1u << 16);
	text_stems(sp->t, tmp, &b);
	int hit = text_stems_match(b.data ? b.data : "", sp->terms);
	if (!b.err && n > 0 && n < sizeof(s->w) && b.len < sizeof(s->stems)) {
		s->hash = h;
		s->len = (uint8_t)n;
		memcpy(s->w, w, n);
		memcpy(s->stems, b.data ? b.data : "", b.len);
		s->stems[b.len] = '\0';
	}
	buf_free(&b);
	return hit;
}

static int word_matches(struct snipper *sp, const char *w, size_t n)
{
	char tmp[256];
	if (n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	uint32_t h = tr_fnv1a(w, n);
	struct memo_slot *m = NULL;
	if (sp->memo && n < sizeof(m->w)) {
		for (uint32_t i = h & (MEMO_SLOTS - 1);; i = (i + 1) & (MEMO_SLOTS - 1)) {
			m = &sp->memo[i];
			if (m->gen != sp->gen)
				break;
			if (m->hash == h && m->len == n && memcmp(m->w, w, n) == 0)
				return m->hit;
		}
		if (sp->used >= MEMO_SLOTS / 2)
			m = NULL; /* full enough: stop remembering */
	}
	int hit = stems_hit(sp, w, n, h, tmp);
	if (m) {
		*m = (struct memo_slot){h, sp->gen, (uint8_t)n, (int8_t)hit, ""};
		memcpy(m->w, w, n);
		sp->used++;
	}
	return hit;
}

/* About 30 words around the first match, matches in <mark>, HTML-escaped. */
static char *snippet_make(struct snipper *sp, const char *text)
{
	struct buf out;
	buf_init(&out, 8192);
	const char *p = text, *first = NULL;
	const char *words[4096];
	size_t lens[4096];
	signed char hit[4096]; /* -1 until tested */
	int n = 0, firsti = -1;
	while (*p && n < 4096) {
		/* the window and one word past it (for the closing ellipsis) */
		if (firsti >= 0 && n > (firsti > 8 ? firsti - 8 : 0) + 30)
			break;
		while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
			p++;
		if (!*p)
			break;
		const char *e = p;
		while (*e && *e != ' ' && *e != '\n' && *e != '\t' && *e != '\r')
			e++;
		words[n] = p;
		lens[n] = (size_t)(e - p);
		hit[n] = -1;
		if (!first && (hit[n] = (signed char)word_matches(sp, p, lens[n]))) {
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
		int m = hit[i] >= 0 ? hit[i] : word_matches(sp, words[i], lens[i]);
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

/* The hits of every kind, merged by rank before they are written. */
struct hit {
	const char *type;
	char id[37];
	char tlp[16], status[16], org_id[37]; /* "" when the kind has none */
	char *title, *snippet;
	double rank;
	int ord; /* arrival, to keep each kind's order among equal ranks */
};

struct hits {
	struct hit *v;
	int n, cap, err;
	/* what the next hit_add keeps besides (borrowed; NULL: none) */
	const char *tlp, *status, *org_id;
};

/* Takes snippet (malloc'd). */
static void hit_add(struct hits *h, const char *type, const char *id, const char *title,
		    char *snippet, double rank)
{
	if (h->n == h->cap) {
		int nc = h->cap ? h->cap * 2 : 32;
		struct hit *v = realloc(h->v, (size_t)nc * sizeof(*v));
		if (!v) {
			free(snippet);
			h->err = TR_ERR_NOMEM;
			return;
		}
		h->v = v;
		h->cap = nc;
	}
	struct hit *x = &h->v[h->n];
	x->type = type;
	size_t idn = id ? strnlen(id, sizeof(x->id) - 1) : 0;
	memcpy(x->id, id ? id : "", idn);
	x->id[idn] = '\0';
	x->title = strdup(title ? title : "");
	x->snippet = snippet;
	x->rank = rank;
	x->ord = h->n;
	str_copy(x->tlp, sizeof(x->tlp), h->tlp);
	str_copy(x->status, sizeof(x->status), h->status);
	str_copy(x->org_id, sizeof(x->org_id), h->org_id);
	h->tlp = h->status = h->org_id = NULL; /* for this hit only */
	if (!x->title || !snippet) {
		free(x->title);
		free(snippet);
		h->err = TR_ERR_NOMEM;
		return;
	}
	h->n++;
}

/* Alerts come from the read model (readmodel/alerts.h): the same hits and ranks
 * on both engines. */
static int search_alerts(struct db_conn *c, const struct caller *who, struct qbuild *b,
			 struct snipper *sp, int limit, struct hits *items)
{
	struct alert_hit *hits = calloc((size_t)limit + 1, sizeof(*hits));
	if (!hits)
		return TR_ERR_NOMEM;
	int n = 0;
	int rc = alert_cache_search(c, who, b->w, b->words, limit, hits, &n);
	for (int i = 0; !rc && i < n; i++) {
		char *snip = snippet_make(sp, hits[i].text);
		items->tlp = hits[i].tlp;
		items->status = hits[i].status;
		items->org_id = hits[i].org_id;
		hit_add(items, "alert", hits[i].id, hits[i].title, snip, hits[i].rank);
	}
	alert_hits_free(hits, n);
	free(hits);
	return rc;
}

/* A search of one type of record through search_docs: pg_sql on
 * PostgreSQL (with the tsquery as its parameter), fts_sql on SQLite; the
 * query's text bound either way. The caller adds its filters and order. */
static void search_docs_query(struct query *q, struct db_conn *c, const struct qbuild *b,
			      const char *pg_sql, const char *fts_sql)
{
	int pg = db_conn_engine(c) == DB_POSTGRES;
	query_init(q);
	if (pg)
		query_text(q, pg_sql, b->pg.data);
	else
		query_sql(q, fts_sql);
	query_param_text(q, pg ? b->pg.data : b->fts.data);
}

/* Where a search's rows go: the snipper of their texts and the hits. */
struct search_into {
	struct snipper *sp;
	struct hits *items;
};

/* The hit of a substance's row (ctx: struct search_into). */
static void substance_hit(struct db_stmt *s, void *ctx)
{
	const struct search_into *to = ctx;
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
	hit_add(to->items, "substance", db_col_text(s, 0), db_col_text(s, 1),
		snippet_make(to->sp, text.data), db_col_double(s, 4));
	buf_free(&text);
}

static int search_substances(struct db_conn *c, struct qbuild *b, struct snipper *sp, int limit,
			     struct hits *items)
{
	struct query q;
	search_docs_query(&q, c, b,
			  "SELECT x.id, x.name, x.synonyms, x.description, ts_rank(d.tsv,"
			  " to_tsquery('simple', ?)) AS r FROM search_docs d JOIN substances x"
			  " ON x.id = d.doc_id WHERE d.doc_type = 'substance'"
			  " AND d.tsv @@ to_tsquery('simple', ?)",
			  "SELECT x.id, x.name, x.synonyms, x.description, -bm25(search_fts) AS r"
			  " FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid"
			  " JOIN substances x ON x.id = d.doc_id WHERE d.doc_type = 'substance'"
			  " AND search_fts MATCH ?");
	query_int(&q, " ORDER BY r DESC, x.id LIMIT ?", limit);
	struct search_into to = {sp, items};
	return row_query_each(&q, c, substance_hit, &to);
}

/* The hit of a practice's row (ctx: struct search_into). */
static void practice_hit(struct db_stmt *s, void *ctx)
{
	const struct search_into *to = ctx;
	struct buf text;
	buf_init(&text, 1u << 20);
	buf_printf(&text, "%s\n%s\n%s", db_col_text(s, 1),
		   db_col_text(s, 2) ? db_col_text(s, 2) : "",
		   db_col_text(s, 3) ? db_col_text(s, 3) : "");
	char *snip = snippet_make(to->sp, text.data);
	to->items->status = db_col_text(s, 5);
	to->items->org_id = db_col_text(s, 6);
	hit_add(to->items, "practice", db_col_text(s, 0), db_col_text(s, 1), snip,
		db_col_double(s, 4));
	buf_free(&text);
}

/* Practices: published ones for everyone, the rest as practice_visible says. */
static int search_practices(struct db_conn *c, const struct caller *who, struct qbuild *b,
			    struct snipper *sp, int limit, struct hits *items)
{
	struct query q;
	search_docs_query(&q, c, b,
			  "SELECT p.id, p.title, p.summary, p.description, ts_rank(d.tsv,"
			  " to_tsquery('simple', ?)) AS r, p.status, p.org_id FROM search_docs d"
			  " JOIN practices p"
			  " ON p.id = d.doc_id WHERE d.doc_type = 'practice'"
			  " AND d.tsv @@ to_tsquery('simple', ?)",
			  "SELECT p.id, p.title, p.summary, p.description, f.r, p.status, p.org_id"
			  " FROM (SELECT rowid,"
			  " -bm25(search_fts) AS r FROM search_fts WHERE search_fts MATCH ?"
			  " ORDER BY rowid DESC LIMIT 300) f JOIN search_docs d ON d.id = f.rowid"
			  " JOIN practices p ON p.id = d.doc_id WHERE d.doc_type = 'practice'");
	practice_visible(&q, who, "p");
	query_int(&q, " ORDER BY r DESC, p.id LIMIT ?", limit);
	struct search_into to = {sp, items};
	return row_query_each(&q, c, practice_hit, &to);
}

static int rank_cmp(const void *x, const void *y)
{
	const struct hit *a = x, *b = y;
	if (a->rank != b->rank)
		return a->rank < b->rank ? 1 : -1;
	return a->ord - b->ord;
}

/* Ranks go out with six decimals, written without printf's floating-point
 * path (a search writes many). */
static void rank_put(struct buf *out, double v)
{
	if (!isfinite(v) || fabs(v) >= 1e12) {
		buf_printf(out, "%.6f", isfinite(v) ? v : 0.0);
		return;
	}
	long long m = llround(fabs(v) * 1e6);
	char t[40], *p = t + sizeof(t);
	for (int i = 0; i < 6; i++, m /= 10)
		*--p = (char)('0' + m % 10);
	*--p = '.';
	do {
		*--p = (char)('0' + m % 10);
		m /= 10;
	} while (m);
	if (v < 0)
		*--p = '-';
	buf_append(out, p, (size_t)(t + sizeof(t) - p));
}

/* ---- substances in the query ----
 * A query word that names a known substance (any of its names or synonyms,
 * in any language, as stems: "героина" names Героин) stands for all of
 * them: героин finds the alerts that say heroin or héroïne. */

/* The words of a query, as text_query_terms gives them. */
struct rawq {
	char alts[SEARCH_WORDS_MAX][TEXT_ALTS_MAX][TEXT_WORD_MAX * 2 + 1];
	int n[SEARCH_WORDS_MAX];
	int words;
};

static void rawq_word(void *ctx, const char *const *alts, int n)
{
	struct rawq *r = ctx;
	if (r->words < SEARCH_WORDS_MAX) {
		for (int i = 0; i < n && i < TEXT_ALTS_MAX; i++)
			snprintf(r->alts[r->words][i], sizeof(r->alts[0][0]), "%s", alts[i]);
		r->n[r->words] = n < TEXT_ALTS_MAX ? n : TEXT_ALTS_MAX;
	}
	r->words++;
}

/* The stems of one substance's one-word names, " a b c ". */
struct names {
	struct buf terms;
	int words; /* of the name being read */
	char first[TEXT_ALTS_MAX][TEXT_WORD_MAX * 2 + 1];
	int nfirst;
};

static void names_word(void *ctx, const char *const *alts, int n)
{
	struct names *x = ctx;
	if (x->words++ == 0) {
		x->nfirst = n < TEXT_ALTS_MAX ? n : TEXT_ALTS_MAX;
		for (int i = 0; i < x->nfirst; i++)
			snprintf(x->first[i], sizeof(x->first[0]), "%s", alts[i]);
	}
}

static void names_add(struct text_stemmers *t, struct names *x, const char *name)
{
	x->words = 0;
	text_query_terms(t, name ? name : "", names_word, x);
	if (x->words != 1) /* a name of several words is no one word's synonym */
		return;
	for (int i = 0; i < x->nfirst; i++) {
		char pat[TEXT_WORD_MAX * 2 + 4];
		snprintf(pat, sizeof(pat), " %s ", x->first[i]);
		if (!strstr(x->terms.data, pat))
			buf_printf(&x->terms, "%s ", x->first[i]);
	}
}

/* Whether " a b c " holds the term. */
static int terms_have(const char *terms, const char *term)
{
	size_t n = strlen(term);
	for (const char *p = strstr(terms, term); p; p = strstr(p + 1, term))
		if (p > terms && p[-1] == ' ' && p[n] == ' ')
			return 1;
	return 0;
}

/* The stems of every substance, one " a b c " line each, into all. */
static int names_make(struct db_conn *c, struct text_stemmers *t, struct buf *all, int *nsub)
{
	struct db_stmt *s;
	int rc =
	    db_prepare(c, "SELECT name, synonyms FROM substances ORDER BY name LIMIT 5000", &s);
	if (rc)
		return rc;
	*nsub = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		struct names x = {0};
		buf_init(&x.terms, 1u << 16);
		buf_puts(&x.terms, " ");
		names_add(t, &x, db_col_text(s, 0));
		json_t *syn = json_loads(db_col_text(s, 1) ? db_col_text(s, 1) : "[]", 0, NULL);
		size_t i;
		json_t *e;
		json_array_foreach(syn, i, e)
		    names_add(t, &x, json_string_value(json_object_get(e, "name")));
		json_decref(syn);
		if (x.terms.data && strlen(x.terms.data) > 1) {
			buf_puts(all, x.terms.data);
			buf_puts(all, "\n");
			(*nsub)++;
		}
		buf_free(&x.terms);
	}
	db_done(s);
	return rc == DB_DONE ? (all->err ? TR_ERR_NOMEM : TR_OK) : rc;
}

/* The substances' stems are made again only when the table has changed:
 * making them parses and stems every name and synonym, most of a search's
 * time. A write of this process is seen at once (substance_generation);
 * another process's within a second, by the table's signature (rows, the
 * sum of their versions, the last update, the length of their names), read
 * again once a second. One copy for every thread, behind a lock; a search
 * takes its own copy. */
static pthread_mutex_t names_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	struct substance_stamp stamp;
	char *all; /* NULL: none made yet */
	int nsub;
} names_cache;

/* Where names_get's copy goes. */
struct names_copy {
	char **all;
	int *nsub;
};

/* Under the lock: a copy of the stems in *all when they still hold. */
static int names_cached(void *ctx, const struct substance_stamp *now, int sig_read)
{
	const struct names_copy *o = ctx;
	if (!names_cache.all || !substance_stamp_holds(&names_cache.stamp, now, sig_read))
		return 0;
	*o->all = strdup(names_cache.all);
	*o->nsub = names_cache.nsub;
	return 1;
}

/* A copy of the substances' stems (free it) and how many substances. */
static int names_get(struct db_conn *c, struct text_stemmers *t, char **all, int *nsub)
{
	struct names_copy o = {all, nsub};
	struct substance_stamp now;
	int held;
	*all = NULL;
	int rc = substance_cache_look(c, &names_lock, names_cached, &o, &now, &held);
	if (rc)
		return rc;
	if (held)
		return *all ? TR_OK : TR_ERR_NOMEM;
	struct buf b;
	buf_init(&b, 8u << 20);
	rc = names_make(c, t, &b, nsub);
	if (rc) {
		buf_free(&b);
		return rc;
	}
	*all = b.data ? buf_detach(&b, NULL) : strdup("");
	if (!*all)
		return TR_ERR_NOMEM;
	char *keep = strdup(*all);
	pthread_mutex_lock(&names_lock);
	if (keep) {
		free(names_cache.all);
		names_cache.all = keep;
		names_cache.nsub = *nsub;
		names_cache.stamp = now;
	}
	pthread_mutex_unlock(&names_lock);
	return TR_OK;
}

/* Emits each word of raw to b, widened by the names of the substance it
 * names, if any. */
static int expand_words(struct db_conn *c, struct text_stemmers *t, struct rawq *raw,
			struct qbuild *b)
{
	char *all;
	int nsub;
	int rc = names_get(c, t, &all, &nsub);
	if (rc)
		return rc;
	for (int w = 0; w < raw->words && w < SEARCH_WORDS_MAX; w++) {
		const char *alts[SEARCH_ALTS_MAX];
		int n = 0;
		for (int i = 0; i < raw->n[w]; i++)
			alts[n++] = raw->alts[w][i];
		/* the substances this word names: every stem of theirs joins it */
		char *line = all, *next;
		struct buf extra;
		buf_init(&extra, 1u << 16);
		for (; nsub && line && *line; line = next) {
			next = strchr(line, '\n');
			if (next)
				*next = '\0';
			int named = 0;
			for (int i = 0; i < raw->n[w] && !named; i++)
				named = terms_have(line, raw->alts[w][i]);
			if (named)
				buf_puts(&extra, line);
			if (next)
				*next++ = '\n';
		}
		char *save = NULL;
		for (char *tok = extra.data ? strtok_r(extra.data, " ", &save) : NULL;
		     tok && n < SEARCH_ALTS_MAX; tok = strtok_r(NULL, " ", &save)) {
			int dup = 0;
			for (int i = 0; i < n && !dup; i++)
				dup = strcmp(alts[i], tok) == 0;
			if (!dup)
				alts[n++] = tok;
		}
		qbuild_word(b, alts, n);
		buf_free(&extra);
	}
	/* more words than the limit: counted, so the search refuses them */
	for (int w = SEARCH_WORDS_MAX; w < raw->words; w++)
		b->words++;
	free(all);
	return TR_OK;
}

/* One hit as JSON: type, id, title, snippet, rank, and its TLP, status and
 * organisation (or null), which stay with it. */
static void hit_put(struct buf *out, const struct hit *h, int first)
{
	buf_puts(out, first ? "{\"type\":\"" : ",{\"type\":\"");
	buf_puts(out, h->type);
	buf_puts(out, "\",\"id\":");
	buf_json_str(out, h->id);
	buf_puts(out, ",\"title\":");
	buf_json_str(out, h->title);
	buf_puts(out, ",\"snippet\":");
	buf_json_str(out, h->snippet);
	buf_puts(out, ",\"rank\":");
	rank_put(out, h->rank);
	/* TLP, status and organisation stay with a hit, or null */
	const char *keep[][2] = {
	    {",\"tlp\":", h->tlp}, {",\"status\":", h->status}, {",\"org_id\":", h->org_id}};
	for (int k = 0; k < 3; k++) {
		buf_puts(out, keep[k][0]);
		if (keep[k][1][0])
			buf_json_str(out, keep[k][1]);
		else
			buf_puts(out, "null");
	}
	buf_puts(out, "}");
}

int search_run(struct db_conn *c, const struct caller *who, const char *q, unsigned types,
	       int limit, struct buf *out)
{
	struct text_stemmers *t = text_stemmers_thread();
	if (!t)
		return TR_ERR_NOMEM;
	struct qbuild b = {0};
	buf_init(&b.fts, 8192);
	buf_init(&b.pg, 8192);
	buf_init(&b.terms, 8192);
	buf_puts(&b.terms, " ");
	/* the word slots are written before they are read: only the counts
	 * start at zero (the struct is ~100 KiB) */
	struct rawq *raw = malloc(sizeof(*raw));
	if (raw) {
		raw->words = 0;
		memset(raw->n, 0, sizeof(raw->n));
	}
	if (!raw) {
		buf_free(&b.fts);
		buf_free(&b.pg);
		buf_free(&b.terms);
		return TR_ERR_NOMEM;
	}
	text_query_terms(t, q, rawq_word, raw);
	int rc = raw->words == 0 || raw->words > SEARCH_WORDS_MAX ? TR_ERR_INVALID
								  : expand_words(c, t, raw, &b);
	free(raw);
	if (!rc)
		rc = b.words == 0 || b.words > SEARCH_WORDS_MAX ? TR_ERR_INVALID
		     : b.err || b.fts.err || b.pg.err		? TR_ERR_NOMEM
								: TR_OK;
	struct hits all = {0};
	if (++memo_gen == 0) { /* wrapped: slots of old generations could match */
		memset(memo_slots, 0, sizeof(memo_slots));
		memo_gen = 1;
	}
	struct snipper sp = {t, b.terms.data, memo_slots, memo_gen, 0};
	if (!rc && (types & SEARCH_ALERTS))
		rc = search_alerts(c, who, &b, &sp, limit, &all);
	if (!rc && (types & SEARCH_SUBSTANCES))
		rc = search_substances(c, &b, &sp, limit, &all);
	if (!rc && (types & SEARCH_PRACTICES))
		rc = search_practices(c, who, &b, &sp, limit, &all);
	if (!rc)
		rc = all.err;
	/* merge the kinds by rank; ranks are comparable within a kind */
	if (all.n > 1)
		qsort(all.v, (size_t)all.n, sizeof(*all.v), rank_cmp);
	buf_puts(out, "[");
	for (int i = 0; !rc && i < all.n && i < limit; i++)
		hit_put(out, &all.v[i], i == 0);
	buf_puts(out, "]");
	for (int i = 0; i < all.n; i++) {
		free(all.v[i].title);
		free(all.v[i].snippet);
	}
	free(all.v);
	buf_free(&b.fts);
	buf_free(&b.pg);
	buf_free(&b.terms);
	for (int i = 0; i < b.words && i < SEARCH_WORDS_MAX; i++) {
		for (int k = 0; b.alts[i] && k < SEARCH_ALTS_MAX; k++)
			free(b.alts[i][k]);
		free(b.alts[i]);
	}
	return rc ? rc : out->err;
}
