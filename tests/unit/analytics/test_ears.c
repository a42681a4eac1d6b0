/* EARS C1/C2/C3 against R surveillance::earsC (ref/make_ts_vectors.R), and
 * the rejection of unusable input. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "analytics/ears.h"
#include "core/err.h"
#include "ref_table.h"

#define REF_DIR "tests/unit/analytics/ref/"
#define MAX_N 200

static enum ears_method method_parse(const char *s)
{
	return strcmp(s, "C1") == 0 ? EARS_C1 : strcmp(s, "C2") == 0 ? EARS_C2 : EARS_C3;
}

/* Runs every case of ears_cases.csv whose method is m and compares each
 * evaluated period with R's; returns the number of periods compared. */
static size_t check_method(enum ears_method m)
{
	struct ref_table series, cases, ref;
	assert_int_equal(ref_table_load(REF_DIR "ts_series.csv", &series), 0);
	assert_int_equal(ref_table_load(REF_DIR "ears_cases.csv", &cases), 0);
	assert_int_equal(ref_table_load(REF_DIR "ears_ref.csv", &ref), 0);
	size_t compared = 0, r = 0;
	for (size_t c = 0; c < cases.nrows; c++) {
		int id = (int)ref_num(&cases, c, "case");
		double x[MAX_N];
		struct ts_point out[MAX_N];
		size_t n = ref_series(&series, (int)ref_num(&cases, c, "series"), x, MAX_N);
		struct ears_opts o = {
		    .method = method_parse(ref_str(&cases, c, "method")),
		    .baseline = (size_t)ref_num(&cases, c, "baseline"),
		    .alpha = ref_num(&cases, c, "alpha"),
		    .min_sigma = ref_num(&cases, c, "min_sigma"),
		};
		size_t from = (size_t)ref_num(&cases, c, "from") - 1;
		while (r < ref.nrows && (int)ref_num(&ref, r, "case") < id)
			r++;
		if (o.method != m)
			continue;
		struct ts_error err = {0};
		assert_int_equal(ears_run(x, n, from, &o, out, &err), TR_OK);
		for (size_t t = 0; t < from; t++)
			assert_true(isnan(out[t].upperbound) && out[t].alarm == 0);
		for (; r < ref.nrows && (int)ref_num(&ref, r, "case") == id; r++) {
			size_t t = (size_t)ref_num(&ref, r, "t") - 1;
			double want = ref_num(&ref, r, "upperbound");
			double alarm = ref_num(&ref, r, "alarm");
			if (!ref_close(out[t].upperbound, want))
				fail_msg("case %d period %zu: upperbound %.17g, R %.17g", id, t + 1,
					 out[t].upperbound, want);
			assert_int_equal(out[t].alarm, isnan(alarm) ? 0 : (int)alarm);
			assert_int_equal(out[t].undecided, isnan(alarm)); /* R's NA */
			assert_true(isnan(out[t].expected));
			compared++;
		}
	}
	ref_table_free(&series);
	ref_table_free(&cases);
	ref_table_free(&ref);
	return compared;
}

static void c1_equals_r(void **state)
{
	assert_true(check_method(EARS_C1) > 1000);
}

static void c2_equals_r(void **state)
{
	assert_true(check_method(EARS_C2) > 1000);
}

static void c3_equals_r(void **state)
{
	assert_true(check_method(EARS_C3) > 1000);
}

/* A constant reference window with minSigma 0 makes C3's statistic 0/0;
 * R answers NA, and so must we, with no alarm. */
static void c3_zero_deviation_is_na(void **state)
{
	double x[20];
	struct ts_point out[20];
	struct ears_opts o;
	for (size_t i = 0; i < 20; i++)
		x[i] = 4;
	ears_opts_default(&o, EARS_C3);
	assert_int_equal(ears_run(x, 20, ears_min_from(&o), &o, out, NULL), TR_OK);
	assert_true(isnan(out[19].upperbound));
	assert_int_equal(out[19].alarm, 0);
}

static void defaults_follow_r(void **state)
{
	struct ears_opts o;
	ears_opts_default(&o, EARS_C1);
	assert_int_equal(o.baseline, 7);
	assert_true(o.alpha == 0.001 && o.min_sigma == 0.0);
	assert_int_equal(ears_min_from(&o), 7);
	ears_opts_default(&o, EARS_C2);
	assert_int_equal(ears_min_from(&o), 9);
	ears_opts_default(&o, EARS_C3);
	assert_true(o.alpha == 0.025);
	assert_int_equal(ears_min_from(&o), 11);
}

