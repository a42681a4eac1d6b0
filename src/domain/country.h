/** Countries: the 57 participating States and 11 Partners, reference data. */
#ifndef TR_DOMAIN_COUNTRY_H
#define TR_DOMAIN_COUNTRY_H

#include "db/db.h"

#include <jansson.h>

/** Whether status is one of participating_state, asian_partner,
 * mediterranean_partner. */
int country_status_valid(const char *status);
/** Appends to items (a JSON array) up to limit countries after the iso2
 * `after` (NULL: from the first), filtered by osce_status when not NULL;
 * *more is set when another page follows. */
int country_list(struct db_conn *c, const char *status, const char *after, int limit, json_t *items,
		 int *more /* OUT */);
/** One country as JSON into *out (caller owns), or TR_ERR_NOT_FOUND. */
int country_get(struct db_conn *c, const char *iso2, json_t **out /* OUT */);
/** Whether iso2 names a known country. */
int country_exists(struct db_conn *c, const char *iso2);

#endif
