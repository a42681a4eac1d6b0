#include "api/alerts_misp.h"
#include "api/api.h"
#include "api/handlers.h"
#include "api/validate.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/alert.h"
#include "domain/readmodel/alerts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const statuses_create[] = {"draft", "published", NULL};
static const char *const sighting_types[] = {"seen", "false_positive", NULL};

#define ALERT_FIELDS(req)                                                                          \
	{"title", V_STRING, req, 3, 300, NULL, 0}, {"summary", V_STRING, 0, 0, 2000, NULL, 0},     \
	    {"body", V_STRING, 0, 0, 50000, NULL, 0},                                              \
	    {"category", V_ENUM, req, 0, 0, alert_categories, 0},                                  \
	    {"distribution", V_ENUM, req, 0, 0, acl_distributions, 0},                             \
	    {"sharing_group_id", V_UUID, 0, 0, 0, NULL, 1},                                        \
	    {"tlp", V_ENUM, req, 0, 0, acl_tlps, 0}, {"location", V_OBJECT, 0, 0, 0, NULL, 1},     \
	    {"observed_from", V_TIME, 0, 0, 0, NULL, 1},                                           \
	    {"observed_to", V_TIME, 0, 0, 0, NULL, 1},                                             \
	    {"reliability", V_ENUM, 0, 0, 0, alert_reliabilities, 1},                              \
	    {"credibility", V_INT, 0, 1, 6, NULL, 1}, {"substances", V_UUIDS, 0, 0, 0, NULL, 0},   \
	    {"drug_form", V_ENUM, 0, 0, 0, alert_drug_forms, 1},                                   \
	    {"countries", V_STRINGS, 0, 0, 2, NULL, 0}, {"tags", V_STRINGS, 0, 0, 50, NULL, 0},    \
	{                                                                                          \
		"ews", V_OBJECT, 0, 0, 0, NULL, 0                                                  \
	}

static const struct vfield alert_spec[] = {
    ALERT_FIELDS(1),
    {"status", V_ENUM, 0, 0, 0, statuses_create, 0},
};
static const struct vfield alert_patch_spec[] = {
    ALERT_FIELDS(0),
    {"status", V_ENUM, 0, 0, 0, alert_statuses, 0},
    {"retraction_reason", V_STRING, 0, 3, 2000, NULL, 0},
};

/* The nested objects: location and the early-warning fields. */
static int alert_nested(struct http_req *req, json_t *body)
{
	int rc = TR_OK;
	json_t *loc = json_object_get(body, "location");
	if (json_is_object(loc)) {
		static const struct vfield spec[] = {
		    {"lat", V_NUMBER, 1, -90, 90, NULL, 0},
		    {"lon", V_NUMBER, 1, -180, 180, NULL, 0},
		    {"place_name", V_STRING, 0, 0, 300, NULL, 1},
		    {"precision_m", V_INT, 0, 0, 1e7, NULL, 1},
		};
		const char *key;
		json_t *v;
		json_object_foreach(loc, key, v)
		{
			const struct vfield *f = NULL;
			for (size_t i = 0; i < 4; i++)
				if (strcmp(spec[i].name, key) == 0)
					f = &spec[i];
			char name[64];
			snprintf(name, sizeof(name), "location.%s", key);
			if (!f)
				rc = http_field_error(req, name, "is not a field of a location");
			else if (!(json_is_null(v) && f->nullable) &&
				 (f->type == V_NUMBER
				      ? !json_is_number(v) || json_number_value(v) < f->min ||
					    json_number_value(v) > f->max
				  : f->type == V_INT
				      ? !json_is_integer(v) || json_integer_value(v) < 0
				      : !json_is_string(v) || strlen(json_string_value(v)) > 300))
				rc = http_field_error(req, name,
						      f->type == V_NUMBER && f->max == 90
							  ? "must be a number from -90 to 90"
						      : f->type == V_NUMBER
							  ? "must be a number from -180 to 180"
							  : "has a wrong type or length");
		}
		if (!json_object_get(loc, "lat"))
			rc = http_field_error(req, "location.lat", "is required");
		if (!json_object_get(loc, "lon"))
			rc = http_field_error(req, "location.lon", "is required");
	}
	json_t *ews = json_object_get(body, "ews");
	const char *key;
	json_t *v;
	json_object_foreach(ews, key, v)
	{
		int known = 0;
		for (const char *const *k = alert_ews_fields; *k; k++)
			known |= strcmp(*k, key) == 0;
		char name[80];
		snprintf(name, sizeof(name), "ews.%s", key);
		if (!known)
			rc = http_field_error(req, name, "is not an early-warning field");
		else if (!json_is_string(v) || json_string_length(v) > 10000)
			rc =
			    http_field_error(req, name, "must be text of at most 10000 characters");
	}
	return rc;
}

