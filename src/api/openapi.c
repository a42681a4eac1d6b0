/* The API description served at /api/v1/openapi.json: docs/openapi.json
 * (words: summaries and descriptions) completed from the route table and
 * the resource declarations, so that what is routed and validated is what
 * is documented: every operation gets an operationId, and the routes of a
 * resource get their request bodies and list filters from its field and
 * filter tables. */
#include "api/api.h"
#include "api/app.h"
#include "api/resource.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* The keyword of a string of a kind that bodies and query strings share:
 * a UUID's format, a country code's pattern (t: V_UUID or V_COUNTRY). */
static void string_kind(json_t *s, enum vtype t)
{
	if (t == V_UUID)
		json_object_set_new(s, "format", json_string("uuid"));
	else
		json_object_set_new(s, "pattern", json_string("^[A-Z]{2}$"));
}

static json_t *field_schema(const struct vfield *f)
{
	json_t *s = json_object();
	const char *type = "string";
	switch (f->type) {
	case V_STRING:
		validate_bounds_json(s, f, "minLength", "maxLength", 0);
		break;
	case V_ENUM:
		json_object_set_new(s, "enum", validate_enum_json(f->values));
		break;
	case V_INT:
	case V_NUMBER:
		type = f->type == V_INT ? "integer" : "number";
		validate_bounds_json(s, f, "minimum", "maximum", 1);
		break;
	case V_BOOL:
		type = "boolean";
		break;
	case V_UUID:
	case V_COUNTRY:
		string_kind(s, f->type);
		break;
	case V_TIME:
		json_object_set_new(s, "description",
				    json_string("an RFC 3339 date-time or a date (YYYY-MM-DD)"));
		break;
	case V_EMAIL:
		json_object_set_new(s, "format", json_string("email"));
		break;
	case V_STRINGS:
	case V_UUIDS: {
		type = "array";
		json_t *item = f->type == V_UUIDS
				   ? json_pack("{s:s, s:s}", "type", "string", "format", "uuid")
				   : json_pack("{s:s, s:i, s:i}", "type", "string", "minLength", 1,
					       "maxLength", (json_int_t)f->max);
		json_object_set_new(s, "items", item);
		json_object_set_new(s, "maxItems", json_integer(100));
		break;
	}
	case V_OBJECT:
		type = "object";
		break;
	case V_ARRAY:
		type = "array";
		break;
	}
	json_object_set_new(s, "type",
			    f->nullable ? json_pack("[s, s]", type, "null") : json_string(type));
	return s;
}

static json_t *body_schema(const struct vfield *spec, size_t n, int partial)
{
	json_t *props = json_object(), *required = json_array();
	for (size_t i = 0; i < n; i++) {
		json_object_set_new(props, spec[i].name, field_schema(&spec[i]));
		if (!partial && spec[i].required)
			json_array_append_new(required, json_string(spec[i].name));
	}
	json_t *s = json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props,
			      "additionalProperties", 0);
	if (json_array_size(required))
		json_object_set_new(s, "required", required);
	else
		json_decref(required);
	if (partial)
		json_object_set_new(s, "minProperties", json_integer(1));
	return s;
}

static json_t *filter_param(const struct rfilter *f)
{
	json_t *schema = json_pack("{s:s}", "type", "string");
	const char *about = NULL;
	switch (f->type) {
	case RF_ENUM:
		json_object_set_new(schema, "enum", validate_enum_json(f->values));
		break;
	case RF_TEXT:
		json_object_set_new(schema, "minLength", json_integer(1));
		json_object_set_new(schema, "maxLength", json_integer(f->max ? f->max : 200));
		break;
	case RF_COUNTRY:
	case RF_UUID:
		string_kind(schema, f->type == RF_UUID ? V_UUID : V_COUNTRY);
		break;
	case RF_BOOL:
		json_object_set_new(schema, "enum", json_pack("[s, s]", "true", "false"));
		break;
	case RF_TIME:
		about = "an RFC 3339 date-time or a date (YYYY-MM-DD)";
		break;
	case RF_BBOX:
		about = "min_lon,min_lat,max_lon,max_lat";
		break;
	case RF_INT:
		json_object_set_new(schema, "type", json_string("integer"));
		json_object_set_new(schema, "minimum", json_integer(1));
		json_object_set_new(schema, "maximum", json_integer(f->max));
		break;
	}
	json_t *p = json_pack("{s:s, s:s, s:b, s:o}", "name", f->name, "in", "query", "required", 0,
			      "schema", schema);
	if (about)
		json_object_set_new(p, "description", json_string(about));
	return p;
}

