/** Reference data: the OSCE countries and structures, loaded idempotently. */
#ifndef TR_DOMAIN_SEED_H
#define TR_DOMAIN_SEED_H

#include "db/db.h"

#include <stddef.h>

/** Loads data_dir/osce_countries.csv and data_dir/osce_structures.csv in
 * one transaction; running it again changes nothing. Reports counts in
 * *countries and *orgs; on failure writes a one-line reason to err. */
int seed_reference(struct db *db, const char *data_dir, int *countries, int *orgs, char *err,
		   size_t errlen);

#endif
