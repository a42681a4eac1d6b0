/* trellis user add, token create, org add, audit verify: for the first
 * administrator and for scripts. */
#include "cli/cli.h"
#include "cli/common.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/org.h"
#include "domain/user.h"

#include <getopt.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int open_db(const char *dbflag, struct db **db)
{
	char home[4096];
	return cli_home(home, sizeof(home)) || cli_db_open(cli_db_url(dbflag), 1, home, db, 1) ? 2
											       : 0;
}

static const char user_usage[] =
    "usage: trellis user add --email E --name N --org ORG --role ROLE [--password-stdin] [--db "
    "URL]\n"
    "  ORG is an organisation id or a seeded key such as osce-spmu;\n"
    "  ROLE is admin, org_admin, analyst, officer, partner or viewer;\n"
    "  --password-stdin reads the password (at least 12 characters) from standard input.\n";

static int read_password(char *out, size_t n)
{
	if (!fgets(out, (int)n, stdin))
		return -1;
	out[strcspn(out, "\r\n")] = '\0';
	return strlen(out) >= 12 ? 0 : -1;
}

int cli_user(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"email", required_argument, 0, 'e'},    {"name", required_argument, 0, 'n'},
	    {"org", required_argument, 0, 'o'},	     {"role", required_argument, 0, 'r'},
	    {"password-stdin", no_argument, 0, 'p'}, {"db", required_argument, 0, 'd'},
	    {"help", no_argument, 0, 'h'},	     {0, 0, 0, 0}};
	const char *email = NULL, *name = NULL, *org = NULL, *role = NULL, *dbflag = NULL;
	int c, pw = 0;
	if (argc < 2 || strcmp(argv[1], "add") != 0) {
		int help = argc >= 2 && (strcmp(argv[1], "--help") == 0);
		fputs(user_usage, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			email = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'o':
			org = optarg;
			break;
		case 'r':
			role = optarg;
			break;
		case 'p':
			pw = 1;
			break;
		case 'd':
			dbflag = optarg;
			break;
		case 'h':
			fputs(user_usage, stdout);
			return 0;
		default:
			fputs(user_usage, stderr);
			return 2;
		}
	}
	if (!email || !name || !org || !role || !strchr(email, '@')) {
		fputs("trellis user add: --email, --name, --org and --role are required\n", stderr);
		return 2;
	}
	if (role_parse(role) < 0) {
		fprintf(stderr, "trellis user add: unknown role '%s'\n", role);
		return 2;
	}
	char password[1100] = "";
	if (pw && read_password(password, sizeof(password))) {
		fputs("trellis user add: the password on stdin must be at least 12 characters\n",
		      stderr);
		return 2;
	}
	struct db *db;
	if (open_db(dbflag, &db))
		return 2;
	struct db_conn *conn = db_acquire(db);
	char org_id[37], id[37];
	int rc = org_resolve(conn, org, org_id);
	if (rc)
		fprintf(stderr, "trellis user add: no organisation '%s'\n", org);
	else if ((rc = user_add_cli(conn, email, name, org_id, role, pw ? password : NULL, id)))
		fprintf(stderr, "trellis user add: %s\n",
			rc == TR_ERR_CONFLICT ? "that email is already taken" : db_errmsg(conn));
	else
		printf("%s\n", id);
	sodium_memzero(password, sizeof(password));
	db_release(conn);
	db_close(db);
	return rc ? 2 : 0;
}

static const char token_usage[] =
    "usage: trellis token create --email E [--name N] [--expires-days D] [--read-only] [--db URL]\n"
    "  prints a new API token for the user; it is shown only this once.\n";

