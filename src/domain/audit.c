#include "domain/audit.h"
#include "domain/acl.h"
#include "domain/row.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* The chain key: configuration, set once at start before any thread. */
static struct {
	int set;
	unsigned char key[crypto_generichash_KEYBYTES];
	char id[17];
} chain_key;

static const char zero_hash[] = "0000000000000000000000000000000000000000000000000000000000000000";

static int hex32(const char *hex, unsigned char out[32])
{
	size_t n = 0;
	if (!hex || strlen(hex) != 64 || sodium_hex2bin(out, 32, hex, 64, NULL, &n, NULL) != 0 ||
	    n != 32)
		return -1;
	return 0;
}

int audit_key_load(const char *hex, const char *data_key_hex, char *err, size_t errlen)
{
	sodium_memzero(&chain_key, sizeof(chain_key));
	if (!hex || !*hex)
		return TR_OK;
	unsigned char data_key[32];
	if (hex32(hex, chain_key.key)) {
		snprintf(err, errlen, "TRELLIS_AUDIT_KEY must be 64 hexadecimal characters");
		return TR_ERR_INVALID;
	}
	if (!hex32(data_key_hex, data_key) && sodium_memcmp(data_key, chain_key.key, 32) == 0) {
		sodium_memzero(&chain_key, sizeof(chain_key));
		sodium_memzero(data_key, sizeof(data_key));
		snprintf(err, errlen, "TRELLIS_AUDIT_KEY must differ from TRELLIS_SECRET_KEY");
		return TR_ERR_INVALID;
	}
	sodium_memzero(data_key, sizeof(data_key));
	/* the id names the key in the log without revealing it */
	static const char label[] = "trellis audit key id";
	unsigned char id[8];
	crypto_generichash(id, sizeof(id), (const unsigned char *)label, sizeof(label) - 1,
			   chain_key.key, sizeof(chain_key.key));
	sodium_bin2hex(chain_key.id, sizeof(chain_key.id), id, sizeof(id));
	chain_key.set = 1;
	return TR_OK;
}

int audit_key_id(char id[17])
{
	if (id)
		snprintf(id, 17, "%s", chain_key.set ? chain_key.id : "");
	return chain_key.set;
}

/* Why this process may not extend a chain whose newest link has key id
 * head_key, or NULL when it may. */
static const char *key_mismatch(const char *head_key)
{
	if (!head_key || !*head_key)
		return NULL;
	if (!chain_key.set)
		return "the audit log is keyed: set TRELLIS_AUDIT_KEY";
	if (strcmp(head_key, chain_key.id) != 0)
		return "TRELLIS_AUDIT_KEY is not the key that wrote the audit log";
	return NULL;
}

int audit_key_check(struct db_conn *c, char *err, size_t errlen)
{
	struct db_stmt *s;
	int rc = db_prepare(c, "SELECT key_id FROM audit_head WHERE id = 1", &s);
	if (rc)
		return rc;
	rc = db_step(s);
	const char *why = rc == DB_ROW ? key_mismatch(db_col_text(s, 0)) : NULL;
	if (why)
		snprintf(err, errlen, "%s (key id %s)", why, db_col_text(s, 0));
	db_done(s);
	if (rc != DB_ROW && rc != DB_DONE)
		return rc;
	return why ? TR_ERR_INVALID : TR_OK;
}

/* Canonical content: every field length-prefixed, so no two different
 * entries serialise alike. */
static void canon_field(crypto_generichash_state *st, const char *v)
{
	char len[24];
	if (!v) {
		crypto_generichash_update(st, (const unsigned char *)"-1:", 3);
		return;
	}
	int n = snprintf(len, sizeof(len), "%zu:", strlen(v));
	crypto_generichash_update(st, (const unsigned char *)len, (size_t)n);
	crypto_generichash_update(st, (const unsigned char *)v, strlen(v));
}

/* The link of one entry: keyed BLAKE2b under the chain key when keyed, the
 * plain BLAKE2b of entries written before the key was set otherwise. */
