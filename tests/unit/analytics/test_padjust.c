/* Multiple-testing adjustment against R: stats::p.adjust, spdep::p.adjustSP
 * on the Gi* data sets, and 2 * pnorm(-abs(z)), on the vectors written by
 * ref/make_padjust_vectors.R. */
#include "analytics/gistar.h"
#include "analytics/padjust.h"
#include "analytics/stats.h"
#include "core/err.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ref_table.h"

#define REF_DIR "tests/unit/analytics/ref/"
#define REL 1e-12

static const struct {
	enum padjust_method m;
	const char *col; /* column of R's result in the reference files */
} methods[] = {
    {PADJUST_NONE, "none"},
    {PADJUST_BONFERRONI, "bonferroni"},
    {PADJUST_HOLM, "holm"},
    {PADJUST_BH, "bh"},
};
enum { NMETHODS = sizeof methods / sizeof methods[0] };

/* Relative difference; 0 when both are NaN, infinite when only one is. */
static double rel_diff(double got, double want)
{
	if (isnan(got) || isnan(want))
		return isnan(got) && isnan(want) ? 0.0 : INFINITY;
	if (got == want)
		return 0.0;
	return fabs(got - want) / fmax(fabs(want), 1e-300);
}

/* The rows of one case: [first, end). */
static size_t case_end(const struct ref_table *t, size_t first)
{
	size_t end = first;
	while (end < t->nrows && strcmp(ref_str(t, end, "case"), ref_str(t, first, "case")) == 0)
		end++;
	return end;
}

static void test_padjust_equals_r(void **state)
{
	(void)state;
	struct ref_table t;
	assert_int_equal(ref_table_load(REF_DIR "padjust_ref.csv", &t), 0);
	double worst[NMETHODS] = {0};
	size_t cases = 0;
	for (size_t first = 0, end; first < t.nrows; first = end) {
		end = case_end(&t, first);
		size_t n = end - first;
		double *p = malloc(n * sizeof *p), *adj = malloc(n * sizeof *adj);
		for (size_t i = 0; i < n; i++)
			p[i] = ref_num(&t, first + i, "p");
		for (size_t k = 0; k < NMETHODS; k++) {
			assert_int_equal(padjust(p, n, methods[k].m, adj), TR_OK);
			for (size_t i = 0; i < n; i++) {
				double want = ref_num(&t, first + i, methods[k].col);
				double d = rel_diff(adj[i], want);
				if (!(d <= REL))
					fail_msg("%s %s p[%zu] = %.17g: %.17g, R %.17g",
						 ref_str(&t, first, "case"), methods[k].col, i + 1,
						 p[i], adj[i], want);
				worst[k] = fmax(worst[k], d);
			}
		}
		free(p);
		free(adj);
		cases++;
	}
	for (size_t k = 0; k < NMETHODS; k++)
		print_message("p.adjust %s: max relative difference to R %.3g\n", methods[k].col,
			      worst[k]);
	ref_table_free(&t);
	assert_true(cases >= 10);
}

/* Adjusting in place gives what adjusting into another array gives. */
static void test_padjust_in_place(void **state)
{
	(void)state;
	double p[] = {0.04, NAN, 0.01, 0.03, 0.01, 0.9};
	enum { N = sizeof p / sizeof p[0] };
	for (size_t k = 0; k < NMETHODS; k++) {
		double out[N], q[N];
		memcpy(q, p, sizeof p);
		assert_int_equal(padjust(p, N, methods[k].m, out), TR_OK);
		assert_int_equal(padjust(q, N, methods[k].m, q), TR_OK);
		for (size_t i = 0; i < N; i++)
			assert_true(rel_diff(q[i], out[i]) == 0.0);
	}
}

static void test_padjust_method_names(void **state)
{
	(void)state;
	enum padjust_method m = PADJUST_NONE;
	for (size_t k = 0; k < NMETHODS; k++) {
		assert_int_equal(padjust_method_parse(methods[k].col, &m), 0);
		assert_int_equal(m, methods[k].m);
		assert_string_equal(padjust_method_name(m), methods[k].col);
	}
	assert_int_equal(padjust_method_parse("BH", &m), -1);
	assert_int_equal(padjust_method_parse("hochberg", &m), -1);
	assert_int_equal(padjust_method_parse("", &m), -1);
}

