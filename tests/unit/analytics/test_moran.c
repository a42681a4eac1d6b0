/* Moran's I over distance bands against R: spdep::moran.test on the
 * vectors written by ref/make_moran_vectors.R, and the choice of the
 * first peak. */
#include "analytics/moran.h"
#include "core/err.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ref_table.h"

#define REF_DIR "tests/unit/analytics/ref/"
#define REL 1e-9 /* the variance cancels: R and C part at about 1e-11 */

static double rel_diff(double got, double want)
{
	if (isnan(got) || isnan(want))
		return isnan(got) && isnan(want) ? 0.0 : INFINITY;
	return fabs(got - want) / fmax(fabs(want), 1e-300);
}

/* Every distance of one case in one call, compared with R's rows. */
static void check_case(const struct ref_table *ref, size_t first, size_t end)
{
	const char *name = ref_str(ref, first, "case");
	char path[256];
	snprintf(path, sizeof path, REF_DIR "moran_%s.csv", name);
	struct ref_table pts;
	assert_int_equal(ref_table_load(path, &pts), 0);
	size_t n = pts.nrows, m = end - first;
	double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *v = malloc(n * sizeof *v);
	for (size_t i = 0; i < n; i++) {
		x[i] = ref_num(&pts, i, "x");
		y[i] = ref_num(&pts, i, "y");
		v[i] = ref_num(&pts, i, "value");
	}
	double d[MORAN_DISTANCES_MAX];
	for (size_t k = 0; k < m; k++)
		d[k] = ref_num(ref, first + k, "distance");
	enum spatial_metric metric = strcmp(ref_str(ref, first, "metric"), "haversine") == 0
					 ? SPATIAL_HAVERSINE
					 : SPATIAL_EUCLIDEAN;
	struct moran_band out[MORAN_DISTANCES_MAX];
	struct ts_error err = {0};
	assert_int_equal(moran_bands(x, y, v, n, d, m, metric, out, &err), TR_OK);
	static const char *const cols[] = {"I", "expectation", "variance", "z"};
	for (size_t k = 0; k < m; k++) {
		double got[] = {out[k].i, out[k].expected, out[k].variance, out[k].z};
		for (size_t c = 0; c < 4; c++) {
			double want = ref_num(ref, first + k, cols[c]);
			if (!(rel_diff(got[c], want) <= REL))
				fail_msg("%s d=%g %s: %.17g, R %.17g", name, d[k], cols[c], got[c],
					 want);
		}
	}
	free(x);
	free(y);
	free(v);
	ref_table_free(&pts);
}

static void test_moran_equals_spdep(void **state)
{
	(void)state;
	struct ref_table t;
	assert_int_equal(ref_table_load(REF_DIR "moran_ref.csv", &t), 0);
	size_t cases = 0;
	for (size_t first = 0, end; first < t.nrows; first = end) {
		end = first;
		while (end < t.nrows &&
		       strcmp(ref_str(&t, end, "case"), ref_str(&t, first, "case")) == 0)
			end++;
		check_case(&t, first, end);
		cases++;
	}
	assert_int_equal(cases, 3);
	ref_table_free(&t);
}

static void test_first_peak_is_chosen_not_the_largest(void **state)
{
	(void)state;
	struct moran_band b[5] = {{.z = 1}, {.z = 3}, {.z = 2}, {.z = 5}, {.z = 4}};
	int peak;
	assert_int_equal(moran_first_peak(b, 5, 0, &peak), 1);
	assert_int_equal(peak, 1);
	struct moran_band rising[3] = {{.z = 1}, {.z = 2}, {.z = 3}};
	assert_int_equal(moran_first_peak(rising, 3, 0, &peak), 2);
	assert_int_equal(peak, 0);
	struct moran_band none[2] = {{.z = NAN}, {.z = NAN}};
	assert_int_equal(moran_first_peak(none, 2, 0, &peak), -1);
	/* a peak below min_z is no peak; nothing at least min_z: none */
	assert_int_equal(moran_first_peak(b, 5, 4, &peak), 3);
	assert_int_equal(peak, 1);
	assert_int_equal(moran_first_peak(b, 5, 6, &peak), -1);
}

static void test_bad_input_is_refused(void **state)
{
	(void)state;
	double x[4] = {0, 1, 2, 3}, y[4] = {0, 0, 0, 0}, v[4] = {1, 2, 3, 4};
	double d[2] = {2, 1};
	struct moran_band out[2];
	struct ts_error err = {0};
	assert_int_equal(moran_bands(x, y, v, 4, d, 2, SPATIAL_EUCLIDEAN, out, &err),
			 TR_ERR_INVALID);
	assert_string_equal(err.column, "distance");
	assert_int_equal(moran_bands(x, y, v, 3, d, 1, SPATIAL_EUCLIDEAN, out, &err),
			 TR_ERR_INVALID);
	v[0] = NAN;
	d[0] = 0.5;
	assert_int_equal(moran_bands(x, y, v, 4, d, 1, SPATIAL_EUCLIDEAN, out, &err),
			 TR_ERR_INVALID);
	assert_string_equal(err.column, "value");
}

static void test_equal_values_give_nan_not_a_number(void **state)
{
	(void)state;
	double x[5] = {0, 1, 2, 3, 4}, y[5] = {0}, v[5] = {2, 2, 2, 2, 2}, d[1] = {1.5};
	struct moran_band out[1];
	assert_int_equal(moran_bands(x, y, v, 5, d, 1, SPATIAL_EUCLIDEAN, out, NULL), TR_OK);
	assert_true(isnan(out[0].z));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_moran_equals_spdep),
	    cmocka_unit_test(test_first_peak_is_chosen_not_the_largest),
	    cmocka_unit_test(test_bad_input_is_refused),
	    cmocka_unit_test(test_equal_values_give_nan_not_a_number),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
