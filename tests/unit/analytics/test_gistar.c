/* Gi*: equality with R spdep::localG on committed vectors, the grid
 * neighbour search against brute force, and rejection of bad input. */
#include "analytics/gistar.h"
#include "analytics/spatial_geo.h"
#include "core/err.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define REF_DIR "tests/unit/analytics/ref/"

struct ref_case {
	size_t n;
	double x[400], y[400], v[400], z[400];
};

/* Reads x,y,value,z rows written by make_gistar_vectors.R. */
static void ref_load(const char *name, struct ref_case *rc)
{
	char path[256], line[512];
	snprintf(path, sizeof path, REF_DIR "gistar_%s.csv", name);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f));
	rc->n = 0;
	while (fgets(line, sizeof line, f) && rc->n < 400) {
		char *s = line, *e;
		rc->x[rc->n] = strtod(s, &e);
		rc->y[rc->n] = strtod(e + 1, &e);
		rc->v[rc->n] = strtod(e + 1, &e);
		rc->z[rc->n] = strtod(e + 1, &e);
		rc->n++;
	}
	fclose(f);
	assert_true(rc->n > 0);
}

static void test_gistar_equals_spdep(void **state)
{
	(void)state;
	FILE *f = fopen(REF_DIR "gistar_cases.csv", "r");
	assert_non_null(f);
	char line[256];
	assert_non_null(fgets(line, sizeof line, f));
	int cases = 0;
	static struct ref_case rc;
	while (fgets(line, sizeof line, f)) {
		char name[64], metric[16];
		double d;
		assert_int_equal(sscanf(line, "%63[^,],%15[^,],%lf", name, metric, &d), 3);
		ref_load(name, &rc);
		struct gistar_params prm = {.distance = d,
					    .metric = strcmp(metric, "haversine") == 0
							  ? SPATIAL_HAVERSINE
							  : SPATIAL_EUCLIDEAN};
		double z[400], p[400];
		struct ts_error err;
		assert_int_equal(gistar_compute(rc.x, rc.y, rc.v, rc.n, &prm, z, p, NULL, &err),
				 TR_OK);
		for (size_t i = 0; i < rc.n; i++) {
			if (fabs(z[i] - rc.z[i]) > 1e-6 * fabs(rc.z[i]) + 1e-9)
				fail_msg("%s point %zu: z %.17g, R %.17g", name, i + 1, z[i],
					 rc.z[i]);
			assert_true(fabs(p[i] - 0.5 * erfc(z[i] / sqrt(2.0))) < 1e-15);
		}
		cases++;
	}
	fclose(f);
	assert_true(cases >= 8);
}

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double rng_unif(uint64_t *s, double lo, double hi)
{
	return lo + (hi - lo) * (double)(rng_next(s) >> 11) / 9007199254740992.0;
}

/* The grid must find exactly the points an O(n^2) scan finds. */
static void check_cards(const double *x, const double *y, size_t n, double d,
			enum spatial_metric metric)
{
	double *v = calloc(n, sizeof *v), *z = calloc(n, sizeof *z), *p = calloc(n, sizeof *p);
	size_t *card = malloc(n * sizeof *card);
	for (size_t i = 0; i < n; i++)
		v[i] = (double)(i % 7);
	struct gistar_params prm = {.distance = d, .metric = metric};
	assert_int_equal(gistar_compute(x, y, v, n, &prm, z, p, card, NULL), TR_OK);
	for (size_t i = 0; i < n; i++) {
		size_t want = 0;
		for (size_t j = 0; j < n; j++)
			want += spatial_geo_dist(metric, x[i], y[i], x[j], y[j]) <= d;
		if (card[i] != want)
			fail_msg("point %zu d %g: grid %zu, brute force %zu", i, d, card[i], want);
	}
	free(v), free(z), free(p), free(card);
}

static void test_gistar_grid_matches_brute_force_plane(void **state)
{
	(void)state;
	enum { N = 1500 };
	static double x[N], y[N];
	uint64_t s = 42;
	for (size_t i = 0; i < N; i++) {
		/* a dense blob, a sparse field, and exact duplicates */
		double spread = i % 3 == 0 ? 2.0 : 500.0;
		x[i] = i % 10 == 9 ? x[i - 1] : rng_unif(&s, -spread, spread);
		y[i] = i % 10 == 9 ? y[i - 1] : rng_unif(&s, -spread, spread);
	}
	const double ds[] = {0.05, 0.7, 13.0, 120.0, 5000.0};
	for (size_t k = 0; k < sizeof ds / sizeof ds[0]; k++)
		check_cards(x, y, N, ds[k], SPATIAL_EUCLIDEAN);
}

