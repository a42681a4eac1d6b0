/* Benchmark of the early warning's false alarms and power (issue 14), not a
 * timed test. Usage: warning_bench [RUNS] (200 by default).
 *
 * The area is a 290 km square (84,100 km2, about Austria); records are
 * Poisson noise, 20 a week spread uniformly, for a year (time series: six
 * years, the last one evaluated, since Farrington looks 5 years back).
 * Hot spots are found as the product finds them (src/domain/analytics_hotspot.c):
 * counts on a grid of cells (Clark-Evans cell size, rounded up to 1, 1.5,
 * 2, 2.5, 3, 4, 5, 6, 8 x 10^k km), the distance band from the first
 * significant peak of Moran's I over 10 distances (else 1.5 cells), Gi*,
 * two-sided p, and a hot spot where z > 0, the p corrected by
 * Benjamini-Hochberg is below 0.05 and the cell holds at least 3 records.
 * The plane stands for the map (euclidean km), which changes nothing of
 * the statistics.
 *
 * False alarms: the share of runs with at least one significant hot spot
 * in the year's noise, uncorrected (p < 0.05), with BH, and with BH and the
 * minimum count (the product); the share of evaluated weeks with an alarm
 * for EARS C1, C2, C3 and Farrington, by the methods alone and with the
 * product's minimum count of 3, against their alpha.
 * Power: k = 5, 10, 15, 20 extra records within 300 m of a random point in
 * a random week of the noise; detected when the analysis of that week finds
 * a hot spot whose cell holds the planted centre or touches its cell.
 * The space-time scan as the product runs it (radius 5 km, 1 to 7 days, 999
 * replications, clusters with p < 0.05 none overlapping a better one in
 * space and time): the share of noise years with a reported cluster, and
 * for each k the share of years (noise plus the planted week) with a
 * reported cluster whose circle reaches the planted centre and whose period
 * meets the planted week. Usage: warning_bench [RUNS [SCAN_RUNS]] (the scan
 * is the slow part: SCAN_RUNS defaults to RUNS).
 * Seeded: the same RUNS give the same figures. */
#include "analytics/ears.h"
#include "analytics/farrington.h"
#include "analytics/gistar.h"
#include "analytics/moran.h"
#include "analytics/padjust.h"
#include "analytics/stscan.h"
#include "core/err.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIDE 290.0
#define WEEKLY 20.0
#define WEEKS 52
#define YEARS 6
#define BANDS 10
#define MAX_CELLS 20000

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double rng_unif(void)
{
	return (double)(rng_next() >> 11) * 0x1.0p-53;
}

static int rng_poisson(double lambda)
{
	double l = exp(-lambda), p = 1;
	int k = 0;
	do {
		k++;
		p *= rng_unif();
	} while (p > l);
	return k - 1;
}

struct pts {
	double *x, *y;
	size_t n, cap;
};

static void pts_add(struct pts *p, double x, double y)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 1024;
		p->x = realloc(p->x, p->cap * sizeof(double));
		p->y = realloc(p->y, p->cap * sizeof(double));
		if (!p->x || !p->y)
			abort();
	}
	p->x[p->n] = x;
	p->y[p->n++] = y;
}

static double nice_ceil(double x)
{
	static const double steps[] = {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10};
	double e = pow(10, floor(log10(x)));
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i] * e >= x * (1 - 1e-12))
			return steps[i] * e;
	return 10 * e;
}

/* What one hot-spot analysis found. */
struct hot_result {
	int raw, bh, product; /* cells significant uncorrected, with BH, product's hot */
	double cell;
	int hit; /* a product hot spot at or next to (tx, ty) */
};

static void hot_run(const struct pts *p, double tx, double ty, struct hot_result *res)
{
	double cell = nice_ceil(fmax(0.5 * sqrt(SIDE * SIDE / (double)(p->n ? p->n : 1)),
				     sqrt(SIDE * SIDE / MAX_CELLS) * 1.05));
	size_t cols = (size_t)ceil(SIDE / cell), n = cols * cols;
	double *x = calloc(n, sizeof(double)), *y = calloc(n, sizeof(double));
	double *v = calloc(n, sizeof(double)), *z = calloc(n, sizeof(double));
	double *pv = calloc(n, sizeof(double)), *adj = calloc(n, sizeof(double));
	if (!x || !y || !v || !z || !pv || !adj)
		abort();
	for (size_t i = 0; i < n; i++) {
		x[i] = ((double)(i % cols) + 0.5) * cell;
		y[i] = ((double)(i / cols) + 0.5) * cell;
	}
	for (size_t i = 0; i < p->n; i++) {
		size_t c = (size_t)fmin(p->x[i] / cell, (double)cols - 1);
		size_t r = (size_t)fmin(p->y[i] / cell, (double)cols - 1);
		v[r * cols + c] += 1;
	}
	double d[BANDS], km = 1.5 * cell;
	struct moran_band b[BANDS];
	for (int k = 0; k < BANDS; k++)
		d[k] = cell * (1.01 + k);
	int peak;
	if (moran_bands(x, y, v, n, d, BANDS, SPATIAL_EUCLIDEAN, b, NULL) == TR_OK) {
		int k = moran_first_peak(b, BANDS, 1.96, &peak);
		if (k >= 0)
			km = d[k];
	}
	struct gistar_params gp = {km, SPATIAL_EUCLIDEAN};
	memset(res, 0, sizeof(*res));
	res->cell = cell;
	if (gistar_compute(x, y, v, n, &gp, z, pv, NULL, NULL) == TR_OK) {
		for (size_t i = 0; i < n; i++)
			pv[i] = isnan(pv[i]) ? NAN : fmin(1, 2 * fmin(pv[i], 1 - pv[i]));
		padjust(pv, n, PADJUST_BH, adj);
		for (size_t i = 0; i < n; i++) {
			res->raw += pv[i] < 0.05;
			res->bh += adj[i] < 0.05;
			int hot = z[i] > 0 && adj[i] < 0.05 && v[i] >= 3;
			res->product += hot;
			if (hot && fabs(x[i] - tx) <= 1.5 * cell && fabs(y[i] - ty) <= 1.5 * cell)
				res->hit = 1;
		}
	}
	free(x);
	free(y);
	free(v);
	free(z);
	free(pv);
	free(adj);
}

