/* SARA problems, a resource of the mechanism (resource.h); the export is
 * in list_export.c with the filters of the list. */
#include "api/api.h"
#include "api/handlers.h"
#include "api/resource.h"
#include "api/validate.h"
#include "core/countof.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "domain/problem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROBLEM_FIELDS(req)                                                                        \
	{"title", V_STRING, req, 3, 300, NULL, 0},                                                 \
	    {"description", V_STRING, 0, 0, 20000, NULL, 0},                                       \
	    {"phase", V_ENUM, 0, 0, 0, problem_phases, 0}, SHARING_FIELDS(req),                    \
	    {"tlp", V_ENUM, 0, 0, 0, acl_tlps, 0}, {"area", V_OBJECT, 0, 0, 0, NULL, 1},           \
	    {"tips", V_UUIDS, 0, 0, 0, NULL, 0}, {"alerts", V_UUIDS, 0, 0, 0, NULL, 0},            \
	    {"partners", V_UUIDS, 0, 0, 0, NULL, 0}, {"activities", V_UUIDS, 0, 0, 0, NULL, 0},    \
	    {"analysis", V_OBJECT, 0, 0, 0, NULL, 0}, {"responses", V_ARRAY, 0, 0, 0, NULL, 0},    \
	{                                                                                          \
		"response_started_at", V_TIME, 0, 0, 0, NULL, 1                                    \
	}

static const struct vfield create_spec[] = {PROBLEM_FIELDS(1)};
static const struct vfield patch_spec[] = {PROBLEM_FIELDS(0)};

static const struct rwhy why[] = {
    {"tlp", "is required, and red can never be combined with federation"},
    {"distribution", "is required"},
    SHARING_GROUP_WHY,
    {"tips", "names a tip that does not exist or that you cannot see"},
    {"alerts", "names an alert that does not exist or that you cannot see"},
    {"partners", "names an organisation that does not exist"},
    {"activities", "names an activity that does not exist or that you cannot see"},
};

static const struct rfilter filters[] = {
    {"phase", RF_ENUM, problem_phases, 0},
    {"country", RF_COUNTRY, NULL, 0},
};

/* the weeks either side of the response start that the indicators count */
static const struct rfilter params[] = {
    {"weeks", RF_INT, NULL, 52},
};

/* area {lat, lon, radius_m, place_name}, analysis {offender, target,
 * place}, responses [{text, started_at}]. */
static int problem_nested(struct http_req *req, json_t *b, int partial)
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

static int list(struct db_conn *c, const struct caller *who, const struct rquery *q, json_t *items,
		char **next)
{
	struct problem_filter f = {rquery_get(q, "phase"), rquery_get(q, "country")};
	return problem_list(c, who, &f, q->after, q->limit, items, next);
}

static int get(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	return problem_get(c, who, id, 8, out);
}

static int get_weeks(struct db_conn *c, const struct caller *who, const char *id,
		     const struct rquery *q, json_t **out)
{
	const char *weeks = rquery_get(q, "weeks"); /* checked: 1 to 52 */
	return problem_get(c, who, id, weeks ? (int)strtol(weeks, NULL, 10) : 8, out);
}

RESOURCE(problem_resource, "problem", "problems", RES_PROBLEM, RES_CREATE(create_spec),
	 RES_PATCH(patch_spec), RES_FILTERS(filters), RES_WHY(why), RES_PARAMS(params), .get = get,
	 .get_q = get_weeks, .list = list, .create = problem_create, .update = problem_update,
	 .check = problem_nested, .forbidden = "your role may not create problems");
