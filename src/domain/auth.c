#include "domain/auth.h"
#include "core/addr.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/audit.h"
#include "domain/keyed_table.h"
#include "domain/row.h"
#include "domain/token_cache.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Verified against when the email is unknown, so that an unknown account
 * costs the same argon2id work as a wrong password. */
static const char dummy_hash[] = "$argon2id$v=19$m=65536,t=2,p=1$LDWJINRpyvTyO4aR8Xe9CA$"
				 "ejcFUjo9aadVE/6b/8NI48T8mbMpFtI+7o19OM0NCF0";

static void hash_hex(const char *secret, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)secret, strlen(secret), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

static void secret_new(char out[AUTH_SECRET_LEN])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, AUTH_SECRET_LEN, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int auth_password_hash(const char *password, char *out, size_t outlen)
{
	if (outlen < crypto_pwhash_STRBYTES)
		return TR_ERR_INTERNAL;
	if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return TR_ERR_NOMEM;
	return TR_OK;
}

static void lower_copy(const char *in, char *out, size_t n)
{
	size_t i = 0;
	for (; in[i] && i + 1 < n; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
}

/* The account a failure counts against: a hash of the email, so that an
 * unknown email is slowed down exactly like a known one. */
static void email_key(const char *email, char out[65])
{
	char lower[320];
	lower_copy(email, lower, sizeof(lower));
	hash_hex(lower, out);
}

/* ---- per source address: in memory ---- */

#define THROTTLE_SLOTS 8192
#define THROTTLE_PROBE 16

struct throttle_slot {
	uint64_t who;	/* keyed hash of the source; 0 = free */
	int64_t window; /* start of the window */
	uint32_t n;	/* attempts reserved in it */
};

struct auth_throttle {
	struct keyed_table kt; /* first: keyed_table_new */
	int limit;
	int64_t window_ms;
	atomic_int waiting;
	struct throttle_slot *slot; /* kt's */
};

struct auth_throttle *auth_throttle_new(int limit, int64_t window_ms)
{
	struct auth_throttle *t = keyed_table_new(sizeof(*t), THROTTLE_SLOTS, sizeof(*t->slot));
	if (!t)
		return NULL;
	t->slot = t->kt.slots;
	t->limit = limit;
	t->window_ms = window_ms > 0 ? window_ms : AUTH_FAILURE_WINDOW_MS;
	atomic_init(&t->waiting, 0);
	return t;
}

void auth_throttle_free(struct auth_throttle *t)
{
	if (t)
		keyed_table_free(&t->kt);
}

static uint64_t throttle_who(const struct auth_throttle *t, const char *addr)
{
	unsigned char bin[16];
	const unsigned char *p;
	size_t n = addr_source(addr, bin, &p);
	uint64_t h = 0;
	crypto_generichash((unsigned char *)&h, sizeof(h), p, n, t->kt.key, sizeof(t->kt.key));
	return h ? h : 1;
}

/* The slot of who, or NULL; with make, a fresh one (the oldest window of
 * the probe is forgotten when all are taken: memory stays bounded). */
static struct throttle_slot *throttle_slot(struct auth_throttle *t, uint64_t who, int64_t now,
					   int make)
{
	struct throttle_slot *oldest = NULL;
	for (int i = 0; i < THROTTLE_PROBE; i++) {
		struct throttle_slot *s = &t->slot[(who + (uint64_t)i) % THROTTLE_SLOTS];
		if (s->who == who)
			return s;
		if (!oldest || (oldest->who && (!s->who || s->window < oldest->window)))
			oldest = s;
	}
	if (!make)
		return NULL;
	oldest->who = who;
	oldest->window = now;
	oldest->n = 0;
	return oldest;
}

int auth_throttle_take(struct auth_throttle *t, const char *addr, int64_t now, int *retry_s)
{
	*retry_s = 0;
	if (!t || t->limit <= 0)
		return 0;
	uint64_t who = throttle_who(t, addr ? addr : "unknown");
	int limited = 0;
	pthread_mutex_lock(&t->kt.mu);
	struct throttle_slot *s = throttle_slot(t, who, now, 1);
	if (now - s->window >= t->window_ms) {
		s->window = now;
		s->n = 0;
	}
	if (s->n >= (uint32_t)t->limit) {
		limited = 1;
		*retry_s = (int)((s->window + t->window_ms - now + 999) / 1000);
		if (*retry_s < 1)
			*retry_s = 1;
	} else {
		s->n++;
	}
	pthread_mutex_unlock(&t->kt.mu);
	return limited;
}

void auth_throttle_refund(struct auth_throttle *t, const char *addr, int64_t now)
{
	if (!t || t->limit <= 0)
		return;
	uint64_t who = throttle_who(t, addr ? addr : "unknown");
	pthread_mutex_lock(&t->kt.mu);
	struct throttle_slot *s = throttle_slot(t, who, now, 0);
	if (s && s->n > 0 && now - s->window < t->window_ms)
		s->n--;
	pthread_mutex_unlock(&t->kt.mu);
}

void auth_throttle_wait(struct auth_throttle *t, int64_t delay_ms)
{
	if (!t || delay_ms <= 0)
		return;
	if (atomic_fetch_add(&t->waiting, 1) < AUTH_DELAY_WAITERS) {
		struct timespec ts = {(time_t)(delay_ms / 1000),
				      (long)(delay_ms % 1000) * 1000000L};
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
	}
	atomic_fetch_sub(&t->waiting, 1);
}

/* ---- per account: in the database, shared by every server ---- */

static int failures_recent(struct db_conn *c, const char *key, int64_t now, int *count)
{
	struct db_stmt *s;
	int rc = db_prepare_vals(c,
				 "SELECT count(*) FROM (SELECT at FROM login_failures"
				 " WHERE email_hash = ? AND at > ? LIMIT 16) recent",
				 DB_VALS(DB_TEXT(key), DB_INT(now - AUTH_FAILURE_WINDOW_MS)), &s);
	if (rc)
		return rc;
	rc = db_step(s);
	*count = rc == DB_ROW ? (int)db_col_int64(s, 0) : 0;
	db_done(s);
	return rc == DB_ROW ? TR_OK : rc;
}

static int failure_note(struct db_conn *c, const char *key, int64_t now)
{
	struct db_stmt *s;
	int rc = db_run_vals(c, "INSERT INTO login_failures (email_hash, at) VALUES (?, ?)",
			     DB_VALS(DB_TEXT(key), DB_INT(now)));
	if (rc)
		return rc;
	/* old failures no longer count; keep the table small */
	if (!(rc = db_prepare_vals(c, "DELETE FROM login_failures WHERE at < ?",
				   DB_VALS(DB_INT(now - AUTH_FAILURE_WINDOW_MS)), &s))) {
		db_step(s);
		db_done(s);
	}
	return TR_OK;
}

static int user_email(struct db_conn *c, const char *user_id, char *out, size_t n)
{
	struct db_stmt *s;
	int rc = db_row_text(c, "SELECT email FROM users WHERE id = ?", user_id, &s);
	if (rc)
		return rc;
	snprintf(out, n, "%s", db_col_text(s, 0));
	db_done(s);
	return TR_OK;
}

int auth_account_delay(struct db_conn *c, const char *email, const char *user_id, int64_t now,
		       int64_t *delay_ms)
{
	char mail[320], key[65];
	int n = 0, rc;
	*delay_ms = 0;
	if (!email) {
		if ((rc = user_email(c, user_id, mail, sizeof(mail))))
			return rc == TR_ERR_NOT_FOUND ? TR_OK : rc;
		email = mail;
	}
	email_key(email, key);
	if ((rc = failures_recent(c, key, now, &n)))
		return rc;
	if (n >= AUTH_DELAY_FREE) {
		int64_t d = (int64_t)AUTH_DELAY_STEP_MS << (n - AUTH_DELAY_FREE);
		*delay_ms = d < AUTH_DELAY_MAX_MS ? d : AUTH_DELAY_MAX_MS;
	}
	return TR_OK;
}

/* A failed check of a password: counted against the account and audited.
 * The actor of a failed sign-in is nobody known ("anonymous"); the account
 * is named by its id when it exists, and the email is never written. */
static int failure_record(struct db_conn *c, const char *key, const struct audit_entry *e,
			  int64_t now)
{
	int rc = db_begin(c);
	if (rc)
		return rc;
	if (!(rc = failure_note(c, key, now)))
		rc = audit_append(c, e, now);
	return db_end(c, rc);
}

int auth_login(struct db_conn *c, const char *email, const char *password, const char *request_id,
	       char user_id[37], char token[AUTH_SECRET_LEN], char csrf[AUTH_SECRET_LEN])
{
	char key[65], lower[320], org[37] = "";
	lower_copy(email, lower, sizeof(lower));
	hash_hex(lower, key);
	user_id[0] = '\0';
	struct db_stmt *s;
	int rc = db_prepare_vals(
	    c, "SELECT id, org_id, password_hash, disabled FROM users WHERE email = ?",
	    DB_VALS(DB_TEXT(lower)), &s);
	if (rc)
		return rc;
	rc = db_step(s);
	char hash[crypto_pwhash_STRBYTES] = "";
	const char *reason = "unknown_account";
	if (rc == DB_ROW) {
		snprintf(user_id, 37, "%s", db_col_text(s, 0));
		snprintf(org, sizeof(org), "%s", db_col_text(s, 1));
		if (db_col_int64(s, 3) != 0)
			reason = "disabled";
		else if (!db_col_text(s, 2))
			reason = "no_password";
		else
			reason = NULL;
		if (!reason)
			snprintf(hash, sizeof(hash), "%s", db_col_text(s, 2));
	}
	db_done(s);
	if (rc != DB_ROW && rc != DB_DONE)
		return rc;
	if (reason)
		snprintf(hash, sizeof(hash), "%s", dummy_hash);
	int ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 && !reason;
	sodium_memzero(hash, sizeof(hash));
	/* after the slow hash: a session's idle clock starts when it is issued */
	int64_t now = tr_now_ms();
	if (!ok) {
		char detail[96];
		snprintf(detail, sizeof(detail), "{\"actor\":\"anonymous\",\"reason\":\"%s\"}",
			 reason ? reason : "wrong_password");
		struct audit_entry e = {
		    NULL,	NULL, "login_failed", "user", user_id[0] ? user_id : NULL,
		    request_id, NULL, detail};
		rc = failure_record(c, key, &e, now);
		user_id[0] = '\0';
		return rc ? rc : TR_ERR_UNAUTH;
	}
	if ((rc = db_begin(c)))
		return rc;
	rc = db_run_vals(c, "DELETE FROM login_failures WHERE email_hash = ?",
			 DB_VALS(DB_TEXT(key)));
	if (!rc)
		rc = auth_session_create(c, user_id, now, token, csrf);
	struct audit_entry e = {user_id, org, "login", "user", user_id, request_id, NULL, NULL};
	if (!rc)
		rc = audit_append(c, &e, now);
	return db_end(c, rc);
}

int auth_password_check(struct db_conn *c, const char *user_id, const char *password,
			const char *request_id)
{
	struct db_stmt *s;
	int rc = db_row_text(c, "SELECT email, org_id, password_hash FROM users WHERE id = ?",
			     user_id, &s);
	if (rc)
		return rc;
	char key[65] = "", org[37] = "", hash[crypto_pwhash_STRBYTES] = "";
	email_key(db_col_text(s, 0), key);
	snprintf(org, sizeof(org), "%s", db_col_text(s, 1));
	if (db_col_text(s, 2))
		snprintf(hash, sizeof(hash), "%s", db_col_text(s, 2));
	db_done(s);
	int usable = hash[0] != '\0';
	if (!usable)
		snprintf(hash, sizeof(hash), "%s", dummy_hash);
	int ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 && usable;
	sodium_memzero(hash, sizeof(hash));
	if (ok)
		return TR_OK;
	int64_t now = tr_now_ms();
	struct audit_entry e = {
	    user_id,	org,  "password_change_refused",	 "user", user_id,
	    request_id, NULL, "{\"field\":\"current_password\"}"};
	rc = failure_record(c, key, &e, now);
	return rc ? rc : TR_ERR_FORBIDDEN;
}

int auth_session_create(struct db_conn *c, const char *user_id, int64_t now,
			char token[AUTH_SECRET_LEN], char csrf[AUTH_SECRET_LEN])
{
	char h[65];
	secret_new(token);
	secret_new(csrf);
	hash_hex(token, h);
	return db_run_vals(
	    c,
	    "INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen)"
	    " VALUES (?, ?, ?, ?, ?)",
	    DB_VALS(DB_TEXT(h), DB_TEXT(user_id), DB_TEXT(csrf), DB_INT(now), DB_INT(now)));
}

#define CALLER_COLS "u.id, u.org_id, COALESCE(o.country, ''), u.role, u.reviewer"
#define CALLER_JOIN " FROM users u JOIN organisations o ON o.id = u.org_id"
/* read in the same statement as the caller (struct caller's alert_seq) */
#define ALERT_SEQ_COL ", (SELECT n FROM alert_seq WHERE id = 1)"

static void caller_fill(struct db_stmt *s, int first, struct caller *who)
{
	memset(who, 0, sizeof(*who));
	snprintf(who->user_id, sizeof(who->user_id), "%s", db_col_text(s, first));
	snprintf(who->org_id, sizeof(who->org_id), "%s", db_col_text(s, first + 1));
	snprintf(who->country, sizeof(who->country), "%s", db_col_text(s, first + 2));
	int r = role_parse(db_col_text(s, first + 3));
	who->role = r < 0 ? ROLE_VIEWER : (enum role)r;
	who->reviewer = db_col_int64(s, first + 4) != 0;
}

int auth_caller_load(struct db_conn *c, const char *user_id, struct caller *who)
{
	struct db_stmt *s;
	int rc = db_row_text(
	    c, "SELECT " CALLER_COLS CALLER_JOIN " WHERE u.id = ? AND u.disabled = 0", user_id, &s);
	if (rc)
		return rc == TR_ERR_NOT_FOUND ? TR_ERR_UNAUTH : rc;
	caller_fill(s, 0, who);
	db_done(s);
	return TR_OK;
}

int auth_session_lookup(struct db_conn *c, const char *token, int64_t now, int64_t idle_ms,
			int64_t max_ms, struct caller *who, char csrf[AUTH_SECRET_LEN])
{
	char h[65];
	hash_hex(token, h);
	struct db_stmt *s;
	int rc = db_prepare_vals(c,
				 "SELECT " CALLER_COLS
				 ", s.csrf, s.created_at, s.last_seen" ALERT_SEQ_COL
				 " FROM sessions s JOIN users u ON u.id = s.user_id"
				 " JOIN organisations o ON o.id = u.org_id"
				 " WHERE s.token_hash = ? AND u.disabled = 0",
				 DB_VALS(DB_TEXT(h)), &s);
	if (rc)
		return rc;
	rc = db_step(s);
	int64_t created = 0, seen = 0;
	if (rc == DB_ROW) {
		caller_fill(s, 0, who);
		snprintf(csrf, AUTH_SECRET_LEN, "%s", db_col_text(s, 5));
		created = db_col_int64(s, 6);
		seen = db_col_int64(s, 7);
		who->alert_seq = db_col_int64(s, 8);
		who->alert_seq_read = true;
	}
	db_done(s);
	if (rc == DB_DONE)
		return TR_ERR_UNAUTH;
	if (rc != DB_ROW)
		return rc;
	if (now - seen > idle_ms || now - created > max_ms) {
		auth_session_delete(c, token);
		return TR_ERR_UNAUTH;
	}
	who->via_session = true;
	/* the idle limit counts from the last request: written when it moved by
	 * a second or more, so the limit is never exceeded, only met up to a
	 * second early */
	if (now - seen >= AUTH_SEEN_GRAIN_MS &&
	    !db_prepare_vals(c,
			     "UPDATE sessions SET last_seen = ?"
			     " WHERE token_hash = ?",
			     DB_VALS(DB_INT(now), DB_TEXT(h)), &s)) {
		db_step(s);
		db_done(s);
	}
	return TR_OK;
}

int auth_session_delete(struct db_conn *c, const char *token)
{
	char h[65];
	hash_hex(token, h);
	return db_run_vals(c, "DELETE FROM sessions WHERE token_hash = ?", DB_VALS(DB_TEXT(h)));
}

int auth_token_create(struct db_conn *c, const struct caller *who, const char *request_id,
		      const char *user_id, const char *name, int64_t expires_at, int read_only,
		      int64_t now, char id[37], char secret[AUTH_SECRET_LEN + 8])
{
	char raw[AUTH_SECRET_LEN], h[65], exp[32];
	secret_new(raw);
	snprintf(secret, AUTH_SECRET_LEN + 8, "trl_%s", raw);
	sodium_memzero(raw, sizeof(raw));
	hash_hex(secret, h);
	tr_uuid7(id);
	struct db_stmt *s;
	int rc = db_begin(c);
	if (rc)
		return rc;
	if ((rc = db_prepare_vals(
		 c,
		 "INSERT INTO api_tokens (id, user_id, name, token_hash, read_only,"
		 " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		 DB_VALS(DB_TEXT(id), DB_TEXT(user_id), DB_TEXT(name), DB_TEXT(h),
			 DB_INT(read_only ? 1 : 0), DB_INT(now), DB_INT(expires_at)),
		 &s)))
		return db_end(c, rc);
	if ((rc = row_step_write(s)))
		return db_end(c, rc);
	/* whose token, its scope and expiry; never its name (free text) */
	tr_time_format(expires_at, exp);
	char detail[160];
	snprintf(detail, sizeof(detail),
		 "{\"user_id\":\"%s\",\"read_only\":%s,\"expires_at\":\"%s\"}", user_id,
		 read_only ? "true" : "false", exp);
	struct audit_entry e = {who ? who->user_id : NULL,
				who ? who->org_id : NULL,
				"create",
				"token",
				id,
				request_id,
				NULL,
				detail};
	return db_end(c, audit_append(c, &e, now));
}

