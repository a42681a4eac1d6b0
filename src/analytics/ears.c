#include "analytics/ts.h"
#include "analytics/ears.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "analytics/stats.h"
#include "core/err.h"

/* R's pmax(a, b) without na.rm: NaN wins, where fmax() would drop it. */
static double ears_pmax(double a, double b)
{
	if (isnan(a) || isnan(b))
		return NAN;
	return a > b ? a : b;
}

/* Mean and standard deviation of x[0..b-1] by two passes, as R's mean()
 * and sd() do. R sums in long double; plain doubles agree with it to about
 * 1e-15 relative at a fraction of the cost. */
static void ears_window(const double *x, size_t b, double *mean, double *sd)
{
	double s = 0.0;
	for (size_t i = 0; i < b; i++)
		s += x[i];
	double m = s / (double)b, ss = 0.0;
	for (size_t i = 0; i < b; i++)
		ss += (x[i] - m) * (x[i] - m);
	*mean = m;
	*sd = sqrt(ss / (double)(b - 1));
}

/* Statistics of the window x[end - b .. end - 1] for end growing by one
 * per call. With integer counts where b * max < 2^26 the running sum S and
 * sum of squares Q are exact, and so is b Q - S^2: mean S / b and variance
 * (b Q - S^2) / (b (b - 1)) then carry one rounding each, agree with R's two
 * passes to about 1e-15, and are exactly 0 when R's are. This is the common
 * case and saves most of the time; other data takes the two passes. */
struct ears_win {
	const double *x;
	size_t b;
	size_t end; /* the window s and q describe; 0 before the first */
	int exact;
	double s, q;
};

/* Whether x[i] keeps the running sums exact (see struct ears_win). */
static int ears_exact_one(double x, double b)
{
	return x * b < 67108864.0 &&
	       x == (double)(long long)x; /* the bound first: the cast is then defined */
}

/* Whether every count is a non-negative integer that keeps the running
 * sums exact, in one pass without branches: the common case, in which no
 * count can be invalid either (NaN fails x >= 0, infinity the bound). For
 * 0 <= x < 2^52, (x + 2^52) - 2^52 is x rounded to an integer. */
static int ears_all_exact(const double *x, size_t n, double b)
{
	int all = 1;
	for (size_t i = 0; i < n; i++)
		all &= (x[i] >= 0.0) & (x[i] * b < 67108864.0) & ((x[i] + 0x1p52) - 0x1p52 == x[i]);
	return all;
}

static void ears_win_stats(struct ears_win *w, size_t end, double *mean, double *sd)
{
	const double *x = w->x;
	if (!w->exact) {
		ears_window(x + end - w->b, w->b, mean, sd);
		return;
	}
	if (w->end != 0 && end == w->end + 1) {
		double in = x[end - 1], out = x[end - 1 - w->b];
		w->s += in - out;
		w->q += in * in - out * out;
	} else {
		w->s = w->q = 0.0;
		for (size_t i = end - w->b; i < end; i++) {
			w->s += x[i];
			w->q += x[i] * x[i];
		}
	}
	w->end = end;
	double b = (double)w->b;
	*mean = w->s / b;
	*sd = sqrt((b * w->q - w->s * w->s) / (b * (b - 1.0)));
}

void ears_opts_default(struct ears_opts *o, enum ears_method m)
{
	o->method = m;
	o->baseline = 7;
	o->alpha = m == EARS_C3 ? 0.025 : 0.001;
	o->min_sigma = 0.0;
}

size_t ears_min_from(const struct ears_opts *o)
{
	switch (o->method) {
	case EARS_C2:
		return o->baseline + 2;
	case EARS_C3:
		return o->baseline + 4;
	default:
		return o->baseline;
	}
}

/* Checks the options and the counts in one scan of the counts, and says in
 * *exact whether every count keeps the running window sums exact. */
