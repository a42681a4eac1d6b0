/* The time-series CSV reader: what it accepts and how it names errors. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "analytics/ts_csv.h"
#include "core/err.h"

/* Parses the NUL-terminated text s; returns the reader's rc. */
static int parse(const char *s, struct ts_csv *t, struct ts_error *err)
{
	memset(err, 0, sizeof *err);
	return ts_csv_read(s, strlen(s), t, err);
}

static void reads_counts_and_periods(void **state)
{
	struct ts_csv t;
	struct ts_error err;
	assert_int_equal(parse("period,count\n2024-W01,3\n2024-W02,0\n2024-W03,12\n", &t, &err),
			 TR_OK);
	assert_int_equal(t.n, 3);
	assert_true(t.counts[0] == 3 && t.counts[1] == 0 && t.counts[2] == 12);
	assert_string_equal(t.periods[2], "2024-W03");
	ts_csv_free(&t);
}

static void period_column_is_optional(void **state)
{
	struct ts_csv t;
	struct ts_error err;
	assert_int_equal(parse("count\n1\n2\n", &t, &err), TR_OK);
	assert_int_equal(t.n, 2);
	assert_null(t.periods);
	ts_csv_free(&t);
}

static void other_columns_are_ignored(void **state)
{
	struct ts_csv t;
	struct ts_error err;
	assert_int_equal(parse("region,count,note\nA,5,x\nB,6,\"y, z\"\n", &t, &err), TR_OK);
	assert_int_equal(t.n, 2);
	assert_true(t.counts[1] == 6);
	ts_csv_free(&t);
}

static void column_names_ignore_case_and_blanks(void **state)
{
	struct ts_csv t;
	struct ts_error err;
	assert_int_equal(parse(" Period , COUNT \nw1,4\n", &t, &err), TR_OK);
	assert_string_equal(t.periods[0], "w1");
	ts_csv_free(&t);
}

static void quoted_fields_follow_rfc4180(void **state)
{
	struct ts_csv t;
	struct ts_error err;
	assert_int_equal(parse("\"period\",\"count\"\r\n\"a \"\"b\"\", c\nd\",\"7\"\r\n", &t, &err),
			 TR_OK);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.periods[0], "a \"b\", c\nd");
	assert_true(t.counts[0] == 7);
	ts_csv_free(&t);
}

static void bom_blank_lines_and_no_final_newline_are_accepted(void **state)
{
	struct ts_csv t;
	struct ts_error err;
	assert_int_equal(parse("\xEF\xBB\xBF"
			       "count\n\n1\n\n2",
			       &t, &err),
			 TR_OK);
	assert_int_equal(t.n, 2);
	assert_true(t.counts[1] == 2);
	ts_csv_free(&t);
}

static void integral_decimal_count_is_accepted(void **state)
{
	struct ts_csv t;
	struct ts_error err;
	assert_int_equal(parse("count\n12.0\n 3 \n", &t, &err), TR_OK);
	assert_true(t.counts[0] == 12 && t.counts[1] == 3);
	ts_csv_free(&t);
}

static void negative_count_names_row_and_column(void **state)
{
	struct ts_csv t;
	struct ts_error err;
	assert_int_equal(parse("period,count\nw1,3\nw2,-1\n", &t, &err), TR_ERR_INVALID);
	assert_int_equal(err.row, 3);
	assert_string_equal(err.column, "count");
	assert_non_null(strstr(err.message, "row 3, column count"));
	assert_null(t.counts);
}

static void fractional_count_is_rejected(void **state)
{
	struct ts_csv t;
	struct ts_error err;
	assert_int_equal(parse("count\n2.5\n", &t, &err), TR_ERR_INVALID);
	assert_int_equal(err.row, 2);
}

static void missing_count_is_rejected(void **state)
{
	struct ts_csv t;
	struct ts_error err;
	assert_int_equal(parse("period,count\nw1,\n", &t, &err), TR_ERR_INVALID);
	assert_string_equal(err.column, "count");
	assert_int_equal(parse("count\nNA\n", &t, &err), TR_ERR_INVALID);
}

static void huge_count_is_rejected(void **state)
{
	struct ts_csv t;
	struct ts_error err;
	assert_int_equal(parse("count\n99999999999999999999\n", &t, &err), TR_ERR_INVALID);
	assert_int_equal(err.row, 2);
}

static void header_without_count_is_rejected(void **state)
{
	struct ts_csv t;
	struct ts_error err;
	assert_int_equal(parse("period,cases\nw1,3\n", &t, &err), TR_ERR_INVALID);
	assert_int_equal(err.row, 1);
	assert_string_equal(err.column, "count");
}

static void duplicate_count_column_is_rejected(void **state)
{
	struct ts_csv t;
	struct ts_error err;
	assert_int_equal(parse("count,count\n1,2\n", &t, &err), TR_ERR_INVALID);
	assert_int_equal(err.row, 1);
}

