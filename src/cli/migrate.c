#include "cli/cli.h"
#include "cli/common.h"
#include "domain/seed.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

int cli_migrate(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, 0, 'd'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
	const char *dbflag = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd') {
			dbflag = optarg;
		} else if (c == 'h') {
			puts("usage: trellis migrate [--db URL]\n"
			     "Applies the pending schema migrations, each in a transaction.");
			return 0;
		} else {
			fputs("usage: trellis migrate [--db URL]\n", stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "trellis migrate: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	char home[4096];
	struct db *db;
	if (cli_home(home, sizeof(home)) || cli_db_open(cli_db_url(dbflag), 1, home, &db, 0))
		return 2;
	db_close(db);
	puts("schema up to date");
	return 0;
}

int cli_seed(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"reference", no_argument, 0, 'r'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *dbflag = NULL;
	int c, reference = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd') {
			dbflag = optarg;
		} else if (c == 'r') {
			reference = 1;
		} else if (c == 'h') {
			puts("usage: trellis seed --reference [--db URL]\n"
			     "Loads the OSCE participating States, Partners and structures\n"
			     "(idempotent: running it again changes nothing).");
			return 0;
		} else {
			fputs("usage: trellis seed --reference [--db URL]\n", stderr);
			return 2;
		}
	}
	if (!reference || optind < argc) {
		fputs("usage: trellis seed --reference [--db URL]\n", stderr);
		return 2;
	}
	char home[4096], data[4200], err[512] = "";
	struct db *db;
	if (cli_home(home, sizeof(home)) || cli_db_open(cli_db_url(dbflag), 1, home, &db, 0))
		return 2;
	snprintf(data, sizeof(data), "%s/data", home);
	int countries = 0, orgs = 0;
	int rc = seed_reference(db, data, &countries, &orgs, err, sizeof(err));
	db_close(db);
	if (rc) {
		fprintf(stderr, "trellis: %s\n", err);
		return 2;
	}
	printf("seeded %d countries and %d organisations\n", countries, orgs);
	return 0;
}
