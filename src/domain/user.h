/** Users: one organisation each, one role each. Password hashes never leave
 * this module. */
#ifndef TR_DOMAIN_USER_H
#define TR_DOMAIN_USER_H

#include "db/db.h"
#include "domain/acl.h"

#include <jansson.h>
#include <stdint.h>

/** A user as JSON (no secret in it), visible to who, or TR_ERR_NOT_FOUND:
 * an admin sees every user, everyone else the users of their own
 * organisation. */
int user_get(struct db_conn *c, const struct caller *who, const char *id, json_t **out /* OUT */);
/** A page of the users who may see, id > after, filtered by org and role;
 * *next_key the last id when another page follows (malloc'd). */
int user_list(struct db_conn *c, const struct caller *who, const char *org_id, const char *role,
	      const char *after, int limit, json_t *items, char **next_key /* OUT */);
/** Creates a user from validated fields (email, name, org_id, role,
 * password?, reviewer?) after checking who may; writes the audit entry.
 * TR_ERR_FORBIDDEN, TR_ERR_CONFLICT (email taken), TR_ERR_INVALID (org
 * unknown, with *field set). */
int user_create(struct db_conn *c, const struct caller *who, json_t *body, const char *request_id,
		char id[37] /* OUT */, const char **field /* OUT */);
/** Applies a validated PATCH at the given version (If-Match); -1 skips the
 * check. TR_ERR_PRECONDITION when stale. A password is accepted for one's
 * own account only (the caller checks the current one first); another
 * user's is TR_ERR_FORBIDDEN with *field "password". Audited with the
 * fields changed and the old and new role, organisation, reviewer flag and
 * disabled state. */
int user_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		int64_t version, const char *request_id, const char **field /* OUT */);
/** An administrator's reset of another user's password (validated, 12+
 * characters): admin for anyone, org_admin for the non-admins of their
 * organisation; never one's own (*field "password", TR_ERR_FORBIDDEN).
 * Ends the user's sessions and tokens; audited as "password_reset".
 * TR_ERR_NOT_FOUND for a user the caller does not see. */
int user_password_reset(struct db_conn *c, const struct caller *who, const char *id,
			const char *password, const char *request_id, const char **field /* OUT */);
/** For the command line: adds a user without a caller (audited as the
 * system). */
int user_add_cli(struct db_conn *c, const char *email, const char *name, const char *org_id,
		 const char *role, const char *password, char id[37] /* OUT */);

#endif
