#include "domain/row_tx.h"
#include "domain/audit.h"

int row_create_end(struct db_conn *c, const struct caller *who, const char *type, const char *id,
		   const char *request_id, int64_t now, json_t *rec, int rc)
{
	if (!rc)
		rc = audit_by(c, who, "create", type, id, request_id, now);
	json_decref(rec);
	return db_end(c, rc);
}
