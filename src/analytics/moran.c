#include "analytics/ts.h"
#include "analytics/moran.h"

#include "analytics/spatial_grid.h"
#include "core/err.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int mo_check(const double *x, const double *y, const double *value, size_t n,
		    const double *d, size_t m, enum spatial_metric metric, struct ts_error *err)
{
	if (n < 4)
		return ts_fail(err, 0, "", "%s", "Moran's I needs at least 4 points");
	if (m < 1 || m > MORAN_DISTANCES_MAX)
		return ts_fail(err, 0, "distance", "%s", "between 1 and 32 distances");
	for (size_t k = 0; k < m; k++)
		if (!isfinite(d[k]) || !(d[k] > 0) || (k && !(d[k] > d[k - 1])))
			return ts_fail(err, 0, "distance", "%s",
				       "distances must be finite, > 0 and increasing");
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(x[i]) || !isfinite(y[i]) ||
		    (metric == SPATIAL_HAVERSINE && (fabs(x[i]) > 180 || fabs(y[i]) > 90)))
			return ts_fail(err, i + 1, "x", "%s", "coordinate out of range");
		if (!isfinite(value[i]))
			return ts_fail(err, i + 1, "value", "%s", "value is not a finite number");
	}
	return TR_OK;
}

/* The search structure: plane points, or unit vectors searched by a chord
 * a little longer than the largest distance (exact test afterwards). */
struct mo_space {
	enum spatial_metric metric;
	const double *x, *y;
	struct spatial_grid *grid;
	int dim;
	double reach2; /* squared search radius in grid coordinates */
};

static int mo_space_make(struct mo_space *s, const double *x, const double *y, size_t n,
			 double dmax, enum spatial_metric metric)
{
	s->metric = metric;
	s->x = x;
	s->y = y;
	s->dim = metric == SPATIAL_HAVERSINE ? 3 : 2;
	double reach = dmax;
	if (metric == SPATIAL_HAVERSINE) {
		double half = fmin(dmax * 1.02 / SPATIAL_GEO_A_KM, M_PI) / 2;
		reach = 2 * sin(half);
		if (dmax * 1.02 / SPATIAL_GEO_A_KM >= M_PI)
			reach = 2.0001;
	}
	s->reach2 = reach * reach;
	double *pts = malloc(n * (size_t)s->dim * sizeof *pts);
	if (!pts)
		return TR_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		if (s->dim == 3)
			spatial_geo_unit(x[i], y[i], pts + 3 * i);
		else {
			pts[2 * i] = x[i];
			pts[2 * i + 1] = y[i];
		}
	}
	int rc = spatial_grid_build(pts, n, s->dim, reach, &s->grid);
	free(pts);
	return rc;
}

/* The first band index holding j as a neighbour of i, or m when none. */
static size_t mo_band_of(const struct mo_space *s, const double *p, const double *q, size_t oi,
			 size_t oj, const double *d, size_t m)
{
	double c2 = 0;
	for (int k = 0; k < s->dim; k++)
		c2 += (p[k] - q[k]) * (p[k] - q[k]);
	if (c2 > s->reach2)
		return m;
	double dist = s->metric == SPATIAL_HAVERSINE
			  ? spatial_geo_km(s->x[oi], s->y[oi], s->x[oj], s->y[oj])
			  : sqrt(c2);
	size_t k = 0;
	while (k < m && dist > d[k])
		k++;
	return k;
}

/* Walks every neighbour pair (i, j != i) within the largest distance;
 * visit(ctx, i, j, first band) in grid order of i. */
typedef void (*mo_visit_fn)(void *ctx, size_t i, size_t j, size_t band);

static void mo_pairs(const struct mo_space *s, size_t n, const double *d, size_t m,
		     mo_visit_fn visit, void *ctx)
{
	const size_t *order = spatial_grid_order(s->grid);
	const double *coords = spatial_grid_coords(s->grid);
	struct spatial_span spans[SPATIAL_GRID_SPANS];
	for (size_t a = 0; a < n; a++) {
		const double *p = coords + (size_t)s->dim * a;
		size_t ns = spatial_grid_near(s->grid, p, spans);
		for (size_t t = 0; t < ns; t++)
			for (size_t b = spans[t].start; b < spans[t].start + spans[t].count; b++) {
				if (b == a)
					continue;
				size_t k = mo_band_of(s, p, coords + (size_t)s->dim * b, order[a],
						      order[b], d, m);
				if (k < m)
					visit(ctx, order[a], order[b], k);
			}
	}
}

struct mo_acc {
	size_t n, m;
	size_t *card;	 /* card[k * n + i] */
	const double *z; /* deviations from the mean */
	double *lag;	 /* per i of the current walk: sum of z_j, band k */
	double *inv;	 /* per i: sum of 1 / card_j, band k */
	size_t cur;	 /* the i the sums belong to */
	long double *num, *s0, *s1, *s2;
};

static void mo_count(void *ctx, size_t i, size_t j, size_t band)
{
	struct mo_acc *a = ctx;
	(void)j;
	for (size_t k = band; k < a->m; k++)
		a->card[k * a->n + i]++;
}