static void short_row_names_missing_column(void **state)
{
	struct ts_csv t;
	struct ts_error err;
	assert_int_equal(parse("period,count\nw1,1\nw2\n", &t, &err), TR_ERR_INVALID);
	assert_int_equal(err.row, 3);
	assert_string_equal(err.column, "count");
}

static void long_row_is_rejected(void **state)
{
	struct ts_csv t;
	struct ts_error err;
	assert_int_equal(parse("count\n1,2\n", &t, &err), TR_ERR_INVALID);
	assert_int_equal(err.row, 2);
}

static void unterminated_quote_names_row_and_column(void **state)
{
	struct ts_csv t;
	struct ts_error err;
	assert_int_equal(parse("period,count\nw1,1\n\"w2,2\n", &t, &err), TR_ERR_INVALID);
	assert_int_equal(err.row, 3);
	assert_string_equal(err.column, "period");
}

static void text_after_closing_quote_is_rejected(void **state)
{
	struct ts_csv t;
	struct ts_error err;
	assert_int_equal(parse("period,count\n\"w1\"x,1\n", &t, &err), TR_ERR_INVALID);
	assert_int_equal(err.row, 2);
	assert_string_equal(err.column, "period");
}

static void bare_quote_is_rejected(void **state)
{
	struct ts_csv t;
	struct ts_error err;
	assert_int_equal(parse("period,count\nw1,1\nw2,2\"\n", &t, &err), TR_ERR_INVALID);
	assert_int_equal(err.row, 3);
	assert_string_equal(err.column, "count");
}

/* Rows are lines of the file: a quoted line break moves later rows down. */
static void rows_count_lines_inside_quotes(void **state)
{
	struct ts_csv t;
	struct ts_error err;
	assert_int_equal(parse("period,count\n\"w\n1\",1\nw2,x\n", &t, &err), TR_ERR_INVALID);
	assert_int_equal(err.row, 4);
}

static void nul_byte_is_rejected(void **state)
{
	struct ts_csv t;
	struct ts_error err = {0};
	static const char buf[] = "period,count\nw\0001,1\n";
	assert_int_equal(ts_csv_read(buf, sizeof buf - 1, &t, &err), TR_ERR_INVALID);
	assert_int_equal(err.row, 2);
}

static void empty_input_is_rejected(void **state)
{
	struct ts_csv t;
	struct ts_error err;
	assert_int_equal(parse("", &t, &err), TR_ERR_INVALID);
	assert_int_equal(parse("\n\n", &t, &err), TR_ERR_INVALID);
}

static void header_only_is_rejected(void **state)
{
	struct ts_csv t;
	struct ts_error err;
	assert_int_equal(parse("period,count\n", &t, &err), TR_ERR_INVALID);
	assert_non_null(strstr(err.message, "no data rows"));
}

static void many_rows_are_read(void **state)
{
	static char buf[200000];
	size_t len = (size_t)snprintf(buf, sizeof buf, "period,count\n");
	for (int i = 0; i < 10000; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "p%d,%d\n", i, i % 97);
	struct ts_csv t;
	struct ts_error err;
	assert_int_equal(ts_csv_read(buf, len, &t, &err), TR_OK);
	assert_int_equal(t.n, 10000);
	assert_true(t.counts[9999] == 9999 % 97);
	assert_string_equal(t.periods[9999], "p9999");
	ts_csv_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reads_counts_and_periods),
	    cmocka_unit_test(period_column_is_optional),
	    cmocka_unit_test(other_columns_are_ignored),
	    cmocka_unit_test(column_names_ignore_case_and_blanks),
	    cmocka_unit_test(quoted_fields_follow_rfc4180),
	    cmocka_unit_test(bom_blank_lines_and_no_final_newline_are_accepted),
	    cmocka_unit_test(integral_decimal_count_is_accepted),
	    cmocka_unit_test(negative_count_names_row_and_column),
	    cmocka_unit_test(fractional_count_is_rejected),
	    cmocka_unit_test(missing_count_is_rejected),
	    cmocka_unit_test(huge_count_is_rejected),
	    cmocka_unit_test(header_without_count_is_rejected),
	    cmocka_unit_test(duplicate_count_column_is_rejected),
	    cmocka_unit_test(short_row_names_missing_column),
	    cmocka_unit_test(long_row_is_rejected),
	    cmocka_unit_test(unterminated_quote_names_row_and_column),
	    cmocka_unit_test(text_after_closing_quote_is_rejected),
	    cmocka_unit_test(bare_quote_is_rejected),
	    cmocka_unit_test(rows_count_lines_inside_quotes),
	    cmocka_unit_test(nul_byte_is_rejected),
	    cmocka_unit_test(empty_input_is_rejected),
	    cmocka_unit_test(header_only_is_rejected),
	    cmocka_unit_test(many_rows_are_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
