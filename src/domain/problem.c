#include "domain/problem.h"
#include "domain/row.h"
#include "domain/row_tx.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/group.h"
#include "domain/link.h"
#include "domain/shrec.h"
#include "domain/tip.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const problem_phases[] = {"scanning", "analysis", "response", "assessment", NULL};
/* the problem-analysis triangle */
const char *const problem_analysis_keys[] = {"offender", "target", "place", NULL};

#define WEEK_MS (7 * 86400000LL)
#define PROBLEM_COLS                                                                               \
	"p.id, p.org_id, p.country, p.created_by, p.distribution, p.sharing_group_id, p.tlp,"      \
	" p.title, p.description, p.phase, p.lat, p.lon, p.radius_m, p.place_name,"                \
	" p.analysis, p.responses, p.response_started_at, p.created_at, p.updated_at,"             \
	" p.version"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static json_t *problem_row(struct db_stmt *s)
{
	json_t *p = json_object();
	static const char *const text_cols[] = {
	    "id",  "org_id", "country",	    "created_by", "distribution", "sharing_group_id",
	    "tlp", "title",  "description", "phase"};
	for (int i = 0; i < 10; i++)
		json_object_set_new(p, text_cols[i], row_text(s, i));
	if (db_col_is_null(s, 10))
		json_object_set_new(p, "area", json_null());
	else
		json_object_set_new(p, "area",
				    json_pack("{s:f, s:f, s:f, s:o}", "lat", db_col_double(s, 10),
					      "lon", db_col_double(s, 11), "radius_m",
					      db_col_double(s, 12), "place_name", row_text(s, 13)));
	static const struct row_col rest[] = {
	    {"analysis", ROW_OBJECT}, {"responses", ROW_ARRAY}, {"response_started_at", ROW_TIME},
	    {"created_at", ROW_TIME}, {"updated_at", ROW_TIME}, {"version", ROW_INT}};
	row_set(p, s, 14, rest, 6);
	return p;
}

static int problem_row_get(struct db_conn *c, const struct caller *who, const char *id,
			   json_t **out)
{
	struct query q;
	query_init(&q);
	query_text(&q, "SELECT " PROBLEM_COLS " FROM problems p WHERE p.id = ?", id);
	acl_visible(&q, who, "p");
	struct db_stmt *s;
	int rc = query_take(&q, c, &s);
	return rc ? rc : row_one(s, problem_row, out);
}

/* The linked records the caller sees: a link never reveals more than the
 * record it points to. Tips, alerts and activities are links of their own
 * (record_links, made from either side); partners are the problem's. */
static json_t *partner_row(struct db_stmt *s)
{
	return json_pack("{s:s, s:s, s:s}", "id", db_col_text(s, 0), "name", db_col_text(s, 1),
			 "kind", db_col_text(s, 2));
}

static int links_read(struct db_conn *c, const struct caller *who, const char *id, json_t *p)
{
	json_t *partners = json_array();
	static const char *const kinds[][2] = {
	    {"tips", "tip"}, {"alerts", "alert"}, {"activities", "activity"}};
	int rc = TR_OK;
	for (int k = 0; k < 3 && !rc; k++) {
		json_t *all = json_array(), *out = json_array();
		rc = link_list(c, who, "problem", id, kinds[k][1], all);
		size_t i;
		json_t *l;
		json_array_foreach(all, i, l)
		{
			json_t *e = json_pack(
			    "{s:O, s:O, s:O, s:O}", "id", json_object_get(l, "record_id"), "status",
			    json_object_get(l, "status"), "link_id", json_object_get(l, "id"),
			    "org_id", json_object_get(l, "org_id"));
			/* a tip's "title" is its category; its reference names it */
			json_object_set(e, k == 0 ? "category" : "title",
					json_object_get(l, "title"));
			if (json_object_get(l, "reference"))
				json_object_set(e, "reference", json_object_get(l, "reference"));
			json_array_append_new(out, e);
		}
		json_decref(all);
		json_object_set_new(p, kinds[k][0], out);
	}
	json_object_set_new(p, "partners", partners);
	if (rc)
		return rc;
	return row_all_vals(c,
			    "SELECT o.id, o.name, o.kind FROM problem_partners x JOIN"
			    " organisations o ON o.id = x.org_id WHERE x.problem_id = ?"
			    " ORDER BY o.name LIMIT 1000",
			    DB_VALS(DB_TEXT(id)), partner_row, partners);
}

/* The start of the response: the field, else the earliest response. */
static int64_t response_start(json_t *p)
{
	int64_t start = 0, t;
	if (jstr(p, "response_started_at") && !tr_time_parse(jstr(p, "response_started_at"), &t))
		return t;
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(p, "responses"), i, r)
	{
		const char *at = jstr(r, "started_at");
		if (at && !tr_time_parse(at, &t) && (!start || t < start))
			start = t;
	}
	return start;
}

