/* Assessments of commitments by State, with their evidence (links to
 * records of other modules, read through each module's own access) and
 * comments; the State x commitment matrix and the evidence suggestions
 * built from them. */
#include "domain/policy_assessment.h"
#include "domain/row.h"
#include "domain/row_tx.h"
#include "core/countof.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/activity.h"
#include "domain/alert.h"
#include "domain/audit.h"
#include "domain/conf.h"
#include "domain/policy.h"
#include "domain/practice.h"
#include "domain/proposal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- assessments ---- */

static const struct activity_rec_col asm_cols[] = {
    SHREC_HEAD_COLS,
    {"state", "state", REC_TEXT},
    {"commitment_id", "commitment_id", REC_TEXT},
    {"period", "period", REC_TEXT},
    {"kind", "kind", REC_TEXT},
    {"status", "status", REC_TEXT},
    {"lead_org_id", "lead_org_id", REC_TEXT},
    {"narrative", "narrative", REC_TEXT},
    {"evidence", "evidence", REC_JSON},
    SHREC_SHARE_COLS,
};

static void asm_defaults(json_t *p)
{
	if (!json_is_array(json_object_get(p, "evidence")))
		json_object_set_new(p, "evidence", json_array());
	if (!json_is_string(json_object_get(p, "narrative")))
		json_object_set_new(p, "narrative", json_string(""));
}

/* The title of a visible record of an evidence link into *title (a new
 * reference), TR_ERR_NOT_FOUND when the caller does not see it. */
static int evidence_read(struct db_conn *c, const struct caller *who, const char *type,
			 const char *id, json_t **title)
{
	json_t *rec = NULL;
	int rc;
	*title = NULL;
	if (!tr_uuid_valid(id))
		return TR_ERR_NOT_FOUND;
	if (strcmp(type, "activity") == 0)
		rc = activity_get(c, who, id, &rec);
	else if (strcmp(type, "practice") == 0)
		rc = practice_get(c, who, id, &rec);
	else if (strcmp(type, "proposal") == 0)
		rc = proposal_get(c, who, id, &rec);
	else if (strcmp(type, "alert") == 0)
		rc = alert_get(c, who, id, &rec);
	else if (strcmp(type, "event") == 0)
		rc = shrec_read(&conf_event_table, c, who, id, &rec);
	else if (strcmp(type, "document") == 0)
		rc = shrec_read(&policy_document_table, c, who, id, &rec);
	else
		rc = TR_ERR_NOT_FOUND;
	if (!rc) {
		json_t *t = json_object_get(rec, "title");
		*title = json_is_string(t) ? json_incref(t) : json_string("");
	}
	json_decref(rec);
	return rc;
}

int policy_evidence_visible(struct db_conn *c, const struct caller *who, const char *type,
			    const char *id)
{
	json_t *t = NULL;
	int rc = evidence_read(c, who, type, id, &t);
	json_decref(t);
	return rc == TR_OK;
}

