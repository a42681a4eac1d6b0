/* `trellis analyze gistar|stscan`: reads a CSV file, runs the spatial
 * method of src/analytics, writes CSV on stdout. Errors are one line on
 * stderr and exit status 2. */
#include "cli/cli.h"

#include "analytics/gistar.h"
#include "analytics/padjust.h"
#include "analytics/points_csv.h"
#include "analytics/stats.h"
#include "analytics/stscan.h"
#include "core/buf.h"
#include "core/csv.h"
#include "core/err.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Inputs larger than this are refused rather than read into memory. */
#define SP_INPUT_MAX ((size_t)4 << 30)

static const char sp_usage_gistar[] =
    "usage: trellis analyze gistar --distance D [--metric euclidean|haversine]\n"
    "         [--adjust none|bonferroni|holm|bh [--adjust-by-neighbours]] --input FILE\n"
    "  Getis-Ord Gi* with binary distance-band weights, self included (R spdep localG).\n"
    "  Input CSV columns id,x,y,value (x = longitude, y = latitude for haversine; D in km).\n"
    "  Output CSV id,value,gi_star_z,p_value; p_value is one-sided, 1 - Phi(z) (hot spots);\n"
    "  NA where Gi* is undefined (the band holds every point). --input - reads stdin.\n"
    "  --adjust adds the columns p, two-sided 2 * Phi(-|z|), and p_adjusted, p corrected\n"
    "  for multiple testing as R's p.adjust(p, method) over all points (bh is\n"
    "  Benjamini-Hochberg, R's \"BH\"; NA points are left out of the count).\n"
    "  --adjust-by-neighbours corrects each p for its own band instead, as R spdep's\n"
    "  p.adjustSP(p, nb, method) with nb the distance band without the point itself:\n"
    "  min(1, W p) with W the number of points in the band, the point included.\n";

static const char sp_usage_stscan[] =
    "usage: trellis analyze stscan [--max-radius R] [--max-days T] [--max-share F]\n"
    "         [--replications 999] [--seed S] [--threads N] [--max-clusters K]\n"
    "         [--prospective] [--metric euclidean|haversine] --input FILE\n"
    "  Space-time permutation scan (Kulldorff 2005). Input CSV columns id,x,y,date\n"
    "  (date YYYY-MM-DD). Defaults: no radius limit but at most F = 0.5 of the events in\n"
    "  a zone, T = half the study period, 10 clusters (K = 0: all), threads = CPUs.\n"
    "  Output CSV rank,x,y,radius,start,end,observed,expected,llr,p_value,event_ids\n"
    "  (ids separated by ';'), most likely cluster first, then secondary clusters that\n"
    "  share no location with a better one. --input - reads stdin.\n";

/* Options of both methods, as parsed. */
struct sp_opts {
	const char *method;
	const char *input;
	enum spatial_metric metric;
	double distance;
	int adjust;			   /* --adjust given */
	enum padjust_method adjust_method; /* its value */
	int by_neighbours;		   /* --adjust-by-neighbours */
	struct stscan_params scan;
};

static int sp_usage_error(const char *method, const char *what, const char *arg)
{
	fprintf(stderr, "trellis analyze %s: %s%s%s (see --help)\n", method, what, arg ? ": " : "",
		arg ? arg : "");
	return 2;
}

static int sp_double(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end != '\0' || errno == ERANGE || isnan(v))
		return -1;
	*out = v;
	return 0;
}

static int sp_ulong(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	errno = 0;
	if (*s == '-' || *s == '\0')
		return -1;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end != '\0' || errno == ERANGE || v > max)
		return -1;
	*out = v;
	return 0;
}

enum { SP_GI = 1, SP_ST = 2 };

/* The options and which method takes them; a whole number's least and
 * most values (most 0: the option is not a whole number). */
static const struct sp_option {
	const char *name;
	int methods;
	unsigned long long min, max;
} sp_options[] = {
    {"--input", SP_GI | SP_ST, 0, 0},
    {"--metric", SP_GI | SP_ST, 0, 0},
    {"--distance", SP_GI, 0, 0},
    {"--adjust", SP_GI, 0, 0},
    {"--max-radius", SP_ST, 0, 0},
    {"--max-days", SP_ST, 1, 1000000},
    {"--max-share", SP_ST, 0, 0},
    {"--replications", SP_ST, 0, 1000000},
    {"--seed", SP_ST, 0, UINT64_MAX},
    {"--threads", SP_ST, 1, 1024},
    {"--max-clusters", SP_ST, 0, SIZE_MAX},
};

