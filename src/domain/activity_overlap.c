/* Overlaps between activities: those of an activity (the same type,
 * place, time and audience as it, in organisations other than its own)
 * and all of a country, for the caller's view. */
#include "domain/activity.h"
#include "domain/activity_impl.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/query.h"
#include "domain/overlap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void act_from_json(json_t *a, struct overlap_act *o)
{
	int has;
	memset(o, 0, sizeof(*o));
	o->id = json_string_value(json_object_get(a, "id"));
	o->org_id = json_string_value(json_object_get(a, "org_id"));
	o->type = json_string_value(json_object_get(a, "type"));
	o->admin_code = json_string_value(json_object_get(a, "admin_code"));
	o->gender = json_string_value(json_object_get(a, "gender"));
	o->setting = json_string_value(json_object_get(a, "setting"));
	o->has_point = json_is_number(json_object_get(a, "lat"));
	o->lat = json_number_value(json_object_get(a, "lat"));
	o->lon = json_number_value(json_object_get(a, "lon"));
	o->radius_km = json_number_value(json_object_get(a, "radius_km"));
	o->start = activity_time_of(a, "start", &has);
	o->end = activity_time_of(a, "end", &has);
	if (!has)
		o->end = OVERLAP_OPEN;
	o->age_min = (int)json_integer_value(json_object_get(a, "age_min"));
	o->age_max = (int)json_integer_value(json_object_get(a, "age_max"));
}

static json_t *result_json(const struct overlap_result *r)
{
	json_t *reasons = json_array();
	for (int i = 0; i < r->nreasons; i++) {
		json_t *params = json_object();
		for (int k = 0; params && k < r->reasons[i].nparams; k++)
			json_object_set_new(params, r->reasons[i].params[k].name,
					    r->reasons[i].params[k].text[0]
						? json_string(r->reasons[i].params[k].text)
						: json_real(r->reasons[i].params[k].num));
		json_array_append_new(reasons,
				      json_pack("{s:s, s:s, s:s, s:o*}", "kind", r->reasons[i].kind,
						"detail", r->reasons[i].detail, "code",
						r->reasons[i].code, "params", params));
	}
	json_t *o =
	    json_pack("{s:f, s:{s:f, s:f, s:f}, s:o}", "score", r->score, "components", "area",
		      round(r->area * 1000) / 1000, "period", round(r->period * 1000) / 1000,
		      "target", round(r->target * 1000) / 1000, "reasons", reasons);
	json_object_set_new(o, "distance_km",
			    r->distance_km < 0 ? json_null()
					       : json_real(round(r->distance_km * 100) / 100));
	return o;
}

/* Appends the visible candidates of one activity query to cands. */
static int candidates_add(struct db_conn *c, struct query *q, const struct caller *who,
			  json_t *cands)
{
	acl_visible(q, who, "a");
	query_sql(q, " AND a.status <> 'cancelled' LIMIT 20000");
	struct db_stmt *s;
	int rc = activity_select_prepare(c, q, &s);
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		json_t *row = activity_row_json(s);
		json_object_set_new(cands, json_string_value(json_object_get(row, "id")), row);
	}
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

static void period_where(struct query *q, const struct overlap_act *self)
{
	query_int(q, " AND (a.end_at IS NULL OR a.end_at > ?)", self->start);
	if (self->end != OVERLAP_OPEN)
		query_int(q, " AND a.start_at < ?", self->end);
}

/* The largest radius of a type: a bound for the grid search only, so no row
 * leaves this statement and it may look past the access predicate. */
static double radius_max(struct db_conn *c, const char *type)
{
	struct db_stmt *s;
	double r = 0;
	if (db_prepare(
		c, "SELECT MAX(a.radius_km) FROM activities a " DB_ACL_EXEMPT " WHERE a.type = ?",
		&s))
		return 1000;
	db_bind_text(s, 1, type);
	if (db_step(s) == DB_ROW)
		r = db_col_double(s, 0);
	db_done(s);
	return r;
}

