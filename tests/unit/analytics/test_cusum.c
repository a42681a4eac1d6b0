/* Poisson CUSUM against R surveillance::cusum (ref/make_ts_vectors.R), and
 * the rejection of unusable input. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "analytics/cusum.h"
#include "core/err.h"
#include "ref_table.h"

#define REF_DIR "tests/unit/analytics/ref/"
#define MAX_N 200

static const char *const trans_names[] = {
    [CUSUM_STANDARD] = "standard",	  [CUSUM_ROSSI] = "rossi",
    [CUSUM_ANSCOMBE] = "anscombe",	  [CUSUM_ANSCOMBE2ND] = "anscombe2nd",
    [CUSUM_PEARSON_NB] = "pearsonNegBin", [CUSUM_NONE] = "none",
};

/* Runs every case of cusum_cases.csv with transformation tr and compares
 * each evaluated period with R's; returns the number compared. */
static size_t check_trans(enum cusum_trans tr)
{
	struct ref_table series, cases, ref;
	assert_int_equal(ref_table_load(REF_DIR "ts_series.csv", &series), 0);
	assert_int_equal(ref_table_load(REF_DIR "cusum_cases.csv", &cases), 0);
	assert_int_equal(ref_table_load(REF_DIR "cusum_ref.csv", &ref), 0);
	size_t compared = 0, r = 0;
	for (size_t c = 0; c < cases.nrows; c++) {
		int id = (int)ref_num(&cases, c, "case");
		while (r < ref.nrows && (int)ref_num(&ref, r, "case") < id)
			r++;
		if (strcmp(ref_str(&cases, c, "trans"), trans_names[tr]) != 0)
			continue;
		double x[MAX_N];
		struct ts_point out[MAX_N];
		size_t n = ref_series(&series, (int)ref_num(&cases, c, "series"), x, MAX_N);
		struct cusum_opts o = {
		    .k = ref_num(&cases, c, "k"),
		    .h = ref_num(&cases, c, "h"),
		    .m = ref_num(&cases, c, "m"),
		    .trans = tr,
		    .alpha = ref_num(&cases, c, "alpha"),
		};
		size_t from = (size_t)ref_num(&cases, c, "from") - 1;
		struct ts_error err = {0};
		if (cusum_run(x, n, from, &o, out, &err) != TR_OK)
			fail_msg("case %d: %s", id, err.message);
		for (; r < ref.nrows && (int)ref_num(&ref, r, "case") == id; r++) {
			size_t t = (size_t)ref_num(&ref, r, "t") - 1;
			double want = ref_num(&ref, r, "upperbound");
			if (!ref_close(out[t].upperbound, want))
				fail_msg("case %d period %zu: upperbound %.17g, R %.17g", id, t + 1,
					 out[t].upperbound, want);
			if (out[t].alarm != (int)ref_num(&ref, r, "alarm"))
				fail_msg("case %d period %zu: alarm %d", id, t + 1, out[t].alarm);
			compared++;
		}
	}
	ref_table_free(&series);
	ref_table_free(&cases);
	ref_table_free(&ref);
	return compared;
}

static void standard_equals_r(void **state)
{
	assert_true(check_trans(CUSUM_STANDARD) > 400);
}

static void rossi_equals_r(void **state)
{
	assert_true(check_trans(CUSUM_ROSSI) > 400);
}

static void anscombe_equals_r(void **state)
{
	assert_true(check_trans(CUSUM_ANSCOMBE) > 400);
}

static void anscombe2nd_equals_r(void **state)
{
	assert_true(check_trans(CUSUM_ANSCOMBE2ND) > 400);
}

static void pearson_negbin_equals_r(void **state)
{
	assert_true(check_trans(CUSUM_PEARSON_NB) > 400);
}

static void none_equals_r(void **state)
{
	assert_true(check_trans(CUSUM_NONE) > 400);
}

static void defaults_follow_r(void **state)
{
	struct cusum_opts o;
	cusum_opts_default(&o);
	assert_true(o.k == 1.04 && o.h == 2.26 && o.alpha == 0.1);
	assert_true(isnan(o.m));
	assert_int_equal(o.trans, CUSUM_STANDARD);
	assert_int_equal(cusum_min_from(&o), 1);
	o.m = 3.0;
	assert_int_equal(cusum_min_from(&o), 0);
}

/* The sum restarts at 0 and grows only on counts above m + k sqrt(m). */
static void alarm_after_sustained_excess(void **state)
{
	double x[8] = {4, 4, 4, 4, 9, 9, 4, 4};
	struct ts_point out[8];
	struct cusum_opts o;
	cusum_opts_default(&o);
	assert_int_equal(cusum_run(x, 8, 4, &o, out, NULL), TR_OK);
	assert_int_equal(out[3].alarm, 0);
	assert_true(isnan(out[3].upperbound));
	/* m = 4: each 9 adds (9 - 4) / 2 - 1.04 = 1.46; h = 2.26 is reached at
	 * the second. The first bound is ceiling(2 (2.26 + 1.04) + 4). */
	assert_true(out[4].upperbound == 11.0);
	assert_int_equal(out[4].alarm, 0);
	assert_int_equal(out[5].alarm, 1);
}

static void zero_history_mean_is_rejected(void **state)
{
	double x[8] = {0, 0, 0, 0, 3, 1, 0, 0};
	struct ts_point out[8];
	struct ts_error err = {0};
	struct cusum_opts o;
	cusum_opts_default(&o);
	assert_int_equal(cusum_run(x, 8, 4, &o, out, &err), TR_ERR_INVALID);
	assert_string_equal(err.column, "m");
}

static void no_history_is_rejected(void **state)
{
	double x[4] = {1, 2, 3, 4};
	struct ts_point out[4];
	struct ts_error err = {0};
	struct cusum_opts o;
	cusum_opts_default(&o);
	assert_int_equal(cusum_run(x, 4, 0, &o, out, &err), TR_ERR_INVALID);
	assert_string_equal(err.column, "from");
}

static void negative_count_names_period(void **state)
{
	double x[4] = {1, 2, -3, 4};
	struct ts_point out[4];
	struct ts_error err = {0};
	struct cusum_opts o;
	cusum_opts_default(&o);
	assert_int_equal(cusum_run(x, 4, 1, &o, out, &err), TR_ERR_INVALID);
	assert_int_equal(err.row, 3);
	assert_string_equal(err.column, "count");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(standard_equals_r),
	    cmocka_unit_test(rossi_equals_r),
	    cmocka_unit_test(anscombe_equals_r),
	    cmocka_unit_test(anscombe2nd_equals_r),
	    cmocka_unit_test(pearson_negbin_equals_r),
	    cmocka_unit_test(none_equals_r),
	    cmocka_unit_test(defaults_follow_r),
	    cmocka_unit_test(alarm_after_sustained_excess),
	    cmocka_unit_test(zero_history_mean_is_rejected),
	    cmocka_unit_test(no_history_is_rejected),
	    cmocka_unit_test(negative_count_names_period),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
