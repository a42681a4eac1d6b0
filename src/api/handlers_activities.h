/** Handlers of the activities module (routes in routes_activities.inc). */
#ifndef TR_API_HANDLERS_ACTIVITIES_H
#define TR_API_HANDLERS_ACTIVITIES_H

#include "http/http.h"

struct db_conn;

extern const struct api_resource activity_resource;
int api_activities_overlaps(struct http_req *req, struct http_resp *resp);
int api_activities_overlaps_country(struct http_req *req, struct http_resp *resp);
int api_activities_gaps(struct http_req *req, struct http_resp *resp);
int api_activities_import(struct http_req *req, struct http_resp *resp);
int api_activities_export(struct http_req *req, struct http_resp *resp);
extern const struct api_resource practice_resource;
int api_practices_review(struct http_req *req, struct http_resp *resp);
extern const struct api_resource proposal_resource;
int api_proposals_endorse(struct http_req *req, struct http_resp *resp);
int api_proposals_endorse_update(struct http_req *req, struct http_resp *resp);
int api_proposals_review(struct http_req *req, struct http_resp *resp);

/** The answer to a refused change of this module: a field error with
 * message when field is set and rc is a validation, conflict or permission
 * failure, else the usual mapping (api_domain_fail). */
int api_activities_fail(struct http_req *req, struct db_conn *c, int rc, const char *field,
			const char *message);

#endif
