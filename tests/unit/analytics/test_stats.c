/* Distribution functions against values printed by R 4.2.2
 * (options(digits = 17)). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "analytics/stats.h"

static void assert_close(double got, double want, double rel)
{
	if (!(fabs(got - want) <= rel * fabs(want)))
		fail_msg("got %.17g, want %.17g", got, want);
}

static void test_qnorm_matches_r(void **state)
{
	assert_close(stats_qnorm(0.95), 1.6448536269514715, 1e-15);
	assert_close(stats_qnorm(0.99), 2.3263478740408408, 1e-15);
	assert_true(isnan(stats_qnorm(1.0)));
}

static void test_pt_matches_r(void **state)
{
	assert_close(stats_pt(-2.1, 30), 2.2121235631161765e-02, 1e-12);
	assert_close(stats_pt(0.3, 5), 6.1187547886836269e-01, 1e-12);
	assert_close(stats_pt(-1.96, 200), 2.5692420422906679e-02, 1e-12);
	assert_close(stats_pt(-0.01, 33), 4.9604074930553699e-01, 1e-12);
	assert_close(stats_pt(4, 2), 9.7140452079103168e-01, 1e-12);
	assert_close(stats_pt(-8, 100), 1.1364324038640401e-12, 1e-11);
}

static void test_pt_rejects_bad_df(void **state)
{
	assert_true(isnan(stats_pt(1.0, 0.0)));
	assert_true(isnan(stats_pt(NAN, 3.0)));
}

static void test_pbeta_matches_r(void **state)
{
	assert_close(stats_pbeta(0.3, 2.5, 4), 0.35219758590676714, 1e-12);
	assert_close(stats_pbeta(0.999, 0.5, 30), 1.0, 1e-15);
	assert_true(stats_pbeta(0.0, 2.0, 3.0) == 0.0);
}

static void test_qpois_matches_r(void **state)
{
	assert_true(stats_qpois(0.95, 3.2) == 6);
	assert_true(stats_qpois(0.99, 0.01) == 0);
	assert_true(stats_qpois(0.95, 150.5) == 171);
	assert_true(stats_qpois(0.01, 12) == 5);
	assert_true(stats_qpois(0.95, 2000) == 2074);
	assert_true(stats_qpois(0.95, 1e-300) == 0);
	assert_true(stats_qpois(0.95, 0.0) == 0);
}

static void test_qnbinom_matches_r(void **state)
{
	assert_true(stats_qnbinom(0.95, 3.2, 0.5) == 8);
	assert_true(stats_qnbinom(0.99, 0.002, 0.001) == 4);
	assert_true(stats_qnbinom(0.95, 1e5, 0.99999) == 3);
	assert_true(stats_qnbinom(0.95, 0.3, 0.2) == 6);
	assert_true(stats_qnbinom(0.05, 40, 0.3) == 66);
	assert_true(stats_qnbinom(0.95, 10000, 2.0 / 3.0) == 5143);
	assert_true(stats_qnbinom(0.99, 2.5, 1.0 / 3.0) == 17);
}

static void test_quantiles_reject_bad_arguments(void **state)
{
	assert_true(isnan(stats_qpois(1.0, 3.0)));
	assert_true(isnan(stats_qpois(0.5, -1.0)));
	assert_true(isnan(stats_qnbinom(0.5, 2.0, 0.0)));
	assert_true(isnan(stats_qnbinom(0.5, -1.0, 0.5)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_qnorm_matches_r),
	    cmocka_unit_test(test_pt_matches_r),
	    cmocka_unit_test(test_pt_rejects_bad_df),
	    cmocka_unit_test(test_pbeta_matches_r),
	    cmocka_unit_test(test_qpois_matches_r),
	    cmocka_unit_test(test_qnbinom_matches_r),
	    cmocka_unit_test(test_quantiles_reject_bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
