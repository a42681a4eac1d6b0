#include "domain/notify_tip.h"
#include "core/err.h"
#include "domain/notify.h"
#include "domain/webhook.h"

#include <stdio.h>

int notify_tip_routed(struct db_conn *c, const char *tip_id, const char *org_id, int64_t now)
{
	int rc = notify_inbox_org(c, org_id, 0, "tip_routed", "tip", tip_id, NULL, now);
	return rc ? rc : webhook_tip(c, org_id, now);
}

/* The tip's assignee and receiving organisation. */
static int tip_handlers(struct db_conn *c, const char *tip_id, char org[37], char user[37])
{
	struct db_stmt *s;
	int rc = db_row_text(
	    c, "SELECT org_id, assigned_user_id FROM tips " DB_ACL_EXEMPT " WHERE id = ?", tip_id,
	    &s);
	if (rc)
		return rc;
	snprintf(org, 37, "%s", db_col_text(s, 0));
	snprintf(user, 37, "%s", db_col_is_null(s, 1) ? "" : db_col_text(s, 1));
	db_done(s);
	return TR_OK;
}

int notify_tip_sender_message(struct db_conn *c, const char *tip_id, int64_t now)
{
	char org[37], user[37];
	int rc = tip_handlers(c, tip_id, org, user);
	if (rc)
		return rc;
	rc = webhook_tip(c, org, now);
	if (rc)
		return rc;
	if (user[0])
		return notify_inbox_add(c, user, "tip_message", "tip", tip_id, NULL, now);
	return notify_inbox_org(c, org, 0, "tip_message", "tip", tip_id, NULL, now);
}

int notify_tip_assigned(struct db_conn *c, const char *tip_id, const char *user_id, int64_t now)
{
	return notify_inbox_add(c, user_id, "tip_assigned", "tip", tip_id, NULL, now);
}