static void entry_hash(const char *prev, int64_t seq, int64_t at, const char *const f[8], int keyed,
		       char out[65])
{
	crypto_generichash_state st;
	unsigned char h[32];
	char num[48];
	crypto_generichash_init(&st, keyed ? chain_key.key : NULL,
				keyed ? sizeof(chain_key.key) : 0, sizeof(h));
	canon_field(&st, prev);
	snprintf(num, sizeof(num), "%" PRId64, seq);
	canon_field(&st, num);
	snprintf(num, sizeof(num), "%" PRId64, at);
	canon_field(&st, num);
	for (int i = 0; i < 8; i++)
		canon_field(&st, f[i]);
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

int audit_append(struct db_conn *c, const struct audit_entry *e, int64_t now)
{
	struct db_stmt *s;
	/* the row lock taken here orders concurrent writers on PostgreSQL;
	 * SQLite writers are already serialised */
	int rc = db_prepare(c,
			    "UPDATE audit_head SET seq = seq + 1 WHERE id = 1"
			    " RETURNING seq, hash, key_id",
			    &s);
	if (rc)
		return rc;
	rc = db_step(s);
	int64_t seq = 0;
	char prev[65] = "";
	int refused = 0;
	if (rc == DB_ROW) {
		seq = db_col_int64(s, 0);
		snprintf(prev, sizeof(prev), "%s", db_col_text(s, 1));
		refused = key_mismatch(db_col_text(s, 2)) != NULL;
	}
	db_done(s);
	if (rc != DB_ROW)
		return rc == DB_DONE ? TR_ERR_DB : rc;
	if (refused) /* an unkeyed or foreign link would break the chain */
		return TR_ERR_UNAVAILABLE;
	const char *f[8] = {e->user_id,	    e->org_id,	   e->action,	     e->resource_type,
			    e->resource_id, e->request_id, e->justification, e->detail};
	const char *key_id = chain_key.set ? chain_key.id : NULL;
	char hash[65];
	entry_hash(prev, seq, now, f, chain_key.set, hash);
	if ((rc = db_run_vals(
		 c,
		 "INSERT INTO audit_log (seq, at, user_id, org_id, action, resource_type,"
		 " resource_id, request_id, justification, detail, prev_hash, hash, key_id)"
		 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		 DB_VALS(DB_INT(seq), DB_INT(now), DB_TEXT(f[0]), DB_TEXT(f[1]), DB_TEXT(f[2]),
			 DB_TEXT(f[3]), DB_TEXT(f[4]), DB_TEXT(f[5]), DB_TEXT(f[6]), DB_TEXT(f[7]),
			 DB_TEXT(prev), DB_TEXT(hash), DB_TEXT(key_id)))))
		return rc;
	return db_run_vals(c, "UPDATE audit_head SET hash = ?, key_id = ? WHERE id = 1",
			   DB_VALS(DB_TEXT(hash), DB_TEXT(key_id)));
}

/* Checks one row against the chain so far; NULL when it follows, else why
 * (into r->why). */
static const char *verify_row(struct db_stmt *s, const char *prev, int64_t expect, int keyed_seen,
			      struct audit_report *r)
{
	int64_t seq = db_col_int64(s, 0);
	const char *key_id = db_col_text(s, 12);
	int keyed = key_id != NULL;
	const char *f[8];
	for (int i = 0; i < 8; i++)
		f[i] = db_col_text(s, 2 + i);
	const char *stored_prev = db_col_text(s, 10), *stored = db_col_text(s, 11);
	char h[65];
	if (seq != expect) {
		snprintf(r->why, sizeof(r->why), "entry %" PRId64 " is missing", expect);
		return r->why;
	}
	if (keyed && strcmp(key_id, chain_key.id) != 0) {
		snprintf(r->why, sizeof(r->why),
			 "entry %" PRId64 " names another audit key (%.16s)", seq, key_id);
		return r->why;
	}
	if (!keyed && keyed_seen) {
		/* the key is never dropped: an unkeyed link after a keyed one
		 * is a rewrite by someone without the key */
		snprintf(r->why, sizeof(r->why),
			 "entry %" PRId64 " has an unkeyed link after keyed entries", seq);
		return r->why;
	}
	entry_hash(prev, seq, db_col_int64(s, 1), f, keyed, h);
	if (!stored_prev || strcmp(stored_prev, prev) != 0)
		snprintf(r->why, sizeof(r->why),
			 "entry %" PRId64 " does not follow its predecessor", seq);
	else if (!stored || strcmp(stored, h) != 0)
		snprintf(r->why, sizeof(r->why), "entry %" PRId64 " was changed", seq);
	else
		return NULL;
	return r->why;
}

int audit_verify(struct db_conn *c, const struct audit_checkpoint *cp, struct audit_report *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->head, sizeof(r->head), "%s", zero_hash);
	if (cp && cp->seq == 0 && strcmp(cp->hash, zero_hash) != 0) {
		snprintf(r->why, sizeof(r->why), "the checkpoint of entry 0 has another hash");
		return TR_ERR_CONFLICT;
	}
	struct db_stmt *s;
	int rc = db_prepare(c,
			    "SELECT seq, at, user_id, org_id, action, resource_type, resource_id,"
			    " request_id, justification, detail, prev_hash, hash, key_id"
			    " FROM audit_log ORDER BY seq",
			    &s);
	if (rc)
		return rc;
	int64_t expect = 1;
	int keyed_seen = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t seq = db_col_int64(s, 0);
		if (db_col_text(s, 12) && !chain_key.set) {
			snprintf(r->why, sizeof(r->why),
				 "entries from %" PRId64 " on are keyed: set TRELLIS_AUDIT_KEY",
				 seq);
			db_done(s);
			return TR_ERR_INVALID;
		}
		if (verify_row(s, r->head, expect, keyed_seen, r)) {
			r->broken = seq != expect ? expect : seq;
			db_done(s);
			return TR_ERR_CONFLICT;
		}
		if (cp && seq == cp->seq && strcmp(db_col_text(s, 11), cp->hash) != 0) {
			snprintf(r->why, sizeof(r->why),
				 "entry %" PRId64 " is not the entry of the checkpoint", seq);
			r->broken = seq;
			db_done(s);
			return TR_ERR_CONFLICT;
		}
		if (db_col_text(s, 12))
			keyed_seen = 1;
		else
			r->unkeyed_last = seq;
		snprintf(r->head, sizeof(r->head), "%s", db_col_text(s, 11));
		expect++;
		r->count++;
	}
	db_done(s);
	if (rc != DB_DONE)
		return rc;
	if (cp && cp->seq > r->count) {
		r->broken = expect;
		snprintf(r->why, sizeof(r->why),
			 "entries after %" PRId64
			 " were removed (the checkpoint holds entry %" PRId64 ")",
			 r->count, cp->seq);
		return TR_ERR_CONFLICT;
	}
	/* the head remembers the last entry: a removed tail shows here */
	if ((rc = db_prepare(c, "SELECT seq, hash FROM audit_head WHERE id = 1", &s)))
		return rc;
	rc = db_step(s);
	int ok = rc == DB_ROW && db_col_int64(s, 0) == r->count &&
		 strcmp(db_col_text(s, 1), r->head) == 0;
	db_done(s);
	if (!ok) {
		r->broken = expect;
		snprintf(r->why, sizeof(r->why), "entries after %" PRId64 " were removed",
			 r->count);
		return TR_ERR_CONFLICT;
	}
	return TR_OK;
}

