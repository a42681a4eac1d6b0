/** The titles of inbox items, read for their reader through each record's
 * own module (above every module an item may name). */
#ifndef TR_DOMAIN_NOTIFY_TITLE_H
#define TR_DOMAIN_NOTIFY_TITLE_H

#include "db/db.h"
#include "domain/acl.h"

#include <jansson.h>

/** Sets "title" on each item of items (from notify_inbox_list): a human
 * name of its record for who (tip reference, alert, proposal, practice or
 * action title, signal place in lang, referral service and date: never a
 * person's data), read now through the record's own visibility rule; null
 * when who can no longer see the record. */
int notify_inbox_titles(struct db_conn *c, const struct caller *who, const char *lang,
			json_t *items);

#endif