/* Stores u, in its bounds, as the whole-number option name. */
static void sp_set_whole(struct sp_opts *o, const char *name, unsigned long long u)
{
	if (strcmp(name, "--max-days") == 0)
		o->scan.max_days = (int)u;
	else if (strcmp(name, "--replications") == 0)
		o->scan.replications = (unsigned)u;
	else if (strcmp(name, "--seed") == 0)
		o->scan.seed = (uint64_t)u;
	else if (strcmp(name, "--threads") == 0)
		o->scan.threads = (unsigned)u;
	else
		o->scan.max_clusters = (size_t)u;
}

/* Sets option opt to val; returns 0, or -1 when val is out of range. */
static int sp_set(struct sp_opts *o, const struct sp_option *opt, const char *val)
{
	const char *name = opt->name;
	unsigned long long u = 0;
	if (opt->max) {
		if (sp_ulong(val, opt->max, &u) != 0 || u < opt->min)
			return -1;
		sp_set_whole(o, name, u);
	} else if (strcmp(name, "--input") == 0) {
		o->input = val;
	} else if (strcmp(name, "--metric") == 0) {
		if (strcmp(val, "euclidean") == 0)
			o->metric = SPATIAL_EUCLIDEAN;
		else if (strcmp(val, "haversine") == 0)
			o->metric = SPATIAL_HAVERSINE;
		else
			return -1;
	} else if (strcmp(name, "--adjust") == 0) {
		if (padjust_method_parse(val, &o->adjust_method) != 0)
			return -1;
		o->adjust = 1;
	} else if (strcmp(name, "--distance") == 0) {
		return sp_double(val, &o->distance) == 0 && o->distance > 0 && isfinite(o->distance)
			   ? 0
			   : -1;
	} else if (strcmp(name, "--max-radius") == 0) {
		return sp_double(val, &o->scan.max_radius) == 0 && o->scan.max_radius > 0 ? 0 : -1;
	} else if (strcmp(name, "--max-share") == 0) {
		double *f = &o->scan.max_share;
		return sp_double(val, f) == 0 && *f > 0 && *f <= 1 ? 0 : -1;
	}
	return 0;
}

/* The option name of method, or NULL: unknown. */
static const struct sp_option *sp_find(const char *name, int method)
{
	for (size_t i = 0; i < sizeof sp_options / sizeof sp_options[0]; i++)
		if (strcmp(sp_options[i].name, name) == 0)
			return sp_options[i].methods & method ? &sp_options[i] : NULL;
	return NULL;
}

/* Parses argv; returns -1 to go on, else the exit status (help: 0). */
static int sp_parse(int argc, char **argv, int method, struct sp_opts *o)
{
	for (int i = 1; i < argc; i++) {
		char name[32];
		const char *arg = argv[i], *val = NULL, *eq = strchr(arg, '=');
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			fputs(method == SP_GI ? sp_usage_gistar : sp_usage_stscan, stdout);
			return 0;
		}
		if (method == SP_ST && strcmp(arg, "--prospective") == 0) {
			o->scan.prospective = 1;
			continue;
		}
		if (method == SP_GI && strcmp(arg, "--adjust-by-neighbours") == 0) {
			o->by_neighbours = 1;
			continue;
		}
		size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
		if (len >= sizeof name)
			return sp_usage_error(o->method, "unknown option", arg);
		memcpy(name, arg, len);
		name[len] = '\0';
		const struct sp_option *opt = sp_find(name, method);
		if (!opt)
			return sp_usage_error(o->method, "unknown option", arg);
		val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		if (!val)
			return sp_usage_error(o->method, "option needs a value", name);
		if (sp_set(o, opt, val) != 0) {
			char both[160];
			snprintf(both, sizeof both, "%s %s", name, val);
			return sp_usage_error(o->method, "bad value for option", both);
		}
	}
	if (!o->input)
		return sp_usage_error(o->method, "--input FILE is required", NULL);
	if (method == SP_GI && !(o->distance > 0))
		return sp_usage_error(o->method, "--distance D is required", NULL);
	if (o->by_neighbours && !o->adjust)
		return sp_usage_error(o->method, "--adjust-by-neighbours needs --adjust", NULL);
	return -1;
}

/* Reads a whole file (or stdin for "-") into *buf; the caller frees it. */
static int sp_slurp(const char *path, char **buf, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f)
		return TR_ERR_IO;
	size_t cap = 1 << 16, used = 0;
	char *b = malloc(cap);
	int rc = b ? TR_OK : TR_ERR_NOMEM;
	while (rc == TR_OK) {
		if (used == cap) {
			char *nb = cap < SP_INPUT_MAX ? realloc(b, cap * 2) : NULL;
			if (!nb) {
				rc = cap < SP_INPUT_MAX ? TR_ERR_NOMEM : TR_ERR_TOO_LARGE;
				break;
			}
			b = nb;
			cap *= 2;
		}
		size_t got = fread(b + used, 1, cap - used, f);
		used += got;
		if (got == 0)
			rc = ferror(f) ? TR_ERR_IO : -1;
	}
	if (f != stdin)
		fclose(f);
	if (rc != -1) {
		free(b);
		return rc;
	}
	*buf = b;
	*len = used;
	return TR_OK;
}

