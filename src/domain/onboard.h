/** Onboarding by e-mail: an invitation when a user is made without a
 * password, and "forgot password". Both send a link holding a single-use
 * token valid 72 hours; the database keeps only its BLAKE2b hash. Every
 * step is audited. */
#ifndef TR_DOMAIN_ONBOARD_H
#define TR_DOMAIN_ONBOARD_H

#include "db/db.h"

#include <stdint.h>

#define ONBOARD_TOKEN_TTL_MS (72LL * 3600 * 1000)

/** Inside the transaction that creates user_id: an invitation token and its
 * message to email; audited as "invite" by by_user (NULL: the command
 * line). */
int onboard_invite(struct db_conn *c, const char *user_id, const char *email, const char *by_user,
		   const char *by_org, const char *request_id, int64_t now);
/** "Forgot password" for email: when it names an active user, a reset token
 * and its message, audited as "password_reset_requested". An unknown
 * email does the same work and changes nothing: the caller answers alike.
 * TR_OK either way, or a database error. */
int onboard_forgot(struct db_conn *c, const char *email, const char *request_id, int64_t now);
/** Sets the password of the token's user (password already validated):
 * TR_ERR_INVALID when the token is unknown, used or expired. Marks every
 * token of the user used, ends their sessions, audits "password_set". */
int onboard_password_set(struct db_conn *c, const char *token, const char *password,
			 const char *request_id, int64_t now);

#endif
