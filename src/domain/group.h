/** Sharing groups: named sets of organisations a record can be shared
 * with. Owned by the creating organisation (always a member); visible to
 * the owner and the members only. */
#ifndef TR_DOMAIN_GROUP_H
#define TR_DOMAIN_GROUP_H

#include "db/db.h"
#include "domain/acl.h"

#include <jansson.h>
#include <stdint.h>

/** A group with its members, or TR_ERR_NOT_FOUND when who's organisation
 * is neither owner nor member. */
int group_get(struct db_conn *c, const struct caller *who, const char *id, json_t **out /* OUT */);
/** A page of the groups who's organisation owns or belongs to. */
int group_list(struct db_conn *c, const struct caller *who, const char *after, int limit,
	       json_t *items, int *more /* OUT */);
/** Creates a group owned by who's organisation from validated fields
 * (name, description?, members_can_add?, members?). *field names an
 * unknown member organisation. */
int group_create(struct db_conn *c, const struct caller *who, json_t *body, const char *request_id,
		 char id[37] /* OUT */, const char **field /* OUT */);
/** Applies a validated PATCH (name, description, members_can_add,
 * add_members, remove_members) at version (-1: no check). Owner
 * organisation: everything; a member organisation: add_members only, and
 * only when the owner allows it. */
int group_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		 int64_t version, const char *request_id, const char **field /* OUT */);
/** Whether org_id belongs to group id. */
int group_has_member(struct db_conn *c, const char *id, const char *org_id);
/** The sharing fields of record r as who writes them: a "distribution";
 * with tlp (the record has one) a "tlp", never red for the federation; a
 * "sharing_group_id" exactly for the sharing_group distribution, of a
 * group who's organisation belongs to. TR_ERR_INVALID with *field naming
 * the first that fails, else TR_OK. */
int group_share_check(struct db_conn *c, const struct caller *who, json_t *r, int tlp,
		      const char **field /* OUT */);

#endif
