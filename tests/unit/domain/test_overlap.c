/* Overlap rules of docs/overlaps.md on hand-built cases with known
 * answers, and the grid search against the all-pairs scan. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain/overlap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400000LL
#define T0 1767225600000LL /* 2026-01-01 */

static struct overlap_act base(const char *org)
{
	return (struct overlap_act){.id = "x", .org_id = org, .type = "school_prevention",
				    .gender = "all", .setting = "school", .has_point = 1,
				    .lat = 48.2, .lon = 16.37, .radius_km = 5,
				    .start = T0, .end = T0 + 90 * DAY, .age_min = 12, .age_max = 16};
}

static void identical_activities_of_two_organisations_overlap_fully(void **state)
{
	(void)state;
	struct overlap_act a = base("A"), b = base("B");
	struct overlap_result r;
	assert_int_equal(overlap_check(&a, &b, &r), 1);
	assert_true(r.score > 0.999 && r.score <= 1.0);
	assert_true(r.nreasons >= 4);
}

static void same_organisation_never_overlaps(void **state)
{
	(void)state;
	struct overlap_act a = base("A"), b = base("A");
	struct overlap_result r;
	assert_int_equal(overlap_check(&a, &b, &r), 0);
}

static void adjacent_circles_do_not_overlap(void **state)
{
	(void)state;
	struct overlap_act a = base("A"), b = base("B");
	/* 10 km apart at radii 5 + 5: they touch; one metre closer they meet */
	double d = overlap_km(48.2, 16.37, 48.2 + 10.0 / 111.195, 16.37);
	b.lat = 48.2 + 10.0 / 111.195;
	a.radius_km = b.radius_km = d / 2;
	struct overlap_result r;
	assert_int_equal(overlap_check(&a, &b, &r), 0);
	a.radius_km += 0.001;
	assert_int_equal(overlap_check(&a, &b, &r), 1);
	assert_true(r.area < 0.01 + 1e-9);
}

static void touching_periods_do_not_overlap(void **state)
{
	(void)state;
	struct overlap_act a = base("A"), b = base("B");
	b.start = a.end;
	b.end = a.end + 30 * DAY;
	struct overlap_result r;
	assert_int_equal(overlap_check(&a, &b, &r), 0);
	b.start = a.end - DAY;
	assert_int_equal(overlap_check(&a, &b, &r), 1);
	assert_true(r.period > 0.03 && r.period < 0.04); /* one day of the 30 + 1 */
}

static void open_periods_overlap_what_follows_their_start(void **state)
{
	(void)state;
	struct overlap_act a = base("A"), b = base("B");
	a.end = OVERLAP_OPEN;
	b.start = T0 + 400 * DAY;
	b.end = T0 + 410 * DAY;
	struct overlap_result r;
	assert_int_equal(overlap_check(&a, &b, &r), 1);
	assert_true(r.period > 0.999);
	b.end = OVERLAP_OPEN;
	assert_int_equal(overlap_check(&a, &b, &r), 1);
	b.start = T0 - 10 * DAY;
	b.end = T0;
	assert_int_equal(overlap_check(&a, &b, &r), 0);
}

static void disjoint_age_ranges_do_not_overlap(void **state)
{
	(void)state;
	struct overlap_act a = base("A"), b = base("B");
	b.age_min = 17;
	b.age_max = 25;
	struct overlap_result r;
	assert_int_equal(overlap_check(&a, &b, &r), 0);
	b.age_min = 16; /* one year in common */
	assert_int_equal(overlap_check(&a, &b, &r), 1);
}

static void gender_and_setting_rules(void **state)
{
	(void)state;
	struct overlap_act a = base("A"), b = base("B");
	struct overlap_result r;
	a.gender = "female";
	b.gender = "male";
	assert_int_equal(overlap_check(&a, &b, &r), 0);
	b.gender = "all";
	assert_int_equal(overlap_check(&a, &b, &r), 1);
	assert_true(r.target < 1.0);
	b.setting = "family";
	assert_int_equal(overlap_check(&a, &b, &r), 0);
}