int auth_token_lookup(struct db_conn *c, const char *secret, int64_t now, struct caller *who)
{
	char h[65];
	hash_hex(secret, h);
	/* the counter is read before the query: a write that commits after
	 * it moves the counter on, and the entry below no longer holds */
	uint64_t gen;
	int cacheable = db_write_gen(c, &gen);
	if (cacheable && token_cache_get(db_conn_pool(c), h, gen, now, who))
		return TR_OK;
	struct db_stmt *s;
	int rc =
	    db_row_vals(c,
			"SELECT " CALLER_COLS ", t.read_only, t.id" ALERT_SEQ_COL ", t.expires_at"
			" FROM api_tokens t JOIN users u ON u.id = t.user_id"
			" JOIN organisations o ON o.id = u.org_id"
			" WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ?"
			" AND u.disabled = 0",
			DB_VALS(DB_TEXT(h), DB_INT(now)), &s);
	if (rc)
		return rc == TR_ERR_NOT_FOUND ? TR_ERR_UNAUTH : rc;
	caller_fill(s, 0, who);
	who->read_only = db_col_int64(s, 5) != 0;
	snprintf(who->token_id, sizeof(who->token_id), "%s", db_col_text(s, 6));
	who->alert_seq = db_col_int64(s, 7);
	who->alert_seq_read = true;
	if (cacheable)
		token_cache_put(db_conn_pool(c), h, gen, now, db_col_int64(s, 8), who);
	db_done(s);
	return TR_OK;
}

