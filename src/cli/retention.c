/* `trellis retention run`: erases now the personal fields of referrals
 * closed longer ago than TRELLIS_RETENTION_REFERRAL_DAYS (as the scheduler
 * of `trellis serve` does daily), and `trellis referrals deadlines`: one
 * run of the deadline job (escalate, expire). */
#include "api/app.h"
#include "api/module_referrals.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "domain/referral.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char retention_usage[] =
    "usage: trellis retention run [--db URL] [--at TIME]\n"
    "       trellis referrals deadlines [--db URL] [--at TIME]\n"
    "retention run: erases the personal fields (person, facts, notes) of\n"
    "referrals closed more than TRELLIS_RETENTION_REFERRAL_DAYS days ago\n"
    "(default 365); what identifies no one stays and still counts.\n"
    "referrals deadlines: escalates referrals past a deadline, expires those\n"
    "never answered within 30 days.\n"
    "  --at TIME  run as if it were TIME (RFC 3339; default now)\n";

static int run(int argc, char **argv, const char *name, int deadlines)
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
				fprintf(stderr, "trellis %s: --at: bad time '%s'\n", name, optarg);
				return 2;
			}
		} else if (c == 'h') {
			fputs(retention_usage, stdout);
			return 0;
		} else {
			fputs(retention_usage, stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "trellis %s: unexpected argument '%s'\n", name, argv[optind]);
		return 2;
	}
	struct referrals_config cfg;
	struct app_config ac;
	char err[200], home[4096];
	if (cli_app_config(&ac, err, sizeof(err)) ||
	    referrals_configure(&ac, &cfg, err, sizeof(err))) {
		fprintf(stderr, "trellis %s: %s\n", name, err);
		return 2;
	}
	struct db *db;
	if (cli_home(home, sizeof(home)) || cli_db_open(cli_db_url(dbflag), 1, home, &db, 1))
		return 2;
	struct db_conn *conn = db_acquire(db);
	int a = 0, b = 0;
	int rc = deadlines ? referral_deadlines_run(conn, at, &a, &b)
			   : referral_retention_run(conn, at, cfg.retention_days, &a);
	if (rc)
		fprintf(stderr, "trellis %s: %s: %s\n", name, tr_strerror(rc), db_errmsg(conn));
	db_release(conn);
	db_close(db);
	if (rc)
		return 1;
	if (deadlines)
		printf("{\"escalated\":%d,\"expired\":%d}\n", a, b);
	else
		printf("{\"erased\":%d,\"days\":%d}\n", a, cfg.retention_days);
	return 0;
}

int cli_retention(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "run") != 0) {
		fputs(retention_usage,
		      argc >= 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr);
		return argc >= 2 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	return run(argc - 1, argv + 1, "retention run", 0);
}

int cli_referrals(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "deadlines") != 0) {
		fputs(retention_usage, stderr);
		return 2;
	}
	return run(argc - 1, argv + 1, "referrals deadlines", 1);
}
