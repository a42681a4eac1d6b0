/* The referrals' deadlines: escalation of those not acknowledged in time,
 * expiry of those left too long. */
#include "domain/referral.h"
#include "domain/referral_impl.h"
#include "core/err.h"
#include "domain/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Ids of referrals matching sql (one bound time), at most 1000 a run. */
static int ids_where(struct db_conn *c, const char *sql, int64_t t, json_t *ids)
{
	struct db_stmt *s;
	int nth = 1;
	int rc = db_prepare(c, sql, &s);
	if (rc)
		return rc;
	for (const char *q = strchr(sql, '?'), *p = sql; q; p = q + 1, q = strchr(p, '?'))
		db_bind_int64(s, nth++, t);
	while ((rc = db_step(s)) == DB_ROW && json_array_size(ids) < 1000)
		json_array_append_new(ids, json_string(db_col_text(s, 0)));
	db_done(s);
	return rc == DB_DONE || rc == DB_ROW ? TR_OK : rc;
}

static int deadline_apply(struct db_conn *c, const char *sql, const char *action, json_t *ids,
			  int64_t now)
{
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v)
	{
		struct db_stmt *s;
		int rc = db_prepare(c, sql, &s);
		if (rc)
			return rc;
		db_bind_int64(s, 1, now);
		db_bind_int64(s, 2, now);
		db_bind_text(s, 3, json_string_value(v));
		rc = db_step(s);
		db_done(s);
		if (rc != DB_DONE)
			return rc;
		/* the inbox items of deadlines and expiry are raised by the
		 * notifications' deadline scheduler (notify_deadlines_run) from the
		 * times and status written here */
		struct audit_entry e = {NULL, NULL, action, "referral", json_string_value(v),
					NULL, NULL, NULL};
		if ((rc = audit_append(c, &e, now)))
			return rc;
	}
	return TR_OK;
}

int referral_deadlines_run(struct db_conn *c, int64_t now, int *escalated, int *expired)
{
	*escalated = *expired = 0;
	int rc = db_begin(c);
	if (rc)
		return rc;
	json_t *late = json_array(), *old = json_array();
	rc = ids_where(c,
		       "SELECT id FROM referrals WHERE escalated_at IS NULL AND ((status = 'sent'"
		       " AND ack_due_at < ?) OR (status IN ('sent', 'acknowledged', 'accepted')"
		       " AND contact_due_at < ?)) ORDER BY id",
		       now, late);
	if (!rc)
		rc = ids_where(c,
			       "SELECT id FROM referrals WHERE status IN ('sent', 'acknowledged')"
			       " AND sent_at < ? ORDER BY id",
			       now - EXPIRE_MS, old);
	if (!rc)
		rc = deadline_apply(c,
				    "UPDATE referrals SET escalated_at = ?, updated_at = ?,"
				    " version = version + 1 WHERE id = ?",
				    "escalate", late, now);
	if (!rc)
		rc = deadline_apply(c,
				    "UPDATE referrals SET status = 'expired', closed_at = ?,"
				    " updated_at = ?, version = version + 1 WHERE id = ?",
				    "expire", old, now);
	*escalated = (int)json_array_size(late);
	*expired = (int)json_array_size(old);
	json_decref(late);
	json_decref(old);
	return referral_finish(c, rc);
}