/* Folds the sums of point i into the totals of every band. */
static void mo_flush(struct mo_acc *a, size_t i)
{
	for (size_t k = 0; k < a->m; k++) {
		size_t c = a->card[k * a->n + i];
		if (c) {
			long double w = 1.0L / (long double)c;
			a->num[k] += (long double)a->z[i] * a->lag[k] * w;
			a->s0[k] += 1;
			/* sum_j w_ij^2 + w_ij w_ji, and (row sum + column sum)^2 */
			a->s1[k] += w + w * a->inv[k];
			a->s2[k] += (1 + a->inv[k]) * (1 + a->inv[k]);
		}
		a->lag[k] = a->inv[k] = 0;
	}
}

static void mo_sum(void *ctx, size_t i, size_t j, size_t band)
{
	struct mo_acc *a = ctx;
	if (i != a->cur) {
		if (a->cur != (size_t)-1)
			mo_flush(a, a->cur);
		a->cur = i;
	}
	for (size_t k = band; k < a->m; k++) {
		a->lag[k] += a->z[j];
		a->inv[k] += 1.0 / (double)a->card[k * a->n + j];
	}
}

static void mo_finish(const struct mo_acc *a, const double *value, size_t k, long double zz,
		      long double z4, struct moran_band *o)
{
	size_t iso = 0;
	for (size_t i = 0; i < a->n; i++)
		iso += a->card[k * a->n + i] == 0;
	o->isolated = iso;
	long double n = (long double)(a->n - iso), s0 = a->s0[k];
	o->i = o->expected = o->variance = o->z = NAN;
	if (n < 4 || !(zz > 0))
		return;
	(void)value;
	long double K = (long double)a->n * z4 / (zz * zz);
	long double I = n / s0 * (a->num[k] / zz), EI = -1.0L / (n - 1);
	long double S02 = s0 * s0, S1 = a->s1[k], S2 = a->s2[k];
	long double VI = n * (S1 * (n * n - 3 * n + 3) - n * S2 + 3 * S02);
	long double tmp = K * (S1 * (n * n - n) - 2 * n * S2 + 6 * S02);
	VI = (VI - tmp) / ((n - 1) * (n - 2) * (n - 3) * S02) - EI * EI;
	o->i = (double)I;
	o->expected = (double)EI;
	o->variance = (double)VI;
	o->z = VI > 0 ? (double)((I - EI) / sqrtl(VI)) : NAN;
}

int moran_bands(const double *x, const double *y, const double *value, size_t n, const double *d,
		size_t m, enum spatial_metric metric, struct moran_band *out, struct ts_error *err)
{
	int rc = mo_check(x, y, value, n, d, m, metric, err);
	if (rc)
		return rc;
	struct mo_space s = {0};
	struct mo_acc a = {.n = n, .m = m};
	long double sums[4 * MORAN_DISTANCES_MAX] = {0};
	a.num = sums;
	a.s0 = sums + m;
	a.s1 = sums + 2 * m;
	a.s2 = sums + 3 * m;
	double lag[MORAN_DISTANCES_MAX] = {0}, inv[MORAN_DISTANCES_MAX] = {0};
	a.lag = lag;
	a.inv = inv;
	a.card = calloc(n * m, sizeof *a.card);
	double *z = malloc(n * sizeof *z);
	rc = a.card && z ? mo_space_make(&s, x, y, n, d[m - 1], metric) : TR_ERR_NOMEM;
	if (rc == TR_OK) {
		long double mean = 0, zz = 0, z4 = 0;
		for (size_t i = 0; i < n; i++)
			mean += value[i];
		mean /= (long double)n;
		for (size_t i = 0; i < n; i++) {
			z[i] = (double)((long double)value[i] - mean);
			zz += (long double)z[i] * z[i];
			z4 += (long double)z[i] * z[i] * z[i] * z[i];
		}
		a.z = z;
		mo_pairs(&s, n, d, m, mo_count, &a);
		a.cur = (size_t)-1; /* no point yet */
		mo_pairs(&s, n, d, m, mo_sum, &a);
		if (a.cur != (size_t)-1)
			mo_flush(&a, a.cur);
		for (size_t k = 0; k < m; k++) {
			out[k].distance = d[k];
			mo_finish(&a, value, k, zz, z4, &out[k]);
		}
	}
	spatial_grid_free(s.grid);
	free(a.card);
	free(z);
	return rc;
}

int moran_first_peak(const struct moran_band *b, size_t m, double min_z, int *peak)
{
	*peak = 0;
	for (size_t k = 1; k + 1 < m; k++)
		if (isfinite(b[k].z) && isfinite(b[k - 1].z) && b[k].z > b[k - 1].z &&
		    !(b[k + 1].z > b[k].z) && b[k].z >= min_z) {
			*peak = 1;
			return (int)k;
		}
	int best = -1;
	for (size_t k = 0; k < m; k++)
		if (isfinite(b[k].z) && b[k].z >= min_z && (best < 0 || b[k].z > b[best].z))
			best = (int)k;
	return best;
}
