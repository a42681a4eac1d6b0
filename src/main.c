/* trellis: one program, several subcommands. */
#include "cli/cli.h"
#include "domain/audit.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRELLIS_VERSION "0.1.0"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} commands[] = {
    {"serve", cli_serve, "serve the API and the web app"},
    {"migrate", cli_migrate, "apply pending schema migrations"},
    {"seed", cli_seed, "load reference data (--reference)"},
    {"user", cli_user, "add a user (user add --email ... --password-stdin)"},
    {"token", cli_token, "create an API token for a user (token create --email ...)"},
    {"org", cli_org, "add an organisation (org add --name ... --kind ...)"},
    {"audit", cli_audit,
     "verify the audit log's hash chain, sign checkpoints (audit verify|checkpoint|keygen)"},
    {"import", cli_import,
     "import activities from a CSV file with HXL hashtags (import activities FILE --org ORG)"},
    {"retention", cli_retention, "erase expired personal data now (retention run)"},
    {"referrals", cli_referrals, "run the referral deadline job once (referrals deadlines)"},
    {"notify", cli_notify,
     "run the daily digest or the deadline scheduler once (notify digest|deadlines)"},
    {"detect", cli_detect, "run the early-warning detection once (detect [--db URL])"},
    {"node", cli_node, "print this instance's federation identity (node key)"},
    {"peer", cli_peer, "federation peers (peer add|list|remove)"},
    {"analyze", NULL, "run a detector on a CSV file (ears, farrington, cusum, gistar, stscan)"},
    {"version", NULL, "print the version"},
};

static void usage(FILE *f)
{
	fputs("usage: trellis COMMAND [--help] [OPTIONS]\n\ncommands:\n", f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].help);
}

static int analyze(int argc, char **argv)
{
	static const char *const ts[] = {"ears", "farrington", "cusum"};
	static const char *const sp[] = {"gistar", "stscan"};
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs("usage: trellis analyze ears|farrington|cusum|gistar|stscan [OPTIONS] "
		      "--input FILE\n",
		      argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (size_t i = 0; i < 3; i++)
		if (strcmp(argv[1], ts[i]) == 0)
			return cli_analyze_ts(argc - 1, argv + 1);
	for (size_t i = 0; i < 2; i++)
		if (strcmp(argv[1], sp[i]) == 0)
			return cli_analyze_spatial(argc - 1, argv + 1);
	fprintf(stderr, "trellis analyze: unknown method '%s'\n", argv[1]);
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		printf("trellis %s\n", TRELLIS_VERSION);
		return 0;
	}
	if (sodium_init() < 0) {
		fputs("trellis: libsodium failed to initialise\n", stderr);
		return 1;
	}
	if (strcmp(cmd, "analyze") == 0)
		return analyze(argc - 1, argv + 1);
	char err[160];
	if (audit_key_load(getenv("TRELLIS_AUDIT_KEY"), getenv("TRELLIS_SECRET_KEY"), err,
			   sizeof(err))) {
		fprintf(stderr, "trellis: %s\n", err);
		return 2;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (commands[i].run && strcmp(cmd, commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "trellis: unknown command '%s' (try trellis --help)\n", cmd);
	return 2;
}
