/** Early-warning signals: the detection that finds them (EARS C3 and,
 * when history allows, Farrington flexible on the weekly counts of every
 * country x source x category, over all records), where they are stored
 * and to whom they are addressed (the police and drug-control
 * organisations of the country), and how the addressees list, acknowledge
 * and dismiss them. A signal's record ids are shown to a caller only as far
 * as the caller may see those records (acl_visible). */
#ifndef TR_DOMAIN_SIGNAL_H
#define TR_DOMAIN_SIGNAL_H

#include "db/db.h"
#include "domain/acl.h"

#include <jansson.h>
#include <stdint.h>

/** "new", "acknowledged", "dismissed", NULL. */
extern const char *const signal_statuses[];
/** The methods detection runs: "ears_c3", "farrington" (weekly counts of
 * a country), "gistar" (hot spots), "stscan" (space-time clusters), NULL. */
extern const char *const signal_methods[];

/** What one detection run did. */
struct signal_run {
	int series;    /* country x source x category series evaluated */
	int alarms;    /* (series, method) alarming in the latest week */
	int created;   /* new signals stored (one per addressed organisation) */
	int continued; /* of those, continuing a signal of the previous week */
	int refreshed; /* existing signals of this week seen again */
	int skipped;   /* writes lost to a concurrent run (unique conflict) */
	int hotspots;  /* significant hot spots (Gi*, BH) found */
	int clusters;  /* significant space-time clusters found */
	int closed;    /* signals of earlier weeks closed: their alarm stopped */
};

/** Runs detection once as of now (ms): the latest week is the one holding
 * now. Reads every record (no caller: the system view), writes signals,
 * each in its own transaction with its audit entry. */
int signal_detect(struct db_conn *c, int64_t now, int tips_present,
		  struct signal_run *out /* OUT */);

/** Filters of the list; NULL when not given. */
struct signal_filter {
	const char *status, *country, *source, *method;
	const char *state; /* "open" (not closed) or "closed" */
};

/** A signal visible to who (its organisation's, or its country's for
 * analysts), with the record ids who may see and the first of those
 * records (records: id, label, time, link); counts below suppress_below
 * that involve records of other organisations are null; its place named
 * in lang; can: {acknowledge, dismiss} for who. TR_ERR_NOT_FOUND
 * otherwise. */
int signal_get(struct db_conn *c, const struct caller *who, const char *id, int suppress_below,
	       const char *lang, json_t **out /* OUT */);
/** A page of visible signals, newest first; after is the cursor key
 * "<first_seen>:<id>"; *next_key (free()) when another page follows. */
int signal_list(struct db_conn *c, const struct caller *who, const struct signal_filter *f,
		const char *after, int limit, int suppress_below, const char *lang, json_t *items,
		char **next_key /* OUT */);
/** TR_OK when who sees the signal and may act on it (acknowledge,
 * dismiss): the rule of signal_get and signal_update; TR_ERR_NOT_FOUND
 * otherwise. The notifications inbox asks it for each user it would tell. */
int signal_may_act_on(struct db_conn *c, const struct caller *who, const char *id);
/** The signal's place for who, in lang ("Favoriten, Vienna — 600 m
 * around", or its country's code for a whole country) into out of n bytes;
 * TR_ERR_NOT_FOUND when who does not see it. */
int signal_title(struct db_conn *c, const struct caller *who, const char *id, const char *lang,
		 char *out, size_t n);
/** Acknowledges (with a comment) or dismisses (with a reason) a signal
 * addressed to the caller's organisation, at version (If-Match). *field
 * names the offending field of TR_ERR_INVALID / TR_ERR_CONFLICT. */
int signal_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		  int64_t version, const char *request_id, const char **field /* OUT */);

#endif
