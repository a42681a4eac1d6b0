/* The puller's read of a peer's answer (fed_answer_parse) takes the same
 * payload and signature jansson would, and refuses what jansson refuses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/err.h"
#include "domain/fed_answer.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static void parsed(const char *text, struct fed_answer *a)
{
	assert_int_equal(fed_answer_parse(text, strlen(text), a), TR_OK);
}

static void refused(const char *text)
{
	struct fed_answer a;
	assert_int_equal(fed_answer_parse(text, strlen(text), &a), TR_ERR_INVALID);
	assert_null(a.payload);
	assert_null(a.signature);
}

static void the_payload_is_what_jansson_reads(void **state)
{
	(void)state;
	/* a payload with every escape, text escaped twice, non-ASCII */
	json_t *inner = json_pack("{s:s, s:[s, s], s:s}", "text", "a \"quoted\" \\ line\nnext\t\x01",
				  "more", "é ж 𝄞", "/", "x", "ctl\b\f\r");
	char *payload = json_dumps(inner, JSON_COMPACT | JSON_SORT_KEYS);
	json_t *outer = json_pack("{s:I, s:[{s:s, s:I}], s:b, s:s, s:s}", "cursor",
				  (json_int_t)1234567890123, "index", "id", "x", "version",
				  (json_int_t)3, "more", 1, "payload", payload, "signature", "ab12");
	for (int ascii = 0; ascii < 2; ascii++) {
		char *text = json_dumps(outer, JSON_COMPACT | (ascii ? JSON_ENSURE_ASCII : 0));
		struct fed_answer a;
		parsed(text, &a);
		assert_string_equal(a.payload, payload);
		assert_int_equal(a.payload_len, strlen(payload));
		assert_string_equal(a.signature, "ab12");
		assert_true(a.has_cursor);
		assert_int_equal(a.cursor, 1234567890123);
		assert_true(a.more);
		fed_answer_free(&a);
		free(text);
	}
	json_decref(outer);
	json_decref(inner);
	free(payload);
}

static void spaces_order_and_hints_are_free(void **state)
{
	(void)state;
	struct fed_answer a;
	parsed(" {\n \"signature\" : \"s\" , \"x\": [1, -2.5e+3, {\"k\": null}, true, false],"
	       " \"payload\":\"p\\u0041\\ud834\\udd1e\", \"more\": false, \"cursor\": 1.5 }\n",
	       &a);
	assert_string_equal(a.payload, "pA\xf0\x9d\x84\x9e");
	assert_string_equal(a.signature, "s");
	assert_false(a.more);
	assert_false(a.has_cursor);
	fed_answer_free(&a);
	parsed("{\"payload\": \"\", \"signature\": \"\", \"cursor\": -1}", &a);
	assert_string_equal(a.payload, "");
	assert_int_equal(a.cursor, -1);
	fed_answer_free(&a);
}

static void what_is_not_json_or_lacks_a_part_is_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "",
	    "[]",
	    "{}",
	    "{\"payload\": \"p\"}",
	    "{\"signature\": \"s\"}",
	    "{\"payload\": 1, \"signature\": \"s\"}",
	    "{\"payload\": \"p\", \"signature\": \"s\"",
	    "{\"payload\": \"p\", \"signature\": \"s\"} x",
	    "{\"payload\": \"p\", \"payload\": \"q\", \"signature\": \"s\"}",
	    "{\"payload\": \"p\\u0000\", \"signature\": \"s\"}",
	    "{\"payload\": \"p\\x\", \"signature\": \"s\"}",
	    "{\"payload\": \"p\\ud834\", \"signature\": \"s\"}",
	    "{\"payload\": \"p\\udd1e\", \"signature\": \"s\"}",
	    "{\"payload\": \"p\\u12g4\", \"signature\": \"s\"}",
	    "{\"payload\": \"p\\u12\", \"signature\": \"s\"}",
	    "{\"payload\": \"a\tb\", \"signature\": \"s\"}",
	    "{\"payload\": \"p\", \"signature\": \"s\", \"x\": 01}",
	    "{\"payload\": \"p\", \"signature\": \"s\", \"x\": 1.}",
	    "{\"payload\": \"p\", \"signature\": \"s\", \"x\": -}",
	    "{\"payload\": \"p\", \"signature\": \"s\", \"x\": [1,]}",
	    "{\"payload\": \"p\", \"signature\": \"s\", \"x\": {\"a\" 1}}",
	    "{\"payload\": \"p\", \"signature\": \"s\", \"x\": tru}",
	    "{\"payload\": \"p\", \"signature\": \"s\",}",
	    "{\"payload\": \"p\" \"signature\": \"s\"}",
	    "{payload: \"p\", \"signature\": \"s\"}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refused(bad[i]);
	/* nesting deeper than the limit */
	char deep[400] = "{\"payload\": \"p\", \"signature\": \"s\", \"x\": ";
	size_t n = strlen(deep);
	for (int i = 0; i < 100; i++)
		deep[n++] = '[';
	for (int i = 0; i < 100; i++)
		deep[n++] = ']';
	deep[n++] = '}';
	deep[n] = '\0';
	refused(deep);
	/* a NUL byte inside the text */
	struct fed_answer a;
	static const char nul[] = "{\"payload\": \"p\0\", \"signature\": \"s\"}";
	assert_int_equal(fed_answer_parse(nul, sizeof(nul) - 1, &a), TR_ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(the_payload_is_what_jansson_reads),
	    cmocka_unit_test(spaces_order_and_hints_are_free),
	    cmocka_unit_test(what_is_not_json_or_lacks_a_part_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
