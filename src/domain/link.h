/** Links between tips, alerts, activities and problems, added and removed
 * after creation from either side. One row per link, its ends stored in a
 * fixed order so a link made from either side is the same link. A link is
 * shown to a reader only when the reader sees both its ends; it is made or
 * removed by a role that may change one of its ends, in that end's own
 * organisation, and audited on both ends. */
#ifndef TR_DOMAIN_LINK_H
#define TR_DOMAIN_LINK_H

#include "db/db.h"
#include "domain/acl.h"

#include <jansson.h>

/** The record types a link joins, NULL-terminated: alert, activity,
 * problem, tip. */
extern const char *const link_types[];

/** A short summary of a record the caller sees ({type, id, title, status,
 * org_id, reference?}); TR_ERR_NOT_FOUND when it does not exist or the
 * caller does not see it. */
int link_end_get(struct db_conn *c, const struct caller *who, const char *type, const char *id,
		 json_t **out /* OUT */);
/** The links of a record the caller sees, each {id, type, record_id,
 * title, status, ...} naming the other end; only links whose other end
 * the caller sees. type, when not NULL, keeps only links to that type. */
int link_list(struct db_conn *c, const struct caller *who, const char *type, const char *id,
	      const char *other_type, json_t *items);
/** Links two records. *field names "id" or "other_id" when that end is
 * not visible (TR_ERR_INVALID), TR_ERR_FORBIDDEN when the caller may
 * change neither end; *created is 0 when the link existed already. */
int link_add(struct db_conn *c, const struct caller *who, const char *type, const char *id,
	     const char *other_type, const char *other_id, const char *request_id,
	     char link_id[37] /* OUT */, int *created /* OUT */, const char **field /* OUT */);
/** One link the caller sees (both ends): {id, ends: [summary, summary],
 * created_at}; TR_ERR_NOT_FOUND otherwise. */
int link_get(struct db_conn *c, const struct caller *who, const char *id, json_t **out /* OUT */);
/** Removes a link the caller sees and may change (as for link_add). */
int link_remove(struct db_conn *c, const struct caller *who, const char *link_id,
		const char *request_id);
/** Replaces the links of one record to records of other_type by the ids
 * of list (a JSON array of strings), inside the caller's transaction;
 * the caller has checked the ends. */
int link_set(struct db_conn *c, const struct caller *who, const char *type, const char *id,
	     const char *other_type, json_t *list);

#endif
