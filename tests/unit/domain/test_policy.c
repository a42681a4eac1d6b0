/* The rules of commitments that need no database: periods, the five-level
 * scale, texts in several languages, and the matrix's CSV (one line per
 * State and commitment, formulas defused). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain/policy.h"
#include "domain/shrec.h"

#include <stdlib.h>
#include <string.h>

static void periods(void **state)
{
	(void)state;
	const char *good[] = {"2024", "2024-Q1", "2024-Q4", "2024-H1", "2024-H2", "2024-01", "2024-12", "1999"};
	const char *bad[] = {NULL, "", "24", "20245", "2024-Q5", "2024-Q0", "2024-H3", "2024-13",
			     "2024-00", "2024-1", "2024/01", "0999", "3000", "2024-q1", "abcd"};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(policy_period_valid(good[i]));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(policy_period_valid(bad[i]));
}

/* Periods in time, not by their text (found by tests/fuzz/fuzz_policy.c):
 * by the month they end, a quarter before its year, December after the
 * first half; of those ending together, the longer first. */
static void period_order(void **state)
{
	(void)state;
	const char *in_order[] = {"2023",    "2024-01", "2024-Q1", "2024-04", "2024-H1", "2024-Q2",
				  "2024-06", "2024-Q3", "2024",    "2024-H2", "2024-Q4", "2024-12",
				  "2025-01"};
	size_t n = sizeof(in_order) / sizeof(in_order[0]);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			int c = policy_period_cmp(in_order[i], in_order[j]);
			if (i < j)
				assert_true(c < 0);
			else if (i > j)
				assert_true(c > 0);
			else
				assert_int_equal(c, 0);
		}
}

static void scale(void **state)
{
	(void)state;
	assert_int_equal(policy_status_rank("no_evidence"), 0);
	assert_int_equal(policy_status_rank("not_started"), 1);
	assert_int_equal(policy_status_rank("limited"), 2);
	assert_int_equal(policy_status_rank("substantial"), 3);
	assert_int_equal(policy_status_rank("complete"), 4);
	assert_int_equal(policy_status_rank("done"), -1);
	assert_int_equal(policy_status_rank(NULL), -1);
}

static void texts(void **state)
{
	(void)state;
	json_t *ok = json_pack("{s:s, s:s, s:s}", "en", "Prevent", "fr", "Prévenir", "ru", "Предотвращать");
	json_t *empty = json_object(), *blank = json_pack("{s:s}", "en", "");
	json_t *code = json_pack("{s:s}", "eng", "x"), *num = json_pack("{s:i}", "en", 1);
	json_t *long_ru = json_pack("{s:s}", "ru", "Жжжжж"); /* 5 characters, 10 bytes */
	assert_true(shrec_texts_valid(ok, 100));
	assert_false(shrec_texts_valid(empty, 100));
	assert_false(shrec_texts_valid(blank, 100));
	assert_false(shrec_texts_valid(code, 100));
	assert_false(shrec_texts_valid(num, 100));
	assert_true(shrec_texts_valid(long_ru, 5));
	assert_false(shrec_texts_valid(long_ru, 4));
	json_t *all[] = {ok, empty, blank, code, num, long_ru};
	for (size_t i = 0; i < 6; i++)
		json_decref(all[i]);
}

static void matrix_csv(void **state)
{
	(void)state;
	json_t *m = json_loads(
	    "{\"commitments\":[{\"id\":\"c1\",\"document_id\":\"d1\",\"paragraph\":\"=SUM(A1)\","
	    "\"theme\":\"prevention\"},{\"id\":\"c2\",\"document_id\":\"d1\",\"paragraph\":\"4, b\","
	    "\"theme\":\"treatment\"}],\"states\":[{\"state\":\"AT\",\"cells\":{\"c1\":{\"self\":"
	    "{\"period\":\"2024\",\"status\":\"limited\",\"change\":\"improved\"},\"independent\":"
	    "null}}}]}",
	    0, NULL);
	assert_non_null(m);
	char *csv = policy_matrix_csv(m);
	const char *want =
	    "state,document_id,commitment_id,paragraph,theme,self_period,self_status,self_change,"
	    "independent_period,independent_status,independent_change\r\n"
	    "AT,d1,c1,\"'=SUM(A1)\",prevention,2024,limited,improved,,,\r\n"
	    "AT,d1,c2,\"4, b\",treatment,,,,,,\r\n";
	assert_string_equal(csv, want);
	free(csv);
	json_decref(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(periods),
	    cmocka_unit_test(period_order),
	    cmocka_unit_test(scale),
	    cmocka_unit_test(texts),
	    cmocka_unit_test(matrix_csv),
	};
	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
