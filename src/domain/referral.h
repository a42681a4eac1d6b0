/** Referrals: an officer sends a young person to a service of another
 * organisation (treatment, social services, a diversion panel) with
 * consent, deadlines and an outcome back.
 *
 * A referral is seen by its two organisations only: the referring one
 * (from the draft on) and the receiving one (once sent). The person's
 * fields (given_name, family_name, birth_date, contact, guardian), the
 * facts and the receiving organisation's notes are sealed with the data key
 * (TRELLIS_SECRET_KEY, as tip contacts) and never leave through the record:
 * they are read one field at a time with a reason, each read audited, and
 * erased after the retention period. The rest (age band, gender, country,
 * area, pathway, dates, outcome category) identifies no one and counts in
 * the outcomes.
 *
 * Status: draft -> sent (consent or an org_admin's override) ->
 * acknowledged -> accepted | rejected (reason) | expired -> first_contact ->
 * engaged -> completed | disengaged (outcome); consent_withdrawn when a
 * consent is withdrawn; revoked by the sender while open. Every status but
 * draft .. engaged is closed. */
#ifndef TR_DOMAIN_REFERRAL_H
#define TR_DOMAIN_REFERRAL_H

#include "db/db.h"
#include "domain/acl.h"
#include "domain/vocab.h"

#include <jansson.h>
#include <stdint.h>

/** Sets the data key from TRELLIS_SECRET_KEY (64 hex characters);
 * configuration read once at start. 0, or -1 when hex is bad. NULL or
 * empty: no key (referrals with personal data are refused). */
int referral_key_load(const char *hex);
/** Whether a data key is set. */
int referral_has_key(void);

/** A list of referrals. NULL / -1 fields are absent. */
struct referral_filter {
	const char *box; /* "mine" (sent by my organisation), "incoming" */
	const char *status, *pathway;
	int overdue; /* -1 any, 0 not overdue, 1 overdue */
};

int referral_get(struct db_conn *c, const struct caller *who, const char *id,
		 json_t **out /* OUT */);
int referral_list(struct db_conn *c, const struct caller *who, const struct referral_filter *f,
		  const char *after, int limit, json_t *items, char **next_key /* OUT */);
/** Creates a draft of the caller's organisation from a validated body
 * (person sealed here). */
int referral_create(struct db_conn *c, const struct caller *who, json_t *body,
		    const char *request_id, char id[37] /* OUT */, const char **field /* OUT */);
/** A state change (status, reason, outcome, notes, override_reason) at
 * version by the side whose move it is. */
int referral_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		    int64_t version, const char *request_id, const char **field /* OUT */);

/** Reads the named fields of the person (a JSON array of names of
 * referral_person_fields) with the caller's reason, audited as
 * read_sensitive; *out {"field": value | null, ...}. */
int referral_person_read(struct db_conn *c, const struct caller *who, const char *id,
			 json_t *fields, const char *reason, const char *request_id,
			 json_t **out /* OUT */);
/** Erases the person's fields, the facts and the notes now (an org_admin
 * of either organisation), audited. */
int referral_person_erase(struct db_conn *c, const struct caller *who, const char *id,
			  const char *reason, const char *request_id);

/** Appends consent records (one per scope of the body), newest in force;
 * a withdrawal of service or sharing ends an open referral. */
int referral_consent_add(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
			 const char *request_id, const char **field /* OUT */);
/** The consent records of a visible referral, oldest first. */
int referral_consents(struct db_conn *c, const struct caller *who, const char *id, json_t *items);

/** Erases the personal fields of referrals closed before now - days;
 * *erased the count. One audit entry says it happened (not what). */
int referral_retention_run(struct db_conn *c, int64_t now, int days, int *erased /* OUT */);
/** Escalates referrals past a deadline (once each) and expires those sent
 * more than 30 days ago and never answered; counts out. */
int referral_deadlines_run(struct db_conn *c, int64_t now, int *escalated /* OUT */,
			   int *expired /* OUT */);

/** Outcome figures of sent referrals by one dimension (service_type,
 * pathway, age_band, gender), optionally one country and a period of
 * sending; groups under threshold referrals shown as null. */
int referral_outcomes(struct db_conn *c, const char *by, const char *country, int64_t from,
		      int64_t to, int threshold, json_t **out /* OUT */);

#endif
