#include "domain/analytics_q.h"
#include "core/array.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "domain/alert.h"
#include "domain/place.h"
#include "domain/tip.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const aq_sources[] = {"alerts", "sightings", "tips", NULL};

const char *const *aq_categories(enum aq_source s)
{
	return s == AQ_TIPS ? tip_categories : alert_categories;
}

int64_t aq_period_ms(enum aq_interval iv)
{
	return iv == AQ_WEEK ? AQ_WEEK_MS : AQ_DAY_MS;
}

int64_t aq_period_start(int64_t t, enum aq_interval iv)
{
	/* 1970-01-01 was a Thursday: Mondays fall 4 days after multiples of 7 */
	int64_t off = iv == AQ_WEEK ? 4 * AQ_DAY_MS : 0, len = aq_period_ms(iv);
	int64_t k = t - off;
	int64_t q = k / len - (k % len < 0);
	return q * len + off;
}

int64_t aq_week_floor(int64_t t)
{
	return aq_period_start(t, AQ_WEEK);
}

void aq_bbox_snap(double bbox[4])
{
	const double step = AQ_GRID_M / AQ_M_PER_DEG;
	static const double lim[4] = {-180, -90, 180, 90};
	for (int i = 0; i < 4; i++) {
		double k = bbox[i] / step;
		/* a bound already on the grid stays (within rounding error) */
		k = fabs(k - nearbyint(k)) < 1e-9 ? nearbyint(k) : i < 2 ? floor(k) : ceil(k);
		bbox[i] = i < 2 ? fmax(k * step, lim[i]) : fmin(k * step, lim[i]);
	}
}

int aq_suppressed(double count, double foreign, int threshold)
{
	return count > 0 && count < threshold && foreign > 0;
}

int aq_total_suppressed(double total, double foreign, double hidden, double hidden_foreign,
			int threshold)
{
	return aq_suppressed(total, foreign, threshold) ||
	       aq_suppressed(hidden, hidden_foreign, threshold);
}

int aq_tips_present(struct db_conn *c)
{
	return db_table_exists(c, "tips");
}

/* A filter that applies when a value is given: sql has one `?`. */
static void filter_eq(struct query *q, const char *sql, const char *v)
{
	if (v)
		query_text(q, sql, v);
}

/* The select list is the same for every source: id, country, category,
 * org_id, time, lat, lon, coarsening grid (m; tips only). */
static void aq_select(struct query *q, const struct caller *who, const struct aq_filter *f,
		      const char **tcol, const char **alias)
{
	switch (f->source) {
	case AQ_ALERTS:
		*tcol = "COALESCE(a.observed_from, a.created_at)";
		*alias = "a";
		if (f->per_country)
			query_sql(
			    q, "SELECT a.id, COALESCE(x.country, a.country), a.category,"
			       " a.org_id, COALESCE(a.observed_from, a.created_at), a.lat, a.lon, 0"
			       " FROM alerts a LEFT JOIN alert_countries x ON x.alert_id = a.id"
			       " WHERE a.status = 'published'");
		else
			query_sql(q, "SELECT a.id, a.country, a.category, a.org_id,"
				     " COALESCE(a.observed_from, a.created_at), a.lat, a.lon, 0"
				     " FROM alerts a WHERE a.status = 'published'");
		if (f->country) {
			query_text(q,
				   " AND (EXISTS (SELECT 1 FROM alert_countries y"
				   " WHERE y.alert_id = a.id AND y.country = ?)",
				   f->country);
			query_text(q,
				   " OR (a.country = ? AND NOT EXISTS (SELECT 1 FROM"
				   " alert_countries z WHERE z.alert_id = a.id)))",
				   f->country);
			if (f->per_country)
				query_text(q, " AND COALESCE(x.country, a.country) = ?",
					   f->country);
		}
		filter_eq(q, " AND a.category = ?", f->category);
		break;
	case AQ_SIGHTINGS:
		*tcol = "s.observed_at";
		*alias = "s";
		query_sql(q, "SELECT s.id, s.country, a.category, s.org_id, s.observed_at, s.lat,"
			     " s.lon, 0 FROM alert_sightings s JOIN alerts a ON a.id = s.alert_id"
			     " WHERE s.type = 'seen' AND a.status = 'published'");
		filter_eq(q, " AND s.country = ?", f->country);
		filter_eq(q, " AND a.category = ?", f->category);
		break;
	default:
		*tcol = "COALESCE(t.observed_at, t.created_at)";
		*alias = "t";
		query_sql(q, "SELECT t.id, t.country, t.category, t.org_id,"
			     " COALESCE(t.observed_at, t.created_at), t.lat, t.lon, t.coarsen_m"
			     " FROM tips t"
			     " WHERE t.duplicate_of IS NULL");
		filter_eq(q, " AND t.country = ?", f->country);
		filter_eq(q, " AND t.category = ?", f->category);
		break;
	}
	/* a sighting is seen with its alert: the predicate is the alert's */
	if (who)
		acl_visible(q, who, f->source == AQ_TIPS ? "t" : "a");
	else
		query_sql(q, " AND 1 = 1 " DB_ACL_EXEMPT); /* system view: see signal_detect.c */
}

