/** The grid of cells the spatial analyses count records on, one for the
 * hot spots of the analytics endpoints (analytics_hotspot.c) and of the
 * early-warning signals (signal_space.c): a grid laid over a box or over
 * records, the cell a point falls in, the cells of a study area with their
 * counts, and Gi* over those cells. No I/O. */
#ifndef TR_DOMAIN_ANALYTICS_GRID_H
#define TR_DOMAIN_ANALYTICS_GRID_H

#include "analytics/area.h"
#include "analytics/padjust.h"
#include "analytics/ts.h"
#include "domain/analytics_q.h"

#include <stddef.h>
#include <stdint.h>

/** Rows of latitude step dlat from lat0, columns of longitude step dlon
 * from lon0; cell (r, c) has index r * cols + c. km: a cell's height. */
struct ag_grid {
	double lat0, lon0, dlat, dlon, km;
	size_t rows, cols;
};

/** The most cells a grid over a box may have. */
#define AG_CELLS_MAX 100000
/** Kilometres per degree of latitude of the grid over a box. */
#define AG_KM_PER_DEG_LAT 111.195

/** Lays cells of cell_km over box (min lon, min lat, max lon, max lat)
 * from its south-west corner: dlat = cell_km / AG_KM_PER_DEG_LAT, dlon =
 * dlat / cos(the box's middle latitude) (the cosine at least 0.05), as many
 * rows and columns as cover the box (one at least), so that cells are near
 * square in the box. TR_ERR_TOO_LARGE beyond AG_CELLS_MAX cells,
 * TR_ERR_INVALID for a single cell; *g is set either way. */
int ag_grid_over_box(struct ag_grid *g, const double box[4], double cell_km);

/** Lays a grid over records v[0..n) (n >= 1, located): their extent with
 * half a cell of margin on every side, cells of about sqrt(area / cells)
 * km (AQ_M_PER_DEG per degree) within [min_km, max_km], made 1.5 times
 * coarser until the grid has at most max_cells. */
void ag_grid_over_records(struct ag_grid *g, const struct aq_record *v, size_t n, double cells,
			  double min_km, double max_km, size_t max_cells);

/** The cell holding (lat, lon); a point outside the grid counts in the
 * nearest cell of its edge. */
size_t ag_grid_cell(const struct ag_grid *g, double lat, double lon);

/** The centre of cell i, within [-90, 90] x [-180, 180]. */
void ag_grid_centre(const struct ag_grid *g, size_t i, double *lat /* OUT */,
		    double *lon /* OUT */);

/** The cells of a study area, compacted: cell[k] is the grid index of the
 * k-th, the other arrays are by k (x, y its centre; v its records, foreign
 * those of other organisations than the caller's; z, p, padj and card of
 * Gi*). Free with ag_cells_free. */
struct ag_cells {
	size_t n;
	size_t *cell;
	double *x, *y, *v, *foreign, *z, *p, *padj;
	size_t *card;
};

/** Fills c with the cells of g inside shape (their centre inside; every
 * cell when shape is NULL) or holding a record, with the counts of the
 * records v[0..n) observed at since or later. */
int ag_cells_fill(const struct ag_grid *g, const struct area_shape *shape,
		  const struct aq_record *v, size_t n, int64_t since, struct ag_cells *c /* OUT */);
/** Frees what ag_cells_fill allocated and empties c. */
void ag_cells_free(struct ag_cells *c);

/** Gi* of the cells' counts within km (haversine) into z, p (its upper
 * tail; two_sided: 2 min(p, 1 - p), at most 1) and card, and p corrected
 * by adjust into padj. TR_ERR_INVALID (err says why) when Gi* cannot run
 * on these cells, TR_ERR_NOMEM. */
int ag_cells_gistar(struct ag_cells *c, double km, int two_sided, enum padjust_method adjust,
		    struct ts_error *err /* OUT */);

/** The box of an analysis: f's box when given, else the records' extent
 * widened by half a cell of cell_km and snapped to the grid of the
 * coarsening (aq_bbox_snap). */
void ag_box_of(const struct aq_filter *f, const struct aq_records *r, double cell_km,
	       double box[4] /* OUT */);

#endif
