#include "domain/outline.h"

#include "core/err.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* world-atlas names shapes by ISO 3166-1 numeric code: the States and
 * Partners of data/osce_countries.csv (as web/js/map.js). */
static const char *const outline_codes[][2] = {
    {"AL", "008"}, {"AD", "020"}, {"AM", "051"}, {"AT", "040"}, {"AZ", "031"}, {"BE", "056"},
    {"BY", "112"}, {"BA", "070"}, {"BG", "100"}, {"CA", "124"}, {"HR", "191"}, {"CY", "196"},
    {"CZ", "203"}, {"DK", "208"}, {"EE", "233"}, {"FI", "246"}, {"FR", "250"}, {"GE", "268"},
    {"DE", "276"}, {"GR", "300"}, {"VA", "336"}, {"HU", "348"}, {"IS", "352"}, {"IE", "372"},
    {"IT", "380"}, {"KZ", "398"}, {"KG", "417"}, {"LV", "428"}, {"LI", "438"}, {"LT", "440"},
    {"LU", "442"}, {"MT", "470"}, {"MD", "498"}, {"MC", "492"}, {"MN", "496"}, {"ME", "499"},
    {"NL", "528"}, {"MK", "807"}, {"NO", "578"}, {"PL", "616"}, {"PT", "620"}, {"RO", "642"},
    {"RU", "643"}, {"SM", "674"}, {"RS", "688"}, {"SK", "703"}, {"SI", "705"}, {"ES", "724"},
    {"SE", "752"}, {"CH", "756"}, {"TJ", "762"}, {"TR", "792"}, {"TM", "795"}, {"UA", "804"},
    {"GB", "826"}, {"US", "840"}, {"UZ", "860"}, {"AF", "004"}, {"AU", "036"}, {"JP", "392"},
    {"KR", "410"}, {"TH", "764"}, {"DZ", "012"}, {"EG", "818"}, {"IL", "376"}, {"JO", "400"},
    {"MA", "504"}, {"TN", "788"},
};
#define OUTLINE_N (sizeof(outline_codes) / sizeof(outline_codes[0]))

struct outlines {
	struct area_shape country[OUTLINE_N];
	struct area_shape land;
};

/* The arcs, decoded: arc a has pts[a] vertices at xy[a][2 k], [2 k + 1]. */
struct ol_arcs {
	size_t n;
	size_t *len;
	double **xy;
};

static void ol_arcs_free(struct ol_arcs *a)
{
	for (size_t i = 0; a->xy && i < a->n; i++)
		free(a->xy[i]);
	free(a->xy);
	free(a->len);
}

static int ol_arcs_read(json_t *topo, struct ol_arcs *a)
{
	json_t *arcs = json_object_get(topo, "arcs"), *tr = json_object_get(topo, "transform");
	json_t *sc = json_object_get(tr, "scale"), *tl = json_object_get(tr, "translate");
	if (!json_is_array(arcs) || json_array_size(sc) != 2 || json_array_size(tl) != 2)
		return TR_ERR_JSON;
	double s[2] = {json_number_value(json_array_get(sc, 0)),
		       json_number_value(json_array_get(sc, 1))};
	double t[2] = {json_number_value(json_array_get(tl, 0)),
		       json_number_value(json_array_get(tl, 1))};
	a->n = json_array_size(arcs);
	a->len = calloc(a->n ? a->n : 1, sizeof *a->len);
	a->xy = calloc(a->n ? a->n : 1, sizeof *a->xy);
	if (!a->len || !a->xy)
		return TR_ERR_NOMEM;
	for (size_t i = 0; i < a->n; i++) {
		json_t *arc = json_array_get(arcs, i);
		size_t m = json_array_size(arc);
		if (!(a->xy[i] = malloc((m ? m : 1) * 2 * sizeof(double))))
			return TR_ERR_NOMEM;
		a->len[i] = m;
		double q[2] = {0, 0}; /* quantised positions are delta-encoded */
		for (size_t k = 0; k < m; k++) {
			json_t *p = json_array_get(arc, k);
			for (int c = 0; c < 2; c++) {
				q[c] += json_number_value(json_array_get(p, (size_t)c));
				a->xy[i][2 * k + (size_t)c] = q[c] * s[c] + t[c];
			}
		}
	}
	return TR_OK;
}

/* One ring from its arc indices (~i: arc i reversed); consecutive arcs
 * share their joining vertex, kept once. */
