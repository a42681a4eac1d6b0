/** Webhook delivery (above the modules whose records it sends). */
#ifndef TR_DOMAIN_WEBHOOK_SEND_H
#define TR_DOMAIN_WEBHOOK_SEND_H

#include "db/db.h"

#include <stdint.h>

/** Sends up to max due deliveries at time now; *sent gets how many were
 * attempted. */
int webhook_send_due(struct db_conn *c, int64_t now, int max, int *sent /* OUT */);

#endif