static json_t *weekly_json(const int64_t *v, int n, double *mean)
{
	json_t *a = json_array();
	int64_t sum = 0;
	for (int i = 0; i < n; i++) {
		json_array_append_new(a, json_integer(v[i]));
		sum += v[i];
	}
	*mean = n ? (double)sum / n : 0;
	return a;
}

/* Tips per week in the area before and after the response start, counted
 * over the tips the caller can see; only elapsed weeks count after. */
static int indicators(struct db_conn *c, const struct caller *who, json_t *p, int weeks)
{
	json_t *area = json_object_get(p, "area");
	int64_t start = response_start(p);
	if (!json_is_object(area) || !start) {
		json_object_set_new(p, "indicators", json_null());
		return TR_OK;
	}
	double lat = json_number_value(json_object_get(area, "lat"));
	double lon = json_number_value(json_object_get(area, "lon"));
	double radius = json_number_value(json_object_get(area, "radius_m"));
	int64_t before[52], after[52];
	int rc = tip_count_weeks(c, who, lat, lon, radius, start - weeks * WEEK_MS, weeks, before);
	if (!rc)
		rc = tip_count_weeks(c, who, lat, lon, radius, start, weeks, after);
	if (rc)
		return rc;
	int64_t now = tr_now_ms();
	int elapsed = now <= start ? 0 : (int)((now - start + WEEK_MS - 1) / WEEK_MS);
	if (elapsed > weeks)
		elapsed = weeks;
	double mb, ma;
	json_t *wb = weekly_json(before, weeks, &mb), *wa = weekly_json(after, elapsed, &ma);
	char t[32];
	tr_time_format(start, t);
	json_t *ind = json_pack(
	    "{s:i, s:s, s:{s:o, s:f}, s:{s:o, s:f}, s:s}", "weeks", weeks, "response_started_at", t,
	    "before", "weekly", wb, "per_week", mb, "after", "weekly", wa, "per_week", ma, "counts",
	    "tips you can see within the area, by time observed (else received)");
	json_object_set_new(ind, "change_per_week", elapsed ? json_real(ma - mb) : json_null());
	json_object_set_new(ind, "change_pct",
			    elapsed && mb > 0 ? json_real(100.0 * (ma - mb) / mb) : json_null());
	json_object_set_new(p, "indicators", ind);
	return TR_OK;
}

int problem_get(struct db_conn *c, const struct caller *who, const char *id, int weeks,
		json_t **out)
{
	json_t *p = NULL;
	int rc = problem_row_get(c, who, id, &p);
	if (!rc)
		rc = links_read(c, who, id, p);
	if (!rc)
		rc = indicators(c, who, p, weeks < 1 ? 1 : weeks > 52 ? 52 : weeks);
	if (rc) {
		json_decref(p);
		return rc;
	}
	*out = p;
	return TR_OK;
}

int problem_list(struct db_conn *c, const struct caller *who, const struct problem_filter *f,
		 const char *after, int limit, json_t *items, char **next_key)
{
	struct query q;
	*next_key = NULL;
	query_init(&q);
	query_sql(&q, "SELECT " PROBLEM_COLS " FROM problems p WHERE 1 = 1");
	acl_visible(&q, who, "p");
	const struct row_filter by[] = {{" AND p.phase = ?", f->phase},
					{" AND p.country = ?", f->country}};
	row_filters(&q, by, sizeof(by) / sizeof(by[0]));
	row_keyset(&q, "p", after, limit);
	return row_list(&q, c, limit, problem_row, "updated_at", items, next_key);
}

/* ---- writing ---- */

static int visible_one(struct db_conn *c, const struct caller *who, const char *table,
		       const char *id)
{
	struct query q;
	char sql[160];
	query_init(&q);
	snprintf(sql, sizeof(sql), "SELECT 1 FROM %s x WHERE x.id = ?", table);
	query_text(&q, sql, id);
	acl_visible(&q, who, "x");
	if (strcmp(table, "alerts") == 0)
		query_text(&q, " AND (x.status <> 'draft' OR x.org_id = ?)", who->org_id);
	int rc = query_find(&q, c);
	return rc == TR_ERR_NOT_FOUND ? TR_ERR_INVALID : rc;
}

static int org_exists(struct db_conn *c, const char *id)
{
	int rc = db_find_vals(c, "SELECT 1 FROM organisations WHERE id = ?", DB_VALS(DB_TEXT(id)));
	return rc == TR_ERR_NOT_FOUND ? TR_ERR_INVALID : rc;
}

static int problem_check(struct db_conn *c, const struct caller *who, json_t *body, json_t *m,
			 const char **field)
{
	if (group_share_check(c, who, m, 1, field))
		return TR_ERR_INVALID;
	static const char *const lists[] = {"tips", "alerts", "partners", "activities"};
	for (int k = 0; k < 4; k++) {
		size_t i;
		json_t *v;
		json_array_foreach(json_object_get(body, lists[k]), i, v)
		{
			const char *id = json_string_value(v);
			int rc = k == 0	  ? visible_one(c, who, "tips", id)
				 : k == 1 ? visible_one(c, who, "alerts", id)
				 : k == 3 ? visible_one(c, who, "activities", id)
					  : org_exists(c, id);
			if (rc == TR_ERR_INVALID)
				*field = lists[k];
			if (rc)
				return rc;
		}
	}
	return TR_OK;
}

