/** Who is told of a tip's events: the inbox items and the webhooks of the
 * receiving organisation (above notify and webhook, below tip). */
#ifndef TR_DOMAIN_NOTIFY_TIP_H
#define TR_DOMAIN_NOTIFY_TIP_H

#include "db/db.h"

#include <stdint.h>

/** Tip events, inside the caller's transaction: a tip routed to org_id;
 * a message from its sender (to the assignee, else the organisation); a
 * tip assigned to user_id. */
int notify_tip_routed(struct db_conn *c, const char *tip_id, const char *org_id, int64_t now);
int notify_tip_sender_message(struct db_conn *c, const char *tip_id, int64_t now);
int notify_tip_assigned(struct db_conn *c, const char *tip_id, const char *user_id, int64_t now);

#endif
