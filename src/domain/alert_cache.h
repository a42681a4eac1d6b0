/** The alerts' read model: every alert's access fields, filter fields and
 * rendered JSON held in memory by each server process, so the list and the
 * related alerts are answered without a query per row.
 *
 * Freshness: every write of an alert stamps the row with the next number
 * of alert_seq (alert.c). Each call first reads that number (one indexed
 * read) and, when it moved, loads the rows stamped after the last number
 * seen. A read therefore sees every write committed before it started, by
 * this process, another server process or the CLI.
 *
 * Access: the model applies acl_visible_alert (acl.h), the same rule as the
 * SQL predicate, and a unit test holds the two equal. */
#ifndef TR_DOMAIN_ALERT_CACHE_H
#define TR_DOMAIN_ALERT_CACHE_H

#include "db/db.h"
#include "domain/acl.h"
#include "domain/alert.h"

struct buf;

/** Brings the model of c's pool up to date (loading it on first use). */
int alert_cache_sync(struct db_conn *c);

/** The page alert_list_text would give, written the same way. */
int alert_cache_list(struct db_conn *c, const struct caller *who, const struct alert_filter *f,
		     const char *after, int limit, struct buf *out, char **next_key /* OUT */);

/** Visible alerts related to a visible one, as a JSON array of
 * {"alert", "score", "reasons"}: the newest alerts sharing a substance
 * (score 1 per substance), and those of the same category within
 * distance_km whose observed period comes within `days` (score 0.5 to 1 by
 * distance). Retracted alerts are left out. TR_ERR_NOT_FOUND when the
 * alert is not visible. */
int alert_cache_related(struct db_conn *c, const struct caller *who, const char *id,
			double distance_km, int days, int limit, struct buf *out);

#endif
