#include "domain/analytics_grid.h"
#include "analytics/gistar.h"
#include "core/err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int ag_grid_over_box(struct ag_grid *g, const double box[4], double cell_km)
{
	g->lat0 = box[1];
	g->lon0 = box[0];
	g->km = cell_km;
	g->dlat = cell_km / AG_KM_PER_DEG_LAT;
	double mid = (box[1] + box[3]) / 2 * M_PI / 180;
	g->dlon = g->dlat / fmax(cos(mid), 0.05);
	double rows = fmax(ceil((box[3] - box[1]) / g->dlat), 1);
	double cols = fmax(ceil((box[2] - box[0]) / g->dlon), 1);
	g->rows = g->cols = 0;
	if (rows * cols > AG_CELLS_MAX)
		return TR_ERR_TOO_LARGE;
	if (rows * cols < 2)
		return TR_ERR_INVALID;
	g->rows = (size_t)rows;
	g->cols = (size_t)cols;
	return TR_OK;
}

void ag_grid_over_records(struct ag_grid *g, const struct aq_record *v, size_t n, double cells,
			  double min_km, double max_km, size_t max_cells)
{
	const double km_per_deg = AQ_M_PER_DEG / 1000;
	double la0 = 90, la1 = -90, lo0 = 180, lo1 = -180;
	for (size_t i = 0; i < n; i++) {
		la0 = fmin(la0, v[i].lat);
		la1 = fmax(la1, v[i].lat);
		lo0 = fmin(lo0, v[i].lon);
		lo1 = fmax(lo1, v[i].lon);
	}
	double coslat = fmax(cos((la0 + la1) / 2 * M_PI / 180), 0.05);
	double area =
	    fmax((la1 - la0) * km_per_deg, 1) * fmax((lo1 - lo0) * km_per_deg * coslat, 1);
	g->km = fmin(fmax(sqrt(area / cells), min_km), max_km);
	for (;;) {
		g->dlat = g->km / km_per_deg;
		g->dlon = g->km / (km_per_deg * coslat);
		g->lat0 = la0 - g->dlat / 2;
		g->lon0 = lo0 - g->dlon / 2;
		g->rows = (size_t)((la1 - g->lat0) / g->dlat) + 1;
		g->cols = (size_t)((lo1 - g->lon0) / g->dlon) + 1;
		if (g->rows * g->cols <= max_cells)
			break;
		g->km *= 1.5;
	}
}

size_t ag_grid_cell(const struct ag_grid *g, double lat, double lon)
{
	double r = floor((lat - g->lat0) / g->dlat), c = floor((lon - g->lon0) / g->dlon);
	size_t ri = r < 0 ? 0 : r >= (double)g->rows ? g->rows - 1 : (size_t)r;
	size_t ci = c < 0 ? 0 : c >= (double)g->cols ? g->cols - 1 : (size_t)c;
	return ri * g->cols + ci;
}

void ag_grid_centre(const struct ag_grid *g, size_t i, double *lat, double *lon)
{
	*lat = fmin(fmax(g->lat0 + ((double)(i / g->cols) + 0.5) * g->dlat, -90), 90);
	*lon = fmin(fmax(g->lon0 + ((double)(i % g->cols) + 0.5) * g->dlon, -180), 180);
}

void ag_cells_free(struct ag_cells *c)
{
	free(c->x); /* one block for the doubles, x first */
	free(c->cell);
	free(c->card);
	memset(c, 0, sizeof(*c));
}

static int ag_cells_alloc(struct ag_cells *c, size_t n)
{
	double *d = calloc(7 * n, sizeof(double));
	c->cell = calloc(n, sizeof(size_t));
	c->card = calloc(n, sizeof(size_t));
	if (!d || !c->cell || !c->card) {
		free(d);
		return TR_ERR_NOMEM;
	}
	double **arrays[] = {&c->x, &c->y, &c->v, &c->foreign, &c->z, &c->p, &c->padj};
	for (size_t k = 0; k < 7; k++)
		*arrays[k] = d + k * n;
	return TR_OK;
}

