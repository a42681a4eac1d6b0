/* Benchmark driver for bench/analytics/farrington.sh: reads series.csv
 * (series,week,count; every series 520 weeks, in order), runs far_run with
 * R's defaults on the last 104 weeks of each, repeats the whole set until
 * at least a second has passed, prints the seconds of one pass on stdout
 * and writes the results of the last pass to the output CSV.
 * Usage: farrington_bench SERIES_CSV OUT_CSV */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analytics/farrington.h"

enum { BENCH_WEEKS = 520, BENCH_FROM = 416, BENCH_MAX_SERIES = 1000 };

static double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Reads counts into counts[series * BENCH_WEEKS + week - 1]; returns the
 * number of series, 0 on a malformed file. */
static size_t bench_read(const char *path, double *counts)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	char line[256];
	size_t rows = 0;
	if (!fgets(line, sizeof line, f)) { /* header */
		fclose(f);
		return 0;
	}
	while (fgets(line, sizeof line, f) && rows < BENCH_MAX_SERIES * BENCH_WEEKS) {
		char *last = strrchr(line, ',');
		char *end;
		if (!last)
			break;
		counts[rows++] = strtod(last + 1, &end);
		if (end == last + 1)
			break;
	}
	fclose(f);
	return rows % BENCH_WEEKS == 0 ? rows / BENCH_WEEKS : 0;
}

static void bench_write_value(FILE *f, double v)
{
	if (v != v)
		fputs("NA", f);
	else
		fprintf(f, "%.17g", v);
}

static int bench_write(const char *path, const struct ts_point *out, size_t nseries)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs("series,week,upperbound,expected,alarm\n", f);
	for (size_t s = 0; s < nseries; s++)
		for (size_t i = BENCH_FROM; i < BENCH_WEEKS; i++) {
			const struct ts_point *p = &out[s * BENCH_WEEKS + i];
			fprintf(f, "%zu,%zu,", s + 1, i + 1);
			bench_write_value(f, p->upperbound);
			fputc(',', f);
			bench_write_value(f, p->expected);
			fprintf(f, ",%d\n", p->alarm);
		}
	return fclose(f);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s SERIES_CSV OUT_CSV\n", argv[0]);
		return 2;
	}
	double *counts = malloc(sizeof(double) * BENCH_MAX_SERIES * BENCH_WEEKS);
	struct ts_point *out = malloc(sizeof *out * BENCH_MAX_SERIES * BENCH_WEEKS);
	size_t nseries = counts && out ? bench_read(argv[1], counts) : 0;
	if (nseries == 0) {
		fprintf(stderr, "cannot read %s\n", argv[1]);
		return 1;
	}
	struct far_opts o;
	far_opts_default(&o);
	int passes = 0;
	double start = bench_now(), elapsed;
	do {
		for (size_t s = 0; s < nseries; s++) {
			struct ts_error err;
			if (far_run(counts + s * BENCH_WEEKS, BENCH_WEEKS, BENCH_FROM, &o,
				    out + s * BENCH_WEEKS, &err) != 0) {
				fprintf(stderr, "series %zu: %s\n", s + 1, err.message);
				return 1;
			}
		}
		passes++;
		elapsed = bench_now() - start;
	} while (elapsed < 1.0);
	printf("%.6f %d\n", elapsed / passes, passes);
	int rc = bench_write(argv[2], out, nseries);
	free(counts);
	free(out);
	return rc == 0 ? 0 : 1;
}
