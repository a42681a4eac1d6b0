/* Route patterns and the error table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/err.h"
#include "http/problem.h"
#include "http/router.h"

#include <jansson.h>
#include <string.h>

static void literal_routes_match_exactly(void **state)
{
	(void)state;
	assert_true(http_route_match("/api/v1/countries", "/api/v1/countries", NULL));
	assert_false(http_route_match("/api/v1/countries", "/api/v1/countries/", NULL));
	assert_false(http_route_match("/api/v1/countries", "/api/v1/countrie", NULL));
	assert_false(http_route_match("/api/v1/countries", "/api/v1/countriesX", NULL));
}

static void parameters_take_one_segment(void **state)
{
	(void)state;
	struct http_match m;
	assert_true(http_route_match("/a/{id}/b/{sub}", "/a/123/b/x-y", &m));
	assert_int_equal(m.n, 2);
	assert_int_equal(m.value_len[0], 3);
	assert_memory_equal(m.value[0], "123", 3);
	assert_memory_equal(m.name[1], "sub", 3);
	assert_false(http_route_match("/a/{id}", "/a/", NULL));
	assert_false(http_route_match("/a/{id}", "/a/1/2", NULL));
	assert_false(http_route_match("/a/{id}/b", "/a/1/c", NULL));
}

static void every_error_maps_to_one_status(void **state)
{
	(void)state;
	assert_int_equal(problem_status(TR_ERR_INVALID), 400);
	assert_int_equal(problem_status(TR_ERR_JSON), 400);
	assert_int_equal(problem_status(TR_ERR_UNAUTH), 401);
	assert_int_equal(problem_status(TR_ERR_FORBIDDEN), 403);
	assert_int_equal(problem_status(TR_ERR_NOT_FOUND), 404);
	assert_int_equal(problem_status(TR_ERR_METHOD), 405);
	assert_int_equal(problem_status(TR_ERR_PRECONDITION), 412);
	assert_int_equal(problem_status(TR_ERR_TOO_LARGE), 413);
	assert_int_equal(problem_status(TR_ERR_MEDIA_TYPE), 415);
	assert_int_equal(problem_status(TR_ERR_RATE_LIMIT), 429);
	assert_int_equal(problem_status(TR_ERR_DB), 500);
	for (int rc = 1; rc < TR_ERR__MAX; rc++)
		assert_true(problem_status(rc) >= 400);
	assert_int_equal(problem_status(9999), 500);
}

static void problems_are_valid_json_naming_fields(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 4096);
	const char *fields[] = {"lat"}, *msgs[] = {"must be \"from\" -90 to 90"};
	problem_write(&b, TR_ERR_INVALID, 0, "bad \"input\"", NULL, fields, NULL, msgs, 1);
	json_t *j = json_loads(b.data, 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "status")), 400);
	json_t *e = json_array_get(json_object_get(j, "errors"), 0);
	assert_string_equal(json_string_value(json_object_get(e, "field")), "lat");
	json_decref(j);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(literal_routes_match_exactly),
		cmocka_unit_test(parameters_take_one_segment),
		cmocka_unit_test(every_error_maps_to_one_status),
		cmocka_unit_test(problems_are_valid_json_naming_fields),
	};
	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
