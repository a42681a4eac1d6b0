/** Handlers of the activities module (routes in routes_activities.inc). */
#ifndef TR_API_HANDLERS_ACTIVITIES_H
#define TR_API_HANDLERS_ACTIVITIES_H

#include "api/handler.h"
#include "api/validate.h"
#include "http/http.h"

struct db_conn;

extern const struct api_resource activity_resource;
HANDLER(api_activities_overlaps);
HANDLER(api_activities_overlaps_country);
HANDLER(api_activities_gaps);
HANDLER(api_activities_import);
HANDLER(api_activities_export);
extern const struct api_resource practice_resource;
HANDLER(api_practices_review);
/** The body of a review, of a practice or of a proposal: a verdict
 * (practice_verdicts: verify or reject) and comments (practices.c). */
extern const struct vfield api_review_spec[2];
extern const struct api_resource proposal_resource;
HANDLER(api_proposals_endorse);
HANDLER(api_proposals_endorse_update);
HANDLER(api_proposals_review);

/** The answer to a refused change of this module: a field error with
 * message when field is set and rc is a validation, conflict or permission
 * failure, else the usual mapping (api_domain_fail). */
int api_activities_fail(struct http_req *req, struct db_conn *c, int rc, const char *field,
			const char *message);

#endif
