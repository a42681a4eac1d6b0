/* `trellis retention run`: erases now the personal fields of referrals
 * closed longer ago than TRELLIS_RETENTION_REFERRAL_DAYS (as the scheduler
 * of `trellis serve` does daily), and `trellis referrals deadlines`: one
 * run of the deadline job (escalate, expire). */
#include "api/app.h"
#include "api/module_referrals.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "core/countof.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "domain/referral.h"

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
	const char *dbflag = NULL, *attext = NULL;
	const struct cli_flag flags[] = {CLI_VALUE("db", dbflag), CLI_VALUE("at", attext)};
	int64_t at;
	int status = cli_flags(argc, argv, flags, N(flags), retention_usage);
	if (status >= 0)
		return status;
	if (cli_at(name, attext, &at) || cli_no_args(name, argc, argv))
		return 2;
	struct referrals_config cfg;
	struct app_config ac;
	char err[200];
	if (cli_app_config(&ac, err, sizeof(err)) ||
	    referrals_configure(&ac, &cfg, err, sizeof(err))) {
		fprintf(stderr, "trellis %s: %s\n", name, err);
		return 2;
	}
	struct db *db;
	struct db_conn *conn;
	if (cli_open(dbflag, &db, &conn))
		return 2;
	int a = 0, b = 0;
	int rc = deadlines ? referral_deadlines_run(conn, at, &a, &b)
			   : referral_retention_run(conn, at, cfg.retention_days, &a);
	if (rc)
		fprintf(stderr, "trellis %s: %s: %s\n", name, tr_strerror(rc), db_errmsg(conn));
	cli_close(db, conn);
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
	static const char *const verbs[] = {"run", NULL};
	int v = cli_verb(argc, argv, verbs, retention_usage);
	if (v < 0)
		return -v - 1;
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
