/** Full-text search over alerts, substances and practices, filtered by
 * the caller's access (above the modules whose visibility rules it uses
 * and the alerts' read model). */
#ifndef TR_DOMAIN_SEARCH_QUERY_H
#define TR_DOMAIN_SEARCH_QUERY_H

#include "db/db.h"
#include "domain/acl.h"

struct buf;
/** Searches q in the record types of `types` (SEARCH_ALERTS,
 * SEARCH_SUBSTANCES, SEARCH_PRACTICES); writes a JSON array of up to limit
 * hits {type, id, title, snippet, rank}, best first. TR_ERR_INVALID when q
 * has no word. */
int search_run(struct db_conn *c, const struct caller *who, const char *q, unsigned types,
	       int limit, struct buf *out);

/** The most words a query may have (500 characters give fewer). */
#define SEARCH_WORDS_MAX 256

#define SEARCH_ALERTS 1u
#define SEARCH_SUBSTANCES 2u
#define SEARCH_PRACTICES 4u

#endif