static int alert_answer(struct http_req *req, struct http_resp *resp, struct db_conn *c,
			const char *id, int status)
{
	json_t *a = NULL;
	int rc = alert_get(c, api_caller(req), id, &a);
	if (rc)
		return api_domain_fail(req, c, rc, NULL);
	api_etag(resp, json_integer_value(json_object_get(a, "version")));
	if (status == 201)
		api_idem_save(req, c, status, a);
	return http_resp_json(resp, status, a);
}

/* What a domain refusal on a field means, or NULL. */
static const char *alert_why(const char *field)
{
	static const struct {
		const char *field, *message;
	} why[] = {
	    {"tlp", "red can never be combined with federation"},
	    {"sharing_group_id", "is required with distribution sharing_group (only then), and "
				 "your organisation must belong to the group"},
	    {"observed_to", "must not be before observed_from"},
	    {"substances", "names a substance that does not exist"},
	    {"countries", "names a country that does not exist"},
	    {"retraction_reason", "is required to retract"},
	    {"status",
	     "cannot move this way (draft -> published -> retracted; retracted is final)"},
	    {"distribution", "is required, and a comment's may not be wider than its alert's"},
	};
	for (size_t i = 0; field && i < sizeof(why) / sizeof(why[0]); i++)
		if (strcmp(why[i].field, field) == 0)
			return why[i].message;
	return NULL;
}

static int alert_fail(struct http_req *req, struct db_conn *c, int rc, const char *field)
{
	if (rc == TR_ERR_FORBIDDEN) /* a share by a role without the right */
		return api_domain_fail(req, c, rc, field);
	const char *why = alert_why(field);
	if (why && (rc == TR_ERR_INVALID || rc == TR_ERR_CONFLICT)) {
		http_field_error(req, field, why);
		return http_fail(req, rc, why);
	}
	return api_domain_fail(req, c, rc, field);
}

int api_alerts_create(struct http_req *req, struct http_resp *resp)
{
	if (!acl_role_can(api_caller(req)->role, RES_ALERT, ACT_CREATE))
		return http_fail(req, TR_ERR_FORBIDDEN, "your role may not create alerts");
	json_t *body;
	int rc = api_body(req, alert_spec, sizeof(alert_spec) / sizeof(alert_spec[0]), 0, &body);
	if (!rc && (rc = alert_nested(req, body)))
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
	rc = alert_create(c, api_caller(req), body, http_request_id(req), id, &field);
	rc = rc ? alert_fail(req, c, rc, field) : alert_answer(req, resp, c, id, 201);
	db_release(c);
	json_decref(body);
	return rc;
}

int api_alerts_update(struct http_req *req, struct http_resp *resp)
{
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	json_t *body;
	int64_t version;
	int rc = api_body(req, alert_patch_spec,
			  sizeof(alert_patch_spec) / sizeof(alert_patch_spec[0]), 1, &body);
	if (!rc && (rc = alert_nested(req, body)))
		json_decref(body);
	if (rc)
		return rc;
	if ((rc = api_if_match(req, &version))) {
		json_decref(body);
		return rc;
	}
	struct db_conn *c = api_db(req);
	const char *field = NULL;
	rc = alert_update(c, api_caller(req), id, body, version, http_request_id(req), &field);
	rc = rc ? alert_fail(req, c, rc, field) : alert_answer(req, resp, c, id, 200);
	db_release(c);
	json_decref(body);
	return rc;
}

int api_alerts_get(struct http_req *req, struct http_resp *resp)
{
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	struct db_conn *c = api_db(req);
	int rc = alert_answer(req, resp, c, id, 200);
	db_release(c);
	return rc;
}

