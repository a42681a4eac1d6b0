/* Space-time permutation scan: a brute-force oracle over all cylinders,
 * planted clusters, the false-alarm rate under the null, determinism
 * across thread counts, and rejection of bad input. */
#include "analytics/stscan.h"
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

#define MAXN 1200

struct events {
	size_t n;
	double x[MAXN], y[MAXN];
	int32_t day[MAXN];
};

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

static int32_t rng_int(uint64_t *s, int32_t n)
{
	return (int32_t)(rng_next(s) % (uint64_t)n);
}

static void ev_add(struct events *e, double x, double y, int32_t day)
{
	assert_true(e->n < MAXN);
	e->x[e->n] = x;
	e->y[e->n] = y;
	e->day[e->n] = day;
	e->n++;
}

/* ---- the oracle: every cylinder, counted directly ---- */

struct oracle_best {
	double llr;
	size_t c;
};

static double oracle_llr(double c, double mu, double n)
{
	double llr = c * log(c / mu);
	if (c < n)
		llr += (n - c) * log((n - c) / (n - mu));
	return llr;
}

static int dcmp(const void *a, const void *b)
{
	double p = *(const double *)a, q = *(const double *)b;
	return (p > q) - (p < q);
}

/* Counts events in the zone (within r of centre) and days [a, b]. */
static void oracle_count(const struct events *e, const struct stscan_params *p, double cx,
			 double cy, double r, int32_t a, int32_t b, size_t *c, size_t *nz,
			 size_t *s)
{
	*c = *nz = *s = 0;
	for (size_t i = 0; i < e->n; i++) {
		int in = spatial_geo_dist(p->metric, cx, cy, e->x[i], e->y[i]) <= r;
		int when = e->day[i] >= a && e->day[i] <= b;
		*nz += in;
		*s += when;
		*c += in && when;
	}
}

static void oracle_centre(const struct events *e, const struct stscan_params *p, size_t ci,
			  int32_t d0, int32_t t, int32_t dmax, struct oracle_best *best)
{
	double *radii = malloc(e->n * sizeof *radii);
	for (size_t j = 0; j < e->n; j++)
		radii[j] = spatial_geo_dist(p->metric, e->x[ci], e->y[ci], e->x[j], e->y[j]);
	qsort(radii, e->n, sizeof *radii, dcmp);
	double n = (double)e->n;
	for (size_t k = 0; k < e->n && radii[k] <= p->max_radius; k++) {
		if (k > 0 && radii[k] == radii[k - 1])
			continue;
		for (int32_t b = p->prospective ? t - 1 : 0; b < t; b++)
			for (int32_t a = b; a > b - dmax && a >= 0; a--) {
				size_t c, nz, s;
				oracle_count(e, p, e->x[ci], e->y[ci], radii[k], d0 + a, d0 + b, &c,
					     &nz, &s);
				if ((double)nz > p->max_share * n)
					goto done;
				double mu = (double)nz * (double)s / n;
				if ((double)c > mu && oracle_llr((double)c, mu, n) > best->llr) {
					best->llr = oracle_llr((double)c, mu, n);
					best->c = c;
				}
			}
	}
done:
	free(radii);
}

static struct oracle_best oracle_scan(const struct events *e, const struct stscan_params *p)
{
	int32_t lo = e->day[0], hi = e->day[0];
	for (size_t i = 0; i < e->n; i++) {
		lo = e->day[i] < lo ? e->day[i] : lo;
		hi = e->day[i] > hi ? e->day[i] : hi;
	}
	int32_t t = hi - lo + 1;
	int32_t dmax = p->max_days > 0 ? p->max_days : (t / 2 > 0 ? t / 2 : 1);
	struct oracle_best best = {0.0, 0};
	for (size_t ci = 0; ci < e->n; ci++)
		oracle_centre(e, p, ci, lo, t, dmax < t ? dmax : t, &best);
	return best;
}

static void random_events(struct events *e, uint64_t seed, size_t n, size_t nloc, int32_t days)
{
	uint64_t s = seed;
	double lx[64], ly[64];
	for (size_t l = 0; l < nloc && l < 64; l++) {
		lx[l] = rng_unif(&s, 0, 10);
		ly[l] = rng_unif(&s, 0, 10);
	}
	e->n = 0;
	for (size_t i = 0; i < n; i++) {
		size_t l = (size_t)rng_int(&s, (int32_t)nloc);
		/* some days are busy in some places: gives the scan something to find */
		int32_t d =
		    l % 5 == 0 && i % 3 == 0 ? days - 1 - rng_int(&s, 3) : rng_int(&s, days);
		ev_add(e, lx[l], ly[l], 19000 + d);
	}
}

