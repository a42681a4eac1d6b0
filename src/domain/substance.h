/** Substances: names and synonyms in several languages, and a class. */
#ifndef TR_DOMAIN_SUBSTANCE_H
#define TR_DOMAIN_SUBSTANCE_H

#include "db/db.h"

#include <jansson.h>
#include <stdint.h>

/** The substance classes, NULL-terminated. */
extern const char *const substance_classes[];

int substance_get(struct db_conn *c, const char *id, json_t **out /* OUT */);
/** A page ordered by name, filtered by class and a name prefix (q). */
int substance_list(struct db_conn *c, const char *cls, const char *q, const char *after, int limit,
		   json_t *items, int *more /* OUT */);
/** Creates from validated fields (name, class, description?, synonyms?). */
int substance_create(struct db_conn *c, json_t *body, const char *user_id, const char *org_id,
		     const char *request_id, char id[37] /* OUT */);
int substance_update(struct db_conn *c, const char *id, json_t *body, int64_t version,
		     const char *user_id, const char *org_id, const char *request_id);
/** Whether every id of the JSON array exists; *bad gets the first that does not. */
int substance_all_exist(struct db_conn *c, json_t *ids, const char **bad /* OUT */);
/** Loads data_dir/substances.csv (idempotent); *count gets the rows. */
int substance_seed(struct db_conn *c, const char *data_dir, int *count /* OUT */);

#endif
