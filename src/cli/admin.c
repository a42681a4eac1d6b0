/* trellis user add, token create, org add, audit verify|checkpoint|keygen: for the first
 * administrator and for scripts. */
#include "cli/cli.h"
#include "cli/common.h"
#include "core/countof.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/org.h"
#include "domain/user.h"

#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* The end of a command that made one thing: out (its id, a token) on
 * standard output when rc is TR_OK (the failure was told already), the
 * database closed; the exit code. */
static int admin_done(struct db *db, struct db_conn *conn, int rc, const char *out)
{
	if (!rc)
		printf("%s\n", out);
	cli_close(db, conn);
	return rc ? 2 : 0;
}

int cli_user(int argc, char **argv)
{
	static const char *const verbs[] = {"add", NULL};
	const char *email = NULL, *name = NULL, *org = NULL, *role = NULL, *dbflag = NULL;
	int pw = 0;
	const struct cli_flag flags[] = {
	    CLI_NEED("email", email, ~0u),	 CLI_NEED("name", name, ~0u),
	    CLI_NEED("org", org, ~0u),		 CLI_NEED("role", role, ~0u),
	    CLI_SWITCH("password-stdin", pw, 1), CLI_VALUE("db", dbflag),
	};
	int v, status = cli_verb_flags(argc, argv, verbs, flags, N(flags), user_usage, &v);
	if (status >= 0)
		return status;
	/* an address without its @ is told as the flags missing are */
	if (!strchr(email, '@')) {
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
	struct db_conn *conn;
	if (cli_open(dbflag, &db, &conn))
		return 2;
	char org_id[37], id[37];
	int rc = org_resolve(conn, org, org_id);
	if (rc)
		fprintf(stderr, "trellis user add: no organisation '%s'\n", org);
	else if ((rc = user_add_cli(conn, email, name, org_id, role, pw ? password : NULL, id)))
		fprintf(stderr, "trellis user add: %s\n",
			rc == TR_ERR_CONFLICT ? "that email is already taken" : db_errmsg(conn));
	sodium_memzero(password, sizeof(password));
	return admin_done(db, conn, rc, id);
}

static const char token_usage[] =
    "usage: trellis token create --email E [--name N] [--expires-days D] [--read-only] [--db URL]\n"
    "  prints a new API token for the user; it is shown only this once.\n";

int cli_token(int argc, char **argv)
{
	static const char *const verbs[] = {"create", NULL};
	const char *email = NULL, *name = "cli", *dbflag = NULL, *daystext = NULL;
	int ro = 0;
	const struct cli_flag flags[] = {
	    CLI_NEED("email", email, ~0u),
	    CLI_VALUE("name", name),
	    CLI_VALUE("expires-days", daystext),
	    CLI_SWITCH("read-only", ro, 1),
	    CLI_VALUE("db", dbflag),
	};
	int v, status = cli_verb_flags(argc, argv, verbs, flags, N(flags), token_usage, &v);
	if (status >= 0)
		return status;
	char *end;
	long days = daystext ? strtol(daystext, &end, 10) : 90;
	if (daystext && (*end || days < 1 || days > 3660)) {
		fprintf(stderr, "trellis token create: bad --expires-days '%s'\n", daystext);
		return 2;
	}
	struct db *db;
	struct db_conn *conn;
	if (cli_open(dbflag, &db, &conn))
		return 2;
	char uid[37], id[37], secret[AUTH_SECRET_LEN + 8];
	int64_t now = tr_now_ms();
	int rc = auth_user_find_by_email(conn, email, uid);
	if (rc)
		fprintf(stderr, "trellis token create: no user '%s'\n", email);
	else if ((rc = auth_token_create(conn, NULL, "cli", uid, name, now + days * 86400000LL, ro,
					 now, id, secret)))
		fprintf(stderr, "trellis token create: %s\n", db_errmsg(conn));
	rc = admin_done(db, conn, rc, secret);
	sodium_memzero(secret, sizeof(secret));
	return rc;
}

static const char org_usage[] =
    "usage: trellis org add --name N --kind K [--country XX] [--db URL]\n"
    "  prints the new organisation's id; --country is required unless K is\n"
    "  international_organisation.\n";

int cli_org(int argc, char **argv)
{
	static const char *const verbs[] = {"add", NULL};
	const char *name = NULL, *kind = NULL, *country = NULL, *dbflag = NULL;
	const struct cli_flag flags[] = {
	    CLI_NEED("name", name, ~0u),
	    CLI_NEED("kind", kind, ~0u),
	    CLI_VALUE("country", country),
	    CLI_VALUE("db", dbflag),
	};
	int v, status = cli_verb_flags(argc, argv, verbs, flags, N(flags), org_usage, &v);
	if (status >= 0)
		return status;
	struct db *db;
	struct db_conn *conn;
	if (cli_open(dbflag, &db, &conn))
		return 2;
	char id[37];
	const char *field = NULL;
	int rc = org_add_cli(conn, name, kind, country, id, &field);
	if (rc)
		fprintf(stderr, "trellis org add: %s\n",
			field && strcmp(field, "kind") == 0 ? "unknown --kind"
			: field				    ? "--country is missing or unknown"
							    : db_errmsg(conn));
	return admin_done(db, conn, rc, id);
}

static const char audit_usage[] =
    "usage: trellis audit verify [--checkpoint FILE] [--public-key HEX] [--db URL]\n"
    "       trellis audit checkpoint --key FILE [--out FILE] [--db URL]\n"
    "       trellis audit keygen --key FILE\n"
    "  verify      walks the hash chain (keyed with TRELLIS_AUDIT_KEY): exit 0 with the\n"
    "              count verified; exit 1 at the first changed, removed or reordered\n"
    "              entry, or when unkeyed entries are not covered by a checkpoint;\n"
    "              --checkpoint FILE also proves that the entry the checkpoint signed\n"
    "              is unchanged and that the log goes on from it; --public-key HEX\n"
    "              requires the checkpoint to be signed by that key\n"
    "  checkpoint  verifies the chain, then writes its head (sequence, hash, time)\n"
    "              signed with the Ed25519 key in FILE, one line of JSON, to --out FILE\n"
    "              (default: standard output); keep it away from the database\n"
    "  keygen      creates the signing key FILE (mode 0600) and prints its public key\n";

/* One line on stderr for a bad flag; always 2. */
static int audit_bad_flag(const char *sub, int c, const char *name, char **argv)
{
	fprintf(stderr, "trellis audit %s: %s '%s%s' (see trellis audit --help)\n", sub,
		c == ':' ? "missing value for" : "unknown option", name ? "--" : "",
		name ? name : argv[optind - 1]);
	return 2;
}

static int audit_read_checkpoint(const char *path, struct audit_checkpoint *cp)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "trellis audit verify: cannot read %s\n", path);
		return 2;
	}
	char text[1024];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	char err[120];
	if (n == sizeof(text) - 1 || audit_checkpoint_parse(text, cp, err, sizeof(err))) {
		printf("audit checkpoint rejected: %s\n",
		       n == sizeof(text) - 1 ? "the checkpoint is too long" : err);
		return 1;
	}
	return 0;
}

