#include "domain/analytics_hotspot.h"
#include "analytics/moran.h"
#include "core/err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HOT_CELLS_AUTO 20000 /* the most cells a data-chosen cell size makes */
#define HOT_BANDS 10	     /* distances tried by the incremental autocorrelation */

/* The order of the list: reported hot spots first, then by z. */
struct ah_rank {
	size_t cell;
	double z;
	int hot;
};

static int ah_rank_cmp(const void *a, const void *b)
{
	const struct ah_rank *p = a, *q = b;
	if (p->hot != q->hot)
		return q->hot - p->hot;
	double x = p->z, y = q->z;
	if (isnan(x) || isnan(y))
		return isnan(x) - isnan(y);
	return x < y ? 1 : x > y ? -1 : 0;
}

/* Whether cell k is a reported hot spot: high z, significant after the
 * correction, and enough records in the cell itself. A cell whose count is
 * shown as null is never one, so that min_count cannot be used to read the
 * hidden count back. */
static int ah_cell_hot(const struct ag_cells *c, size_t k, const struct ah_opts *o, int threshold)
{
	return c->z[k] > 0 && c->padj[k] < o->alpha && c->v[k] >= o->min_count &&
	       !aq_suppressed(c->v[k], c->foreign[k], threshold);
}

static json_t *ah_cell_json(const struct ag_grid *g, const struct ag_cells *c, size_t k,
			    const struct ah_opts *o, int threshold)
{
	size_t i = c->cell[k], r = i / g->cols, col = i % g->cols;
	double lat0 = g->lat0 + (double)r * g->dlat, lon0 = g->lon0 + (double)col * g->dlon;
	json_t *it = json_pack("{s:{s:f, s:f}, s:[f, f, f, f]}", "centre", "lat", c->y[k], "lon",
			       c->x[k], "bbox", lon0, lat0, lon0 + g->dlon, lat0 + g->dlat);
	aq_count_set(it, "count", c->v[k], c->foreign[k], threshold);
	json_object_set_new(it, "gi_star_z", aq_num_json(c->z[k]));
	json_object_set_new(it, "p", aq_num_json(c->p[k]));
	json_object_set_new(it, "p_adjusted", aq_num_json(c->padj[k]));
	json_object_set_new(it, "p_value", aq_num_json(c->p[k])); /* the name before p */
	json_object_set_new(it, "neighbours", json_integer((json_int_t)c->card[k]));
	json_object_set_new(it, "significant", json_boolean(c->padj[k] < o->alpha));
	json_object_set_new(it, "hot", json_boolean(ah_cell_hot(c, k, o, threshold)));
	return it;
}

/* The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^k (km) at least x: a
 * cell size that reads well and does not move with every record added. */
static double ah_nice_ceil(double x)
{
	static const double steps[] = {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10};
	double e = pow(10, floor(log10(x)));
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i] * e >= x * (1 - 1e-12))
			return steps[i] * e;
	return 10 * e;
}

/* The cell size from the data: the mean distance to the nearest record
 * that n records spread at random over the box would have (Clark and
 * Evans: 1 / (2 sqrt(density))), no finer than the coarsening grid and
 * coarse enough that the box holds at most HOT_CELLS_AUTO cells. */
static double ah_cell_auto(const double box[4], size_t n, double coarsen_km)
{
	double mid = (box[1] + box[3]) / 2 * M_PI / 180;
	double h = (box[3] - box[1]) * AG_KM_PER_DEG_LAT;
	double w = (box[2] - box[0]) * AG_KM_PER_DEG_LAT * fmax(cos(mid), 0.05);
	double area = fmax(h * w, 1e-6);
	double nn = 0.5 * sqrt(area / (double)(n ? n : 1));
	double cap = sqrt(area / HOT_CELLS_AUTO) * 1.05;
	return fmin(500, ah_nice_ceil(fmax(fmax(nn, cap), fmax(coarsen_km, 0.05))));
}

const struct area_shape *ah_area(const struct outlines *o, const struct aq_filter *f, json_t *area)
{
	const struct area_shape *s = f->country ? outline_country(o, f->country) : outline_land(o);
	json_object_set_new(area, "kind",
			    json_string(s ? (f->country ? "country" : "land") : "box"));
	json_object_set_new(area, "country", f->country ? json_string(f->country) : json_null());
	if (s)
		json_object_set_new(area, "outline",
				    json_string("world-atlas 1:50m (Natural Earth)"));
	else
		json_object_set_new(
		    area, "reason",
		    json_string(o ? "no outline for this country: the box is the area"
				  : "no country outlines on this server: the box is the area"));
	return s;
}

