/** A spatial hash grid for fixed-radius neighbour search: points are
 * bucketed by the cube of side `cell` that holds them, so every point
 * within `cell` of a query lies in one of the 3^dim cubes around it. Cubes
 * are hashed into n buckets, so sparse data costs no memory for empty
 * space; a bucket may hold points of several cubes, which only adds
 * candidates (callers always check the exact distance). */
#ifndef TR_ANALYTICS_SPATIAL_GRID_H
#define TR_ANALYTICS_SPATIAL_GRID_H

#include <stddef.h>

struct spatial_grid;

/** A run of candidates: positions [start, start + count) of the grid's
 * point order (spatial_grid_order). */
struct spatial_span {
	size_t start;
	size_t count;
};

/** Most spans a query returns (3 x 3 x 3 cubes). */
#define SPATIAL_GRID_SPANS 27

/** Builds a grid over n points of dimension dim (2 or 3) whose coordinates
 * are pts[dim * i + k]; cell > 0 must be at least the largest query radius.
 * The grid copies what it needs; free it with spatial_grid_free. Returns
 * TR_OK, TR_ERR_INVALID (bad dim or cell) or TR_ERR_NOMEM. */
int spatial_grid_build(const double *pts, size_t n, int dim, double cell,
		       struct spatial_grid **out /* OUT: owned by the caller */);

/** Frees a grid; NULL is allowed. */
void spatial_grid_free(struct spatial_grid *g);

/** The point indices in bucket order (length n): points of one cube are
 * adjacent, so walking this order gives cache-friendly queries. Owned by
 * the grid. */
const size_t *spatial_grid_order(const struct spatial_grid *g);

/** The coordinates in bucket order: point spatial_grid_order(g)[k] has
 * coordinates spatial_grid_coords(g)[dim * k + ...]. Owned by the grid. */
const double *spatial_grid_coords(const struct spatial_grid *g);

/** Fills out with the distinct buckets that may hold points within `cell`
 * of p (dim coordinates) and returns how many (at most
 * SPATIAL_GRID_SPANS). Each candidate is listed exactly once. */
size_t spatial_grid_near(const struct spatial_grid *g, const double *p,
			 struct spatial_span out[SPATIAL_GRID_SPANS]);

#endif