/* "createPractice", "listSharingGroups": a verb and a name in camel case. */
static void camel(char *out, size_t n, const char *verb, const char *name)
{
	size_t k = (size_t)snprintf(out, n, "%s", verb);
	int up = 1;
	for (const char *p = name; *p && k + 1 < n; p++) {
		if (!isalnum((unsigned char)*p)) {
			up = 1;
			continue;
		}
		out[k++] = up ? (char)toupper((unsigned char)*p) : *p;
		up = 0;
	}
	out[k < n ? k : n - 1] = '\0';
}

/* The route's method in lower case ("get"), as OpenAPI names operations. */
static void method_lower(const struct http_route *r, char out[8])
{
	size_t i = 0;
	for (; r->method[i] && i + 1 < 8; i++)
		out[i] = (char)tolower((unsigned char)r->method[i]);
	out[i] = '\0';
}

/* Other routes: the method and the path ("getActivitiesByIdOverlaps"). */
static void route_op_id(const struct http_route *r, char *out, size_t n)
{
	char name[256] = "";
	size_t k = 0;
	const char *p = r->pattern;
	if (strncmp(p, "/api/v1", 7) == 0)
		p += 7;
	for (; *p && k + 4 < sizeof(name); p++) {
		if (*p == '{') {
			k += (size_t)snprintf(name + k, sizeof(name) - k, " by ");
			continue;
		}
		name[k++] = *p == '}' ? ' ' : *p;
	}
	name[k] = '\0';
	char verb[8];
	method_lower(r, verb);
	camel(out, n, verb, name);
}

static json_t *operation(json_t *paths, const struct http_route *r)
{
	json_t *item = json_object_get(paths, r->pattern);
	if (!item) {
		item = json_object();
		json_object_set_new(paths, r->pattern, item);
	}
	char m[8];
	method_lower(r, m);
	json_t *op = json_object_get(item, m);
	if (!op) {
		op = json_pack("{s:{s:{s:s}}}", "responses", "200", "description", "OK");
		json_object_set_new(item, m, op);
	}
	return op;
}

static void resource_body(json_t *doc, json_t *op, const char *schema_name, json_t *schema)
{
	json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
	json_object_set_new(schemas, schema_name, schema);
	char ref[128];
	snprintf(ref, sizeof(ref), "#/components/schemas/%s", schema_name);
	json_object_set_new(op, "requestBody",
			    json_pack("{s:b, s:{s:{s:{s:s}}}}", "required", 1, "content",
				      "application/json", "schema", "$ref", ref));
}

/* The query parameters of a read by id, in place of those of the same
 * name the document gives (the path's id stays). */
static void get_params(json_t *op, const struct api_resource *res)
{
	json_t *params = json_object_get(op, "parameters");
	if (!res->nparams)
		return;
	if (!json_is_array(params)) {
		params = json_array();
		json_object_set_new(op, "parameters", params);
	}
	for (size_t i = 0; i < res->nparams; i++) {
		for (size_t k = json_array_size(params); k-- > 0;) {
			const char *name =
			    json_string_value(json_object_get(json_array_get(params, k), "name"));
			if (name && strcmp(name, res->params[i].name) == 0)
				json_array_remove(params, k);
		}
		json_array_append_new(params, filter_param(&res->params[i]));
	}
}