static int ol_ring(const struct ol_arcs *a, json_t *idx, struct area_ring *r)
{
	size_t cap = 0;
	for (size_t i = 0; i < json_array_size(idx); i++) {
		json_int_t k = json_integer_value(json_array_get(idx, i));
		size_t arc = (size_t)(k < 0 ? ~k : k);
		if (arc >= a->n)
			return TR_ERR_JSON;
		cap += a->len[arc];
	}
	r->n = 0;
	if (!(r->xy = malloc((cap ? cap : 1) * 2 * sizeof(double))))
		return TR_ERR_NOMEM;
	for (size_t i = 0; i < json_array_size(idx); i++) {
		json_int_t k = json_integer_value(json_array_get(idx, i));
		size_t arc = (size_t)(k < 0 ? ~k : k), m = a->len[arc];
		for (size_t j = i ? 1 : 0; j < m; j++) {
			size_t v = k < 0 ? m - 1 - j : j;
			r->xy[2 * r->n] = a->xy[arc][2 * v];
			r->xy[2 * r->n + 1] = a->xy[arc][2 * v + 1];
			r->n++;
		}
	}
	area_ring_box(r);
	return TR_OK;
}

/* Appends the rings of a Polygon or MultiPolygon geometry to s. */
static int ol_shape_add(const struct ol_arcs *a, json_t *geom, struct area_shape *s)
{
	const char *type = json_string_value(json_object_get(geom, "type"));
	json_t *arcs = json_object_get(geom, "arcs");
	if (!type || !json_is_array(arcs))
		return TR_OK; /* a geometry without shape (null) */
	int multi = strcmp(type, "MultiPolygon") == 0;
	if (!multi && strcmp(type, "Polygon") != 0)
		return TR_OK;
	size_t polys = multi ? json_array_size(arcs) : 1;
	for (size_t p = 0; p < polys; p++) {
		json_t *rings = multi ? json_array_get(arcs, p) : arcs;
		for (size_t i = 0; i < json_array_size(rings); i++) {
			struct area_ring *v =
			    realloc(s->rings, (s->nrings + 1) * sizeof(struct area_ring));
			if (!v)
				return TR_ERR_NOMEM;
			s->rings = v;
			memset(&v[s->nrings], 0, sizeof(*v));
			int rc = ol_ring(a, json_array_get(rings, i), &v[s->nrings]);
			s->nrings++;
			if (rc)
				return rc;
		}
	}
	area_shape_box(s);
	return TR_OK;
}

static int ol_build(json_t *topo, struct outlines *o)
{
	struct ol_arcs a = {0};
	int rc = ol_arcs_read(topo, &a);
	json_t *objs = json_object_get(topo, "objects");
	json_t *geoms = json_object_get(json_object_get(objs, "countries"), "geometries");
	json_t *land = json_object_get(json_object_get(objs, "land"), "geometries");
	if (!rc && (!json_is_array(geoms) || !json_is_array(land)))
		rc = TR_ERR_JSON;
	for (size_t i = 0; !rc && i < json_array_size(geoms); i++) {
		json_t *g = json_array_get(geoms, i);
		const char *id = json_string_value(json_object_get(g, "id"));
		for (size_t k = 0; id && !rc && k < OUTLINE_N; k++)
			if (strcmp(outline_codes[k][1], id) == 0)
				rc = ol_shape_add(&a, g, &o->country[k]);
	}
	for (size_t i = 0; !rc && i < json_array_size(land); i++)
		rc = ol_shape_add(&a, json_array_get(land, i), &o->land);
	ol_arcs_free(&a);
	return rc;
}

int outline_load(const char *path, struct outlines **out)
{
	*out = NULL;
	json_error_t jerr;
	json_t *topo = json_load_file(path, 0, &jerr);
	if (!topo)
		return jerr.text[0] && strstr(jerr.text, "unable to open") ? TR_ERR_IO
									   : TR_ERR_JSON;
	struct outlines *o = calloc(1, sizeof(*o));
	int rc = o ? ol_build(topo, o) : TR_ERR_NOMEM;
	json_decref(topo);
	if (rc) {
		outline_free(o);
		return rc;
	}
	*out = o;
	return TR_OK;
}

static void ol_shape_free(struct area_shape *s)
{
	for (size_t i = 0; i < s->nrings; i++)
		free(s->rings[i].xy);
	free(s->rings);
}

void outline_free(struct outlines *o)
{
	if (!o)
		return;
	for (size_t k = 0; k < OUTLINE_N; k++)
		ol_shape_free(&o->country[k]);
	ol_shape_free(&o->land);
	free(o);
}

const struct area_shape *outline_country(const struct outlines *o, const char *iso2)
{
	for (size_t k = 0; o && iso2 && k < OUTLINE_N; k++)
		if (strcmp(outline_codes[k][0], iso2) == 0)
			return o->country[k].nrings ? &o->country[k] : NULL;
	return NULL;
}

const struct area_shape *outline_land(const struct outlines *o)
{
	return o && o->land.nrings ? &o->land : NULL;
}
