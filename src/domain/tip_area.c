/* Tips in space: routing to the police of the area, the routing areas,
 * the one coarsening rule and the weekly counts of problems. */
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "db/query.h"
#include "domain/audit.h"
#include "domain/overlap.h"
#include "domain/row.h"
#include "domain/tip.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define DAY_MS 86400000LL

double tip_distance_m(double lat1, double lon1, double lat2, double lon2)
{
	return overlap_km(lat1, lon1, lat2, lon2) * 1000;
}

int tip_route(struct db_conn *c, const char *country, int has_loc, double lat, double lon,
	      char org_id[37])
{
	struct db_stmt *s;
	int rc = db_prepare_vals(c,
				 "SELECT o.id, a.lat, a.lon, a.radius_m FROM organisations o"
				 " LEFT JOIN org_areas a ON a.org_id = o.id"
				 " WHERE o.country = ? AND o.kind = 'police' ORDER BY o.id",
				 DB_VALS(DB_TEXT(country)), &s);
	if (rc)
		return rc;
	double best = -1;
	org_id[0] = '\0';
	while ((rc = db_step(s)) == DB_ROW) {
		if (!org_id[0])
			snprintf(org_id, 37, "%s", db_col_text(s, 0)); /* the fallback */
		if (!has_loc || db_col_is_null(s, 1))
			continue;
		double r = db_col_double(s, 3);
		/* the smallest area holding the point is the most local force */
		if (tip_distance_m(lat, lon, db_col_double(s, 1), db_col_double(s, 2)) <= r &&
		    (best < 0 || r < best)) {
			best = r;
			snprintf(org_id, 37, "%s", db_col_text(s, 0));
		}
	}
	db_done(s);
	if (rc != DB_DONE)
		return rc;
	return org_id[0] ? TR_OK : TR_ERR_NOT_FOUND;
}

void tip_point_coarsen(double *lat, double *lon, double grid_m)
{
	double dlat = grid_m / 111320.0;
	*lat = fmax(-90, fmin(90, (floor(*lat / dlat) + 0.5) * dlat));
	double dlon = grid_m / (111320.0 * fmax(cos(*lat * M_PI / 180), 0.01));
	*lon = fmax(-180, fmin(180, (floor(*lon / dlon) + 0.5) * dlon));
}

/* ---- routing areas ---- */

/* Whether org_id names a police organisation: 1, 0, or a failure < 0. */
static int is_police(struct db_conn *c, const char *org_id)
{
	struct db_stmt *s;
	if (db_prepare_vals(c, "SELECT kind FROM organisations WHERE id = ?",
			    DB_VALS(DB_TEXT(org_id)), &s))
		return -1;
	int rc = db_step(s);
	int police = rc == DB_ROW && strcmp(db_col_text(s, 0), "police") == 0;
	db_done(s);
	return rc == DB_ROW || rc == DB_DONE ? police : -1;
}

int tip_area_add(struct db_conn *c, const struct caller *who, const char *org_id, double lat,
		 double lon, double radius_m, const char *request_id, char id[37])
{
	if (!acl_role_can(who->role, RES_AREA, ACT_CREATE) ||
	    (who->role != ROLE_ADMIN && strcmp(org_id, who->org_id) != 0))
		return TR_ERR_FORBIDDEN;
	int police = is_police(c, org_id);
	if (police <= 0)
		return police ? TR_ERR_DB : TR_ERR_INVALID;
	int rc = db_begin(c);
	if (rc)
		return rc;
	int64_t now = tr_now_ms();
	tr_uuid7(id);
	rc = db_run_vals(c,
			 "INSERT INTO org_areas (id, org_id, lat, lon, radius_m, created_at)"
			 " VALUES (?, ?, ?, ?, ?, ?)",
			 DB_VALS(DB_TEXT(id), DB_TEXT(org_id), DB_REAL(lat), DB_REAL(lon),
				 DB_REAL(radius_m), DB_INT(now)));
	struct audit_entry e = {who->user_id, who->org_id, "create", "org_area",
				id,	      request_id,  NULL,     NULL};
	if (rc || (rc = audit_append(c, &e, now))) {
		db_rollback(c);
		return rc;
	}
	return db_commit(c);
}

