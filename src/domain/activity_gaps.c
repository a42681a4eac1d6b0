/* Gaps: places with incidents in the last weeks and no visible active
 * activity covering them. */
#include "domain/activity.h"
#include "domain/activity_impl.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "db/query.h"
#include "domain/overlap.h"
#include "domain/row.h"
#include "domain/tip.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cell {
	int x, y;
	long alerts, tips;
	double slat, slon;
};

static struct cell *cell_find(struct cell **cells, size_t *n, size_t *cap, int x, int y)
{
	for (size_t i = 0; i < *n; i++)
		if ((*cells)[i].x == x && (*cells)[i].y == y)
			return &(*cells)[i];
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct cell *m = realloc(*cells, nc * sizeof(**cells));
		if (!m)
			return NULL;
		*cells = m;
		*cap = nc;
	}
	struct cell *c = &(*cells)[(*n)++];
	*c = (struct cell){x, y, 0, 0, 0, 0};
	return c;
}

/* Whether the optional tips table exists (it belongs to another module). */
static int tips_table(struct db_conn *c)
{
	return db_table_exists(c, "tips");
}

/* Adds the points of q to their cells. A tip of another organisation than
 * the caller's enters at its coarsened point (tip_point_coarsen), as in the
 * tip views and the analytics: a cell's centre never gives its exact
 * point back. */
static int incidents_add(struct db_conn *c, const struct caller *who, struct query *q, int tips,
			 struct cell **cells, size_t *n, size_t *cap)
{
	struct db_stmt *s;
	int rc = activity_select_prepare(c, q, &s);
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		double lat = db_col_double(s, 0), lon = db_col_double(s, 1);
		if (tips && strcmp(db_col_text(s, 2), who->org_id) != 0 && db_col_int64(s, 3) > 0)
			tip_point_coarsen(&lat, &lon, (double)db_col_int64(s, 3));
		struct cell *cl =
		    cell_find(cells, n, cap, overlap_cell(lon, 180), overlap_cell(lat, 90));
		if (!cl) {
			rc = TR_ERR_NOMEM;
			break;
		}
		tips ? cl->tips++ : cl->alerts++;
		cl->slat += lat;
		cl->slon += lon;
	}
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

static int cell_cmp(const void *x, const void *y)
{
	const struct cell *a = x, *b = y;
	long ta = a->alerts + a->tips, tb = b->alerts + b->tips;
	if (ta != tb)
		return ta < tb ? 1 : -1;
	return a->y != b->y ? (a->y < b->y ? -1 : 1) : (a->x < b->x ? -1 : a->x > b->x);
}

/* The visible activities under way now, with a circle, into active. */
static int active_now(struct db_conn *c, const struct caller *who, int64_t now, json_t *active)
{
	struct query q;
	activity_select_start(&q);
	query_sql(&q, " AND a.status = 'active' AND a.lat IS NOT NULL");
	query_int(&q, " AND a.start_at <= ?", now);
	query_int(&q, " AND (a.end_at IS NULL OR a.end_at > ?)", now);
	acl_visible(&q, who, "a");
	struct db_stmt *s;
	int rc = activity_select_prepare(c, &q, &s);
	return rc ? rc : row_all(s, activity_row_json, active);
}

int activity_gaps(struct db_conn *c, const struct caller *who, const char *country, int weeks,
		  int limit, json_t *items)
{
	int64_t now = tr_now_ms(), since = now - (int64_t)weeks * 7 * 86400000LL;
	struct cell *cells = NULL;
	size_t n = 0, cap = 0;
	struct query q;
	query_init(&q);
	query_int(&q,
		  "SELECT a.lat, a.lon FROM alerts a WHERE a.status = 'published'"
		  " AND a.lat IS NOT NULL AND a.lon IS NOT NULL"
		  " AND COALESCE(a.observed_to, a.observed_from, a.created_at) >= ?",
		  since);
	query_text(&q, " AND (a.country = ?", country);
	query_text(&q,
		   " OR EXISTS (SELECT 1 FROM alert_countries x WHERE x.alert_id = a.id"
		   " AND x.country = ?))",
		   country);
	acl_visible(&q, who, "a");
	int rc = incidents_add(c, who, &q, 0, &cells, &n, &cap);
	if (!rc && tips_table(c)) {
		query_init(&q);
		query_int(
		    &q,
		    "SELECT t.lat, t.lon, t.org_id, t.coarsen_m FROM tips t WHERE t.lat IS NOT NULL"
		    " AND t.lon IS NOT NULL AND COALESCE(t.observed_at, t.created_at) >= ?",
		    since);
		query_text(&q, " AND t.country = ?", country);
		acl_visible(&q, who, "t");
		rc = incidents_add(c, who, &q, 1, &cells, &n, &cap);
	}
	json_t *active = json_array();
	if (!rc)
		rc = active_now(c, who, now, active);
	if (cells)
		qsort(cells, n, sizeof(*cells), cell_cmp);
	int emitted = 0;
	for (size_t i = 0; !rc && i < n && emitted < limit; i++) {
		long total = cells[i].alerts + cells[i].tips;
		double clat = cells[i].slat / (double)total, clon = cells[i].slon / (double)total;
		double nearest = -1;
		int covered = 0;
		size_t k;
		json_t *a;
		json_array_foreach(active, k, a)
		{
			double d =
			    overlap_km(clat, clon, json_number_value(json_object_get(a, "lat")),
				       json_number_value(json_object_get(a, "lon")));
			double edge = d - json_number_value(json_object_get(a, "radius_km"));
			covered |= edge <= 0;
			if (nearest < 0 || edge < nearest)
				nearest = edge;
		}
		if (covered)
			continue;
		double lat0 = cells[i].y * OVERLAP_CELL_DEG - 90,
		       lon0 = cells[i].x * OVERLAP_CELL_DEG - 180;
		json_t *g = json_pack(
		    "{s:{s:i, s:i, s:f, s:f, s:f, s:f}, s:{s:f, s:f}, s:I, s:I, s:I}", "cell", "x",
		    cells[i].x, "y", cells[i].y, "lat_min", lat0, "lon_min", lon0, "lat_max",
		    lat0 + OVERLAP_CELL_DEG, "lon_max", lon0 + OVERLAP_CELL_DEG, "centroid", "lat",
		    clat, "lon", clon, "alerts", (json_int_t)cells[i].alerts, "tips",
		    (json_int_t)cells[i].tips, "incidents", (json_int_t)total);
		json_object_set_new(g, "nearest_active_km",
				    nearest < 0 ? json_null()
						: json_real(round(nearest * 10) / 10));
		json_object_set_new(g, "rank", json_integer(++emitted));
		json_array_append_new(items, g);
	}
	json_decref(active);
	free(cells);
	return rc;
}
