/** The assessment periods and the five-level scale of the commitments
 * module: text in, no I/O (fuzzed by tests/fuzz/fuzz_policy.c). */
#ifndef TR_DOMAIN_POLICY_SCALE_H
#define TR_DOMAIN_POLICY_SCALE_H

extern const char *const policy_statuses[]; /* no_evidence .. complete */

/** Whether a period is YYYY, YYYY-Qn, YYYY-Hn or YYYY-MM. */
int policy_period_valid(const char *p);
/** The order of two valid periods in time (<0, 0, >0). */
int policy_period_cmp(const char *a, const char *b);
/** The rank of a status on the scale (0 .. 4), -1 when unknown. */
int policy_status_rank(const char *s);

#endif
