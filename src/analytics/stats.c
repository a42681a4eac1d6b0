#include "analytics/stats.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

static int keyed_cmp(const void *a, const void *b)
{
	const struct stats_keyed *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->at > y->at) - (x->at < y->at);
}

void stats_keyed_sort(struct stats_keyed *v, size_t n)
{
	qsort(v, n, sizeof *v, keyed_cmp);
}

double stats_pnorm(double x)
{
	return 0.5 * erfc(-x / M_SQRT2);
}

double stats_pnorm_upper(double x)
{
	return 0.5 * erfc(x / M_SQRT2);
}

double stats_pnorm_two_sided(double z)
{
	return erfc(fabs(z) / M_SQRT2);
}

/* Newton's method on the CDF from a logistic start; the error function of
 * libm is accurate to an ulp, so a few steps reach full precision. */
double stats_qnorm(double p)
{
	if (!(p > 0.0 && p < 1.0))
		return NAN;
	int upper = p > 0.5;
	double q = upper ? 1.0 - p : p;	 /* lower tail probability */
	double x = -sqrt(-2.0 * log(q)); /* rough start */
	for (int i = 0; i < 100; i++) {
		double f = stats_pnorm(x) - q;
		double d = exp(-0.5 * x * x) / sqrt(2.0 * M_PI);
		if (d == 0.0)
			break;
		double step = f / d;
		x -= step;
		if (fabs(step) <= 1e-15 * fmax(1.0, fabs(x)))
			break;
	}
	return upper ? -x : x;
}

/* log B(a, b) through the reentrant lgamma: plain lgamma writes the global
 * signgam, which would break the thread-safety promised in stats.h. */
static double stats_lbeta(double a, double b)
{
	int sign;
	return lgamma_r(a, &sign) + lgamma_r(b, &sign) - lgamma_r(a + b, &sign);
}

/* Continued fraction of I_x(a, b) (modified Lentz); converges quickly when
 * x < (a + 1) / (a + b + 2). y is 1 - x, passed in so that callers who know
 * it exactly do not lose digits to cancellation. */
static double stats_beta_cf(double x, double y, double a, double b)
{
	const double tiny = 1e-300;
	double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
	if (fabs(d) < tiny)
		d = tiny;
	d = 1.0 / d;
	double f = d;
	for (int m = 1; m <= 10000; m++) {
		double m2 = 2.0 * m;
		double num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
		for (int half = 0; half < 2; half++) {
			d = 1.0 + num * d;
			c = 1.0 + num / c;
			if (fabs(d) < tiny)
				d = tiny;
			if (fabs(c) < tiny)
				c = tiny;
			d = 1.0 / d;
			f *= c * d;
			num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
		}
		if (fabs(c * d - 1.0) < 1e-16)
			break;
	}
	return exp(a * log(x) + b * log(y) - stats_lbeta(a, b)) * f / a;
}

/* I_x(a, b) given both x and y = 1 - x. */
static double stats_pbeta_xy(double x, double y, double a, double b)
{
	if (x <= 0.0)
		return 0.0;
	if (y <= 0.0)
		return 1.0;
	if (x < (a + 1.0) / (a + b + 2.0))
		return stats_beta_cf(x, y, a, b);
	return 1.0 - stats_beta_cf(y, x, b, a);
}

double stats_pbeta(double x, double a, double b)
{
	if (!(a > 0.0 && b > 0.0 && x >= 0.0 && x <= 1.0))
		return NAN;
	return stats_pbeta_xy(x, 1.0 - x, a, b);
}

double stats_pt(double t, double df)
{
	if (!(df > 0.0) || isnan(t))
		return NAN;
	if (isinf(t))
		return t < 0 ? 0.0 : 1.0;
	/* P(T <= -|t|) = I_{df/(df+t^2)}(df/2, 1/2) / 2; the complement
	 * t^2/(df+t^2) is formed directly so small t keeps its digits. */
	double t2 = t * t;
	double lower = 0.5 * stats_pbeta_xy(df / (df + t2), t2 / (df + t2), 0.5 * df, 0.5);
	return t < 0 ? lower : 1.0 - lower;
}

