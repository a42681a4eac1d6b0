/** The records the analytics work on: events (an id, a time, a place, a
 * country, a category, whose organisation) read from alerts, sightings and
 * tips, either as a caller sees them (acl_visible always) or, for the
 * early-warning detection, as the system sees them (every record). Also
 * the periods of a time series and the small-count suppression rule. */
#ifndef TR_DOMAIN_ANALYTICS_Q_H
#define TR_DOMAIN_ANALYTICS_Q_H

#include "db/db.h"
#include "domain/acl.h"

#include <jansson.h>
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
 * TR_ERR_TOO_LARGE when more than AQ_RECORDS_MAX match. On an error, or
 * when no record matches, *out holds nothing to free. */
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

/** A question every analysis shares, as the handler parsed it: the
 * filter, the interval of its series, its window in whole ISO weeks (from a
 * Monday 00:00 to the last ms of a Sunday; *_given: asked, not the
 * default) and the small-count threshold. */
struct aq_question {
	struct aq_filter f;
	enum aq_interval iv;
	int64_t from, to;
	int from_given, to_given;
	int suppress_below;
};

/** Why an analysis refuses its question (TR_ERR_INVALID): the query
 * parameter to name and the message (each in src/http/messages.c); detail:
 * the message is the problem's detail too. */
struct aq_why {
	const char *field;
	char message[300];
	int detail;
};

/** Sets why (message a printf format); returns TR_ERR_INVALID. */
int aq_why_set(struct aq_why *why, const char *field, int detail, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/** An RFC 3339 time; a finite number, else null. */
json_t *aq_time_json(int64_t ms);
json_t *aq_num_json(double x);

/** A count as shown to the caller: o[key] null when aq_suppressed, and
 * o.suppressed saying so. */
void aq_count_set(json_t *o, const char *key, double n, double foreign, int threshold);

/** from and to of an answer: the window searched, null when open. */
void aq_window_set(json_t *o, const struct aq_filter *f);

/** Says where each item of items is ("Favoriten, Vienna — 600 m around")
 * in lang, from the gazetteer: the items whose member flag is true (every
 * item when flag is NULL), at their member centre {lat, lon}, within the
 * item's radius_key in km, else radius_m. Nothing is added when the
 * gazetteer is not loaded or no place lies within 100 km. */
void aq_places_name(struct db_conn *c, json_t *items, const char *flag, const char *radius_key,
		    double radius_m, const char *lang);

#endif