static int assessment_taken(struct db_conn *c, json_t *p)
{
	struct db_stmt *s;
	if (db_prepare(c,
		       "SELECT 1 FROM policy_assessments " DB_ACL_EXEMPT " WHERE state = ? AND"
		       " commitment_id = ? AND period = ? AND kind = ?",
		       &s))
		return -1;
	static const char *const keys[] = {"state", "commitment_id", "period", "kind"};
	for (int i = 0; i < 4; i++)
		db_bind_text(s, i + 1, json_string_value(json_object_get(p, keys[i])));
	int rc = db_step(s);
	db_done(s);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

static int asm_check(struct db_conn *c, const struct caller *who, json_t *p, json_t *cur,
		     const char **field)
{
	const char *state = json_string_value(json_object_get(p, "state"));
	const char *kind = json_string_value(json_object_get(p, "kind"));
	if (shrec_exists(c, "SELECT 1 FROM countries WHERE iso2 = ?", state) != 1)
		return *field = "state", TR_ERR_INVALID;
	/* a State assesses itself; another country's reviewer or an
	 * international body's (wherever its seat) assesses it independently */
	int intl =
	    !who->country[0] || shrec_exists(c,
					     "SELECT 1 FROM organisations WHERE id = ? AND kind ="
					     " 'international_organisation'",
					     who->org_id) == 1;
	int home = !intl && strcmp(who->country, state) == 0;
	if (strcmp(kind, "self") == 0 ? !home : !who->reviewer || home)
		return *field = "kind", TR_ERR_FORBIDDEN;
	if (!policy_period_valid(json_string_value(json_object_get(p, "period"))))
		return *field = "period", TR_ERR_INVALID;
	if (policy_status_rank(json_string_value(json_object_get(p, "status"))) < 0)
		return *field = "status", TR_ERR_INVALID;
	json_t *cm = NULL;
	int rc = shrec_read(&policy_commitment_table, c, who,
			    json_string_value(json_object_get(p, "commitment_id")), &cm);
	json_decref(cm);
	if (rc)
		return rc == TR_ERR_NOT_FOUND ? (*field = "commitment_id", TR_ERR_INVALID) : rc;
	const char *lead = json_string_value(json_object_get(p, "lead_org_id"));
	if (lead && shrec_exists(c, "SELECT 1 FROM organisations WHERE id = ?", lead) != 1)
		return *field = "lead_org_id", TR_ERR_INVALID;
	/* every link names a record the author sees; links already stored
	 * that the author no longer sees are kept as they are */
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(p, "evidence"), i, e)
	{
		const char *type = json_string_value(json_object_get(e, "type"));
		const char *id = json_string_value(json_object_get(e, "id"));
		int known = 0;
		size_t j;
		json_t *o;
		json_array_foreach(
		    cur ? json_object_get(cur, "evidence") : NULL, j,
		    o) if (json_equal(json_object_get(o, "type"), json_object_get(e, "type")) &&
			   json_equal(json_object_get(o, "id"), json_object_get(e, "id"))) known =
		    1;
		if (!known && (!type || !id || !policy_evidence_visible(c, who, type, id)))
			return *field = "evidence", TR_ERR_INVALID;
	}
	if (!cur) {
		int taken = assessment_taken(c, p);
		if (taken < 0)
			return TR_ERR_DB;
		if (taken)
			return *field = "period", TR_ERR_CONFLICT;
	}
	return TR_OK;
}

static const char *const asm_fixed[] = {"state", "commitment_id", "period", "kind", NULL};

/* How a status moved from was to now on the scale of policy_status_rank;
 * "new" when there was no assessment before (had is 0). */
static const char *change_of(const char *now, int had, const char *was)
{
	if (!had)
		return "new";
	int d = policy_status_rank(now) - policy_status_rank(was);
	return d > 0 ? "improved" : d < 0 ? "declined" : "same";
}

/* The same State, commitment and kind in the period before, as the caller
 * sees it: the latest in time (policy_period_cmp; the text of periods
 * does not order them) of those before this one. */
static int previous_of(struct db_conn *c, const struct caller *who, json_t *rec)
{
	struct query q;
	query_init(&q);
	query_text(&q, "SELECT r.period, r.status FROM policy_assessments r WHERE r.state = ?",
		   json_string_value(json_object_get(rec, "state")));
	query_text(&q, " AND r.commitment_id = ?",
		   json_string_value(json_object_get(rec, "commitment_id")));
	query_text(&q, " AND r.kind = ?", json_string_value(json_object_get(rec, "kind")));
	const char *period = json_string_value(json_object_get(rec, "period"));
	query_text(&q, " AND r.period <> ?", period);
	acl_visible(&q, who, "r");
	struct db_stmt *s;
	int rc = query_take(&q, c, &s);
	if (rc)
		return rc;
	char best[16] = "", was[32] = "";
	while ((rc = db_step(s)) == DB_ROW) {
		const char *p = db_col_text(s, 0);
		if (!p || strlen(p) >= sizeof(best) || policy_period_cmp(p, period) >= 0 ||
		    (best[0] && policy_period_cmp(p, best) <= 0))
			continue;
		snprintf(best, sizeof(best), "%s", p);
		snprintf(was, sizeof(was), "%s", db_col_text(s, 1) ? db_col_text(s, 1) : "");
	}
	db_done(s);
	if (rc != DB_DONE)
		return rc;
	const char *now = json_string_value(json_object_get(rec, "status"));
	json_object_set_new(rec, "previous",
			    best[0] ? json_pack("{s:s, s:s}", "period", best, "status", was)
				    : json_null());
	json_object_set_new(rec, "change", json_string(change_of(now, best[0] != 0, was)));
	return TR_OK;
}

