/** The deadline scheduler of notifications: tips, referrals and actions
 * whose deadline comes near or has passed (above the modules it reads). */
#ifndef TR_DOMAIN_NOTIFY_DEADLINE_H
#define TR_DOMAIN_NOTIFY_DEADLINE_H

#include "db/db.h"

#include <stdint.h>

/** The deadline scheduler at time now: an inbox item for the assignee (or
 * the receiving organisation) of every tip not acknowledged whose
 * deadline falls within 24 hours, and for one past it the organisation's
 * org_admins too (escalation); the same for referrals not acknowledged or
 * not yet in first contact (the receiving organisation's users who may
 * see it, its org_admins once passed), the referring officer told of a
 * referral that expired in the last 7 days; actions overdue or due within 7
 * days to the users of their owner organisation who may see them. Each
 * item is raised once (dedupe keys). *raised gets how many records. */
int notify_deadlines_run(struct db_conn *c, int64_t now, int *raised /* OUT */);

#endif