/* The distance band from the data: global Moran's I of the cell counts at
 * HOT_BANDS distances from just over one cell, one cell apart; the first
 * peak of its z-score that is significant (z >= 1.96), else the largest
 * significant z, else (no spatial structure at any of these scales) one
 * and a half cells: a cell and the eight around it. */
static int ah_band_auto(const struct ag_cells *c, double cell_km, double *km, json_t *scale)
{
	double d[HOT_BANDS];
	struct moran_band b[HOT_BANDS];
	for (size_t k = 0; k < HOT_BANDS; k++)
		d[k] = cell_km * (1.01 + (double)k);
	struct ts_error err = {0};
	/* beyond HOT_CELLS_AUTO cells (a cell size the caller set) the ten
	 * bands would cost seconds: the fallback band, said in reason */
	int many = c->n > HOT_CELLS_AUTO;
	int rc = c->n >= 4 && !many
		     ? moran_bands(c->x, c->y, c->v, c->n, d, HOT_BANDS, SPATIAL_HAVERSINE, b, &err)
		     : TR_ERR_INVALID;
	if (rc == TR_ERR_NOMEM)
		return rc;
	json_t *cand = json_array();
	int peak = 0, best = rc ? -1 : moran_first_peak(b, HOT_BANDS, 1.96, &peak);
	for (size_t k = 0; !rc && k < HOT_BANDS; k++)
		json_array_append_new(cand,
				      json_pack("{s:f, s:o, s:o}", "distance_km", d[k], "moran_i",
						aq_num_json(b[k].i), "z", aq_num_json(b[k].z)));
	*km = best >= 0 ? d[best] : 1.5 * cell_km;
	json_object_set_new(scale, "candidates", cand);
	json_object_set_new(scale, "reason",
			    json_string(many	   ? "too_many_cells"
					: best < 0 ? "no_significant_autocorrelation"
					: peak	   ? "first_peak"
						   : "largest_z"));
	return TR_OK;
}

/* The total of records, null when it or the cells shown as null would
 * give away a small count (the total less the cells shown is theirs). */
static void ah_total_set(json_t *o, const struct ag_cells *c, double total, int threshold)
{
	double foreign = 0, hidden = 0, hidden_foreign = 0;
	for (size_t i = 0; i < c->n; i++) {
		foreign += c->foreign[i];
		if (aq_suppressed(c->v[i], c->foreign[i], threshold)) {
			hidden += c->v[i];
			hidden_foreign += c->foreign[i];
		}
	}
	int sup = aq_total_suppressed(total, foreign, hidden, hidden_foreign, threshold);
	json_object_set_new(o, "records", sup ? json_null() : json_integer((json_int_t)total));
	json_object_set_new(o, "suppressed", json_boolean(sup));
}

/* The cells listed: every cell with a record or significant, reported hot
 * spots first, then by z; *hot and *significant count them. */
static json_t *ah_items(const struct ag_grid *g, const struct ag_cells *c, const struct ah_opts *o,
			int threshold, size_t *hot, size_t *significant)
{
	struct ah_rank *order = malloc((c->n ? c->n : 1) * sizeof(*order));
	if (!order)
		return NULL;
	size_t m = 0;
	*hot = *significant = 0;
	for (size_t k = 0; k < c->n; k++) {
		int h = ah_cell_hot(c, k, o, threshold);
		*hot += (size_t)h;
		*significant += c->padj[k] < o->alpha;
		if (c->v[k] > 0 || c->padj[k] < o->alpha)
			order[m++] = (struct ah_rank){k, c->z[k], h};
	}
	qsort(order, m, sizeof(*order), ah_rank_cmp);
	json_t *items = json_array();
	for (size_t i = 0; i < m && i < (size_t)o->limit; i++)
		json_array_append_new(items, ah_cell_json(g, c, order[i].cell, o, threshold));
	free(order);
	return items;
}

static json_t *ah_scale_json(const struct ah_opts *o, double cell_km, double km)
{
	return json_pack("{s:f, s:f, s:s, s:s}", "cell_km", cell_km, "distance_km", km,
			 "cell_chosen", isnan(o->cell_km) ? "data" : "user", "chosen",
			 isnan(o->km) ? "data" : "user");
}

/* Gi* over the cells, as the answer names what stops it. */
static int ah_stats(struct ag_cells *c, double km, const struct ah_opts *o, struct aq_why *why)
{
	if (c->n < 2)
		return aq_why_set(why, "bbox", 0, "%s",
				  "the study area holds fewer than 2 cells: make cell_km smaller "
				  "or bbox larger");
	struct ts_error err = {0};
	int rc = ag_cells_gistar(c, km, 1, o->adjust, &err);
	if (rc == TR_ERR_INVALID)
		return aq_why_set(why, strcmp(err.column, "distance") == 0 ? "distance_km" : "bbox",
				  1, "%s", err.message);
	return rc;
}

