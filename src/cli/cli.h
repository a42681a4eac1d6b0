/** Subcommands of the trellis binary. Each takes the arguments after its
 * own name (argv[0] is the subcommand name) and returns the process exit
 * status: 0 success, 1 a failed check, 2 bad usage or an unusable input. */
#ifndef TR_CLI_CLI_H
#define TR_CLI_CLI_H

#include <stddef.h>

int cli_serve(int argc, char **argv);
int cli_migrate(int argc, char **argv);
int cli_seed(int argc, char **argv);
/** `trellis user add ...`, `token create ...`, `org add ...`, `audit verify`
 * (argv[0] is the command, argv[1] the verb). */
int cli_user(int argc, char **argv);
int cli_token(int argc, char **argv);
int cli_org(int argc, char **argv);
int cli_audit(int argc, char **argv);
/** `trellis import activities FILE.csv --org ORG` (argv[0] is "import"). */
int cli_import(int argc, char **argv);
/** `trellis analyze ears|farrington|cusum ...` (argv[0] is the method). */
int cli_analyze_ts(int argc, char **argv);
/** `trellis analyze gistar|stscan ...` (argv[0] is the method). */
int cli_analyze_spatial(int argc, char **argv);
/** `trellis detect [--db URL] [--at TIME]`: one early-warning detection run. */
int cli_detect(int argc, char **argv);
/** `trellis retention run` and `trellis referrals deadlines` (argv[0] is
 * the command, argv[1] the verb). */
int cli_retention(int argc, char **argv);
int cli_referrals(int argc, char **argv);
/** `trellis node key`, `trellis peer add|list|remove` (federation). */
int cli_node(int argc, char **argv);
int cli_peer(int argc, char **argv);
/** `trellis notify digest|deadlines [--db URL] [--at TIME]`. */
int cli_notify(int argc, char **argv);
struct notify_config;
/** The notifications' settings from the environment (TRELLIS_SMTP_URL,
 * TRELLIS_SMTP_USER, TRELLIS_SMTP_PASSWORD, TRELLIS_MAIL_FROM,
 * TRELLIS_PUBLIC_URL, ...); TR_OK or TR_ERR_INVALID with why in err. */
int cli_notify_config(struct notify_config *cfg, char *err, size_t errlen);
struct app_config;
/** The settings of `trellis serve` from the environment (cli/config.c):
 * TR_OK or TR_ERR_INVALID with the variable and why in err. */
int cli_app_config(struct app_config *cfg, char *err, size_t errlen);

#endif
