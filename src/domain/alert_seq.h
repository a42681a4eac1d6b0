/** The change number of alerts, stamped on every write (below the alert
 * module, the read model and sharing groups, which all change alerts). */
#ifndef TR_DOMAIN_ALERT_SEQ_H
#define TR_DOMAIN_ALERT_SEQ_H

#include "db/db.h"

/** Stamps alert id with the next change number (alert_seq): the read
 * models and the federation feed see it as changed. */
int alert_seq_stamp(struct db_conn *c, const char *id);

#endif
