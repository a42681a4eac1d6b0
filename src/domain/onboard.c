#include "domain/onboard.h"
#include "core/err.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/notify.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static void token_hash(const char *token, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

/* A new token of kind for user_id: its text into token, its hash stored. */
static int token_issue(struct db_conn *c, const char *user_id, const char *kind, int64_t now,
		       char token[AUTH_SECRET_LEN])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(token, AUTH_SECRET_LEN, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	char hash[65];
	token_hash(token, hash);
	return db_run_vals(c,
			   "INSERT INTO password_tokens (token_hash, user_id, kind, created_at,"
			   " expires_at) VALUES (?, ?, ?, ?, ?)",
			   DB_VALS(DB_TEXT(hash), DB_TEXT(user_id), DB_TEXT(kind), DB_INT(now),
				   DB_INT(now + ONBOARD_TOKEN_TTL_MS)));
}

int onboard_invite(struct db_conn *c, const char *user_id, const char *email, const char *by_user,
		   const char *by_org, const char *request_id, int64_t now)
{
	char token[AUTH_SECRET_LEN];
	int rc = token_issue(c, user_id, "invitation", now, token);
	if (!rc)
		rc = notify_mail_queue(c, user_id, email, "invitation", NULL, NULL, NULL, token,
				       now);
	sodium_memzero(token, sizeof(token));
	struct audit_entry e = {by_user, by_org, "invite", "user", user_id, request_id, NULL, NULL};
	if (!rc)
		rc = audit_append(c, &e, now);
	return rc;
}

int onboard_forgot(struct db_conn *c, const char *email, const char *request_id, int64_t now)
{
	char id[37], stored[320] = "";
	int rc = auth_user_find_by_email(c, email, id);
	if (rc == TR_ERR_NOT_FOUND) {
		/* the same hashing as a known address; nothing is written */
		char token[AUTH_SECRET_LEN], hash[65];
		unsigned char raw[32];
		randombytes_buf(raw, sizeof(raw));
		sodium_bin2base64(token, sizeof(token), raw, sizeof(raw),
				  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		token_hash(token, hash);
		return TR_OK;
	}
	if (rc)
		return rc;
	struct db_stmt *s;
	rc = db_row_vals(c, "SELECT email FROM users WHERE id = ? AND disabled = 0",
			 DB_VALS(DB_TEXT(id)), &s);
	if (rc == TR_ERR_NOT_FOUND)
		return TR_OK; /* disabled: no message, the same answer */
	if (rc)
		return rc;
	snprintf(stored, sizeof(stored), "%s", db_col_text(s, 0));
	db_done(s);
	if ((rc = db_begin(c)))
		return rc;
	char token[AUTH_SECRET_LEN];
	rc = token_issue(c, id, "reset", now, token);
	if (!rc)
		rc = notify_mail_queue(c, id, stored, "reset", NULL, NULL, NULL, token, now);
	sodium_memzero(token, sizeof(token));
	struct audit_entry e = {NULL, NULL, "password_reset_requested", "user", id, request_id,
				NULL, NULL};
	if (!rc)
		rc = audit_append(c, &e, now);
	return db_end(c, rc);
}

int onboard_password_set(struct db_conn *c, const char *token, const char *password,
			 const char *request_id, int64_t now)
{
	char hash[65], pw[crypto_pwhash_STRBYTES];
	token_hash(token, hash);
	int rc = auth_password_hash(password, pw, sizeof(pw));
	if (rc)
		return rc;
	struct db_stmt *s;
	if ((rc = db_begin(c)))
		return rc;
	/* the token is spent by the same statement that finds it */
	rc = db_prepare(c,
			"UPDATE password_tokens SET used_at = ? WHERE token_hash = ?"
			" AND used_at IS NULL AND expires_at > ? RETURNING user_id, kind",
			&s);
	char user[37] = "", kind[16] = "";
	if (!rc) {
		db_bind_int64(s, 1, now);
		db_bind_text(s, 2, hash);
		db_bind_int64(s, 3, now);
		rc = db_step(s);
		if (rc == DB_ROW) {
			snprintf(user, sizeof(user), "%s", db_col_text(s, 0));
			snprintf(kind, sizeof(kind), "%s", db_col_text(s, 1));
			while (rc == DB_ROW)
				rc = db_step(s);
		}
		db_done(s);
		rc = rc == DB_DONE ? (user[0] ? TR_OK : TR_ERR_INVALID) : rc;
	}
	if (!rc) { /* the user, by its key, once: no row when it is disabled */
		rc = db_find_vals(c,
				  "UPDATE users SET password_hash = ?, version = version + 1,"
				  " updated_at = ? WHERE id = ? AND disabled = 0 RETURNING id",
				  DB_VALS(DB_TEXT(pw), DB_INT(now), DB_TEXT(user)));
		if (rc == TR_ERR_NOT_FOUND)
			rc = TR_ERR_INVALID;
	}
	if (!rc)
		rc = db_run_vals(c,
				 "UPDATE password_tokens SET used_at = ? WHERE user_id = ?"
				 " AND used_at IS NULL",
				 DB_VALS(DB_INT(now), DB_TEXT(user)));
	if (!rc)
		rc = auth_user_logout_everywhere(c, user, now);
	char detail[64];
	snprintf(detail, sizeof(detail), "{\"via\":\"%s\"}", kind);
	struct audit_entry e = {user, NULL, "password_set", "user", user, request_id, NULL, detail};
	if (!rc)
		rc = audit_append(c, &e, now);
	sodium_memzero(pw, sizeof(pw));
	return db_end(c, rc);
}
