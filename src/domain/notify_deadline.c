#include "domain/notify_deadline.h"
#include "core/err.h"
#include "domain/auth.h"
#include "domain/conf.h"
#include "domain/notify.h"
#include "domain/referral.h"
#include "domain/row.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int referral_check(struct db_conn *c, const struct caller *who, const char *id)
{
	json_t *r = NULL;
	int rc = referral_get(c, who, id, &r);
	json_decref(r);
	return rc;
}

/* One deadline of a referral (ack or contact) due within 24 hours or
 * passed: the receiving organisation's users who may see it, and once
 * passed its org_admins (escalation). */
static int referral_deadline(struct db_conn *c, const char *id, const char *recv, const char *which,
			     int overdue, int64_t now)
{
	char key[80], esc[80];
	snprintf(key, sizeof(key), "ref_%s_%s:%s", which, overdue ? "over" : "due", id);
	snprintf(esc, sizeof(esc), "ref_%s_esc:%s", which, id);
	struct notify_audience all = {recv, NULL, 0, 0, referral_check};
	int rc = notify_inbox_audience(c, &all, overdue ? "referral_overdue" : "referral_deadline",
				       "referral", id, key, now, NULL);
	if (!rc && overdue) {
		struct notify_audience admins = {recv, NULL, 0, 1, referral_check};
		rc = notify_inbox_audience(c, &admins, "referral_escalated", "referral", id, esc,
					   now, NULL);
	}
	return rc;
}

/* The referring officer learns that a referral expired unanswered. */
static int referral_expired(struct db_conn *c, const char *id, const char *user, int64_t now)
{
	struct caller who;
	memset(&who, 0, sizeof(who));
	int rc = auth_caller_load(c, user, &who);
	if (!rc)
		rc = referral_check(c, &who, id);
	if (rc == TR_ERR_UNAUTH || rc == TR_ERR_NOT_FOUND || rc == TR_ERR_FORBIDDEN)
		return TR_OK;
	char key[80];
	snprintf(key, sizeof(key), "ref_expired:%s", id);
	return rc ? rc : notify_inbox_add(c, user, "referral_expired", "referral", id, key, now);
}

/* The deadline passes read their candidates a page at a time, in key
 * order, so that however many old ones there are, every one is reached. */
#define DEADLINE_PAGE 500
#define NOTIFY_STR_(x) #x
#define NOTIFY_STR(x) NOTIFY_STR_(x)

/* A referral with a deadline: id, receiving and referring organisation's
 * user, status, and the two deadlines (none: the largest time). */
static json_t *referral_due_row(struct db_stmt *s)
{
	return json_pack("[s, s, s, s, I, I]", db_col_text(s, 0), db_col_text(s, 1),
			 db_col_text(s, 2), db_col_text(s, 3),
			 (json_int_t)(db_col_is_null(s, 4) ? INT64_MAX : db_col_int64(s, 4)),
			 (json_int_t)(db_col_is_null(s, 5) ? INT64_MAX : db_col_int64(s, 5)));
}

/* A tip waiting for acknowledgement: id, organisation, assignee, due. */
static json_t *tip_due_row(struct db_stmt *s)
{
	return json_pack("[s, s, s?, I]", db_col_text(s, 0), db_col_text(s, 1), db_col_text(s, 2),
			 (json_int_t)db_col_int64(s, 3));
}

/* A deadline pass over one page: its connection and time, the key of the
 * last row handled, and the count of items raised. */
struct deadline_run {
	struct db_conn *c;
	int64_t now;
	char *after;  /* 37 bytes */
	int64_t *due; /* the tips' pass: the last row's deadline */
	int *raised;
};

/* One row of referral_due_row. */
static int referral_due(void *ctx, json_t *r)
{
	const struct deadline_run *run = ctx;
	struct db_conn *c = run->c;
	int64_t now = run->now, soon = now + 24 * 3600 * 1000LL;
	const char *id = json_string_value(json_array_get(r, 0));
	snprintf(run->after, 37, "%s", id);
	const char *recv = json_string_value(json_array_get(r, 1));
	const char *status = json_string_value(json_array_get(r, 3));
	int64_t ack = json_integer_value(json_array_get(r, 4));
	int64_t contact = json_integer_value(json_array_get(r, 5));
	int rc = TR_OK;
	if (strcmp(status, "expired") == 0) {
		rc = referral_expired(c, id, json_string_value(json_array_get(r, 2)), now);
	} else {
		if (strcmp(status, "sent") == 0 && ack <= soon)
			rc = referral_deadline(c, id, recv, "ack", ack <= now, now);
		if (!rc && contact <= soon)
			rc = referral_deadline(c, id, recv, "contact", contact <= now, now);
	}
	if (!rc)
		(*run->raised)++;
	return rc;
}

/* One page of referrals with a deadline within 24 hours or passed, or
 * expired in the last week, after id `after` (processed, the last id in
 * after): *n how many. */