/* A tip may be coarsened into the box from up to half a cell outside it
 * (and out of it from inside): the statement keeps every tip within a
 * whole cell of its coarsen_m around the box, and aq_push decides on the
 * point the caller sees. A cell's longitude step grows with the latitude;
 * the widest within the box bounds it (the coarsened latitude is inside). */
static void aq_where_tip_box(struct query *q, const struct aq_filter *f)
{
	double lat = fmin(90, fmax(fabs(f->bbox[1]), fabs(f->bbox[3])));
	double per_m[4], k_lat = 1 / AQ_M_PER_DEG;
	double k_lon = 1 / (AQ_M_PER_DEG * fmax(cos(lat * M_PI / 180), 0.01));
	static const char *const ops[][2] = {
	    {" AND t.lon + t.coarsen_m * CAST(? AS DOUBLE PRECISION)", " >= ?"},
	    {" AND t.lat + t.coarsen_m * CAST(? AS DOUBLE PRECISION)", " >= ?"},
	    {" AND t.lon - t.coarsen_m * CAST(? AS DOUBLE PRECISION)", " <= ?"},
	    {" AND t.lat - t.coarsen_m * CAST(? AS DOUBLE PRECISION)", " <= ?"}};
	per_m[0] = per_m[2] = k_lon;
	per_m[1] = per_m[3] = k_lat;
	for (int i = 0; i < 4; i++) {
		query_double(q, ops[i][0], per_m[i]);
		query_double(q, ops[i][1], f->bbox[i]);
	}
}

static void aq_where(struct query *q, const struct caller *who, const struct aq_filter *f,
		     const char *tcol, const char *alias)
{
	char part[160];
	if (f->from) {
		snprintf(part, sizeof(part), " AND %s >= ?", tcol);
		query_int(q, part, f->from);
	}
	if (f->to) {
		snprintf(part, sizeof(part), " AND %s < ?", tcol);
		query_int(q, part, f->to);
	}
	if (f->located_only || f->has_bbox) {
		snprintf(part, sizeof(part), " AND %s.lat IS NOT NULL AND %s.lon IS NOT NULL",
			 alias, alias);
		query_sql(q, part);
	}
	if (f->has_bbox && f->source == AQ_TIPS && who)
		aq_where_tip_box(q, f);
	else if (f->has_bbox) {
		static const char *const ops[] = {"lon >=", "lat >=", "lon <=", "lat <="};
		for (int i = 0; i < 4; i++) {
			snprintf(part, sizeof(part), " AND %s.%s ?", alias, ops[i]);
			query_double(q, part, f->bbox[i]);
		}
	}
	snprintf(part, sizeof(part), " ORDER BY %s, %s.id", tcol, alias);
	query_sql(q, part);
}

/* What the caller sees of a record's point: a tip of another organisation
 * coarsened by the tips' rule; 0 when the point falls outside the box. */
static int aq_point_seen(struct aq_record *e, const struct aq_filter *f, const struct caller *who,
			 int64_t coarsen_m)
{
	if (!e->has_loc)
		return !f->has_bbox;
	if (who && !e->own && f->source == AQ_TIPS && coarsen_m > 0) {
		tip_point_coarsen(&e->lat, &e->lon, (double)coarsen_m);
		e->grid_m = (double)coarsen_m;
	}
	return !f->has_bbox || (e->lon >= f->bbox[0] && e->lat >= f->bbox[1] &&
				e->lon <= f->bbox[2] && e->lat <= f->bbox[3]);
}

