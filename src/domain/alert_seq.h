/** The change number of alerts, stamped on every write (below the alert
 * module, the read model and sharing groups, which all change alerts). */
#ifndef TR_DOMAIN_ALERT_SEQ_H
#define TR_DOMAIN_ALERT_SEQ_H

#include "db/db.h"

/** Stamps alert id with the next change number (alert_seq): the read
 * models and the federation feed see it as changed. */
int alert_seq_stamp(struct db_conn *c, const char *id);
/** Stamps every alert of a sharing group, after its members changed: the
 * federation feed then sends them to the node of a new member (what the
 * group already holds) and a tombstone to a node that has none left. */
int alert_seq_stamp_group(struct db_conn *c, const char *group_id);

#endif
