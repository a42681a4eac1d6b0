#include "domain/conf.h"
#include "domain/row.h"
#include "domain/row_tx.h"
#include "core/countof.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/activity.h"
#include "domain/audit.h"
#include "domain/policy.h"
#include "domain/practice.h"
#include "domain/proposal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const conf_event_types[] = {"conference", "meeting", "workshop", "webinar",
					"training",   "other",	 NULL};
const char *const conf_outcome_kinds[] = {"recommendation", "decision", "commitment", NULL};
const char *const conf_action_statuses[] = {"open", "in_progress", "done", "cancelled", NULL};
const char *const conf_action_due[] = {"overdue", "soon", NULL};

#define DAY_MS (24LL * 3600 * 1000)
#define SOON_MS (7 * DAY_MS)

static int in_array(json_t *a, const char *v)
{
	size_t i;
	json_t *e;
	json_array_foreach(a, i, e) if (json_is_string(e) &&
					strcmp(json_string_value(e), v) == 0) return 1;
	return 0;
}

static int org_exists(struct db_conn *c, const char *id)
{
	return id && shrec_exists(c, "SELECT 1 FROM organisations WHERE id = ?", id) == 1;
}

/* ---- events ---- */

static const struct activity_rec_col event_cols[] = {
    SHREC_HEAD_COLS,
    {"title", "title", REC_TEXT},
    {"type", "type", REC_TEXT},
    {"series", "series", REC_TEXT},
    {"starts_on", "starts_on", REC_TIME},
    {"ends_on", "ends_on", REC_TIME},
    {"timezone", "timezone", REC_TEXT},
    {"place", "place", REC_TEXT},
    {"online", "online", REC_BOOL},
    {"organisers", "organisers", REC_JSON},
    {"participants", "participants", REC_JSON},
    {"sessions", "sessions", REC_JSON},
    {"demo", "demo", REC_BOOL},
    SHREC_SHARE_COLS,
};

static void ids_give(json_t *items)
{
	size_t i;
	json_t *e;
	json_array_foreach(items, i,
			   e) if (json_is_object(e) && !json_is_string(json_object_get(e, "id")))
	{
		char id[37];
		tr_uuid7(id);
		json_object_set_new(e, "id", json_string(id));
	}
}

static void event_defaults(json_t *p)
{
	static const char *const arrays[] = {"organisers", "participants", "sessions"};
	for (int i = 0; i < 3; i++)
		if (!json_is_array(json_object_get(p, arrays[i])))
			json_object_set_new(p, arrays[i], json_array());
	if (!json_is_boolean(json_object_get(p, "online")))
		json_object_set_new(p, "online", json_false());
	if (!json_is_boolean(json_object_get(p, "demo")))
		json_object_set_new(p, "demo", json_false());
	/* sessions and contributions get ids once, kept on every change */
	json_t *sessions = json_object_get(p, "sessions");
	ids_give(sessions);
	size_t i;
	json_t *s;
	json_array_foreach(sessions, i, s) ids_give(json_object_get(s, "contributions"));
}

static int event_check(struct db_conn *c, const struct caller *who, json_t *p, json_t *cur,
		       const char **field)
{
	(void)who;
	(void)cur;
	int64_t a = 0, b = 0;
	const char *ends = json_string_value(json_object_get(p, "ends_on"));
	tr_time_parse(json_string_value(json_object_get(p, "starts_on")), &a);
	if (ends && (tr_time_parse(ends, &b) || b < a))
		return *field = "ends_on", TR_ERR_INVALID;
	static const char *const lists[] = {"organisers", "participants"};
	for (int k = 0; k < 2; k++) {
		size_t i;
		json_t *e;
		json_array_foreach(
		    json_object_get(p, lists[k]), i,
		    e) if (!org_exists(c, json_string_value(e))) return *field = lists[k],
									TR_ERR_INVALID;
	}
	size_t i, j, m;
	json_t *s, *k, *sp;
	json_array_foreach(json_object_get(p, "sessions"), i, s)
	    json_array_foreach(json_object_get(s, "contributions"), j, k)
		json_array_foreach(json_object_get(k, "speakers"), m, sp)
	{
		const char *org = json_string_value(json_object_get(sp, "org_id"));
		if (org && !org_exists(c, org))
			return *field = "sessions", TR_ERR_INVALID;
	}
	return TR_OK;
}

