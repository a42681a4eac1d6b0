/** The records the analytics work on: events (an id, a time, a place, a
 * country, a category, whose organisation) read from alerts, sightings and
 * tips, either as a caller sees them (acl_visible always) or, for the
 * early-warning detection, as the system sees them (every record). Also
 * the periods of a time series and the small-count suppression rule. */
#ifndef TR_DOMAIN_ANALYTICS_Q_H
#define TR_DOMAIN_ANALYTICS_Q_H

#include "db/db.h"
#include "domain/acl.h"

#include <stddef.h>
#include <stdint.h>

/** Where the events come from. */
enum aq_source { AQ_ALERTS, AQ_SIGHTINGS, AQ_TIPS, AQ__MAX };

/** "alerts", "sightings", "tips", NULL (indexed by enum aq_source). */
extern const char *const aq_sources[];
/** The categories a source's records carry (sightings: their alert's). */
const char *const *aq_categories(enum aq_source s);

/** Time-series intervals. Weeks start on Monday 00:00 UTC (ISO weeks). */
enum aq_interval { AQ_DAY, AQ_WEEK };
#define AQ_DAY_MS 86400000LL
#define AQ_WEEK_MS (7 * AQ_DAY_MS)
/** The start (ms) of the period holding t. */
int64_t aq_period_start(int64_t t, enum aq_interval iv);
/** The length of one period in ms. */
int64_t aq_period_ms(enum aq_interval iv);

/** The coarsening grid of the analytics, in metres: the tips' default
 * coarsen_m. Boxes given to an analysis are snapped outward to multiples of
 * AQ_GRID_M / 111320 degrees, so that a box moved by less than that asks
 * the same question. */
#define AQ_GRID_M 1000
#define AQ_M_PER_DEG 111320.0

/** Snaps a box (min lon, min lat, max lon, max lat) outward to the grid,
 * within [-180, 180] x [-90, 90]. */
void aq_bbox_snap(double bbox[4]);

/** The Monday 00:00 UTC on or before t (ISO week start). */
int64_t aq_week_floor(int64_t t);

/** The most records one analysis reads; more is refused (narrow the
 * filters) rather than held in memory. */
#define AQ_RECORDS_MAX 2000000

/** Filters; NULL / 0 when not given. Times: from <= t < to. */
struct aq_filter {
	enum aq_source source;
	const char *country;
	const char *category;
	int64_t from, to;
	int has_bbox;
	double bbox[4];	  /* min lon, min lat, max lon, max lat */
	int located_only; /* only records with a place */
	int per_country;  /* system view: one row per (record, country) */
};

/** One event. */
struct aq_record {
	char id[37];
	char org_id[37];
	char country[3]; /* "" when none */
	char category[40];
	int own; /* of the caller's organisation */
	int has_loc;
	double grid_m; /* the point was coarsened to cells of grid_m metres; 0: exact */
	int64_t t;     /* ms UTC: observed, else created */
	double lat, lon;
};

/** A growable array of records; free with aq_records_free. */
struct aq_records {
	struct aq_record *v;
	size_t n, cap;
};

/** Loads the records matching f that who may see (acl_visible), or every
 * record when who is NULL (the detection's system view), ordered by time.
 * The analysis sees what the caller sees: the point of a tip of another
 * organisation than who's is coarsened (tip_point_coarsen with the tip's
 * coarsen_m) as it is read, before anything else, and the box of f is
 * applied to that coarsened point.
 * Alerts: published; time observed_from, else created_at; countries those
 * of alert_countries, else the alert's own. Sightings: of type "seen" on a
 * published alert, visible with their alert. Tips: not a duplicate of another.
 * TR_ERR_TOO_LARGE when more than AQ_RECORDS_MAX match. */
int aq_records_load(struct db_conn *c, const struct caller *who, const struct aq_filter *f,
		    struct aq_records *out /* OUT */);
void aq_records_free(struct aq_records *r);

/** Whether the tips table exists (checked in the catalogue). */
int aq_tips_present(struct db_conn *c);

/** Whether a count must be shown as null: 0 < count < threshold and at
 * least one record behind it belongs to another organisation than the
 * caller's (foreign > 0). Zero is shown: it reveals no one. */
int aq_suppressed(double count, double foreign, int threshold);

/** Whether a total over parts must be shown as null: when the total itself
 * is suppressed, or when the parts shown as null add up to a count that
 * would be (hidden, of which hidden_foreign of other organisations):
 * subtracting the shown parts from the total would give it back. */
int aq_total_suppressed(double total, double foreign, double hidden, double hidden_foreign,
			int threshold);

#endif