static void noise_week(struct pts *p)
{
	int k = rng_poisson(WEEKLY);
	for (int i = 0; i < k; i++)
		pts_add(p, rng_unif() * SIDE, rng_unif() * SIDE);
}

/* Alarms among the last 52 weeks of six years of weekly Poisson noise. */
struct ts_tally {
	long weeks, alarms[4], product[4];
};

static void ts_run(struct ts_tally *t)
{
	size_t n = YEARS * WEEKS, from = n - WEEKS;
	double y[YEARS * WEEKS];
	struct ts_point out[YEARS * WEEKS];
	for (size_t i = 0; i < n; i++)
		y[i] = rng_poisson(WEEKLY);
	for (int m = 0; m < 4; m++) {
		int rc;
		if (m < 3) {
			struct ears_opts o;
			ears_opts_default(&o, m == 0 ? EARS_C1 : m == 1 ? EARS_C2 : EARS_C3);
			rc = ears_run(y, n, from, &o, out, NULL);
		} else {
			struct far_opts o;
			far_opts_default(&o);
			rc = far_run(y, n, from, &o, out, NULL);
		}
		if (rc != TR_OK)
			continue;
		for (size_t i = from; i < n; i++) {
			t->alarms[m] += out[i].alarm;
			t->product[m] += out[i].alarm && y[i] >= 3;
		}
	}
	t->weeks += WEEKS;
}

/* A year of noise with days; the planted records on days of week pw. */
struct events {
	struct pts p;
	int32_t *day;
	size_t cap;
};

static void ev_add(struct events *e, double x, double y, int32_t day)
{
	if (e->p.n == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 2048;
		e->day = realloc(e->day, e->cap * sizeof(int32_t));
		if (!e->day)
			abort();
	}
	e->day[e->p.n] = day;
	pts_add(&e->p, x, y);
}

static int scan_overlap(const struct stscan_cluster *a, const struct stscan_cluster *b)
{
	return hypot(a->x - b->x, a->y - b->y) <= a->radius + b->radius && a->start <= b->end &&
	       b->start <= a->end;
}

/* Reported clusters (as the product); hits one reaching (tx, ty) in days
 * [d0, d1]. Returns the number reported. */
static int scan_run(const struct events *e, double tx, double ty, int32_t d0, int32_t d1,
		    int *hit)
{
	struct stscan_params sp;
	stscan_params_default(&sp);
	sp.max_radius = 5;
	sp.max_days = 7;
	sp.replications = 999;
	sp.threads = 2;
	sp.max_clusters = 0;
	sp.metric = SPATIAL_EUCLIDEAN;
	struct stscan_result res = {0};
	*hit = 0;
	if (stscan_run(e->p.x, e->p.y, e->day, e->p.n, &sp, &res, NULL) != TR_OK)
		return 0;
	size_t *kept = malloc((res.n ? res.n : 1) * sizeof(size_t)), nk = 0;
	for (size_t i = 0; kept && i < res.n; i++) {
		const struct stscan_cluster *k = &res.clusters[i];
		int ok = k->p < 0.05;
		for (size_t j = 0; ok && j < nk; j++)
			ok = !scan_overlap(k, &res.clusters[kept[j]]);
		if (!ok)
			continue;
		kept[nk++] = i;
		if (hypot(k->x - tx, k->y - ty) <= k->radius + 0.3 && k->start <= d1 && d0 <= k->end)
			*hit = 1;
	}
	free(kept);
	stscan_result_free(&res);
	return (int)nk;
}

