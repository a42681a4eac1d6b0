/* trellis import activities FILE.csv --org ORG: a 3W/4W matrix with an HXL
 * hashtag row into the database, all or nothing, with a report naming each
 * bad row and column, and a progress bar when standard error is a
 * terminal. The file is read whole: the API caps bodies at 1 MiB, the
 * command line takes files of any size that fits in memory. */
#include "cli/cli.h"
#include "cli/common.h"
#include "core/err.h"
#include "domain/activity.h"
#include "domain/hxl.h"
#include "domain/org.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: trellis import activities FILE.csv --org ORG [--db URL]\n"
    "  FILE is CSV with an HXL hashtag row (#org, #sector, #activity, #date+start and\n"
    "  #status required); ORG is an organisation id or seeded key, and #org must name it.\n"
    "  Every row is checked; nothing is imported unless all are good.\n";

struct bar {
	const char *what;
	int last;
};

static void bar_show(void *ctx, long done, long total)
{
	struct bar *b = ctx;
	int pct = total > 0 ? (int)(100.0 * (double)done / (double)total) : 100;
	if (pct == b->last)
		return;
	b->last = pct;
	char fill[41];
	int n = pct * 40 / 100;
	memset(fill, '#', (size_t)n);
	memset(fill + n, '.', (size_t)(40 - n));
	fill[40] = 0;
	fprintf(stderr, "\r%-9s [%s] %3d%%", b->what, fill, pct);
	if (pct == 100)
		fputc('\n', stderr);
	fflush(stderr);
}

static char *file_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 20, n = 0;
	char *data = malloc(cap);
	size_t got;
	while (data && (got = fread(data + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n + 1 == cap) {
			char *more = realloc(data, cap * 2);
			if (!more)
				free(data);
			data = more;
			cap *= 2;
		}
	}
	int bad = ferror(f);
	fclose(f);
	if (bad || !data) {
		free(data);
		return NULL;
	}
	data[n] = 0;
	*len = n;
	return data;
}

static int import_row(void *im, json_t *row)
{
	return activity_import_row(im, row);
}

static void report_print(const struct activity_import_report *rep)
{
	for (int i = 0; i < rep->nerrors; i++) {
		const struct activity_import_error *e = &rep->errors[i];
		if (e->row)
			fprintf(stderr, "row %ld, %s: %s\n", e->row, e->column, e->message);
		else
			fprintf(stderr, "%s: %s\n", e->column, e->message);
	}
	if (rep->errors_total > rep->nerrors)
		fprintf(stderr, "... and %ld more\n", rep->errors_total - rep->nerrors);
	fprintf(stderr, "trellis import: %ld problem(s) in %ld data row(s); nothing was imported\n",
		rep->errors_total, rep->rows);
}

static int run(struct db *db, const char *path, const char *org_flag)
{
	size_t len = 0;
	char *data = file_read(path, &len);
	if (!data) {
		fprintf(stderr, "trellis import: cannot read %s\n", path);
		return 2;
	}
	struct db_conn *c = db_acquire(db);
	struct caller who = {.role = ROLE_ADMIN};
	json_t *org = NULL;
	int rc = org_resolve(c, org_flag, who.org_id);
	if (rc) {
		fprintf(stderr, "trellis import: no organisation %s\n", org_flag);
		db_release(c);
		free(data);
		return 2;
	}
	if (!(rc = org_get(c, &who, who.org_id, &org))) {
		const char *country = json_string_value(json_object_get(org, "country"));
		snprintf(who.country, sizeof(who.country), "%s", country ? country : "");
	}
	struct activity_import_report *rep = calloc(1, sizeof(*rep));
	struct activity_import *im = NULL;
	int tty = isatty(STDERR_FILENO);
	struct bar bar = {"importing", -1};
	if (!rc && !rep)
		rc = TR_ERR_NOMEM;
	if (!rc)
		rc = activity_import_begin(c, &who, NULL, rep, &im);
	if (!rc) {
		rc = hxl_read(data, len, json_string_value(json_object_get(org, "name")),
			      who.country, import_row, im, rep, tty ? bar_show : NULL, &bar);
		rc = activity_import_end(im, rc);
	}
	int status = 0;
	if (rc == TR_ERR_INVALID) {
		report_print(rep);
		status = 1;
	} else if (rc) {
		fprintf(stderr, "trellis import: %s (%s)\n", tr_strerror(rc), db_errmsg(c));
		status = 1;
	} else {
		printf("imported %ld activities\n", rep->imported);
	}
	db_release(c);
	json_decref(org);
	free(rep);
	free(data);
	return status;
}

int cli_import(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"org", required_argument, NULL, 'o'},
	    {"db", required_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	if (argc < 2 || strcmp(argv[1], "activities") != 0) {
		fputs(usage, argc >= 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr);
		return argc >= 2 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	const char *org = NULL, *dbflag = NULL;
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		if (ch == 'o')
			org = optarg;
		else if (ch == 'd')
			dbflag = optarg;
		else {
			fputs(usage, ch == 'h' ? stdout : stderr);
			return ch == 'h' ? 0 : 2;
		}
	}
	if (!org || argc - 1 - optind != 1) {
		fputs(usage, stderr);
		return 2;
	}
	const char *path = argv[1 + optind];
	char home[4096];
	struct db *db;
	if (cli_home(home, sizeof(home)) || cli_db_open(cli_db_url(dbflag), 1, home, &db, 1))
		return 2;
	int status = run(db, path, org);
	db_close(db);
	return status;
}
