#include "api/api.h"
#include "api/handlers.h"
#include "api/validate.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/problem.h"
#include "domain/tip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROBLEM_FIELDS(req)                                                                        \
	{"title", V_STRING, req, 3, 300, NULL, 0},                                                 \
	    {"description", V_STRING, 0, 0, 20000, NULL, 0},                                       \
	    {"phase", V_ENUM, 0, 0, 0, problem_phases, 0},                                         \
	    {"distribution", V_ENUM, req, 0, 0, acl_distributions, 0},                             \
	    {"sharing_group_id", V_UUID, 0, 0, 0, NULL, 1}, {"tlp", V_ENUM, 0, 0, 0, acl_tlps, 0}, \
	    {"area", V_OBJECT, 0, 0, 0, NULL, 1}, {"tips", V_UUIDS, 0, 0, 0, NULL, 0},             \
	    {"alerts", V_UUIDS, 0, 0, 0, NULL, 0}, {"partners", V_UUIDS, 0, 0, 0, NULL, 0},        \
	    {"activities", V_UUIDS, 0, 0, 0, NULL, 0}, {"analysis", V_OBJECT, 0, 0, 0, NULL, 0},   \
	    {"responses", V_ARRAY, 0, 0, 0, NULL, 0},                                              \
	{                                                                                          \
		"response_started_at", V_TIME, 0, 0, 0, NULL, 1                                    \
	}

static const struct vfield problem_spec[] = {PROBLEM_FIELDS(1)};
static const struct vfield problem_patch_spec[] = {PROBLEM_FIELDS(0)};
#define NFIELDS (sizeof(problem_spec) / sizeof(problem_spec[0]))

/* area {lat, lon, radius_m, place_name}, analysis {offender, target,
 * place}, responses [{text, started_at}]. */
static int problem_nested(struct http_req *req, json_t *b)
{
	int rc = TR_OK;
	json_t *area = json_object_get(b, "area");
	if (json_is_object(area)) {
		json_t *lat = json_object_get(area, "lat"), *lon = json_object_get(area, "lon");
		json_t *r = json_object_get(area, "radius_m"),
		       *pn = json_object_get(area, "place_name");
		const char *k;
		json_t *v;
		json_object_foreach(area, k, v) if (strcmp(k, "lat") && strcmp(k, "lon") &&
						    strcmp(k, "radius_m") &&
						    strcmp(k, "place_name")) rc =
		    http_field_error(req, "area",
				     "has a field that is not lat, lon, radius_m "
				     "or place_name");
		if (!json_is_number(lat) || json_number_value(lat) < -90 ||
		    json_number_value(lat) > 90)
			rc = http_field_error(req, "area.lat", "must be a number from -90 to 90");
		if (!json_is_number(lon) || json_number_value(lon) < -180 ||
		    json_number_value(lon) > 180)
			rc = http_field_error(req, "area.lon", "must be a number from -180 to 180");
		if (!json_is_number(r) || json_number_value(r) < 10 ||
		    json_number_value(r) > 1000000)
			rc = http_field_error(req, "area.radius_m",
					      "must be a number from 10 to 1000000");
		if (pn && !json_is_null(pn) &&
		    (!json_is_string(pn) || json_string_length(pn) > 300))
			rc = http_field_error(req, "area.place_name",
					      "must be text of at most 300 "
					      "characters");
	}
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(b, "analysis"), k, v)
	{
		int known = 0;
		for (const char *const *p = problem_analysis_keys; *p; p++)
			known |= strcmp(*p, k) == 0;
		if (!known || !json_is_string(v) || json_string_length(v) > 10000)
			rc = http_field_error(req, "analysis",
					      "holds offender, target and place, each "
					      "text of at most 10000 characters");
	}
	json_t *resp = json_object_get(b, "responses");
	size_t i;
	json_t *r;
	if (resp && json_array_size(resp) > 100)
		rc = http_field_error(req, "responses", "must be at most 100 responses");
	json_array_foreach(resp, i, r)
	{
		const char *text = json_string_value(json_object_get(r, "text"));
		json_t *at = json_object_get(r, "started_at");
		int64_t ms;
		char name[40];
		snprintf(name, sizeof(name), "responses[%zu]", i);
		if (!json_is_object(r) || !text || !*text || strlen(text) > 5000 ||
		    json_object_size(r) > 2 || (json_object_size(r) == 2 && !at) ||
		    (at && (!json_is_string(at) || tr_time_parse(json_string_value(at), &ms))))
			rc = http_field_error(req, name,
					      "must be {text (1 to 5000 characters), "
					      "started_at (optional date-time)}");
	}
	return rc;
}

static int weeks_query(struct http_req *req, int *weeks)
{
	const char *v = http_query(req, "weeks");
	*weeks = 8;
	if (!v)
		return TR_OK;
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < 1 || n > 52)
		return http_field_error(req, "weeks", "must be an integer from 1 to 52");
	*weeks = (int)n;
	return TR_OK;
}

