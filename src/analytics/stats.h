/** Distribution functions used by the detectors, and the ordering of
 * values by rank they share. Pure, thread-safe: no function here keeps
 * state or touches a global (lgamma's signgam included). */
#ifndef TR_ANALYTICS_STATS_H
#define TR_ANALYTICS_STATS_H

#include <stddef.h>

/** Standard normal CDF. */
double stats_pnorm(double x);
/** Standard normal upper tail 1 - Phi(x), accurate in the far tail. */
double stats_pnorm_upper(double x);
/** Two-sided normal p-value of a z-value, R's 2 * pnorm(-abs(z)): erfc of
 * |z| / sqrt(2), accurate in the far tail. NaN for NaN. */
double stats_pnorm_two_sided(double z);
/** Standard normal quantile for 0 < p < 1 (NaN otherwise). */
double stats_qnorm(double p);

/** Regularized incomplete beta I_x(a, b) for a, b > 0 and 0 <= x <= 1
 * (NaN otherwise); relative accuracy about 1e-13. */
double stats_pbeta(double x, double a, double b);
/** Student t CDF P(T <= t) with df > 0 degrees of freedom (NaN otherwise),
 * as R's pt(t, df). */
double stats_pt(double t, double df);
/** Poisson quantile as R's qpois(p, mu): the smallest integer x with
 * P(X <= x) >= p (with R's 64-epsilon fuzz). 0 < p < 1, mu >= 0 finite;
 * NaN otherwise. */
double stats_qpois(double p, double mu);
/** Negative binomial quantile as R's qnbinom(p, size, prob): the smallest
 * integer x with P(X <= x) >= p (with R's fuzz), X counting failures before
 * the size-th success. 0 < p < 1, size >= 0, 0 < prob <= 1; NaN otherwise. */
double stats_qnbinom(double p, double size, double prob);

/** A value to order by and the position it came from. */
struct stats_keyed {
	double key;
	size_t at;
};
/** Sorts v by key, ascending, ties by position (R's order()); no key may
 * be NaN. */
void stats_keyed_sort(struct stats_keyed *v, size_t n);

#endif
