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
};

/** Error detail filled by the detectors and the CSV reader: a message in
 * English naming what was wrong; row is 1-based (0 when not tied to a row). */
struct ts_error {
	size_t row;
	char column[32];
	char message[200];
};

#endif