static int referral_deadline_page(struct db_conn *c, int64_t now, char after[37], int *raised,
				  int *n)
{
	/* no personal field is read here: ids, organisations and times only */
	int64_t soon = now + 24 * 3600 * 1000LL;
	struct deadline_run run = {c, now, after, NULL, raised};
	return row_all_each(
	    c,
	    "SELECT id, recv_org_id, ref_user_id, status, ack_due_at,"
	    " contact_due_at, closed_at FROM referrals WHERE ((status = 'sent'"
	    " AND ack_due_at <= ?) OR (status IN ('sent', 'acknowledged',"
	    " 'accepted') AND contact_due_at <= ?) OR (status = 'expired'"
	    " AND closed_at >= ?)) AND id > ? ORDER BY id LIMIT " NOTIFY_STR(DEADLINE_PAGE),
	    DB_VALS(DB_INT(soon), DB_INT(soon), DB_INT(now - 7 * 86400000LL), DB_TEXT(after)),
	    referral_due_row, referral_due, &run, n);
}

static int referral_deadlines(struct db_conn *c, int64_t now, int *raised)
{
	char after[37] = "";
	int rc, n;
	do
		rc = referral_deadline_page(c, now, after, raised, &n);
	while (!rc && n == DEADLINE_PAGE);
	return rc;
}

struct action_run {
	struct db_conn *c;
	int64_t now;
	int *raised;
};

static int action_check(struct db_conn *c, const struct caller *who, const char *id)
{
	json_t *a = NULL;
	int rc = shrec_read(&conf_action_table, c, who, id, &a);
	json_decref(a);
	return rc;
}

/* An action overdue or due within 7 days: its owner organisation's users
 * who may see it. */
static int action_due(void *ctx, const char *owner, const char *id, int overdue)
{
	struct action_run *run = ctx;
	char key[80];
	snprintf(key, sizeof(key), "action_%s:%s", overdue ? "over" : "due", id);
	struct notify_audience a = {owner, NULL, 0, 0, action_check};
	int rc = notify_inbox_audience(run->c, &a, overdue ? "action_overdue" : "action_due",
				       "action", id, key, run->now, NULL);
	if (!rc)
		(*run->raised)++;
	return rc;
}

static int action_deadlines(struct db_conn *c, int64_t now, int *raised)
{
	struct action_run run = {c, now, raised};
	return conf_actions_due(c, now, action_due, &run);
}

/* One row of tip_due_row. */
static int tip_due(void *ctx, json_t *t)
{
	const struct deadline_run *run = ctx;
	struct db_conn *c = run->c;
	int64_t now = run->now;
	const char *id = json_string_value(json_array_get(t, 0));
	const char *org = json_string_value(json_array_get(t, 1));
	const char *user = json_string_value(json_array_get(t, 2));
	*run->due = json_integer_value(json_array_get(t, 3));
	snprintf(run->after, 37, "%s", id);
	int overdue = *run->due <= now;
	char key[64], esc[64];
	snprintf(key, sizeof(key), "%s:%s", overdue ? "overdue" : "due", id);
	snprintf(esc, sizeof(esc), "escalated:%s", id);
	const char *kind = overdue ? "tip_overdue" : "tip_deadline";
	int rc = user ? notify_inbox_add(c, user, kind, "tip", id, key, now)
		      : notify_inbox_org(c, org, 0, kind, "tip", id, key, now);
	if (!rc && overdue) /* escalation to the organisation's administrators */
		rc = notify_inbox_org(c, org, 1, "tip_escalated", "tip", id, esc, now);
	if (!rc)
		(*run->raised)++;
	return rc;
}

/* One page of the tips not acknowledged whose deadline is within 24
 * hours or passed, after (*due, after) in deadline order (processed, the
 * last key in them): the assignee, else the organisation, is told; once
 * passed, the organisation's administrators too. *n how many. */
static int tip_deadline_page(struct db_conn *c, int64_t now, int64_t *due, char after[37],
			     int *raised, int *n)
{
	struct deadline_run run = {c, now, after, due, raised};
	return row_all_each(
	    c,
	    "SELECT id, org_id, assigned_user_id, ack_due_at FROM tips " DB_ACL_EXEMPT
	    " WHERE acknowledged_at IS NULL AND status IN ('new', 'triaged',"
	    " 'assigned') AND ack_due_at <= ? AND (ack_due_at > ? OR (ack_due_at = ?"
	    " AND id > ?)) ORDER BY ack_due_at, id LIMIT " NOTIFY_STR(DEADLINE_PAGE),
	    DB_VALS(DB_INT(now + 24 * 3600 * 1000LL), DB_INT(*due), DB_INT(*due), DB_TEXT(after)),
	    tip_due_row, tip_due, &run, n);
}

int notify_deadlines_run(struct db_conn *c, int64_t now, int *raised)
{
	*raised = 0;
	int rc = db_begin(c);
	if (rc)
		return rc;
	int64_t due = INT64_MIN;
	char after[37] = "";
	int n;
	do
		rc = tip_deadline_page(c, now, &due, after, raised, &n);
	while (!rc && n == DEADLINE_PAGE);
	if (!rc)
		rc = referral_deadlines(c, now, raised);
	if (!rc)
		rc = action_deadlines(c, now, raised);
	return db_end(c, rc);
}
