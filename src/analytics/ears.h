/** EARS C1, C2 and C3 aberration detection, computed exactly as R's
 * surveillance::earsC (version 1.20.3) on one series. Pure: no I/O, no
 * globals, safe to call from several threads at once. */
#ifndef TR_ANALYTICS_EARS_H
#define TR_ANALYTICS_EARS_H

#include <stddef.h>

#include "analytics/ts.h"

enum ears_method { EARS_C1, EARS_C2, EARS_C3 };

/** Control parameters; the names follow earsC's control list. */
struct ears_opts {
	enum ears_method method;
	size_t baseline;  /* number of reference periods, >= 3 (R: baseline) */
	double alpha;	  /* 0 < alpha < 1; upperbound uses qnorm(1 - alpha) */
	double min_sigma; /* floor on the reference standard deviation, >= 0 */
};

/** Fills o with earsC's defaults for method m: baseline 7, minSigma 0, and
 * the alpha R uses when the caller gives none, 0.001 for C1 and C2 but
 * 0.025 for C3. */
void ears_opts_default(struct ears_opts *o, enum ears_method m);

/** The first 0-based period with enough history for o: baseline for C1,
 * baseline + 2 for C2, baseline + 4 for C3 (R's maxLag). */
size_t ears_min_from(const struct ears_opts *o);

/** Evaluates periods from..n-1 of counts (n of them, caller-owned) and
 * writes one result per period into out (n entries, caller-owned). Periods
 * before from get expected and upperbound NaN and alarm 0. earsC gives no
 * expected value, so expected is always NaN. upperbound is NaN where R's is
 * NA (a zero reference deviation with minSigma 0 can make C3's undefined);
 * alarm is counts[t] > upperbound, 0 when upperbound is NaN.
 *
 * One deliberate difference from R: for C3 with a single evaluated period
 * R returns NA (its apply() over a one-row matrix drops to a vector); here
 * that period gets the value R gives it inside any longer range.
 *
 * Returns TR_OK, or TR_ERR_INVALID with err filled (err->row is the 1-based
 * period for a bad count) when an option is out of range, from is before
 * ears_min_from() or not before n, or a count is negative or not finite. */
int ears_run(const double *counts, size_t n, size_t from, const struct ears_opts *o,
	     struct ts_point *out, struct ts_error *err);

#endif
