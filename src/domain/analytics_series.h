/** Time series of the analytics: the records a caller sees counted per day
 * or ISO week, and the aberrations that EARS (C1, C2, C3), Farrington
 * flexible or the CUSUM find in them, as a reader can trust them (no bound
 * below the expected value shown, no alarm from fewer than min_count
 * records). Counts that would reveal few records of other organisations
 * are shown as null. Shared with the early-warning signals' detection over
 * time (signal_detect.c). No I/O. */
#ifndef TR_DOMAIN_ANALYTICS_SERIES_H
#define TR_DOMAIN_ANALYTICS_SERIES_H

#include "analytics/cusum.h"
#include "analytics/ears.h"
#include "analytics/farrington.h"
#include "domain/analytics_q.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/** "day", "week", NULL (indexed by enum aq_interval). */
extern const char *const as_intervals[];
/** "ears_c1", "ears_c2", "ears_c3", "farrington", "cusum", NULL. */
extern const char *const as_methods[];
enum as_method_kind { AS_EARS_C1, AS_EARS_C2, AS_EARS_C3, AS_FARRINGTON, AS_CUSUM };

/** The most periods one series may have. */
#define AS_PERIODS_MAX 5000

/** Counts per period: count[i] records in the period starting at start + i
 * len, foreign[i] of them of other organisations than the caller's. */
struct as_series {
	int64_t start, len;
	size_t n;
	double *count, *foreign;
};

/** The periods of q->iv from the one holding q->from through the one
 * holding q->to into s, and f's window set to them. TR_ERR_INVALID with
 * why beyond AS_PERIODS_MAX periods. */
int as_series_window(const struct aq_question *q, struct as_series *s /* OUT */,
		     struct aq_filter *f /* OUT */, struct aq_why *why /* OUT */);
/** Counts r's records into the periods of s (allocated: as_series_free). */
int as_series_count(struct as_series *s, const struct aq_records *r);
/** Frees the counts of s (those of as_series_count). */
void as_series_free(struct as_series *s);

/** The answer of the time series: q's filter and window, the counts. */
json_t *as_timeseries_json(const struct aq_question *q, const struct as_series *s);

/** A method and its options, as asked. */
struct as_method {
	enum as_method_kind method;
	struct ears_opts ears;
	struct far_opts far;
	struct cusum_opts cusum;
	double evaluate;    /* last periods to evaluate; 0: all with enough history */
	double min_count;   /* least records in a period for an alarm (3) */
	int baseline_given; /* the EARS baseline was asked, not the default */
};

/** The defaults of method for series of iv: R's, Farrington's frequency
 * that of iv, every period with enough history, min_count 3. */
void as_method_init(struct as_method *m, enum as_method_kind method, enum aq_interval iv);

/** The answer of the aberrations of m on s: each period's observed count,
 * expected value, upper bound and alarm from the first period m can
 * evaluate (or the last m->evaluate). TR_ERR_INVALID with why (its
 * detail) when the method cannot run on this series; TR_ERR_NOMEM. */
int as_aberrations(const struct aq_question *q, const struct as_series *s,
		   const struct as_method *m, json_t **out /* OUT */, struct aq_why *why /* OUT */);

/** EARS's expected count (R's earsC gives none): the mean of the baseline
 * periods before t - lag (lag 0 for C1, 2 for C2 and C3); NAN when t has
 * fewer before it. */
double as_ears_expected(const double *y, size_t t, size_t lag, size_t baseline);

#endif
