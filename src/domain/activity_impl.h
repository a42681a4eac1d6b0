/** Inside the activities module: the reading of the table that
 * activity.c shares with the overlaps (activity_overlap.c) and the gaps
 * (activity_gaps.c). */
#ifndef TR_DOMAIN_ACTIVITY_IMPL_H
#define TR_DOMAIN_ACTIVITY_IMPL_H

#include "db/db.h"

#include <jansson.h>
#include <stdint.h>

struct query;

/** Starts q as "SELECT <every column> FROM activities a WHERE 1 = 1". */
void activity_select_start(struct query *q);
/** Prepares q and frees it. */
int activity_select_prepare(struct db_conn *c, struct query *q, struct db_stmt **s /* OUT */);
/** The JSON object of a row read by a query of activity_select_start. */
json_t *activity_row_json(struct db_stmt *s);
/** The time of key in a (milliseconds); *has says whether it is set. */
int64_t activity_time_of(json_t *a, const char *key, int *has);

#endif
