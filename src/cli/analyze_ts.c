/* `trellis analyze ears|farrington|cusum`: one time series from a CSV file
 * (or stdin) through one detector, results as CSV on stdout. Options are
 * described by a table per method and parsed before anything runs. */
#include "cli/cli.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analytics/cusum.h"
#include "analytics/ears.h"
#include "analytics/farrington.h"
#include "analytics/ts_csv.h"
#include "core/csv.h"
#include "core/err.h"

/* Inputs larger than this are refused rather than read into memory. */
#define TS_INPUT_MAX ((size_t)256 << 20)

enum ts_method { TS_EARS, TS_FARRINGTON, TS_CUSUM };

/* Everything the command line sets; options land here through the tables. */
struct ts_args {
	const char *input;
	long from; /* 1-based; 0 when not given */
	int help;
	int choice_ears_method;
	int alpha_given;
	int past_weeks_given; /* R's default follows w */
	struct ears_opts ears;
	struct far_opts far;
	int choice_powertrans, choice_threshold;
	struct cusum_opts cusum;
	int choice_trans;
};

/* K_ON and K_OFF take no value and set an int to 1 or 0. */
enum ts_kind { K_STRING, K_LONG, K_SIZE, K_INT, K_DOUBLE, K_ON, K_OFF, K_CHOICE, K_PAIR };

struct ts_flag {
	const char *name;
	enum ts_kind kind;
	size_t off;		    /* where the value goes in struct ts_args */
	double min, max;	    /* bounds of numbers */
	const char *const *choices; /* K_CHOICE: NULL-terminated names */
	size_t off2; /* K_PAIR: the second int; K_DOUBLE, K_INT: a "given" flag or 0 */
};

#define A(field) offsetof(struct ts_args, field)

static const char *const ears_methods[] = {"C1", "C2", "C3", NULL};
static const char *const far_powers[] = {"2/3", "1/2", "none", NULL};
static const char *const far_thresholds[] = {"delta", "nbplugin", "muan", NULL};
static const char *const cusum_transes[] = {"standard",	     "rossi", "anscombe", "anscombe2nd",
					    "pearsonNegBin", "none",  NULL};

/* Flags every method takes; each table below ends with these. */
#define TS_COMMON_FLAGS                                                                            \
	{"--input", K_STRING, A(input), 0, 0, NULL, 0},                                            \
	    {"--from", K_LONG, A(from), 1, 1e15, NULL, 0},                                         \
	    {"--help", K_ON, A(help), 0, 0, NULL, 0},                                              \
	{                                                                                          \
		NULL, K_STRING, 0, 0, 0, NULL, 0                                                   \
	}

static const struct ts_flag ears_flags[] = {
    {"--method", K_CHOICE, A(choice_ears_method), 0, 0, ears_methods, 0},
    {"--baseline", K_SIZE, A(ears.baseline), 3, 1e9, NULL, 0},
    {"--alpha", K_DOUBLE, A(ears.alpha), 0, 1, NULL, A(alpha_given)},
    {"--min-sigma", K_DOUBLE, A(ears.min_sigma), 0, 1e300, NULL, 0},
    TS_COMMON_FLAGS,
};

static const struct ts_flag far_flags[] = {
    {"--frequency", K_INT, A(far.frequency), 1, 10000, NULL, 0},
    {"--b", K_INT, A(far.b), 1, 1000, NULL, 0},
    {"--w", K_INT, A(far.w), 0, 10000, NULL, 0},
    {"--alpha", K_DOUBLE, A(far.alpha), 0, 1, NULL, 0},
    {"--no-reweight", K_OFF, A(far.reweight), 0, 0, NULL, 0},
    {"--weights-threshold", K_DOUBLE, A(far.weights_threshold), 0, 1e300, NULL, 0},
    {"--no-trend", K_OFF, A(far.trend), 0, 0, NULL, 0},
    {"--p-threshold-trend", K_DOUBLE, A(far.p_threshold_trend), 0, 1, NULL, 0},
    {"--limit54", K_PAIR, A(far.limit54_cases), 0, 1e9, NULL, A(far.limit54_weeks)},
    {"--powertrans", K_CHOICE, A(choice_powertrans), 0, 0, far_powers, 0},
    {"--no-periods", K_INT, A(far.no_periods), 1, 10000, NULL, 0},
    {"--past-weeks-not-included", K_INT, A(far.past_weeks_not_included), 0, 1e6, NULL,
     A(past_weeks_given)},
    {"--threshold", K_CHOICE, A(choice_threshold), 0, 0, far_thresholds, 0},
    TS_COMMON_FLAGS,
};

