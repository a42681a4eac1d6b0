/* CSV reader of the spatial methods: good files, RFC 4180 quoting, dates,
 * and malformed input reported with record and column. */
#include "analytics/points_csv.h"
#include "core/err.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static int read_str(const char *s, enum points_kind kind, struct points_csv *pc,
		    struct ts_error *err)
{
	memset(err, 0, sizeof *err);
	return points_csv_read(s, strlen(s), kind, pc, err);
}

static void test_points_csv_reads_values(void **state)
{
	(void)state;
	struct points_csv pc;
	struct ts_error err;
	const char *s = "id,x,y,value\r\na,1.5,-2,3\r\n\"b,\"\"q\"\"\", 4 ,5e1,0\r\n\r\n";
	assert_int_equal(read_str(s, POINTS_VALUE, &pc, &err), TR_OK);
	assert_int_equal(pc.n, 2);
	assert_string_equal(points_csv_id(&pc, 0), "a");
	assert_string_equal(points_csv_id(&pc, 1), "b,\"q\"");
	assert_true(pc.x[0] == 1.5 && pc.y[0] == -2.0 && pc.value[0] == 3.0);
	assert_true(pc.x[1] == 4.0 && pc.y[1] == 50.0 && pc.value[1] == 0.0);
	assert_null(pc.day);
	points_csv_free(&pc);
}

static void test_points_csv_columns_in_any_order(void **state)
{
	(void)state;
	struct points_csv pc;
	struct ts_error err;
	const char *s = "date,note,y,x,id\n2024-02-29,\"multi\nline\",10,20,e1\n1970-01-01,,0,0,e2";
	assert_int_equal(read_str(s, POINTS_DATE, &pc, &err), TR_OK);
	assert_int_equal(pc.n, 2);
	assert_true(pc.x[0] == 20.0 && pc.y[0] == 10.0);
	assert_int_equal(pc.day[1], 0);
	char buf[32];
	points_date_format(pc.day[0], buf);
	assert_string_equal(buf, "2024-02-29");
	assert_string_equal(points_csv_id(&pc, 1), "e2");
	points_csv_free(&pc);
}

static void test_points_date_round_trip(void **state)
{
	(void)state;
	const char *dates[] = {"0001-01-01", "1899-12-31", "1969-12-31",
			       "2000-02-29", "2100-03-01", "9999-12-31"};
	for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
		int32_t d;
		char buf[32];
		assert_int_equal(points_date_parse(dates[i], 10, &d), TR_OK);
		points_date_format(d, buf);
		assert_string_equal(buf, dates[i]);
	}
	int32_t d;
	assert_int_equal(points_date_parse("2024-01-31", 10, &d), TR_OK);
	assert_int_equal(d, 19753);
	const char *bad[] = {"2023-02-29", "2100-02-29", "2024-13-01", "2024-00-10", "2024-04-31",
			     "0000-01-01", "2024-1-01",	 "2024/01/01", "20240101xx"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(points_date_parse(bad[i], strlen(bad[i]), &d), TR_ERR_INVALID);
}

struct bad_case {
	const char *csv;
	enum points_kind kind;
	size_t row;
	const char *column;
};

static void test_points_csv_names_row_and_column(void **state)
{
	(void)state;
	const struct bad_case cases[] = {
	    {"", POINTS_VALUE, 1, ""},
	    {"id,x,value\n", POINTS_VALUE, 1, "y"},
	    {"id,x,y,x,value\n", POINTS_VALUE, 1, "x"},
	    {"id,x,y,value\na,1,2,3\nb,1,zz,3\n", POINTS_VALUE, 3, "y"},
	    {"id,x,y,value\na,nan,2,3\n", POINTS_VALUE, 2, "x"},
	    {"id,x,y,value\na,1,2,inf\n", POINTS_VALUE, 2, "value"},
	    {"id,x,y,value\na,1,2,-0.5\n", POINTS_VALUE, 2, "value"},
	    {"id,x,y,value\na,1,2,\n", POINTS_VALUE, 2, "value"},
	    {"id,x,y,value\na,1,2\n", POINTS_VALUE, 2, "column 4"},
	    {"id,x,y,value\na,1,2,3,4\n", POINTS_VALUE, 2, "column 5"},
	    {"id,x,y,value\n,1,2,3\n", POINTS_VALUE, 2, "id"},
	    {"id,x,y,value\na,1,2,3\n\"b,1,2,3\n", POINTS_VALUE, 3, "column 1"},
	    {"id,x,y,value\na,1\"x,2,3\n", POINTS_VALUE, 2, "column 2"},
	    {"id,x,y,value\n\"a\"b,1,2,3\n", POINTS_VALUE, 2, "column 1"},
	    {"id,x,y,date\na,1,2,2024-02-30\n", POINTS_DATE, 2, "date"},
	    {"id,x,y,date\na,1,2,03/01/2024\n", POINTS_DATE, 2, "date"},
	    {"id,x,y,date\n\"a\nb\",1,2,2024-01-01\nc,1,2,x\n", POINTS_DATE, 3, "date"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct points_csv pc;
		struct ts_error err;
		int rc = read_str(cases[i].csv, cases[i].kind, &pc, &err);
		if (rc != TR_ERR_INVALID || err.row != cases[i].row ||
		    strcmp(err.column, cases[i].column) != 0)
			fail_msg("case %zu: rc %d row %zu column '%s' (%s)", i, rc, err.row,
				 err.column, err.message);
		assert_true(strlen(err.message) > 0);
		assert_int_equal(pc.n, 0);
		assert_null(pc.x);
	}
}

static void test_points_csv_header_only_is_empty(void **state)
{
	(void)state;
	struct points_csv pc;
	struct ts_error err;
	assert_int_equal(read_str("id,x,y,value\n", POINTS_VALUE, &pc, &err), TR_OK);
	assert_int_equal(pc.n, 0);
	points_csv_free(&pc);
}

static void test_points_csv_nul_byte_rejected(void **state)
{
	(void)state;
	const char s[] = "id,x,y,value\na,1,2\0,3\n";
	struct points_csv pc;
	struct ts_error err;
	assert_int_equal(points_csv_read(s, sizeof s - 1, POINTS_VALUE, &pc, &err), TR_ERR_INVALID);
	assert_int_equal(err.row, 2);
	assert_string_equal(err.column, "column 3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_points_csv_reads_values),
	    cmocka_unit_test(test_points_csv_columns_in_any_order),
	    cmocka_unit_test(test_points_date_round_trip),
	    cmocka_unit_test(test_points_csv_names_row_and_column),
	    cmocka_unit_test(test_points_csv_header_only_is_empty),
	    cmocka_unit_test(test_points_csv_nul_byte_rejected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