struct scored {
	json_t *item;
	double score;
};

static int scored_cmp(const void *x, const void *y)
{
	const struct scored *a = x, *b = y;
	return a->score < b->score ? 1 : a->score > b->score ? -1 : 0;
}

int activity_overlaps_of(struct db_conn *c, const struct caller *who, const char *id, int limit,
			 json_t *items)
{
	json_t *self = NULL;
	int rc = activity_get(c, who, id, &self);
	if (rc)
		return rc;
	struct overlap_act me;
	act_from_json(self, &me);
	json_t *cands = json_object();
	struct query q;
	if (me.has_point) {
		double reach = me.radius_km + radius_max(c, me.type);
		double dlat = reach / 111.0;
		double maxlat = fmin(fabs(me.lat) + dlat, 89.9);
		double dlon = fmin(reach / (111.0 * cos(maxlat * M_PI / 180)), 360);
		activity_select_start(&q);
		query_text(&q, " AND a.type = ?", me.type);
		query_int(&q, " AND a.cell_y BETWEEN ?", overlap_cell(me.lat - dlat, 90));
		query_int(&q, " AND ?", overlap_cell(me.lat + dlat, 90));
		query_int(&q, " AND a.cell_x BETWEEN ?", overlap_cell(me.lon - dlon, 180));
		query_int(&q, " AND ?", overlap_cell(me.lon + dlon, 180));
		period_where(&q, &me);
		rc = candidates_add(c, &q, who, cands);
	}
	if (!rc && me.admin_code && strlen(me.admin_code) >= 2) {
		/* codes are compared in C; their first two characters are the
		 * country in P-codes and ISO 3166-2 alike */
		char prefix[3] = {me.admin_code[0], me.admin_code[1], 0};
		activity_select_start(&q);
		query_text(&q, " AND a.type = ?", me.type);
		query_text(&q, " AND substr(a.admin_code, 1, 2) = ?", prefix);
		period_where(&q, &me);
		rc = candidates_add(c, &q, who, cands);
	}
	size_t n = 0, cap = json_object_size(cands) + 1;
	struct scored *found = calloc(cap, sizeof(*found));
	const char *key;
	json_t *row;
	if (!found)
		rc = TR_ERR_NOMEM;
	json_object_foreach(cands, key, row)
	{
		struct overlap_act other;
		struct overlap_result r;
		if (rc || strcmp(key, id) == 0)
			continue;
		act_from_json(row, &other);
		if (!overlap_check(&me, &other, &r))
			continue;
		json_t *item = result_json(&r);
		json_object_set(item, "activity", row);
		found[n++] = (struct scored){item, r.score};
	}
	if (found)
		qsort(found, n, sizeof(*found), scored_cmp);
	for (size_t i = 0; i < n; i++) {
		if ((int)i < limit)
			json_array_append_new(items, found[i].item);
		else
			json_decref(found[i].item);
	}
	free(found);
	json_decref(cands);
	json_decref(self);
	return rc;
}

struct pair {
	size_t i, j;
	double score;
};

struct pairs {
	struct pair *p;
	size_t n, cap;
	int err;
};

static void pair_keep(void *ctx, size_t i, size_t j, const struct overlap_result *r)
{
	struct pairs *ps = ctx;
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 256;
		struct pair *np = realloc(ps->p, cap * sizeof(*np));
		if (!np) {
			ps->err = TR_ERR_NOMEM;
			return;
		}
		ps->p = np;
		ps->cap = cap;
	}
	ps->p[ps->n++] = (struct pair){i, j, r->score};
}

static int pair_cmp(const void *x, const void *y)
{
	const struct pair *a = x, *b = y;
	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	return a->i != b->i ? (a->i < b->i ? -1 : 1) : (a->j < b->j ? -1 : a->j > b->j);
}

static json_t *side_json(const struct overlap_act *a, const char *title)
{
	return json_pack("{s:s, s:s, s:s}", "id", a->id, "org_id", a->org_id, "title", title);
}

