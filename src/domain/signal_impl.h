/** Inside the signals module: what one alarm carries, shared by the
 * detection over time (signal_detect.c) and over space (signal_space.c). */
#ifndef TR_DOMAIN_SIGNAL_IMPL_H
#define TR_DOMAIN_SIGNAL_IMPL_H

#include "domain/analytics_q.h"
#include "domain/signal.h"

#include <jansson.h>
#include <stdint.h>

/** No signal from fewer records than this in its period (ESSENCE's
 * minimum count): one tip is not an outbreak. */
#define SIGNAL_MIN_COUNT 3
/** Record ids kept with a signal. */
#define SIGNAL_IDS_MAX 1000

/** One alarm of the latest week. */
struct detect_hit {
	enum aq_source src;
	const char *method;
	const char *country, *category; /* category "": every category */
	int64_t week;
	double observed, expected, upperbound; /* NAN when the method has none */
	double statistic, p_adjusted;	       /* Gi* z or scan LLR, BH p; NAN */
	double lat, lon, radius_m;	       /* the place; NAN: the whole country */
	char cell[48];			       /* the place's key: "" for the country */
	json_t *ids;			       /* the records behind it */
};

/** Stores the hit for every organisation responsible for its area (the
 * police whose declared area holds its place, else the country's police
 * and drug-control agencies), merging it into a signal of the same place
 * and period raised by another method. */
int signal_emit(struct db_conn *c, const struct detect_hit *h, int64_t now, struct signal_run *run);

/** Significant hot spots (Gi*, BH) of the latest week and significant
 * space-time clusters ending in it, per country of one source. */
int signal_detect_space(struct db_conn *c, enum aq_source src, int64_t now, struct signal_run *run);

#endif
