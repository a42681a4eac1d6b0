/** Tips from the public: intake (routed to the police organisation of the
 * country and area), the sender's receipt view, and triage by the receiving
 * organisation. A tip's distribution starts at `organisation` and widens
 * only by an explicit PATCH; beyond the receiving organisation its
 * location is snapped to a grid and its notes, messages and contact stay
 * home. Every read path goes through acl_visible. */
#ifndef TR_DOMAIN_TIP_H
#define TR_DOMAIN_TIP_H

#include "db/db.h"
#include "domain/acl.h"
#include "domain/tip_intake.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

extern const char *const tip_categories[];
extern const char *const tip_statuses[];
extern const char *const tip_outcomes[];

/** A validated public submission, ready to insert (strings borrowed). */
struct tip_new {
	const char *category, *description, *place, *language, *country;
	int has_loc;
	double lat, lon;
	int64_t precision_m; /* -1 when not given */
	int64_t observed_at; /* 0 when not given */
	char *contact_enc;   /* sealed contact or NULL (owned by the submitter) */
	char code[TIP_CODE_LEN + 1];
	char secret_hash[TIP_HASH_HEX];
	int64_t ack_days;
	int64_t pending_max; /* status new per country and 0.5 degree cell */
	char id[37];	     /* OUT */
	char org_id[37];     /* OUT: the receiving organisation */
	char reference[32];  /* OUT: CC-YYYY-NNNNNN */
};

/** Inserts one tip inside the caller's transaction: routes it, checks the
 * pending bound (TR_ERR_RATE_LIMIT), writes it and its audit entry. A
 * clash of codes answers TR_ERR_CONFLICT (draw another code). */
int tip_insert(struct db_conn *c, struct tip_new *t);
/** Inserts the n tips in one transaction (group commit), rcs[i] the
 * result of tips[i]: when one fails the others are written without it,
 * and a clash of codes draws another code. */
void tip_insert_batch(struct db_conn *c, struct tip_new *const *tips, int *rcs, size_t n);
/** The police organisation a tip of country at (lat, lon) goes to: the one
 * whose declared area holds the point (the smallest), else the first of
 * the country by id. TR_ERR_NOT_FOUND when the country has none. */
int tip_route(struct db_conn *c, const char *country, int has_loc, double lat, double lon,
	      char org_id[37] /* OUT */);

/** The sender's view by receipt: status and messages, never notes. A wrong
 * secret answers TR_ERR_NOT_FOUND exactly like an unknown code. */
int tip_receipt_get(struct db_conn *c, const char *code, const char *secret,
		    json_t **out /* OUT */);
/** A message from the sender; TR_ERR_NOT_FOUND as above, TR_ERR_RATE_LIMIT
 * when the tip holds too many already, TR_ERR_CONFLICT when closed. */
int tip_sender_message(struct db_conn *c, const char *code, const char *secret, const char *body);

/** The orders of the tip list: newest first (the default), oldest first,
 * acknowledgement due soonest first. */
enum tip_sort { TIP_SORT_NEWEST, TIP_SORT_OLDEST, TIP_SORT_DUE };
extern const char *const tip_sorts[];

struct tip_filter {
	const char *status, *category;
	int overdue;	      /* -1 any, 0 not overdue, 1 overdue */
	const char *q;	      /* a reference (AT-2026-000123) or words of the text */
	const char *assignee; /* assigned_user_id (the caller's own for "mine") */
	int has_bbox;	      /* the point as the caller sees it lies in bbox */
	double bbox[4];	      /* min_lon, min_lat, max_lon, max_lat */
	enum tip_sort sort;
};

/** Whether text has the shape of a tip reference (CC-YYYY-NNNNNN). */
int tip_reference_shape(const char *text);

/** The one coarsening rule of a tip's point outside its receiving
 * organisation: snaps (lat, lon) to the centre of a cell of grid_m metres
 * (rows of grid_m / 111320 degrees of latitude, columns of the same
 * distance at the snapped latitude). The tip views and the analytics both
 * call it. grid_m > 0. */
void tip_point_coarsen(double *lat, double *lon, double grid_m);

/** One visible tip (coarsened when the caller is not the receiver). */
int tip_get(struct db_conn *c, const struct caller *who, const char *id, json_t **out /* OUT */);
/** A page of visible tips in f->sort order; keys "<sort value>:<id>". */
int tip_list(struct db_conn *c, const struct caller *who, const struct tip_filter *f,
	     const char *after, int limit, json_t *items, char **next_key /* OUT */);
/** Triage: a validated PATCH at version. *field names the offending field. */
int tip_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
	       int64_t version, const char *request_id, const char **field /* OUT */);
/** Bulk triage: applies the same change (a body as for tip_update) to
 * each tip of ids, each in its own transaction with its own audit entry;
 * appends to results one {id, status, code?, field?, tip?} per id, status
 * being the HTTP status the single PATCH would have answered. */
int tip_bulk(struct db_conn *c, const struct caller *who, json_t *ids, json_t *body,
	     const char *request_id, json_t *results);
/** Internal notes (receiving organisation only). */
int tip_note_add(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		 const char *request_id, char note_id[37] /* OUT */, const char **field /* OUT */);
int tip_notes(struct db_conn *c, const struct caller *who, const char *id, json_t *items);
/** Messages to and from the sender (receiving organisation only). */
int tip_message_add(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		    const char *request_id, char msg_id[37] /* OUT */,
		    const char **field /* OUT */);
int tip_messages(struct db_conn *c, const struct caller *who, const char *id, json_t *items);
/** The sealed contact of a tip for a role that may read it, audited with
 * the justification in the same transaction; *sealed is malloc'ed or NULL
 * when the tip has no contact. */
int tip_contact_sealed(struct db_conn *c, const struct caller *who, const char *id,
		       const char *justification, const char *request_id, char **sealed /* OUT */);

/** Routing areas: an organisation declares centre + radius. */
int tip_area_add(struct db_conn *c, const struct caller *who, const char *org_id, double lat,
		 double lon, double radius_m, const char *request_id, char id[37] /* OUT */);
int tip_areas(struct db_conn *c, const char *org_id, json_t *items);

/** Whether a tip row (alias) lies within radius_m of a point, for problems:
 * counts visible tips per week in [from, to). */
int tip_count_weeks(struct db_conn *c, const struct caller *who, double lat, double lon,
		    double radius_m, int64_t from, int weeks, int64_t *counts /* OUT [weeks] */);

/** Great-circle distance in metres. */
double tip_distance_m(double lat1, double lon1, double lat2, double lon2);

#endif
