#include "domain/readmodel/texts.h"
#include "core/buf.h"
#include "core/err.h"
#include "domain/alert.h"
#include "domain/readmodel/alerts.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct text *texts_render(struct db_stmt *s)
{
	struct buf b;
	buf_init(&b, 1u << 26);
	alert_row_text(s, &b);
	struct text *t = b.err || !b.data ? NULL : malloc(sizeof(*t) + b.len + 1);
	if (t) {
		t->len = (uint32_t)b.len;
		memcpy(t->s, b.data, b.len + 1);
		/* a quote inside a value is always escaped, so ,"key":" is a key */
		static const char *const keys[TEXT__FIELDS] = {",\"title\":\"", ",\"summary\":\"",
							       ",\"body\":\""};
		for (int i = 0; i < TEXT__FIELDS; i++) {
			const char *p = strstr(t->s, keys[i]);
			t->at[i] =
			    p ? (uint32_t)(p - t->s + (ptrdiff_t)strlen(keys[i])) : UINT32_MAX;
		}
	}
	buf_free(&b);
	return t;
}

void texts_evict(struct alert_cache *ac)
{
	if (atomic_load(&ac->text_bytes) <= ac->text_budget || !ac->n)
		return;
	size_t goal = ac->text_budget / 8 * 7;
	for (uint64_t steps = 0; steps < 2ull * ac->n && atomic_load(&ac->text_bytes) > goal;
	     steps++) {
		struct entry *e = &ac->e[ac->hand];
		ac->hand = (ac->hand + 1) % ac->n;
		if (!atomic_load(&e->text))
			continue;
		if (atomic_exchange(&e->ref, 0))
			continue;
		atomic_fetch_sub(&ac->text_bytes, texts_size(e));
		free(atomic_exchange(&e->text, NULL));
	}
}

static void need_free(struct need *nd)
{
	for (int i = 0; i < nd->nf; i++)
		free(nd->f[i].t);
	free(nd->f);
}

const struct text *texts_get(struct alert_cache *ac, uint32_t idx, struct need *nd)
{
	struct entry *e = &ac->e[idx];
	struct text *t = atomic_load(&e->text);
	if (t) {
		atomic_store_explicit(&e->ref, 1, memory_order_relaxed);
		return t;
	}
	for (int i = 0; i < nd->nf; i++)
		if (nd->f[i].idx == idx && nd->f[i].seq == e->seq && nd->f[i].t)
			return nd->f[i].t;
	int seen = 0;
	for (int i = 0; i < nd->n; i++)
		seen |= nd->idx[i] == idx;
	if (!seen && nd->n < (int)(sizeof(nd->idx) / sizeof(nd->idx[0])))
		nd->idx[nd->n++] = idx;
	return NULL;
}

#define FETCH_IDS 32

/* The next free place in nd's fetched texts; NULL when out of memory. */
static struct fetched *fetched_next(struct need *nd)
{
	if (nd->nf == nd->capf) {
		int nc = nd->capf ? nd->capf * 2 : 64;
		struct fetched *v = realloc(nd->f, (size_t)nc * sizeof(*v));
		if (!v)
			return NULL;
		nd->f = v;
		nd->capf = nc;
	}
	return &nd->f[nd->nf];
}