/* The cells marked in in[0..n), compacted into c with their counts. */
static int ag_cells_compact(const struct ag_grid *g, const unsigned char *in, const double *v,
			    const double *fo, size_t n, struct ag_cells *c)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		m += in[i];
	int rc = ag_cells_alloc(c, m ? m : 1);
	if (rc)
		return rc;
	c->n = 0;
	for (size_t i = 0; i < n; i++) {
		if (!in[i])
			continue;
		size_t k = c->n++;
		c->cell[k] = i;
		ag_grid_centre(g, i, &c->y[k], &c->x[k]);
		c->v[k] = v[i];
		c->foreign[k] = fo[i];
	}
	return TR_OK;
}

int ag_cells_fill(const struct ag_grid *g, const struct area_shape *shape,
		  const struct aq_record *v, size_t n, int64_t since, struct ag_cells *c)
{
	size_t cells = g->rows * g->cols;
	unsigned char *in = malloc(cells ? cells : 1);
	double *cv = calloc(cells ? cells : 1, sizeof(double));
	double *fo = calloc(cells ? cells : 1, sizeof(double));
	int rc = in && cv && fo ? TR_OK : TR_ERR_NOMEM;
	memset(c, 0, sizeof(*c));
	double box[4] = {g->lon0, g->lat0, g->lon0 + (double)g->cols * g->dlon,
			 g->lat0 + (double)g->rows * g->dlat};
	if (!rc && shape && area_grid_mask(shape, box, g->dlat, g->dlon, g->rows, g->cols, in))
		rc = TR_ERR_NOMEM;
	if (!rc && !shape)
		memset(in, 1, cells);
	for (size_t i = 0; !rc && i < n; i++) {
		if (v[i].t < since)
			continue;
		size_t k = ag_grid_cell(g, v[i].lat, v[i].lon);
		cv[k] += 1;
		fo[k] += !v[i].own;
		in[k] = 1;
	}
	if (!rc)
		rc = ag_cells_compact(g, in, cv, fo, cells, c);
	free(in);
	free(cv);
	free(fo);
	return rc;
}

int ag_cells_gistar(struct ag_cells *c, double km, int two_sided, enum padjust_method adjust,
		    struct ts_error *err)
{
	struct gistar_params gp = {km, SPATIAL_HAVERSINE};
	int rc = gistar_compute(c->x, c->y, c->v, c->n, &gp, c->z, c->p, c->card, err);
	if (rc)
		return rc;
	for (size_t k = 0; two_sided && k < c->n; k++)
		c->p[k] = isnan(c->p[k]) ? NAN : fmin(1, 2 * fmin(c->p[k], 1 - c->p[k]));
	return padjust(c->p, c->n, adjust, c->padj) ? TR_ERR_NOMEM : TR_OK;
}

void ag_box_of(const struct aq_filter *f, const struct aq_records *r, double cell_km, double box[4])
{
	if (f->has_bbox) {
		memcpy(box, f->bbox, 4 * sizeof(double));
		return;
	}
	box[0] = box[1] = INFINITY;
	box[2] = box[3] = -INFINITY;
	for (size_t i = 0; i < r->n; i++) {
		box[0] = fmin(box[0], r->v[i].lon);
		box[1] = fmin(box[1], r->v[i].lat);
		box[2] = fmax(box[2], r->v[i].lon);
		box[3] = fmax(box[3], r->v[i].lat);
	}
	double pad = cell_km / AG_KM_PER_DEG_LAT / 2;
	box[0] = fmax(box[0] - pad, -180);
	box[1] = fmax(box[1] - pad, -90);
	box[2] = fmin(box[2] + pad, 180);
	box[3] = fmin(box[3] + pad, 90);
	aq_bbox_snap(box);
}
