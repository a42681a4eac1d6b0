/* Every signed-in route that names a record and reads a body checks first
 * that the caller sees the record (src/api/seen.c): a record the caller may
 * not see is 404 whatever the body. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/api.h"
#include "api/app.h"

#include <string.h>

static int reads_body(const char *method)
{
	return strcmp(method, "POST") == 0 || strcmp(method, "PATCH") == 0 ||
	       strcmp(method, "PUT") == 0;
}

static void every_by_id_route_with_a_body_is_guarded(void **state)
{
	(void)state;
	for (size_t i = 0; i < api_nroutes; i++) {
		const struct http_route *r = &api_routes[i];
		if ((r->flags & HTTP_PUBLIC) || !reads_body(r->method) ||
		    !strstr(r->pattern, "{id}"))
			continue;
		if (!api_route_guarded(r->pattern))
			fail_msg("%s %s names a record but nothing checks that the caller sees "
				 "it before its body",
				 r->method, r->pattern);
	}
}

static void collections_are_not_guarded(void **state)
{
	(void)state;
	assert_false(api_route_guarded("/api/v1/alerts"));
	assert_false(api_route_guarded("/api/v1/alerts/import"));
	assert_false(api_route_guarded("/api/v1/tips/areas"));
	assert_false(api_route_guarded("/api/v1/alertsx/{id}"));
	assert_true(api_route_guarded("/api/v1/alerts/{id}/comments"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_by_id_route_with_a_body_is_guarded),
		cmocka_unit_test(collections_are_not_guarded),
	};
	return cmocka_run_group_tests_name("seen", tests, NULL, NULL);
}