static const struct ts_flag cusum_flags[] = {
    {"--k", K_DOUBLE, A(cusum.k), -1e300, 1e300, NULL, 0},
    {"--h", K_DOUBLE, A(cusum.h), -1e300, 1e300, NULL, 0},
    {"--m", K_DOUBLE, A(cusum.m), 0, 1e300, NULL, 0},
    {"--trans", K_CHOICE, A(choice_trans), 0, 0, cusum_transes, 0},
    {"--alpha", K_DOUBLE, A(cusum.alpha), 0, 1e300, NULL, 0},
    TS_COMMON_FLAGS,
};

static const char ears_usage[] =
    "usage: trellis analyze ears --method C1|C2|C3 [--baseline 7] [--alpha A]\n"
    "                            [--min-sigma 0] [--from N] --input FILE\n"
    "EARS C1/C2/C3 as R surveillance::earsC. --alpha defaults to 0.001 for C1\n"
    "and C2 and 0.025 for C3, as R does when no alpha is given.\n";
static const char far_usage[] =
    "usage: trellis analyze farrington [--frequency 52] [--b 5] [--w 3] [--alpha 0.05]\n"
    "         [--no-reweight] [--weights-threshold 2.58] [--no-trend]\n"
    "         [--p-threshold-trend 0.05] [--limit54 5,4] [--powertrans 2/3|1/2|none]\n"
    "         [--no-periods 1] [--past-weeks-not-included N]\n"
    "         [--threshold delta|nbplugin|muan] [--from N] --input FILE\n"
    "Farrington flexible as R surveillance::farringtonFlexible. With fewer than 5\n"
    "cases in the last 4 periods (--limit54) it gives no bound (upperbound and\n"
    "expected NA) and no alarm (0), as R. With --threshold nbplugin or muan the\n"
    "bound is a quantile of the fitted count distribution, as R gives it: with\n"
    "over-dispersed counts most of its mass is at 0, and the bound can be 0 or\n"
    "below expected, the mean of that distribution.\n";
static const char cusum_usage[] =
    "usage: trellis analyze cusum [--k 1.04] [--h 2.26] [--m MEAN]\n"
    "         [--trans standard|rossi|anscombe|anscombe2nd|pearsonNegBin|none]\n"
    "         [--alpha 0.1] [--from N] --input FILE\n"
    "Poisson CUSUM as R surveillance::cusum; the sum starts at --from. --m defaults\n"
    "to the mean of the periods before --from; --alpha is pearsonNegBin's dispersion.\n";
static const char common_usage[] =
    "FILE is a CSV file with a header, a count column and an optional period column\n"
    "('-' reads stdin). --from is the 1-based period (data row) of the first period\n"
    "to evaluate; by default the first with enough history. Output: CSV\n"
    "period,observed,expected,upperbound,alarm for the evaluated periods, NA where\n"
    "there is no value (alarm is NA where R's is: the method reached no decision).\n"
    "Errors go to stderr, exit 2.\n";

static int ts_flag_number(const struct ts_flag *f, const char *val, double *x)
{
	char *end;
	errno = 0;
	*x = strtod(val, &end);
	if (end == val || *end != '\0' || errno == ERANGE || !isfinite(*x))
		return -1;
	if (f->kind != K_DOUBLE && *x != floor(*x))
		return -1;
	return *x < f->min || *x > f->max ? -1 : 0;
}