static int links_write(struct db_conn *c, const struct caller *who, const char *id, json_t *body)
{
	static const char *const keys[][2] = {
	    {"tips", "tip"}, {"alerts", "alert"}, {"activities", "activity"}};
	for (int k = 0; k < 3; k++) {
		json_t *list = json_object_get(body, keys[k][0]);
		int rc =
		    json_is_array(list) ? link_set(c, who, "problem", id, keys[k][1], list) : TR_OK;
		if (rc)
			return rc;
	}
	json_t *list = json_object_get(body, "partners");
	if (!json_is_array(list))
		return TR_OK;
	int rc = db_run_vals(c, "DELETE FROM problem_partners WHERE problem_id = ?",
			     DB_VALS(DB_TEXT(id)));
	if (rc)
		return rc;
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
	{
		if ((rc = db_run_vals(
			 c,
			 "INSERT INTO problem_partners (problem_id, org_id) VALUES (?, ?)"
			 " ON CONFLICT DO NOTHING",
			 DB_VALS(DB_TEXT(id), DB_TEXT(json_string_value(v))))))
			return rc;
	}
	return TR_OK;
}

static int row_write(struct db_conn *c, const char *id, json_t *m, int insert,
		     const struct caller *who, int64_t now)
{
	static const struct row_text_field texts[] = {
	    {"distribution", NULL}, {"sharing_group_id", NULL}, {"tlp", NULL},
	    {"title", NULL},	    {"description", ""},	{"phase", NULL}};
	static const char *const cols[] = {"lat",
					   "lon",
					   "radius_m",
					   "place_name",
					   "analysis",
					   "responses",
					   "response_started_at",
					   "updated_at"};
	static const struct row_writer w = {"problems", texts, 6, cols, 8};
	struct db_stmt *s;
	int rc = row_write_prepare(c, &w, m, insert, &s);
	if (rc)
		return rc;
	json_t *area = json_object_get(m, "area");
	if (json_is_object(area)) {
		db_bind_double(s, 7, json_number_value(json_object_get(area, "lat")));
		db_bind_double(s, 8, json_number_value(json_object_get(area, "lon")));
		db_bind_double(s, 9, json_number_value(json_object_get(area, "radius_m")));
		db_bind_text_or_null(s, 10, jstr(area, "place_name"));
	} else {
		for (int i = 7; i <= 10; i++)
			db_bind_null(s, i);
	}
	row_bind_json(s, 11, json_object_get(m, "analysis"), "{}");
	row_bind_json(s, 12, json_object_get(m, "responses"), "[]");
	int64_t start = 0;
	const char *rs = jstr(m, "response_started_at");
	rs && !tr_time_parse(rs, &start) ? db_bind_int64(s, 13, start) : db_bind_null(s, 13);
	db_bind_int64(s, 14, now);
	db_bind_text(s, 15, id);
	if (insert) /* the caller is a user: problems do not come by federation */
		row_bind_owner(s, 16, who, now);
	return row_step_write(s);
}

int problem_create(struct db_conn *c, const struct caller *who, json_t *body,
		   const char *request_id, char id[37], const char **field)
{
	*field = NULL;
	if (!acl_role_can(who->role, RES_PROBLEM, ACT_CREATE))
		return TR_ERR_FORBIDDEN;
	json_t *m = json_deep_copy(body);
	if (!jstr(m, "tlp"))
		json_object_set_new(m, "tlp", json_string("amber"));
	if (!jstr(m, "phase"))
		json_object_set_new(m, "phase", json_string("scanning"));
	int rc = row_share_begin(c, who, SHARE_PROBLEM, 1, m, field);
	if (rc)
		return rc;
	rc = problem_check(c, who, body, m, field);
	int64_t now = tr_now_ms();
	tr_uuid7(id);
	if (!rc)
		rc = row_write(c, id, m, 1, who, now);
	if (!rc)
		rc = links_write(c, who, id, body);
	return row_audit_end(c, who, "create", "problem", id, request_id, NULL, now, m, rc);
}

int problem_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		   int64_t version, const char *request_id, const char **field)
{
	*field = NULL;
	struct row_change ch;
	int rc = row_change_begin(c, who, id, problem_row_get,
				  acl_role_can(who->role, RES_PROBLEM, ACT_UPDATE), body,
				  SHARE_PROBLEM, 1, NULL, version, &ch, field);
	if (rc)
		return rc;
	json_t *m = ch.next;
	int64_t now = tr_now_ms();
	if ((rc = problem_check(c, who, body, m, field)) ||
	    (rc = row_write(c, id, m, 0, who, now)) || (rc = links_write(c, who, id, body)))
		goto out;
	rc = shrec_audit_change(c, who, "problem", id, request_id, &ch.was, &ch.will, now);
out:
	return row_change_end(c, &ch, rc);
}
