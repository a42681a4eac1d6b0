/* Activities: the 3W/4W matrix over HTTP, with overlaps, gaps, and the
 * CSV+HXL import and export. */
#include "api/api.h"
#include "api/handlers.h"
#include "api/resource.h"
#include "api/validate.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/activity.h"
#include "domain/hxl.h"
#include "domain/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ACTIVITY_FIELDS(req)                                                                       \
	{"title", V_STRING, req, 3, 300, NULL, 0},                                                 \
	    {"description", V_STRING, 0, 0, 10000, NULL, 0},                                       \
	    {"type", V_ENUM, req, 0, 0, activity_types, 0},                                        \
	    {"partners", V_UUIDS, 0, 0, 0, NULL, 0}, {"age_min", V_INT, 0, 0, 120, NULL, 0},       \
	    {"age_max", V_INT, 0, 0, 120, NULL, 0},                                                \
	    {"gender", V_ENUM, 0, 0, 0, activity_genders, 0},                                      \
	    {"setting", V_ENUM, req, 0, 0, activity_settings, 0},                                  \
	    {"area_country", V_COUNTRY, req, 0, 0, NULL, 0},                                       \
	    {"admin_name", V_STRING, 0, 1, 200, NULL, 1},                                          \
	    {"admin_code", V_STRING, 0, 1, 40, NULL, 1},                                           \
	    {"place_name", V_STRING, 0, 1, 300, NULL, 1}, {"lat", V_NUMBER, 0, -90, 90, NULL, 1},  \
	    {"lon", V_NUMBER, 0, -180, 180, NULL, 1},                                              \
	    {"radius_km", V_NUMBER, 0, 0.01, 500, NULL, 1},                                        \
	    {"polygon", V_ARRAY, 0, 0, 0, NULL, 1}, {"start", V_TIME, req, 0, 0, NULL, 0},         \
	    {"end", V_TIME, 0, 0, 0, NULL, 1}, {"status", V_ENUM, 0, 0, 0, activity_statuses, 0},  \
	    {"planned_female", V_INT, 0, 0, 1e9, NULL, 1},                                         \
	    {"planned_male", V_INT, 0, 0, 1e9, NULL, 1},                                           \
	    {"reached_female", V_INT, 0, 0, 1e9, NULL, 1},                                         \
	    {"reached_male", V_INT, 0, 0, 1e9, NULL, 1},                                           \
	    {"budget", V_NUMBER, 0, 0, 1e12, NULL, 1}, {"currency", V_STRING, 0, 3, 3, NULL, 1},   \
	    {"practice_id", V_UUID, 0, 0, 0, NULL, 1}, SHARING_FIELDS(req),                        \
	{                                                                                          \
		"tlp", V_ENUM, req, 0, 0, acl_tlps, 0                                              \
	}

static const struct vfield create_spec[] = {ACTIVITY_FIELDS(1)};
static const struct vfield patch_spec[] = {ACTIVITY_FIELDS(0)};

int api_activities_fail(struct http_req *req, struct db_conn *c, int rc, const char *field,
			const char *message)
{
	if (field && message &&
	    (rc == TR_ERR_INVALID || rc == TR_ERR_CONFLICT || rc == TR_ERR_FORBIDDEN)) {
		http_field_error(req, field, message);
		return http_fail(req, rc, message);
	}
	return api_domain_fail(req, c, rc, field);
}

static int activity_fail(struct http_req *req, struct db_conn *c, int rc, const char *field)
{
	if (rc == TR_ERR_FORBIDDEN) /* a share by a role without the right */
		return api_domain_fail(req, c, rc, field);
	const char *msg = !field			 ? NULL
			  : strcmp(field, "status") == 0 ? "a cancelled activity stays cancelled"
							 : activity_check_message(field);
	return api_activities_fail(req, c, rc, field, msg);
}

static const struct rfilter filters[] = {
    {"type", RF_ENUM, activity_types, 0}, {"status", RF_ENUM, activity_statuses, 0},
    {"country", RF_COUNTRY, NULL, 0},	  {"organisation", RF_UUID, NULL, 0},
    {"from", RF_TIME, NULL, 0},		  {"to", RF_TIME, NULL, 0},
    {"bbox", RF_BBOX, NULL, 0},
};

/* The filters shared by the list and the export. */
static void filter_of(const struct rquery *q, struct activity_filter *f)
{
	f->type = rquery_get(q, "type");
	f->status = rquery_get(q, "status");
	f->area_country = rquery_get(q, "country");
	f->org_id = rquery_get(q, "organisation");
	f->from = rquery_ms(q, "from");
	f->to = rquery_ms(q, "to");
	f->has_bbox = q->has_bbox;
	memcpy(f->bbox, q->bbox, sizeof(f->bbox));
}

