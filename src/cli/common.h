/** What the subcommands share: the database URL and the install root. */
#ifndef TR_CLI_COMMON_H
#define TR_CLI_COMMON_H

#include "db/db.h"

#include <stddef.h>
#include <stdint.h>

/** The database URL: flag value, else $TRELLIS_DB, else sqlite:trellis.db. */
const char *cli_db_url(const char *flag);
/** Finds the install root into home or prints why not; 0 or exit status 2. */
int cli_home(char *home, size_t len);
/** Opens the database and applies pending migrations; prints a one-line
 * error and returns 2 on failure, 0 with *db set on success. */
int cli_db_open(const char *url, int pool, const char *home, struct db **db /* OUT */, int quiet);

/** One flag of a subcommand (--help is every subcommand's): a flag with a
 * value stores it in *value; a switch sets *on to set; a flag with both
 * takes an optional value (--name[=VALUE]) and does both. need: the verbs
 * (bit 1 << the verb's index; ~0u: every one, or the command without a
 * verb) that cannot go without the flag's value. */
struct cli_flag {
	const char *name;
	const char **value;
	int *on;
	int set;
	unsigned need;
};
#define CLI_VALUE(nm, var)                                                                         \
	{                                                                                          \
		nm, &(var), NULL, 0, 0                                                             \
	}
#define CLI_NEED(nm, var, verbs)                                                                   \
	{                                                                                          \
		nm, &(var), NULL, 0, verbs                                                         \
	}
#define CLI_SWITCH(nm, var, v)                                                                     \
	{                                                                                          \
		nm, NULL, &(var), v, 0                                                             \
	}
#define CLI_OPTIONAL(nm, var, given)                                                               \
	{                                                                                          \
		nm, &(var), &(given), 1, 0                                                         \
	}

/** The index of the verb argv[1] in verbs (NULL-terminated), or -1 - the
 * exit status after the usage was printed (0 for --help, on stdout). */
int cli_verb(int argc, char **argv, const char *const *verbs, const char *usage);
/** Reads the flags of argv (argv[0] the command's name) with getopt_long:
 * -1 when read, else the exit status after the usage was printed (0 for
 * --help, on stdout; 2 for a flag not in flags). optind is then the first
 * argument after them. */
int cli_flags(int argc, char **argv, const struct cli_flag *flags, size_t n, const char *usage);
/** cli_verb, then cli_flags on what follows the verb, then the flags the
 * verb needs (when one is missing, one line naming all of them: "trellis
 * CMD VERB: --a and --b are required"): -1 with *verb the verb's index,
 * else the exit status (the usage or that line printed). */
int cli_verb_flags(int argc, char **argv, const char *const *verbs, const struct cli_flag *flags,
		   size_t n, const char *usage, int *verb /* OUT */);
/** 0, or 2 after saying so when argv has arguments left after optind. */
int cli_no_args(const char *name, int argc, char **argv);
/** The time of --at (now when text is NULL): 0, or 2 after saying why. */
int cli_at(const char *name, const char *text, int64_t *at /* OUT */);
/** Opens the database of the flag (cli_db_open, quietly) and takes a
 * connection: 0, or 2 after the error was printed. */
int cli_open(const char *dbflag, struct db **db /* OUT */, struct db_conn **conn /* OUT */);
/** Releases conn and closes db. */
void cli_close(struct db *db, struct db_conn *conn);
/** The integer environment variable name from min to max into *out (def
 * when unset or empty): TR_OK, or TR_ERR_INVALID with err written. */
int cli_env_int(const char *name, int64_t def, int64_t min, int64_t max, int64_t *out, char *err,
		size_t errlen);

#endif