static int audit_verify_cmd(struct db_conn *conn, const struct audit_checkpoint *cp)
{
	struct audit_report r;
	int rc = audit_verify(conn, cp, &r);
	if (rc == TR_ERR_INVALID) {
		fprintf(stderr, "trellis audit verify: %s\n", r.why);
		return 2;
	}
	if (rc == TR_ERR_CONFLICT) {
		printf("audit log broken at entry %" PRId64 ": %s (%" PRId64
		       " verified before it)\n",
		       r.broken, r.why, r.count);
		return 1;
	}
	if (rc) {
		fprintf(stderr, "trellis audit verify: %s\n", db_errmsg(conn));
		return 2;
	}
	if (r.unkeyed_last && (!cp || cp->seq < r.unkeyed_last)) {
		printf("audit log unkeyed: entries 1 to %" PRId64 " of %" PRId64
		       " have no keyed link and no checkpoint covers them; anyone who can write "
		       "the database can rewrite them (set TRELLIS_AUDIT_KEY, then run trellis "
		       "audit checkpoint)\n",
		       r.unkeyed_last, r.count);
		return 1;
	}
	printf("audit log verified: %" PRId64 " entries", r.count);
	if (cp) {
		char pk[65];
		sodium_bin2hex(pk, sizeof(pk), cp->pk, sizeof(cp->pk));
		printf("; the checkpoint of entry %" PRId64 " (%s, key %s) holds", cp->seq, cp->at,
		       pk);
	}
	printf("\n");
	return 0;
}

static int audit_checkpoint_cmd(struct db_conn *conn, const char *keyfile, const char *out)
{
	unsigned char sk[64];
	int rc = audit_signing_key_read(keyfile, sk);
	if (rc) {
		fprintf(stderr, "trellis audit checkpoint: %s %s\n",
			rc == TR_ERR_IO ? "cannot read" : "no 64 hexadecimal characters in",
			keyfile);
		return 2;
	}
	struct audit_report r;
	rc = audit_verify(conn, NULL, &r);
	if (rc) {
		sodium_memzero(sk, sizeof(sk));
		if (rc == TR_ERR_CONFLICT)
			printf("audit log broken at entry %" PRId64 ": %s; no checkpoint written\n",
			       r.broken, r.why);
		else
			fprintf(stderr, "trellis audit checkpoint: %s\n",
				rc == TR_ERR_INVALID ? r.why : db_errmsg(conn));
		return rc == TR_ERR_CONFLICT ? 1 : 2;
	}
	struct audit_checkpoint cp;
	audit_checkpoint_sign(r.count, r.head, tr_now_ms(), sk, &cp);
	sodium_memzero(sk, sizeof(sk));
	char line[400];
	audit_checkpoint_format(&cp, line, sizeof(line));
	FILE *f = out ? fopen(out, "wb") : stdout;
	if (!f || fputs(line, f) < 0 || (out ? fclose(f) : fflush(f)) != 0) {
		fprintf(stderr, "trellis audit checkpoint: cannot write %s\n",
			out ? out : "standard output");
		return 2;
	}
	if (r.unkeyed_last)
		fprintf(stderr,
			"trellis audit checkpoint: entries 1 to %" PRId64
			" are unkeyed; this checkpoint vouches for them as they are now\n",
			r.unkeyed_last);
	if (out)
		printf("checkpoint of entry %" PRId64 " written to %s\n", r.count, out);
	return 0;
}