/* The event's organisation and its organisers change it. */
static int event_may_update(const struct caller *who, json_t *cur)
{
	return strcmp(json_string_value(json_object_get(cur, "org_id")), who->org_id) == 0 ||
	       in_array(json_object_get(cur, "organisers"), who->org_id);
}

static void action_flags(json_t *a, int64_t now)
{
	int64_t due = 0;
	tr_time_parse(json_string_value(json_object_get(a, "due_on")), &due);
	const char *st = json_string_value(json_object_get(a, "status"));
	int open = st && (strcmp(st, "open") == 0 || strcmp(st, "in_progress") == 0);
	json_object_set_new(a, "overdue", json_boolean(open && due < now));
	json_object_set_new(a, "due_soon", json_boolean(open && due >= now && due < now + SOON_MS));
}

/* The visible actions of a visible outcome. */
static int actions_of(struct db_conn *c, const struct caller *who, json_t *outcome)
{
	json_t *acts = json_array();
	struct shrec_eq eq[] = {{"outcome_id", json_string_value(json_object_get(outcome, "id"))}};
	int rc = shrec_all(&conf_action_table, c, who, eq, 1, acts);
	int64_t now = tr_now_ms();
	size_t i;
	json_t *a;
	json_array_foreach(acts, i, a) action_flags(a, now);
	json_object_set_new(outcome, "actions", acts);
	return rc;
}

/* One version of an event's minutes. */
static json_t *minutes_row(struct db_stmt *s)
{
	return json_pack("{s:I, s:s, s:s?, s:s, s:o}", "version", (json_int_t)db_col_int64(s, 0),
			 "text", db_col_text(s, 1), "user_id", db_col_text(s, 2), "org_id",
			 db_col_text(s, 3), "created_at", row_time(s, 4));
}

static int minutes_latest(struct db_conn *c, json_t *rec)
{
	json_t *m = NULL;
	int rc = row_one_vals(c,
			      "SELECT m.version, m.text, m.user_id, m.org_id, m.created_at FROM"
			      " conf_event_minutes m WHERE m.event_id = ? ORDER BY m.version DESC"
			      " LIMIT 1",
			      DB_VALS(DB_TEXT(json_string_value(json_object_get(rec, "id")))),
			      minutes_row, &m);
	json_object_set_new(rec, "minutes", rc ? json_null() : m);
	return rc == TR_ERR_NOT_FOUND ? TR_OK : rc;
}

/* One event: its latest minutes and what became of its outcomes. */
static int event_decorate(struct db_conn *c, const struct caller *who, json_t *rec, int full)
{
	if (!full)
		return TR_OK;
	int rc = minutes_latest(c, rec);
	json_t *outs = json_array();
	json_object_set_new(rec, "outcomes", outs);
	struct shrec_eq eq[] = {{"event_id", json_string_value(json_object_get(rec, "id"))}};
	if (!rc)
		rc = shrec_all(&conf_outcome_table, c, who, eq, 1, outs);
	size_t i;
	json_t *o;
	json_array_foreach(outs, i, o) if (!rc) rc = actions_of(c, who, o);
	return rc;
}

/* An event goes only once it has no outcomes; its minutes go with it. */
static const struct shrec_dependant event_dependants[] = {{"conf_outcomes", "event_id", "outcomes"},
							  {NULL, NULL, NULL}};

static int event_delete_owned(struct db_conn *c, const char *id)
{
	return db_run_vals(c, "DELETE FROM conf_event_minutes WHERE event_id = ?",
			   DB_VALS(DB_TEXT(id)));
}

