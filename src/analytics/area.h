/** A study area: a set of closed rings of (lon, lat) vertices read with
 * the even-odd rule (a point is inside when a ray from it crosses the
 * rings an odd number of times), so holes and islands need no flags.
 * Used to keep a hot-spot grid to the cells whose centre lies in a
 * country. Pure computation, no I/O, no globals, thread-safe. */
#ifndef TR_ANALYTICS_AREA_H
#define TR_ANALYTICS_AREA_H

#include <stddef.h>

/** One ring: n vertices xy[2 k] = lon, xy[2 k + 1] = lat (the last need
 * not repeat the first), and its box (min lon, min lat, max lon, max lat). */
struct area_ring {
	size_t n;
	double *xy;
	double box[4];
};

/** A shape: rings and their overall box. Who owns the arrays is said by
 * whoever builds the shape. */
struct area_shape {
	size_t nrings;
	struct area_ring *rings;
	double box[4];
};

/** Sets ring->box from its vertices. */
void area_ring_box(struct area_ring *ring);

/** Sets shape->box from its rings' boxes (after area_ring_box). */
void area_shape_box(struct area_shape *s);

/** Whether (lon, lat) is inside s (even-odd over every ring). */
int area_contains(const struct area_shape *s, double lon, double lat);

/** Marks the cells of a grid whose centre is inside s: the grid has rows
 * x cols cells of dlat x dlon degrees from (box[0], box[1]) (min lon, min
 * lat), cell (r, c) at index r * cols + c with centre (box[0] + (c + 0.5)
 * dlon, box[1] + (r + 0.5) dlat); inside[i] is set to 1 or 0. One sweep
 * per row over the edges that cross it: rows x edges + cells, not cells x
 * edges. Returns 0, or -1 when out of memory (inside unspecified). */
int area_grid_mask(const struct area_shape *s, const double box[4], double dlat, double dlon,
		   size_t rows, size_t cols, unsigned char *inside /* OUT: rows * cols */);

#endif
