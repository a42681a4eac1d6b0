/* Farrington flexible against R surveillance::farringtonFlexible: the
 * vectors in ref/ come from ref/make_farrington_vectors.R (6 series of 520
 * weeks, the last 104 evaluated, 13 option sets). Run from the repo root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/farrington.h"
#include "core/err.h"

#define REF_DIR "tests/unit/analytics/ref/"
enum { REF_WEEKS = 520, REF_SERIES_MAX = 8, REF_FROM = 416 };

struct ref_series {
	char name[16];
	double counts[REF_WEEKS];
};

struct ref_row {
	char optset[24];
	char series[16];
	long week; /* 1-based */
	double upper, expected;
	int alarm; /* -1 for NA */
};

struct ref_data {
	struct ref_series series[REF_SERIES_MAX];
	size_t nseries;
	struct ref_row *rows;
	size_t nrows, caprows;
};

/* Split line at commas into at most max fields, in place. */
static size_t csv_split(char *line, char **fields, size_t max)
{
	size_t n = 0;
	line[strcspn(line, "\r\n")] = '\0';
	char *p = line;
	while (n < max) {
		fields[n++] = p;
		char *comma = strchr(p, ',');
		if (!comma)
			break;
		*comma = '\0';
		p = comma + 1;
	}
	return n;
}

static double csv_number(const char *s)
{
	if (strcmp(s, "NA") == 0)
		return NAN;
	char *end;
	double v = strtod(s, &end);
	assert_true(end != s && *end == '\0');
	return v;
}

static void copy_name(char *dst, size_t cap, const char *src)
{
	size_t len = strlen(src);
	assert_true(len < cap);
	memcpy(dst, src, len + 1);
}

static struct ref_series *ref_series_find(struct ref_data *d, const char *name)
{
	for (size_t i = 0; i < d->nseries; i++)
		if (strcmp(d->series[i].name, name) == 0)
			return &d->series[i];
	return NULL;
}

static void ref_load_series(struct ref_data *d, const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[256], *fl[3];
	assert_non_null(fgets(line, sizeof line, f)); /* header */
	while (fgets(line, sizeof line, f)) {
		assert_int_equal(csv_split(line, fl, 3), 3);
		struct ref_series *s = ref_series_find(d, fl[0]);
		if (!s) {
			assert_true(d->nseries < REF_SERIES_MAX);
			s = &d->series[d->nseries++];
			copy_name(s->name, sizeof s->name, fl[0]);
		}
		long week = strtol(fl[1], NULL, 10);
		assert_true(week >= 1 && week <= REF_WEEKS);
		s->counts[week - 1] = csv_number(fl[2]);
	}
	fclose(f);
}

static void ref_load_rows(struct ref_data *d, const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[256], *fl[6];
	assert_non_null(fgets(line, sizeof line, f));
	while (fgets(line, sizeof line, f)) {
		assert_int_equal(csv_split(line, fl, 6), 6);
		if (d->nrows == d->caprows) {
			d->caprows = d->caprows ? 2 * d->caprows : 1024;
			d->rows = realloc(d->rows, d->caprows * sizeof *d->rows);
			assert_non_null(d->rows);
		}
		struct ref_row *r = &d->rows[d->nrows++];
		copy_name(r->optset, sizeof r->optset, fl[0]);
		copy_name(r->series, sizeof r->series, fl[1]);
		r->week = strtol(fl[2], NULL, 10);
		r->upper = csv_number(fl[3]);
		r->expected = csv_number(fl[4]);
		r->alarm = strcmp(fl[5], "NA") == 0 ? -1 : (int)strtol(fl[5], NULL, 10);
	}
	fclose(f);
}

static int group_setup(void **state)
{
	struct ref_data *d = calloc(1, sizeof *d);
	assert_non_null(d);
	ref_load_series(d, REF_DIR "farrington_series.csv");
	ref_load_rows(d, REF_DIR "farrington_ref.csv");
	*state = d;
	return 0;
}

static int group_teardown(void **state)
{
	struct ref_data *d = *state;
	free(d->rows);
	free(d);
	return 0;
}

