/* Signals from space: significant hot spots of the latest week (Gi* over a
 * grid of cells inside the area the country's records of the last weeks
 * cover, zeros included, one-sided p corrected by Benjamini-Hochberg at
 * FDR 0.05, at least SIGNAL_MIN_COUNT records around a hot spot) and
 * significant space-time clusters ending in the latest week (the
 * space-time permutation scan over those weeks, 999 replications, p
 * corrected by BH over the clusters reported, at least SIGNAL_MIN_COUNT
 * records). Each is named by its nearest gazetteer place, which is also
 * its key: a hot spot and a cluster at the same place and week make one
 * signal. */
#include "analytics/padjust.h"
#include "analytics/stscan.h"
#include "core/err.h"
#include "domain/analytics_grid.h"
#include "domain/analytics_scan.h"
#include "domain/place.h"
#include "domain/signal_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The weeks whose records define the study area and feed the scan. */
#define SPACE_WEEKS 8
#define SPACE_ALPHA 0.05
/* About this many cells over the study area, each 0.25 to 10 km wide. */
#define HOT_CELLS 10000.0
#define HOT_CELLS_MAX 100000
#define HOT_CELL_MIN_KM 0.25
#define HOT_CELL_MAX_KM 10.0
/* The distance band: the cell and its eight neighbours. */
#define HOT_BAND 1.5
/* Scan cylinders: at most 3 km wide, at most a week long. */
#define SCAN_MAX_KM 3.0
#define SCAN_DAYS 7
#define SCAN_REPS 999

static int rec_country_cmp(const void *a, const void *b)
{
	const struct aq_record *x = a, *y = b;
	int c = strcmp(x->country, y->country);
	return c ? c : (x->t < y->t ? -1 : x->t > y->t);
}

/* Where a signal is shown: the centre snapped to the analytics grid (no
 * finer than a coarsened tip), the radius rounded up to 100 m. */
static void hit_place(struct db_conn *c, struct detect_hit *h, double lat, double lon,
		      double radius_m)
{
	double step = AQ_GRID_M / AQ_M_PER_DEG;
	h->lat = round(lat / step) * step;
	h->lon = round(lon / step) * step;
	h->radius_m = fmax(100, ceil(radius_m / 100) * 100);
	struct place_near p;
	if (place_name_near(c, h->lat, h->lon, 0, "en", &p) == TR_OK && p.found)
		snprintf(h->cell, sizeof(h->cell), "p:%lld", (long long)p.id);
	else
		snprintf(h->cell, sizeof(h->cell), "g:%ld:%ld", lround(h->lat / step),
			 lround(h->lon / step));
}

/* The centre and radius (m) of records idx[0..n). */
static void centre_of(const struct aq_record *v, const size_t *idx, size_t n, double *lat,
		      double *lon, double *radius_m)
{
	double a = 0, b = 0, r = 0;
	for (size_t i = 0; i < n; i++) {
		a += v[idx[i]].lat;
		b += v[idx[i]].lon;
	}
	a /= (double)n;
	b /= (double)n;
	for (size_t i = 0; i < n; i++)
		r = fmax(r, spatial_geo_km(b, a, v[idx[i]].lon, v[idx[i]].lat) * 1000);
	*lat = a;
	*lon = b;
	*radius_m = r;
}

/* ---- hot spots ---- */

/* The cells of the country's grid (every cell, cell[k] == k) with the
 * latest week's records, Gi* and its correction, and per cell the records
 * within its band and the hot spot it belongs to (0: none). */
struct hot {
	struct ag_grid g;
	struct ag_cells c;
	double *band;
	int *group;
};

static void hot_free(struct hot *h)
{
	ag_cells_free(&h->c);
	free(h->band);
	free(h->group);
}

/* The cells within the band of cell i (i itself included) into out;
 * returns how many. Columns narrow towards the poles, so two on each
 * side are checked. */
static size_t band_cells(const struct hot *h, size_t i, size_t out[25])
{
	const struct ag_grid *g = &h->g;
	long r0 = (long)(i / g->cols), c0 = (long)(i % g->cols);
	size_t n = 0;
	for (long dr = -2; dr <= 2; dr++)
		for (long dc = -2; dc <= 2; dc++) {
			long r = r0 + dr, k = c0 + dc;
			if (r < 0 || k < 0 || r >= (long)g->rows || k >= (long)g->cols)
				continue;
			size_t j = (size_t)r * g->cols + (size_t)k;
			if (spatial_geo_km(h->c.x[i], h->c.y[i], h->c.x[j], h->c.y[j]) <=
			    g->km * HOT_BAND)
				out[n++] = j;
		}
	return n;
}