static int ts_flag_choice(const struct ts_flag *f, const char *val, int *out)
{
	for (int i = 0; f->choices[i]; i++)
		if (strcasecmp(val, f->choices[i]) == 0) {
			*out = i;
			return 0;
		}
	return -1;
}

/* "a,b" as two integers within the flag's bounds. */
static int ts_flag_pair(const struct ts_flag *f, const char *val, int *a, int *b)
{
	char *end;
	errno = 0;
	long x = strtol(val, &end, 10);
	if (end == val || *end != ',' || errno || x < f->min || x > f->max)
		return -1;
	const char *second = end + 1;
	long y = strtol(second, &end, 10);
	if (end == second || *end != '\0' || errno || y < f->min || y > f->max)
		return -1;
	*a = (int)x;
	*b = (int)y;
	return 0;
}

/* Stores val into a according to f; 0, or -1 when val does not fit. */
static int ts_flag_set(const struct ts_flag *f, const char *val, struct ts_args *a)
{
	char *p = (char *)a + f->off;
	double x = 0;
	switch (f->kind) {
	case K_STRING:
		*(const char **)(void *)p = val;
		return 0;
	case K_ON:
	case K_OFF:
		*(int *)(void *)p = f->kind == K_ON;
		return 0;
	case K_CHOICE:
		return ts_flag_choice(f, val, (int *)(void *)p);
	case K_PAIR:
		return ts_flag_pair(f, val, (int *)(void *)p, (int *)(void *)((char *)a + f->off2));
	default:
		break;
	}
	if (ts_flag_number(f, val, &x) != 0)
		return -1;
	if (f->kind == K_DOUBLE && f->max == 1 && (x == 0 || x == 1))
		return -1; /* probabilities lie strictly between 0 and 1 */
	if (f->kind == K_LONG)
		*(long *)(void *)p = (long)x;
	else if (f->kind == K_SIZE)
		*(size_t *)(void *)p = (size_t)x;
	else if (f->kind == K_INT)
		*(int *)(void *)p = (int)x;
	else
		*(double *)(void *)p = x;
	if ((f->kind == K_DOUBLE || f->kind == K_INT) && f->off2)
		*(int *)(void *)((char *)a + f->off2) = 1;
	return 0;
}

static const struct ts_flag *ts_flag_find(const struct ts_flag *t, const char *name, size_t len)
{
	for (; t->name; t++)
		if (strlen(t->name) == len && strncmp(t->name, name, len) == 0)
			return t;
	return NULL;
}

/* Parses argv[1..] (--flag value or --flag=value) into a; prints the
 * offending flag and returns 2 on error. */
static int ts_args_parse(int argc, char **argv, const struct ts_flag *table, struct ts_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *eq = strchr(arg, '=');
		size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
		const struct ts_flag *f =
		    strncmp(arg, "--", 2) == 0 ? ts_flag_find(table, arg, len) : NULL;
		if (!f && strcmp(arg, "-h") == 0)
			f = ts_flag_find(table, "--help", 6);
		if (!f) {
			fprintf(stderr, "trellis analyze %s: unknown option '%s' (try --help)\n",
				argv[0], arg);
			return 2;
		}
		const char *val = eq ? eq + 1 : NULL;
		int bare = f->kind == K_ON || f->kind == K_OFF;
		if (!bare && !val) {
			if (i + 1 >= argc) {
				fprintf(stderr, "trellis analyze %s: %s needs a value\n", argv[0],
					f->name);
				return 2;
			}
			val = argv[++i];
		}
		if ((bare && val) || ts_flag_set(f, val ? val : "", a) != 0) {
			fprintf(stderr, "trellis analyze %s: %s: bad value '%s'\n", argv[0],
				f->name, val ? val : "");
			return 2;
		}
	}
	return 0;
}