static int ears_check(const double *counts, size_t n, size_t from, const struct ears_opts *o,
		      int *exact, struct ts_error *err)
{
	if (o->method != EARS_C1 && o->method != EARS_C2 && o->method != EARS_C3)
		return ts_fail(err, 0, "method", "method must be C1, C2 or C3");
	if (o->baseline < 3 || o->baseline > n)
		return ts_fail(err, 0, "baseline",
			       "baseline must be at least 3 and at most the "
			       "series length (%zu), got %zu",
			       n, o->baseline);
	if (!(o->alpha > 0.0 && o->alpha < 1.0))
		return ts_fail(err, 0, "alpha", "alpha must be between 0 and 1 exclusive");
	if (!(o->min_sigma >= 0.0) || !isfinite(o->min_sigma))
		return ts_fail(err, 0, "min_sigma", "min_sigma must be a finite number >= 0");
	size_t min = ears_min_from(o);
	if (from < min || min >= n)
		return ts_fail(err, from + 1, "from",
			       "history too short: the first period evaluated needs %zu earlier "
			       "periods, so it must be period %zu or later (series has %zu)",
			       min, min + 1, n);
	if (from >= n)
		return ts_fail(
		    err, from + 1, "from",
		    "nothing to evaluate: first period %zu is past the end (%zu periods)", from + 1,
		    n);
	if (ears_all_exact(counts, n, (double)o->baseline)) {
		*exact = 1;
		return TR_OK;
	}
	int all = 1;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(counts[i]) || counts[i] < 0.0)
			return ts_fail(err, i + 1, "count",
				       "count must be a finite number >= 0, got %g", counts[i]);
		all &= ears_exact_one(counts[i], (double)o->baseline);
	}
	*exact = all;
	return TR_OK;
}

/* Writes the verdict of period t once: no expected value, the bound, an
 * alarm when the count exceeds it (false for NaN) and undecided where the
 * bound is NaN (R's alarm NA). */
static void ears_put(struct ts_point *p, double count, double bound)
{
	p->expected = NAN;
	p->upperbound = bound;
	p->alarm = count > bound;
	p->undecided = isnan(bound);
}

/* C1 and C2: the mean of the reference window plus z deviations. C1's
 * window is the b periods just before t, C2's the b periods before t - 2. */
static void ears_c12(const double *x, size_t n, size_t from, double z, const struct ears_opts *o,
		     int exact, struct ts_point *out)
{
	size_t lag = o->method == EARS_C2 ? 2 : 0;
	struct ears_win w = {x, o->baseline, 0, exact, 0.0, 0.0};
	for (size_t t = from; t < n; t++) {
		double mean, sd;
		ears_win_stats(&w, t - lag, &mean, &sd);
		ears_put(&out[t], x[t], mean + z * ears_pmax(sd, o->min_sigma));
	}
}

/* C3: the C2 bound lowered by the excess over 1 of the two previous C2
 * statistics, clipped at 0 (R's partUpperboundLag1/2). The window of
 * period t gives both its C2 statistic and its bound, so each window is
 * computed once and the two previous statistics are carried along. C2 is
 * NaN or infinite when the deviation is 0, as in R. */
static void ears_c3(const double *x, size_t n, size_t from, double z, const struct ears_opts *o,
		    int exact, struct ts_point *out)
{
	struct ears_win w = {x, o->baseline, 0, exact, 0.0, 0.0};
	double lag2 = 0.0, lag1 = 0.0; /* max(0, C2 - 1) of t - 2 and t - 1 */
	for (size_t t = from - 2; t < n; t++) {
		double mean, sd;
		ears_win_stats(&w, t - 2, &mean, &sd);
		double sigma = ears_pmax(sd, o->min_sigma);
		if (t >= from)
			ears_put(&out[t], x[t], ears_pmax(0.0, x[t] + sigma * (z - (lag2 + lag1))));
		lag2 = lag1;
		lag1 = ears_pmax(0.0, (x[t] - mean) / sigma - 1.0);
	}
}

/* The deviation step of ears_c3_exact for one period: from the window's
 * sum and sum of squares in out[t].expected and .upperbound, its sigma into
 * .upperbound and its C2 excess max(0, C2 - 1) into .expected. On exact
 * data the variance is never negative, so sd is never NaN. */
static void ears_c3_dev1(const double *x, size_t t, double bd, double min_sigma,
			 struct ts_point *out)
{
	double sum = out[t].expected, sq = out[t].upperbound;
	double mean = sum / bd, sd = sqrt((bd * sq - sum * sum) / (bd * (bd - 1.0)));
	double sigma = ears_pmax(sd, min_sigma);
	out[t].upperbound = sigma;
	out[t].expected = ears_pmax(0.0, (x[t] - mean) / sigma - 1.0);
}

