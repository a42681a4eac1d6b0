/** Authentication: argon2id passwords, cookie sessions with a CSRF token,
 * API tokens stored only as hashes, sign-in throttling. Secrets are 256
 * random bits, base64url; the database holds their BLAKE2b hashes only. */
#ifndef TR_DOMAIN_AUTH_H
#define TR_DOMAIN_AUTH_H

#include "db/db.h"
#include "domain/acl.h"

#include <jansson.h>
#include <stdint.h>

#define AUTH_SECRET_LEN 48			/* text of a session or token secret, with NUL */
#define AUTH_FAILURE_WINDOW_MS (15 * 60 * 1000) /* failures count this long */
#define AUTH_SOURCE_FAILURES_MAX 20		/* failed sign-ins per source address */
#define AUTH_DELAY_FREE 3	/* failures of one account before its sign-ins slow down */
#define AUTH_DELAY_STEP_MS 125	/* the first delay; each further failure doubles it */
#define AUTH_DELAY_MAX_MS 2000	/* ... up to this: never a lock */
#define AUTH_DELAY_WAITERS 8	/* sign-ins waiting at once; others are not slowed */
#define AUTH_SEEN_GRAIN_MS 1000 /* a session's last-seen time is written this often */

/** Hashes a password with argon2id (interactive limits) into out. */
int auth_password_hash(const char *password, char *out, size_t outlen);

/** Sign-in throttling per source address, in memory only (keyed hash of
 * the address, IPv6 by /64, one window): an attempt is reserved before the
 * password is checked and given back when it succeeds, so only failures
 * count. Thread-safe; freed with auth_throttle_free. */
struct auth_throttle;
/** limit failures per window_ms per source (0 disables). */
struct auth_throttle *auth_throttle_new(int limit, int64_t window_ms);
void auth_throttle_free(struct auth_throttle *t);
/** Reserves one attempt for addr: 0 when allowed, else 1 with *retry_s the
 * seconds until the source may try again. */
int auth_throttle_take(struct auth_throttle *t, const char *addr, int64_t now,
		       int *retry_s /* OUT */);
/** Gives back the attempt reserved for addr (it succeeded). */
void auth_throttle_refund(struct auth_throttle *t, const char *addr, int64_t now);
/** Sleeps delay_ms, unless AUTH_DELAY_WAITERS sign-ins already wait: a
 * waiting sign-in holds a worker thread, and the server must not stall. */
void auth_throttle_wait(struct auth_throttle *t, int64_t delay_ms);

/** The delay before checking a password for this account: nothing for the
 * first AUTH_DELAY_FREE failures within the window, then growing to
 * AUTH_DELAY_MAX_MS. By email (unknown emails count alike) or, when email
 * is NULL, by user id. Call it without holding a connection while waiting. */
int auth_account_delay(struct db_conn *c, const char *email, const char *user_id, int64_t now,
		       int64_t *delay_ms /* OUT */);

/** Checks email and password and, when right, opens a session (its cookie
 * secret and CSRF token) and audits "login". TR_ERR_UNAUTH for an unknown
 * email, a wrong password or a disabled account alike (same work done in
 * each case), after noting the failure against the account and auditing
 * "login_failed": the account's id when it exists, never the email or the
 * password. */
int auth_login(struct db_conn *c, const char *email, const char *password, const char *request_id,
	       char user_id[37] /* OUT */, char token[AUTH_SECRET_LEN] /* OUT */,
	       char csrf[AUTH_SECRET_LEN] /* OUT */);
/** Checks user_id's current password before they change it: TR_OK, or
 * TR_ERR_FORBIDDEN after noting the failure like a failed sign-in and
 * auditing "password_change_refused". */
int auth_password_check(struct db_conn *c, const char *user_id, const char *password,
			const char *request_id);

/** A new session for user_id: the cookie secret and the CSRF token. */
int auth_session_create(struct db_conn *c, const char *user_id, int64_t now,
			char token[AUTH_SECRET_LEN] /* OUT */,
			char csrf[AUTH_SECRET_LEN] /* OUT */);
/** Resolves a session secret: TR_ERR_UNAUTH when unknown, idle longer than
 * idle_ms, older than max_ms or its user disabled. Fills the caller and the
 * session's CSRF token; restarts the idle clock (written when it moved by
 * AUTH_SEEN_GRAIN_MS or more, so a session ends at most that much early,
 * never late). */
int auth_session_lookup(struct db_conn *c, const char *token, int64_t now, int64_t idle_ms,
			int64_t max_ms, struct caller *who /* OUT */,
			char csrf[AUTH_SECRET_LEN] /* OUT */);
/** Ends a session. */
int auth_session_delete(struct db_conn *c, const char *token);

/** A new API token for user_id; the secret is returned once and only its
 * hash is kept. Audited as "create" of a "token" by who (NULL: the command
 * line) with request_id. */
int auth_token_create(struct db_conn *c, const struct caller *who, const char *request_id,
		      const char *user_id, const char *name, int64_t expires_at, int read_only,
		      int64_t now, char id[37] /* OUT */,
		      char secret[AUTH_SECRET_LEN + 8] /* OUT */);
/** Resolves a bearer token: TR_ERR_UNAUTH when unknown, expired, revoked or
 * its user disabled. */
int auth_token_lookup(struct db_conn *c, const char *secret, int64_t now,
		      struct caller *who /* OUT */);
/** Revokes one of who's tokens, audited as "revoke"; TR_ERR_NOT_FOUND when
 * not theirs. */
int auth_token_revoke(struct db_conn *c, const struct caller *who, const char *request_id,
		      const char *id, int64_t now);
/** Appends user_id's tokens (never the secret or its hash) to items. */
int auth_token_list(struct db_conn *c, const char *user_id, json_t *items);

/** Ends every session and revokes every token of user_id. */
int auth_user_logout_everywhere(struct db_conn *c, const char *user_id, int64_t now);
/** Loads the caller for a user id (disabled users give TR_ERR_UNAUTH). */
int auth_caller_load(struct db_conn *c, const char *user_id, struct caller *who /* OUT */);

/** Finds a user id by email (any case): TR_ERR_NOT_FOUND when none. */
int auth_user_find_by_email(struct db_conn *c, const char *email, char id[37] /* OUT */);

#endif