static void check_against_oracle(const struct events *e, struct stscan_params *p)
{
	p->replications = 0;
	p->max_clusters = 1;
	struct stscan_result r;
	struct ts_error err;
	assert_int_equal(stscan_run(e->x, e->y, e->day, e->n, p, &r, &err), TR_OK);
	struct oracle_best o = oracle_scan(e, p);
	if (o.llr == 0.0) {
		assert_int_equal(r.n, 0);
		return;
	}
	assert_int_equal(r.n, 1);
	const struct stscan_cluster *q = &r.clusters[0];
	if (fabs(q->llr - o.llr) > 1e-9 * o.llr)
		fail_msg("fast LLR %.17g, oracle %.17g", q->llr, o.llr);
	/* the reported cylinder really has what it claims */
	size_t c, nz, s;
	oracle_count(e, p, q->x, q->y, q->radius, q->start, q->end, &c, &nz, &s);
	assert_int_equal(c, q->observed);
	assert_int_equal(q->n_events, c);
	assert_true(fabs(q->expected - (double)nz * (double)s / (double)e->n) < 1e-9);
	assert_true(fabs(oracle_llr((double)c, q->expected, (double)e->n) - q->llr) < 1e-9 * o.llr);
	assert_true(isnan(q->p));
	stscan_result_free(&r);
}

static void test_stscan_matches_oracle_retrospective(void **state)
{
	(void)state;
	static struct events e;
	for (uint64_t seed = 1; seed <= 6; seed++) {
		random_events(&e, seed, 40 + 10 * seed, 5 + 4 * seed, 12 + (int32_t)seed);
		struct stscan_params p;
		stscan_params_default(&p);
		p.max_days = seed % 2 ? 0 : 4;
		p.max_radius = seed % 3 == 0 ? 4.0 : INFINITY;
		check_against_oracle(&e, &p);
	}
}

static void test_stscan_matches_oracle_prospective(void **state)
{
	(void)state;
	static struct events e;
	for (uint64_t seed = 11; seed <= 16; seed++) {
		random_events(&e, seed, 60 + 7 * seed % 50, 8 + seed % 20, 20);
		struct stscan_params p;
		stscan_params_default(&p);
		p.prospective = 1;
		p.max_days = (int)(seed % 7);
		p.max_share = seed % 2 ? 0.5 : 0.3;
		p.max_radius = seed % 3 == 0 ? 3.0 : INFINITY;
		check_against_oracle(&e, &p);
	}
}

static void test_stscan_matches_oracle_longlat(void **state)
{
	(void)state;
	static struct events e;
	random_events(&e, 99, 80, 25, 15);
	for (size_t i = 0; i < e.n; i++) { /* 10 x 10 degrees of Europe */
		e.x[i] += 5.0;
		e.y[i] += 45.0;
	}
	struct stscan_params p;
	stscan_params_default(&p);
	p.metric = SPATIAL_HAVERSINE;
	p.max_radius = 300.0;
	check_against_oracle(&e, &p);
	p.prospective = 1;
	check_against_oracle(&e, &p);
}

/* n_bg events uniform in space and time, plus n_cl events near (cx, cy)
 * on days [from, to]. */
static void planted_events(struct events *e, uint64_t seed, size_t n_bg, size_t n_cl, double cx,
			   double cy, int32_t from, int32_t to)
{
	uint64_t s = seed;
	e->n = 0;
	for (size_t i = 0; i < n_bg; i++)
		ev_add(e, rng_unif(&s, 0, 100), rng_unif(&s, 0, 100), 20000 + rng_int(&s, 60));
	for (size_t i = 0; i < n_cl; i++)
		ev_add(e, cx + rng_unif(&s, -2, 2), cy + rng_unif(&s, -2, 2),
		       20000 + from + rng_int(&s, to - from + 1));
}

static void test_stscan_finds_planted_clusters(void **state)
{
	(void)state;
	static struct events e;
	for (uint64_t seed = 1; seed <= 3; seed++) {
		planted_events(&e, seed, 500, 25, 30, 70, 55, 59);
		struct stscan_params p;
		stscan_params_default(&p);
		p.prospective = 1;
		p.max_radius = 8;
		p.max_days = 14;
		p.replications = 199;
		p.seed = seed;
		p.threads = 2;
		struct stscan_result r;
		assert_int_equal(stscan_run(e.x, e.y, e.day, e.n, &p, &r, NULL), TR_OK);
		assert_true(r.n >= 1);
		const struct stscan_cluster *q = &r.clusters[0];
		assert_true(q->p < 0.05);
		assert_true(hypot(q->x - 30, q->y - 70) < 5);
		assert_int_equal(q->end, 20059);
		assert_true(q->start >= 20050);
		for (size_t i = 1; i < r.n; i++)
			assert_true(r.clusters[i].llr <= r.clusters[i - 1].llr);
		stscan_result_free(&r);

		/* the same in the past, found retrospectively */
		planted_events(&e, seed + 100, 500, 25, 60, 20, 20, 23);
		p.prospective = 0;
		assert_int_equal(stscan_run(e.x, e.y, e.day, e.n, &p, &r, NULL), TR_OK);
		q = &r.clusters[0];
		assert_true(q->p < 0.05);
		assert_true(hypot(q->x - 60, q->y - 20) < 5);
		assert_true(q->start >= 20018 && q->end <= 20025);
		stscan_result_free(&r);
	}
}

