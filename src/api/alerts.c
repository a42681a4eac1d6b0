#include "api/alerts_misp.h"
#include "api/api.h"
#include "api/handlers.h"
#include "api/resource.h"
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

#define ALERT_FIELDS(req, statuses)                                                                \
	{"title", V_STRING, req, 3, 300, NULL, 0}, {"summary", V_STRING, 0, 0, 2000, NULL, 0},     \
	    {"body", V_STRING, 0, 0, 50000, NULL, 0},                                              \
	    {"category", V_ENUM, req, 0, 0, alert_categories, 0}, SHARING_FIELDS(req),             \
	    {"tlp", V_ENUM, req, 0, 0, acl_tlps, 0}, {"location", V_OBJECT, 0, 0, 0, NULL, 1},     \
	    {"observed_from", V_TIME, 0, 0, 0, NULL, 1},                                           \
	    {"observed_to", V_TIME, 0, 0, 0, NULL, 1},                                             \
	    {"reliability", V_ENUM, 0, 0, 0, alert_reliabilities, 1},                              \
	    {"credibility", V_INT, 0, 1, 6, NULL, 1}, {"substances", V_UUIDS, 0, 0, 0, NULL, 0},   \
	    {"drug_form", V_ENUM, 0, 0, 0, alert_drug_forms, 1},                                   \
	    {"countries", V_STRINGS, 0, 0, 2, NULL, 0}, {"tags", V_STRINGS, 0, 0, 50, NULL, 0},    \
	    {"ews", V_OBJECT, 0, 0, 0, NULL, 0},                                                   \
	{                                                                                          \
		"status", V_ENUM, 0, 0, 0, statuses, 0                                             \
	}