int cli_token(int argc, char **argv)
{
	static const struct option opts[] = {{"email", required_argument, 0, 'e'},
					     {"name", required_argument, 0, 'n'},
					     {"expires-days", required_argument, 0, 'x'},
					     {"read-only", no_argument, 0, 'r'},
					     {"db", required_argument, 0, 'd'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *email = NULL, *name = "cli", *dbflag = NULL;
	long days = 90;
	int c, ro = 0;
	if (argc < 2 || strcmp(argv[1], "create") != 0) {
		int help = argc >= 2 && strcmp(argv[1], "--help") == 0;
		fputs(token_usage, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'e':
			email = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'r':
			ro = 1;
			break;
		case 'd':
			dbflag = optarg;
			break;
		case 'x':
			days = strtol(optarg, &end, 10);
			if (*end || days < 1 || days > 3660) {
				fprintf(stderr, "trellis token create: bad --expires-days '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'h':
			fputs(token_usage, stdout);
			return 0;
		default:
			fputs(token_usage, stderr);
			return 2;
		}
	}
	if (!email) {
		fputs("trellis token create: --email is required\n", stderr);
		return 2;
	}
	struct db *db;
	if (open_db(dbflag, &db))
		return 2;
	struct db_conn *conn = db_acquire(db);
	char uid[37], id[37], secret[AUTH_SECRET_LEN + 8];
	int64_t now = tr_now_ms();
	int rc = user_find_by_email(conn, email, uid);
	if (rc)
		fprintf(stderr, "trellis token create: no user '%s'\n", email);
	else if ((rc = auth_token_create(conn, NULL, "cli", uid, name, now + days * 86400000LL, ro,
					 now, id, secret)))
		fprintf(stderr, "trellis token create: %s\n", db_errmsg(conn));
	else
		printf("%s\n", secret);
	sodium_memzero(secret, sizeof(secret));
	db_release(conn);
	db_close(db);
	return rc ? 2 : 0;
}

static const char org_usage[] =
    "usage: trellis org add --name N --kind K [--country XX] [--db URL]\n"
    "  prints the new organisation's id; --country is required unless K is\n"
    "  international_organisation.\n";

int cli_org(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"name", required_argument, 0, 'n'},    {"kind", required_argument, 0, 'k'},
	    {"country", required_argument, 0, 'c'}, {"db", required_argument, 0, 'd'},
	    {"help", no_argument, 0, 'h'},	    {0, 0, 0, 0}};
	const char *name = NULL, *kind = NULL, *country = NULL, *dbflag = NULL;
	int c;
	if (argc < 2 || strcmp(argv[1], "add") != 0) {
		int help = argc >= 2 && strcmp(argv[1], "--help") == 0;
		fputs(org_usage, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 'k':
			kind = optarg;
			break;
		case 'c':
			country = optarg;
			break;
		case 'd':
			dbflag = optarg;
			break;
		case 'h':
			fputs(org_usage, stdout);
			return 0;
		default:
			fputs(org_usage, stderr);
			return 2;
		}
	}
	if (!name || !kind) {
		fputs("trellis org add: --name and --kind are required\n", stderr);
		return 2;
	}
	struct db *db;
	if (open_db(dbflag, &db))
		return 2;
	struct db_conn *conn = db_acquire(db);
	char id[37];
	const char *field = NULL;
	int rc = org_add_cli(conn, name, kind, country, id, &field);
	if (rc)
		fprintf(stderr, "trellis org add: %s\n",
			field && strcmp(field, "kind") == 0 ? "unknown --kind"
			: field				    ? "--country is missing or unknown"
							    : db_errmsg(conn));
	else
		printf("%s\n", id);
	db_release(conn);
	db_close(db);
	return rc ? 2 : 0;
}

int cli_audit(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, 0, 'd'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
	const char *dbflag = NULL;
	int c;
	const char *usage = "usage: trellis audit verify [--db URL]\n"
			    "  walks the hash chain: exit 0 with the count verified, exit 1 at\n"
			    "  the first changed, removed or reordered entry.\n";
	if (argc < 2 || strcmp(argv[1], "verify") != 0) {
		int help = argc >= 2 && strcmp(argv[1], "--help") == 0;
		fputs(usage, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		if (c == 'd')
			dbflag = optarg;
		else {
			fputs(usage, c == 'h' ? stdout : stderr);
			return c == 'h' ? 0 : 2;
		}
	}
	struct db *db;
	if (open_db(dbflag, &db))
		return 2;
	struct db_conn *conn = db_acquire(db);
	int64_t count = 0, broken = 0;
	char why[200] = "";
	int rc = audit_verify(conn, &count, &broken, why, sizeof(why));
	if (rc == TR_OK)
		printf("audit log verified: %" PRId64 " entries\n", count);
	else if (rc == TR_ERR_CONFLICT)
		printf("audit log broken at entry %" PRId64 ": %s (%" PRId64
		       " verified before it)\n",
		       broken, why, count);
	else
		fprintf(stderr, "trellis audit verify: %s\n", db_errmsg(conn));
	db_release(conn);
	db_close(db);
	return rc == TR_OK ? 0 : rc == TR_ERR_CONFLICT ? 1 : 2;
}
