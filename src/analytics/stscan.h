/** Space-time permutation scan statistic (Kulldorff, Heffernan, Hartman,
 * Assuncao, Mostashari 2005, PLoS Medicine 2(3): e59) for events with a
 * place and a day, and no population at risk.
 *
 * Cylinders: the base is a circle centred on a distinct event location
 * holding every location within its radius (radius 0 up to max_radius,
 * each distinct neighbour distance; all locations at one distance enter
 * together), at most max_share of all events; the height is a window of
 * 1 to max_days days: ending on the last day of the data (prospective) or
 * anywhere (retrospective). Expected counts come from the margins,
 * mu = N_zone * N_window / N, and a cylinder with c > mu scores
 *   LLR = c log(c / mu) + (N - c) log((N - c) / (N - mu)),
 * the Poisson approximation of the paper. Monte Carlo p-values: the days
 * of the events are permuted among the events (keeping both margins),
 * p = (1 + #{replications with max LLR >= LLR}) / (1 + replications).
 * Secondary clusters: the best cylinder of every centre, by decreasing
 * LLR, kept when it shares no location with a cluster kept before (the
 * "no geographical overlap" rule of SaTScan).
 *
 * Replication r draws from xoshiro256** seeded by splitmix64 from (seed,
 * r), so results depend on the seed only, not on the number of threads.
 * Pure computation, no I/O, no globals; runs `threads` pthreads. */
#ifndef TR_ANALYTICS_STSCAN_H
#define TR_ANALYTICS_STSCAN_H

#include "analytics/spatial_geo.h"
#include "analytics/ts.h"

#include <stddef.h>
#include <stdint.h>

/** Called after each replication with the number done so far; calls are
 * serialised by the scan (never two at once), from any of its threads. */
typedef void (*stscan_progress_fn)(void *ctx, unsigned done, unsigned total);

struct stscan_params {
	double max_radius;     /* > 0, INFINITY for no limit but max_share */
	double max_share;      /* 0 < share <= 1 of all events in a zone (0.5) */
	int max_days;	       /* longest window in days; 0 = half the period */
	int prospective;       /* 1: windows end on the last day */
	unsigned replications; /* Monte Carlo replications (999); 0: p = NaN */
	uint64_t seed;
	unsigned threads;	     /* >= 1 */
	size_t max_clusters;	     /* most clusters returned; 0 = all */
	enum spatial_metric metric;  /* haversine: x = lon, y = lat, radius in km */
	stscan_progress_fn progress; /* may be NULL */
	void *progress_ctx;
};

/** Fills p with the defaults above: no radius limit, share 0.5, half the
 * period, retrospective, 999 replications, seed 1, 1 thread, 10 clusters,
 * euclidean. */
void stscan_params_default(struct stscan_params *p /* OUT */);

/** One cluster; days are those of the input (days since 1970-01-01). */
struct stscan_cluster {
	double x, y;	 /* centre */
	double radius;	 /* distance to the farthest location inside */
	int32_t start;	 /* first day of the window */
	int32_t end;	 /* last day of the window */
	size_t observed; /* events in the cylinder */
	double expected;
	double llr;
	double p;
	size_t *events;	 /* the observed input indices, ascending */
	size_t n_events; /* == observed */
};

/** Clusters by decreasing LLR (the first is the most likely cluster).
 * Owned by the caller, freed with stscan_result_free. */
struct stscan_result {
	struct stscan_cluster *clusters;
	size_t n;
	size_t locations; /* distinct locations (centres) */
	size_t cylinders; /* (centre, radius) pairs scanned */
};

/** Runs the scan on n events at (x[i], y[i]) on day[i]. Returns TR_OK,
 * TR_ERR_NOMEM, or TR_ERR_INVALID with err filled (row = 1-based event
 * index, 0 when not tied to an event) for: no events, a non-finite
 * coordinate, |lat| > 90 or |lon| > 180 for haversine, a bad parameter,
 * more than 100 million (centre, neighbour) pairs (lower max_radius). */
int stscan_run(const double *x, const double *y, const int32_t *day, size_t n,
	       const struct stscan_params *params,
	       struct stscan_result *out /* OUT: free with stscan_result_free */,
	       struct ts_error *err);

/** Frees what stscan_run allocated; the struct itself is the caller's. */
void stscan_result_free(struct stscan_result *r);

#endif