/* A distribution on 0, 1, 2, ... known through the ratio of successive
 * probabilities, enough to find quantiles by summing terms scaled to 1 at
 * the mode: no pmf is ever evaluated directly, so nothing underflows. */
struct stats_discrete {
	int negbin; /* 0: Poisson(mu); 1: negative binomial(size, prob) */
	double mu, size, prob;
};

/* pmf(k + 1) / pmf(k) */
static double stats_discrete_ratio(const struct stats_discrete *d, double k)
{
	if (d->negbin)
		return (k + d->size) * (1.0 - d->prob) / (k + 1.0);
	return d->mu / (k + 1.0);
}

/* An upper bound of every ratio beyond k, for k at or past the mode. */
static double stats_discrete_ratio_sup(const struct stats_discrete *d, double k)
{
	double r = stats_discrete_ratio(d, k);
	if (d->negbin && r < 1.0 - d->prob)
		r = 1.0 - d->prob; /* size < 1: ratios rise towards 1 - prob */
	return r;
}

static double stats_discrete_mode(const struct stats_discrete *d)
{
	if (d->negbin)
		return d->size > 1.0 ? floor((d->size - 1.0) * (1.0 - d->prob) / d->prob) : 0.0;
	return floor(d->mu);
}

/* Smallest x with F(x) >= p. Terms below 1e-17 of the total are dropped; a
 * bound on what was dropped decides where each tail ends. */
static double stats_discrete_quantile(const struct stats_discrete *d, double p)
{
	const double negligible = 1e-17;
	double mode = stats_discrete_mode(d);
	if (!(mode < 1e8))
		return NAN; /* far beyond any count this program sees */
	double t = 1.0, sum = 1.0, klo = mode;
	while (klo > 0.0) { /* left tail: terms fall going down */
		double prev = t / stats_discrete_ratio(d, klo - 1.0);
		if (prev * klo < negligible * sum)
			break;
		t = prev;
		sum += t;
		klo -= 1.0;
	}
	double tlo = t;
	t = 1.0;
	for (double k = mode;; k += 1.0) { /* right tail */
		double r = stats_discrete_ratio_sup(d, k);
		if (r < 1.0 && t * r / (1.0 - r) < negligible * sum)
			break;
		t *= stats_discrete_ratio(d, k);
		sum += t;
	}
	double target = p * (1.0 - 64.0 * DBL_EPSILON) * sum; /* R's fuzz */
	double cum = 0.0, k = klo;
	for (t = tlo;; k += 1.0) {
		cum += t;
		if (cum >= target)
			return k;
		t *= stats_discrete_ratio(d, k);
		if (t == 0.0 && k > mode)
			return k + 1.0; /* rounding left target out of reach */
	}
}

double stats_qpois(double p, double mu)
{
	if (!(p > 0.0 && p < 1.0) || !(mu >= 0.0) || isinf(mu))
		return NAN;
	if (mu == 0.0)
		return 0.0;
	if (p + 1.01 * DBL_EPSILON >= 1.0)
		return INFINITY; /* as R */
	struct stats_discrete d = {.negbin = 0, .mu = mu};
	return stats_discrete_quantile(&d, p);
}

double stats_qnbinom(double p, double size, double prob)
{
	if (!(p > 0.0 && p < 1.0) || !(size >= 0.0) || isinf(size) || !(prob > 0.0 && prob <= 1.0))
		return NAN;
	if (size == 0.0 || prob == 1.0)
		return 0.0;
	if (p + 1.01 * DBL_EPSILON >= 1.0)
		return INFINITY; /* as R */
	struct stats_discrete d = {.negbin = 1, .size = size, .prob = prob};
	return stats_discrete_quantile(&d, p);
}
