/** Multiple-testing adjustment of p-values, as R's stats::p.adjust (methods
 * "none", "bonferroni", "holm", "BH") and spdep::p.adjustSP (the same
 * methods, each p-value adjusted for the size of its own neighbourhood).
 * Pure computation: no I/O, no globals, thread-safe. */
#ifndef TR_ANALYTICS_PADJUST_H
#define TR_ANALYTICS_PADJUST_H

#include <stddef.h>

/** The methods, with R's names in comments. */
enum padjust_method {
	PADJUST_NONE,	    /* "none" */
	PADJUST_BONFERRONI, /* "bonferroni" */
	PADJUST_HOLM,	    /* "holm" */
	PADJUST_BH	    /* "BH" (alias "fdr"): Benjamini-Hochberg */
};

/** Sets *out from a method name: "none", "bonferroni", "holm" or "bh" (R's
 * "BH"), lower case. Returns 0, or -1 for any other name. */
int padjust_method_parse(const char *name, enum padjust_method *out);

/** The lower-case name of m ("none", "bonferroni", "holm", "bh"). */
const char *padjust_method_name(enum padjust_method m);

/** adj[i] = p.adjust(p, method)[i] for p[0..n-1], R's definitions to the
 * last bit: m = the number of p-values that are not NaN (R's NA), with
 * p sorted (ties keep their order; tied p-values get equal results):
 *   bonferroni  min(1, m p_i)
 *   holm        min(1, cummax over ascending p of (m - k + 1) p_(k))
 *   BH          min(1, cummin over descending p of (m / k) p_(k))
 * A NaN p gives a NaN result; with m <= 1, adj = p as R returns it. p and
 * adj may be the same array; the caller owns both. Returns TR_OK, or
 * TR_ERR_NOMEM (adj then unspecified). */
int padjust(const double *p, size_t n, enum padjust_method method, double *adj /* OUT: n */);

/** adj[i] = spdep::p.adjustSP(p, nb, method)[i] where tests[i] is the number
 * of tests in the neighbourhood of i, R's card(nb)[i] + 1 (for Gi* with a
 * distance band: the band size W_i, i itself included). Each p-value is
 * adjusted alone, as p.adjust(p[i], method, n = tests[i]); for one p-value
 * bonferroni, holm and BH all give min(1, tests[i] p[i]), and tests[i] <= 1
 * leaves p[i] as it is. NaN stays NaN. p and adj may be the same array. */
void padjust_local(const double *p, const size_t *tests, size_t n, enum padjust_method method,
		   double *adj /* OUT: n */);

#endif
