#include "analytics/ts.h"
#include "analytics/cusum.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "core/err.h"

/* R's mean(): a long double sum corrected by a second pass. */
static double cusum_mean(const double *x, size_t n)
{
	long double s = 0.0L;
	for (size_t i = 0; i < n; i++)
		s += x[i];
	s /= (long double)n;
	if (isfinite((double)s)) {
		long double c = 0.0L;
		for (size_t i = 0; i < n; i++)
			c += x[i] - s;
		s += c / (long double)n;
	}
	return (double)s;
}

void cusum_opts_default(struct cusum_opts *o)
{
	o->k = 1.04;
	o->h = 2.26;
	o->m = NAN;
	o->trans = CUSUM_STANDARD;
	o->alpha = 0.1;
}

size_t cusum_min_from(const struct cusum_opts *o)
{
	return isnan(o->m) ? 1 : 0;
}

static int cusum_check(const double *counts, size_t n, size_t from, const struct cusum_opts *o,
		       struct ts_error *err)
{
	if (o->trans < CUSUM_STANDARD || o->trans > CUSUM_NONE)
		return ts_fail(err, 0, "trans", "unknown transformation");
	if (!isfinite(o->k))
		return ts_fail(err, 0, "k", "k must be a finite number");
	if (!isfinite(o->h))
		return ts_fail(err, 0, "h", "h must be a finite number");
	if (!(o->alpha >= 0.0) || !isfinite(o->alpha))
		return ts_fail(err, 0, "alpha", "alpha must be a finite number >= 0");
	if (isinf(o->m))
		return ts_fail(err, 0, "m", "m must be finite");
	if (from < cusum_min_from(o))
		return ts_fail(err, from + 1, "from",
			       "history too short: estimating m needs at least one period "
			       "before the first evaluated one");
	if (from >= n)
		return ts_fail(
		    err, from + 1, "from",
		    "nothing to evaluate: first period %zu is past the end (%zu periods)", from + 1,
		    n);
	for (size_t i = 0; i < n; i++)
		if (!isfinite(counts[i]) || counts[i] < 0.0)
			return ts_fail(err, i + 1, "count",
				       "count must be a finite number >= 0, got %g", counts[i]);
	return TR_OK;
}

/* The standardised count; R writes x^y as pow() (x^2 as x*x), kept here so
 * results agree to the last bit. */
static double cusum_stand(double x, double m, const struct cusum_opts *o)
{
	switch (o->trans) {
	case CUSUM_ROSSI:
		return (x - 3 * m + 2 * sqrt(x * m)) / (2 * sqrt(m));
	case CUSUM_ANSCOMBE:
		return 3.0 / 2.0 * (pow(x, 2.0 / 3.0) - pow(m, 2.0 / 3.0)) / pow(m, 1.0 / 6.0);
	case CUSUM_ANSCOMBE2ND:
		return (pow(x, 2.0 / 3.0) - (pow(m, 2.0 / 3.0) - pow(m, -1.0 / 3.0) / 9)) /
		       (2.0 / 3.0 * pow(m, 1.0 / 6.0));
	case CUSUM_PEARSON_NB:
		return (x - m) / sqrt(m + o->alpha * (m * m));
	case CUSUM_NONE:
		return x;
	default:
		return (x - m) / sqrt(m);
	}
}

/* The count that would bring the sum to h given the previous sum c0 (c1 is
 * the current sum, used by "none"); R's formulas term by term. */
static double cusum_bound(double m, double c0, double c1, const struct cusum_opts *o)
{
	double h = o->h, k = o->k, ub, v, r, m32;
	switch (o->trans) {
	case CUSUM_ROSSI:
		r = pow(m, 0.5);
		m32 = pow(m, 3.0 / 2.0);
		ub = 2 * h * r + 2 * k * r - 2 * c0 * r + 5 * m -
		     2 * pow(4 * (m * m) + 2 * m32 * h + 2 * m32 * k - 2 * m32 * c0, 0.5);
		break;
	case CUSUM_ANSCOMBE:
		v = 2.0 / 3.0 * pow(m, 1.0 / 6.0) * (h + k - c0) + pow(m, 2.0 / 3.0);
		ub = v < 0 ? 0 : pow(v, 3.0 / 2.0);
		break;
	case CUSUM_ANSCOMBE2ND:
		v = 2.0 / 3.0 * pow(m, 1.0 / 6.0) * (h + k - c0) +
		    (pow(m, 2.0 / 3.0) - pow(m, 1.0 / 3.0) / 9);
		ub = v < 0 ? 0 : pow(v, 3.0 / 2.0);
		break;
	case CUSUM_PEARSON_NB:
		ub = sqrt(m + o->alpha * (m * m)) * (h + k - c0) + m;
		break;
	case CUSUM_NONE:
		ub = h - c1;
		break;
	default:
		ub = ceil(sqrt(m) * (h + k - c0) + m);
		break;
	}
	return isnan(ub) || ub < 0 ? 0.0 : ub;
}

int cusum_run(const double *counts, size_t n, size_t from, const struct cusum_opts *o,
	      struct ts_point *out, struct ts_error *err)
{
	int rc = cusum_check(counts, n, from, o, err);
	if (rc != TR_OK)
		return rc;
	double m = isnan(o->m) ? cusum_mean(counts, from) : o->m;
	if (o->trans != CUSUM_NONE && !(m > 0.0))
		return ts_fail(err, 0, "m",
			       "in-control mean m is %g; the standardisation needs m > 0", m);
	double c0 = 0.0;
	for (size_t t = 0; t < n; t++) {
		out[t].expected = NAN;
		out[t].upperbound = NAN;
		out[t].alarm = 0;
		out[t].undecided = 0; /* the bound always exists */
		if (t < from)
			continue;
		double s = c0 + (cusum_stand(counts[t], m, o) - o->k);
		double c1 = s > 0.0 ? s : 0.0;
		out[t].upperbound = cusum_bound(m, c0, c1, o);
		out[t].alarm = c1 >= o->h;
		c0 = c1;
	}
	return TR_OK;
}