/* The option sets of make_farrington_vectors.R, by the same names. */
static void opts_for(const char *name, struct far_opts *o)
{
	far_opts_default(o);
	if (strcmp(name, "noreweight") == 0)
		o->reweight = 0;
	else if (strcmp(name, "notrend") == 0)
		o->trend = 0;
	else if (strcmp(name, "pow12") == 0)
		o->powertrans = FAR_POW_12;
	else if (strcmp(name, "pownone") == 0)
		o->powertrans = FAR_POW_NONE;
	else if (strcmp(name, "periods10") == 0)
		o->no_periods = 10;
	else if (strcmp(name, "past26") == 0)
		o->past_weeks_not_included = 26;
	else if (strcmp(name, "nbplugin") == 0)
		o->threshold = FAR_THR_NBPLUGIN;
	else if (strcmp(name, "muan") == 0)
		o->threshold = FAR_THR_MUAN;
	else if (strcmp(name, "alpha01") == 0)
		o->alpha = 0.01;
	else if (strcmp(name, "b3w2") == 0) {
		o->b = 3;
		o->w = 2;
		o->past_weeks_not_included = 2; /* R's NULL means w */
	} else if (strcmp(name, "periods4past0") == 0) {
		o->no_periods = 4;
		o->past_weeks_not_included = 0;
	} else if (strcmp(name, "periods10muan") == 0) {
		o->no_periods = 10;
		o->threshold = FAR_THR_MUAN;
	} else if (strcmp(name, "limit32") == 0) {
		o->limit54_cases = 3;
		o->limit54_weeks = 2;
	} else
		assert_string_equal(name, "defaults");
}

static int same_value(double got, double want)
{
	if (isnan(want))
		return isnan(got);
	return fabs(got - want) <= 1e-6 * fabs(want) + 1e-12;
}

static int row_matches(const struct ref_row *r, const struct ts_point *p)
{
	int want_alarm = r->alarm < 0 ? 0 : r->alarm; /* R's NA alarm is no alarm */
	if (same_value(p->upperbound, r->upper) && same_value(p->expected, r->expected) &&
	    p->alarm == want_alarm && p->undecided == (r->alarm < 0))
		return 1;
	print_error("%s %s week %ld: upper %.17g (R %.17g) expected %.17g (R %.17g) "
		    "alarm %d (R %d)\n",
		    r->optset, r->series, r->week, p->upperbound, r->upper, p->expected,
		    r->expected, p->alarm, r->alarm);
	return 0;
}

/* Run every series with the named option set; compare each reference row;
 * returns how many rows had no bound and R's alarm FALSE (the limit54 rule). */
static size_t check_optset(struct ref_data *d, const char *name)
{
	struct far_opts o;
	opts_for(name, &o);
	struct ts_point out[REF_WEEKS];
	size_t compared = 0, bad = 0, ruled = 0;
	for (size_t s = 0; s < d->nseries; s++) {
		struct ts_error err = {0};
		int rc = far_run(d->series[s].counts, REF_WEEKS, REF_FROM, &o, out, &err);
		assert_int_equal(rc, TR_OK);
		for (size_t i = 0; i < d->nrows; i++) {
			const struct ref_row *r = &d->rows[i];
			if (strcmp(r->optset, name) || strcmp(r->series, d->series[s].name))
				continue;
			compared++;
			bad += !row_matches(r, &out[r->week - 1]);
			ruled += isnan(r->upper) && r->alarm == 0;
		}
	}
	assert_int_equal(compared, d->nseries * (REF_WEEKS - REF_FROM));
	assert_int_equal(bad, 0);
	return ruled;
}