static int audit_keygen_cmd(const char *keyfile)
{
	unsigned char seed[32], pk[32], sk[64];
	char hex[65];
	int fd = open(keyfile, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		fprintf(stderr, "trellis audit keygen: cannot create %s (it must not exist)\n",
			keyfile);
		return 2;
	}
	randombytes_buf(seed, sizeof(seed));
	crypto_sign_seed_keypair(pk, sk, seed);
	sodium_bin2hex(hex, sizeof(hex), seed, sizeof(seed));
	hex[64] = '\n';
	int ok = write(fd, hex, 65) == 65;
	ok = close(fd) == 0 && ok;
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(hex, sizeof(hex));
	if (!ok) {
		fprintf(stderr, "trellis audit keygen: cannot write %s\n", keyfile);
		unlink(keyfile);
		return 2;
	}
	sodium_bin2hex(hex, sizeof(hex), pk, sizeof(pk));
	printf("%s\n", hex);
	return 0;
}

static const char *const subs[] = {"verify", "checkpoint", "keygen"};

/* The subcommand's index in subs, or -1 - the exit code (help or an
 * error, said). */
static int audit_sub(int argc, char **argv)
{
	for (int i = 0; argc >= 2 && i < 3; i++)
		if (strcmp(argv[1], subs[i]) == 0)
			return i;
	int help = argc >= 2 && strcmp(argv[1], "--help") == 0;
	if (help)
		fputs(audit_usage, stdout);
	else
		fprintf(stderr, "trellis audit: %s (see trellis audit --help)\n",
			argc < 2 ? "verify, checkpoint or keygen is missing"
				 : "unknown subcommand");
	return help ? -1 : -3;
}

int cli_audit(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"checkpoint", required_argument, 0, 'c'},
					     {"public-key", required_argument, 0, 'p'},
					     {"key", required_argument, 0, 'k'},
					     {"out", required_argument, 0, 'o'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	/* the flags each subcommand takes */
	static const char *const takes[] = {"dcp", "dko", "k"};
	int sub = audit_sub(argc, argv);
	if (sub < 0)
		return -sub - 1;
	const char *dbflag = NULL, *cpfile = NULL, *pkhex = NULL, *keyfile = NULL, *out = NULL;
	int c, li = -1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc - 1, argv + 1, ":", opts, &li)) != -1) {
		if (c == 'h') {
			fputs(audit_usage, stdout);
			return 0;
		}
		if (c == '?' || c == ':' || !strchr(takes[sub], c))
			return audit_bad_flag(
			    subs[sub], c, c == '?' || c == ':' ? NULL : opts[li].name, argv + 1);
		*(c == 'd'   ? &dbflag
		  : c == 'c' ? &cpfile
		  : c == 'p' ? &pkhex
		  : c == 'k' ? &keyfile
			     : &out) = optarg;
	}
	if (optind < argc - 1) {
		fprintf(stderr, "trellis audit %s: unexpected argument '%s'\n", subs[sub],
			argv[optind + 1]);
		return 2;
	}
	unsigned char pin[32];
	if (pkhex && (strlen(pkhex) != 64 ||
		      sodium_hex2bin(pin, sizeof(pin), pkhex, 64, NULL, NULL, NULL) != 0)) {
		fprintf(stderr, "trellis audit verify: --public-key must be 64 hexadecimal "
				"characters\n");
		return 2;
	}
	if (sub > 0 && !keyfile) {
		fprintf(stderr, "trellis audit %s: --key FILE is missing\n", subs[sub]);
		return 2;
	}
	if (sub == 2)
		return audit_keygen_cmd(keyfile);
	struct audit_checkpoint cp;
	int status = cpfile ? audit_read_checkpoint(cpfile, &cp) : 0;
	if (status)
		return status;
	if (pkhex && !cpfile) {
		fprintf(stderr, "trellis audit verify: --public-key needs --checkpoint\n");
		return 2;
	}
	if (pkhex && sodium_memcmp(pin, cp.pk, sizeof(pin)) != 0) {
		printf("audit checkpoint rejected: it is signed by another key\n");
		return 1;
	}
	struct db *db;
	struct db_conn *conn;
	if (cli_open(dbflag, &db, &conn))
		return 2;
	status = sub == 0 ? audit_verify_cmd(conn, cpfile ? &cp : NULL)
			  : audit_checkpoint_cmd(conn, keyfile, out);
	cli_close(db, conn);
	return status;
}