static void noise_year(struct events *e)
{
	for (int w = 0; w < WEEKS; w++) {
		int k = rng_poisson(WEEKLY);
		for (int i = 0; i < k; i++)
			ev_add(e, rng_unif() * SIDE, rng_unif() * SIDE,
			       (int32_t)(w * 7 + (int)(rng_unif() * 7)));
	}
}

static void ev_free(struct events *e)
{
	free(e->p.x);
	free(e->p.y);
	free(e->day);
}

static double pct(long a, long b)
{
	return b ? 100.0 * (double)a / (double)b : NAN;
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 200;
	if (runs < 1)
		runs = 200;
	int scans = argc > 2 ? (int)strtol(argv[2], NULL, 10) : runs;
	if (scans < 0)
		scans = runs;
	long raw = 0, bh = 0, product = 0;
	double cell_year = 0;
	struct ts_tally tt = {0};
	rng_state = 20261130;
	for (int r = 0; r < runs; r++) {
		struct pts p = {0};
		for (int w = 0; w < WEEKS; w++)
			noise_week(&p);
		struct hot_result h;
		hot_run(&p, -1e9, -1e9, &h);
		raw += h.raw > 0;
		bh += h.bh > 0;
		product += h.product > 0;
		cell_year = h.cell;
		free(p.x);
		free(p.y);
		ts_run(&tt);
	}
	printf("== false alarms: %d runs of noise (%.0f km2, Poisson %.0f records a week)\n", runs,
	       SIDE * SIDE, WEEKLY);
	printf("hot spots over a year (cells of %g km): runs with >= 1 significant cell\n",
	       cell_year);
	printf("  uncorrected p < 0.05:          %5.1f %%\n", pct(raw, runs));
	printf("  BH (FDR 0.05):                 %5.1f %%\n", pct(bh, runs));
	printf("  BH, z > 0, >= 3 in the cell:   %5.1f %%  (the product)\n", pct(product, runs));
	static const char *const names[] = {"EARS C1 (alpha 0.001)", "EARS C2 (alpha 0.001)",
					    "EARS C3 (alpha 0.001)", "Farrington (alpha 0.05)"};
	printf("time series: share of %ld evaluated weeks with an alarm\n", tt.weeks);
	for (int m = 0; m < 4; m++)
		printf("  %-24s %6.2f %%  with the minimum count of 3: %6.2f %%\n", names[m],
		       pct(tt.alarms[m], tt.weeks), pct(tt.product[m], tt.weeks));
	printf("== power: k extra records within 300 m in one week, %d runs each\n", runs);
	static const int sizes[] = {5, 10, 15, 20};
	for (size_t s = 0; s < 4; s++) {
		long hit = 0, hot = 0;
		double cell = 0;
		for (int r = 0; r < runs; r++) {
			struct pts p = {0};
			noise_week(&p); /* the week analysed: its noise and the cluster */
			double cx = 1 + rng_unif() * (SIDE - 2), cy = 1 + rng_unif() * (SIDE - 2);
			for (int i = 0; i < sizes[s]; i++) {
				double a = rng_unif() * 2 * M_PI, d = 0.3 * sqrt(rng_unif());
				pts_add(&p, cx + d * cos(a), cy + d * sin(a));
			}
			struct hot_result h;
			hot_run(&p, cx, cy, &h);
			hit += h.hit;
			hot += h.product > 0;
			cell = h.cell;
			free(p.x);
			free(p.y);
		}
		printf("  k = %2d: detected in the right place and week %5.1f %%  (any hot spot "
		       "%5.1f %%, cells of %g km)\n",
		       sizes[s], pct(hit, runs), pct(hot, runs), cell);
	}
	if (scans == 0)
		return 0;
	long any = 0;
	for (int r = 0; r < scans; r++) {
		struct events e = {0};
		noise_year(&e);
		int hit;
		any += scan_run(&e, -1e9, -1e9, 0, 0, &hit) > 0;
		ev_free(&e);
	}
	printf("== space-time scan (5 km, 1-7 days, 999 replications), %d runs\n", scans);
	printf("  noise years with a reported cluster (p < 0.05): %5.1f %%\n", pct(any, scans));
	for (size_t s = 0; s < 4; s++) {
		long hit = 0;
		for (int r = 0; r < scans; r++) {
			struct events e = {0};
			noise_year(&e);
			double cx = 1 + rng_unif() * (SIDE - 2), cy = 1 + rng_unif() * (SIDE - 2);
			int32_t w = (int32_t)(rng_unif() * WEEKS);
			for (int i = 0; i < sizes[s]; i++) {
				double a = rng_unif() * 2 * M_PI, d = 0.3 * sqrt(rng_unif());
				ev_add(&e, cx + d * cos(a), cy + d * sin(a),
				       w * 7 + (int32_t)(rng_unif() * 7));
			}
			int h;
			scan_run(&e, cx, cy, w * 7, w * 7 + 6, &h);
			hit += h;
			ev_free(&e);
		}
		printf("  k = %2d: a reported cluster in the right place and week %5.1f %%\n",
		       sizes[s], pct(hit, scans));
	}
	return 0;
}
