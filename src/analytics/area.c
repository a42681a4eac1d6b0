#include "analytics/area.h"

#include <math.h>
#include <stdlib.h>

void area_ring_box(struct area_ring *r)
{
	r->box[0] = r->box[1] = INFINITY;
	r->box[2] = r->box[3] = -INFINITY;
	for (size_t k = 0; k < r->n; k++) {
		r->box[0] = fmin(r->box[0], r->xy[2 * k]);
		r->box[1] = fmin(r->box[1], r->xy[2 * k + 1]);
		r->box[2] = fmax(r->box[2], r->xy[2 * k]);
		r->box[3] = fmax(r->box[3], r->xy[2 * k + 1]);
	}
}

void area_shape_box(struct area_shape *s)
{
	s->box[0] = s->box[1] = INFINITY;
	s->box[2] = s->box[3] = -INFINITY;
	for (size_t i = 0; i < s->nrings; i++)
		for (int k = 0; k < 4; k++)
			s->box[k] = k < 2 ? fmin(s->box[k], s->rings[i].box[k])
					  : fmax(s->box[k], s->rings[i].box[k]);
}

/* Edge (a, b) crosses the horizontal line at lat: its longitude there, the
 * half-open rule (one end strictly above) so a vertex is counted once. */
static int area_cross(const double *a, const double *b, double lat, double *x)
{
	if ((a[1] > lat) == (b[1] > lat))
		return 0;
	*x = a[0] + (lat - a[1]) * (b[0] - a[0]) / (b[1] - a[1]);
	return 1;
}

int area_contains(const struct area_shape *s, double lon, double lat)
{
	if (lon < s->box[0] || lon > s->box[2] || lat < s->box[1] || lat > s->box[3])
		return 0;
	int in = 0;
	for (size_t i = 0; i < s->nrings; i++) {
		const struct area_ring *r = &s->rings[i];
		if (lat < r->box[1] || lat > r->box[3] || lon < r->box[0])
			continue;
		for (size_t k = 0, j = r->n - 1; k < r->n; j = k++) {
			double x;
			if (area_cross(r->xy + 2 * j, r->xy + 2 * k, lat, &x) && lon < x)
				in = !in;
		}
	}
	return in;
}

static int area_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The crossings of row latitude lat, sorted, into xs; their number. */
static size_t area_row(const struct area_shape *s, double lat, double *xs)
{
	size_t m = 0;
	for (size_t i = 0; i < s->nrings; i++) {
		const struct area_ring *r = &s->rings[i];
		if (lat < r->box[1] || lat > r->box[3])
			continue;
		for (size_t k = 0, j = r->n - 1; k < r->n; j = k++)
			if (area_cross(r->xy + 2 * j, r->xy + 2 * k, lat, &xs[m]))
				m++;
	}
	qsort(xs, m, sizeof *xs, area_cmp);
	return m;
}

int area_grid_mask(const struct area_shape *s, const double box[4], double dlat, double dlon,
		   size_t rows, size_t cols, unsigned char *inside)
{
	size_t edges = 0;
	for (size_t i = 0; i < s->nrings; i++)
		edges += s->rings[i].n;
	double *xs = malloc((edges ? edges : 1) * sizeof *xs);
	if (!xs)
		return -1;
	for (size_t r = 0; r < rows; r++) {
		double lat = box[1] + ((double)r + 0.5) * dlat;
		size_t m = area_row(s, lat, xs), k = 0;
		for (size_t c = 0; c < cols; c++) {
			double lon = box[0] + ((double)c + 0.5) * dlon;
			while (k < m && xs[k] <= lon)
				k++;
			inside[r * cols + c] = (unsigned char)(k & 1);
		}
	}
	free(xs);
	return 0;
}
