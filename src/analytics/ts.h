/** Shared types of the time-series detectors (EARS, Farrington, CUSUM).
 * A value that does not exist (R's NA) is NaN. */
#ifndef TR_ANALYTICS_TS_H
#define TR_ANALYTICS_TS_H

#include <stddef.h>

/** The result for one evaluated period. */
struct ts_point {
	double expected;   /* NaN when the method gives none */
	double upperbound; /* NaN when the method gives none (R: NA) */
	int alarm;	   /* 0 or 1; 0 when upperbound is NaN */
	int undecided;	   /* 1 where R's alarm is NA: the method reached no
			    * decision (EARS without a bound, Farrington when
			    * the model cannot be fitted); alarm is then 0. A
			    * NaN upperbound alone does not make it 1:
			    * Farrington's limit54 rule decides "no alarm". */
};

/** Error detail filled by the detectors and the CSV reader: a message in
 * English naming what was wrong; row is 1-based (0 when not tied to a row). */
struct ts_error {
	size_t row;
	char column[32];
	char message[200];
};

/** Fills err (when not NULL) with row, column and the message printed from
 * fmt; returns TR_ERR_INVALID, for `return ts_fail(...)`. */
int ts_fail(struct ts_error *err, size_t row, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
