/** Notifications: the per-user inbox raised by domain events, the
 * subscriptions that match new records, and the transactional mail outbox
 * (written in the transaction of the event; delivered by notify_send.c).
 * An inbox item and a queued message name a record, never its content:
 * what a message says is read at sending time, through the same access
 * functions as the API, for the recipient. */
#ifndef TR_DOMAIN_NOTIFY_H
#define TR_DOMAIN_NOTIFY_H

#include "db/db.h"
#include "domain/acl.h"

#include <jansson.h>
#include <stdint.h>

/** Configuration read once at start by the command line (never below it). */
struct notify_config {
	int mail; /* an SMTP URL is set: messages are queued and sent */
	char smtp_url[512];
	char smtp_user[256];
	char smtp_password[256];
	char mail_from[320];
	char public_url[512];	  /* links in messages, without a trailing slash */
	int64_t retry_base_ms;	  /* the first retry; each further one doubles */
	int64_t retry_max_ms;	  /* ... up to this */
	int attempts_max;	  /* then the message is given up (status failed) */
	int64_t timeout_ms;	  /* one send; a claim lasts this long */
	int64_t poll_ms;	  /* how often the sender looks for due messages */
	int64_t deadline_poll_ms; /* how often the deadline scheduler runs (0: never) */
	int has_key;		  /* TRELLIS_SECRET_KEY: payloads are sealed */
	unsigned char key[32];
	char webhook_allow[1024]; /* hosts or addresses allowed though private */
	int64_t webhook_retry_ms; /* the first webhook retry; each further one doubles */
	int outbox_keep_days;	  /* sent and failed mail is deleted after this */
	int inbox_keep_days;	  /* read inbox items are deleted after this (0: never) */
};

/** Sets the configuration (copied); call once before any thread starts. */
void notify_configure(const struct notify_config *cfg);
/** The configuration set by notify_configure (defaults: mail off). */
const struct notify_config *notify_config(void);

/** The delivery of a subscription. */
extern const char *const notify_deliveries[]; /* inbox, email, digest */
/** Record types one may subscribe to. */
extern const char *const notify_record_types[]; /* alert, practice, proposal, activity */

/** The filters a subscription may hold, by record type. */
enum notify_filter {
	NF_CATEGORIES = 1 << 0,
	NF_SUBSTANCES = 1 << 1,
	NF_COUNTRIES = 1 << 2,
	NF_AREA = 1 << 3,
	NF_TLP = 1 << 4,
};
/** What a record type offers subscriptions: its filters (NF_*), the
 * vocabulary its categories are checked against (its module's own list,
 * NULL when it has none) and the inbox kind of a match. NULL when type is
 * not one of notify_record_types. */
struct notify_type {
	const char *name;
	unsigned filters;
	const char *const *categories;
	const char *kind;
};
const struct notify_type *notify_type_of(const char *type);
/** The web app's path of a record type ("activities" for "activity"). */
const char *notify_type_path(const char *type);

/** Adds an inbox item for user_id inside the caller's transaction. dedupe
 * (may be NULL) makes a second item with the same key for the same user a
 * no-op. */
int notify_inbox_add(struct db_conn *c, const char *user_id, const char *kind, const char *ref_type,
		     const char *ref_id, const char *dedupe, int64_t now);
/** The same item for every active user of org_id (only its org_admins when
 * admins_only). */
int notify_inbox_org(struct db_conn *c, const char *org_id, int admins_only, const char *kind,
		     const char *ref_type, const char *ref_id, const char *dedupe, int64_t now);
/** A module's own rule for one record, asked with a user as the caller:
 * TR_OK when that user may see the record and act on it (endorse, review,
 * acknowledge); TR_ERR_NOT_FOUND or TR_ERR_FORBIDDEN when not; anything
 * else is an error. */
typedef int (*notify_check_fn)(struct db_conn *c, const struct caller *who, const char *id);

/** Who an item is for: the active users of org_id (NULL: of every
 * organisation) but not of not_org (NULL: none excluded), only those with
 * the reviewer flag when reviewers, only org_admins when admins; of those,
 * each one for whom check says TR_OK (NULL: every one). */
struct notify_audience {
	const char *org_id, *not_org;
	int reviewers, admins;
	notify_check_fn check;
};

/** The item for every user of the audience, inside the caller's
 * transaction; dedupe as notify_inbox_add. *n (may be NULL) gets how many
 * users it was for. */
int notify_inbox_audience(struct db_conn *c, const struct notify_audience *a, const char *kind,
			  const char *ref_type, const char *ref_id, const char *dedupe, int64_t now,
			  int *n /* OUT */);

/** A page of user_id's inbox, unread first then newest; filters: unread
 * only, kind, ref_type (NULL: any). after is the cursor "<rank>:<created>:<id>". */
int notify_inbox_list(struct db_conn *c, const char *user_id, int unread_only, const char *kind,
		      const char *ref_type, const char *after, int limit, json_t *items,
		      char **next_key /* OUT, malloc'ed */);