static void sp_number(FILE *out, double v)
{
	if (isnan(v))
		fputs("NA", out);
	else
		fprintf(out, "%.17g", v);
}

/* One line on stderr for an input error; row is a CSV record number. */
static int sp_input_error(const struct sp_opts *o, int rc, const struct ts_error *err)
{
	if (rc == TR_ERR_INVALID && err->row > 0)
		fprintf(stderr, "trellis analyze %s: %s: row %zu, column %s: %s\n", o->method,
			o->input, err->row, err->column[0] ? err->column : "?", err->message);
	else if (rc == TR_ERR_INVALID)
		fprintf(stderr, "trellis analyze %s: %s: %s%s%s\n", o->method, o->input,
			err->column[0] ? err->column : "", err->column[0] ? ": " : "",
			err->message);
	else
		fprintf(stderr, "trellis analyze %s: %s: %s\n", o->method, o->input,
			tr_strerror(rc));
	return 2;
}

/* Reads and parses the input; returns -1 to go on, else the exit status. */
static int sp_load(const struct sp_opts *o, enum points_kind kind, struct points_csv *pc)
{
	char *buf = NULL;
	size_t len = 0;
	int rc = sp_slurp(o->input, &buf, &len);
	if (rc != TR_OK) {
		fprintf(stderr, "trellis analyze %s: %s: %s\n", o->method, o->input,
			rc == TR_ERR_IO ? strerror(errno) : tr_strerror(rc));
		return 2;
	}
	struct ts_error err;
	memset(&err, 0, sizeof err);
	rc = points_csv_read(buf, len, kind, pc, &err);
	free(buf);
	if (rc != TR_OK)
		return sp_input_error(o, rc, &err);
	return -1;
}

/* A method's error on data row k (1-based) is on CSV record k + 1. */
static int sp_method_error(const struct sp_opts *o, int rc, struct ts_error *err)
{
	if (err->row > 0)
		err->row++;
	return sp_input_error(o, rc, err);
}

/* The p and p_adjusted columns of --adjust: two-sided p over all points or
 * each point's band. q (n entries) is the caller's; padj is written. */
static int sp_gistar_adjust(const struct sp_opts *o, const double *z, const size_t *card, size_t n,
			    double *q, double *padj)
{
	for (size_t i = 0; i < n; i++)
		q[i] = stats_pnorm_two_sided(z[i]);
	if (o->by_neighbours) {
		padjust_local(q, card, n, o->adjust_method, padj);
		return TR_OK;
	}
	return padjust(q, n, o->adjust_method, padj);
}

static void sp_gistar_write(const struct sp_opts *o, const struct points_csv *pc, const double *z,
			    const double *p, const double *q, const double *padj)
{
	fputs(o->adjust ? "id,value,gi_star_z,p_value,p,p_adjusted\n"
			: "id,value,gi_star_z,p_value\n",
	      stdout);
	for (size_t i = 0; i < pc->n; i++) {
		csv_fput_text(stdout, points_csv_id(pc, i));
		fputc(',', stdout);
		sp_number(stdout, pc->value[i]);
		fputc(',', stdout);
		sp_number(stdout, z[i]);
		fputc(',', stdout);
		sp_number(stdout, p[i]);
		if (o->adjust) {
			fputc(',', stdout);
			sp_number(stdout, q[i]);
			fputc(',', stdout);
			sp_number(stdout, padj[i]);
		}
		fputc('\n', stdout);
	}
}

