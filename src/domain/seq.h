/* The change number: one counter (alert_seq) that every record the read
 * model or the federation feed follows takes its next number from when it
 * is written, in the writer's transaction; and whether a record is a copy
 * of another node's. Below every module that writes such records and the
 * federation that reads them, so that neither depends on the other. */
#ifndef TR_DOMAIN_SEQ_H
#define TR_DOMAIN_SEQ_H

#include "db/db.h"

/** Takes the next change number, for a writer that sets the seq column in
 * its own statement rather than stamping the row after it. */
int seq_next(struct db_conn *c, int64_t *n /* OUT */);

/** Stamps the row of table (read as alias) whose key expression equals id
 * with the next change number. */
int seq_stamp(struct db_conn *c, const char *table, const char *alias, const char *key,
	      const char *id);

/** Stamps every record that names the sharing group group_id (alerts,
 * their comments, proposals, activities), each with its own next change
 * number: after a member joins or leaves, the feed sends the group's
 * records to the new member's node and tombstones to a node with no member
 * left. */
int seq_stamp_group(struct db_conn *c, const char *group_id);

/** Whether the row of table with this id came from another node (its
 * origin_node is set): read-only here, only its origin changes it. */
int seq_is_copy(struct db_conn *c, const char *table, const char *id);

#endif