int api_alerts_list(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {
	    "status",	     "category", "substance",	  "country",	 "organisation",
	    "tlp",	     "tag",	 "observed_from", "observed_to", "bbox",
	    "updated_since", "sort",	 "drug_form",	  NULL};
	static const char *const sorts[] = {"updated", "observed", NULL};
	struct api_page page;
	struct alert_filter f = {0};
	const char *sort = NULL;
	int rc = api_query_allow(req, allowed);
	rc |= api_page_read(req, &page);
	rc |= api_query_enum(req, "status", alert_statuses, &f.status);
	rc |= api_query_enum(req, "category", alert_categories, &f.category);
	rc |= api_query_enum(req, "tlp", acl_tlps, &f.tlp);
	rc |= api_query_enum(req, "drug_form", alert_drug_forms, &f.drug_form);
	rc |= api_query_enum(req, "sort", sorts, &sort);
	rc |= api_query_time(req, "observed_from", &f.observed_from);
	rc |= api_query_time(req, "observed_to", &f.observed_to);
	rc |= api_query_time(req, "updated_since", &f.updated_since);
	rc |= api_query_bbox(req, f.bbox, &f.has_bbox);
	f.substance = http_query(req, "substance");
	f.country = http_query(req, "country");
	f.org_id = http_query(req, "organisation");
	f.tag = http_query(req, "tag");
	f.sort_observed = sort && strcmp(sort, "observed") == 0;
	if (f.substance && !tr_uuid_valid(f.substance))
		rc = http_field_error(req, "substance", "must be a substance id");
	if (f.org_id && !tr_uuid_valid(f.org_id))
		rc = http_field_error(req, "organisation", "must be an organisation id");
	if (page.after && (!strchr(page.after, ':') || !tr_uuid_valid(strchr(page.after, ':') + 1)))
		rc = http_field_error(req, "cursor", "is not a cursor this server issued");
	if (rc)
		return http_field_errors(req) ? TR_ERR_INVALID : rc;
	struct buf *b = http_resp_body(resp);
	char *next = NULL;
	buf_puts(b, "{\"items\":");
	struct db_conn *c = api_db(req);
	rc = alert_cache_list(c, api_caller(req), &f, page.after, page.limit, b, &next);
	if (rc)
		rc = api_db_fail(req, c, rc);
	db_release(c);
	const char *cursor = next ? api_cursor_make(req, next) : NULL;
	free(next);
	if (rc)
		return rc;
	buf_puts(b, ",\"next_cursor\":");
	if (cursor)
		buf_json_str(b, cursor);
	else
		buf_puts(b, "null");
	buf_puts(b, "}");
	http_resp_status(resp, 200);
	return b->err;
}

static const struct vfield sighting_spec[] = {
    {"type", V_ENUM, 1, 0, 0, sighting_types, 0}, {"place_name", V_STRING, 0, 0, 300, NULL, 1},
    {"lat", V_NUMBER, 0, -90, 90, NULL, 1},	  {"lon", V_NUMBER, 0, -180, 180, NULL, 1},
    {"observed_at", V_TIME, 0, 0, 0, NULL, 1},	  {"count", V_INT, 0, 1, 1000000, NULL, 0},
};

int api_sightings_create(struct http_req *req, struct http_resp *resp)
{
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	json_t *body;
	int rc = api_body(req, sighting_spec, sizeof(sighting_spec) / sizeof(sighting_spec[0]), 0,
			  &body);
	if (rc)
		return rc;
	struct db_conn *c = api_db(req);
	char sid[37];
	rc = alert_sighting_add(c, api_caller(req), id, body, sid);
	if (rc == TR_ERR_CONFLICT)
		rc = http_fail(req, rc, "only published alerts can be sighted");
	else if (rc)
		rc = api_domain_fail(req, c, rc, NULL);
	db_release(c);
	json_decref(body);
	return rc ? rc
		  : http_resp_json(resp, 201, json_pack("{s:s, s:s}", "id", sid, "alert_id", id));
}

int api_sightings_list(struct http_req *req, struct http_resp *resp)
{
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	struct db_conn *c = api_db(req);
	json_t *out = NULL;
	int rc = alert_sightings(c, api_caller(req), id, &out);
	if (rc)
		rc = api_domain_fail(req, c, rc, NULL);
	db_release(c);
	return rc ? rc : http_resp_json(resp, 200, out);
}

static const struct vfield comment_spec[] = {
    {"body", V_STRING, 1, 1, 10000, NULL, 0},
    {"distribution", V_ENUM, 0, 0, 0, acl_distributions, 0},
    {"sharing_group_id", V_UUID, 0, 0, 0, NULL, 1},
};