/* Reads the whole of path ("-" for stdin) into *buf (caller frees). */
static int ts_input_read(const char *path, char **buf, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = 0, n = 0;
	char *b = NULL;
	if (!f)
		return -1;
	for (;;) {
		if (cap - n < 65536) {
			size_t ncap = cap ? cap * 2 : 262144;
			char *q = ncap <= TS_INPUT_MAX + 65536 ? realloc(b, ncap) : NULL;
			if (!q)
				break;
			b = q;
			cap = ncap;
		}
		size_t got = fread(b + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	int bad = ferror(f) || !feof(f) || n > TS_INPUT_MAX;
	if (f != stdin)
		fclose(f);
	if (bad) {
		free(b);
		return -1;
	}
	*buf = b;
	*len = n;
	return 0;
}

/* Writes s as one CSV field, quoted when it must be. */
static void ts_put_number(double x, FILE *out)
{
	if (isnan(x))
		fputs(",NA", out);
	else
		fprintf(out, ",%.17g", x);
}

static int ts_output(const struct ts_csv *t, size_t from, const struct ts_point *p, FILE *out)
{
	fputs("period,observed,expected,upperbound,alarm\n", out);
	for (size_t i = from; i < t->n; i++) {
		if (t->periods)
			csv_fput_text(out, t->periods[i]);
		else
			fprintf(out, "%zu", i + 1);
		fprintf(out, ",%.17g", t->counts[i]);
		ts_put_number(p[i].expected, out);
		ts_put_number(p[i].upperbound, out);
		fputs(p[i].undecided ? ",NA\n" : p[i].alarm ? ",1\n" : ",0\n", out);
	}
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

static size_t ts_min_from(enum ts_method m, const struct ts_args *a)
{
	if (m == TS_EARS)
		return ears_min_from(&a->ears);
	if (m == TS_FARRINGTON)
		return far_min_from(&a->far);
	return cusum_min_from(&a->cusum);
}

static int ts_detect(enum ts_method m, const struct ts_args *a, const struct ts_csv *t, size_t from,
		     struct ts_point *p, struct ts_error *err)
{
	if (m == TS_EARS)
		return ears_run(t->counts, t->n, from, &a->ears, p, err);
	if (m == TS_FARRINGTON)
		return far_run(t->counts, t->n, from, &a->far, p, err);
	return cusum_run(t->counts, t->n, from, &a->cusum, p, err);
}

/* Fills in what the choices and R's method-dependent defaults decide. */
static int ts_args_finish(enum ts_method m, struct ts_args *a, const char *name)
{
	static const enum far_powertrans powers[] = {FAR_POW_23, FAR_POW_12, FAR_POW_NONE};
	static const enum far_threshold thresholds[] = {FAR_THR_DELTA, FAR_THR_NBPLUGIN,
							FAR_THR_MUAN};
	static const enum cusum_trans transes[] = {CUSUM_STANDARD,   CUSUM_ROSSI,
						   CUSUM_ANSCOMBE,   CUSUM_ANSCOMBE2ND,
						   CUSUM_PEARSON_NB, CUSUM_NONE};
	if (m == TS_EARS) {
		if (a->choice_ears_method < 0) {
			fprintf(stderr, "trellis analyze %s: --method C1|C2|C3 is required\n",
				name);
			return 2;
		}
		static const enum ears_method methods[] = {EARS_C1, EARS_C2, EARS_C3};
		a->ears.method = methods[a->choice_ears_method];
		if (!a->alpha_given)
			a->ears.alpha = a->ears.method == EARS_C3 ? 0.025 : 0.001;
	}
	if (!a->past_weeks_given)
		a->far.past_weeks_not_included = a->far.w;
	if (a->choice_powertrans >= 0)
		a->far.powertrans = powers[a->choice_powertrans];
	if (a->choice_threshold >= 0)
		a->far.threshold = thresholds[a->choice_threshold];
	if (a->choice_trans >= 0)
		a->cusum.trans = transes[a->choice_trans];
	if (!a->input) {
		fprintf(stderr, "trellis analyze %s: --input FILE is required ('-' for stdin)\n",
			name);
		return 2;
	}
	return 0;
}

/* Prints a detector's error on one line, naming the flag it concerns. */
static void ts_detect_error(const char *name, const struct ts_args *a, const struct ts_error *e)
{
	char flag[40] = "";
	if (e->column[0] && strcmp(e->column, "count") != 0) {
		snprintf(flag, sizeof flag, "--%s", e->column);
		for (char *c = flag; *c; c++)
			if (*c == '_')
				*c = '-';
	}
	if (strcmp(e->column, "from") == 0 && a->from == 0)
		flag[0] = '\0'; /* the default --from: the series itself is too short */
	fprintf(stderr, "trellis analyze %s: %s%s%s\n", name, flag, flag[0] ? ": " : "",
		e->message[0] ? e->message : "invalid input");
}

static int ts_analyze(enum ts_method m, const char *name, const struct ts_args *a)
{
	char *buf = NULL;
	size_t len = 0;
	struct ts_csv t;
	struct ts_error err = {0};
	if (ts_input_read(a->input, &buf, &len) != 0) {
		fprintf(stderr,
			"trellis analyze %s: %s: cannot read the input (missing, "
			"unreadable or over %zu MiB)\n",
			name, a->input, TS_INPUT_MAX >> 20);
		return 2;
	}
	int rc = ts_csv_read(buf, len, &t, &err);
	free(buf);
	if (rc != TR_OK) {
		fprintf(stderr, "trellis analyze %s: %s: %s\n", name, a->input, err.message);
		return 2;
	}
	size_t from = a->from ? (size_t)a->from - 1 : ts_min_from(m, a);
	struct ts_point *p = calloc(t.n, sizeof *p);
	if (!p) {
		ts_csv_free(&t);
		fprintf(stderr, "trellis analyze %s: out of memory\n", name);
		return 2;
	}
	rc = ts_detect(m, a, &t, from, p, &err);
	int status = 0;
	if (rc != TR_OK) {
		ts_detect_error(name, a, &err);
		status = 2;
	} else if (ts_output(&t, from, p, stdout) != 0) {
		fprintf(stderr, "trellis analyze %s: cannot write the output\n", name);
		status = 2;
	}
	free(p);
	ts_csv_free(&t);
	return status;
}

int cli_analyze_ts(int argc, char **argv)
{
	static const struct {
		const char *name;
		const struct ts_flag *flags;
		const char *usage;
	} methods[] = {
	    [TS_EARS] = {"ears", ears_flags, ears_usage},
	    [TS_FARRINGTON] = {"farrington", far_flags, far_usage},
	    [TS_CUSUM] = {"cusum", cusum_flags, cusum_usage},
	};
	struct ts_args a = {
	    .choice_ears_method = -1,
	    .choice_powertrans = -1,
	    .choice_threshold = -1,
	    .choice_trans = -1,
	};
	ears_opts_default(&a.ears, EARS_C1);
	far_opts_default(&a.far);
	cusum_opts_default(&a.cusum);
	for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
		if (strcmp(argv[0], methods[m].name) != 0)
			continue;
		int rc = ts_args_parse(argc, argv, methods[m].flags, &a);
		if (rc == 0 && a.help) {
			fputs(methods[m].usage, stdout);
			fputs(common_usage, stdout);
			return 0;
		}
		if (rc == 0)
			rc = ts_args_finish((enum ts_method)m, &a, argv[0]);
		return rc ? rc : ts_analyze((enum ts_method)m, argv[0], &a);
	}
	fprintf(stderr, "trellis analyze: unknown time-series method '%s'\n", argv[0]);
	return 2;
}