static json_t *comment_row(struct db_stmt *s)
{
	return json_pack("{s:s, s:s, s:s?, s:s, s:o}", "id", db_col_text(s, 0), "org_id",
			 db_col_text(s, 1), "user_id", db_col_text(s, 2), "text", db_col_text(s, 3),
			 "created_at", row_time(s, 4));
}

static int comments_of(struct db_conn *c, json_t *rec)
{
	json_t *items = json_array();
	json_object_set_new(rec, "comments", items);
	return row_all_vals(c,
			    "SELECT k.id, k.org_id, k.user_id, k.text, k.created_at FROM"
			    " policy_assessment_comments k WHERE k.assessment_id = ?"
			    " ORDER BY k.created_at, k.id",
			    DB_VALS(DB_TEXT(json_string_value(json_object_get(rec, "id")))),
			    comment_row, items);
}

/* The links the reader sees, with their titles; the others are left out. */
static int asm_decorate(struct db_conn *c, const struct caller *who, json_t *rec, int full)
{
	json_t *shown = json_array();
	size_t i;
	json_t *e;
	int rc = TR_OK;
	json_array_foreach(json_object_get(rec, "evidence"), i, e)
	{
		json_t *title = NULL;
		const char *type = json_string_value(json_object_get(e, "type"));
		const char *id = json_string_value(json_object_get(e, "id"));
		int r = type && id ? evidence_read(c, who, type, id, &title) : TR_ERR_NOT_FOUND;
		if (r == TR_OK)
			json_array_append_new(shown, json_pack("{s:s, s:s, s:o}", "type", type,
							       "id", id, "title", title));
		else if (r != TR_ERR_NOT_FOUND)
			rc = r;
	}
	json_object_set_new(rec, "evidence", shown);
	if (!rc)
		rc = previous_of(c, who, rec);
	if (!rc && full)
		rc = comments_of(c, rec);
	return rc;
}

/* The comments of civil society on an assessment go with it. */
static int asm_delete_owned(struct db_conn *c, const char *id)
{
	return db_run_vals(c, "DELETE FROM policy_assessment_comments WHERE assessment_id = ?",
			   DB_VALS(DB_TEXT(id)));
}

const struct shrec policy_assessment_table = {
    .table = "policy_assessments",
    .entity = "assessment",
    .cols = asm_cols,
    .ncols = N(asm_cols),
    .perm = RES_ASSESSMENT,
    .share = SHARE_ASSESSMENT,
    .fixed = asm_fixed,
    .defaults = asm_defaults,
    .check = asm_check,
    .decorate = asm_decorate,
    .delete_owned = asm_delete_owned,
};

int policy_comment_add(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		       const char *request_id, const char **field)
{
	*field = NULL;
	if (!acl_role_can(who->role, RES_ASSESSMENT_COMMENT, ACT_CREATE))
		return *field = "role", TR_ERR_FORBIDDEN;
	int rc = db_begin(c);
	if (rc)
		return rc;
	json_t *cur = NULL;
	int64_t now = tr_now_ms();
	if ((rc = shrec_read(&policy_assessment_table, c, who, id, &cur)))
		goto out;
	char cid[37];
	tr_uuid7(cid);
	rc = db_run_vals(
	    c,
	    "INSERT INTO policy_assessment_comments (id, assessment_id, org_id, user_id, text,"
	    " created_at) VALUES (?, ?, ?, ?, ?, ?)",
	    DB_VALS(DB_TEXT(cid), DB_TEXT(id), DB_TEXT(who->org_id), DB_TEXT(who->user_id),
		    DB_TEXT(json_string_value(json_object_get(body, "text"))), DB_INT(now)));
out:
	return row_audit_end(c, who, "comment", "assessment", id, request_id, NULL, now, cur, rc);
}

/* ---- the matrix ---- */

