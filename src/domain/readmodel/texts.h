/** The rendered alerts of the read model within their budget: every
 * entry's object is kept while it fits, the least recently read dropped
 * first (a clock), and read again from the database when an answer needs
 * it. */
#ifndef TR_DOMAIN_READMODEL_TEXTS_H
#define TR_DOMAIN_READMODEL_TEXTS_H

#include "domain/readmodel/model.h"

/** The bytes entry e's kept text takes, 0 when none is kept. */
static inline size_t texts_size(const struct entry *e)
{
	struct text *t = atomic_load(&e->text);
	return t ? sizeof(*t) + t->len : 0;
}

/** The row of s (ALERT_COLS first) rendered; NULL when out of memory. */
struct text *texts_render(struct db_stmt *s);

/** Under the write lock: drops texts by the clock (a text read since the
 * hand last passed gets another round) until they fit in 7/8 of the
 * budget. */
void texts_evict(struct alert_cache *ac);

/* Texts one answer needs that were not kept: the entries, then the texts
 * fetched for them (the answer uses its own copies, so it finishes however
 * small the budget). */
struct fetched {
	uint32_t idx;
	int64_t seq;
	struct text *t;
};

struct need {
	uint32_t idx[256];
	int n;
	struct fetched *f;
	int nf, capf;
};

/** Under the read lock: entry idx's text, or NULL after noting it in nd. */
const struct text *texts_get(struct alert_cache *ac, uint32_t idx, struct need *nd);

/** Runs body under the read lock until it has every text it needs: body
 * notes the missing ones (texts_get) and returns how many, or minus an
 * error code (0 when done); they are fetched and body runs again. Texts
 * over the budget are dropped first. */
int texts_answer(struct db_conn *c, struct alert_cache *ac,
		 int (*body)(struct alert_cache *ac, void *ctx, struct need *nd), void *ctx);

#endif
