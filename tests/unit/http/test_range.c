/* The Range header: one byte range within the file, or refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "http/range.h"

#include <stdint.h>

static void one_range_is_read_and_clamped(void **state)
{
	(void)state;
	uint64_t a, b;
	assert_int_equal(http_range_parse("bytes=0-9", 100, &a, &b), 0);
	assert_true(a == 0 && b == 9);
	assert_int_equal(http_range_parse("bytes=90-", 100, &a, &b), 0);
	assert_true(a == 90 && b == 99);
	assert_int_equal(http_range_parse("bytes=50-5000", 100, &a, &b), 0);
	assert_true(a == 50 && b == 99);
	assert_int_equal(http_range_parse("bytes=-10", 100, &a, &b), 0);
	assert_true(a == 90 && b == 99);
	assert_int_equal(http_range_parse("bytes=-1000", 100, &a, &b), 0);
	assert_true(a == 0 && b == 99);
	assert_int_equal(http_range_parse("Bytes=99-99", 100, &a, &b), 0);
	assert_true(a == 99 && b == 99);
	assert_int_equal(http_range_parse("bytes=9999999999999999999-", UINT64_MAX, &a, &b), 0);
	assert_true(a == 9999999999999999999u && b == UINT64_MAX - 1);
}

static void past_the_end_is_unsatisfiable(void **state)
{
	(void)state;
	uint64_t a, b;
	assert_int_equal(http_range_parse("bytes=100-", 100, &a, &b), -2);
	assert_int_equal(http_range_parse("bytes=100-200", 100, &a, &b), -2);
	assert_int_equal(http_range_parse("bytes=-0", 100, &a, &b), -2);
	assert_int_equal(http_range_parse("bytes=0-", 0, &a, &b), -2);
	assert_int_equal(http_range_parse("bytes=-5", 0, &a, &b), -2);
}

static void anything_else_is_refused(void **state)
{
	(void)state;
	uint64_t a, b;
	static const char *const bad[] = {
	    "",	      "bytes",	   "bytes=",	"bytes=-",	"bytes=a-b", "bytes=5-2",
	    "bytes=0-1,3-4", "items=0-1",   "bytes= 0-1", "bytes=0 -1", "bytes=--1", "bytes=1--2",
	    "bytes=+1-2",    "bytes=0x1-", "bytes=1-2 ", "bytes=1-2;", "bytes==1-2",
	    "bytes=99999999999999999999-", "bytes=0-99999999999999999999",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (http_range_parse(bad[i], 100, &a, &b) != -1)
			fail_msg("\"%s\" was not refused", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(one_range_is_read_and_clamped),
	    cmocka_unit_test(past_the_end_is_unsatisfiable),
	    cmocka_unit_test(anything_else_is_refused),
	};
	return cmocka_run_group_tests_name("range", tests, NULL, NULL);
}
