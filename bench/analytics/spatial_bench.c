/* Benchmark driver of the spatial methods, built by bench/analytics/spatial.sh.
 *   spatial_bench gistar FILE D OUT     Gi* of a CSV id,x,y,value; z to OUT
 *   spatial_bench gistar-synth N K      Gi* of N uniform points, ~K neighbours
 *   spatial_bench stscan-synth N REPS THREADS DAYS LOCS
 *                                       prospective scan of N synthetic events
 * Prints the compute time (input generation and reading excluded). */
#include "analytics/gistar.h"
#include "analytics/points_csv.h"
#include "analytics/stscan.h"
#include "core/err.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double bench_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t bench_rng(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double bench_unif(uint64_t *s)
{
	return (double)(bench_rng(s) >> 11) / 9007199254740992.0;
}

static int bench_gistar_file(const char *path, double d, const char *outpath)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 1;
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)len + 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len)
		return 1;
	fclose(f);
	struct points_csv pc;
	struct ts_error err;
	if (points_csv_read(buf, (size_t)len, POINTS_VALUE, &pc, &err) != TR_OK) {
		fprintf(stderr, "row %zu %s: %s\n", err.row, err.column, err.message);
		return 1;
	}
	free(buf);
	double *z = malloc(pc.n * sizeof *z), *p = malloc(pc.n * sizeof *p);
	struct gistar_params prm = {.distance = d, .metric = SPATIAL_EUCLIDEAN};
	double best = INFINITY;
	for (int rep = 0; rep < 5; rep++) { /* best of 5: the run is milliseconds */
		double t0 = bench_now();
		if (gistar_compute(pc.x, pc.y, pc.value, pc.n, &prm, z, p, NULL, &err) != TR_OK)
			return 1;
		best = fmin(best, bench_now() - t0);
	}
	FILE *out = fopen(outpath, "w");
	for (size_t i = 0; i < pc.n; i++)
		fprintf(out, "%.17g\n", z[i]);
	fclose(out);
	printf("%.6f\n", best);
	free(z), free(p);
	points_csv_free(&pc);
	return 0;
}

static int bench_gistar_synth(size_t n, double k)
{
	double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *v = malloc(n * sizeof *v);
	double *z = malloc(n * sizeof *z), *p = malloc(n * sizeof *p);
	uint64_t s = 12345;
	double side = sqrt(M_PI * (double)n / k); /* D = 1: k points per disc */
	for (size_t i = 0; i < n; i++) {
		x[i] = side * bench_unif(&s);
		y[i] = side * bench_unif(&s);
		v[i] = floor(10.0 * bench_unif(&s));
	}
	struct gistar_params prm = {.distance = 1.0, .metric = SPATIAL_EUCLIDEAN};
	double t0 = bench_now();
	int rc = gistar_compute(x, y, v, n, &prm, z, p, NULL, NULL);
	printf("%.6f\n", bench_now() - t0);
	free(x), free(y), free(v), free(z), free(p);
	return rc != TR_OK;
}

/* Events on `locs` places over `days` days in a square whose side grows
 * with sqrt(n) (100 km at 100,000 events), so density is the same for
 * every n; the scan looks for cylinders up to 1.5 km and 30 days,
 * prospectively. */
static int bench_stscan_synth(size_t n, unsigned reps, unsigned threads, int days, size_t locs)
{
	double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
	double *lx = malloc(locs * sizeof *lx), *ly = malloc(locs * sizeof *ly);
	int32_t *d = malloc(n * sizeof *d);
	uint64_t s = 777;
	double side = 100.0 * sqrt((double)n / 100000.0);
	for (size_t l = 0; l < locs; l++) {
		lx[l] = side * bench_unif(&s);
		ly[l] = side * bench_unif(&s);
	}
	for (size_t i = 0; i < n; i++) {
		size_t l = (size_t)(bench_rng(&s) % locs);
		x[i] = lx[l];
		y[i] = ly[l];
		d[i] = 19000 + (int32_t)(bench_rng(&s) % (uint64_t)days);
	}
	struct stscan_params prm;
	stscan_params_default(&prm);
	prm.max_radius = 1.5;
	prm.max_days = 30;
	prm.prospective = 1;
	prm.replications = reps;
	prm.threads = threads;
	struct stscan_result r;
	struct ts_error err;
	double t0 = bench_now();
	int rc = stscan_run(x, y, d, n, &prm, &r, &err);
	double dt = bench_now() - t0;
	if (rc != TR_OK) {
		fprintf(stderr, "stscan: %s\n", err.message);
		return 1;
	}
	printf("%.6f %zu %zu %.3f %.4f\n", dt, r.locations, r.cylinders,
	       r.n ? r.clusters[0].llr : 0.0, r.n ? r.clusters[0].p : 1.0);
	stscan_result_free(&r);
	free(x), free(y), free(lx), free(ly), free(d);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "gistar") == 0)
		return bench_gistar_file(argv[2], strtod(argv[3], NULL), argv[4]);
	if (argc == 4 && strcmp(argv[1], "gistar-synth") == 0)
		return bench_gistar_synth(strtoull(argv[2], NULL, 10), strtod(argv[3], NULL));
	if (argc == 7 && strcmp(argv[1], "stscan-synth") == 0)
		return bench_stscan_synth(
		    strtoull(argv[2], NULL, 10), (unsigned)strtoul(argv[3], NULL, 10),
		    (unsigned)strtoul(argv[4], NULL, 10), (int)strtol(argv[5], NULL, 10),
		    strtoull(argv[6], NULL, 10));
	fprintf(stderr, "usage: see bench/analytics/spatial.sh\n");
	return 2;
}