/* No cluster: the scan must raise an alarm at alpha = 0.05 about 5 % of
 * the time; 40 runs, allow 6 (15 %). */
static void test_stscan_null_false_alarm_rate(void **state)
{
	(void)state;
	static struct events e;
	int alarms = 0;
	for (uint64_t run = 0; run < 40; run++) {
		planted_events(&e, 1000 + run, 150, 0, 0, 0, 0, 0);
		struct stscan_params p;
		stscan_params_default(&p);
		p.max_radius = 15;
		p.max_days = 7;
		p.replications = 99;
		p.seed = run;
		p.threads = 2;
		p.prospective = run % 2;
		struct stscan_result r;
		assert_int_equal(stscan_run(e.x, e.y, e.day, e.n, &p, &r, NULL), TR_OK);
		alarms += r.n > 0 && r.clusters[0].p <= 0.05;
		stscan_result_free(&r);
	}
	print_message("null: %d alarms in 40 runs at alpha 0.05\n", alarms);
	assert_true(alarms <= 6);
}

static void test_stscan_same_result_for_any_thread_count(void **state)
{
	(void)state;
	static struct events e;
	planted_events(&e, 5, 300, 12, 50, 50, 40, 45);
	struct stscan_result r[3];
	unsigned threads[3] = {1, 2, 5};
	for (int i = 0; i < 3; i++) {
		struct stscan_params p;
		stscan_params_default(&p);
		p.max_radius = 10;
		p.replications = 49;
		p.seed = 77;
		p.threads = threads[i];
		p.max_clusters = 0;
		assert_int_equal(stscan_run(e.x, e.y, e.day, e.n, &p, &r[i], NULL), TR_OK);
	}
	for (int i = 1; i < 3; i++) {
		assert_int_equal(r[i].n, r[0].n);
		for (size_t k = 0; k < r[0].n; k++) {
			assert_true(r[i].clusters[k].llr == r[0].clusters[k].llr);
			assert_true(r[i].clusters[k].p == r[0].clusters[k].p);
			assert_true(r[i].clusters[k].x == r[0].clusters[k].x);
		}
	}
	for (int i = 0; i < 3; i++)
		stscan_result_free(&r[i]);
}

static void expect_invalid(const struct events *e, const struct stscan_params *p, size_t row,
			   const char *column)
{
	struct stscan_result r;
	struct ts_error err;
	memset(&err, 0, sizeof err);
	assert_int_equal(stscan_run(e->x, e->y, e->day, e->n, p, &r, &err), TR_ERR_INVALID);
	assert_int_equal(err.row, row);
	assert_string_equal(err.column, column);
	assert_true(strlen(err.message) > 0);
	assert_int_equal(r.n, 0);
}

static void test_stscan_rejects_bad_input(void **state)
{
	(void)state;
	static struct events e;
	random_events(&e, 3, 20, 5, 10);
	struct stscan_params p;
	stscan_params_default(&p);
	e.x[4] = NAN;
	expect_invalid(&e, &p, 5, "x");
	e.x[4] = 1.0;
	e.y[2] = 95.0;
	p.metric = SPATIAL_HAVERSINE;
	expect_invalid(&e, &p, 3, "y");
	p.metric = SPATIAL_EUCLIDEAN;
	p.max_radius = 0.0;
	expect_invalid(&e, &p, 0, "max_radius");
	p.max_radius = NAN;
	expect_invalid(&e, &p, 0, "max_radius");
	p.max_radius = 5.0;
	p.max_share = 0.0;
	expect_invalid(&e, &p, 0, "max_share");
	p.max_share = 0.5;
	p.threads = 0;
	expect_invalid(&e, &p, 0, "threads");
	p.threads = 1;
	p.max_days = -1;
	expect_invalid(&e, &p, 0, "max_days");
	p.max_days = 0;
	e.n = 0;
	expect_invalid(&e, &p, 0, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stscan_matches_oracle_retrospective),
	    cmocka_unit_test(test_stscan_matches_oracle_prospective),
	    cmocka_unit_test(test_stscan_matches_oracle_longlat),
	    cmocka_unit_test(test_stscan_finds_planted_clusters),
	    cmocka_unit_test(test_stscan_null_false_alarm_rate),
	    cmocka_unit_test(test_stscan_same_result_for_any_thread_count),
	    cmocka_unit_test(test_stscan_rejects_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
