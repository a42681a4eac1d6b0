/** Problems: SARA problem-solving projects (scanning, analysis, response,
 * assessment) with an area, linked tips and alerts, partner organisations,
 * analysis by the problem-analysis triangle, responses, and assessment
 * indicators computed from the tips in the area. Shareable like alerts:
 * every read goes through acl_visible, and linked records are answered
 * only when the caller sees them too. */
#ifndef TR_DOMAIN_PROBLEM_H
#define TR_DOMAIN_PROBLEM_H

#include "db/db.h"
#include "domain/acl.h"

#include <jansson.h>
#include <stdint.h>

extern const char *const problem_phases[];
extern const char *const problem_analysis_keys[];

struct problem_filter {
	const char *phase, *country;
};

/** One visible problem with its visible links and, when it has an area and
 * a response start, the indicators over `weeks` weeks either side. */
int problem_get(struct db_conn *c, const struct caller *who, const char *id, int weeks,
		json_t **out /* OUT */);
/** A page of visible problems by updated_at, newest first (no links). */
int problem_list(struct db_conn *c, const struct caller *who, const struct problem_filter *f,
		 const char *after, int limit, json_t *items, char **next_key /* OUT */);
/** Creates from a validated body; *field names the offending field. */
int problem_create(struct db_conn *c, const struct caller *who, json_t *body,
		   const char *request_id, char id[37] /* OUT */, const char **field /* OUT */);
/** Applies a validated PATCH at version (If-Match). */
int problem_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		   int64_t version, const char *request_id, const char **field /* OUT */);

#endif
