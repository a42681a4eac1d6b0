/* Referrals: the deadline job (escalation and expiry) and the outcome
 * counts, with small counts hidden. See referral.h. */
#include "domain/referral.h"
#include "domain/row.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "db/query.h"
#include "domain/analytics_q.h"
#include "domain/audit.h"
#include "domain/referral_impl.h"
#include "domain/service.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- deadlines ---- */

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
		int rc = db_run_vals(
		    c, sql, DB_VALS(DB_INT(now), DB_INT(now), DB_TEXT(json_string_value(v))));
		if (rc)
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
	return db_end(c, rc);
}

/* ---- outcomes ---- */

/* A count shown as null: 0 < n < threshold (every referral counts as of
 * another organisation: the figures are for ministries, not the two). */
static int hidden_count(int n, int threshold)
{
	return aq_suppressed(n, n, threshold);
}

struct tally {
	int n, ack_in_time, first_contact, completed;
	double *days;
	int ndays;
};

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static json_t *share(int part, int n)
{
	return n ? json_real((double)llround(1000.0 * part / n) / 1000.0) : json_null();
}

static json_t *tally_json(struct tally *t, const char *value, int threshold)
{
	int hidden = hidden_count(t->n, threshold);
	json_t *o = json_object();
	if (value)
		json_object_set_new(o, "value", json_string(value));
	json_object_set_new(o, "suppressed", json_boolean(hidden));
	json_object_set_new(o, "referrals", hidden ? json_null() : json_integer(t->n));
	json_object_set_new(o, "acknowledged_in_time",
			    hidden ? json_null() : share(t->ack_in_time, t->n));
	json_object_set_new(o, "first_contact",
			    hidden ? json_null() : share(t->first_contact, t->n));
	json_object_set_new(o, "completed", hidden ? json_null() : share(t->completed, t->n));
	json_t *median = json_null();
	if (!hidden && t->ndays) {
		qsort(t->days, (size_t)t->ndays, sizeof(double), by_double);
		double m = t->ndays % 2 ? t->days[t->ndays / 2]
					: (t->days[t->ndays / 2 - 1] + t->days[t->ndays / 2]) / 2;
		median = json_real((double)llround(m * 10) / 10.0);
	}
	json_object_set_new(o, "median_days_to_first_contact", median);
	return o;
}

static void tally_add(struct tally *t, struct db_stmt *s)
{
	int64_t sent = db_col_int64(s, 1), due = db_col_int64(s, 2);
	t->n++;
	if (!db_col_is_null(s, 3) && db_col_int64(s, 3) <= due)
		t->ack_in_time++;
	if (!db_col_is_null(s, 4)) {
		t->first_contact++;
		double *more = realloc(t->days, (size_t)(t->ndays + 1) * sizeof(double));
		if (more) {
			t->days = more;
			t->days[t->ndays++] = (double)(db_col_int64(s, 4) - sent) / (double)DAY_MS;
		}
	}
	if (strcmp(db_col_text(s, 5), "completed") == 0)
		t->completed++;
}

int referral_outcomes(struct db_conn *c, const char *by, const char *country, int64_t from,
		      int64_t to, int threshold, json_t **out)
{
	const char *const *values = strcmp(by, "service_type") == 0 ? service_types
				    : strcmp(by, "pathway") == 0    ? referral_pathways
				    : strcmp(by, "age_band") == 0   ? referral_age_bands
				    : strcmp(by, "gender") == 0	    ? referral_genders
								    : NULL;
	if (!values)
		return TR_ERR_INVALID;
	size_t nv = 0;
	while (values[nv])
		nv++;
	struct tally *t = calloc(nv + 1, sizeof(*t)); /* the last: the total */
	if (!t)
		return TR_ERR_NOMEM;
	struct query q;
	char head[700];
	/* by is one of the allow-listed column names above */
	snprintf(head, sizeof(head),
		 "SELECT r.%s, r.sent_at, r.ack_due_at, r.acknowledged_at, r.first_contact_at,"
		 " r.status FROM referrals r WHERE r.sent_at IS NOT NULL"
		 /* not those whose consent to anonymous statistics is withdrawn */
		 " AND NOT EXISTS (SELECT 1 FROM referral_consents c WHERE c.referral_id = r.id"
		 " AND c.scope = 'statistics' AND c.decision = 'withdrawn' AND c.seq = (SELECT"
		 " MAX(c2.seq) FROM referral_consents c2 WHERE c2.referral_id = r.id AND"
		 " c2.scope = 'statistics'))",
		 values == service_types ? "service_type" : by);
	query_init(&q);
	query_sql(&q, head);
	if (country)
		query_text(&q, " AND r.country = ?", country);
	const struct row_int_filter period[] = {{" AND r.sent_at >= ?", from},
						{" AND r.sent_at < ?", to}};
	row_int_filters(&q, period, 2);
	struct db_stmt *s;
	int rc = query_take(&q, c, &s);
	if (!rc) {
		while ((rc = db_step(s)) == DB_ROW) {
			for (size_t i = 0; i < nv; i++)
				if (strcmp(values[i], db_col_text(s, 0)) == 0)
					tally_add(&t[i], s);
			tally_add(&t[nv], s);
		}
		db_done(s);
		rc = rc == DB_DONE ? TR_OK : rc;
	}
	if (!rc) {
		json_t *groups = json_array();
		int hidden = 0;
		for (size_t i = 0; i < nv; i++) {
			json_array_append_new(groups, tally_json(&t[i], values[i], threshold));
			if (hidden_count(t[i].n, threshold))
				hidden += t[i].n;
		}
		/* a total that would give back the hidden groups is hidden too */
		int total_hidden = aq_total_suppressed(t[nv].n, t[nv].n, hidden, hidden, threshold);
		json_t *total = tally_json(&t[nv], NULL, threshold);
		if (total_hidden && !json_is_true(json_object_get(total, "suppressed"))) {
			json_decref(total);
			struct tally none = {0};
			total = tally_json(&none, NULL, threshold);
			json_object_set_new(total, "suppressed", json_true());
			json_object_set_new(total, "referrals", json_null());
		}
		*out = json_pack("{s:s, s:i, s:o, s:o}", "by", by, "suppress_below", threshold,
				 "groups", groups, "total", total);
	}
	for (size_t i = 0; i <= nv; i++)
		free(t[i].days);
	free(t);
	return rc;
}