static int aq_push(struct aq_records *r, struct db_stmt *s, const struct aq_filter *f,
		   const struct caller *who)
{
	if (tr_array_reserve((void **)&r->v, &r->cap, r->n + 1, sizeof(*r->v), 256))
		return TR_ERR_NOMEM;
	struct aq_record *e = &r->v[r->n++];
	memset(e, 0, sizeof(*e));
	const char *t;
	snprintf(e->id, sizeof(e->id), "%s", (t = db_col_text(s, 0)) ? t : "");
	snprintf(e->country, sizeof(e->country), "%s", (t = db_col_text(s, 1)) ? t : "");
	snprintf(e->category, sizeof(e->category), "%s", (t = db_col_text(s, 2)) ? t : "");
	snprintf(e->org_id, sizeof(e->org_id), "%s", (t = db_col_text(s, 3)) ? t : "");
	e->own = who && strcmp(e->org_id, who->org_id) == 0;
	e->t = db_col_int64(s, 4);
	e->has_loc = !db_col_is_null(s, 5) && !db_col_is_null(s, 6);
	e->lat = e->has_loc ? db_col_double(s, 5) : NAN;
	e->lon = e->has_loc ? db_col_double(s, 6) : NAN;
	if (!aq_point_seen(e, f, who, db_col_int64(s, 7)))
		r->n--;
	return TR_OK;
}

int aq_records_load(struct db_conn *c, const struct caller *who, const struct aq_filter *f,
		    struct aq_records *out)
{
	struct query q;
	const char *tcol, *alias;
	memset(out, 0, sizeof(*out));
	query_init(&q);
	aq_select(&q, who, f, &tcol, &alias);
	aq_where(&q, who, f, tcol, alias);
	struct db_stmt *s;
	int rc = query_take(&q, c, &s);
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (out->n >= AQ_RECORDS_MAX) {
			rc = TR_ERR_TOO_LARGE;
			break;
		}
		if ((rc = aq_push(out, s, f, who)))
			break;
	}
	db_done(s);
	if (rc != DB_DONE) {
		aq_records_free(out);
		return rc;
	}
	if (out->n == 0)
		aq_records_free(out); /* rows all outside the box: nothing held */
	return TR_OK;
}

void aq_records_free(struct aq_records *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

int aq_why_set(struct aq_why *why, const char *field, int detail, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why->message, sizeof(why->message), fmt, ap);
	va_end(ap);
	why->field = field;
	why->detail = detail;
	return TR_ERR_INVALID;
}

json_t *aq_time_json(int64_t ms)
{
	char t[32];
	tr_time_format(ms, t);
	return json_string(t);
}

json_t *aq_num_json(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

void aq_count_set(json_t *o, const char *key, double n, double foreign, int threshold)
{
	int sup = aq_suppressed(n, foreign, threshold);
	json_object_set_new(o, key, sup ? json_null() : json_integer((json_int_t)n));
	json_object_set_new(o, "suppressed", json_boolean(sup));
}

void aq_window_set(json_t *o, const struct aq_filter *f)
{
	json_object_set_new(o, "from", f->from ? aq_time_json(f->from) : json_null());
	json_object_set_new(o, "to", f->to ? aq_time_json(f->to) : json_null());
}

void aq_places_name(struct db_conn *c, json_t *items, const char *flag, const char *radius_key,
		    double radius_m, const char *lang)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		if (flag && !json_is_true(json_object_get(it, flag)))
			continue;
		json_t *ce = json_object_get(it, "centre");
		double r = radius_key ? json_number_value(json_object_get(it, radius_key)) * 1000
				      : radius_m;
		struct place_near p;
		if (place_name_near(c, json_number_value(json_object_get(ce, "lat")),
				    json_number_value(json_object_get(ce, "lon")), r, lang,
				    &p) == TR_OK &&
		    p.found)
			json_object_set_new(it, "place", place_near_json(&p));
	}
}