/* ---- signed checkpoints ---- */

int audit_signing_key_read(const char *path, unsigned char sk[64])
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return TR_ERR_IO;
	char text[130];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	while (n && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		text[--n] = '\0';
	unsigned char seed[32], pk[32];
	int rc = hex32(text, seed) ? TR_ERR_INVALID : TR_OK;
	if (!rc)
		crypto_sign_seed_keypair(pk, sk, seed);
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(text, sizeof(text));
	return rc;
}

/* What a checkpoint's signature covers. */
static int checkpoint_message(const struct audit_checkpoint *cp, char *out, size_t n)
{
	return snprintf(out, n, "trellis-audit-checkpoint-v1\n%" PRId64 "\n%s\n%s\n", cp->seq,
			cp->hash, cp->at);
}

void audit_checkpoint_sign(int64_t seq, const char *hash, int64_t now, const unsigned char sk[64],
			   struct audit_checkpoint *cp)
{
	memset(cp, 0, sizeof(*cp));
	cp->seq = seq;
	snprintf(cp->hash, sizeof(cp->hash), "%s", hash);
	tr_time_format(now, cp->at);
	crypto_sign_ed25519_sk_to_pk(cp->pk, sk);
	char msg[160];
	int n = checkpoint_message(cp, msg, sizeof(msg));
	crypto_sign_detached(cp->sig, NULL, (const unsigned char *)msg, (size_t)n, sk);
}

int audit_checkpoint_format(const struct audit_checkpoint *cp, char *out, size_t outlen)
{
	char pk[65], sig[129];
	sodium_bin2hex(pk, sizeof(pk), cp->pk, sizeof(cp->pk));
	sodium_bin2hex(sig, sizeof(sig), cp->sig, sizeof(cp->sig));
	int n = snprintf(out, outlen,
			 "{\"seq\":%" PRId64 ",\"hash\":\"%s\",\"at\":\"%s\",\"public_key\":\"%s\","
			 "\"signature\":\"%s\"}\n",
			 cp->seq, cp->hash, cp->at, pk, sig);
	return n > 0 && (size_t)n < outlen ? TR_OK : TR_ERR_TOO_LARGE;
}