static int significant(const struct hot *h, size_t i)
{
	return h->c.padj[i] < SPACE_ALPHA && h->c.z[i] > 0 && h->c.v[i] >= 1 &&
	       h->band[i] >= SIGNAL_MIN_COUNT;
}

/* Marks the significant cells connected to i (within the band) with g. */
static void hot_flood(struct hot *h, size_t i, int g, size_t *stack)
{
	size_t top = 0;
	stack[top++] = i;
	h->group[i] = g;
	while (top) {
		size_t k = stack[--top], band[25], nb = band_cells(h, k, band);
		for (size_t b = 0; b < nb; b++)
			if (!h->group[band[b]] && significant(h, band[b])) {
				h->group[band[b]] = g;
				stack[top++] = band[b];
			}
	}
}

/* Emits the hot spot of group g: the latest week's records in its cells
 * and the cells within their band. */
static int hot_emit(struct db_conn *c, struct hot *h, int g, const struct aq_record *v, size_t n,
		    struct detect_hit *hit, int64_t now, struct signal_run *run)
{
	char *near = calloc(h->c.n, 1);
	size_t *idx = calloc(n ? n : 1, sizeof(size_t)), m = 0, cells = 0;
	double zmax = -INFINITY, pmin = 1, total = 0;
	int rc = near && idx ? TR_OK : TR_ERR_NOMEM;
	for (size_t i = 0; !rc && i < h->c.n; i++) {
		total += h->c.v[i];
		if (h->group[i] != g)
			continue;
		zmax = fmax(zmax, h->c.z[i]);
		pmin = fmin(pmin, h->c.padj[i]);
		size_t band[25], nb = band_cells(h, i, band);
		for (size_t b = 0; b < nb; b++)
			near[band[b]] = 1;
	}
	for (size_t i = 0; !rc && i < h->c.n; i++)
		cells += near[i];
	for (size_t i = 0; !rc && i < n; i++)
		if (v[i].t >= hit->week && near[ag_grid_cell(&h->g, v[i].lat, v[i].lon)])
			idx[m++] = i;
	if (!rc && m >= SIGNAL_MIN_COUNT) {
		double lat, lon, radius;
		centre_of(v, idx, m, &lat, &lon, &radius);
		hit_place(c, hit, lat, lon, radius);
		hit->method = "gistar";
		hit->observed = (double)m;
		hit->expected = total / (double)h->c.n * (double)cells;
		hit->upperbound = NAN;
		hit->statistic = zmax;
		hit->p_adjusted = pmin;
		hit->ids = json_array();
		for (size_t i = 0; i < m && i < SIGNAL_IDS_MAX; i++)
			json_array_append_new(hit->ids, json_string(v[idx[i]].id));
		run->hotspots++;
		run->alarms++;
		rc = signal_emit(c, hit, now, run);
		json_decref(hit->ids);
		hit->ids = NULL;
	}
	free(near);
	free(idx);
	return rc;
}

/* The grid over the country's records, the latest week's counted, Gi*
 * (one-sided, BH) and the records within each cell's band. TR_ERR_INVALID
 * when there is nothing to find (one cell, all cells equal, a band holding
 * every cell). */
static int hot_cells(struct hot *h, const struct aq_record *v, size_t n, int64_t week)
{
	ag_grid_over_records(&h->g, v, n, HOT_CELLS, HOT_CELL_MIN_KM, HOT_CELL_MAX_KM,
			     HOT_CELLS_MAX);
	if (h->g.rows * h->g.cols < 2)
		return TR_ERR_INVALID;
	int rc = ag_cells_fill(&h->g, NULL, v, n, week, &h->c);
	if (rc)
		return rc;
	struct ts_error err;
	if ((rc = ag_cells_gistar(&h->c, h->g.km * HOT_BAND, 0, PADJUST_BH, &err)))
		return rc;
	h->band = calloc(h->c.n, sizeof(double));
	h->group = calloc(h->c.n, sizeof(int));
	if (!h->band || !h->group)
		return TR_ERR_NOMEM;
	for (size_t i = 0; i < h->c.n; i++) {
		size_t band[25], nb = band_cells(h, i, band);
		for (size_t b = 0; b < nb; b++)
			h->band[i] += h->c.v[band[b]];
	}
	return TR_OK;
}

