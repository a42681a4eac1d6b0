#include "api/app.h"
#include "api/handlers.h"

/* The one route table. docs/openapi.json documents exactly these routes;
 * tests/unit/api/test_openapi.c holds the two equal. */
const struct http_route api_routes[] = {
	{"GET", "/healthz", api_healthz},
	{"GET", "/readyz", api_readyz},
	{"GET", "/metrics", api_metrics},
	{"GET", "/api/v1/openapi.json", api_openapi},
	{"GET", "/api/v1/countries", api_countries_list},
	{"GET", "/api/v1/countries/{iso2}", api_countries_get},
	{"GET", "/api/v1/organisations", api_orgs_list},
	{"GET", "/api/v1/organisations/{id}", api_orgs_get},
};

const size_t api_nroutes = sizeof(api_routes) / sizeof(api_routes[0]);
