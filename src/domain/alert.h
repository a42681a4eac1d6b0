/** Alerts: drug-related information shared across States under a
 * distribution, with sightings, comments and related alerts. Every read
 * goes through acl_visible; drafts are visible to their organisation only. */
#ifndef TR_DOMAIN_ALERT_H
#define TR_DOMAIN_ALERT_H

#include "db/db.h"
#include "domain/acl.h"
#include "domain/vocab.h"

#include <jansson.h>
#include <stdint.h>

/** Filters of the list (NULL or 0 when not given). */
struct alert_filter {
	const char *status, *category, *substance, *country, *org_id, *tlp, *tag;
	const char *drug_form;
	int64_t observed_from, observed_to, updated_since;
	int has_bbox;
	double bbox[4];	   /* min lon, min lat, max lon, max lat */
	int sort_observed; /* else by updated_at */
};

/** The columns alert_row_text reads, in order (table alias a). */
#define ALERT_COLS                                                                                 \
	"a.id, a.org_id, a.country, a.created_by, a.title, a.summary, a.body, a.category,"         \
	" a.status, a.retraction_reason, a.distribution, a.sharing_group_id, a.tlp, a.lat,"        \
	" a.lon, a.place_name, a.precision_m, a.observed_from, a.observed_to, a.reliability,"      \
	" a.credibility, a.tags, a.countries, a.substances, a.ews, a.created_at, a.updated_at,"    \
	" a.published_at, a.version"

/** The drug form is not in ALERT_COLS (whose positions other queries
 * count on): a query selects it after its own columns, under this name,
 * and the row writers find it there. A row without it has no drug_form. */
#define ALERT_DRUG_FORM_COL "a.drug_form AS drug_form"

struct buf;
struct db_stmt;
/** The column of s holding ALERT_DRUG_FORM_COL, or -1. */
int alert_drug_form_col(struct db_stmt *s);
/** Writes the row of s (ALERT_COLS first) as the API's alert object. */
void alert_row_text(struct db_stmt *s, struct buf *b);

/** One visible alert, or TR_ERR_NOT_FOUND. */
int alert_get(struct db_conn *c, const struct caller *who, const char *id, json_t **out /* OUT */);
/** A page of visible alerts, newest first by the sort key; `after` is the
 * cursor key ("<sortvalue>:<id>"), *next_key the key of the last row when
 * another page follows (arena-free: caller frees with free()). */
int alert_list(struct db_conn *c, const struct caller *who, const struct alert_filter *f,
	       const char *after, int limit, json_t *items, char **next_key /* OUT */);
/** The same page written as a JSON array into out (the API's list). */
struct buf;
int alert_list_text(struct db_conn *c, const struct caller *who, const struct alert_filter *f,
		    const char *after, int limit, struct buf *out, char **next_key /* OUT */);
/** Creates an alert from a validated body. *field names the offending field
 * for TR_ERR_INVALID / TR_ERR_FORBIDDEN. */
int alert_create(struct db_conn *c, const struct caller *who, json_t *body, const char *request_id,
		 char id[37] /* OUT */, const char **field /* OUT */);
/** Applies a validated PATCH at version (If-Match). */
int alert_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		 int64_t version, const char *request_id, const char **field /* OUT */);
/** Adds a sighting to a visible, published alert (TR_ERR_CONFLICT when
 * it is not published); *field is NULL. */
int alert_sighting_add(struct db_conn *c, const struct caller *who, const char *alert_id,
		       json_t *body, const char *request_id, char id[37] /* OUT */,
		       const char **field /* OUT */);
/** The sightings of a visible alert and their counts per country. */
int alert_sightings(struct db_conn *c, const struct caller *who, const char *alert_id,
		    json_t **out /* OUT */);
/** Adds a comment whose distribution is no wider than the alert's. */
int alert_comment_add(struct db_conn *c, const struct caller *who, const char *alert_id,
		      json_t *body, const char *request_id, char id[37] /* OUT */,
		      const char **field /* OUT */);
/** The visible comments of a visible alert. */
int alert_comments(struct db_conn *c, const struct caller *who, const char *alert_id,
		   json_t *items);
/** One item of an import, validated by the API layer: its id, the
 * organisation it names, the version it was exported at (-1 when absent)
 * and its fields as for a PATCH. */
struct alert_import_item {
	const char *id;
	const char *org_id;
	int64_t version;
	json_t *body;
};
/** Imports alerts in the export format in one transaction, all or nothing,
 * under the rules of POST and PATCH: only records of the caller's own
 * organisation; a new id is created, a record already here is changed only
 * at the item's version (If-Match) and never widened. Every record is
 * audited with its id. On a refusal bad is the index of the item, field and
 * why (NULL: the field's usual message) say what was wrong. */
int alert_import(struct db_conn *c, const struct caller *who, const struct alert_import_item *items,
		 size_t n, const char *request_id, int *imported /* OUT */, size_t *bad /* OUT */,
		 const char **field /* OUT */, const char **why /* OUT */);

/** Where a record of another node comes from (federation). */
struct alert_fed_origin {
	const char *org_id, *country; /* its organisation, a remote one here */
	const char *origin_node;      /* the node that owns it */
	const char *received_from;    /* the peer it came from */
	int64_t version;	      /* its version at the origin */
};
/** Writes a record of another node as it is at its origin (a validated
 * alert object a, "id" included), inserting it or replacing this copy:
 * stamped for the read model, indexed for search. Inside the caller's
 * transaction. */
int alert_fed_put(struct db_conn *c, const struct alert_fed_origin *o, json_t *a, int insert);
/** A tombstone: the copy of a record of another node that was retracted
 * from federation or narrowed there is emptied and kept visible to nobody
 * here (its remote organisation has no users), so its own tombstone can go
 * on to the peers that received it. */
int alert_fed_withdraw(struct db_conn *c, const char *id, const struct alert_fed_origin *o);

#endif
