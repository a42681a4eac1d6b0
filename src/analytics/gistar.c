#include "analytics/ts.h"
#include "analytics/gistar.h"

#include "analytics/spatial_grid.h"
#include "analytics/stats.h"
#include "core/err.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Haversine bands are searched on the unit sphere by chord length. The
 * Lambert-Andoyer distance lies within 0.7 % of the spherical distance on
 * the equatorial radius, so pairs nearer than 0.98 D on that sphere are in
 * the band, pairs beyond 1.02 D are out, and only the rest need the
 * ellipsoid formula. */
#define GI_SURE_IN 0.98
#define GI_SURE_OUT 1.02

/* The band test, prepared once per call. */
struct gi_band {
	enum spatial_metric metric;
	double d;	 /* the distance D */
	double in2;	 /* squared chord surely inside (haversine) or D^2 */
	double out2;	 /* squared chord surely outside (haversine) */
	const double *x; /* original coordinates, for the exact test */
	const double *y;
};

static int gi_check_point(double x, double y, double v, enum spatial_metric metric, size_t row,
			  struct ts_error *err)
{
	if (!isfinite(x))
		return ts_fail(err, row, "x", "%s", "coordinate is not a finite number");
	if (!isfinite(y))
		return ts_fail(err, row, "y", "%s", "coordinate is not a finite number");
	if (metric == SPATIAL_HAVERSINE && fabs(x) > 180.0)
		return ts_fail(err, row, "x", "%s", "longitude outside [-180, 180]");
	if (metric == SPATIAL_HAVERSINE && fabs(y) > 90.0)
		return ts_fail(err, row, "y", "%s", "latitude outside [-90, 90]");
	if (!isfinite(v) || v < 0.0)
		return ts_fail(err, row, "value", "%s", "value must be a finite number >= 0");
	return TR_OK;
}

static int gi_check(const double *x, const double *y, const double *value, size_t n,
		    const struct gistar_params *params, struct ts_error *err)
{
	if (n < 2)
		return ts_fail(err, 0, "", "%s", "Gi* needs at least 2 points");
	if (!isfinite(params->distance) || !(params->distance > 0.0))
		return ts_fail(err, 0, "distance", "%s", "distance must be a finite number > 0");
	int all_equal = 1;
	for (size_t i = 0; i < n; i++) {
		int rc = gi_check_point(x[i], y[i], value[i], params->metric, i + 1, err);
		if (rc != TR_OK)
			return rc;
		all_equal &= value[i] == value[0];
	}
	if (all_equal)
		return ts_fail(err, 0, "value", "%s", "all values are equal: Gi* is undefined");
	return TR_OK;
}

static double gi_chord2(double km)
{
	double half = fmin(km / SPATIAL_GEO_A_KM, M_PI) / 2.0;
	return 4.0 * sin(half) * sin(half);
}

/* Points as the grid sees them: the plane, or unit vectors. */
static double *gi_points(const double *x, const double *y, size_t n, const struct gi_band *band)
{
	int dim = band->metric == SPATIAL_HAVERSINE ? 3 : 2;
	double *pts = malloc(n * (size_t)dim * sizeof *pts);
	if (!pts)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (dim == 3) {
			spatial_geo_unit(x[i], y[i], pts + 3 * i);
		} else {
			pts[2 * i] = x[i];
			pts[2 * i + 1] = y[i];
		}
	}
	return pts;
}

static struct gi_band gi_band_make(const double *x, const double *y,
				   const struct gistar_params *params)
{
	struct gi_band b = {.metric = params->metric, .d = params->distance, .x = x, .y = y};
	if (b.metric == SPATIAL_HAVERSINE) {
		b.in2 = gi_chord2(b.d * GI_SURE_IN);
		b.out2 = b.d * GI_SURE_OUT / SPATIAL_GEO_A_KM >= M_PI
			     ? 5.0
			     : gi_chord2(b.d * GI_SURE_OUT);
	} else {
		b.in2 = b.d * b.d;
	}
	return b;
}

/* Grid cube side: at least the search radius (chord on the unit sphere). */
static double gi_cell(const struct gi_band *b)
{
	if (b->metric == SPATIAL_HAVERSINE)
		return sqrt(b->out2);
	return b->d;
}