static int by_period(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	return policy_period_cmp(json_string_value(json_object_get(x, "period")),
				 json_string_value(json_object_get(y, "period")));
}

static json_t *cell_of(json_t *a, json_t *prev)
{
	const char *st = json_string_value(json_object_get(a, "status"));
	json_t *cell =
	    json_pack("{s:O, s:O, s:O}", "assessment_id", json_object_get(a, "id"), "period",
		      json_object_get(a, "period"), "status", json_object_get(a, "status"));
	json_t *none = json_null();
	json_object_set(cell, "previous_period", prev ? json_object_get(prev, "period") : none);
	json_object_set(cell, "previous_status", prev ? json_object_get(prev, "status") : none);
	json_object_set_new(
	    cell, "change",
	    json_string(
		change_of(st, prev != NULL, json_string_value(json_object_get(prev, "status")))));
	return cell;
}

/* state -> commitment -> kind -> [latest, the one before], of the
 * assessments of the wanted commitments up to period (NULL: any). */
static json_t *latest_of(json_t *asms, json_t *wanted, const char *period)
{
	size_t i;
	json_t *v;
	size_t n = json_array_size(asms), k = 0;
	json_t **sorted = calloc(n ? n : 1, sizeof(*sorted));
	json_array_foreach(
	    asms, i,
	    v) if (json_object_get(wanted,
				   json_string_value(json_object_get(v, "commitment_id"))) &&
		   (!period || policy_period_cmp(json_string_value(json_object_get(v, "period")),
						 period) <= 0)) sorted[k++] = v;
	qsort(sorted, k, sizeof(*sorted), by_period);
	json_t *latest = json_object();
	for (size_t j = 0; j < k; j++) {
		json_t *a = sorted[j];
		const char *st = json_string_value(json_object_get(a, "state"));
		const char *cm = json_string_value(json_object_get(a, "commitment_id"));
		const char *kind = json_string_value(json_object_get(a, "kind"));
		json_t *bys = json_object_get(latest, st);
		if (!bys)
			json_object_set_new(latest, st, bys = json_object());
		json_t *byc = json_object_get(bys, cm);
		if (!byc)
			json_object_set_new(bys, cm, byc = json_object());
		json_t *pair = json_object_get(byc, kind);
		json_t *np = json_pack("[O, O]", a, pair ? json_array_get(pair, 0) : json_null());
		json_object_set_new(byc, kind, np);
	}
	free(sorted);
	return latest;
}

/* The matrix rows of latest (from latest_of): per state, a cell per
 * commitment with each kind's latest assessment and its change. */
static json_t *states_of(json_t *latest)
{
	json_t *states = json_array();
	const char *st;
	json_t *bys;
	json_object_foreach(latest, st, bys)
	{
		json_t *cells = json_object();
		const char *cm;
		json_t *byc;
		json_object_foreach(bys, cm, byc)
		{
			json_t *cell = json_object();
			for (int kd = 0; policy_kinds[kd]; kd++) {
				json_t *pair = json_object_get(byc, policy_kinds[kd]);
				json_t *prev = pair ? json_array_get(pair, 1) : NULL;
				json_object_set_new(cell, policy_kinds[kd],
						    pair ? cell_of(json_array_get(pair, 0),
								   json_is_null(prev) ? NULL : prev)
							 : json_null());
			}
			json_object_set_new(cells, cm, cell);
		}
		json_array_append_new(states, json_pack("{s:s, s:o}", "state", st, "cells", cells));
	}
	return states;
}

