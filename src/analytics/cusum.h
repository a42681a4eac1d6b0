/** Poisson CUSUM computed exactly as R's surveillance::cusum (algo.cusum,
 * version 1.20.3) on one series. Pure: no I/O, no globals, thread-safe. */
#ifndef TR_ANALYTICS_CUSUM_H
#define TR_ANALYTICS_CUSUM_H

#include <stddef.h>

#include "analytics/ts.h"

/** R's control$trans: how each count is standardised before summing.
 * Not supported: "anscombeNegBin" and m = "glm". */
enum cusum_trans {
	CUSUM_STANDARD,	   /* (x - m) / sqrt(m), R's default */
	CUSUM_ROSSI,	   /* (x - 3m + 2 sqrt(x m)) / (2 sqrt(m)) */
	CUSUM_ANSCOMBE,	   /* 3/2 (x^(2/3) - m^(2/3)) / m^(1/6) */
	CUSUM_ANSCOMBE2ND, /* (x^(2/3) - (m^(2/3) - m^(-1/3)/9)) / (2/3 m^(1/6)) */
	CUSUM_PEARSON_NB,  /* (x - m) / sqrt(m + alpha m^2) */
	CUSUM_NONE	   /* x itself */
};

/** Control parameters; the names follow algo.cusum's control list. */
struct cusum_opts {
	double k;		/* reference value, R default 1.04 */
	double h;		/* decision interval, R default 2.26 */
	double m;		/* in-control mean; NaN: mean of the periods before from */
	enum cusum_trans trans; /* R default "standard" */
	double alpha;		/* dispersion of pearsonNegBin, R default 0.1 */
};

/** Fills o with algo.cusum's defaults (k 1.04, h 2.26, m from the history,
 * trans standard, alpha 0.1). */
void cusum_opts_default(struct cusum_opts *o);

/** The first 0-based period that can be evaluated: 1 when m is estimated
 * from the history (R needs at least one earlier period), else 0. */
size_t cusum_min_from(const struct cusum_opts *o);

/** Runs the CUSUM from period from (the sum starts at 0 there) to n-1 on
 * counts (n of them, caller-owned) and writes one result per period into
 * out (n entries, caller-owned); earlier periods get NaN and alarm 0.
 * expected is NaN (R returns m only in its control list); upperbound is R's
 * for the transformation (NA and negative values become 0, as in R); alarm
 * is 1 when the cumulative sum reaches h.
 *
 * Returns TR_OK, or TR_ERR_INVALID with err filled when an option is out of
 * range, from is before cusum_min_from() or not before n, a count is
 * negative or not finite, or m is not positive (the standardisations divide
 * by it; R would return NA alarms). */
int cusum_run(const double *counts, size_t n, size_t from, const struct cusum_opts *o,
	      struct ts_point *out, struct ts_error *err);

#endif
