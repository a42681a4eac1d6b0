#include "domain/row_versioned.h"
#include "core/err.h"

int row_versioned_begin(struct db_conn *c, const struct caller *who, enum resource res,
			enum action act, const char *id, row_read_fn read, int64_t version,
			json_t **cur)
{
	*cur = NULL;
	if (!acl_role_can(who->role, res, act))
		return TR_ERR_FORBIDDEN;
	int rc = row_update_begin(c, who, id, read, cur);
	if (!rc && (rc = row_version_check(*cur, version))) {
		db_rollback(c);
		json_decref(*cur);
		*cur = NULL;
	}
	return rc;
}