static int problem_answer(struct http_req *req, struct http_resp *resp, struct db_conn *c,
			  const char *id, int weeks, int status)
{
	json_t *p = NULL;
	int rc = problem_get(c, api_caller(req), id, weeks, &p);
	if (rc)
		return api_domain_fail(req, c, rc, NULL);
	api_etag(resp, json_integer_value(json_object_get(p, "version")));
	if (status == 201)
		api_idem_save(req, c, status, p);
	return http_resp_json(resp, status, p);
}

static int problem_fail(struct http_req *req, struct db_conn *c, int rc, const char *field)
{
	static const struct {
		const char *field, *message;
	} why[] = {
	    {"tlp", "is required, and red can never be combined with federation"},
	    {"distribution", "is required"},
	    {"sharing_group_id", "is required with distribution sharing_group (only then), and "
				 "your organisation must belong to the group"},
	    {"tips", "names a tip that does not exist or that you cannot see"},
	    {"alerts", "names an alert that does not exist or that you cannot see"},
	    {"partners", "names an organisation that does not exist"},
	    {"activities", "names an activity that does not exist or that you cannot see"},
	};
	if (rc == TR_ERR_FORBIDDEN) /* a share by a role without the right */
		return api_domain_fail(req, c, rc, field);
	for (size_t i = 0; field && i < sizeof(why) / sizeof(why[0]); i++)
		if (strcmp(why[i].field, field) == 0 && rc == TR_ERR_INVALID) {
			http_field_error(req, field, why[i].message);
			return http_fail(req, rc, why[i].message);
		}
	return api_domain_fail(req, c, rc, field);
}

int api_problems_create(struct http_req *req, struct http_resp *resp)
{
	if (!tip_role_can(api_caller(req)->role, TIPR_PROBLEM, ACT_CREATE))
		return http_fail(req, TR_ERR_FORBIDDEN, "your role may not create problems");
	json_t *body;
	int rc = api_body(req, problem_spec, NFIELDS, 0, &body);
	if (!rc && (rc = problem_nested(req, body)))
		json_decref(body);
	if (rc)
		return rc;
	struct db_conn *c = api_db(req);
	if (api_idem_replay(req, resp, c)) {
		db_release(c);
		json_decref(body);
		return TR_OK;
	}
	char id[37];
	const char *field = NULL;
	rc = problem_create(c, api_caller(req), body, http_request_id(req), id, &field);
	rc = rc ? problem_fail(req, c, rc, field) : problem_answer(req, resp, c, id, 8, 201);
	db_release(c);
	json_decref(body);
	return rc;
}

int api_problems_update(struct http_req *req, struct http_resp *resp)
{
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	json_t *body;
	int64_t version;
	int rc = api_body(req, problem_patch_spec, NFIELDS, 1, &body);
	if (!rc && (rc = problem_nested(req, body)))
		json_decref(body);
	if (rc)
		return rc;
	if ((rc = api_if_match(req, &version))) {
		json_decref(body);
		return rc;
	}
	struct db_conn *c = api_db(req);
	const char *field = NULL;
	rc = problem_update(c, api_caller(req), id, body, version, http_request_id(req), &field);
	rc = rc ? problem_fail(req, c, rc, field) : problem_answer(req, resp, c, id, 8, 200);
	db_release(c);
	json_decref(body);
	return rc;
}

int api_problems_get(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {"weeks", NULL};
	const char *id = http_param(req, "id");
	int weeks;
	int rc = api_query_allow(req, allowed);
	if (rc || (rc = weeks_query(req, &weeks)))
		return rc;
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	struct db_conn *c = api_db(req);
	rc = problem_answer(req, resp, c, id, weeks, 200);
	db_release(c);
	return rc;
}

int api_problems_list(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {"phase", "country", NULL};
	struct api_page page;
	struct problem_filter f = {NULL, NULL};
	int rc = api_query_allow(req, allowed);
	rc |= api_page_read(req, &page);
	f.phase = http_query(req, "phase");
	f.country = http_query(req, "country");
	int known = !f.phase;
	for (const char *const *p = problem_phases; f.phase && *p; p++)
		known |= strcmp(*p, f.phase) == 0;
	if (!known)
		rc = http_field_error(req, "phase", "is not one of the allowed values");
	if (f.country && strlen(f.country) != 2)
		rc = http_field_error(req, "country", "must be an ISO 3166-1 alpha-2 code");
	if (page.after && (!strchr(page.after, ':') || !tr_uuid_valid(strchr(page.after, ':') + 1)))
		rc = http_field_error(req, "cursor", "is not a cursor this server issued");
	if (rc)
		return http_field_errors(req) ? TR_ERR_INVALID : rc;
	json_t *items = json_array();
	char *next = NULL;
	struct db_conn *c = api_db(req);
	rc = problem_list(c, api_caller(req), &f, page.after, page.limit, items, &next);
	if (rc)
		rc = api_db_fail(req, c, rc);
	db_release(c);
	const char *cursor = next ? api_cursor_make(req, next) : NULL;
	free(next);
	if (rc) {
		json_decref(items);
		return rc;
	}
	return http_resp_json(resp, 200, api_page_json(items, cursor));
}
