#include "api/app.h"
#include "api/handlers.h"
#include "api/handlers_fed.h"
#include "api/resource.h"

/* The one route table. docs/openapi.json documents exactly these routes;
 * tests/unit/api/test_openapi.c holds the two equal. Routes are signed-in
 * unless marked HTTP_PUBLIC. */
/* a route without ctx leaves it out: NULL */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
const struct http_route api_routes[] = {
    {"GET", "/healthz", api_healthz, HTTP_PUBLIC},
    {"GET", "/readyz", api_readyz, HTTP_PUBLIC},
    {"GET", "/metrics", api_metrics, HTTP_PUBLIC},
    {"GET", "/api/v1/openapi.json", api_openapi, HTTP_PUBLIC},
    /* unmetered: the tip form reads its schema, and a counter would tell
     * when someone opened it */
    {"GET", "/api/v1/schema/{form}", api_schema, HTTP_PUBLIC | HTTP_UNMETERED},
    {"GET", "/api/v1/countries", api_countries_list, HTTP_PUBLIC},
    {"GET", "/api/v1/countries/{iso2}", api_countries_get, HTTP_PUBLIC},
    {"POST", "/api/v1/auth/login", api_login, HTTP_PUBLIC},
    {"POST", "/api/v1/auth/logout", api_logout, 0},
    {"GET", "/api/v1/me", api_me, 0},
    {"GET", "/api/v1/tokens", api_tokens_list, 0},
    {"POST", "/api/v1/tokens", api_tokens_create, 0},
    {"DELETE", "/api/v1/tokens/{id}", api_tokens_delete, 0},
    RESOURCE_ROUTES("/api/v1/organisations", org_resource),
    RESOURCE_ROUTES("/api/v1/users", user_resource),
    {"POST", "/api/v1/users/{id}/password-reset", api_users_password_reset, 0, &user_resource},
    RESOURCE_ROUTES("/api/v1/sharing-groups", group_resource),
    {"GET", "/api/v1/audit", api_audit_list, 0},
    {"GET", "/api/v1/audit/export", api_audit_export, 0},
    RESOURCE_ROUTES("/api/v1/substances", substance_resource),
    /* the export and import before {id}: the first matching pattern wins */
    {"GET", "/api/v1/alerts/export", api_alerts_export, 0},
    {"POST", "/api/v1/alerts/import", api_alerts_import, 0},
    RESOURCE_ROUTES("/api/v1/alerts", alert_resource),
    {"GET", "/api/v1/alerts/{id}/related", api_alerts_related, 0, &alert_resource},
    CHILD_ROUTES("/api/v1/alerts/{id}/sightings", sighting_resource),
    CHILD_ROUTES("/api/v1/alerts/{id}/comments", comment_resource),
    {"GET", "/api/v1/search", api_search, 0},
    {"GET", "/api/v1/places", api_places_list, HTTP_PUBLIC},
    {"GET", "/api/v1/map", api_map_get, HTTP_PUBLIC},
    {"GET", "/api/v1/map/tiles", api_map_tiles, HTTP_PUBLIC},
#include "api/routes_tips.inc"
#include "api/routes_activities.inc"
#include "api/routes_analytics.inc"
#include "api/routes_commitments.inc"
#include "api/routes_referrals.inc"
#include "api/routes_fed.inc"
#include "api/routes_notify.inc"
};

const size_t api_nroutes = sizeof(api_routes) / sizeof(api_routes[0]);
