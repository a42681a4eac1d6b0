/* `trellis detect`: one run of the early-warning detection (the same as
 * the scheduler of `trellis serve`), with a summary on stdout. */
#include "cli/cli.h"
#include "cli/common.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "domain/analytics_q.h"
#include "domain/signal.h"

#include <getopt.h>
#include <stdio.h>

static const char detect_usage[] =
    "usage: trellis detect [--db URL] [--at TIME]\n"
    "Runs the early-warning detection once: EARS C3 (and Farrington flexible when\n"
    "five years of history exist) on the weekly counts of every country, source\n"
    "(alerts, sightings, tips) and category, significant hot spots (Gi*, BH) and\n"
    "space-time clusters (scan, 999 replications, BH) of the latest week, over all\n"
    "records; never from fewer than 3 records. A signal is stored for each\n"
    "organisation responsible for the area (police by declared area, else the\n"
    "country's) when the latest week alarms, one per place and week whatever the\n"
    "method; signals of earlier weeks not continued are closed.\n"
    "  --at TIME  evaluate as if it were TIME (RFC 3339; default now)\n";

int cli_detect(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"at", required_argument, 0, 'a'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *dbflag = NULL;
	int64_t at = tr_now_ms();
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd') {
			dbflag = optarg;
		} else if (c == 'a') {
			if (tr_time_parse(optarg, &at)) {
				fprintf(stderr, "trellis detect: --at: bad time '%s'\n", optarg);
				return 2;
			}
		} else if (c == 'h') {
			fputs(detect_usage, stdout);
			return 0;
		} else {
			fputs(detect_usage, stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "trellis detect: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	char home[4096];
	struct db *db;
	if (cli_home(home, sizeof(home)) || cli_db_open(cli_db_url(dbflag), 1, home, &db, 1))
		return 2;
	struct db_conn *conn = db_acquire(db);
	struct signal_run run;
	int rc = signal_detect(conn, at, aq_tips_present(conn), &run);
	if (rc)
		fprintf(stderr, "trellis detect: %s: %s\n", tr_strerror(rc), db_errmsg(conn));
	db_release(conn);
	db_close(db);
	if (rc)
		return 1;
	printf("{\"series\":%d,\"alarms\":%d,\"created\":%d,\"continued\":%d,\"refreshed\":%d,"
	       "\"skipped\":%d,\"hotspots\":%d,\"clusters\":%d,\"closed\":%d}\n",
	       run.series, run.alarms, run.created, run.continued, run.refreshed, run.skipped,
	       run.hotspots, run.clusters, run.closed);
	return 0;
}