const struct shrec conf_event_table = {
    .table = "conf_events",
    .entity = "event",
    .cols = event_cols,
    .ncols = N(event_cols),
    .perm = RES_EVENT,
    .share = SHARE_EVENT,
    .defaults = event_defaults,
    .check = event_check,
    .may_update = event_may_update,
    .decorate = event_decorate,
    .dependants = event_dependants,
    .delete_owned = event_delete_owned,
};

/* ---- outcomes ---- */

static const struct activity_rec_col outcome_cols[] = {
    SHREC_HEAD_COLS,
    {"event_id", "event_id", REC_TEXT},
    {"session_id", "session_id", REC_TEXT},
    {"contribution_id", "contribution_id", REC_TEXT},
    {"kind", "kind", REC_TEXT},
    {"text", "text", REC_TEXT},
    SHREC_SHARE_COLS,
};

static json_t *by_id(json_t *items, const char *id)
{
	size_t i;
	json_t *e;
	json_array_foreach(
	    items, i, e) if (id && json_is_string(json_object_get(e, "id")) &&
			     strcmp(json_string_value(json_object_get(e, "id")), id) == 0) return e;
	return NULL;
}

static int outcome_check(struct db_conn *c, const struct caller *who, json_t *p, json_t *cur,
			 const char **field)
{
	(void)cur;
	json_t *ev = NULL;
	int rc = shrec_read(&conf_event_table, c, who,
			    json_string_value(json_object_get(p, "event_id")), &ev);
	if (rc) {
		json_decref(ev);
		return rc == TR_ERR_NOT_FOUND ? (*field = "event_id", TR_ERR_INVALID) : rc;
	}
	const char *sid = json_string_value(json_object_get(p, "session_id"));
	const char *kid = json_string_value(json_object_get(p, "contribution_id"));
	json_t *session = by_id(json_object_get(ev, "sessions"), sid);
	if (sid && !session)
		rc = (*field = "session_id", TR_ERR_INVALID);
	else if (kid && (!session || !by_id(json_object_get(session, "contributions"), kid)))
		rc = (*field = "contribution_id", TR_ERR_INVALID);
	json_decref(ev);
	return rc;
}

static int outcome_decorate(struct db_conn *c, const struct caller *who, json_t *rec, int full)
{
	return full ? actions_of(c, who, rec) : TR_OK;
}

static const char *const outcome_fixed[] = {"event_id", NULL};

/* An outcome goes only once it has no actions: what was decided and is
 * being followed up is not lost by accident. */
static const struct shrec_dependant outcome_dependants[] = {
    {"conf_actions", "outcome_id", "actions"}, {NULL, NULL, NULL}};

const struct shrec conf_outcome_table = {
    .table = "conf_outcomes",
    .entity = "outcome",
    .cols = outcome_cols,
    .ncols = N(outcome_cols),
    .perm = RES_OUTCOME,
    .share = SHARE_OUTCOME,
    .fixed = outcome_fixed,
    .check = outcome_check,
    .decorate = outcome_decorate,
    .dependants = outcome_dependants,
};

/* ---- actions ---- */

static const struct activity_rec_col action_cols[] = {
    SHREC_HEAD_COLS,
    {"outcome_id", "outcome_id", REC_TEXT},
    {"event_id", "event_id", REC_TEXT},
    {"title", "title", REC_TEXT},
    {"owner_org_id", "owner_org_id", REC_TEXT},
    {"due_on", "due_on", REC_TIME},
    {"status", "status", REC_TEXT},
    {"notes", "notes", REC_TEXT},
    {"commitment_id", "commitment_id", REC_TEXT},
    {"proposal_id", "proposal_id", REC_TEXT},
    {"activity_id", "activity_id", REC_TEXT},
    {"practice_id", "practice_id", REC_TEXT},
    SHREC_SHARE_COLS,
};