/* ears_c3_dev1 for every period from lo, two periods at a time where the
 * machine has two-lane doubles: the same operations in the same order, so
 * the same results bit for bit (a lane's max(0, v) keeps v when v is NaN,
 * as ears_pmax does, and sd is never NaN). The divisions and roots are
 * most of the method's time and do not depend on one another. */
static void ears_c3_dev(const double *x, size_t lo, size_t n, double bd, double min_sigma,
			struct ts_point *out)
{
	size_t t = lo;
#ifdef __SSE2__
	const __m128d b = _mm_set1_pd(bd), bb = _mm_set1_pd(bd * (bd - 1.0)),
		      ms = _mm_set1_pd(min_sigma), one = _mm_set1_pd(1.0), zero = _mm_setzero_pd();
	for (; t + 1 < n; t += 2) {
		__m128d p0 = _mm_loadu_pd(&out[t].expected),
			p1 = _mm_loadu_pd(&out[t + 1].expected);
		__m128d sum = _mm_unpacklo_pd(p0, p1), sq = _mm_unpackhi_pd(p0, p1);
		__m128d mean = _mm_div_pd(sum, b);
		__m128d var = _mm_div_pd(_mm_sub_pd(_mm_mul_pd(b, sq), _mm_mul_pd(sum, sum)), bb);
		__m128d sigma = _mm_max_pd(ms, _mm_sqrt_pd(var));
		__m128d c2 = _mm_div_pd(_mm_sub_pd(_mm_loadu_pd(&x[t]), mean), sigma);
		__m128d ex = _mm_max_pd(zero, _mm_sub_pd(c2, one));
		_mm_storeu_pd(&out[t].expected, _mm_unpacklo_pd(ex, sigma));
		_mm_storeu_pd(&out[t + 1].expected, _mm_unpackhi_pd(ex, sigma));
	}
#endif
	for (; t < n; t++)
		ears_c3_dev1(x, t, bd, min_sigma, out);
}

/* C3 on exact data (see struct ears_win) in three passes, with out's
 * expected and upperbound as scratch until the last pass writes them:
 * the running sums of each period's window; from them each period's
 * deviation and C2 excess, which do not depend on one another and so run
 * side by side rather than one division and root after another; then the
 * bounds. The arithmetic is ears_c3's, operation for operation. */
static void ears_c3_exact(const double *x, size_t n, size_t from, double z,
			  const struct ears_opts *o, struct ts_point *out)
{
	size_t b = o->baseline, lo = from - 2;
	double s = 0.0, q = 0.0, bd = (double)b;
	for (size_t i = lo - 2 - b; i < lo - 2; i++) { /* the window of lo: x[lo-2-b .. lo-3] */
		s += x[i];
		q += x[i] * x[i];
	}
	out[lo].expected = s;
	out[lo].upperbound = q;
	for (size_t t = lo + 1; t < n; t++) {
		double in = x[t - 3], gone = x[t - 3 - b];
		s += in - gone;
		q += in * in - gone * gone;
		out[t].expected = s;
		out[t].upperbound = q;
	}
	ears_c3_dev(x, lo, n, bd, o->min_sigma, out);
	double lag2 = 0.0, lag1 = 0.0;
	for (size_t t = lo; t < n; t++) {
		double sigma = out[t].upperbound, lag = out[t].expected;
		if (t >= from)
			ears_put(&out[t], x[t], ears_pmax(0.0, x[t] + sigma * (z - (lag2 + lag1))));
		else
			out[t] = (struct ts_point){NAN, NAN, 0, 0};
		lag2 = lag1;
		lag1 = lag;
	}
}

int ears_run(const double *counts, size_t n, size_t from, const struct ears_opts *o,
	     struct ts_point *out, struct ts_error *err)
{
	int exact = 0;
	int rc = ears_check(counts, n, from, o, &exact, err);
	if (rc != TR_OK)
		return rc;
	double z = stats_qnorm(1.0 - o->alpha);
	for (size_t t = 0; t < from; t++) /* not evaluated: no bound, no verdict */
		out[t] = (struct ts_point){NAN, NAN, 0, 0};
	if (o->method == EARS_C3 && exact)
		ears_c3_exact(counts, n, from, z, o, out);
	else if (o->method == EARS_C3)
		ears_c3(counts, n, from, z, o, exact, out);
	else
		ears_c12(counts, n, from, z, o, exact, out);
	return TR_OK;
}