static void test_gistar_grid_matches_brute_force_sphere(void **state)
{
	(void)state;
	enum { N = 1200 };
	static double x[N], y[N];
	uint64_t s = 7;
	for (size_t i = 0; i < N; i++) {
		x[i] = rng_unif(&s, -180.0, 180.0);
		y[i] = i % 4 == 0 ? rng_unif(&s, 80.0, 90.0) : rng_unif(&s, -90.0, 90.0);
		if (i % 50 == 1) /* the same place written at both ends of the map */
			x[i] = 180.0, x[i - 1] = -180.0, y[i] = y[i - 1];
	}
	const double ds[] = {30.0, 400.0, 2500.0, 12000.0, 19990.0, 25000.0};
	for (size_t k = 0; k < sizeof ds / sizeof ds[0]; k++)
		check_cards(x, y, N, ds[k], SPATIAL_HAVERSINE);
}

static void test_gistar_full_band_is_nan(void **state)
{
	(void)state;
	double x[] = {0, 1, 2, 50}, y[] = {0, 0, 0, 0}, v[] = {1, 2, 3, 4}, z[4], p[4];
	struct gistar_params prm = {.distance = 100.0, .metric = SPATIAL_EUCLIDEAN};
	assert_int_equal(gistar_compute(x, y, v, 4, &prm, z, p, NULL, NULL), TR_OK);
	for (int i = 0; i < 4; i++)
		assert_true(isnan(z[i]) && isnan(p[i]));
	prm.distance = 5.0;
	assert_int_equal(gistar_compute(x, y, v, 4, &prm, z, p, NULL, NULL), TR_OK);
	assert_true(isfinite(z[0]) && isfinite(z[3]));
}

static void expect_invalid(double x, double y, double v, double d, enum spatial_metric m,
			   size_t row, const char *column)
{
	double xs[] = {1, x, 3}, ys[] = {1, y, 3}, vs[] = {1, v, 2}, z[3], p[3];
	struct gistar_params prm = {.distance = d, .metric = m};
	struct ts_error err;
	memset(&err, 0, sizeof err);
	assert_int_equal(gistar_compute(xs, ys, vs, 3, &prm, z, p, NULL, &err), TR_ERR_INVALID);
	assert_int_equal(err.row, row);
	assert_string_equal(err.column, column);
	assert_true(strlen(err.message) > 0);
}

static void test_gistar_rejects_bad_input(void **state)
{
	(void)state;
	expect_invalid(NAN, 2, 1, 5, SPATIAL_EUCLIDEAN, 2, "x");
	expect_invalid(2, INFINITY, 1, 5, SPATIAL_EUCLIDEAN, 2, "y");
	expect_invalid(2, 91, 1, 5, SPATIAL_HAVERSINE, 2, "y");
	expect_invalid(181, 2, 1, 5, SPATIAL_HAVERSINE, 2, "x");
	expect_invalid(2, 2, -1, 5, SPATIAL_EUCLIDEAN, 2, "value");
	expect_invalid(2, 2, NAN, 5, SPATIAL_EUCLIDEAN, 2, "value");
	expect_invalid(2, 2, 1, 0, SPATIAL_EUCLIDEAN, 0, "distance");
	expect_invalid(2, 2, 1, -3, SPATIAL_EUCLIDEAN, 0, "distance");
	expect_invalid(2, 2, 1, NAN, SPATIAL_EUCLIDEAN, 0, "distance");
	double x[] = {1, 2}, v[] = {4, 4}, z[2], p[2];
	struct gistar_params prm = {.distance = 1, .metric = SPATIAL_EUCLIDEAN};
	struct ts_error err;
	assert_int_equal(gistar_compute(x, x, v, 2, &prm, z, p, NULL, &err), TR_ERR_INVALID);
	assert_string_equal(err.column, "value"); /* all equal */
	assert_int_equal(gistar_compute(x, x, v, 1, &prm, z, p, NULL, &err), TR_ERR_INVALID);
	assert_int_equal(gistar_compute(x, x, v, 0, &prm, z, p, NULL, &err), TR_ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_gistar_equals_spdep),
	    cmocka_unit_test(test_gistar_grid_matches_brute_force_plane),
	    cmocka_unit_test(test_gistar_grid_matches_brute_force_sphere),
	    cmocka_unit_test(test_gistar_full_band_is_nan),
	    cmocka_unit_test(test_gistar_rejects_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
