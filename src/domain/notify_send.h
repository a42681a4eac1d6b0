/** The sender side of the mail outbox: claims due messages, writes each in
 * its recipient's language from what the recipient may see at that moment
 * (alert_get with the recipient as caller), sends it through SMTP and marks
 * it sent only after the server accepted it. A message whose record the
 * recipient can no longer see is dropped, never sent. */
#ifndef TR_DOMAIN_NOTIFY_SEND_H
#define TR_DOMAIN_NOTIFY_SEND_H

#include "core/smtp.h"
#include "db/db.h"

#include <stdint.h>

struct notify_send_stats {
	int sent, dropped, failed, retried;
};

/** Sends up to max due messages at time now. Stops early when the server is
 * unreachable (the rest wait for their retry). Returns TR_OK or a database
 * error; *st is added to. */
int notify_send_due(struct db_conn *c, struct smtp *smtp, int64_t now, int max,
		    struct notify_send_stats *st /* OUT */);

#endif
