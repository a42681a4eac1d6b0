#include "api/api.h"
#include "api/handlers.h"
#include "api/validate.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/audit.h"
#include "domain/group.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct vfield group_spec[] = {
    {"name", V_STRING, 1, 1, 200, NULL, 0},
    {"description", V_STRING, 0, 0, 2000, NULL, 0},
    {"members_can_add", V_BOOL, 0, 0, 0, NULL, 0},
    {"members", V_UUIDS, 0, 0, 0, NULL, 0},
};

static const struct vfield group_patch_spec[] = {
    {"name", V_STRING, 0, 1, 200, NULL, 0},	   {"description", V_STRING, 0, 0, 2000, NULL, 0},
    {"members_can_add", V_BOOL, 0, 0, 0, NULL, 0}, {"add_members", V_UUIDS, 0, 0, 0, NULL, 0},
    {"remove_members", V_UUIDS, 0, 0, 0, NULL, 0},
};

static int group_answer(struct http_req *req, struct http_resp *resp, struct db_conn *c,
			const char *id, int status)
{
	json_t *g = NULL;
	int rc = group_get(c, api_caller(req), id, &g);
	if (rc)
		return api_domain_fail(req, c, rc, NULL);
	api_etag(resp, json_integer_value(json_object_get(g, "version")));
	if (status == 201)
		api_idem_save(req, c, status, g);
	return http_resp_json(resp, status, g);
}

int api_groups_list(struct http_req *req, struct http_resp *resp)
{
	struct api_page page;
	int rc = api_query_allow(req, NULL);
	if (!rc)
		rc = api_page_read(req, &page);
	if (!rc && page.after && !tr_uuid_valid(page.after))
		rc = http_field_error(req, "cursor", "is not a cursor this server issued");
	if (rc)
		return rc;
	json_t *items = json_array();
	int more = 0;
	struct db_conn *c = api_db(req);
	rc = group_list(c, api_caller(req), page.after, page.limit, items, &more);
	if (rc)
		rc = api_db_fail(req, c, rc);
	db_release(c);
	if (rc) {
		json_decref(items);
		return rc;
	}
	size_t n = json_array_size(items);
	const char *next =
	    more && n
		? api_cursor_make(
		      req, json_string_value(json_object_get(json_array_get(items, n - 1), "id")))
		: NULL;
	return http_resp_json(resp, 200, api_page_json(items, next));
}

int api_groups_get(struct http_req *req, struct http_resp *resp)
{
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	struct db_conn *c = api_db(req);
	int rc = group_answer(req, resp, c, id, 200);
	db_release(c);
	return rc;
}

int api_groups_create(struct http_req *req, struct http_resp *resp)
{
	if (!acl_role_can(api_caller(req)->role, RES_SHARING_GROUP, ACT_CREATE))
		return http_fail(req, TR_ERR_FORBIDDEN, "your role may not create sharing groups");
	json_t *body;
	int rc = api_body(req, group_spec, sizeof(group_spec) / sizeof(group_spec[0]), 0, &body);
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
	rc = group_create(c, api_caller(req), body, http_request_id(req), id, &field);
	rc = rc ? api_domain_fail(req, c, rc, field) : group_answer(req, resp, c, id, 201);
	db_release(c);
	json_decref(body);
	return rc;
}

int api_groups_update(struct http_req *req, struct http_resp *resp)
{
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	json_t *body;
	int64_t version;
	int rc = api_body(req, group_patch_spec,
			  sizeof(group_patch_spec) / sizeof(group_patch_spec[0]), 1, &body);
	if (rc)
		return rc;
	if ((rc = api_if_match(req, &version))) {
		json_decref(body);
		return rc;
	}
	struct db_conn *c = api_db(req);
	const char *field = NULL;
	rc = group_update(c, api_caller(req), id, body, version, http_request_id(req), &field);
	rc = rc ? api_domain_fail(req, c, rc, field) : group_answer(req, resp, c, id, 200);
	db_release(c);
	json_decref(body);
	return rc;
}

/* Who acted: "user" (user_id says who), "public" (a tip's sender),
 * "anonymous" (a failed sign-in) or "system" (the command line and the
 * server's own jobs). Entries without a user carry the kind in detail. */
static void audit_actor_set(json_t *e)
{
	const char *kind =
	    json_string_value(json_object_get(json_object_get(e, "detail"), "actor"));
	if (json_string_value(json_object_get(e, "user_id")))
		kind = "user";
	else if (!kind || (strcmp(kind, "public") != 0 && strcmp(kind, "anonymous") != 0))
		kind = "system";
	json_object_set_new(e, "actor", json_string(kind));
}

int api_audit_list(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {
	    "user_id", "resource_type", "resource_id", "from", "to", NULL};
	if (!acl_role_can(api_caller(req)->role, RES_AUDIT, ACT_LIST))
		return http_fail(req, TR_ERR_FORBIDDEN,
				 "only instance administrators read the audit log");
	struct api_page page;
	int rc = api_query_allow(req, allowed);
	if (!rc)
		rc = api_page_read(req, &page);
	int64_t from = 0, to = 0, before = 0;
	const char *f = http_query(req, "from"), *t = http_query(req, "to");
	if (f && tr_time_parse(f, &from))
		rc = http_field_error(req, "from", "must be an RFC 3339 date-time");
	if (t && tr_time_parse(t, &to))
		rc = http_field_error(req, "to", "must be an RFC 3339 date-time");
	if (!rc && page.after) {
		char *end;
		before = strtoll(page.after, &end, 10);
		if (*end || before < 1)
			rc = http_field_error(req, "cursor", "is not a cursor this server issued");
	}
	if (rc)
		return rc;
	json_t *items = json_array();
	int more = 0;
	struct db_conn *c = api_db(req);
	rc = audit_list(c, http_query(req, "user_id"), http_query(req, "resource_type"),
			http_query(req, "resource_id"), from, to, before, page.limit, items, &more);
	if (rc)
		rc = api_db_fail(req, c, rc);
	db_release(c);
	if (rc) {
		json_decref(items);
		return rc;
	}
	size_t n = json_array_size(items);
	for (size_t i = 0; i < n; i++)
		audit_actor_set(json_array_get(items, i));
	const char *next = NULL;
	if (more && n) {
		char seq[32];
		snprintf(seq, sizeof(seq), "%lld",
			 (long long)json_integer_value(
			     json_object_get(json_array_get(items, n - 1), "seq")));
		next = api_cursor_make(req, seq);
	}
	return http_resp_json(resp, 200, api_page_json(items, next));
}
