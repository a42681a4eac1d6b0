/** The space-time permutation scan over the records a caller sees, as
 * SaTScan reports it: clusters with p below alpha, none overlapping a
 * better one in space and time, each with its place, window, observed and
 * expected counts, LLR, relative risk and records, the counts that would
 * reveal few records of other organisations (and what gives them back)
 * shown as null. Shared with the early-warning signals' clusters
 * (signal_space.c). No I/O. */
#ifndef TR_DOMAIN_ANALYTICS_SCAN_H
#define TR_DOMAIN_ANALYTICS_SCAN_H

#include "analytics/stscan.h"
#include "domain/analytics_q.h"

#include <jansson.h>

/** The most work one scan may take: events x (replications + 1), 10,000
 * events with 999 replications (about 15 s with 5 km and 7 days on 2 busy
 * cores; 20,000 took 54 s). */
#define ASC_WORK_MAX 10000000.0

/** Runs the scan over the records v[0..n) (located) at their point and
 * day into res (stscan_result_free). */
int asc_run(const struct aq_record *v, size_t n, const struct stscan_params *sp,
	    struct stscan_result *res /* OUT */, struct ts_error *err /* OUT */);

/** The answer of the scan of r (the records q's caller sees, located) with
 * sp: the clusters reported (alpha), the events, locations and area
 * analysed. TR_ERR_INVALID with why for more work than ASC_WORK_MAX or
 * parameters the scan refuses; another error when it could not run. */
int asc_answer(const struct aq_question *q, const struct aq_records *r,
	       const struct stscan_params *sp, double alpha, json_t **out /* OUT */,
	       struct aq_why *why /* OUT */);

#endif
