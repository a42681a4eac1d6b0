/** The ends of a record's write transaction that audit it: above the audit
 * log, which row.h is below (audit.c reads its rows through row.h). */
#ifndef TR_DOMAIN_ROW_TX_H
#define TR_DOMAIN_ROW_TX_H

#include "db/db.h"
#include "domain/acl.h"

#include <jansson.h>
#include <stdint.h>

/** The end of a write of the record id of the resource type: when rc is
 * TR_OK, the audit entry of who's action with detail (JSON text, or NULL);
 * then rec (may be NULL) released and db_end. */
int row_audit_end(struct db_conn *c, const struct caller *who, const char *action, const char *type,
		  const char *id, const char *request_id, const char *detail, int64_t now,
		  json_t *rec, int rc);

#endif