static void different_types_do_not_overlap(void **state)
{
	(void)state;
	struct overlap_act a = base("A"), b = base("B");
	b.type = "outreach";
	struct overlap_result r;
	assert_int_equal(overlap_check(&a, &b, &r), 0);
}

static void admin_codes_equal_or_nested(void **state)
{
	(void)state;
	struct overlap_act a = base("A"), b = base("B");
	a.has_point = 0;
	a.admin_code = "AT1";
	b.admin_code = "AT1";
	struct overlap_result r;
	/* without a point on both sides the codes decide */
	assert_int_equal(overlap_check(&a, &b, &r), 1);
	b.has_point = 0;
	assert_int_equal(overlap_check(&a, &b, &r), 1);
	assert_true(r.area == 1.0);
	b.admin_code = "AT101";
	assert_int_equal(overlap_check(&a, &b, &r), 1);
	assert_true(r.area == 0.75);
	a.admin_code = "AT-1";
	b.admin_code = "AT-10";
	assert_int_equal(overlap_check(&a, &b, &r), 0);
}

struct pairs {
	size_t n;
	uint64_t sum;
	double score;
};

static void count(void *ctx, size_t i, size_t j, const struct overlap_result *r)
{
	struct pairs *p = ctx;
	p->n++;
	p->sum += (uint64_t)i * 1000003u + j;
	p->score += r->score;
}

static void grid_finds_exactly_the_pairs_of_the_full_scan(void **state)
{
	(void)state;
	enum { N = 3000 };
	static const char *const orgs[] = {"o1", "o2", "o3", "o4", "o5"};
	static const char *const types[] = {"outreach", "training"};
	static const char *const genders[] = {"all", "female", "male"};
	static const char *const codes[] = {"AT1", "AT101", "AT102", "AT2", "AT201", "AT10"};
	struct overlap_act *a = calloc(N, sizeof(*a));
	srand(7);
	for (int i = 0; i < N; i++) {
		a[i] = base(orgs[rand() % 5]);
		a[i].type = types[rand() % 2];
		a[i].gender = genders[rand() % 3];
		a[i].has_point = rand() % 5 != 0;
		a[i].lat = 46.5 + (rand() % 10000) / 3000.0;
		a[i].lon = 9.5 + (rand() % 10000) / 1300.0;
		a[i].radius_km = 0.5 + (rand() % 300) / 10.0;
		a[i].admin_code = rand() % 3 ? codes[rand() % 6] : NULL;
		a[i].start = T0 + (rand() % 700) * DAY;
		a[i].end = rand() % 4 ? a[i].start + (1 + rand() % 200) * DAY : OVERLAP_OPEN;
		a[i].age_min = rand() % 20;
		a[i].age_max = a[i].age_min + rand() % 10;
	}
	struct pairs g = {0}, n = {0};
	assert_int_equal(overlap_pairs(a, N, count, &g), 0);
	assert_int_equal(overlap_pairs_naive(a, N, count, &n), 0);
	assert_true(n.n > 1000);
	assert_int_equal(g.n, n.n);
	assert_true(g.sum == n.sum);
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(identical_activities_of_two_organisations_overlap_fully),
		cmocka_unit_test(same_organisation_never_overlaps),
		cmocka_unit_test(adjacent_circles_do_not_overlap),
		cmocka_unit_test(touching_periods_do_not_overlap),
		cmocka_unit_test(open_periods_overlap_what_follows_their_start),
		cmocka_unit_test(disjoint_age_ranges_do_not_overlap),
		cmocka_unit_test(gender_and_setting_rules),
		cmocka_unit_test(different_types_do_not_overlap),
		cmocka_unit_test(admin_codes_equal_or_nested),
		cmocka_unit_test(grid_finds_exactly_the_pairs_of_the_full_scan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