static int list(struct db_conn *c, const struct caller *who, const struct rquery *q, json_t *items,
		char **next)
{
	struct activity_filter f = {0};
	filter_of(q, &f);
	return activity_list(c, who, &f, q->after, q->limit, items, next);
}

static int country_query(struct http_req *req, const char *name, int required, const char **out)
{
	*out = http_query(req, name);
	if (!*out)
		return required ? http_field_error(req, name, "is required") : TR_OK;
	const char *v = *out;
	if (strlen(v) != 2 || v[0] < 'A' || v[0] > 'Z' || v[1] < 'A' || v[1] > 'Z')
		return http_field_error(req, name, "must be an ISO 3166-1 alpha-2 code");
	return TR_OK;
}

RESOURCE_CRUD(activity_resource, "activity", "activities", RES_ACTIVITY, activity,
	      RES_CREATE(create_spec), RES_PATCH(patch_spec), RES_FILTERS(filters), .list = list,
	      .fail = activity_fail, .forbidden = "your role may not record activities");

int api_activities_overlaps(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {NULL};
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	struct api_page page;
	int rc = api_query_allow(req, allowed);
	rc |= api_page_read(req, &page);
	if (rc)
		return TR_ERR_INVALID;
	struct db_conn *c = api_db(req);
	json_t *items = json_array();
	rc = activity_overlaps_of(c, api_caller(req), id, page.limit, items);
	if (rc)
		rc = api_domain_fail(req, c, rc, NULL);
	return api_page_answer(resp, c, rc, items, 200);
}

int api_activities_overlaps_country(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {"country", "from", "to", NULL};
	struct api_page page;
	const char *country;
	int64_t from, to, total = 0;
	int rc = api_query_allow(req, allowed);
	rc |= api_page_read(req, &page);
	rc |= country_query(req, "country", 1, &country);
	rc |= api_query_time(req, "from", &from);
	rc |= api_query_time(req, "to", &to);
	if (!rc && from && to && to <= from)
		rc = http_field_error(req, "to", "must be after from");
	if (rc)
		return TR_ERR_INVALID;
	struct db_conn *c = api_db(req);
	json_t *items = json_array();
	rc = activity_overlaps_country(c, api_caller(req), country, from, to, page.limit, items,
				       &total);
	if ((rc = api_db_end(req, c, rc, items)))
		return rc;
	json_t *out = api_page_json(items, NULL);
	json_object_set_new(out, "total", json_integer(total));
	return http_resp_json(resp, 200, out);
}

int api_activities_gaps(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {"country", "weeks", NULL};
	struct api_page page;
	const char *country;
	long weeks = 12;
	int rc = api_query_allow(req, allowed);
	rc |= api_page_read(req, &page);
	rc |= country_query(req, "country", 1, &country);
	const char *v = http_query(req, "weeks");
	char *end;
	if (v && (weeks = strtol(v, &end, 10), *end || weeks < 1 || weeks > 520))
		rc |= http_field_error(req, "weeks", "must be an integer from 1 to 520");
	if (rc)
		return TR_ERR_INVALID;
	struct db_conn *c = api_db(req);
	json_t *items = json_array();
	rc = activity_gaps(c, api_caller(req), country, (int)weeks, page.limit, items);
	if (rc)
		rc = api_db_fail(req, c, rc);
	return api_page_answer(resp, c, rc, items, 200);
}

/* ---- import and export ---- */

static int report_fail(struct http_req *req, const struct activity_import_report *rep)
{
	char field[80], detail[200];
	for (int i = 0; i < rep->nerrors; i++) {
		const struct activity_import_error *e = &rep->errors[i];
		if (e->row)
			snprintf(field, sizeof(field), "row %ld %s", e->row, e->column);
		else
			snprintf(field, sizeof(field), "%s", e->column);
		http_field_error(req, field, e->message);
	}
	snprintf(detail, sizeof(detail), "%ld problem(s) in %ld data row(s); nothing was imported",
		 rep->errors_total, rep->rows);
	return http_fail(req, TR_ERR_INVALID, detail);
}

static int import_row(void *im, json_t *row)
{
	return activity_import_row(im, row);
}

