/* The service directory: CRUD by the resource mechanism, and a search by
 * place (nearest first), age and language. */
#include "api/api.h"
#include "api/handlers.h"
#include "api/resource.h"
#include "api/validate.h"
#include "core/countof.h"
#include "core/err.h"
#include "domain/service.h"

#include <stdlib.h>
#include <string.h>

#define SERVICE_FIELDS(req)                                                                        \
	{"name", V_STRING, req, 3, 200, NULL, 0}, {"type", V_ENUM, req, 0, 0, service_types, 0},   \
	    {"description", V_STRING, 0, 0, 4000, NULL, 0},                                        \
	    {"age_min", V_INT, 0, 0, 120, NULL, 0}, {"age_max", V_INT, 0, 0, 120, NULL, 0},        \
	    {"languages", V_STRINGS, 0, 0, 3, NULL, 0}, {"country", V_COUNTRY, 0, 0, 0, NULL, 0},  \
	    {"lat", V_NUMBER, 0, -90, 90, NULL, 1}, {"lon", V_NUMBER, 0, -180, 180, NULL, 1},      \
	    {"radius_m", V_NUMBER, 0, 100, 2000000, NULL, 1},                                      \
	    {"opening_hours", V_STRING, 0, 0, 500, NULL, 0},                                       \
	    {"waiting_days", V_INT, 0, 0, 3650, NULL, 1},                                          \
	    {"ack_hours", V_INT, 0, 1, 720, NULL, 1},                                              \
	    {"first_contact_days", V_INT, 0, 1, 90, NULL, 1},                                      \
	{                                                                                          \
		"active", V_BOOL, 0, 0, 0, NULL, 0                                                 \
	}

static const struct vfield create_spec[] = {SERVICE_FIELDS(1)};
static const struct vfield patch_spec[] = {SERVICE_FIELDS(0)};

static const struct rwhy why[] = {
    {"org_id", "only organisations that offer services to young people (treatment providers, "
	       "social services, schools, youth organisations, civil society, local "
	       "government, diversion panels) declare services"},
    {"country", "is required: your organisation has no country"},
    {"age_max", "must not be below age_min"},
    {"lat", "is required with lon"},
    {"lon", "is required with lat"},
    {"radius_m", "needs a point (lat and lon)"},
    {"languages", "must be ISO 639-1 codes in lower case (\"fr\", \"ru\")"},
    {"ack_hours", "a diversion panel receives a referral within 36 hours at most"},
    {"first_contact_days", "must leave time to acknowledge first: at least ack_hours"},
};

static const struct rfilter filters[] = {
    {"country", RF_COUNTRY, NULL, 0},
    {"type", RF_ENUM, service_types, 0},
    {"language", RF_TEXT, NULL, 3},
    {"org_id", RF_UUID, NULL, 0},
};

/* No list of the mechanism: GET /api/v1/services is api_services_list,
 * which reads lat, lon and age beside these filters. */
RESOURCE_CRUD(service_resource, "service", "services", RES_SERVICE, service,
	      RES_CREATE(create_spec), RES_PATCH(patch_spec), RES_FILTERS(filters), RES_WHY(why),
	      .cursor_uuid = 1, .forbidden = "your role may not declare services");

/* A number of the query string in [lo, hi]; TR_OK when absent. */
static int query_number(struct http_req *req, const char *name, double lo, double hi, double *out,
			int *has)
{
	const char *v = http_query(req, name);
	*has = 0;
	if (!v)
		return TR_OK;
	char *end;
	double d = strtod(v, &end);
	if (!*v || *end || !(d >= lo && d <= hi))
		return http_field_error(req, name, "is out of range or not a number");
	*out = d;
	*has = 1;
	return TR_OK;
}

int api_services_list(struct http_req *req, struct http_resp *resp)
{
	static const char *const extra[] = {"lat", "lon", "age", NULL};
	struct rquery q;
	int rc = api_rquery_read(req, &service_resource, extra, &q);
	double lat = 0, lon = 0, age = -1;
	int has_lat, has_lon, has_age;
	rc |= query_number(req, "lat", -90, 90, &lat, &has_lat);
	rc |= query_number(req, "lon", -180, 180, &lon, &has_lon);
	rc |= query_number(req, "age", 0, 120, &age, &has_age);
	const char *lang = rquery_get(&q, "language");
	if (lang &&
	    (strlen(lang) < 2 || strspn(lang, "abcdefghijklmnopqrstuvwxyz") != strlen(lang)))
		rc |= http_field_error(req, "language", "must be an ISO 639-1 code in lower case");
	if (has_lat != has_lon)
		rc |= http_field_error(req, has_lat ? "lon" : "lat", "is required with the other");
	if (has_age && age != (int)age)
		rc |= http_field_error(req, "age", "must be a whole number of years");
	if (rc)
		return TR_ERR_INVALID;
	struct service_filter f = {rquery_get(&q, "country"),
				   rquery_get(&q, "type"),
				   lang,
				   rquery_get(&q, "org_id"),
				   has_age ? (int)age : -1,
				   has_lat,
				   lat,
				   lon};
	json_t *items = json_array();
	char *next = NULL;
	struct db_conn *c = api_db(req);
	rc = service_list(c, &f, q.after, q.limit, items, &next);
	rc = api_db_end(req, c, rc, items);
	const char *cursor = next ? api_cursor_make(req, next) : NULL;
	free(next);
	if (rc)
		return rc;
	return http_resp_json(resp, 200, api_page_json(items, cursor));
}
