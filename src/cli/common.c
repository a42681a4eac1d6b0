#include "cli/common.h"
#include "core/err.h"
#include "core/paths.h"
#include "core/timeutil.h"
#include "domain/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <getopt.h>
#include <string.h>

const char *cli_db_url(const char *flag)
{
	if (flag && *flag)
		return flag;
	const char *env = getenv("TRELLIS_DB");
	return env && *env ? env : "sqlite:trellis.db";
}

int cli_home(char *home, size_t len)
{
	if (tr_home(getenv("TRELLIS_HOME"), home, len)) {
		fprintf(stderr, "trellis: cannot find the install root (db/migrations); set "
				"TRELLIS_HOME\n");
		return 2;
	}
	return 0;
}

int cli_db_open(const char *url, int pool, const char *home, struct db **db, int quiet)
{
	char err[512] = "";
	if (db_open(url, pool, db, err, sizeof(err))) {
		fprintf(stderr, "trellis: %s\n", err);
		return 2;
	}
	char dir[4200];
	snprintf(dir, sizeof(dir), "%s/db/migrations", home);
	int applied = 0;
	if (db_migrate(*db, dir, &applied, err, sizeof(err))) {
		fprintf(stderr, "trellis: %s\n", err);
		db_close(*db);
		*db = NULL;
		return 2;
	}
	/* a link without the key of the newest entry would break the chain */
	struct db_conn *c = db_acquire(*db);
	int rc = audit_key_check(c, err, sizeof(err));
	if (rc && rc != TR_ERR_INVALID)
		snprintf(err, sizeof(err), "cannot read the audit log: %s", db_errmsg(c));
	db_release(c);
	if (rc) {
		fprintf(stderr, "trellis: %s\n", err);
		db_close(*db);
		*db = NULL;
		return 2;
	}
	if (applied && !quiet)
		fprintf(stderr, "trellis: applied %d migration%s\n", applied,
			applied == 1 ? "" : "s");
	return 0;
}

int cli_verb(int argc, char **argv, const char *const *verbs, const char *usage)
{
	for (size_t i = 0; argc >= 2 && verbs[i]; i++)
		if (strcmp(argv[1], verbs[i]) == 0)
			return (int)i;
	int help = argc >= 2 && strcmp(argv[1], "--help") == 0;
	fputs(usage, help ? stdout : stderr);
	return help ? -1 : -3;
}

#define CLI_FLAGS_MAX 16

int cli_flags(int argc, char **argv, const struct cli_flag *flags, size_t n, const char *usage)
{
	struct option opts[CLI_FLAGS_MAX + 2] = {{0}};
	size_t k = n < CLI_FLAGS_MAX ? n : CLI_FLAGS_MAX;
	for (size_t i = 0; i < k; i++)
		opts[i] = (struct option){flags[i].name,
					  !flags[i].value ? no_argument
					  : flags[i].on	  ? optional_argument
							  : required_argument,
					  0, 1000 + (int)i};
	opts[k] = (struct option){"help", no_argument, 0, 'h'};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c < 1000 || c >= 1000 + (int)k) {
			fputs(usage, c == 'h' ? stdout : stderr);
			return c == 'h' ? 0 : 2;
		}
		const struct cli_flag *f = &flags[c - 1000];
		if (f->value)
			*f->value = optarg;
		if (f->on)
			*f->on = f->set;
	}
	return -1;
}

/* -1 when every flag of need (a verb's bit) has its value, else 2 after a
 * line on stderr naming all of them. */
static int cli_need(const char *cmd, const struct cli_flag *flags, size_t n, unsigned need)
{
	size_t all = 0, missing = 0;
	for (size_t i = 0; i < n; i++)
		if (flags[i].need & need) {
			all++;
			missing += !*flags[i].value;
		}
	if (!missing)
		return -1;
	char line[400];
	size_t len = (size_t)snprintf(line, sizeof(line), "trellis %s: ", cmd);
	for (size_t i = 0, k = 0; i < n && len < sizeof(line); i++)
		if (flags[i].need & need) {
			len += (size_t)snprintf(line + len, sizeof(line) - len, "%s--%s",
						k == 0	       ? ""
						: k + 1 == all ? " and "
							       : ", ",
						flags[i].name);
			k++;
		}
	fprintf(stderr, "%s %s required\n", line, all == 1 ? "is" : "are");
	return 2;
}

int cli_verb_flags(int argc, char **argv, const char *const *verbs, const struct cli_flag *flags,
		   size_t n, const char *usage, int *verb)
{
	*verb = cli_verb(argc, argv, verbs, usage);
	if (*verb < 0)
		return -*verb - 1;
	int status = cli_flags(argc - 1, argv + 1, flags, n, usage);
	if (status >= 0)
		return status;
	char cmd[100];
	snprintf(cmd, sizeof(cmd), "%s %s", argv[0], argv[1]);
	return cli_need(cmd, flags, n, 1u << *verb);
}

int cli_no_args(const char *name, int argc, char **argv)
{
	if (optind < argc) {
		fprintf(stderr, "trellis %s: unexpected argument '%s'\n", name, argv[optind]);
		return 2;
	}
	return 0;
}

int cli_at(const char *name, const char *text, int64_t *at)
{
	*at = tr_now_ms();
	if (text && tr_time_parse(text, at)) {
		fprintf(stderr, "trellis %s: --at: bad time '%s'\n", name, text);
		return 2;
	}
	return 0;
}

int cli_open(const char *dbflag, struct db **db, struct db_conn **conn)
{
	char home[4096];
	if (cli_home(home, sizeof(home)) || cli_db_open(cli_db_url(dbflag), 1, home, db, 1))
		return 2;
	*conn = db_acquire(*db);
	return 0;
}

void cli_close(struct db *db, struct db_conn *conn)
{
	db_release(conn);
	db_close(db);
}