#define OPTSET_TEST(name)                                                                          \
	static void test_##name##_equal_r(void **state)                                            \
	{                                                                                          \
		check_optset(*state, #name);                                                       \
	}
OPTSET_TEST(defaults)
OPTSET_TEST(noreweight)
OPTSET_TEST(notrend)
OPTSET_TEST(pow12)
OPTSET_TEST(pownone)
OPTSET_TEST(periods10)
OPTSET_TEST(past26)
OPTSET_TEST(nbplugin)
OPTSET_TEST(muan)
OPTSET_TEST(alpha01)
OPTSET_TEST(b3w2)
OPTSET_TEST(periods4past0)
OPTSET_TEST(periods10muan)

/* The limit54 rule: with fewer than 5 cases in the last 4 weeks R gives no
 * bound and the alarm FALSE (not NA), even for 4 cases after 3 empty weeks. */
static void test_limit54_no_bound_is_no_alarm_as_r(void **state)
{
	(void)state;
	struct ref_data *d = calloc(1, sizeof *d);
	assert_non_null(d);
	ref_load_series(d, REF_DIR "farrington_limit54_series.csv");
	ref_load_rows(d, REF_DIR "farrington_limit54_ref.csv");
	static const char *const sets[] = {"defaults", "nbplugin", "muan", "limit32"};
	size_t ruled = 0;
	for (size_t k = 0; k < sizeof sets / sizeof sets[0]; k++)
		ruled += check_optset(d, sets[k]);
	assert_true(ruled > 100);
	struct far_opts o;
	far_opts_default(&o);
	struct ts_point out[REF_WEEKS];
	const struct ref_series *sparse = ref_series_find(d, "sparse");
	assert_non_null(sparse);
	assert_true(sparse->counts[449] == 4.0);
	assert_int_equal(far_run(sparse->counts, REF_WEEKS, REF_FROM, &o, out, NULL), TR_OK);
	assert_true(isnan(out[449].upperbound));
	assert_int_equal(out[449].alarm, 0);
	assert_int_equal(out[449].undecided, 0);
	assert_int_equal(out[469].alarm, 1); /* 5 cases after 3 empty weeks */
	free(d->rows);
	free(d);
}

static void test_opts_default_are_r_defaults(void **state)
{
	struct far_opts o;
	far_opts_default(&o);
	assert_int_equal(o.frequency, 52);
	assert_int_equal(o.b, 5);
	assert_int_equal(o.w, 3);
	assert_true(o.alpha == 0.05);
	assert_true(o.reweight);
	assert_true(o.weights_threshold == 2.58);
	assert_true(o.trend);
	assert_true(o.p_threshold_trend == 0.05);
	assert_int_equal(o.limit54_cases, 5);
	assert_int_equal(o.limit54_weeks, 4);
	assert_int_equal(o.powertrans, FAR_POW_23);
	assert_int_equal(o.no_periods, 1);
	assert_int_equal(o.past_weeks_not_included, 3);
	assert_int_equal(o.threshold, FAR_THR_DELTA);
}

static void test_min_from_is_b_years_and_w(void **state)
{
	struct far_opts o;
	far_opts_default(&o);
	assert_int_equal(far_min_from(&o), 52 * 5 + 3); /* R's range starts at 264 */
}

static void test_short_history_is_invalid(void **state)
{
	struct ref_data *d = *state;
	struct far_opts o;
	far_opts_default(&o);
	struct ts_point out[REF_WEEKS];
	struct ts_error err = {0};
	size_t n = far_min_from(&o); /* one period short */
	assert_int_equal(far_run(d->series[0].counts, n, n - 1, &o, out, &err), TR_ERR_INVALID);
	assert_non_null(strstr(err.message, "history too short"));
}

static void test_from_before_min_is_invalid(void **state)
{
	struct ref_data *d = *state;
	struct far_opts o;
	far_opts_default(&o);
	struct ts_point out[REF_WEEKS];
	struct ts_error err = {0};
	assert_int_equal(
	    far_run(d->series[0].counts, REF_WEEKS, far_min_from(&o) - 1, &o, out, &err),
	    TR_ERR_INVALID);
}

static void test_negative_count_is_invalid_with_row(void **state)
{
	struct ref_data *d = *state;
	struct far_opts o;
	far_opts_default(&o);
	double counts[REF_WEEKS];
	memcpy(counts, d->series[0].counts, sizeof counts);
	counts[99] = -1.0;
	struct ts_point out[REF_WEEKS];
	struct ts_error err = {0};
	assert_int_equal(far_run(counts, REF_WEEKS, REF_FROM, &o, out, &err), TR_ERR_INVALID);
	assert_int_equal(err.row, 100);
	assert_string_equal(err.column, "count");
}

static void test_missing_count_is_invalid(void **state)
{
	struct ref_data *d = *state;
	struct far_opts o;
	far_opts_default(&o);
	double counts[REF_WEEKS];
	memcpy(counts, d->series[0].counts, sizeof counts);
	counts[500] = NAN;
	struct ts_point out[REF_WEEKS];
	struct ts_error err = {0};
	assert_int_equal(far_run(counts, REF_WEEKS, REF_FROM, &o, out, &err), TR_ERR_INVALID);
	assert_int_equal(err.row, 501);
}

static void test_too_many_periods_is_invalid(void **state)
{
	struct ref_data *d = *state;
	struct far_opts o;
	far_opts_default(&o);
	o.no_periods = 52 - 2 * 3 + 1;
	struct ts_point out[REF_WEEKS];
	struct ts_error err = {0};
	assert_int_equal(far_run(d->series[0].counts, REF_WEEKS, REF_FROM, &o, out, &err),
			 TR_ERR_INVALID);
	assert_string_equal(err.column, "no_periods");
}

static void test_alpha_out_of_range_is_invalid(void **state)
{
	struct ref_data *d = *state;
	struct far_opts o;
	far_opts_default(&o);
	o.alpha = 1.0;
	struct ts_point out[REF_WEEKS];
	assert_int_equal(far_run(d->series[0].counts, REF_WEEKS, REF_FROM, &o, out, NULL),
			 TR_ERR_INVALID);
}

static void test_periods_before_from_are_empty(void **state)
{
	struct ref_data *d = *state;
	struct far_opts o;
	far_opts_default(&o);
	struct ts_point out[REF_WEEKS];
	assert_int_equal(far_run(d->series[0].counts, REF_WEEKS, REF_FROM, &o, out, NULL), TR_OK);
	for (size_t i = 0; i < REF_FROM; i++) {
		assert_true(isnan(out[i].expected) && isnan(out[i].upperbound));
		assert_int_equal(out[i].alarm, 0);
	}
	assert_false(isnan(out[REF_FROM].upperbound));
}

static void test_all_zero_series_has_no_bound(void **state)
{
	struct far_opts o;
	far_opts_default(&o);
	double counts[300] = {0};
	struct ts_point out[300];
	assert_int_equal(far_run(counts, 300, far_min_from(&o), &o, out, NULL), TR_OK);
	for (size_t i = far_min_from(&o); i < 300; i++) {
		assert_true(isnan(out[i].upperbound)); /* limit54: under 5 cases in 4 weeks */
		assert_int_equal(out[i].alarm, 0);
		assert_int_equal(out[i].undecided, 0); /* R: FALSE, not NA */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults_equal_r),
	    cmocka_unit_test(test_noreweight_equal_r),
	    cmocka_unit_test(test_notrend_equal_r),
	    cmocka_unit_test(test_pow12_equal_r),
	    cmocka_unit_test(test_pownone_equal_r),
	    cmocka_unit_test(test_periods10_equal_r),
	    cmocka_unit_test(test_past26_equal_r),
	    cmocka_unit_test(test_nbplugin_equal_r),
	    cmocka_unit_test(test_muan_equal_r),
	    cmocka_unit_test(test_alpha01_equal_r),
	    cmocka_unit_test(test_b3w2_equal_r),
	    cmocka_unit_test(test_periods4past0_equal_r),
	    cmocka_unit_test(test_periods10muan_equal_r),
	    cmocka_unit_test(test_limit54_no_bound_is_no_alarm_as_r),
	    cmocka_unit_test(test_opts_default_are_r_defaults),
	    cmocka_unit_test(test_min_from_is_b_years_and_w),
	    cmocka_unit_test(test_short_history_is_invalid),
	    cmocka_unit_test(test_from_before_min_is_invalid),
	    cmocka_unit_test(test_negative_count_is_invalid_with_row),
	    cmocka_unit_test(test_missing_count_is_invalid),
	    cmocka_unit_test(test_too_many_periods_is_invalid),
	    cmocka_unit_test(test_alpha_out_of_range_is_invalid),
	    cmocka_unit_test(test_periods_before_from_are_empty),
	    cmocka_unit_test(test_all_zero_series_has_no_bound),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