int policy_matrix(struct db_conn *c, const struct caller *who, const char *state, const char *theme,
		  const char *document_id, const char *period, json_t **out)
{
	json_t *cms = json_array(), *asms = json_array();
	struct shrec_eq ceq[] = {{"theme", theme}, {"document_id", document_id}};
	struct shrec_eq aeq[] = {{"state", state}};
	int rc = shrec_all(&policy_commitment_table, c, who, ceq, 2, cms);
	if (!rc)
		rc = shrec_all(&policy_assessment_table, c, who, aeq, 1, asms);
	if (rc) {
		json_decref(cms);
		json_decref(asms);
		return rc;
	}
	json_t *wanted = json_object(), *commitments = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(cms, i, v)
	{
		json_object_set_new(wanted, json_string_value(json_object_get(v, "id")),
				    json_true());
		json_array_append_new(
		    commitments,
		    json_pack("{s:O, s:O, s:O, s:O, s:O}", "id", json_object_get(v, "id"),
			      "document_id", json_object_get(v, "document_id"), "paragraph",
			      json_object_get(v, "paragraph"), "theme", json_object_get(v, "theme"),
			      "text", json_object_get(v, "text")));
	}
	json_t *latest = latest_of(asms, wanted, period);
	if (state && !json_object_get(latest, state))
		json_object_set_new(latest, state, json_object());
	json_t *states = states_of(latest);
	*out = json_pack("{s:s?, s:o, s:o}", "period", period, "commitments", commitments, "states",
			 states);
	json_decref(latest);
	json_decref(wanted);
	json_decref(cms);
	json_decref(asms);
	return TR_OK;
}

/* ---- evidence suggestions ---- */

/* The kinds of activity that speak to a theme. */
static const char *const *types_of(const char *theme)
{
	static const char *const prevention[] = {
	    "school_prevention",  "family_skills", "youth_alternative_activities",
	    "awareness_campaign", "outreach",	   NULL};
	static const char *const treatment[] = {"treatment_referral_programme",
						"diversion_programme", NULL};
	static const char *const policing[] = {"police_school_liaison", "community_meeting",
					       "environmental_design", "outreach", NULL};
	static const char *const cooperation[] = {"training", NULL};
	static const char *const other[] = {"other", NULL};
	if (strcmp(theme, "prevention") == 0)
		return prevention;
	if (strcmp(theme, "treatment") == 0)
		return treatment;
	if (strcmp(theme, "community_policing") == 0)
		return policing;
	if (strcmp(theme, "co_operation") == 0 || strcmp(theme, "information_sharing") == 0)
		return cooperation;
	return other;
}

static int suggest_rows(struct query *q, struct db_conn *c, const char *type, json_t *items)
{
	struct db_stmt *s;
	int rc = query_take(q, c, &s);
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s}", "type", type, "id",
						       db_col_text(s, 0), "title",
						       db_col_text(s, 1), "reason",
						       db_col_text(s, 2) ? db_col_text(s, 2) : ""));
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

int policy_suggestions(struct db_conn *c, const struct caller *who, const char *state,
		       const char *commitment_id, json_t **out)
{
	json_t *cm = NULL;
	int rc = shrec_read(&policy_commitment_table, c, who, commitment_id, &cm);
	if (rc)
		return rc;
	const char *theme = json_string_value(json_object_get(cm, "theme"));
	const char *const *types = types_of(theme);
	json_t *items = json_array();
	struct query q;
	query_init(&q);
	query_text(&q, "SELECT a.id, a.title, a.type FROM activities a WHERE a.area_country = ?",
		   state);
	query_sql(&q, " AND a.type IN (");
	for (int i = 0; types[i]; i++)
		query_text(&q, i ? ", ?" : "?", types[i]);
	query_sql(&q, ")");
	acl_visible(&q, who, "a");
	query_sql(&q, " ORDER BY a.updated_at DESC LIMIT 20");
	rc = suggest_rows(&q, c, "activity", items);
	/* practices are prevention programmes: they speak to these themes */
	if (!rc && (strcmp(theme, "prevention") == 0 || strcmp(theme, "treatment") == 0 ||
		    strcmp(theme, "community_policing") == 0)) {
		query_init(&q);
		query_text(&q,
			   "SELECT p.id, p.title, p.evidence_level FROM practices p WHERE"
			   " (p.origin_country = ?",
			   state);
		query_text(&q, " OR p.country = ?)", state);
		practice_visible(&q, who, "p");
		query_sql(&q, " ORDER BY p.updated_at DESC LIMIT 20");
		rc = suggest_rows(&q, c, "practice", items);
	}
	if (!rc)
		*out = json_pack("{s:s, s:s, s:s, s:o}", "state", state, "commitment_id",
				 commitment_id, "theme", theme, "items", items);
	else
		json_decref(items);
	json_decref(cm);
	return rc;
}