/* The description the document gives the query parameter name of op,
 * or NULL. */
static json_t *param_about(json_t *op, const char *name)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(op, "parameters"), i, p)
	{
		const char *n = json_string_value(json_object_get(p, "name"));
		if (n && strcmp(n, name) == 0)
			return json_object_get(p, "description");
	}
	return NULL;
}

/* The filters of a list, the page's limit and cursor; the document's
 * words on a filter are kept. */
static void list_params(json_t *op, const struct api_resource *res)
{
	json_t *params = json_array();
	for (size_t i = 0; i < res->nfilters; i++) {
		json_t *p = filter_param(&res->filters[i]), *about;
		if ((about = param_about(op, res->filters[i].name)))
			json_object_set(p, "description", about);
		json_array_append_new(params, p);
	}
	json_array_append_new(params,
			      json_pack("{s:s, s:s, s:b, s:{s:s, s:i, s:i}}", "name", "limit", "in",
					"query", "required", 0, "schema", "type", "integer",
					"minimum", 1, "maximum", API_LIMIT_MAX));
	json_array_append_new(params,
			      json_pack("{s:s, s:s, s:b, s:{s:s}}", "name", "cursor", "in", "query",
					"required", 0, "schema", "type", "string"));
	json_object_set_new(op, "parameters", params);
}

/* The request body of a create ("Create") or a patch ("Patch") of res. */
static void body_op(json_t *doc, json_t *op, const struct api_resource *res, int partial)
{
	char schema[128];
	camel(schema, sizeof(schema), "", res->name);
	strncat(schema, partial ? "Patch" : "Create", sizeof(schema) - strlen(schema) - 1);
	resource_body(doc, op, schema,
		      partial ? body_schema(res->patch_spec, res->npatch, 1)
			      : body_schema(res->create_spec, res->ncreate, 0));
}

/* The routes of a resource: its operation ids, bodies and filters. */
static void resource_op(json_t *doc, json_t *op, const struct http_route *r)
{
	const struct api_resource *res = r->ctx;
	char id[128];
	if (r->fn == api_resource_list || r->fn == api_child_list) {
		camel(id, sizeof(id), "list", res->plural);
		if (r->fn == api_resource_list)
			list_params(op, res);
	} else if (r->fn == api_resource_create || r->fn == api_child_create) {
		camel(id, sizeof(id), "create", res->name);
		body_op(doc, op, res, 0);
	} else if (r->fn == api_resource_update) {
		camel(id, sizeof(id), "update", res->name);
		body_op(doc, op, res, 1);
	} else if (r->fn == api_resource_get) {
		camel(id, sizeof(id), "get", res->name);
		get_params(op, res);
	} else if (r->fn == api_resource_delete) {
		camel(id, sizeof(id), "delete", res->name);
	} else {
		route_op_id(r, id, sizeof(id));
	}
	json_object_set_new(op, "operationId", json_string(id));
}

json_t *api_openapi_doc(const char *base_path)
{
	json_error_t e;
	json_t *doc = json_load_file(base_path, 0, &e);
	if (!doc)
		return NULL;
	json_t *paths = json_object_get(doc, "paths");
	if (!json_is_object(json_object_get(doc, "components")))
		json_object_set_new(doc, "components", json_object());
	json_t *comp = json_object_get(doc, "components");
	if (!json_is_object(json_object_get(comp, "schemas")))
		json_object_set_new(comp, "schemas", json_object());
	for (size_t i = 0; paths && i < api_nroutes; i++) {
		const struct http_route *r = &api_routes[i];
		json_t *op = operation(paths, r);
		if (r->ctx) {
			resource_op(doc, op, r);
		} else {
			char id[128];
			route_op_id(r, id, sizeof(id));
			json_object_set_new(op, "operationId", json_string(id));
		}
	}
	return doc;
}
