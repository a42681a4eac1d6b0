/** Handlers of the commitments and events module (routes in
 * routes_commitments.inc). */
#ifndef TR_API_HANDLERS_COMMITMENTS_H
#define TR_API_HANDLERS_COMMITMENTS_H

#include "http/http.h"

extern const struct api_resource document_resource, commitment_resource, assessment_resource;
extern const struct api_resource event_resource, outcome_resource, action_resource;
int api_assessments_matrix(struct http_req *req, struct http_resp *resp);
int api_assessments_suggestions(struct http_req *req, struct http_resp *resp);
int api_assessments_comment(struct http_req *req, struct http_resp *resp);
int api_country_commitments(struct http_req *req, struct http_resp *resp);
int api_events_minutes_list(struct http_req *req, struct http_resp *resp);
int api_events_minutes_add(struct http_req *req, struct http_resp *resp);

#endif
