/** Full-text search over alerts and substances (and later modules), in
 * English, French and Russian, filtered by the caller's access. */
#ifndef TR_DOMAIN_SEARCH_H
#define TR_DOMAIN_SEARCH_H

#include "db/db.h"
#include "domain/acl.h"

#include <jansson.h>

/** Indexes (or re-indexes) one record's text under (type, id). Runs inside
 * the caller's transaction. */
int search_index_put(struct db_conn *c, const char *type, const char *id, const char *text);

/** Searches q in the record types of `types` (SEARCH_ALERTS,
 * SEARCH_SUBSTANCES, SEARCH_PRACTICES); writes a JSON array of up to limit
 * hits {type, id, title, snippet, rank}, best first. TR_ERR_INVALID when q
 * has no word. */
struct buf;
int search_run(struct db_conn *c, const struct caller *who, const char *q, unsigned types,
	       int limit, struct buf *out);

/** The most words a query may have (500 characters give fewer). */
#define SEARCH_WORDS_MAX 256

#define SEARCH_ALERTS 1u
#define SEARCH_SUBSTANCES 2u
#define SEARCH_PRACTICES 4u

#endif
