/** The ends of a record's write transaction that audit it: above the audit
 * log, which row.h is below (audit.c reads its rows through row.h). */
#ifndef TR_DOMAIN_ROW_TX_H
#define TR_DOMAIN_ROW_TX_H

#include "db/db.h"
#include "domain/acl.h"

#include <jansson.h>
#include <stdint.h>

/** The end of a create of the record rec of the resource type with id (rec
 * released here): its audit entry by who when rc is TR_OK, then
 * db_end. */
int row_create_end(struct db_conn *c, const struct caller *who, const char *type, const char *id,
		   const char *request_id, int64_t now, json_t *rec, int rc);

#endif
