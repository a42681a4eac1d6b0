#include "domain/row_tx.h"
#include "domain/audit.h"

int row_audit_end(struct db_conn *c, const struct caller *who, const char *action, const char *type,
		  const char *id, const char *request_id, const char *detail, int64_t now,
		  json_t *rec, int rc)
{
	struct audit_entry e = {who->user_id, who->org_id, action, type,
				id,	      request_id,  NULL,   detail};
	if (!rc)
		rc = audit_append(c, &e, now);
	json_decref(rec);
	return db_end(c, rc);
}
