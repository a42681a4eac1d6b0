/** Substances: names and synonyms in several languages, and a class. */
#ifndef TR_DOMAIN_SUBSTANCE_H
#define TR_DOMAIN_SUBSTANCE_H

#include "db/db.h"
#include "domain/acl.h"

#include <jansson.h>
#include <stdint.h>

/** The substance classes, NULL-terminated. */
extern const char *const substance_classes[];

/** One substance (every role reads them). */
int substance_get(struct db_conn *c, const struct caller *who, const char *id,
		  json_t **out /* OUT */);
/** A page ordered by name, filtered by class and a name prefix (q); after
 * is the id of the last substance of the previous page; *next_key
 * (free()) the last id when another page follows. */
int substance_list(struct db_conn *c, const struct caller *who, const char *cls, const char *q,
		   const char *after, int limit, json_t *items, char **next_key /* OUT */);
/** Creates from validated fields (name, class, description?, synonyms?)
 * when who's role may (acl.c); *field names the field of a failure. */
int substance_create(struct db_conn *c, const struct caller *who, json_t *body,
		     const char *request_id, char id[37] /* OUT */, const char **field /* OUT */);
/** Changes the fields of body at version (If-Match) when who's role may. */
int substance_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		     int64_t version, const char *request_id, const char **field /* OUT */);
/** Whether every id of the JSON array exists; *bad gets the first that does not. */
int substance_all_exist(struct db_conn *c, json_t *ids, const char **bad /* OUT */);
/** Loads data_dir/substances.csv (idempotent); *count gets the rows. */
int substance_seed(struct db_conn *c, const char *data_dir, int *count /* OUT */);
/** A number that grows with every committed substance write of this process
 * (what other processes write, search reads again within a second). */
unsigned long substance_generation(void);

/** The longest substance name (the API refuses longer). */
#define SUBSTANCE_NAME_MAX 200
/** A signature of the substances table that moves with any change to it,
 * by this process or another (count, versions, last update, lengths). */
int substance_signature(struct db_conn *c, char *sig, size_t n);
/** The name of substance id into name (n bytes; "" when unknown), from a
 * copy of every name kept per pool: made again after a substance write of
 * this process, and within a second after one of another process. */
int substance_name_of(struct db_conn *c, const char *id, char *name, size_t n);

#endif
