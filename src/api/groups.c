#include "api/api.h"
#include "api/handlers.h"
#include "api/resource.h"
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

static int list(struct db_conn *c, const struct caller *who, const struct rquery *q, json_t *items,
		char **next)
{
	int more = 0;
	int rc = group_list(c, who, q->after, q->limit, items, &more);
	*next = rc ? NULL : api_resource_last_id(items, more);
	return rc;
}

const struct api_resource group_resource = {
    .name = "sharing group",
    .plural = "sharing groups",
    .perm = RES_SHARING_GROUP,
    .forbidden = "your role may not create sharing groups",
    .create_spec = group_spec,
    .ncreate = sizeof(group_spec) / sizeof(group_spec[0]),
    .patch_spec = group_patch_spec,
    .npatch = sizeof(group_patch_spec) / sizeof(group_patch_spec[0]),
    .cursor_uuid = 1,
    .get = group_get,
    .list = list,
    .create = group_create,
    .update = group_update,
};

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
