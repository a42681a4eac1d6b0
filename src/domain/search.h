/** The full-text search index (English, French and Russian stems), as the
 * modules write it; search_query.h reads it for a caller. */
#ifndef TR_DOMAIN_SEARCH_H
#define TR_DOMAIN_SEARCH_H

#include "db/db.h"

/** Indexes (or re-indexes) one record's text under (type, id). Runs inside
 * the caller's transaction. */
int search_index_put(struct db_conn *c, const char *type, const char *id, const char *text);

#endif