static json_t *area_row(struct db_stmt *s)
{
	return json_pack("{s:s, s:s, s:f, s:f, s:f}", "id", db_col_text(s, 0), "org_id",
			 db_col_text(s, 1), "lat", db_col_double(s, 2), "lon", db_col_double(s, 3),
			 "radius_m", db_col_double(s, 4));
}

int tip_areas(struct db_conn *c, const char *org_id, json_t *items)
{
	struct db_stmt *s;
	int rc = org_id ? db_prepare(c,
				     "SELECT id, org_id, lat, lon, radius_m FROM org_areas"
				     " WHERE org_id = ? ORDER BY id LIMIT 1000",
				     &s)
			: db_prepare(c,
				     "SELECT id, org_id, lat, lon, radius_m FROM org_areas"
				     " ORDER BY id LIMIT 1000",
				     &s);
	if (rc)
		return rc;
	if (org_id)
		db_bind_text(s, 1, org_id);
	return row_all(s, area_row, items);
}

/* ---- counts for problems ---- */

/* A count of tips by week around a point (the arguments of
 * tip_count_weeks). */
struct week_count {
	const struct caller *who;
	double lat, lon, radius_m;
	int64_t from;
	int weeks;
	int64_t *counts;
};

/* Counts the tip of a row in its week when it lies within the radius
 * (ctx: struct week_count). */
static void week_count_row(struct db_stmt *s, void *ctx)
{
	const struct week_count *k = ctx;
	double tlat = db_col_double(s, 0), tlon = db_col_double(s, 1);
	/* another organisation's tip counts where its views show it */
	if (strcmp(db_col_text(s, 3), k->who->org_id) != 0 && db_col_int64(s, 4) > 0)
		tip_point_coarsen(&tlat, &tlon, (double)db_col_int64(s, 4));
	if (tip_distance_m(k->lat, k->lon, tlat, tlon) > k->radius_m)
		return;
	int64_t w = (db_col_int64(s, 2) - k->from) / (7 * DAY_MS);
	if (w >= 0 && w < k->weeks)
		k->counts[w]++;
}

int tip_count_weeks(struct db_conn *c, const struct caller *who, double lat, double lon,
		    double radius_m, int64_t from, int weeks, int64_t *counts)
{
	double dlat = radius_m / 111320.0;
	double dlon = fmin(radius_m / (111320.0 * fmax(cos(lat * M_PI / 180), 0.01)), 360);
	/* degrees per metre of coarsening, with room for the snapped latitude */
	double klat = 1.5 / 111320.0, klon = 2.0 / (111320.0 * fmax(cos(lat * M_PI / 180), 0.01));
	int64_t to = from + (int64_t)weeks * 7 * DAY_MS;
	for (int i = 0; i < weeks; i++)
		counts[i] = 0;
	struct query q;
	query_init(&q);
	/* a tip counts when it was observed (else received) in the window; the
	 * box is widened by each tip's coarsening, whose point is tested below */
	query_double(&q,
		     "SELECT t.lat, t.lon, COALESCE(t.observed_at, t.created_at), t.org_id,"
		     " t.coarsen_m FROM tips t WHERE t.lat BETWEEN ?",
		     lat - dlat);
	query_double(&q, " - t.coarsen_m * CAST(? AS DOUBLE PRECISION)", klat);
	query_double(&q, " AND ?", lat + dlat);
	query_double(&q, " + t.coarsen_m * CAST(? AS DOUBLE PRECISION)", klat);
	query_double(&q, " AND t.lon BETWEEN ?", lon - dlon);
	query_double(&q, " - t.coarsen_m * CAST(? AS DOUBLE PRECISION)", klon);
	query_double(&q, " AND ?", lon + dlon);
	query_double(&q, " + t.coarsen_m * CAST(? AS DOUBLE PRECISION)", klon);
	query_int(&q, " AND COALESCE(t.observed_at, t.created_at) >= ?", from);
	query_int(&q, " AND COALESCE(t.observed_at, t.created_at) < ?", to);
	acl_visible(&q, who, "t");
	query_sql(&q, " LIMIT 100000");
	struct week_count k = {who, lat, lon, radius_m, from, weeks, counts};
	return row_query_each(&q, c, week_count_row, &k);
}