/* Is j (original index oj, grid coordinates q) in the band of i? */
static int gi_in_band(const struct gi_band *b, const double *p, const double *q, size_t oi,
		      size_t oj)
{
	double dx = p[0] - q[0], dy = p[1] - q[1];
	if (b->metric == SPATIAL_EUCLIDEAN)
		return dx * dx + dy * dy <= b->in2;
	double dz = p[2] - q[2];
	double c2 = dx * dx + dy * dy + dz * dz;
	if (c2 <= b->in2)
		return 1;
	if (c2 > b->out2)
		return 0;
	return spatial_geo_km(b->x[oi], b->y[oi], b->x[oj], b->y[oj]) <= b->d;
}

/* Sum of the values in the band of every point, and the band sizes. The
 * values are read in grid order so that neighbours are near in memory; a
 * band sum of doubles is exact enough (R's own lag sum is in doubles). */
static void gi_bands(const struct spatial_grid *g, const struct gi_band *b, const double *vs,
		     size_t n, double *lx, size_t *w)
{
	int dim = b->metric == SPATIAL_HAVERSINE ? 3 : 2;
	const size_t *order = spatial_grid_order(g);
	const double *coords = spatial_grid_coords(g);
	struct spatial_span spans[SPATIAL_GRID_SPANS];
	for (size_t k = 0; k < n; k++) {
		const double *p = coords + (size_t)dim * k;
		size_t ns = spatial_grid_near(g, p, spans);
		double sum = 0.0;
		size_t count = 0;
		for (size_t s = 0; s < ns; s++) {
			size_t end = spans[s].start + spans[s].count;
			if (b->metric == SPATIAL_EUCLIDEAN) {
				/* branch-free: about a third of the candidates are in */
				for (size_t j = spans[s].start; j < end; j++) {
					double dx = p[0] - coords[2 * j],
					       dy = p[1] - coords[2 * j + 1];
					int in = dx * dx + dy * dy <= b->in2;
					sum += vs[j] * (double)in; /* values are finite */
					count += (size_t)in;
				}
				continue;
			}
			for (size_t j = spans[s].start; j < end; j++) {
				if (gi_in_band(b, p, coords + 3 * j, order[k], order[j])) {
					sum += vs[j];
					count++;
				}
			}
		}
		lx[order[k]] = sum;
		w[order[k]] = count;
	}
}

/* The z-value from the band sums, as spdep computes it for Gi*. */
static void gi_scores(const double *value, size_t n, const double *lx, const size_t *w, double *z,
		      double *p)
{
	long double sum = 0.0L;
	for (size_t i = 0; i < n; i++)
		sum += value[i];
	long double mean = sum / (long double)n, ss = 0.0L;
	for (size_t i = 0; i < n; i++)
		ss += ((long double)value[i] - mean) * ((long double)value[i] - mean);
	long double s2 = ss / (long double)n, nn = (long double)n;
	for (size_t i = 0; i < n; i++) {
		long double wi = (long double)w[i];
		long double var = s2 * (nn * wi - wi * wi) / (nn - 1.0L);
		if (!(var > 0.0L)) {
			z[i] = p[i] = NAN;
			continue;
		}
		z[i] = (double)(((long double)lx[i] - wi * mean) / sqrtl(var));
		p[i] = stats_pnorm_upper(z[i]);
	}
}

int gistar_compute(const double *x, const double *y, const double *value, size_t n,
		   const struct gistar_params *params, double *z, double *p, size_t *card,
		   struct ts_error *err)
{
	int rc = gi_check(x, y, value, n, params, err);
	if (rc != TR_OK)
		return rc;
	struct gi_band band = gi_band_make(x, y, params);
	double *pts = gi_points(x, y, n, &band);
	double *lx = malloc(n * sizeof *lx);
	double *vs = malloc(n * sizeof *vs);
	size_t *w = card ? card : malloc(n * sizeof *w);
	struct spatial_grid *g = NULL;
	rc = pts && lx && vs && w ? TR_OK : TR_ERR_NOMEM;
	if (rc == TR_OK)
		rc = spatial_grid_build(pts, n, band.metric == SPATIAL_HAVERSINE ? 3 : 2,
					gi_cell(&band), &g);
	if (rc == TR_OK) {
		const size_t *order = spatial_grid_order(g);
		for (size_t k = 0; k < n; k++)
			vs[k] = value[order[k]];
		gi_bands(g, &band, vs, n, lx, w);
		gi_scores(value, n, lx, w, z, p);
	}
	spatial_grid_free(g);
	free(pts);
	free(lx);
	free(vs);
	if (w != card)
		free(w);
	return rc;
}
