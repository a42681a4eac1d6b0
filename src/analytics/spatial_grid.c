#include "analytics/spatial_grid.h"

#include "core/err.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* Cube coordinates are clamped here: far beyond any real extent, and small
 * enough that adding one never overflows. Clamping only merges far cubes,
 * which costs candidates, never correctness. */
#define GRID_COORD_MAX 4503599627370496.0 /* 2^52 */

struct spatial_grid {
	int dim;
	double cell;
	double lo[3];	/* lower corner of the data */
	size_t mask;	/* buckets - 1, a power of two minus one */
	size_t *start;	/* bucket b holds order[start[b] .. start[b + 1]) */
	size_t *order;	/* point indices by bucket */
	double *coords; /* coordinates by bucket */
};

static uint64_t grid_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static int64_t grid_coord(const struct spatial_grid *g, int k, double v)
{
	double c = floor((v - g->lo[k]) / g->cell);
	if (!(c >= 0.0))
		c = 0.0;
	if (c > GRID_COORD_MAX)
		c = GRID_COORD_MAX;
	return (int64_t)c;
}

static size_t grid_bucket(const struct spatial_grid *g, const int64_t c[3])
{
	uint64_t h = grid_mix((uint64_t)c[0] * 0x9e3779b97f4a7c15ULL);
	h = grid_mix(h ^ ((uint64_t)c[1] + 0x632be59bd9b4e019ULL));
	h = grid_mix(h ^ ((uint64_t)c[2] + 0x85157af5ULL));
	return (size_t)h & g->mask;
}

static size_t grid_point_bucket(const struct spatial_grid *g, const double *p)
{
	int64_t c[3] = {0, 0, 0};
	for (int k = 0; k < g->dim; k++)
		c[k] = grid_coord(g, k, p[k]);
	return grid_bucket(g, c);
}

static int grid_alloc(struct spatial_grid *g, size_t n)
{
	size_t buckets = 1;
	while (buckets < n && buckets < ((size_t)1 << 40))
		buckets <<= 1;
	g->mask = buckets - 1;
	g->start = calloc(buckets + 1, sizeof *g->start);
	g->order = malloc((n ? n : 1) * sizeof *g->order);
	g->coords = malloc((n ? n : 1) * (size_t)g->dim * sizeof *g->coords);
	return g->start && g->order && g->coords ? TR_OK : TR_ERR_NOMEM;
}

/* Counting sort of the points by bucket. */
static int grid_fill(struct spatial_grid *g, const double *pts, size_t n)
{
	size_t *bucket = malloc((n ? n : 1) * sizeof *bucket);
	if (!bucket)
		return TR_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		bucket[i] = grid_point_bucket(g, pts + (size_t)g->dim * i);
		g->start[bucket[i] + 1]++;
	}
	for (size_t b = 0; b <= g->mask; b++)
		g->start[b + 1] += g->start[b];
	for (size_t i = 0; i < n; i++) {
		size_t pos = g->start[bucket[i]]++;
		g->order[pos] = i;
		for (int k = 0; k < g->dim; k++)
			g->coords[(size_t)g->dim * pos + k] = pts[(size_t)g->dim * i + k];
	}
	/* the placement loop advanced each start to the next bucket's start */
	for (size_t b = g->mask + 1; b > 0; b--)
		g->start[b] = g->start[b - 1];
	g->start[0] = 0;
	free(bucket);
	return TR_OK;
}

int spatial_grid_build(const double *pts, size_t n, int dim, double cell, struct spatial_grid **out)
{
	*out = NULL;
	if ((dim != 2 && dim != 3) || !(cell > 0.0) || !isfinite(cell))
		return TR_ERR_INVALID;
	struct spatial_grid *g = calloc(1, sizeof *g);
	if (!g)
		return TR_ERR_NOMEM;
	g->dim = dim;
	g->cell = cell;
	for (int k = 0; k < dim; k++) {
		g->lo[k] = n ? pts[k] : 0.0;
		for (size_t i = 1; i < n; i++)
			g->lo[k] = fmin(g->lo[k], pts[(size_t)dim * i + k]);
	}
	int rc = grid_alloc(g, n);
	if (rc == TR_OK)
		rc = grid_fill(g, pts, n);
	if (rc != TR_OK) {
		spatial_grid_free(g);
		return rc;
	}
	*out = g;
	return TR_OK;
}

void spatial_grid_free(struct spatial_grid *g)
{
	if (!g)
		return;
	free(g->start);
	free(g->order);
	free(g->coords);
	free(g);
}

const size_t *spatial_grid_order(const struct spatial_grid *g)
{
	return g->order;
}

const double *spatial_grid_coords(const struct spatial_grid *g)
{
	return g->coords;
}

/* Adds bucket b unless already listed: two neighbouring cubes may share a
 * bucket, and listing it twice would count its points twice. */
static size_t grid_span_add(const struct spatial_grid *g, size_t b, struct spatial_span *out,
			    size_t *seen, size_t k)
{
	size_t count = g->start[b + 1] - g->start[b];
	if (count == 0)
		return k;
	for (size_t j = 0; j < k; j++)
		if (seen[j] == b)
			return k;
	seen[k] = b;
	out[k].start = g->start[b];
	out[k].count = count;
	return k + 1;
}

size_t spatial_grid_near(const struct spatial_grid *g, const double *p,
			 struct spatial_span out[SPATIAL_GRID_SPANS])
{
	int64_t c[3] = {0, 0, 0};
	for (int k = 0; k < g->dim; k++)
		c[k] = grid_coord(g, k, p[k]);
	int64_t dz = g->dim == 3 ? 1 : 0;
	size_t seen[SPATIAL_GRID_SPANS];
	size_t k = 0;
	for (int64_t a = -1; a <= 1; a++)
		for (int64_t b = -1; b <= 1; b++)
			for (int64_t z = -dz; z <= dz; z++) {
				int64_t q[3] = {c[0] + a, c[1] + b, c[2] + z};
				k = grid_span_add(g, grid_bucket(g, q), out, seen, k);
			}
	return k;
}
