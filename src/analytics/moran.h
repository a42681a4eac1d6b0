/** Global Moran's I over increasing distance bands: the incremental
 * spatial autocorrelation that chooses a distance band from the data (the
 * first distance whose z-score peaks, as ArcGIS Pro's Optimized Hot Spot
 * Analysis does). For each distance D_k the result equals R's
 *   spdep::moran.test(value, nb2listw(dnearneigh(coords, 0, D_k),
 *                     style = "W", zero.policy = TRUE),
 *                     randomisation = TRUE, zero.policy = TRUE)
 * (row-standardised binary band weights, the point itself not its own
 * neighbour, n reduced by the points without neighbours). Points at
 * distance 0 from each other (not the same point) are neighbours.
 * Pure computation, no I/O, no globals, thread-safe. */
#ifndef TR_ANALYTICS_MORAN_H
#define TR_ANALYTICS_MORAN_H

#include "analytics/spatial_geo.h"
#include "analytics/ts.h"

#include <stddef.h>

/** The most distances one call takes. */
#define MORAN_DISTANCES_MAX 32

/** Moran's I at one distance. NaN where undefined (fewer than 4 points
 * with a neighbour, or zero variance). */
struct moran_band {
	double distance;
	double i;	 /* Moran's I */
	double expected; /* -1 / (n - 1) */
	double variance; /* under randomisation */
	double z;	 /* (I - E[I]) / sqrt(Var[I]) */
	size_t isolated; /* points without a neighbour at this distance */
};

/** Computes Moran's I of value[0..n-1] at (x[i], y[i]) for the m distances
 * d[0] < d[1] < ... < d[m-1] (m <= MORAN_DISTANCES_MAX), into out[0..m-1].
 * Haversine: x = lon, y = lat, distances in km (as gistar.h). Returns
 * TR_OK, TR_ERR_NOMEM, or TR_ERR_INVALID with err filled for: fewer than 4
 * points, a non-finite or out-of-range coordinate or value, m out of range,
 * distances not finite, > 0 and increasing. */
int moran_bands(const double *x, const double *y, const double *value, size_t n, const double *d,
		size_t m, enum spatial_metric metric, struct moran_band *out /* OUT: m */,
		struct ts_error *err);

/** The index of the first peak of the z-scores at least min_z (z[k] >
 * z[k - 1] and z[k] >= z[k + 1]; the last distance is no peak: a peak
 * needs a fall after it), else of the largest z at least min_z, else -1
 * (no z is finite and at least min_z: no autocorrelation worth a scale).
 * *peak = 1 when a peak was found. */
int moran_first_peak(const struct moran_band *b, size_t m, double min_z, int *peak /* OUT */);

#endif
