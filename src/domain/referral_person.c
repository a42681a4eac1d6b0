/* Referrals: the person's fields, read one at a time with an audited
 * reason, and erased on request or after the retention period, so that the
 * erased text leaves the database files too. See referral.h. */
#include "domain/referral.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "domain/audit.h"
#include "domain/referral_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the person's fields ---- */

static int sealed_read(struct db_conn *c, const char *id, char **person, char **facts, char **notes)
{
	struct db_stmt *s;
	int rc =
	    db_row_vals(c, "SELECT person_enc, facts_enc, notes_enc FROM referrals WHERE id = ?",
			DB_VALS(DB_TEXT(id)), &s);
	if (rc)
		return rc;
	*person = db_col_text(s, 0) ? strdup(db_col_text(s, 0)) : NULL;
	*facts = db_col_text(s, 1) ? strdup(db_col_text(s, 1)) : NULL;
	*notes = db_col_text(s, 2) ? strdup(db_col_text(s, 2)) : NULL;
	db_done(s);
	return TR_OK;
}

/* The value of one field from the opened texts (NULL: erased or empty). */
static json_t *field_value(const char *name, json_t *person, const char *facts, const char *notes)
{
	if (strcmp(name, "facts") == 0)
		return facts ? json_string(facts) : json_null();
	if (strcmp(name, "notes") == 0)
		return notes ? json_string(notes) : json_null();
	json_t *v = json_object_get(person, name);
	return v ? json_incref(v) : json_null();
}

int referral_person_read(struct db_conn *c, const struct caller *who, const char *id,
			 json_t *fields, const char *reason, const char *request_id, json_t **out)
{
	*out = NULL;
	int rc = db_begin(c);
	if (rc)
		return rc;
	json_t *cur = NULL, *person = NULL;
	char *ps = NULL, *fs = NULL, *ns = NULL, *p = NULL, *f = NULL, *n = NULL;
	if ((rc = referral_read_one(c, who, id, &cur)))
		goto out;
	if (!acl_role_can(who->role, RES_REFERRAL_PERSON, ACT_READ)) {
		rc = TR_ERR_FORBIDDEN;
		goto out;
	}
	int receiving =
	    strcmp(json_string_value(json_object_get(cur, "recv_org_id")), who->org_id) == 0;
	size_t i;
	json_t *v;
	json_array_foreach(fields, i,
			   v) if (strcmp(json_string_value(v), "notes") == 0 && !receiving)
	{
		rc = TR_ERR_FORBIDDEN; /* the receiving organisation's notes are its own */
		goto out;
	}
	if ((rc = sealed_read(c, id, &ps, &fs, &ns)))
		goto out;
	if ((ps || fs || ns) && !referral_has_key()) {
		rc = TR_ERR_UNAVAILABLE;
		goto out;
	}
	p = referral_open_sealed(ps);
	f = referral_open_sealed(fs);
	n = referral_open_sealed(ns);
	if ((ps && !p) || (fs && !f) || (ns && !n)) {
		rc = TR_ERR_UNAVAILABLE;
		goto out;
	}
	person = p ? json_loads(p, 0, NULL) : json_object();
	*out = json_object();
	struct buf d;
	buf_init(&d, 256);
	buf_puts(&d, "{\"fields\":[");
	json_array_foreach(fields, i, v)
	{
		const char *name = json_string_value(v);
		json_object_set_new(*out, name, field_value(name, person, f, n));
		buf_printf(&d, "%s\"%s\"", i ? "," : "", name); /* names from the allow-list */
	}
	buf_puts(&d, "]}");
	struct audit_entry e = {who->user_id, who->org_id, "read_sensitive", "referral",
				id,	      request_id,  reason,	     d.data};
	rc = audit_append(c, &e, tr_now_ms());
	buf_free(&d);
out:
	referral_wipe_free(p);
	referral_wipe_free(f);
	referral_wipe_free(n);
	free(ps);
	free(fs);
	free(ns);
	json_decref(cur);
	json_decref(person);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return db_end(c, rc);
}

/* Clears the sealed columns of one referral or of those closed before a
 * time (id NULL); *n the rows changed (counted first, in the same
 * transaction). */
