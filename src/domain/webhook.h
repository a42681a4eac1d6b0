/** Webhooks: an organisation's HTTP endpoints told of events it may see.
 * An event is queued in the transaction that causes it (webhook_alert,
 * webhook_tip); the notify thread sends due deliveries (webhook_send_due)
 * as a JSON POST signed with the webhook's secret, retries with
 * exponential backoff and disables a webhook after WEBHOOK_FAILURES_MAX
 * failures in a row, telling its organisation's org_admins in the inbox.
 * Loopback, private and link-local targets are refused at registration and
 * at delivery unless their host:port is allowed by the configuration. */
#ifndef TR_DOMAIN_WEBHOOK_H
#define TR_DOMAIN_WEBHOOK_H

#include "db/db.h"
#include "domain/acl.h"

#include <jansson.h>
#include <stdint.h>

#define WEBHOOK_FAILURES_MAX 8

/** Event types one may register for. */
extern const char *const webhook_events[]; /* alert.published, alert.updated, tip.new */

/** Registers a webhook for who's organisation; *secret gets the signing
 * secret (malloc'd), shown once. */
int webhook_create(struct db_conn *c, const struct caller *who, json_t *body,
		   const char *request_id, char id[37] /* OUT */, char **secret /* OUT */,
		   const char **field /* OUT */);
int webhook_get(struct db_conn *c, const struct caller *who, const char *id,
		json_t **out /* OUT */);
int webhook_list(struct db_conn *c, const struct caller *who, const char *after, int limit,
		 json_t *items, int *more /* OUT */);
/** PATCH: active (true re-enables and clears the failure count). */
int webhook_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		   int64_t version, const char *request_id, const char **field /* OUT */);
int webhook_delete(struct db_conn *c, const struct caller *who, const char *id,
		   const char *request_id);
/** The attempts of webhook id, newest first. */
int webhook_attempts(struct db_conn *c, const struct caller *who, const char *id, const char *after,
		     int limit, json_t *items, int *more /* OUT */);

/** Whether url may be a webhook target: http or https, and every address
 * of its host public unless host:port is allowed. */
int webhook_url_check(const char *url);

/** An alert event (a as in notify_alert_published) inside the caller's
 * transaction: a delivery for every active webhook registered for event
 * whose organisation may see the alert. */
int webhook_alert(struct db_conn *c, json_t *a, const char *event, int64_t now);
/** Disables webhook id (its deliveries failed too often), in the
 * caller's transaction. */
int webhook_disable(struct db_conn *c, const char *id);
/** Locks webhook id's row until the transaction ends (db_lock_vals): its
 * delete and the sender's record of an attempt both take it first, so
 * neither adds to or removes the rows the other is writing. TR_OK,
 * TR_ERR_NOT_FOUND when it is gone, else the error. */
int webhook_lock(struct db_conn *c, const char *id);
/** Something new for org_id about a tip (no content), in the transaction. */
int webhook_tip(struct db_conn *c, const char *org_id, int64_t now);

#endif
