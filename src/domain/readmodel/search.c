/* Full-text search from the read model, ranked by BM25. */
#include "core/buf.h"
#include "core/err.h"
#include "domain/acl.h"
#include "domain/alert.h"
#include "domain/readmodel/alerts.h"
#include "domain/readmodel/query.h"
#include "domain/readmodel/texts.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One term of the query, with two cursors walking down its postings: one
 * for the driving word's walk, one for lookups at descending entries. */
struct qterm {
	const struct plist *l;
	int64_t dpos, pos; /* -1 when done */
	double w;	   /* idf * (k1 + 1), BM25's weight of the term */
};

struct qword {
	struct qterm *t;
	int n;
	uint64_t df; /* postings of all its terms */
};

/* The term's frequency in entry idx (0 when absent); idx only decreases
 * from call to call, so the cursor gallops down from where it was. */
static uint32_t tf_at(struct qterm *t, uint32_t idx)
{
	const uint32_t *v = t->l->v;
	if (t->l->bits && !((t->l->bits[idx / 64] >> (idx % 64)) & 1))
		return 0;
	if (t->pos < 0)
		return 0;
	if (v[t->pos] > idx) {
		int64_t hi = t->pos, step = 1, lo = hi - 1;
		while (lo >= 0 && v[lo] > idx) {
			hi = lo;
			step *= 2;
			lo = hi - step;
		}
		if (lo < 0)
			lo = -1;
		while (hi - lo > 1) { /* v[lo] <= idx (or lo = -1) < v[hi] */
			int64_t mid = lo + (hi - lo) / 2;
			if (v[mid] > idx)
				hi = mid;
			else
				lo = mid;
		}
		t->pos = lo;
	}
	return t->pos >= 0 && v[t->pos] == idx ? t->l->tf[t->pos] : 0;
}

/* The driving word's next entry index walking down, advancing past it;
 * -1 when done. */
static int64_t driver_next(struct qword *d)
{
	int64_t best = -1;
	for (int i = 0; i < d->n; i++)
		if (d->t[i].dpos >= 0 && (int64_t)d->t[i].l->v[d->t[i].dpos] > best)
			best = d->t[i].l->v[d->t[i].dpos];
	for (int i = 0; best >= 0 && i < d->n; i++)
		if (d->t[i].dpos >= 0 && (int64_t)d->t[i].l->v[d->t[i].dpos] == best)
			d->t[i].dpos--;
	return best;
}

/* Appends the unescaped value of text field f (struct text's at[]). */
static void field_copy(const struct text *tx, int f, struct buf *out)
{
	if (tx->at[f] == UINT32_MAX)
		return;
	for (const char *p = tx->s + tx->at[f]; *p && *p != '"'; p++) {
		if (*p != '\\') {
			size_t run = strcspn(p, "\"\\");
			buf_append(out, p, run);
			p += run - 1;
			continue;
		}
		p++;
		char ch = *p == 'n'   ? '\n'
			  : *p == 't' ? '\t'
			  : *p == 'r' ? '\r'
			  : *p == 'b' ? '\b'
			  : *p == 'f' ? '\f'
				      : *p;
		if (*p != 'u') {
			if (*p)
				buf_append(out, &ch, 1);
			else
				break;
			continue;
		}
		unsigned cp = 0;
		for (int i = 1; i <= 4 && p[i]; i++)
			cp =
			    cp * 16 + (unsigned)(p[i] <= '9' ? p[i] - '0' : (p[i] | 32) - 'a' + 10);
		p += 4;
		if (cp >= 0xD800 && cp < 0xDC00 && p[1] == '\\' && p[2] == 'u') {
			unsigned lo = 0;
			for (int i = 3; i <= 6 && p[i]; i++)
				lo = lo * 16 +
				     (unsigned)(p[i] <= '9' ? p[i] - '0' : (p[i] | 32) - 'a' + 10);
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			p += 6;
		}
		char u[4];
		int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		if (n == 1)
			u[0] = (char)cp;
		else if (n == 2)
			u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3F));
		else if (n == 3)
			u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
			u[2] = (char)(0x80 | (cp & 0x3F));
		else
			u[0] = (char)(0xF0 | cp >> 18), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
			u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F));
		buf_append(out, u, (size_t)n);
	}
}