static void test_pnorm_two_sided_equals_r(void **state)
{
	(void)state;
	struct ref_table t;
	assert_int_equal(ref_table_load(REF_DIR "pnorm2_ref.csv", &t), 0);
	double worst = 0.0;
	for (size_t i = 0; i < t.nrows; i++) {
		double z = ref_num(&t, i, "z"), want = ref_num(&t, i, "p");
		double got = stats_pnorm_two_sided(z), d = rel_diff(got, want);
		if (!(d <= REL))
			fail_msg("z %.17g: %.17g, R %.17g", z, got, want);
		worst = fmax(worst, d);
	}
	print_message("2 * pnorm(-|z|): max relative difference to R %.3g\n", worst);
	assert_true(t.nrows > 100);
	ref_table_free(&t);
}

/* One Gi* data set: rows [first, end) of gistar_padjust.csv and, row for
 * row, the points of gistar_<case>.csv. */
struct gi_case {
	size_t n;
	double *x, *y, *v, *p;
	size_t *tests;
};

static void gi_case_load(const struct ref_table *t, size_t first, size_t end, struct gi_case *c)
{
	char path[256];
	snprintf(path, sizeof path, REF_DIR "gistar_%s.csv", ref_str(t, first, "case"));
	struct ref_table pts;
	assert_int_equal(ref_table_load(path, &pts), 0);
	c->n = end - first;
	assert_int_equal(pts.nrows, c->n);
	c->x = malloc(c->n * sizeof *c->x);
	c->y = malloc(c->n * sizeof *c->y);
	c->v = malloc(c->n * sizeof *c->v);
	c->p = malloc(c->n * sizeof *c->p);
	c->tests = malloc(c->n * sizeof *c->tests);
	for (size_t i = 0; i < c->n; i++) {
		assert_int_equal((size_t)ref_num(t, first + i, "point"), i + 1);
		c->x[i] = ref_num(&pts, i, "x");
		c->y[i] = ref_num(&pts, i, "y");
		c->v[i] = ref_num(&pts, i, "value");
		c->p[i] = ref_num(t, first + i, "p");
		c->tests[i] = (size_t)ref_num(t, first + i, "tests");
	}
	ref_table_free(&pts);
}

static void gi_case_free(struct gi_case *c)
{
	free(c->x), free(c->y), free(c->v), free(c->p), free(c->tests);
}

/* Column "<prefix>_<method>" of row i. */
static double col_num(const struct ref_table *t, size_t i, const char *prefix, const char *m)
{
	char name[32];
	snprintf(name, sizeof name, "%s_%s", prefix, m);
	assert_true(ref_col(t, name) >= 0);
	return ref_num(t, i, name);
}

/* On R's own p-values: p.adjust over all points and p.adjustSP by band. */
static void test_padjust_gistar_equals_spdep(void **state)
{
	(void)state;
	struct ref_table t;
	assert_int_equal(ref_table_load(REF_DIR "gistar_padjust.csv", &t), 0);
	double worst_all[NMETHODS] = {0}, worst_sp[NMETHODS] = {0};
	size_t cases = 0;
	for (size_t first = 0, end; first < t.nrows; first = end) {
		end = case_end(&t, first);
		struct gi_case c;
		gi_case_load(&t, first, end, &c);
		double *all = malloc(c.n * sizeof *all), *sp = malloc(c.n * sizeof *sp);
		for (size_t k = 0; k < NMETHODS; k++) {
			assert_int_equal(padjust(c.p, c.n, methods[k].m, all), TR_OK);
			padjust_local(c.p, c.tests, c.n, methods[k].m, sp);
			for (size_t i = 0; i < c.n; i++) {
				double da = rel_diff(all[i], col_num(&t, first + i, "all", methods[k].col));
				double ds = rel_diff(sp[i], col_num(&t, first + i, "sp", methods[k].col));
				if (!(da <= REL && ds <= REL))
					fail_msg("%s %s point %zu: p.adjust %.17g, p.adjustSP %.17g",
						 ref_str(&t, first, "case"), methods[k].col, i + 1,
						 all[i], sp[i]);
				worst_all[k] = fmax(worst_all[k], da);
				worst_sp[k] = fmax(worst_sp[k], ds);
			}
		}
		free(all), free(sp);
		gi_case_free(&c);
		cases++;
	}
	for (size_t k = 0; k < NMETHODS; k++)
		print_message("Gi* %s: max relative difference to R p.adjust %.3g, "
			      "p.adjustSP %.3g\n",
			      methods[k].col, worst_all[k], worst_sp[k]);
	ref_table_free(&t);
	assert_true(cases >= 8);
}