int auth_token_revoke(struct db_conn *c, const struct caller *who, const char *request_id,
		      const char *id, int64_t now)
{
	int rc = db_begin(c);
	if (rc)
		return rc;
	rc = db_run_vals(c,
			 "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ?"
			 " AND revoked_at IS NULL",
			 DB_VALS(DB_INT(now), DB_TEXT(id), DB_TEXT(who->user_id)));
	/* how many rows changed is engine-specific; read the result back */
	if (!rc)
		rc = db_find_vals(c,
				  "SELECT 1 FROM api_tokens WHERE id = ? AND user_id = ?"
				  " AND revoked_at = ?",
				  DB_VALS(DB_TEXT(id), DB_TEXT(who->user_id), DB_INT(now)));
	if (!rc)
		rc = audit_by(c, who, "revoke", "token", id, request_id, now);
	return db_end(c, rc);
}

/* One api_tokens row as the token list shows it. */
static json_t *token_row(struct db_stmt *s)
{
	char created[32], expires[32], revoked[32];
	tr_time_format(db_col_int64(s, 3), created);
	tr_time_format(db_col_int64(s, 4), expires);
	tr_time_format(db_col_int64(s, 5), revoked);
	return json_pack("{s:s, s:s, s:b, s:s, s:s, s:s?}", "id", db_col_text(s, 0), "name",
			 db_col_text(s, 1), "read_only", (int)db_col_int64(s, 2), "created_at",
			 created, "expires_at", expires, "revoked_at",
			 db_col_is_null(s, 5) ? NULL : revoked);
}