int api_comments_create(struct http_req *req, struct http_resp *resp)
{
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	json_t *body;
	int rc = api_body(req, comment_spec, 3, 0, &body);
	if (rc)
		return rc;
	struct db_conn *c = api_db(req);
	char cid[37];
	const char *field = NULL;
	rc = alert_comment_add(c, api_caller(req), id, body, cid, &field);
	if (rc)
		rc = alert_fail(req, c, rc, field);
	db_release(c);
	json_decref(body);
	return rc ? rc
		  : http_resp_json(resp, 201, json_pack("{s:s, s:s}", "id", cid, "alert_id", id));
}

int api_comments_list(struct http_req *req, struct http_resp *resp)
{
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	struct db_conn *c = api_db(req);
	json_t *items = json_array();
	int rc = alert_comments(c, api_caller(req), id, items);
	if (rc)
		rc = api_domain_fail(req, c, rc, NULL);
	db_release(c);
	if (rc) {
		json_decref(items);
		return rc;
	}
	return http_resp_json(resp, 200, api_page_json(items, NULL));
}

int api_alerts_related(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {"distance_km", "days", NULL};
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	struct api_page page;
	int rc = api_query_allow(req, allowed);
	if (!rc)
		rc = api_page_read(req, &page);
	double km = 50;
	long days = 30;
	const char *v = http_query(req, "distance_km");
	char *end;
	if (v && (km = strtod(v, &end), *end || !(km > 0 && km <= 2000)))
		rc = http_field_error(req, "distance_km", "must be a number above 0, at most 2000");
	v = http_query(req, "days");
	if (v && (days = strtol(v, &end, 10), *end || days < 0 || days > 3650))
		rc = http_field_error(req, "days", "must be an integer from 0 to 3650");
	if (rc)
		return rc;
	struct db_conn *c = api_db(req);
	struct buf *b = http_resp_body(resp);
	buf_puts(b, "{\"items\":");
	rc = alert_cache_related(c, api_caller(req), id, km, (int)days, page.limit, b);
	if (rc)
		rc = api_domain_fail(req, c, rc, NULL);
	db_release(c);
	if (rc)
		return rc;
	buf_puts(b, ",\"next_cursor\":null}");
	http_resp_status(resp, 200);
	return b->err;
}

/* ---- import ---- */

/* One item of an import, as exported: the fields the server keeps (who
 * made it, when, its country) are dropped, null means absent, and the rest
 * is checked as a PATCH body with the fields a POST requires. */
static int import_item(struct http_req *req, json_t *item, size_t i, struct alert_import_item *out)
{
	char prefix[40];
	int from = http_field_errors(req);
	if (!json_is_object(item)) {
		snprintf(prefix, sizeof(prefix), "items[%zu]", i);
		return http_field_error(req, prefix, "must be an alert object, as exported");
	}
	static const char *const dropped[] = {"id",	    "org_id",	   "version",
					      "country",    "created_by",  "created_at",
					      "updated_at", "published_at"};
	json_t *body = json_object(), *v;
	const char *key;
	json_object_foreach(item, key, v)
	{
		int drop = json_is_null(v);
		for (size_t k = 0; k < sizeof(dropped) / sizeof(dropped[0]) && !drop; k++)
			drop = strcmp(key, dropped[k]) == 0;
		if (!drop)
			json_object_set(body, key, v);
	}
	const char *id = json_string_value(json_object_get(item, "id"));
	const char *org = json_string_value(json_object_get(item, "org_id"));
	json_t *ver = json_object_get(item, "version");
	int rc = TR_OK;
	if (!id || !tr_uuid_valid(id))
		rc = http_field_error(req, "id", "is required: an id (UUID)");
	if (!org || !tr_uuid_valid(org))
		rc = http_field_error(req, "org_id", "is required: an id (UUID)");
	if (ver && !json_is_null(ver) && (!json_is_integer(ver) || json_integer_value(ver) < 1))
		rc = http_field_error(req, "version", "must be a whole number from 1");
	for (size_t k = 0; k < sizeof(alert_spec) / sizeof(alert_spec[0]); k++)
		if (alert_spec[k].required && !json_object_get(body, alert_spec[k].name))
			rc = http_field_error(req, alert_spec[k].name, "is required");
	if (validate_body(req, body, alert_patch_spec,
			  sizeof(alert_patch_spec) / sizeof(alert_patch_spec[0]), 0) ||
	    alert_nested(req, body))
		rc = TR_ERR_INVALID;
	snprintf(prefix, sizeof(prefix), "items[%zu].", i);
	http_field_errors_prefix(req, from, prefix);
	if (rc) {
		json_decref(body);
		return rc;
	}
	*out = (struct alert_import_item){
	    id, org, json_is_integer(ver) ? json_integer_value(ver) : -1, body};
	return TR_OK;
}