static int erase_where(struct db_conn *c, const char *id, int64_t closed_before, int64_t now,
		       int *n)
{
#define ERASE_WHERE(x) " WHERE " x " AND personal_erased_at IS NULL"
	const char *where = id ? ERASE_WHERE("id = ?") : ERASE_WHERE("closed_at < ?");
	char sql[400];
	struct db_stmt *s;
	for (int pass = 0; pass < 2; pass++) {
		snprintf(sql, sizeof(sql), "%s%s",
			 pass ? "UPDATE referrals SET person_enc = NULL, facts_enc = NULL,"
				" notes_enc = NULL, personal_erased_at = ?, updated_at = ?,"
				" version = version + 1"
			      : "SELECT COUNT(*) FROM referrals",
			 where);
		int rc = db_prepare(c, sql, &s);
		if (rc)
			return rc;
		int k = 1;
		if (pass) {
			db_bind_int64(s, k++, now);
			db_bind_int64(s, k++, now);
		}
		if (id)
			db_bind_text(s, k, id);
		else
			db_bind_int64(s, k, closed_before);
		rc = db_step(s);
		if (!pass && rc == DB_ROW)
			*n = (int)db_col_int64(s, 0);
		db_done(s);
		if (rc != (pass ? DB_DONE : DB_ROW))
			return rc;
	}
	return TR_OK;
#undef ERASE_WHERE
}

/* Freed pages are overwritten on SQLite, so erased text leaves the file. */
static void secure_delete_on(struct db_conn *c)
{
	if (db_conn_engine(c) == DB_SQLITE)
		db_exec(c, "PRAGMA secure_delete=ON");
}

/* PostgreSQL's VACUUM FULL keeps the row versions another transaction may
 * still see: while any transaction of this database holds a snapshot or an
 * id older than the erasure's commit, the erased versions would be copied
 * into the rewritten table. It waits (10 s at most) until every other
 * transaction is newer than that. */
#define PG_WAIT_OLDER                                                                              \
	"DO $$ DECLARE x xid := pg_snapshot_xmax(pg_current_snapshot())::text::xid; BEGIN FOR i"   \
	" IN 1..100 LOOP PERFORM pg_stat_clear_snapshot(); EXIT WHEN NOT EXISTS (SELECT 1 FROM"    \
	" pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND"     \
	" backend_type = 'client backend' AND (age(backend_xmin) > age(x) OR age(backend_xid)"     \
	" > age(x))); PERFORM pg_sleep(0.1); END LOOP; END $$"

/* After an erasure the old row versions leave the files: on SQLite the
 * WAL is checkpointed into the (cleared) pages and truncated; on
 * PostgreSQL an UPDATE leaves the old tuple in the table's file until it
 * is rewritten, so the table is rewritten (VACUUM FULL, a short exclusive
 * lock on a small table, only when something was erased), once no older
 * transaction may still see them. PostgreSQL's own write-ahead log keeps
 * the old row until its segments are recycled. */
static void checkpoint(struct db_conn *c, int erased)
{
	if (db_conn_engine(c) == DB_SQLITE) {
		db_exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
	} else if (erased) {
		db_exec(c, PG_WAIT_OLDER);
		db_exec(c, "VACUUM (FULL) referrals " DB_ACL_EXEMPT);
	}
}

int referral_person_erase(struct db_conn *c, const struct caller *who, const char *id,
			  const char *reason, const char *request_id)
{
	secure_delete_on(c);
	int rc = db_begin(c);
	if (rc)
		return rc;
	json_t *cur = NULL;
	int n = 0;
	if ((rc = referral_read_one(c, who, id, &cur)))
		goto out;
	if (!acl_role_can(who->role, RES_REFERRAL_PERSON, ACT_DELETE)) {
		rc = TR_ERR_FORBIDDEN;
		goto out;
	}
	int64_t now = tr_now_ms();
	if ((rc = erase_where(c, id, 0, now, &n)))
		goto out;
	struct audit_entry e = {who->user_id, who->org_id, "erase", "referral",
				id,	      request_id,  reason,  NULL};
	rc = audit_append(c, &e, now);
out:
	json_decref(cur);
	rc = db_end(c, rc);
	if (!rc)
		checkpoint(c, n);
	return rc;
}

int referral_retention_run(struct db_conn *c, int64_t now, int days, int *erased)
{
	*erased = 0;
	secure_delete_on(c);
	int rc = db_begin(c);
	if (rc)
		return rc;
	if ((rc = erase_where(c, NULL, now - (int64_t)days * DAY_MS, now, erased)))
		return db_end(c, rc);
	if (*erased) {
		char detail[80];
		snprintf(detail, sizeof(detail), "{\"erased\":%d,\"days\":%d}", *erased, days);
		struct audit_entry e = {NULL, NULL, "retention", "referral",
					NULL, NULL, NULL,	 detail};
		rc = audit_append(c, &e, now);
	}
	rc = db_end(c, rc);
	if (!rc)
		checkpoint(c, *erased);
	return rc;
}
