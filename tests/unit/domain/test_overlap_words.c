/* The reasons of an overlap carry a stable code and their values by name,
 * which the web app puts in plain words in the user's language (the
 * English detail stays for programs and the CLI). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain/overlap.h"

#include <stdint.h>
#include <string.h>

#define DAY 86400000LL
#define T0 1767225600000LL /* 2026-01-01 */

static struct overlap_act act(const char *org, const char *gender)
{
	return (struct overlap_act){.id = "x", .org_id = org, .type = "school_prevention",
				    .gender = gender, .setting = "school", .has_point = 1,
				    .lat = 48.2, .lon = 16.37, .radius_km = 5,
				    .start = T0, .end = T0 + 90 * DAY, .age_min = 12, .age_max = 16};
}

static const char *param_text(const struct overlap_result *r, int i, const char *name)
{
	for (int k = 0; k < r->reasons[i].nparams; k++)
		if (strcmp(r->reasons[i].params[k].name, name) == 0)
			return r->reasons[i].params[k].text;
	return NULL;
}

static double param_num(const struct overlap_result *r, int i, const char *name)
{
	for (int k = 0; k < r->reasons[i].nparams; k++)
		if (strcmp(r->reasons[i].params[k].name, name) == 0)
			return r->reasons[i].params[k].num;
	return -1;
}

static void every_reason_has_a_code_and_its_values(void **state)
{
	(void)state;
	struct overlap_act a = act("A", "all"), b = act("B", "female");
	b.lat = 48.21;
	b.start = T0 + 30 * DAY;
	struct overlap_result r;
	assert_int_equal(overlap_check(&a, &b, &r), 1);
	assert_int_equal(r.nreasons, 4);
	assert_string_equal(r.reasons[0].code, "circles_intersect");
	assert_true(param_num(&r, 0, "km") > 1 && param_num(&r, 0, "km") < 1.2);
	assert_true(param_num(&r, 0, "radius_a") == 5);
	assert_string_equal(r.reasons[1].code, "periods_share");
	assert_true(param_num(&r, 1, "days") == 60);
	assert_true(param_num(&r, 1, "percent") == 100);
	assert_string_equal(r.reasons[2].code, "same_target");
	assert_true(param_num(&r, 2, "age_min") == 12 && param_num(&r, 2, "age_max") == 16);
	assert_string_equal(param_text(&r, 2, "gender_a"), "all");
	assert_string_equal(param_text(&r, 2, "gender_b"), "female");
	assert_string_equal(param_text(&r, 2, "setting"), "school");
	assert_string_equal(r.reasons[3].code, "same_type");
	assert_string_equal(param_text(&r, 3, "type"), "school_prevention");
	/* the English detail is unchanged */
	assert_non_null(strstr(r.reasons[2].detail, "genders all and female, setting school"));
}

static void areas_and_open_periods_have_their_codes(void **state)
{
	(void)state;
	struct overlap_act a = act("A", "all"), b = act("B", "all");
	a.has_point = b.has_point = 0;
	a.admin_code = "AT1";
	b.admin_code = "AT130";
	a.end = b.end = OVERLAP_OPEN;
	struct overlap_result r;
	assert_int_equal(overlap_check(&a, &b, &r), 1);
	assert_string_equal(r.reasons[0].code, "admin_areas_nest");
	assert_string_equal(param_text(&r, 0, "area_a"), "AT1");
	assert_string_equal(param_text(&r, 0, "area_b"), "AT130");
	assert_string_equal(r.reasons[1].code, "both_open_ended");
	assert_int_equal(r.reasons[1].nparams, 0);
	b.admin_code = "AT1";
	assert_int_equal(overlap_check(&a, &b, &r), 1);
	assert_string_equal(r.reasons[0].code, "same_admin_area");
	assert_string_equal(param_text(&r, 0, "area"), "AT1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_reason_has_a_code_and_its_values),
	    cmocka_unit_test(areas_and_open_periods_have_their_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
