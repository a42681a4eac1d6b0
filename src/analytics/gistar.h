/** Getis-Ord Gi* hot-spot statistic on points with binary distance-band
 * weights, the point itself included: the z-values equal R's
 *   spdep::localG(x, nb2listw(include.self(dnearneigh(coords, 0, D)),
 *                             style = "B"))
 * i.e. with W_i = number of points within D of i (i itself and exact
 * duplicates included), xbar the mean and s^2 = sum((x - xbar)^2) / n:
 *   z_i = (sum_{j in band} x_j - W_i xbar) / sqrt(s^2 (n W_i - W_i^2) / (n - 1)).
 * Pure computation, no I/O, no globals, thread-safe. */
#ifndef TR_ANALYTICS_GISTAR_H
#define TR_ANALYTICS_GISTAR_H

#include "analytics/spatial_geo.h"
#include "analytics/ts.h"

#include <stddef.h>

/** The distance band. */
struct gistar_params {
	double distance;	    /* band radius D > 0, inclusive (dist <= D) */
	enum spatial_metric metric; /* haversine: x = lon, y = lat, D in km */
};

/** Computes Gi* for n >= 2 points (x[i], y[i]) with values value[i] >= 0.
 * Writes z[i] (Gi* z-value) and p[i] = 1 - Phi(z[i]), the one-sided upper
 * tail p-value (hot spots are what prevention looks for; a cold-spot or
 * two-sided p is 1 - p[i] or 2 * min(p[i], 1 - p[i])). When the band of i
 * holds every point, Gi* is undefined (zero variance) and z[i] = p[i] =
 * NaN, as R gives NaN. card may be NULL; else card[i] = W_i. The caller
 * owns all arrays. Returns TR_OK, TR_ERR_NOMEM, or TR_ERR_INVALID with err
 * filled (err->row = 1-based point index, 0 when not tied to a point) for:
 * fewer than 2 points, a non-finite coordinate, |lat| > 90 or |lon| > 180
 * for haversine, a negative or non-finite value, all values equal, or a
 * distance that is not finite and > 0. */
int gistar_compute(const double *x, const double *y, const double *value, size_t n,
		   const struct gistar_params *params, double *z /* OUT: n */,
		   double *p /* OUT: n */, size_t *card /* OUT: n, or NULL */,
		   struct ts_error *err);

#endif