/* The grid over the box, as the answer names what stops it. */
static int ah_grid(struct ag_grid *g, const double box[4], double cell_km, struct aq_why *why)
{
	int rc = ag_grid_over_box(g, box, cell_km);
	if (rc == TR_ERR_TOO_LARGE)
		return aq_why_set(why, "cell_km", 0, "%s",
				  "the area holds more than 100000 cells: make cell_km larger or "
				  "bbox smaller");
	if (rc)
		return aq_why_set(why, "cell_km", 0, "%s",
				  "the area holds a single cell: make cell_km smaller or bbox "
				  "larger");
	return TR_OK;
}

/* The cells, their distance band (*km, when not asked: scale says how it
 * was chosen) and Gi*. */
static int ah_compute(const struct ag_grid *g, const struct area_shape *shape,
		      const struct aq_records *r, const struct ah_opts *o, struct ag_cells *c,
		      double *km, json_t *scale, struct aq_why *why)
{
	int rc = ag_cells_fill(g, shape, r->v, r->n, INT64_MIN, c);
	if (!rc && isnan(*km))
		rc = ah_band_auto(c, g->km, km, scale);
	return rc ? rc : ah_stats(c, *km, o, why);
}

int ah_hotspots(const struct aq_question *q, const struct aq_records *r, const struct ah_opts *o,
		const struct area_shape *shape, json_t *area, json_t **out, double *radius_m,
		struct aq_why *why)
{
	if (r->n == 0) {
		json_decref(area);
		*out = json_pack("{s:s, s:o, s:I, s:b, s:[], s:i, s:i}", "source",
				 aq_sources[q->f.source], "distance_km", aq_num_json(o->km),
				 "records", (json_int_t)0, "suppressed", 0, "items",
				 "suppress_below", q->suppress_below, "hot_spots", 0);
		aq_window_set(*out, &q->f);
		*radius_m = 0;
		return TR_OK;
	}
	/* no cell finer than the grid other organisations' points were
	 * coarsened to: a smaller one would only scatter the same points */
	double coarsen_m = 0, box[4], cell_km = o->cell_km, km = o->km;
	for (size_t i = 0; i < r->n; i++)
		if (!r->v[i].own)
			coarsen_m = fmax(coarsen_m, r->v[i].grid_m);
	if (isnan(cell_km)) {
		ag_box_of(&q->f, r, 0, box);
		cell_km = ah_cell_auto(box, r->n, coarsen_m / 1000);
	}
	cell_km = fmax(cell_km, coarsen_m / 1000);
	struct ag_grid g;
	struct ag_cells c = {0};
	ag_box_of(&q->f, r, cell_km, box);
	int rc = ah_grid(&g, box, cell_km, why);
	json_t *scale = json_object(), *items = NULL;
	if (!rc)
		rc = ah_compute(&g, shape, r, o, &c, &km, scale, why);
	size_t hot, sig;
	int thr = q->suppress_below;
	if (!rc && !(items = ah_items(&g, &c, o, thr, &hot, &sig)))
		rc = TR_ERR_NOMEM;
	if (rc) {
		ag_cells_free(&c);
		json_decref(area);
		json_decref(scale);
		return rc;
	}
	json_t *sc = ah_scale_json(o, cell_km, km);
	json_object_update(sc, scale);
	json_decref(scale);
	json_object_set_new(area, "cells", json_integer((json_int_t)c.n));
	*out = json_pack("{s:s, s:f, s:{s:f, s:i, s:i, s:[f, f, f, f], s:I}, s:o, s:o, s:o}",
			 "source", aq_sources[q->f.source], "distance_km", km, "grid", "cell_km",
			 cell_km, "rows", (int)g.rows, "cols", (int)g.cols, "bbox", box[0], box[1],
			 box[2], box[3], "coarsen_m", (json_int_t)coarsen_m, "area", area, "scale",
			 sc, "items", items);
	json_object_set_new(*out, "adjust", json_string(padjust_method_name(o->adjust)));
	json_object_set_new(*out, "alpha", json_real(o->alpha));
	json_object_set_new(*out, "min_count", json_integer(o->min_count));
	json_object_set_new(*out, "hot_spots", json_integer((json_int_t)hot));
	json_object_set_new(*out, "significant", json_integer((json_int_t)sig));
	ah_total_set(*out, &c, (double)r->n, thr);
	aq_window_set(*out, &q->f);
	json_object_set_new(*out, "suppress_below", json_integer(thr));
	ag_cells_free(&c);
	*radius_m = cell_km * 500;
	return TR_OK;
}
