/* `trellis detect`: one run of the early-warning detection (the same as
 * the scheduler of `trellis serve`), with a summary on stdout. */
#include "cli/cli.h"
#include "cli/common.h"
#include "core/countof.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "domain/analytics_q.h"
#include "domain/signal.h"

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
	const char *dbflag = NULL, *attext = NULL;
	const struct cli_flag flags[] = {CLI_VALUE("db", dbflag), CLI_VALUE("at", attext)};
	int64_t at;
	struct db *db;
	struct db_conn *conn;
	int status = cli_flags(argc, argv, flags, N(flags), detect_usage);
	if (status >= 0)
		return status;
	if (cli_at("detect", attext, &at) || cli_no_args("detect", argc, argv) ||
	    cli_open(dbflag, &db, &conn))
		return 2;
	struct signal_run run;
	int rc = signal_detect(conn, at, aq_tips_present(conn), &run);
	if (rc)
		fprintf(stderr, "trellis detect: %s: %s\n", tr_strerror(rc), db_errmsg(conn));
	cli_close(db, conn);
	if (rc)
		return 1;
	printf("{\"series\":%d,\"alarms\":%d,\"created\":%d,\"continued\":%d,\"refreshed\":%d,"
	       "\"skipped\":%d,\"hotspots\":%d,\"clusters\":%d,\"closed\":%d}\n",
	       run.series, run.alarms, run.created, run.continued, run.refreshed, run.skipped,
	       run.hotspots, run.clusters, run.closed);
	return 0;
}
