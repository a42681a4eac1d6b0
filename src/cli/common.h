/** What the subcommands share: the database URL and the install root. */
#ifndef TR_CLI_COMMON_H
#define TR_CLI_COMMON_H

#include "db/db.h"

#include <stddef.h>

/** The database URL: flag value, else $TRELLIS_DB, else sqlite:trellis.db. */
const char *cli_db_url(const char *flag);
/** Finds the install root into home or prints why not; 0 or exit status 2. */
int cli_home(char *home, size_t len);
/** Opens the database and applies pending migrations; prints a one-line
 * error and returns 2 on failure, 0 with *db set on success. */
int cli_db_open(const char *url, int pool, const char *home, struct db **db /* OUT */, int quiet);

#endif