int auth_token_list(struct db_conn *c, const char *user_id, json_t *items)
{
	return row_all_vals(c,
			    "SELECT id, name, read_only, created_at, expires_at, revoked_at,"
			    " last_used_at FROM api_tokens WHERE user_id = ? ORDER BY id",
			    DB_VALS(DB_TEXT(user_id)), token_row, items);
}

int auth_user_logout_everywhere(struct db_conn *c, const char *user_id, int64_t now)
{
	int rc =
	    db_run_vals(c, "DELETE FROM sessions WHERE user_id = ?", DB_VALS(DB_TEXT(user_id)));
	if (rc)
		return rc;
	return db_run_vals(c,
			   "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ?"
			   " AND revoked_at IS NULL",
			   DB_VALS(DB_INT(now), DB_TEXT(user_id)));
}

int auth_user_find_by_email(struct db_conn *c, const char *email, char id[37])
{
	char lower[320];
	size_t i = 0;
	for (; email[i] && i + 1 < sizeof(lower); i++)
		lower[i] = (char)tolower((unsigned char)email[i]);
	lower[i] = '\0';
	struct db_stmt *s;
	int rc = db_row_text(c, "SELECT id FROM users WHERE email = ?", lower, &s);
	if (rc)
		return rc;
	snprintf(id, 37, "%s", db_col_text(s, 0));
	db_done(s);
	return TR_OK;
}
