/** The service directory: what organisations offer young people
 * (treatment, harm reduction, social services, diversion panels ...), for
 * whom (ages, languages), where (a country, optionally a point and a
 * radius), when (opening hours) and how soon (the current waiting time).
 * Read by every signed-in user; kept by the organisation that offers it. */
#ifndef TR_DOMAIN_SERVICE_H
#define TR_DOMAIN_SERVICE_H

#include "db/db.h"
#include "domain/acl.h"

#include <jansson.h>
#include <stdint.h>

/** The service types, NULL-terminated. */
extern const char *const service_types[];
/** The organisation kinds that offer services, NULL-terminated. */
extern const char *const service_org_kinds[];

/** A search of the directory. NULL / -1 fields are absent. */
struct service_filter {
	const char *country, *type, *language, *org_id;
	int age;	 /* -1: any */
	int has_point;	 /* lat, lon given: nearest first, within each radius */
	double lat, lon; /* degrees */
};

/** One service. */
int service_get(struct db_conn *c, const struct caller *who, const char *id,
		json_t **out /* OUT */);
/** A page of services: by id after `after`, or with a point the nearest
 * first (up to limit, no further page), each with distance_m. */
int service_list(struct db_conn *c, const struct service_filter *f, const char *after, int limit,
		 json_t *items, char **next_key /* OUT */);
/** Creates a service of the caller's organisation (of a kind in
 * service_org_kinds) from a validated body. */
int service_create(struct db_conn *c, const struct caller *who, json_t *body,
		   const char *request_id, char id[37] /* OUT */, const char **field /* OUT */);
/** Changes a service of the caller's organisation at version. */
int service_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		   int64_t version, const char *request_id, const char **field /* OUT */);
/** The default deadlines of a referral to a service: acknowledge within
 * 72 hours (a diversion panel 36), first contact within 7 days. */
#define SERVICE_ACK_HOURS 72
#define SERVICE_PANEL_ACK_HOURS 36
#define SERVICE_FIRST_CONTACT_DAYS 7
/** The deadlines in force for a service of type (panel: offered by a
 * diversion panel organisation): its own ack_hours and
 * first_contact_days when above 0, else the defaults of its type. */
void service_deadlines(const char *type, int panel, int64_t ack_hours, int64_t first_contact_days,
		       int64_t *ack_h /* OUT */, int64_t *contact_d /* OUT */);
/** The great-circle distance in metres between two points in degrees. */
double service_distance_m(double lat1, double lon1, double lat2, double lon2);

#endif
