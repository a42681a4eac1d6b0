/* trellis node key|trust|list|forget, trellis peer add|list|remove: the
 * federation's setup. */
#include "cli/cli.h"
#include "cli/common.h"
#include "core/countof.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "domain/fed.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char node_usage[] =
    "usage: trellis node key [--db URL]\n"
    "       trellis node trust --node-id ID --public-key KEY [--replace] [--db URL]\n"
    "       trellis node list [--db URL]\n"
    "       trellis node forget NODE_ID [--db URL]\n"
    "  key: prints NODE_ID PUBLIC_KEY of this instance, making its identity on first\n"
    "  use (that needs TRELLIS_SECRET_KEY, which seals the signing key).\n"
    "  The records of a node that is not a peer arrive passed along by peers and\n"
    "  are checked with that node's key: the key its first good record offers is\n"
    "  pinned, unless its operator gave it out of band and it is pinned with\n"
    "  trust first. trust --replace: the node changed its key. list: the pinned\n"
    "  keys (NODE_ID PUBLIC_KEY VIA FIRST_SEEN). forget: unpin a node's key.\n";

/* What the verbs of node and peer are given: their flags' values and the
 * argument after the flags. */
struct fed_args {
	const char *dbflag, *name, *url, *node, *key, *target;
	int replace, pass;
};

/* A verb of node or peer: what it runs on the database (the exit status),
 * and, for a verb that names what it acts on, the line said when the name
 * is missing. */
struct fed_verb {
	const char *name;
	int (*run)(struct db_conn *conn, const struct fed_args *a);
	const char *no_target;
};

#define FED_VERBS_MAX 8

/* Reads the verb and flags of argv into a, then runs the verb on the
 * database of --db: the exit status. */
static int fed_cmd(int argc, char **argv, const struct fed_verb *verbs, size_t n,
		   const struct cli_flag *flags, size_t nflags, const char *usage,
		   struct fed_args *a)
{
	const char *names[FED_VERBS_MAX + 1] = {NULL};
	for (size_t i = 0; i < n && i < FED_VERBS_MAX; i++)
		names[i] = verbs[i].name;
	int v, status = cli_verb_flags(argc, argv, names, flags, nflags, usage, &v);
	if (status >= 0)
		return status;
	a->target = optind < argc - 1 ? argv[optind + 1] : NULL;
	if (verbs[v].no_target && !a->target) {
		fputs(verbs[v].no_target, stderr);
		return 2;
	}
	struct db *db;
	struct db_conn *conn;
	if (cli_open(a->dbflag, &db, &conn))
		return 2;
	status = verbs[v].run(conn, a);
	cli_close(db, conn);
	return status;
}

/* trellis node key: this node's id and public key, made on first use. */
static int node_key(struct db_conn *conn, const struct fed_args *a)
{
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
	return rc ? 2 : 0;
}

static int node_trust(struct db_conn *conn, const struct fed_args *a)
{
	const char *field = NULL;
	int rc = fed_node_trust(conn, a->node, a->key, a->replace, &field);
	if (rc == TR_ERR_INVALID)
		fprintf(stderr, "trellis node trust: bad --%s%s\n", field,
			strcmp(field, "node-id") == 0 ? " (a node id, not this node's)" : "");
	else if (rc == TR_ERR_CONFLICT && strcmp(field, "node-id") == 0)
		fputs("trellis node trust: that node is a peer: its key is its peer entry's\n",
		      stderr);
	else if (rc == TR_ERR_CONFLICT)
		fputs("trellis node trust: that node is pinned to another key; --replace if it "
		      "changed its key\n",
		      stderr);
	else if (rc)
		fprintf(stderr, "trellis node trust: %s\n", db_errmsg(conn));
	return rc ? 2 : 0;
}

