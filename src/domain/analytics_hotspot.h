/** Hot spots as ArcGIS Pro's Optimized Hot Spot Analysis finds them, over
 * the records a caller may see: the records counted on a grid of cells
 * inside the study area (the country's outline, else the land; the box
 * limits it), the cell size from the records' density and the distance
 * band from the first peak of global Moran's I over increasing distances
 * unless the caller sets them, Gi* with a two-sided p corrected for the
 * number of cells (Benjamini-Hochberg at 0.05 by default), and a hot spot
 * only where its own cell holds at least min_count records. Counts that
 * would reveal few records of other organisations are shown as null, and
 * so is the total that would give them back. No I/O. */
#ifndef TR_DOMAIN_ANALYTICS_HOTSPOT_H
#define TR_DOMAIN_ANALYTICS_HOTSPOT_H

#include "analytics/padjust.h"
#include "domain/analytics_grid.h"
#include "domain/analytics_q.h"
#include "domain/outline.h"

#include <jansson.h>

/** What the caller asked of the hot spots. */
struct ah_opts {
	double km, cell_km;	    /* NAN: chosen from the data */
	enum padjust_method adjust; /* bh unless asked */
	double alpha;		    /* the level of the corrected p (0.05) */
	int min_count;		    /* least records in a hot spot's own cell (3) */
	int limit;		    /* most items listed */
};

/** The study area of q: the country's outline, else the land, described
 * in area (kind, country, outline or the reason it is a box); NULL when
 * the server has no outline for it (the box is the area). */
const struct area_shape *ah_area(const struct outlines *o, const struct aq_filter *f, json_t *area);

/** The answer over the records r (located) that q's caller sees: grid,
 * scale, area (taken), items (at most o->limit: reported hot spots first,
 * then by z), totals. *radius_m: half a cell, the size the places of the
 * hot spots are said with (aq_places_name with flag "hot"). TR_ERR_INVALID
 * with why when the grid or Gi* cannot be made on this area;
 * TR_ERR_NOMEM. */
int ah_hotspots(const struct aq_question *q, const struct aq_records *r, const struct ah_opts *o,
		const struct area_shape *shape, json_t *area, json_t **out /* OUT */,
		double *radius_m /* OUT */, struct aq_why *why /* OUT */);

#endif
