/** Organisations: every user belongs to one; each is in one country or is
 * an international body. */
#ifndef TR_DOMAIN_ORG_H
#define TR_DOMAIN_ORG_H

#include "db/db.h"

#include <jansson.h>
#include <stdint.h>

/** Whether kind is one of the organisation kinds of DESIGN.md. */
int org_kind_valid(const char *kind);
/** The kinds, NULL-terminated. */
extern const char *const org_kinds[];

struct caller;
/** Appends up to limit organisations with id > after, filtered by country
 * and kind when not NULL; *next_key the last id when another page follows
 * (malloc'd). Every role sees every organisation (the permission table). */
int org_list(struct db_conn *c, const struct caller *who, const char *country, const char *kind,
	     const char *after, int limit, json_t *items, char **next_key /* OUT */);
/** One organisation by id as who sees it, or TR_ERR_NOT_FOUND. Caller owns
 * *out. */
int org_get(struct db_conn *c, const struct caller *who, const char *id, json_t **out /* OUT */);
/** Resolves an id or a seeded key ("osce-spmu") to the id (37 bytes). */
int org_resolve(struct db_conn *c, const char *id_or_key, char id[37] /* OUT */);

/** Creates an organisation from validated fields (name, kind, country?,
 * parent_id?, key?); audited. Country is required except for international
 * organisations (*field names what was wrong). */
int org_create(struct db_conn *c, const struct caller *who, json_t *body, const char *request_id,
	       char id[37] /* OUT */, const char **field /* OUT */);
/** Applies a validated PATCH at version (-1: no check); audited. Creating
 * and changing are the instance administrators' (TR_ERR_FORBIDDEN). */
int org_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
	       int64_t version, const char *request_id, const char **field /* OUT */);
/** For the command line: adds an organisation (audited as the system). */
int org_add_cli(struct db_conn *c, const char *name, const char *kind, const char *country,
		char id[37] /* OUT */, const char **field /* OUT */);

#endif
