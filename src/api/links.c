/* Links between tips, alerts, activities and problems:
 *   GET    /api/v1/links?type=tip&id=...   the links of a record
 *   POST   /api/v1/links {type, id, other_type, other_id}
 *   DELETE /api/v1/links/{id}
 * Thin: the rules are in domain/link.c. */
#include "api/api.h"
#include "api/handlers.h"
#include "api/validate.h"
#include "core/err.h"
#include "core/uuid.h"
#include "domain/link.h"

#include <string.h>

int api_links_list(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {"type", "id", "other_type", NULL};
	const char *type = NULL, *other = NULL;
	int rc = api_query_allow(req, allowed);
	rc |= api_query_enum(req, "type", link_types, &type);
	rc |= api_query_enum(req, "other_type", link_types, &other);
	const char *id = http_query(req, "id");
	if (!type && !rc)
		rc = http_field_error(req, "type", "is required: alert, activity, problem or tip");
	if (!id || !tr_uuid_valid(id))
		rc = http_field_error(req, "id", "is required: the id of the record");
	if (rc)
		return http_field_errors(req) ? TR_ERR_INVALID : rc;
	struct db_conn *c = api_db(req);
	json_t *items = json_array();
	rc = link_list(c, api_caller(req), type, id, other, items);
	if (rc == TR_ERR_NOT_FOUND)
		rc = http_fail(req, rc, "not found");
	else if (rc)
		rc = api_db_fail(req, c, rc);
	db_release(c);
	if (rc) {
		json_decref(items);
		return rc;
	}
	return http_resp_json(resp, 200, api_page_json(items, NULL));
}

static const struct vfield link_spec[] = {
    {"type", V_ENUM, 1, 0, 0, link_types, 0},
    {"id", V_UUID, 1, 0, 0, NULL, 0},
    {"other_type", V_ENUM, 1, 0, 0, link_types, 0},
    {"other_id", V_UUID, 1, 0, 0, NULL, 0},
};

int api_links_create(struct http_req *req, struct http_resp *resp)
{
	json_t *b;
	int rc = api_body(req, link_spec, sizeof(link_spec) / sizeof(link_spec[0]), 0, &b);
	if (rc)
		return rc;
	struct db_conn *c = api_db(req);
	char id[37];
	int created = 0;
	const char *field = NULL;
	rc = link_add(c, api_caller(req), vstr(b, "type"), vstr(b, "id"), vstr(b, "other_type"),
		      vstr(b, "other_id"), http_request_id(req), id, &created, &field);
	if (rc == TR_ERR_INVALID && field) {
		http_field_error(req, field,
				 strcmp(field, "id") == 0
				     ? "names a record that does not exist or that you cannot see"
				     : "names a record that does not exist or that you cannot see "
				       "(and not the record itself)");
		rc = TR_ERR_INVALID;
	} else if (rc == TR_ERR_FORBIDDEN) {
		rc = http_fail(req, rc,
			       "you may link only a record your organisation holds and your "
			       "role may change");
	} else if (rc) {
		rc = api_db_fail(req, c, rc);
	}
	db_release(c);
	json_t *out =
	    rc ? NULL
	       : json_pack("{s:s, s:O, s:O, s:O, s:O}", "id", id, "type",
			   json_object_get(b, "type"), "record_id", json_object_get(b, "id"),
			   "other_type", json_object_get(b, "other_type"), "other_id",
			   json_object_get(b, "other_id"));
	json_decref(b);
	if (rc)
		return rc;
	return http_resp_json(resp, created ? 201 : 200, out);
}

int api_links_delete(struct http_req *req, struct http_resp *resp)
{
	const char *id = http_param(req, "id");
	int rc = api_query_allow(req, NULL);
	if (rc)
		return rc;
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	struct db_conn *c = api_db(req);
	rc = link_remove(c, api_caller(req), id, http_request_id(req));
	if (rc == TR_ERR_NOT_FOUND)
		rc = http_fail(req, rc, "not found");
	else if (rc == TR_ERR_FORBIDDEN)
		rc = http_fail(req, rc,
			       "you may unlink only a record your organisation holds and your "
			       "role may change");
	else if (rc)
		rc = api_db_fail(req, c, rc);
	db_release(c);
	if (rc)
		return rc;
	http_resp_status(resp, 204);
	return TR_OK;
}