/* An activity of a row of the country query (columns 0 to 12), its
 * strings in ar. */
static void act_read(struct db_stmt *s, struct arena *ar, struct overlap_act *o)
{
	o->id = arena_strdup(ar, db_col_text(s, 0));
	o->org_id = arena_strdup(ar, db_col_text(s, 1));
	o->type = arena_strdup(ar, db_col_text(s, 2));
	o->admin_code = arena_strdup(ar, db_col_text(s, 3));
	o->gender = arena_strdup(ar, db_col_text(s, 4));
	o->setting = arena_strdup(ar, db_col_text(s, 5));
	o->has_point = !db_col_is_null(s, 6) && !db_col_is_null(s, 7);
	o->lat = db_col_double(s, 6);
	o->lon = db_col_double(s, 7);
	o->radius_km = db_col_double(s, 8);
	o->start = db_col_int64(s, 9);
	o->end = db_col_is_null(s, 10) ? OVERLAP_OPEN : db_col_int64(s, 10);
	o->age_min = (int)db_col_int64(s, 11);
	o->age_max = (int)db_col_int64(s, 12);
}

int activity_overlaps_country(struct db_conn *c, const struct caller *who, const char *country,
			      int64_t from, int64_t to, int limit, json_t *items, int64_t *total)
{
	*total = 0;
	struct query q;
	query_init(&q);
	query_text(&q,
		   "SELECT a.id, a.org_id, a.type, a.admin_code, a.gender, a.setting, a.lat,"
		   " a.lon, a.radius_km, a.start_at, a.end_at, a.age_min, a.age_max, a.title"
		   " FROM activities a WHERE a.area_country = ?",
		   country);
	if (from)
		query_int(&q, " AND (a.end_at IS NULL OR a.end_at > ?)", from);
	if (to)
		query_int(&q, " AND a.start_at < ?", to);
	query_sql(&q, " AND a.status <> 'cancelled'");
	acl_visible(&q, who, "a");
	struct db_stmt *s;
	int rc = activity_select_prepare(c, &q, &s);
	if (rc)
		return rc;
	struct arena *ar = arena_new();
	size_t n = 0, cap = 1024;
	struct overlap_act *acts = malloc(cap * sizeof(*acts));
	const char **titles = malloc(cap * sizeof(*titles));
	while (ar && acts && titles && (rc = db_step(s)) == DB_ROW) {
		if (n == cap) {
			cap *= 2;
			struct overlap_act *na = realloc(acts, cap * sizeof(*acts));
			const char **nt = na ? realloc(titles, cap * sizeof(*titles)) : NULL;
			if (na)
				acts = na;
			if (nt)
				titles = nt;
			if (!na || !nt) {
				rc = TR_ERR_NOMEM;
				break;
			}
		}
		act_read(s, ar, &acts[n]);
		titles[n++] = arena_strdup(ar, db_col_text(s, 13));
	}
	db_done(s);
	if (!ar || !acts || !titles)
		rc = TR_ERR_NOMEM;
	else if (rc == DB_DONE || rc == DB_ROW)
		rc = TR_OK;
	struct pairs ps = {0};
	if (!rc)
		rc = overlap_pairs(acts, n, pair_keep, &ps);
	if (!rc)
		rc = ps.err;
	if (!rc) {
		if (ps.n)
			qsort(ps.p, ps.n, sizeof(*ps.p), pair_cmp);
		*total = (int64_t)ps.n;
		for (size_t k = 0; k < ps.n && (int)k < limit; k++) {
			struct overlap_result r;
			const struct pair *p = &ps.p[k];
			overlap_check(&acts[p->i], &acts[p->j], &r);
			json_t *item = result_json(&r);
			json_object_set_new(item, "a", side_json(&acts[p->i], titles[p->i]));
			json_object_set_new(item, "b", side_json(&acts[p->j], titles[p->j]));
			json_array_append_new(items, item);
		}
	}
	free(ps.p);
	free(acts);
	free(titles);
	arena_free(ar);
	return rc;
}