struct scored {
	uint32_t idx;
	double rank;
};

/* Keeps the best `limit` in hits[0..*n), best first (rank, then newer). */
static void keep_best(struct scored *best, int limit, int *n, uint32_t idx, double rank)
{
	int at = *n;
	while (at > 0 &&
	       (best[at - 1].rank < rank || (best[at - 1].rank == rank && best[at - 1].idx < idx)))
		at--;
	if (at >= limit)
		return;
	int last = *n < limit ? *n : limit - 1;
	memmove(best + at + 1, best + at, (size_t)(last - at) * sizeof(*best));
	best[at] = (struct scored){idx, rank};
	if (*n < limit)
		(*n)++;
}

/* Every term's frequency has been looked up at e (cursors sit on it). */
#define BM25_K1 1.2
#define BM25_B 0.75

/* inv_avg: the number of entries over their total length. */
static double bm25(struct qword *words, int nwords, const struct hot *e, uint32_t idx,
		   double inv_avg)
{
	const double k1 = BM25_K1, b = BM25_B;
	double norm = k1 * (1 - b) + k1 * b * e->dl * inv_avg, score = 0;
	for (int w = 0; w < nwords; w++)
		for (int i = 0; i < words[w].n; i++) {
			double tf = tf_at(&words[w].t[i], idx);
			if (tf > 0)
				score += words[w].t[i].w * tf / (tf + norm);
		}
	return score;
}

/* The query's words as posting lists: words[w] gets the terms of q[w]
 * that some entry has; *driver is the word with the fewest postings.
 * Returns 1 when a word has no term in any entry (nothing can match). */
static int words_make(const struct alert_cache *ac, const struct alert_qword *q, int nwords,
		      struct qterm *terms, struct qword *words, int *driver)
{
	int k = 0, empty = 0;
	*driver = 0;
	for (int w = 0; w < nwords; w++) {
		words[w].t = terms + k;
		for (int i = 0; i < q[w].n; i++) {
			uint32_t id = strtab_find(&ac->terms, q[w].alts[i]);
			const struct plist *l = id && id < ac->nposts ? &ac->posts[id] : NULL;
			if (!l || !l->n)
				continue;
			double df = l->n, idf = log((ac->n - df + 0.5) / (df + 0.5));
			terms[k++] = (struct qterm){l, (int64_t)l->n - 1, (int64_t)l->n - 1,
						    (idf > 1e-6 ? idf : 1e-6) * (BM25_K1 + 1)};
			words[w].n++;
			words[w].df += l->n;
		}
		empty |= words[w].n == 0;
		if (words[w].df < words[*driver].df)
			*driver = w;
	}
	return empty;
}

/* The best `limit` of the ALERT_SEARCH_WINDOW newest visible matches into
 * best; returns their count. The driving word is walked; the others are
 * looked up at each of its entries (a bitmap answers most misses at once). */
static int best_matches(const struct alert_cache *ac, const struct vis *v, struct qword *words,
			int nwords, int driver, struct scored *best, int limit)
{
	int n = 0, seen = 0;
	int64_t idx;
	double inv_avg = ac->total_len ? (double)ac->n / (double)ac->total_len : 1;
	while (seen < ALERT_SEARCH_WINDOW && (idx = driver_next(&words[driver])) >= 0) {
		int all = 1;
		for (int w = 0; all && w < nwords; w++) {
			if (w == driver)
				continue;
			int any = 0;
			for (int i = 0; i < words[w].n; i++)
				any |= tf_at(&words[w].t[i], (uint32_t)idx) > 0;
			all = any;
		}
		const struct hot *h = &ac->hot[idx];
		if (!all || !vis_sees(v, h))
			continue;
		keep_best(best, limit, &n, (uint32_t)idx,
			  bm25(words, nwords, h, (uint32_t)idx, inv_avg));
		seen++;
	}
	return n;
}

/* enum value v of names (255 when none) as its name, "" when none */
static const char *enum_name(const char *const *names, uint8_t v)
{
	for (int i = 0; names[i]; i++)
		if (i == v)
			return names[i];
	return "";
}

