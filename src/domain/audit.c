#include "domain/audit.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

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

static void entry_hash(const char *prev, int64_t seq, int64_t at, const char *const f[8],
		       char out[65])
{
	crypto_generichash_state st;
	unsigned char h[32];
	char num[48];
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
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
			    " RETURNING seq, hash",
			    &s);
	if (rc)
		return rc;
	rc = db_step(s);
	int64_t seq = 0;
	char prev[65] = "";
	if (rc == DB_ROW) {
		seq = db_col_int64(s, 0);
		snprintf(prev, sizeof(prev), "%s", db_col_text(s, 1));
	}
	db_done(s);
	if (rc != DB_ROW)
		return rc == DB_DONE ? TR_ERR_DB : rc;
	const char *f[8] = {e->user_id,	    e->org_id,	   e->action,	     e->resource_type,
			    e->resource_id, e->request_id, e->justification, e->detail};
	char hash[65];
	entry_hash(prev, seq, now, f, hash);
	if ((rc = db_prepare(
		 c,
		 "INSERT INTO audit_log (seq, at, user_id, org_id, action, resource_type,"
		 " resource_id, request_id, justification, detail, prev_hash, hash)"
		 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		 &s)))
		return rc;
	db_bind_int64(s, 1, seq);
	db_bind_int64(s, 2, now);
	for (int i = 0; i < 8; i++)
		db_bind_text(s, 3 + i, f[i]);
	db_bind_text(s, 11, prev);
	db_bind_text(s, 12, hash);
	rc = db_step(s);
	db_done(s);
	if (rc != DB_DONE)
		return rc;
	if ((rc = db_prepare(c, "UPDATE audit_head SET hash = ? WHERE id = 1", &s)))
		return rc;
	db_bind_text(s, 1, hash);
	rc = db_step(s);
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

int audit_verify(struct db_conn *c, int64_t *count, int64_t *broken, char *why, size_t whylen)
{
	struct db_stmt *s;
	int rc = db_prepare(c,
			    "SELECT seq, at, user_id, org_id, action, resource_type, resource_id,"
			    " request_id, justification, detail, prev_hash, hash"
			    " FROM audit_log ORDER BY seq",
			    &s);
	if (rc)
		return rc;
	char prev[65] = "0000000000000000000000000000000000000000000000000000000000000000";
	int64_t expect = 1;
	*count = 0;
	*broken = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t seq = db_col_int64(s, 0);
		const char *f[8];
		for (int i = 0; i < 8; i++)
			f[i] = db_col_text(s, 2 + i);
		char h[65];
		entry_hash(prev, seq, db_col_int64(s, 1), f, h);
		const char *stored_prev = db_col_text(s, 10), *stored = db_col_text(s, 11);
		if (seq != expect)
			snprintf(why, whylen, "entry %" PRId64 " is missing", expect);
		else if (!stored_prev || strcmp(stored_prev, prev) != 0)
			snprintf(why, whylen, "entry %" PRId64 " does not follow its predecessor",
				 seq);
		else if (!stored || strcmp(stored, h) != 0)
			snprintf(why, whylen, "entry %" PRId64 " was changed", seq);
		else {
			snprintf(prev, sizeof(prev), "%s", stored);
			expect++;
			(*count)++;
			continue;
		}
		*broken = seq != expect ? expect : seq;
		db_done(s);
		return TR_ERR_CONFLICT;
	}
	db_done(s);
	if (rc != DB_DONE)
		return rc;
	/* the head remembers the last entry: a removed tail shows here */
	if ((rc = db_prepare(c, "SELECT seq, hash FROM audit_head WHERE id = 1", &s)))
		return rc;
	rc = db_step(s);
	int ok = rc == DB_ROW && db_col_int64(s, 0) == expect - 1 &&
		 strcmp(db_col_text(s, 1), prev) == 0;
	db_done(s);
	if (!ok) {
		*broken = expect;
		snprintf(why, whylen, "entries after %" PRId64 " were removed", expect - 1);
		return TR_ERR_CONFLICT;
	}
	return TR_OK;
}

int audit_list(struct db_conn *c, const char *user_id, const char *resource_type,
	       const char *resource_id, int64_t from, int64_t to, int64_t before, int limit,
	       json_t *items, int *more)
{
	struct db_stmt *s;
	int rc = db_prepare(c,
			    "SELECT seq, at, user_id, org_id, action, resource_type, resource_id,"
			    " request_id, justification, detail, hash FROM audit_log"
			    " WHERE (CAST(? AS TEXT) IS NULL OR user_id = ?)"
			    " AND (CAST(? AS TEXT) IS NULL OR resource_type = ?)"
			    " AND (CAST(? AS TEXT) IS NULL OR resource_id = ?)"
			    " AND at >= ? AND at <= ? AND seq < ?"
			    " ORDER BY seq DESC LIMIT ?",
			    &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, user_id);
	db_bind_text(s, 2, user_id);
	db_bind_text(s, 3, resource_type);
	db_bind_text(s, 4, resource_type);
	db_bind_text(s, 5, resource_id);
	db_bind_text(s, 6, resource_id);
	db_bind_int64(s, 7, from);
	db_bind_int64(s, 8, to ? to : INT64_MAX);
	db_bind_int64(s, 9, before ? before : INT64_MAX);
	db_bind_int64(s, 10, limit + 1);
	int n = 0;
	*more = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		if (n++ == limit) {
			*more = 1;
			break;
		}
		char at[32];
		tr_time_format(db_col_int64(s, 1), at);
		json_t *detail = NULL;
		if (db_col_text(s, 9))
			detail = json_loads(db_col_text(s, 9), 0, NULL);
		json_array_append_new(
		    items,
		    json_pack("{s:I, s:s, s:s?, s:s?, s:s, s:s, s:s?, s:s?, s:s?, s:o?, s:s}",
			      "seq", (json_int_t)db_col_int64(s, 0), "at", at, "user_id",
			      db_col_text(s, 2), "org_id", db_col_text(s, 3), "action",
			      db_col_text(s, 4), "resource_type", db_col_text(s, 5), "resource_id",
			      db_col_text(s, 6), "request_id", db_col_text(s, 7), "justification",
			      db_col_text(s, 8), "detail", detail, "hash", db_col_text(s, 10)));
	}
	db_done(s);
	return rc == DB_ROW || rc == DB_DONE ? TR_OK : rc;
}
