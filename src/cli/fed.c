/* trellis node key, trellis peer add|list|remove: the federation's setup. */
#include "cli/cli.h"
#include "cli/common.h"
#include "core/err.h"
#include "domain/fed.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int open_db(const char *dbflag, struct db **db)
{
	char home[4096];
	return cli_home(home, sizeof(home)) || cli_db_open(cli_db_url(dbflag), 1, home, db, 1) ? 2
											       : 0;
}

static const char node_usage[] =
    "usage: trellis node key [--db URL]\n"
    "  prints NODE_ID PUBLIC_KEY of this instance, making its identity on first use\n"
    "  (that needs TRELLIS_SECRET_KEY, which seals the signing key).\n";

int cli_node(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, 0, 'd'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
	const char *dbflag = NULL;
	if (argc < 2 || strcmp(argv[1], "key") != 0) {
		int help = argc >= 2 && strcmp(argv[1], "--help") == 0;
		fputs(node_usage, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	int c;
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		if (c == 'd') {
			dbflag = optarg;
		} else {
			fputs(node_usage, c == 'h' ? stdout : stderr);
			return c == 'h' ? 0 : 2;
		}
	}
	struct db *db;
	if (open_db(dbflag, &db))
		return 2;
	struct db_conn *conn = db_acquire(db);
	char id[37], pk[65], err[200];
	int rc = fed_node_public(conn, id, pk);
	if (rc == TR_ERR_NOT_FOUND) {
		struct fed_node me;
		rc = fed_node_load(conn, getenv("TRELLIS_SECRET_KEY"), 1, &me, err, sizeof(err));
		sodium_memzero(&me, sizeof(me));
		if (rc)
			fprintf(stderr, "trellis node key: %s\n", err);
		else
			rc = fed_node_public(conn, id, pk);
	}
	if (!rc)
		printf("%s %s\n", id, pk);
	else if (rc != TR_ERR_UNAVAILABLE)
		fprintf(stderr, "trellis node key: %s\n", db_errmsg(conn));
	db_release(conn);
	db_close(db);
	return rc ? 2 : 0;
}

static const char peer_usage[] =
    "usage: trellis peer add --name NAME --url URL --node-id ID --public-key KEY\n"
    "                        [--no-pass-along] [--db URL]\n"
    "       trellis peer list [--db URL]\n"
    "       trellis peer remove NAME|NODE_ID [--db URL]\n"
    "  A peer pulls what this instance marks for federation and is pulled from by\n"
    "  `trellis serve`; both sides add each other. --no-pass-along: what comes from\n"
    "  this peer goes to no other peer.\n";

static int peer_list(struct db_conn *conn)
{
	json_t *items = NULL;
	int rc = fed_peer_list(conn, &items);
	if (rc) {
		fprintf(stderr, "trellis peer list: %s\n", db_errmsg(conn));
		return 2;
	}
	size_t i;
	json_t *p;
	json_array_foreach(items, i, p)
	{
		const char *e = json_string_value(json_object_get(p, "last_error"));
		printf("%s\t%s\t%s\t%s\tcursor=%lld\t%s%s\n",
		       json_string_value(json_object_get(p, "name")),
		       json_string_value(json_object_get(p, "node_id")),
		       json_string_value(json_object_get(p, "url")),
		       json_string_value(json_object_get(p, "status")),
		       (long long)json_integer_value(json_object_get(p, "pull_cursor")),
		       json_is_true(json_object_get(p, "pass_along")) ? "pass-along"
								      : "no-pass-along",
		       e ? "\tlast error: " : "");
		if (e)
			printf("%s\n", e);
	}
	json_decref(items);
	return 0;
}

int cli_peer(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"name", required_argument, 0, 'n'},    {"url", required_argument, 0, 'u'},
	    {"node-id", required_argument, 0, 'i'}, {"public-key", required_argument, 0, 'k'},
	    {"no-pass-along", no_argument, 0, 'P'}, {"db", required_argument, 0, 'd'},
	    {"help", no_argument, 0, 'h'},	    {0, 0, 0, 0}};
	const char *name = NULL, *url = NULL, *node = NULL, *key = NULL, *dbflag = NULL;
	int pass = 1, c;
	const char *verb = argc >= 2 ? argv[1] : "";
	if (strcmp(verb, "add") && strcmp(verb, "list") && strcmp(verb, "remove")) {
		int help = strcmp(verb, "--help") == 0;
		fputs(peer_usage, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 'u':
			url = optarg;
			break;
		case 'i':
			node = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'P':
			pass = 0;
			break;
		case 'd':
			dbflag = optarg;
			break;
		case 'h':
			fputs(peer_usage, stdout);
			return 0;
		default:
			fputs(peer_usage, stderr);
			return 2;
		}
	}
	const char *target = optind < argc - 1 ? argv[optind + 1] : NULL;
	if (strcmp(verb, "remove") == 0 && !target) {
		fputs("trellis peer remove: name the peer (its name or node id)\n", stderr);
		return 2;
	}
	if (strcmp(verb, "add") == 0 && (!name || !url || !node || !key)) {
		fputs("trellis peer add: --name, --url, --node-id and --public-key are required\n",
		      stderr);
		return 2;
	}
	struct db *db;
	if (open_db(dbflag, &db))
		return 2;
	struct db_conn *conn = db_acquire(db);
	int rc = 0;
	if (strcmp(verb, "list") == 0) {
		rc = peer_list(conn);
	} else if (strcmp(verb, "remove") == 0) {
		rc = fed_peer_remove(conn, target);
		if (rc)
			fprintf(stderr, "trellis peer remove: %s\n",
				rc == TR_ERR_NOT_FOUND ? "no such peer" : db_errmsg(conn));
		rc = rc ? 2 : 0;
	} else {
		const char *field = NULL;
		rc = fed_peer_add(conn, name, url, node, key, pass, &field);
		if (rc == TR_ERR_INVALID)
			fprintf(stderr, "trellis peer add: bad --%s\n", field);
		else if (rc == TR_ERR_CONFLICT)
			fprintf(stderr, "trellis peer add: that name or node is already a peer\n");
		else if (rc)
			fprintf(stderr, "trellis peer add: %s\n", db_errmsg(conn));
		rc = rc ? 2 : 0;
	}
	db_release(conn);
	db_close(db);
	return rc;
}
