/** Farrington flexible aberration detection (Noufaily et al. 2013), giving
 * the results of R's surveillance::farringtonFlexible (package 1.20) on the
 * same weekly counts: a quasi-Poisson GLM on reference periods of past
 * years, optional time trend, reweighting of past outbreaks by Anscombe
 * residuals, and a threshold by the delta method (Farrington 1996) or the
 * negative binomial quantiles of Noufaily. Pure computation: no I/O, no
 * globals, safe to call from several threads at once. */
#ifndef TR_ANALYTICS_FARRINGTON_H
#define TR_ANALYTICS_FARRINGTON_H

#include <stddef.h>

#include "analytics/ts.h"

/** Power transformation of the delta-method threshold (R's powertrans). */
enum far_powertrans { FAR_POW_23, FAR_POW_12, FAR_POW_NONE };

/** R's thresholdMethod: "delta", "nbPlugin", "muan". */
enum far_threshold { FAR_THR_DELTA, FAR_THR_NBPLUGIN, FAR_THR_MUAN };

/** The control list of farringtonFlexible, with R's names in comments. */
struct far_opts {
	int frequency;		  /* periods per year (sts frequency), 2w+1 <= it */
	int b;			  /* years back, >= 1 */
	int w;			  /* half-width of the reference windows, >= 0 */
	double alpha;		  /* 0 < alpha < 1 */
	int reweight;		  /* reweight past outbreaks (boolean) */
	double weights_threshold; /* weightsThreshold on Anscombe residuals */
	int trend;		  /* consider a time trend (boolean) */
	double p_threshold_trend; /* pThresholdTrend: keep the trend when p < it */
	int limit54_cases;	  /* limit54[1]: no alarm with fewer cases ... */
	int limit54_weeks;	  /* limit54[2]: ... in this many last periods */
	enum far_powertrans powertrans;
	int no_periods;		     /* noPeriods: 1, or up to frequency - 2w levels */
	int past_weeks_not_included; /* pastWeeksNotIncluded, >= 0 */
	enum far_threshold threshold;
};

/** Fill o with R's defaults: frequency 52, b 5, w 3, alpha 0.05, reweight,
 * weightsThreshold 2.58, trend, pThresholdTrend 0.05, limit54 c(5, 4),
 * powertrans "2/3", noPeriods 1, pastWeeksNotIncluded w (R's NULL),
 * thresholdMethod "delta". */
void far_opts_default(struct far_opts *o);

/** Evaluate periods from..n-1 of counts[0..n-1] (non-negative, finite).
 * out (caller-owned, n entries) gets for each evaluated period what R gives
 * as upperbound, control$expected and alarm; periods before `from` get
 * NaN/NaN/0. The upper bound is NaN (R's NA) when fewer than limit54_cases
 * were counted in the last limit54_weeks periods (alarm 0, as R's FALSE), or
 * when the GLM fails (R's non-convergence, where R's alarm is NA: undecided
 * is set; also a rank-deficient fit, where R would alias a term).
 * Returns TR_OK, or TR_ERR_INVALID with err->message filled (err may be
 * NULL) for bad options, bad counts, or from < far_min_from(o) or from > n;
 * TR_ERR_NOMEM when the workspace cannot be allocated. */
int far_run(const double *counts, size_t n, size_t from, const struct far_opts *o,
	    struct ts_point *out, struct ts_error *err);

/** The first 0-based index with enough history for o: b years plus w
 * periods back (R's default range start, freq * b + w + 1, made 0-based),
 * or more when pastWeeksNotIncluded or limit54 reach further back.
 * Meaningful for options that far_run accepts. */
size_t far_min_from(const struct far_opts *o);

#endif