/* A hit from entry idx: its title, and its title, summary and body one
 * per line from its rendered object; TLP, status and organisation from
 * the entry. */
static int hit_make(const struct alert_cache *ac, uint32_t idx, const struct text *tx, double rank,
		    struct alert_hit *h)
{
	const struct entry *e = &ac->e[idx];
	struct buf t, x;
	buf_init(&t, 1u << 20);
	buf_init(&x, 1u << 22);
	field_copy(tx, TEXT_TITLE, &t);
	buf_append(&x, t.data ? t.data : "", t.len);
	buf_puts(&x, "\n");
	field_copy(tx, TEXT_SUMMARY, &x);
	buf_puts(&x, "\n");
	field_copy(tx, TEXT_BODY, &x);
	memcpy(h->id, e->id, sizeof(h->id));
	h->rank = rank;
	str_copy(h->tlp, sizeof(h->tlp), enum_name(acl_tlps, e->h.tlp));
	str_copy(h->status, sizeof(h->status), enum_name(alert_statuses, e->h.status));
	str_copy(h->org_id, sizeof(h->org_id), e->h.org ? ac->str.s[e->h.org] : "");
	h->title = t.data ? buf_detach(&t, NULL) : strdup("");
	h->text = buf_detach(&x, NULL);
	return !h->title || !h->text ? TR_ERR_NOMEM : TR_OK;
}

/* Under the read lock: the best hits among the newest visible matches. */
static int search_locked(struct alert_cache *ac, const struct vis *v, const struct alert_qword *q,
			 int nwords, int limit, struct alert_hit *hits, int *nhits, struct need *nd)
{
	int total = 0;
	for (int w = 0; w < nwords; w++)
		total += q[w].n;
	struct qterm *terms = calloc((size_t)total + 1, sizeof(*terms));
	struct qword *words = calloc((size_t)nwords + 1, sizeof(*words));
	struct scored *best = calloc((size_t)limit + 1, sizeof(*best));
	if (!terms || !words || !best) {
		free(terms);
		free(words);
		free(best);
		return TR_ERR_NOMEM;
	}
	int driver, n = 0;
	if (!words_make(ac, q, nwords, terms, words, &driver))
		n = best_matches(ac, v, words, nwords, driver, best, limit);
	int rc = TR_OK, k = 0;
	for (int i = 0; i < n; i++) {
		const struct text *tx = texts_get(ac, best[i].idx, nd);
		if (tx && hit_make(ac, best[i].idx, tx, best[i].rank, &hits[k++]))
			rc = TR_ERR_NOMEM;
	}
	*nhits = k;
	free(terms);
	free(words);
	free(best);
	return rc;
}

struct search_job {
	const struct caller *who;
	const struct group_ids *g;
	const struct alert_qword *words;
	int nwords, limit;
	struct alert_hit *hits;
	int *n;
};

static int search_body(struct alert_cache *ac, void *ctx, struct need *nd)
{
	struct search_job *j = ctx;
	alert_hits_free(j->hits, *j->n);
	*j->n = 0;
	struct vis v;
	vis_make(ac, j->who, j->g, &v);
	int rc = search_locked(ac, &v, j->words, j->nwords, j->limit, j->hits, j->n, nd);
	return rc ? -rc : nd->n;
}

int alert_cache_search(struct db_conn *c, const struct caller *who, const struct alert_qword *words,
		       int nwords, int limit, struct alert_hit *hits, int *n)
{
	*n = 0;
	struct alert_cache *ac;
	struct group_ids *g;
	int rc = query_begin(c, who, &ac, &g);
	if (!rc && nwords > 0 && limit > 0) {
		struct search_job j = {who, g, words, nwords, limit, hits, n};
		rc = texts_answer(c, ac, search_body, &j);
		if (rc) {
			alert_hits_free(hits, *n);
			*n = 0;
		}
	}
	free(g);
	return rc;
}

void alert_hits_free(struct alert_hit *hits, int n)
{
	for (int i = 0; i < n; i++) {
		free(hits[i].title);
		free(hits[i].text);
		hits[i].title = hits[i].text = NULL;
	}
}
