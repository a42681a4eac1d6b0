/** Country outlines for the analytics' study area: the world-atlas
 * shapes the web map draws (Natural Earth 1:50m, TopoJSON, public domain),
 * read once at start from the web app's copy (web/vendor/countries-50m.json,
 * put there by scripts/web-vendor from npm's world-atlas). Only the OSCE
 * participating States and Partners (data/osce_countries.csv) are kept by
 * name, and the land as a whole. */
#ifndef TR_DOMAIN_OUTLINE_H
#define TR_DOMAIN_OUTLINE_H

#include "analytics/area.h"

struct outlines;

/** Reads the TopoJSON at path. TR_OK, TR_ERR_IO (no file), TR_ERR_JSON
 * (not world-atlas TopoJSON) or TR_ERR_NOMEM. The caller frees *out with
 * outline_free. */
int outline_load(const char *path, struct outlines **out /* OUT */);

/** Frees what outline_load built; NULL is allowed. */
void outline_free(struct outlines *o);

/** The shape of a country (ISO 3166-1 alpha-2), or NULL when o is NULL or
 * has none. Owned by o. */
const struct area_shape *outline_country(const struct outlines *o, const char *iso2);

/** The land of the world, or NULL when o is NULL. Owned by o. */
const struct area_shape *outline_land(const struct outlines *o);

#endif