/* From the points: Gi* band sizes equal spdep's card + 1 exactly, and the
 * two-sided and adjusted p-values follow R's to the accuracy of the z-values
 * (z agrees to about 1e-15 relative; p moves by about z^2 times that). */
static void test_gistar_adjusted_from_points(void **state)
{
	(void)state;
	struct ref_table t, cases;
	assert_int_equal(ref_table_load(REF_DIR "gistar_padjust.csv", &t), 0);
	assert_int_equal(ref_table_load(REF_DIR "gistar_cases.csv", &cases), 0);
	double worst_p = 0.0, worst_adj = 0.0;
	for (size_t first = 0, end; first < t.nrows; first = end) {
		end = case_end(&t, first);
		const char *name = ref_str(&t, first, "case");
		size_t k = 0;
		while (k < cases.nrows && strcmp(ref_str(&cases, k, "case"), name) != 0)
			k++;
		assert_true(k < cases.nrows);
		struct gistar_params prm = {
		    .distance = ref_num(&cases, k, "distance"),
		    .metric = strcmp(ref_str(&cases, k, "metric"), "haversine") == 0
				  ? SPATIAL_HAVERSINE
				  : SPATIAL_EUCLIDEAN};
		struct gi_case c;
		gi_case_load(&t, first, end, &c);
		double *z = malloc(c.n * sizeof *z), *p1 = malloc(c.n * sizeof *p1);
		double *q = malloc(c.n * sizeof *q), *adj = malloc(c.n * sizeof *adj);
		size_t *card = malloc(c.n * sizeof *card);
		assert_int_equal(gistar_compute(c.x, c.y, c.v, c.n, &prm, z, p1, card, NULL),
				 TR_OK);
		for (size_t i = 0; i < c.n; i++) {
			assert_int_equal(card[i], c.tests[i]);
			q[i] = stats_pnorm_two_sided(z[i]);
			worst_p = fmax(worst_p, rel_diff(q[i], c.p[i]));
		}
		assert_int_equal(padjust(q, c.n, PADJUST_BH, adj), TR_OK);
		for (size_t i = 0; i < c.n; i++)
			worst_adj = fmax(worst_adj, rel_diff(adj[i], col_num(&t, first + i, "all", "bh")));
		padjust_local(q, card, c.n, PADJUST_HOLM, adj);
		for (size_t i = 0; i < c.n; i++)
			worst_adj = fmax(worst_adj, rel_diff(adj[i], col_num(&t, first + i, "sp", "holm")));
		free(z), free(p1), free(q), free(adj), free(card);
		gi_case_free(&c);
	}
	print_message("Gi* from the points: max relative difference to R: p %.3g, "
		      "adjusted %.3g\n",
		      worst_p, worst_adj);
	assert_true(worst_p <= REL);
	assert_true(worst_adj <= REL);
	ref_table_free(&t);
	ref_table_free(&cases);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_padjust_equals_r),
	    cmocka_unit_test(test_padjust_in_place),
	    cmocka_unit_test(test_padjust_method_names),
	    cmocka_unit_test(test_pnorm_two_sided_equals_r),
	    cmocka_unit_test(test_padjust_gistar_equals_spdep),
	    cmocka_unit_test(test_gistar_adjusted_from_points),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