static int hot_spots(struct db_conn *c, const struct aq_record *v, size_t n, struct detect_hit *hit,
		     int64_t now, struct signal_run *run)
{
	size_t week_n = 0;
	for (size_t i = 0; i < n; i++)
		week_n += v[i].t >= hit->week;
	if (week_n < SIGNAL_MIN_COUNT)
		return TR_OK;
	struct hot h = {0};
	size_t *stack = NULL;
	int rc = hot_cells(&h, v, n, hit->week);
	if (rc == TR_ERR_INVALID)
		rc = TR_OK; /* no hot spot to find */
	else if (!rc && !(stack = calloc(h.c.n, sizeof(size_t))))
		rc = TR_ERR_NOMEM;
	int groups = 0;
	for (size_t i = 0; stack && !rc && i < h.c.n; i++)
		if (!h.group[i] && significant(&h, i))
			hot_flood(&h, i, ++groups, stack);
	for (int g = 1; !rc && g <= groups; g++)
		rc = hot_emit(c, &h, g, v, n, hit, now, run);
	free(stack);
	hot_free(&h);
	return rc;
}

/* ---- space-time clusters ---- */

static int clusters(struct db_conn *c, const struct aq_record *v, size_t n, struct detect_hit *hit,
		    int64_t now, struct signal_run *run)
{
	if (n < SIGNAL_MIN_COUNT || v[n - 1].t < hit->week)
		return TR_OK;
	struct stscan_result res = {0};
	double *p = NULL;
	int rc = TR_OK;
	struct stscan_params sp;
	stscan_params_default(&sp);
	sp.max_radius = SCAN_MAX_KM;
	sp.max_days = SCAN_DAYS;
	sp.prospective = 1;
	sp.replications = SCAN_REPS;
	sp.metric = SPATIAL_HAVERSINE;
	struct ts_error err;
	/* a scan that cannot run (one location, too many pairs) finds nothing */
	rc = asc_run(v, n, &sp, &res, &err);
	if (rc != TR_ERR_NOMEM && (rc || res.n == 0)) {
		rc = TR_OK;
		goto out;
	}
	if (rc)
		goto out;
	if (!(p = calloc(res.n, sizeof(double)))) {
		rc = TR_ERR_NOMEM;
		goto out;
	}
	for (size_t k = 0; k < res.n; k++)
		p[k] = res.clusters[k].p;
	if ((rc = padjust(p, res.n, PADJUST_BH, p)))
		goto out;
	int32_t week_day = (int32_t)(hit->week / AQ_DAY_MS);
	for (size_t k = 0; !rc && k < res.n; k++) {
		const struct stscan_cluster *cl = &res.clusters[k];
		if (!(p[k] < SPACE_ALPHA) || cl->observed < SIGNAL_MIN_COUNT || cl->end < week_day)
			continue;
		hit_place(c, hit, cl->y, cl->x, cl->radius * 1000);
		hit->method = "stscan";
		hit->observed = (double)cl->observed;
		hit->expected = cl->expected;
		hit->upperbound = NAN;
		hit->statistic = cl->llr;
		hit->p_adjusted = p[k];
		hit->ids = json_array();
		for (size_t i = 0; i < cl->n_events && i < SIGNAL_IDS_MAX; i++)
			json_array_append_new(hit->ids, json_string(v[cl->events[i]].id));
		run->clusters++;
		run->alarms++;
		rc = signal_emit(c, hit, now, run);
		json_decref(hit->ids);
		hit->ids = NULL;
	}
out:
	stscan_result_free(&res);
	free(p);
	return rc;
}

int signal_detect_space(struct db_conn *c, enum aq_source src, int64_t now, struct signal_run *run)
{
	int64_t week = aq_period_start(now, AQ_WEEK);
	struct aq_filter f = {.source = src, .per_country = 1, .located_only = 1};
	f.from = week - (int64_t)(SPACE_WEEKS - 1) * AQ_WEEK_MS;
	f.to = week + AQ_WEEK_MS;
	struct aq_records r;
	int rc = aq_records_load(c, NULL, &f, &r);
	if (rc || r.n == 0)
		return rc; /* nothing held: aq_records_load's postcondition */
	qsort(r.v, r.n, sizeof(*r.v), rec_country_cmp);
	for (size_t i = 0, j; !rc && i < r.n; i = j) {
		for (j = i; j < r.n && strcmp(r.v[j].country, r.v[i].country) == 0; j++)
			;
		if (!r.v[i].country[0])
			continue;
		/* every category together: a place, not a kind of report */
		struct detect_hit hit = {
		    .src = src, .country = r.v[i].country, .category = "", .week = week};
		rc = hot_spots(c, r.v + i, j - i, &hit, now, run);
		if (!rc)
			rc = clusters(c, r.v + i, j - i, &hit, now, run);
	}
	aq_records_free(&r);
	return rc;
}
