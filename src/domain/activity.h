/** Prevention activities (who does what where, the 3W/4W matrix): CRUD
 * under a distribution, overlaps between organisations, gaps where
 * incidents meet no active activity, and bulk import in one transaction.
 * Every read goes through acl_visible. Also the table-driven record helpers
 * that practice.c and proposal.c share (activity_rec_*). */
#ifndef TR_DOMAIN_ACTIVITY_H
#define TR_DOMAIN_ACTIVITY_H

#include "core/buf.h"
#include "db/db.h"
#include "domain/acl.h"
#include "domain/activity_rec.h"
#include "domain/activity_report.h"
#include "domain/vocab.h"

#include <jansson.h>
#include <stdint.h>

/** Role rules of the activities module (docs/access.md): whether role may
 * act on activities (ACT_LIST/READ/CREATE/UPDATE/SHARE). */
/** The module's row of the one permission table (acl.c). */
static inline bool activity_role_can(enum role r, enum action act)
{
	return acl_role_can(r, RES_ACTIVITY, act);
}

/** Filters of the list and the export (NULL or 0 when not given). */
struct activity_filter {
	const char *area_country, *type, *status, *org_id;
	int64_t from, to; /* the period meets [from, to) */
	int has_bbox;
	double bbox[4]; /* min lon, min lat, max lon, max lat */
};

/** One visible activity, or TR_ERR_NOT_FOUND. */
int activity_get(struct db_conn *c, const struct caller *who, const char *id,
		 json_t **out /* OUT */);
/** A page of visible activities, newest change first; `after` is the cursor
 * key ("<updated_at>:<id>"); *next_key (free()) when another page follows.
 * limit 0 means every visible row (the export). */
int activity_list(struct db_conn *c, const struct caller *who, const struct activity_filter *f,
		  const char *after, int limit, json_t *items, char **next_key /* OUT */);
/** Creates from a validated body; *field names the offending field. */
int activity_create(struct db_conn *c, const struct caller *who, json_t *body,
		    const char *request_id, char id[37] /* OUT */, const char **field /* OUT */);
/** Applies a validated PATCH at version (If-Match; -1 skips the check). */
int activity_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		    int64_t version, const char *request_id, const char **field /* OUT */);

/** Overlaps of one visible activity with the other visible ones, best
 * first: [{activity, score, components, reasons}]. */
int activity_overlaps_of(struct db_conn *c, const struct caller *who, const char *id, int limit,
			 json_t *items);
/** Every overlapping pair of visible activities whose area is in country
 * and whose period meets [from, to) (0: unbounded), best first, at most
 * limit of them; *total counts them all. */
int activity_overlaps_country(struct db_conn *c, const struct caller *who, const char *country,
			      int64_t from, int64_t to, int limit, json_t *items,
			      int64_t *total /* OUT */);
/** Grid cells of country with visible published alerts (and visible tips
 * when that table exists) in the last `weeks` weeks and no visible active
 * activity covering them, most incidents first. */
int activity_gaps(struct db_conn *c, const struct caller *who, const char *country, int weeks,
		  int limit, json_t *items);

/** Why activity_create/update/import refused a field (*field). */
const char *activity_check_message(const char *field);

/** An import under way: one transaction, all or nothing. */
struct activity_import;
/** Starts an import by who (the report is shared with the reader of the
 * file, whose row errors count too). */
int activity_import_begin(struct db_conn *c, const struct caller *who, const char *request_id,
			  struct activity_import_report *rep,
			  struct activity_import **out /* OUT */);
/** One row: an object with the fields of a create body plus "_row" (its
 * number in the file) and "_partner_names". Checked always; written only
 * while no row of the import has been bad. Not stolen. TR_OK, or a
 * database failure that ends the import. */
int activity_import_row(struct activity_import *im, json_t *row);
/** Commits when no row was bad (one audit entry for the import), else
 * rolls back and answers TR_ERR_INVALID; frees im. */
int activity_import_end(struct activity_import *im, int rc);
/** The display name of each organisation id in ids (object id -> name). */
int activity_org_names(struct db_conn *c, json_t *acts, json_t **names /* OUT */);

#endif
