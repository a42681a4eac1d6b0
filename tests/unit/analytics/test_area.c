/* Study areas: the even-odd rule on rings (holes, islands), the grid mask
 * equal to the point test, and the country outlines of world-atlas (when
 * scripts/web-vendor has copied them). */
#include "analytics/area.h"
#include "core/err.h"
#include "domain/outline.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

/* A 10 x 10 square with a 4 x 4 hole, and an island inside the hole. */
static double outer[] = {0, 0, 10, 0, 10, 10, 0, 10};
static double hole[] = {3, 3, 7, 3, 7, 7, 3, 7};
static double island[] = {4.5, 4.5, 5.5, 4.5, 5.5, 5.5, 4.5, 5.5};

static struct area_shape square(struct area_ring r[3])
{
	r[0] = (struct area_ring){4, outer, {0}};
	r[1] = (struct area_ring){4, hole, {0}};
	r[2] = (struct area_ring){4, island, {0}};
	for (int i = 0; i < 3; i++)
		area_ring_box(&r[i]);
	struct area_shape s = {3, r, {0}};
	area_shape_box(&s);
	return s;
}

static void test_holes_and_islands_by_even_odd(void **state)
{
	(void)state;
	struct area_ring r[3];
	struct area_shape s = square(r);
	assert_true(area_contains(&s, 1, 1));
	assert_false(area_contains(&s, 4, 4));
	assert_true(area_contains(&s, 5, 5));
	assert_false(area_contains(&s, 11, 5));
	assert_false(area_contains(&s, -1, 5));
}

static void test_grid_mask_equals_the_point_test(void **state)
{
	(void)state;
	struct area_ring r[3];
	struct area_shape s = square(r);
	double box[4] = {-2, -2, 12, 12};
	size_t rows = 28, cols = 35;
	double dlat = 14.0 / (double)rows, dlon = 14.0 / (double)cols;
	unsigned char *in = malloc(rows * cols);
	assert_int_equal(area_grid_mask(&s, box, dlat, dlon, rows, cols, in), 0);
	size_t inside = 0;
	for (size_t i = 0; i < rows; i++)
		for (size_t c = 0; c < cols; c++) {
			double lat = box[1] + ((double)i + 0.5) * dlat;
			double lon = box[0] + ((double)c + 0.5) * dlon;
			assert_int_equal(in[i * cols + c], area_contains(&s, lon, lat));
			inside += in[i * cols + c];
		}
	assert_true(inside > 0 && inside < rows * cols);
	free(in);
}

static void test_country_outlines_place_cities(void **state)
{
	(void)state;
	struct outlines *o;
	int rc = outline_load("web/vendor/countries-50m.json", &o);
	if (rc == TR_ERR_IO)
		skip(); /* scripts/web-vendor has not run */
	assert_int_equal(rc, TR_OK);
	const struct area_shape *at = outline_country(o, "AT"), *de = outline_country(o, "DE");
	assert_non_null(at);
	assert_non_null(de);
	assert_true(area_contains(at, 16.37, 48.21));  /* Vienna */
	assert_false(area_contains(at, 11.58, 48.14)); /* Munich */
	assert_true(area_contains(de, 11.58, 48.14));
	assert_false(area_contains(at, 9.0, 47.6)); /* Lake Constance, Swiss shore */
	const struct area_shape *land = outline_land(o);
	assert_non_null(land);
	assert_true(area_contains(land, 2.35, 48.86));	/* Paris */
	assert_false(area_contains(land, 5.0, 42.0));	/* the Mediterranean */
	assert_false(area_contains(land, -30.0, 45.0)); /* the Atlantic */
	assert_null(outline_country(o, "XX"));
	outline_free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_holes_and_islands_by_even_odd),
	    cmocka_unit_test(test_grid_mask_equals_the_point_test),
	    cmocka_unit_test(test_country_outlines_place_cities),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
