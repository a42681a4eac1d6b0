/** Column values of the current row as JSON, for the modules that build
 * their records from statements. Each returns a new reference; NULL
 * columns give JSON null. */
#ifndef TR_DOMAIN_ROW_H
#define TR_DOMAIN_ROW_H

#include "db/db.h"

#include <jansson.h>

/** An int64 ms column as an RFC 3339 string. */
json_t *row_time(struct db_stmt *s, int col);
/** A text column as a string. */
json_t *row_text(struct db_stmt *s, int col);
/** A column holding JSON the program wrote; an empty array (or object
 * when object is set) when NULL or unreadable. */
json_t *row_json(struct db_stmt *s, int col, int object);

#endif
