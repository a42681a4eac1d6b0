/** Handlers of the commitments and events module (routes in
 * routes_commitments.inc). */
#ifndef TR_API_HANDLERS_COMMITMENTS_H
#define TR_API_HANDLERS_COMMITMENTS_H

#include "api/handler.h"
#include "http/http.h"

extern const struct api_resource document_resource, commitment_resource, assessment_resource;
extern const struct api_resource event_resource, outcome_resource, action_resource;
HANDLER(api_assessments_matrix);
HANDLER(api_assessments_suggestions);
HANDLER(api_assessments_comment);
HANDLER(api_country_commitments);
HANDLER(api_events_minutes_list);
HANDLER(api_events_minutes_add);

#endif
