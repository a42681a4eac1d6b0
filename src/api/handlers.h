/** Every handler of the route table (src/api/routes.c). */
#ifndef TR_API_HANDLERS_H
#define TR_API_HANDLERS_H

#include "api/handler.h"
#include "http/http.h"

HANDLER(api_healthz);
HANDLER(api_readyz);
HANDLER(api_metrics);
HANDLER(api_openapi);
HANDLER(api_countries_list);
HANDLER(api_countries_get);
HANDLER(api_login);
HANDLER(api_logout);
HANDLER(api_me);
HANDLER(api_tokens_create);
HANDLER(api_tokens_list);
HANDLER(api_tokens_delete);
HANDLER(api_users_password_reset);
extern const struct api_resource group_resource;
extern const struct api_resource org_resource, user_resource;
HANDLER(api_audit_list);
/* alerts, their sightings and their comments (alerts.c) */
extern const struct api_resource alert_resource, sighting_resource, comment_resource;
HANDLER(api_alerts_related);
extern const struct api_resource substance_resource;
HANDLER(api_search);
HANDLER(api_places_list);
HANDLER(api_map_get);
HANDLER(api_map_tiles);
HANDLER(api_audit_export);
HANDLER(api_alerts_export);
HANDLER(api_alerts_import);
HANDLER(api_schema);

#include "api/handlers_activities.h"
#include "api/handlers_analytics.h"
#include "api/handlers_tips.h"
#include "api/handlers_commitments.h"
#include "api/handlers_referrals.h"
#include "api/handlers_notify.h"

#endif