static void action_defaults(json_t *p)
{
	if (!json_is_string(json_object_get(p, "status")))
		json_object_set_new(p, "status", json_string("open"));
	if (!json_is_string(json_object_get(p, "notes")))
		json_object_set_new(p, "notes", json_string(""));
}

static int action_check(struct db_conn *c, const struct caller *who, json_t *p, json_t *cur,
			const char **field)
{
	json_t *o = NULL, *x = NULL;
	int rc = shrec_read(&conf_outcome_table, c, who,
			    json_string_value(json_object_get(p, "outcome_id")), &o);
	if (rc == TR_OK && !cur)
		json_object_set(p, "event_id", json_object_get(o, "event_id"));
	json_decref(o);
	if (rc)
		return rc == TR_ERR_NOT_FOUND ? (*field = "outcome_id", TR_ERR_INVALID) : rc;
	if (!org_exists(c, json_string_value(json_object_get(p, "owner_org_id"))))
		return *field = "owner_org_id", TR_ERR_INVALID;
	/* a link names a record the author sees (one already stored stays) */
	static const char *const links[] = {"commitment_id", "proposal_id", "activity_id",
					    "practice_id"};
	for (int i = 0; i < 4; i++) {
		const char *id = json_string_value(json_object_get(p, links[i]));
		if (!id || (cur && json_equal(json_object_get(p, links[i]),
					      json_object_get(cur, links[i]))))
			continue;
		if (i == 0)
			rc = shrec_read(&policy_commitment_table, c, who, id, &x);
		else if (i == 1)
			rc = proposal_get(c, who, id, &x);
		else if (i == 2)
			rc = activity_get(c, who, id, &x);
		else
			rc = practice_check_visible(c, who, id);
		json_decref(x);
		x = NULL;
		if (rc)
			return rc == TR_ERR_NOT_FOUND ? (*field = links[i], TR_ERR_INVALID) : rc;
	}
	return TR_OK;
}

/* The action's organisation and its owner follow it up. */
static int action_may_update(const struct caller *who, json_t *cur)
{
	return strcmp(json_string_value(json_object_get(cur, "org_id")), who->org_id) == 0 ||
	       strcmp(json_string_value(json_object_get(cur, "owner_org_id")), who->org_id) == 0;
}

static int action_decorate(struct db_conn *c, const struct caller *who, json_t *rec, int full)
{
	(void)c;
	(void)who;
	(void)full;
	action_flags(rec, tr_now_ms());
	return TR_OK;
}

static const char *const action_fixed[] = {"outcome_id", "event_id", NULL};

const struct shrec conf_action_table = {
    .table = "conf_actions",
    .entity = "action",
    .cols = action_cols,
    .ncols = N(action_cols),
    .perm = RES_ACTION,
    .share = SHARE_ACTION,
    .fixed = action_fixed,
    .defaults = action_defaults,
    .check = action_check,
    .may_update = action_may_update,
    .decorate = action_decorate,
};

struct due_ctx {
	const char *due;
	int64_t now;
};

static void due_filter(struct query *q, void *ctx)
{
	const struct due_ctx *d = ctx;
	if (!d->due)
		return;
	query_sql(q, " AND r.status IN ('open', 'in_progress')");
	if (strcmp(d->due, "overdue") == 0) {
		query_int(q, " AND r.due_on < ?", d->now);
	} else {
		query_int(q, " AND r.due_on >= ?", d->now);
		query_int(q, " AND r.due_on < ?", d->now + SOON_MS);
	}
}

int conf_action_list(struct db_conn *c, const struct caller *who, const char *status,
		     const char *owner_org_id, const char *event_id, const char *outcome_id,
		     const char *due, int64_t now, const char *after, int limit, json_t *items,
		     char **next_key)
{
	struct shrec_eq eq[] = {{"status", status},
				{"owner_org_id", owner_org_id},
				{"event_id", event_id},
				{"outcome_id", outcome_id}};
	struct due_ctx d = {due, now};
	return shrec_list(&conf_action_table, c, who, eq, 4, due_filter, &d, after, limit, items,
			  next_key);
}