static int is_lower_hex(const char *s, size_t len)
{
	if (!s || strlen(s) != len)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

int audit_checkpoint_parse(const char *text, struct audit_checkpoint *cp, char *err, size_t errlen)
{
	memset(cp, 0, sizeof(*cp));
	json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	json_t *seq = json_object_get(o, "seq");
	const char *hash = json_string_value(json_object_get(o, "hash"));
	const char *at = json_string_value(json_object_get(o, "at"));
	const char *pk = json_string_value(json_object_get(o, "public_key"));
	const char *sig = json_string_value(json_object_get(o, "signature"));
	int64_t ms;
	const char *why = NULL;
	if (!json_is_object(o) || json_object_size(o) != 5)
		why = "is not one checkpoint line";
	else if (!json_is_integer(seq) || json_integer_value(seq) < 0)
		why = "has no seq";
	else if (!is_lower_hex(hash, 64))
		why = "has no hash";
	else if (!at || strlen(at) >= sizeof(cp->at) || tr_time_parse(at, &ms))
		why = "has no time";
	else if (!is_lower_hex(pk, 64) || !is_lower_hex(sig, 128))
		why = "has no public key or signature";
	if (!why) {
		cp->seq = (int64_t)json_integer_value(seq);
		snprintf(cp->hash, sizeof(cp->hash), "%s", hash);
		snprintf(cp->at, sizeof(cp->at), "%s", at);
		sodium_hex2bin(cp->pk, sizeof(cp->pk), pk, 64, NULL, NULL, NULL);
		sodium_hex2bin(cp->sig, sizeof(cp->sig), sig, 128, NULL, NULL, NULL);
		char msg[160];
		int n = checkpoint_message(cp, msg, sizeof(msg));
		if (crypto_sign_verify_detached(cp->sig, (const unsigned char *)msg, (size_t)n,
						cp->pk) != 0)
			why = "has a bad signature";
	}
	json_decref(o);
	if (why) {
		snprintf(err, errlen, "the checkpoint %s", why);
		return TR_ERR_INVALID;
	}
	return TR_OK;
}

/* Every resource_type an entry is written with (the domain modules' and
 * link.c's link types); the API takes no other as a filter. */
const char *const audit_resource_types[] = {
    "alert",	  "tip",       "problem",  "activity",	    "practice",	    "proposal",
    "signal",	  "substance", "referral", "service",	    "commitment",   "document",
    "assessment", "event",     "outcome",  "action",	    "organisation", "org_area",
    "user",	  "token",     "session",  "sharing_group", "subscription", "webhook",
    "peer",	  NULL};

/* An entry of the log as the API gives it. */
static json_t *audit_row(struct db_stmt *s)
{
	char at[32];
	tr_time_format(db_col_int64(s, 1), at);
	json_t *detail = NULL;
	if (db_col_text(s, 9))
		detail = json_loads(db_col_text(s, 9), 0, NULL);
	return json_pack("{s:I, s:s, s:s?, s:s?, s:s, s:s, s:s?, s:s?, s:s?, s:o?, s:s, s:s?}",
			 "seq", (json_int_t)db_col_int64(s, 0), "at", at, "user_id",
			 db_col_text(s, 2), "org_id", db_col_text(s, 3), "action",
			 db_col_text(s, 4), "resource_type", db_col_text(s, 5), "resource_id",
			 db_col_text(s, 6), "request_id", db_col_text(s, 7), "justification",
			 db_col_text(s, 8), "detail", detail, "hash", db_col_text(s, 10),
			 "user_name", db_col_text(s, 11));
}

int audit_list(struct db_conn *c, const struct audit_filter *filter, int64_t before, int limit,
	       json_t *items, int *more)
{
	static const struct audit_filter all = {0};
	const struct audit_filter *f = filter ? filter : &all;
	const struct row_filter eq[] = {{" AND a.user_id = ?", f->user_id},
					{" AND a.resource_type = ?", f->resource_type},
					{" AND a.resource_id = ?", f->resource_id},
					{" AND a.action = ?", f->action}};
	struct query q;
	query_init(&q);
	query_int(&q,
		  "SELECT a.seq, a.at, a.user_id, a.org_id, a.action, a.resource_type,"
		  " a.resource_id, a.request_id, a.justification, a.detail, a.hash, u.name"
		  " FROM audit_log a LEFT JOIN users u ON u.id = a.user_id WHERE a.at >= ?",
		  f->from);
	query_int(&q, " AND a.at <= ?", f->to ? f->to : INT64_MAX);
	query_int(&q, " AND a.seq < ?", before ? before : INT64_MAX);
	row_filters(&q, eq, 4);
	query_int(&q, " ORDER BY a.seq DESC LIMIT ?", limit + 1);
	struct db_stmt *s;
	int rc = query_take(&q, c, &s);
	return rc ? rc : row_page(s, limit, audit_row, items, more);
}

int audit_by(struct db_conn *c, const struct caller *who, const char *action, const char *type,
	     const char *id, const char *request_id, int64_t now)
{
	struct audit_entry e = {who->user_id, who->org_id, action, type,
				id,	      request_id,  NULL,   NULL};
	return audit_append(c, &e, now);
}