static int sp_gistar(const struct sp_opts *o)
{
	struct points_csv pc;
	int status = sp_load(o, POINTS_VALUE, &pc);
	if (status >= 0)
		return status;
	size_t n = pc.n ? pc.n : 1;
	double *z = malloc(n * sizeof *z), *p = malloc(n * sizeof *p);
	double *q = o->adjust ? malloc(n * sizeof *q) : NULL;
	double *padj = o->adjust ? malloc(n * sizeof *padj) : NULL;
	size_t *card = o->adjust ? malloc(n * sizeof *card) : NULL;
	struct gistar_params prm = {.distance = o->distance, .metric = o->metric};
	struct ts_error err;
	memset(&err, 0, sizeof err);
	int rc = z && p && (!o->adjust || (q && padj && card)) ? TR_OK : TR_ERR_NOMEM;
	if (rc == TR_OK)
		rc = gistar_compute(pc.x, pc.y, pc.value, pc.n, &prm, z, p, card, &err);
	if (rc == TR_OK && o->adjust)
		rc = sp_gistar_adjust(o, z, card, pc.n, q, padj);
	if (rc != TR_OK) {
		status = sp_method_error(o, rc, &err);
	} else {
		sp_gistar_write(o, &pc, z, p, q, padj);
		status = fflush(stdout) == 0 ? 0 : 2;
	}
	free(z);
	free(p);
	free(q);
	free(padj);
	free(card);
	points_csv_free(&pc);
	return status;
}

/* Progress on a terminal: shown once the scan has run a second. */
struct sp_progress {
	struct timespec start, last;
	int shown;
};

static double sp_seconds(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void sp_progress_cb(void *ctx, unsigned done, unsigned total)
{
	struct sp_progress *pr = ctx;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (done < total &&
	    (sp_seconds(&pr->start, &now) < 1.0 || sp_seconds(&pr->last, &now) < 0.1))
		return;
	if (done == total && !pr->shown)
		return;
	pr->last = now;
	pr->shown = 1;
	int width = 40, fill = (int)((double)done / total * width);
	fprintf(stderr, "\rstscan [%.*s%*s] %u/%u replications", fill,
		"########################################", width - fill, "", done, total);
	if (done == total)
		fputc('\n', stderr);
}

static void sp_cluster_write(const struct points_csv *pc, size_t rank,
			     const struct stscan_cluster *q)
{
	char start[32], end[32];
	points_date_format(q->start, start);
	points_date_format(q->end, end);
	printf("%zu,", rank);
	sp_number(stdout, q->x);
	fputc(',', stdout);
	sp_number(stdout, q->y);
	fputc(',', stdout);
	sp_number(stdout, q->radius);
	printf(",%s,%s,%zu,", start, end, q->observed);
	sp_number(stdout, q->expected);
	fputc(',', stdout);
	sp_number(stdout, q->llr);
	fputc(',', stdout);
	sp_number(stdout, q->p);
	fputc(',', stdout);
	/* the ids of the cluster's events, one cell */
	struct buf ids;
	buf_init(&ids, (size_t)-1);
	for (size_t k = 0; k < q->n_events; k++)
		buf_printf(&ids, "%s%s", k ? ";" : "", points_csv_id(pc, q->events[k]));
	csv_fput_text(stdout, ids.data ? ids.data : "");
	buf_free(&ids);
	fputc('\n', stdout);
}

static int sp_stscan(struct sp_opts *o)
{
	struct points_csv pc;
	int status = sp_load(o, POINTS_DATE, &pc);
	if (status >= 0)
		return status;
	struct sp_progress pr = {.shown = 0};
	clock_gettime(CLOCK_MONOTONIC, &pr.start);
	if (isatty(STDERR_FILENO)) {
		o->scan.progress = sp_progress_cb;
		o->scan.progress_ctx = &pr;
	}
	o->scan.metric = o->metric;
	struct stscan_result r;
	struct ts_error err;
	memset(&err, 0, sizeof err);
	int rc = stscan_run(pc.x, pc.y, pc.day, pc.n, &o->scan, &r, &err);
	if (rc != TR_OK) {
		status = sp_method_error(o, rc, &err);
	} else {
		fputs("rank,x,y,radius,start,end,observed,expected,llr,p_value,event_ids\n",
		      stdout);
		for (size_t i = 0; i < r.n; i++)
			sp_cluster_write(&pc, i + 1, &r.clusters[i]);
		status = fflush(stdout) == 0 ? 0 : 2;
		stscan_result_free(&r);
	}
	points_csv_free(&pc);
	return status;
}

int cli_analyze_spatial(int argc, char **argv)
{
	struct sp_opts o = {.method = argv[0], .input = NULL, .metric = SPATIAL_EUCLIDEAN};
	stscan_params_default(&o.scan);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	o.scan.threads = cpus > 0 && cpus <= 64 ? (unsigned)cpus : 1;
	int method = strcmp(argv[0], "gistar") == 0   ? SP_GI
		     : strcmp(argv[0], "stscan") == 0 ? SP_ST
						      : 0;
	if (!method)
		return sp_usage_error(argv[0], "unknown method (gistar or stscan)", NULL);
	int status = sp_parse(argc, argv, method, &o);
	if (status >= 0)
		return status;
	return method == SP_GI ? sp_gistar(&o) : sp_stscan(&o);
}
