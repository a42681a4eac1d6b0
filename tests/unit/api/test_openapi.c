/* docs/openapi.json documents exactly the routes of the route table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/app.h"

#include <ctype.h>
#include <string.h>

static json_t *load_doc(void)
{
	json_error_t e;
	json_t *doc = json_load_file("docs/openapi.json", 0, &e);
	if (!doc)
		fail_msg("docs/openapi.json: line %d: %s", e.line, e.text);
	return doc;
}

static void lower(const char *in, char *out, size_t n)
{
	size_t i = 0;
	for (; in[i] && i + 1 < n; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
}

static void every_route_is_documented(void **state)
{
	(void)state;
	json_t *doc = load_doc();
	json_t *paths = json_object_get(doc, "paths");
	for (size_t i = 0; i < api_nroutes; i++) {
		char m[16];
		lower(api_routes[i].method, m, sizeof(m));
		json_t *op = json_object_get(json_object_get(paths, api_routes[i].pattern), m);
		if (!op)
			fail_msg("%s %s is routed but not documented", api_routes[i].method,
				 api_routes[i].pattern);
		assert_non_null(json_object_get(op, "responses"));
	}
	json_decref(doc);
}

static void nothing_documented_is_unrouted(void **state)
{
	(void)state;
	json_t *doc = load_doc();
	const char *path, *method;
	json_t *item, *op;
	json_object_foreach(json_object_get(doc, "paths"), path, item) {
		json_object_foreach(item, method, op) {
			int found = 0;
			for (size_t i = 0; i < api_nroutes && !found; i++) {
				char m[16];
				lower(api_routes[i].method, m, sizeof(m));
				found = strcmp(api_routes[i].pattern, path) == 0 && strcmp(m, method) == 0;
			}
			if (!found)
				fail_msg("%s %s is documented but not routed", method, path);
		}
	}
	json_decref(doc);
}

static void the_document_is_openapi_3_1(void **state)
{
	(void)state;
	json_t *doc = load_doc();
	assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_route_is_documented),
		cmocka_unit_test(nothing_documented_is_unrouted),
		cmocka_unit_test(the_document_is_openapi_3_1),
	};
	return cmocka_run_group_tests_name("openapi", tests, NULL, NULL);
}
