/** The assessment periods, the five-level scale and the matrix's CSV of
 * the commitments module: text in, text out, no I/O (fuzzed by
 * tests/fuzz/fuzz_policy.c and fuzz_policy_csv.c). */
#ifndef TR_DOMAIN_POLICY_SCALE_H
#define TR_DOMAIN_POLICY_SCALE_H

#include <jansson.h>

extern const char *const policy_statuses[]; /* no_evidence .. complete */
extern const char *const policy_kinds[];    /* self, independent */

/** Whether a period is YYYY, YYYY-Qn, YYYY-Hn or YYYY-MM. */
int policy_period_valid(const char *p);
/** The order of two valid periods in time (<0, 0, >0). */
int policy_period_cmp(const char *a, const char *b);
/** The rank of a status on the scale (0 .. 4), -1 when unknown. */
int policy_status_rank(const char *s);

/** The matrix (policy_matrix) as CSV text (malloc'd), one line per State
 * and commitment. */
char *policy_matrix_csv(json_t *matrix);

#endif
