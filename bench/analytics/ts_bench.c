/* Benchmark driver: EARS C3 or CUSUM on every series of a directory of
 * time-series CSV files (s0001.csv ...), timed from reading the files to
 * the last result. Usage: ts_bench ears|cusum DIR COUNT OUT.csv
 * Prints the median of 15 timed runs in seconds; writes the results of the
 * last run as series,t,upperbound,alarm for the evaluated periods. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analytics/cusum.h"
#include "analytics/ears.h"
#include "analytics/ts_csv.h"
#include "core/err.h"

#define RUNS 15
#define CUSUM_FROM 52 /* 0-based: the sum starts in the second year */

struct bench_series {
	size_t n, from;
	struct ts_point *out;
};

static double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Reads the whole file with one open, fstat and read (plain stdio would add
 * a buffer allocation and a second read per file). */
static int bench_read(const char *path, char **buf, size_t *cap, size_t *len)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || st.st_size < 0) {
		close(fd);
		return -1;
	}
	size_t want = (size_t)st.st_size;
	if (want > *cap) {
		char *q = realloc(*buf, want);
		if (!q) {
			close(fd);
			return -1;
		}
		*buf = q;
		*cap = want;
	}
	*len = 0;
	while (*len < want) {
		ssize_t got = read(fd, *buf + *len, want - *len);
		if (got <= 0)
			break;
		*len += (size_t)got;
	}
	close(fd);
	return *len == want ? 0 : -1;
}

/* One series: read, parse, detect. */
static int bench_one(int cusum, const char *path, char **buf, size_t *cap, struct bench_series *s)
{
	size_t len;
	struct ts_csv t;
	struct ts_error err = {0};
	if (bench_read(path, buf, cap, &len) != 0 || ts_csv_read(*buf, len, &t, &err) != TR_OK) {
		fprintf(stderr, "ts_bench: %s: %s\n", path, err.message);
		return -1;
	}
	free(s->out);
	s->n = t.n;
	s->out = malloc(t.n * sizeof *s->out);
	int rc = s->out ? TR_OK : TR_ERR_NOMEM;
	if (rc == TR_OK && cusum) {
		struct cusum_opts o;
		cusum_opts_default(&o);
		s->from = CUSUM_FROM;
		rc = cusum_run(t.counts, t.n, s->from, &o, s->out, &err);
	} else if (rc == TR_OK) {
		struct ears_opts o;
		ears_opts_default(&o, EARS_C3);
		s->from = ears_min_from(&o);
		rc = ears_run(t.counts, t.n, s->from, &o, s->out, &err);
	}
	ts_csv_free(&t);
	if (rc != TR_OK)
		fprintf(stderr, "ts_bench: %s: %s\n", path, err.message);
	return rc == TR_OK ? 0 : -1;
}

static int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int bench_write(const char *path, const struct bench_series *s, int count)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs("series,t,upperbound,alarm\n", f);
	for (int i = 0; i < count; i++)
		for (size_t t = s[i].from; t < s[i].n; t++) {
			const struct ts_point *p = &s[i].out[t];
			if (p->upperbound != p->upperbound)
				fprintf(f, "%d,%zu,NA,NA\n", i + 1, t + 1);
			else
				fprintf(f, "%d,%zu,%.17g,%d\n", i + 1, t + 1, p->upperbound,
					p->alarm);
		}
	return fclose(f) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fputs("usage: ts_bench ears|cusum DIR COUNT OUT.csv\n", stderr);
		return 2;
	}
	int cusum = strcmp(argv[1], "cusum") == 0, count = (int)strtol(argv[3], NULL, 10);
	if (count <= 0 || count > 100000)
		return 2;
	struct bench_series *s = calloc((size_t)count, sizeof *s);
	char path[4096], *buf = NULL;
	size_t cap = 0;
	double times[RUNS];
	for (int r = 0; r < RUNS; r++) {
		double t0 = bench_now();
		for (int i = 0; i < count; i++) {
			snprintf(path, sizeof path, "%s/s%04d.csv", argv[2], i + 1);
			if (bench_one(cusum, path, &buf, &cap, &s[i]) != 0)
				return 1;
		}
		times[r] = bench_now() - t0;
	}
	qsort(times, RUNS, sizeof times[0], bench_cmp);
	printf("%.6f\n", times[RUNS / 2]);
	int rc = bench_write(argv[4], s, count);
	for (int i = 0; i < count; i++)
		free(s[i].out);
	free(s);
	free(buf);
	return rc == 0 ? 0 : 1;
}