/* Reads and renders the rows of the k noted entries from nd->idx[from]. */
static int fetch_batch(struct db_conn *c, struct alert_cache *ac, struct need *nd, int from, int k)
{
	char ids[FETCH_IDS][37];
	pthread_rwlock_rdlock(&ac->rw);
	for (int i = 0; i < k; i++)
		memcpy(ids[i], ac->e[nd->idx[from + i]].id, 37);
	pthread_rwlock_unlock(&ac->rw);
	struct db_stmt *s;
	char sql[2048];
	int n = snprintf(sql, sizeof(sql),
			 "SELECT " ALERT_COLS ", a.seq, " ALERT_DRUG_FORM_COL
			 " FROM alerts a " DB_ACL_EXEMPT " WHERE a.id IN (?");
	for (int i = 1; i < FETCH_IDS; i++)
		n += snprintf(sql + n, sizeof(sql) - (size_t)n, ", ?");
	snprintf(sql + n, sizeof(sql) - (size_t)n, ")");
	int rc = db_prepare(c, sql, &s);
	if (rc)
		return rc;
	for (int i = 0; i < FETCH_IDS; i++) /* the last id fills the rest */
		db_bind_text(s, i + 1, ids[i < k ? i : k - 1]);
	while ((rc = db_step(s)) == DB_ROW) {
		struct fetched *f = fetched_next(nd);
		if (!f) {
			rc = TR_ERR_NOMEM;
			break;
		}
		f->t = texts_render(s);
		f->seq = db_col_int64(s, 29);
		f->idx = UINT32_MAX;
		for (int i = 0; i < k; i++)
			if (strcmp(ids[i], db_col_text(s, 0)) == 0)
				f->idx = nd->idx[from + i];
		if (!f->t) {
			rc = TR_ERR_NOMEM;
			break;
		}
		nd->nf++;
	}
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

/* Offers each fetched text to the model: kept when the entry is still that
 * version and has none. */
static void texts_offer(struct alert_cache *ac, struct need *nd)
{
	pthread_rwlock_rdlock(&ac->rw);
	for (int i = 0; i < nd->nf; i++) {
		struct fetched *f = &nd->f[i];
		if (!f->t || f->idx == UINT32_MAX || ac->e[f->idx].seq != f->seq ||
		    atomic_load(&ac->e[f->idx].text))
			continue;
		/* the model keeps a copy; the answer keeps its own, which no
		 * other request's eviction can take away */
		size_t size = sizeof(*f->t) + f->t->len + 1;
		struct text *copy = malloc(size), *none = NULL;
		if (!copy)
			continue;
		memcpy(copy, f->t, size);
		if (atomic_compare_exchange_strong(&ac->e[f->idx].text, &none, copy)) {
			atomic_fetch_add(&ac->text_bytes, sizeof(*f->t) + f->t->len);
			atomic_store(&ac->e[f->idx].ref, 1);
		} else {
			free(copy);
		}
	}
	pthread_rwlock_unlock(&ac->rw);
}

/* Reads the noted entries' rows, renders them and offers each text to the
 * model. */
static int texts_fetch(struct db_conn *c, struct alert_cache *ac, struct need *nd)
{
	int rc = TR_OK;
	for (int from = 0; !rc && from < nd->n; from += FETCH_IDS)
		rc = fetch_batch(c, ac, nd, from,
				 nd->n - from < FETCH_IDS ? nd->n - from : FETCH_IDS);
	nd->n = 0;
	if (!rc)
		texts_offer(ac, nd);
	return rc;
}

int texts_answer(struct db_conn *c, struct alert_cache *ac,
		 int (*body)(struct alert_cache *ac, void *ctx, struct need *nd), void *ctx)
{
	struct need *nd = calloc(1, sizeof(*nd));
	if (!nd)
		return TR_ERR_NOMEM;
	int rc = TR_OK;
	for (int attempt = 0;; attempt++) {
		if (atomic_load(&ac->text_bytes) > ac->text_budget) {
			pthread_rwlock_wrlock(&ac->rw);
			texts_evict(ac);
			pthread_rwlock_unlock(&ac->rw);
		}
		pthread_rwlock_rdlock(&ac->rw);
		int missing = body(ac, ctx, nd);
		pthread_rwlock_unlock(&ac->rw);
		if (missing <= 0) {
			rc = -missing;
			break;
		}
		if (attempt == 8) { /* rows changing faster than they can be read */
			rc = TR_ERR_DB;
			break;
		}
		if ((rc = texts_fetch(c, ac, nd)))
			break;
	}
	need_free(nd);
	free(nd);
	return rc;
}

void alert_cache_text_budget(struct db_conn *c, size_t bytes)
{
	struct alert_cache *ac = model_of(c);
	if (!ac)
		return;
	pthread_rwlock_wrlock(&ac->rw);
	ac->text_budget = bytes;
	texts_evict(ac);
	pthread_rwlock_unlock(&ac->rw);
}