static int node_list(struct db_conn *conn, const struct fed_args *a)
{
	json_t *items = NULL;
	if (fed_node_list(conn, &items)) {
		fprintf(stderr, "trellis node list: %s\n", db_errmsg(conn));
		return 2;
	}
	size_t i;
	json_t *n;
	json_array_foreach(items, i, n)
	{
		char at[32];
		tr_time_format(json_integer_value(json_object_get(n, "first_seen_at")), at);
		/* the name last: as a peer passing its records along names it */
		const char *name = json_string_value(json_object_get(n, "name"));
		printf("%s %s %s %s %s\n", json_string_value(json_object_get(n, "node_id")),
		       json_string_value(json_object_get(n, "public_key")),
		       json_string_value(json_object_get(n, "via")), at, name ? name : "-");
	}
	json_decref(items);
	return 0;
}

static int node_forget(struct db_conn *conn, const struct fed_args *a)
{
	int rc = fed_node_forget(conn, a->target);
	if (rc)
		fprintf(stderr, "trellis node forget: %s\n",
			rc == TR_ERR_NOT_FOUND ? "no key is pinned for that node"
					       : db_errmsg(conn));
	return rc ? 2 : 0;
}

int cli_node(int argc, char **argv)
{
	static const struct fed_verb verbs[] = {
	    {"key", node_key, NULL},
	    {"trust", node_trust, NULL},
	    {"list", node_list, NULL},
	    {"forget", node_forget, "trellis node forget: name the node (its id)\n"},
	};
	struct fed_args a = {0};
	const struct cli_flag flags[] = {
	    CLI_NEED("node-id", a.node, 1u << 1 /* trust */),
	    CLI_NEED("public-key", a.key, 1u << 1 /* trust */),
	    CLI_SWITCH("replace", a.replace, 1),
	    CLI_VALUE("db", a.dbflag),
	};
	return fed_cmd(argc, argv, verbs, N(verbs), flags, N(flags), node_usage, &a);
}

static const char peer_usage[] =
    "usage: trellis peer add --name NAME --url URL --node-id ID --public-key KEY\n"
    "                        [--no-pass-along] [--db URL]\n"
    "       trellis peer list [--db URL]\n"
    "       trellis peer remove NAME|NODE_ID [--db URL]\n"
    "  A peer pulls what this instance marks for federation and is pulled from by\n"
    "  `trellis serve`; both sides add each other. --no-pass-along: what comes from\n"
    "  this peer goes to no other peer.\n";

static int peer_list(struct db_conn *conn, const struct fed_args *a)
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

static int peer_add(struct db_conn *conn, const struct fed_args *a)
{
	const char *field = NULL;
	int rc = fed_peer_add(conn, a->name, a->url, a->node, a->key, a->pass, &field);
	if (rc == TR_ERR_INVALID)
		fprintf(stderr, "trellis peer add: bad --%s\n", field);
	else if (rc == TR_ERR_CONFLICT)
		fprintf(stderr, "trellis peer add: that name or node is already a peer\n");
	else if (rc)
		fprintf(stderr, "trellis peer add: %s\n", db_errmsg(conn));
	return rc ? 2 : 0;
}

static int peer_remove(struct db_conn *conn, const struct fed_args *a)
{
	int rc = fed_peer_remove(conn, a->target);
	if (rc)
		fprintf(stderr, "trellis peer remove: %s\n",
			rc == TR_ERR_NOT_FOUND ? "no such peer" : db_errmsg(conn));
	return rc ? 2 : 0;
}

int cli_peer(int argc, char **argv)
{
	static const struct fed_verb verbs[] = {
	    {"add", peer_add, NULL},
	    {"list", peer_list, NULL},
	    {"remove", peer_remove, "trellis peer remove: name the peer (its name or node id)\n"},
	};
	struct fed_args a = {.pass = 1};
	const struct cli_flag flags[] = {
	    CLI_NEED("name", a.name, 1u << 0 /* add */),
	    CLI_NEED("url", a.url, 1u << 0 /* add */),
	    CLI_NEED("node-id", a.node, 1u << 0 /* add */),
	    CLI_NEED("public-key", a.key, 1u << 0 /* add */),
	    CLI_SWITCH("no-pass-along", a.pass, 0),
	    CLI_VALUE("db", a.dbflag),
	};
	return fed_cmd(argc, argv, verbs, N(verbs), flags, N(flags), peer_usage, &a);
}