/* A spike far above a steady baseline raises a C1 alarm. */
static void c1_alarms_on_spike(void **state)
{
	double x[10] = {2, 3, 2, 4, 3, 2, 3, 40, 3, 2};
	struct ts_point out[10];
	struct ears_opts o;
	ears_opts_default(&o, EARS_C1);
	assert_int_equal(ears_run(x, 10, 7, &o, out, NULL), TR_OK);
	assert_int_equal(out[7].alarm, 1);
	assert_int_equal(out[8].alarm, 0);
}

/* Non-integer counts take the two-pass path instead of the running sums;
 * shifting every count by 0.25 must shift C1 and C2 bounds by 0.25 and leave
 * the C3 statistics alone, so both paths are checked against each other. */
static void fractional_counts_agree_with_integer_path(void **state)
{
	double x[60], y[60];
	struct ts_point a[60], b[60];
	for (size_t i = 0; i < 60; i++) {
		x[i] = (double)((i * 7919) % 13);
		y[i] = x[i] + 0.25;
	}
	for (int m = EARS_C1; m <= EARS_C3; m++) {
		struct ears_opts o;
		ears_opts_default(&o, (enum ears_method)m);
		size_t from = ears_min_from(&o);
		assert_int_equal(ears_run(x, 60, from, &o, a, NULL), TR_OK);
		assert_int_equal(ears_run(y, 60, from, &o, b, NULL), TR_OK);
		for (size_t t = from; t < 60; t++) {
			if (a[t].upperbound == 0.0) /* C3 clipped at 0 */
				continue;
			assert_true(fabs(b[t].upperbound - a[t].upperbound - 0.25) < 1e-9);
			assert_int_equal(a[t].alarm, b[t].alarm);
		}
	}
}

static void short_history_is_rejected(void **state)
{
	double x[12] = {0};
	struct ts_point out[12];
	struct ts_error err = {0};
	struct ears_opts o;
	ears_opts_default(&o, EARS_C3);
	assert_int_equal(ears_run(x, 12, 10, &o, out, &err), TR_ERR_INVALID);
	assert_string_equal(err.column, "from");
	assert_non_null(strstr(err.message, "history too short"));
}

static void from_past_end_is_rejected(void **state)
{
	double x[12] = {0};
	struct ts_point out[12];
	struct ts_error err = {0};
	struct ears_opts o;
	ears_opts_default(&o, EARS_C1);
	assert_int_equal(ears_run(x, 12, 12, &o, out, &err), TR_ERR_INVALID);
	assert_string_equal(err.column, "from");
}

static void negative_count_names_period(void **state)
{
	double x[12] = {1, 2, 3, 4, 5, -1, 7, 8, 9, 10, 11, 12};
	struct ts_point out[12];
	struct ts_error err = {0};
	struct ears_opts o;
	ears_opts_default(&o, EARS_C1);
	assert_int_equal(ears_run(x, 12, 7, &o, out, &err), TR_ERR_INVALID);
	assert_int_equal(err.row, 6);
	assert_string_equal(err.column, "count");
}

static void nonfinite_count_is_rejected(void **state)
{
	double x[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
	struct ts_point out[12];
	struct ts_error err = {0};
	struct ears_opts o;
	x[10] = NAN;
	ears_opts_default(&o, EARS_C1);
	assert_int_equal(ears_run(x, 12, 7, &o, out, &err), TR_ERR_INVALID);
	assert_int_equal(err.row, 11);
}

static void bad_options_are_rejected(void **state)
{
	double x[30] = {0};
	struct ts_point out[30];
	struct ts_error err = {0};
	struct ears_opts o;
	ears_opts_default(&o, EARS_C1);
	o.baseline = 2;
	assert_int_equal(ears_run(x, 30, 10, &o, out, &err), TR_ERR_INVALID);
	assert_string_equal(err.column, "baseline");
	ears_opts_default(&o, EARS_C1);
	o.alpha = 1.0;
	assert_int_equal(ears_run(x, 30, 10, &o, out, &err), TR_ERR_INVALID);
	assert_string_equal(err.column, "alpha");
	ears_opts_default(&o, EARS_C1);
	o.min_sigma = -1.0;
	assert_int_equal(ears_run(x, 30, 10, &o, out, &err), TR_ERR_INVALID);
	assert_string_equal(err.column, "min_sigma");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(c1_equals_r),
	    cmocka_unit_test(c2_equals_r),
	    cmocka_unit_test(c3_equals_r),
	    cmocka_unit_test(c3_zero_deviation_is_na),
	    cmocka_unit_test(defaults_follow_r),
	    cmocka_unit_test(c1_alarms_on_spike),
	    cmocka_unit_test(fractional_counts_agree_with_integer_path),
	    cmocka_unit_test(short_history_is_rejected),
	    cmocka_unit_test(from_past_end_is_rejected),
	    cmocka_unit_test(negative_count_names_period),
	    cmocka_unit_test(nonfinite_count_is_rejected),
	    cmocka_unit_test(bad_options_are_rejected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
