/** The alerts' read model inside: every alert as an entry, its indexes and
 * its lock. model.c loads and syncs it, texts.c keeps the rendered objects
 * within their budget, and the queries (list.c, related.c, search.c) read
 * it under the read lock. Not for use outside this folder. */
#ifndef TR_DOMAIN_READMODEL_MODEL_H
#define TR_DOMAIN_READMODEL_MODEL_H

#include "db/db.h"
#include "domain/readmodel/index.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

enum { ST_DRAFT, ST_PUBLISHED, ST_RETRACTED };

/* An alert's rendered object. Texts are kept within a budget: filled
 * under the read lock (compare-and-swap into an empty slot), dropped only
 * under the write lock, so a reader holding the read lock may use one. */
/* The fields a search hit copies, found once when the text is rendered */
enum { TEXT_TITLE, TEXT_SUMMARY, TEXT_BODY, TEXT__FIELDS };

struct text {
	uint32_t len;
	uint32_t at[TEXT__FIELDS]; /* where the field's string value starts, or UINT32_MAX */
	char s[];
};

/* What access and ranking read of every candidate, kept dense. */
enum { HOT_LOC = 1, HOT_FROM = 2, HOT_TO = 4 };

struct hot {
	uint32_t org, group, dl; /* dl: the number of search terms */
	uint8_t dist, status, category, tlp;
	uint8_t flags; /* HOT_*: which of location, observed from and to it has */
	char country[3];
};

/* A term of an entry and how often the entry has it. */
struct tf {
	uint32_t term, n;
};

struct entry {
	char id[37];
	struct hot h; /* also in the model's dense hot array */
	uint32_t nsubs, ntags, nctry;
	uint8_t form;	 /* in alert_drug_forms, 255 when none */
	uint32_t *lists; /* substances, tags, countries: interned */
	int64_t from, to, updated, created, seq;
	double lat, lon;
	_Atomic(struct text *) text; /* the API's object, while it is kept */
	_Atomic uint8_t ref;	     /* read since the clock hand last passed */
	struct tf *terms;	     /* by term, each once */
	uint32_t nterms;
};

struct alert_cache {
	pthread_rwlock_t rw;  /* readers answer; sync applies changes */
	pthread_mutex_t sync; /* one loader at a time */
	_Atomic int64_t seen; /* last alert_seq number applied; -1 before the load */
	struct strtab str;
	struct entry *e;
	struct hot *hot; /* entry i's h, dense */
	uint32_t n, cap;
	uint32_t *ids; /* open addressing: entry index + 1 */
	uint32_t nids;
	struct vec by_upd, by_obs; /* entry indexes in list order */
	struct vec *subs;	   /* per interned substance: entries, newest id first */
	uint32_t nsubs;
	struct grid grid;    /* (category, cell) -> entries, for place and time */
	long group_rows;     /* entries distributed to a sharing group */
	struct strtab terms; /* search terms */
	struct plist *posts; /* per term */
	uint32_t nposts;
	uint64_t total_len; /* of all entries' terms, for BM25's average */
	uint32_t bit_words; /* length of every bitmap: entry capacity / 64 */
	_Atomic size_t text_bytes;
	size_t text_budget;
	uint32_t hand; /* the clock hand over entries */
};

/** The model of c's pool, made empty on first use; NULL when out of
 * memory. */
struct alert_cache *model_of(struct db_conn *c);

/** The position of v in the NULL-terminated names, 255 when absent. */
int model_enum(const char *const *names, const char *v);

/** The entry index of the alert with that id, UINT32_MAX when none. */
uint32_t model_find(const struct alert_cache *ac, const char *id);

/* ---- list order: newest first by (key, id) ---- */

/** The entry's key in by_obs (obs) or by_upd order. */
static inline int64_t model_key(const struct entry *e, int obs)
{
	return obs ? ((e->h.flags & HOT_FROM) ? e->from : 0) : e->updated;
}

/** The first position of order o whose element does not come before
 * (k, id) (inclusive) or that comes after it (strict). */
uint32_t model_seek(const struct alert_cache *ac, const struct vec *o, int obs, int64_t k,
		    const char *id, int strict);

#endif