static const struct vfield alert_spec[] = {ALERT_FIELDS(1, statuses_create)};
static const struct vfield alert_patch_spec[] = {
    ALERT_FIELDS(0, alert_statuses),
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

/* A refused share answers the share rule's message; other refusals the
 * alert's own. */
static int alert_fail(struct http_req *req, struct db_conn *c, int rc, const char *field)
{
	if (rc == TR_ERR_FORBIDDEN) /* a share by a role without the right */
		return api_domain_fail(req, c, rc, field);
	return api_resource_why(req, c, &alert_resource, rc, field);
}

static int alert_check(struct http_req *req, json_t *body, int partial)
{
	(void)partial;
	return alert_nested(req, body);
}

static const struct rwhy alert_why[] = {
    {"tlp", "red can never be combined with federation"},
    SHARING_GROUP_WHY,
    {"observed_to", "must not be before observed_from"},
    {"substances", "names a substance that does not exist"},
    {"countries", "names a country that does not exist"},
    {"retraction_reason", "is required to retract"},
    {"status", "cannot move this way (draft -> published -> retracted; retracted is final)"},
    {"distribution", "is required, and a comment's may not be wider than its alert's"},
};

static const char *const sorts[] = {"updated", "observed", NULL};
static const char *const substance_id[] = {"must be a substance id", NULL};
static const char *const organisation_id[] = {"must be an organisation id", NULL};

/* clang-format off */
static const struct rfilter filters[] = {
    {"status", RF_ENUM, alert_statuses, 0},         {"category", RF_ENUM, alert_categories, 0},
    {"substance", RF_UUID, substance_id, 0},        {"country", RF_COUNTRY, NULL, 0},
    {"organisation", RF_UUID, organisation_id, 0},  {"tlp", RF_ENUM, acl_tlps, 0},
    {"tag", RF_TEXT, NULL, 0},                      {"observed_from", RF_TIME, NULL, 0},
    {"observed_to", RF_TIME, NULL, 0},              {"bbox", RF_BBOX, NULL, 0},
    {"updated_since", RF_TIME, NULL, 0},            {"sort", RF_ENUM, sorts, 0},
    {"drug_form", RF_ENUM, alert_drug_forms, 0},
};
/* clang-format on */

/* The list from the read model, which keeps each alert as JSON text. */
static int list_text(struct db_conn *c, const struct caller *who, const struct rquery *q,
		     struct buf *out, char **next)
{
	const char *sort = rquery_get(q, "sort");
	struct alert_filter f = {
	    .status = rquery_get(q, "status"),
	    .category = rquery_get(q, "category"),
	    .substance = rquery_get(q, "substance"),
	    .country = rquery_get(q, "country"),
	    .org_id = rquery_get(q, "organisation"),
	    .tlp = rquery_get(q, "tlp"),
	    .tag = rquery_get(q, "tag"),
	    .drug_form = rquery_get(q, "drug_form"),
	    .observed_from = rquery_ms(q, "observed_from"),
	    .observed_to = rquery_ms(q, "observed_to"),
	    .updated_since = rquery_ms(q, "updated_since"),
	    .has_bbox = q->has_bbox,
	    .sort_observed = sort && strcmp(sort, "observed") == 0,
	};
	memcpy(f.bbox, q->bbox, sizeof(f.bbox));
	return alert_cache_list(c, who, &f, q->after, q->limit, out, next);
}

/* Each table beside the function it serves. */
RESOURCE_CRUD(alert_resource, "alert", "alerts", RES_ALERT, alert, RES_CREATE(alert_spec),
	      RES_PATCH(alert_patch_spec), RES_FILTERS(filters), RES_WHY(alert_why),
	      .list_text = list_text, .check = alert_check, .fail = alert_fail,
	      .forbidden = "your role may not create alerts");

static const struct vfield sighting_spec[] = {
    {"type", V_ENUM, 1, 0, 0, sighting_types, 0}, {"place_name", V_STRING, 0, 0, 300, NULL, 1},
    {"lat", V_NUMBER, 0, -90, 90, NULL, 1},	  {"lon", V_NUMBER, 0, -180, 180, NULL, 1},
    {"observed_at", V_TIME, 0, 0, 0, NULL, 1},	  {"count", V_INT, 0, 1, 1000000, NULL, 0},
};

static int sighting_fail(struct http_req *req, struct db_conn *c, int rc, const char *field)
{
	(void)field;
	if (rc == TR_ERR_CONFLICT)
		return http_fail(req, rc, "only published alerts can be sighted");
	return api_domain_fail(req, c, rc, NULL);
}

RESOURCE_PART(sighting_resource, "alert sighting", RES_SIGHTING, alert_resource, "alert_id",
	      sighting_spec, sighting_fail, alert_sighting_add, .read = alert_sightings);

static const struct vfield comment_spec[] = {
    {"body", V_STRING, 1, 1, 10000, NULL, 0},
    SHARING_FIELDS(0),
};

RESOURCE_PART(comment_resource, "alert comment", RES_COMMENT, alert_resource, "alert_id",
	      comment_spec, alert_fail, alert_comment_add, .items = alert_comments);

int api_alerts_related(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {"distance_km", "days", NULL};
	const char *id = api_path_id(req);
	if (!id)
		return TR_ERR_NOT_FOUND;
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
	struct buf *b = api_page_text_begin(resp);
	rc = alert_cache_related(c, api_caller(req), id, km, (int)days, page.limit, b);
	if (rc)
		rc = api_domain_fail(req, c, rc, NULL);
	db_release(c);
	return rc ? rc : api_page_text_end(req, resp, NULL);
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
		for (size_t k = 0; k < N(dropped) && !drop; k++)
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
	for (size_t k = 0; k < N(alert_spec); k++)
		if (alert_spec[k].required && !json_object_get(body, alert_spec[k].name))
			rc = http_field_error(req, alert_spec[k].name, "is required");
	if (validate_body(req, body, alert_patch_spec, N(alert_patch_spec), 0) ||
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
	const char *msg = why ? why : api_resource_message(&alert_resource, field);
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
const struct vform api_form_alert = {"alert", alert_spec, N(alert_spec)};