int api_activities_import(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {NULL};
	const struct caller *who = api_caller(req);
	if (api_query_allow(req, allowed))
		return TR_ERR_INVALID;
	if (!activity_role_can(who->role, ACT_CREATE))
		return http_fail(req, TR_ERR_FORBIDDEN, "your role may not record activities");
	const char *ct = http_header(req, "Content-Type");
	if (!ct || strncasecmp(ct, "text/csv", 8) != 0 || (ct[8] && ct[8] != ';' && ct[8] != ' '))
		return http_fail(req, TR_ERR_MEDIA_TYPE, "Content-Type must be text/csv");
	size_t len;
	const char *data = http_body(req, &len);
	struct db_conn *c = api_db(req);
	if (api_idem_replay(req, resp, c)) {
		db_release(c);
		return TR_OK;
	}
	json_t *org = NULL;
	struct activity_import_report *rep = arena_alloc(http_arena(req), sizeof(*rep));
	struct activity_import *im = NULL;
	int rc = rep ? org_get(c, who, who->org_id, &org) : TR_ERR_NOMEM;
	if (!rc)
		rc = activity_import_begin(c, who, http_request_id(req), rep, &im);
	if (!rc) {
		rc = hxl_read(data, len, json_string_value(json_object_get(org, "name")),
			      who->country, import_row, im, rep, NULL, NULL);
		rc = activity_import_end(im, rc);
	}
	if (rc == TR_ERR_INVALID) {
		rc = report_fail(req, rep);
	} else if (rc) {
		rc = api_domain_fail(req, c, rc, NULL);
	} else {
		json_t *out = json_pack("{s:I, s:I}", "rows", (json_int_t)rep->rows, "imported",
					(json_int_t)rep->imported);
		api_idem_save(req, c, 201, out);
		rc = http_resp_json(resp, 201, out);
	}
	db_release(c);
	json_decref(org);
	return rc;
}

static json_t *geojson_of(json_t *acts)
{
	json_t *features = json_array();
	size_t i;
	json_t *a;
	json_array_foreach(acts, i, a)
	{
		json_t *props = json_deep_copy(a);
		json_t *geom = json_null();
		json_t *poly = json_object_get(a, "polygon");
		if (json_is_array(poly))
			geom = json_pack("{s:s, s:[O]}", "type", "Polygon", "coordinates", poly);
		else if (json_is_number(json_object_get(a, "lat")))
			geom = json_pack("{s:s, s:[O, O]}", "type", "Point", "coordinates",
					 json_object_get(a, "lon"), json_object_get(a, "lat"));
		json_array_append_new(features, json_pack("{s:s, s:O, s:o, s:o}", "type", "Feature",
							  "id", json_object_get(a, "id"),
							  "geometry", geom, "properties", props));
	}
	return json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", features);
}

int api_activities_export(struct http_req *req, struct http_resp *resp)
{
	static const char *const extra[] = {"format", NULL};
	static const char *const formats[] = {"csv", "hxl", "geojson", "json", NULL};
	struct activity_filter f = {0};
	struct rquery q;
	const char *format;
	int rc = api_rquery_read(req, &activity_resource, extra, &q);
	rc |= api_query_enum(req, "format", formats, &format);
	if (rc)
		return TR_ERR_INVALID;
	filter_of(&q, &f);
	if (!format)
		format = "hxl";
	json_t *items = json_array(), *names = NULL;
	char *next = NULL;
	struct db_conn *c = api_db(req);
	rc = activity_list(c, api_caller(req), &f, NULL, 0, items, &next);
	free(next);
	int csv = strcmp(format, "csv") == 0 || strcmp(format, "hxl") == 0;
	if (!rc && csv)
		rc = activity_org_names(c, items, &names);
	if ((rc = api_db_end(req, c, rc, items))) {
		json_decref(names);
		return rc;
	}
	if (strcmp(format, "json") == 0)
		return http_resp_json(resp, 200, items);
	if (strcmp(format, "geojson") == 0) {
		rc = http_resp_json(resp, 200, geojson_of(items));
		json_decref(items);
		http_resp_type(resp, "application/geo+json");
		return rc;
	}
	struct buf out;
	buf_init(&out, (size_t)1 << 30);
	rc = hxl_write(items, names, strcmp(format, "hxl") == 0, &out);
	json_decref(items);
	json_decref(names);
	if (rc) {
		buf_free(&out);
		return http_fail(req, rc, "the export is too large");
	}
	size_t len;
	char *data = buf_detach(&out, &len);
	http_resp_take(resp, data ? data : strdup(""), data ? len : 0);
	http_resp_status(resp, 200);
	http_resp_type(resp, "text/csv; charset=utf-8");
	return TR_OK;
}