int conf_actions_due(struct db_conn *c, int64_t now,
		     int (*fn)(void *ctx, const char *owner_org_id, const char *action_id,
			       int overdue),
		     void *ctx)
{
	/* a job of the system, not of a reader: it names each action to its
	 * owner organisation, which the notifications module checks can see
	 * it before raising anything */
	struct db_stmt *s;
	int rc = db_prepare_vals(
	    c,
	    "SELECT r.owner_org_id, r.id, r.due_on FROM conf_actions r " DB_ACL_EXEMPT
	    " WHERE r.status IN ('open', 'in_progress') AND r.due_on < ?"
	    " ORDER BY r.due_on, r.id",
	    DB_VALS(DB_INT(now + SOON_MS)), &s);
	if (rc)
		return rc;
	json_t *found = json_array();
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(found,
				      json_pack("[s, s, b]", db_col_text(s, 0), db_col_text(s, 1),
						db_col_int64(s, 2) < now));
	db_done(s);
	rc = rc == DB_DONE ? TR_OK : rc;
	size_t i;
	json_t *e;
	json_array_foreach(found, i, e) if (!rc) rc =
	    fn(ctx, json_string_value(json_array_get(e, 0)),
	       json_string_value(json_array_get(e, 1)), json_is_true(json_array_get(e, 2)));
	json_decref(found);
	return rc;
}

/* ---- minutes ---- */

int conf_minutes_add(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		     const char *request_id, const char **field)
{
	*field = NULL;
	int rc = db_begin(c);
	if (rc)
		return rc;
	json_t *ev = NULL;
	char detail[64] = "";
	int64_t now = tr_now_ms();
	if ((rc = shrec_read(&conf_event_table, c, who, id, &ev)))
		goto out;
	if (!event_may_update(who, ev) || !acl_role_can(who->role, RES_EVENT, ACT_UPDATE)) {
		rc = TR_ERR_FORBIDDEN;
		goto out;
	}
	/* the next version follows the latest, the one the event shows (none
	 * yet: 1) */
	if ((rc = minutes_latest(c, ev)))
		goto out;
	int64_t version =
	    json_integer_value(json_object_get(json_object_get(ev, "minutes"), "version")) + 1;
	/* written from another version than the latest: someone changed the
	 * minutes in the meantime */
	json_t *base = json_object_get(body, "base_version");
	if (json_is_integer(base) && json_integer_value(base) != version - 1) {
		rc = TR_ERR_PRECONDITION;
		goto out;
	}
	if ((rc = db_run_vals(c,
			      "INSERT INTO conf_event_minutes (event_id, version, text, user_id,"
			      " org_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
			      DB_VALS(DB_TEXT(id), DB_INT(version),
				      DB_TEXT(json_string_value(json_object_get(body, "text"))),
				      DB_TEXT(who->user_id), DB_TEXT(who->org_id), DB_INT(now))))) {
		*field = rc == TR_ERR_CONFLICT ? "text" : NULL;
		goto out;
	}
	snprintf(detail, sizeof(detail), "{\"minutes_version\":%lld}", (long long)version);
out:
	return row_audit_end(c, who, "minutes", "event", id, request_id, detail, now, ev, rc);
}

int conf_minutes_list(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	json_t *ev = NULL;
	int rc = shrec_read(&conf_event_table, c, who, id, &ev);
	json_decref(ev);
	if (rc)
		return rc;
	json_t *items = json_array();
	if ((rc = row_all_vals(c,
			       "SELECT m.version, m.text, m.user_id, m.org_id, m.created_at FROM"
			       " conf_event_minutes m WHERE m.event_id = ? ORDER BY m.version DESC",
			       DB_VALS(DB_TEXT(id)), minutes_row, items))) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:o}", "items", items);
	return TR_OK;
}
