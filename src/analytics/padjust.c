#include "analytics/padjust.h"

#include "analytics/stats.h"
#include "core/err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int padjust_method_parse(const char *name, enum padjust_method *out)
{
	static const struct {
		const char *name;
		enum padjust_method m;
	} names[] = {
	    {"none", PADJUST_NONE},
	    {"bonferroni", PADJUST_BONFERRONI},
	    {"holm", PADJUST_HOLM},
	    {"bh", PADJUST_BH},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(name, names[i].name) == 0) {
			*out = names[i].m;
			return 0;
		}
	}
	return -1;
}

const char *padjust_method_name(enum padjust_method m)
{
	switch (m) {
	case PADJUST_BONFERRONI:
		return "bonferroni";
	case PADJUST_HOLM:
		return "holm";
	case PADJUST_BH:
		return "bh";
	default:
		return "none";
	}
}

/* The step-down (holm) and step-up (BH) passes over the m sorted p-values.
 * The products are formed as R forms them, (m - k + 1) * p and (m / k) * p,
 * so that the results agree to the last bit. */
static void pa_stepwise(const struct stats_keyed *s, size_t m, enum padjust_method method,
			double *adj)
{
	double dm = (double)m;
	if (method == PADJUST_HOLM) {
		double run = 0.0;
		for (size_t k = 1; k <= m; k++) {
			double v = (double)(m - k + 1) * s[k - 1].key;
			run = k == 1 || v > run ? v : run;
			adj[s[k - 1].at] = fmin(1.0, run);
		}
		return;
	}
	double run = 0.0;
	for (size_t k = m; k >= 1; k--) {
		double v = dm / (double)k * s[k - 1].key;
		run = k == m || v < run ? v : run;
		adj[s[k - 1].at] = fmin(1.0, run);
	}
}

int padjust(const double *p, size_t n, enum padjust_method method, double *adj)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		m += !isnan(p[i]);
	if (method == PADJUST_NONE || m <= 1) {
		if (adj != p)
			memmove(adj, p, n * sizeof *adj);
		return TR_OK;
	}
	if (method == PADJUST_BONFERRONI) {
		for (size_t i = 0; i < n; i++)
			adj[i] = isnan(p[i]) ? p[i] : fmin(1.0, (double)m * p[i]);
		return TR_OK;
	}
	struct stats_keyed *s = malloc(m * sizeof *s);
	if (!s)
		return TR_ERR_NOMEM;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isnan(p[i]))
			s[k++] = (struct stats_keyed){.key = p[i], .at = i};
		else
			adj[i] = p[i];
	}
	stats_keyed_sort(s, m); /* R's order(p), ties by position */
	pa_stepwise(s, m, method, adj);
	free(s);
	return TR_OK;
}

void padjust_local(const double *p, const size_t *tests, size_t n, enum padjust_method method,
		   double *adj)
{
	for (size_t i = 0; i < n; i++) {
		if (method == PADJUST_NONE || tests[i] <= 1 || isnan(p[i]))
			adj[i] = p[i];
		else
			adj[i] = fmin(1.0, (double)tests[i] * p[i]);
	}
}