/* A refusal of the domain, named items[i].field. */
static int import_fail(struct http_req *req, struct db_conn *c, int rc, size_t bad,
		       const char *field, const char *why)
{
	if (rc == TR_ERR_FORBIDDEN && !field)
		return http_fail(req, rc, "your role may not create or change alerts");
	if (rc == TR_ERR_FORBIDDEN && !why)
		why = "needs the share right: your role sets organisation or country only";
	if (rc != TR_ERR_INVALID && rc != TR_ERR_CONFLICT && rc != TR_ERR_PRECONDITION &&
	    rc != TR_ERR_FORBIDDEN)
		return api_db_fail(req, c, rc);
	char name[96];
	snprintf(name, sizeof(name), "items[%zu].%s", bad, field ? field : "");
	const char *msg = why ? why : alert_why(field);
	http_field_error(req, name, msg ? msg : "is not valid");
	return http_fail(req, rc, "nothing was imported");
}

/* MISP events ({"response": [{"Event": ...}]}, as the MISP export, or one
 * {"Event": ...}) become items of the export's form, then go the same way:
 * only the caller's organisation's records. */
static int import_misp(struct http_req *req, json_t **body)
{
	json_t *resp = json_object_get(*body, "response");
	json_t *events = json_is_array(resp)		   ? json_incref(resp)
			 : json_object_get(*body, "Event") ? json_pack("[O]", *body)
							   : NULL;
	if (!events)
		return TR_OK;
	json_t *items = json_array();
	size_t i;
	json_t *ev;
	int rc = TR_OK;
	json_array_foreach(events, i, ev)
	{
		const char *why = NULL;
		json_t *item = misp_to_item(ev, &why);
		if (!item) {
			char name[64];
			snprintf(name, sizeof(name), "response[%zu].Event", i);
			rc = http_field_error(req, name, why);
			break;
		}
		json_array_append_new(items, item);
	}
	json_decref(events);
	json_decref(*body);
	*body = json_pack("{s:o}", "items", items);
	return rc;
}

int api_alerts_import(struct http_req *req, struct http_resp *resp)
{
	json_t *body;
	int rc = http_json_body(req, &body);
	if (!rc && (rc = import_misp(req, &body)))
		json_decref(body);
	if (rc)
		return rc;
	json_t *items = json_object_get(body, "items");
	size_t n = json_array_size(items);
	if (!json_is_array(items) || json_object_size(body) != 1 || n == 0) {
		json_decref(body);
		return http_field_error(req, "items",
					"the body must be {\"items\": [...]} with at least one"
					" alert, as exported");
	}
	struct alert_import_item *list =
	    n <= SIZE_MAX / sizeof(*list) ? arena_alloc(http_arena(req), n * sizeof(*list)) : NULL;
	size_t ready = 0;
	rc = list ? TR_OK : TR_ERR_NOMEM;
	for (; !rc && ready < n; ready++)
		if ((rc = import_item(req, json_array_get(items, ready), ready, &list[ready])))
			break;
	int imported = 0;
	if (!rc) {
		struct db_conn *c = api_db(req);
		size_t bad = 0;
		const char *field = NULL, *why = NULL;
		rc = alert_import(c, api_caller(req), list, n, http_request_id(req), &imported,
				  &bad, &field, &why);
		if (rc)
			rc = import_fail(req, c, rc, bad, field, why);
		db_release(c);
	}
	for (size_t i = 0; list && i < ready; i++)
		json_decref(list[i].body);
	json_decref(body);
	return rc ? rc : http_resp_json(resp, 200, json_pack("{s:i}", "imported", imported));
}

/* the alert form, for GET /api/v1/schema/{form} (api/schema.c) */
const struct vform api_form_alert = {"alert", alert_spec,
				     sizeof(alert_spec) / sizeof(alert_spec[0])};