/** One of who's inbox items; TR_ERR_NOT_FOUND for anyone else's. */
int notify_inbox_get(struct db_conn *c, const struct caller *who, const char *id,
		     json_t **out /* OUT */);
/** Marks one item read: TR_ERR_NOT_FOUND when not user_id's. */
int notify_inbox_read(struct db_conn *c, const char *user_id, const char *id, int64_t now);
/** Marks every item of user_id read; *n gets how many changed. */
int notify_inbox_read_all(struct db_conn *c, const char *user_id, int64_t now, int64_t *n);
/** The number of unread items of user_id. */
int notify_unread_count(struct db_conn *c, const char *user_id, int64_t *n /* OUT */);

/** Queues a message for rcpt inside the caller's transaction (a no-op when
 * mail is off). payload is what cannot be read again when sending (an
 * invitation's link): sealed when a key is set. */
int notify_mail_queue(struct db_conn *c, const char *user_id, const char *rcpt, const char *kind,
		      const char *ref_type, const char *ref_id, const char *subscription_id,
		      const char *payload, int64_t now);

/** A record a subscription may match, as its module describes it at the
 * moment it becomes published, open or created: the fields the filters
 * read (strings and arrays borrowed), and its visibility, either the
 * distribution rule of a row in memory (share set: acl_row_visible, for
 * the fan-out of alerts to many subscribers) or else the module's own
 * check asked with each candidate subscriber as the caller. */
struct notify_record {
	const char *type; /* one of notify_record_types */
	enum resource res;
	const char *id, *org_id;
	const char *category; /* NULL: none */
	json_t *substances;   /* array of ids; NULL: none */
	json_t *countries;    /* array of ISO codes; NULL: none */
	const char *tlp;      /* NULL: the record has no TLP */
	int has_loc;
	double lat, lon;
	int share; /* the fields below decide visibility in memory */
	enum distribution dist;
	const char *country, *group;
	notify_check_fn check; /* when !share */
};

/** Inside the caller's transaction: every subscription to r's type whose
 * filters r meets and whose owner may see r gets an inbox item (the
 * type's kind), and an e-mail when it asks for one. *matched (may be NULL)
 * gets the number of recipients. */
int notify_record_new(struct db_conn *c, const struct notify_record *r, int64_t now,
		      int *matched /* OUT */);

/** notify_record_new for r with, as its countries, the one code country
 * (none when NULL) in place of r->countries: the records that carry a
 * single country field. */
int notify_record_new_in(struct db_conn *c, const struct notify_record *r, const char *country,
			 int64_t now);

/** An alert became published (a, the alert as written): inside the same
 * transaction, every matching subscription whose owner may see it gets an
 * inbox item, and an e-mail when it asks for one. *matched (may be NULL)
 * gets the number of recipients. */
int notify_alert_published(struct db_conn *c, json_t *a, int64_t now, int *matched /* OUT */);

/** Subscriptions: who owns them, validated bodies. */
int notify_sub_create(struct db_conn *c, const struct caller *who, json_t *body,
		      const char *request_id, char id[37] /* OUT */, const char **field /* OUT */);
int notify_sub_get(struct db_conn *c, const struct caller *who, const char *id,
		   json_t **out /* OUT */);
/** A page of who's subscriptions by id after after (NULL: the first). */
int notify_sub_list(struct db_conn *c, const struct caller *who, const char *after, int limit,
		    json_t *items, int *more /* OUT */);
int notify_sub_delete(struct db_conn *c, const struct caller *who, const char *id,
		      const char *request_id);

/** The daily digest at time at: for each user whose digest hour is at's
 * hour (UTC; every user when any_hour), one message grouping the digest
 * items not yet sent and created up to at. *queued gets the messages. */
int notify_digest_run(struct db_conn *c, int64_t at, int any_hour, int *queued /* OUT */);

/** Deletes the mail of the outbox sent, failed or dropped more than
 * mail_days ago and the read inbox items read more than inbox_days ago (0:
 * keep them); *mail and *inbox get how many. */
int notify_purge_run(struct db_conn *c, int64_t now, int mail_days, int inbox_days,
		     int64_t *mail /* OUT */, int64_t *inbox /* OUT */);

/** The queued rows of an outbox table due by some time, oldest first:
 * their ids and next_at (both malloc'd, n of each; notify_due_free). */
struct notify_due {
	char (*ids)[37];
	int64_t *was;
	int n;
};
/** Reads up to max rows of table (mail_outbox or webhook_deliveries, a
 * name from the code) whose status is queued and next_at <= now into *d.
 * On an error *d is empty. */
int notify_due_read(struct db_conn *c, const char *table, int64_t now, int max,
		    struct notify_due *d /* OUT */);
/** Frees the arrays of d. */
void notify_due_free(struct notify_due *d);

#endif
