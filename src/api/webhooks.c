/* Webhooks: an org_admin registers the endpoints of their organisation
 * (the secret is answered once, at creation), reads them and the log of
 * delivery attempts, turns them off and on (PATCH active) or removes them. */
#include "api/api.h"
#include "api/handlers.h"
#include "api/resource.h"
#include "api/validate.h"
#include "core/err.h"
#include "core/uuid.h"
#include "domain/webhook.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* The fields of a create and a change (req: required on create). */
#define HOOK_FIELDS(req)                                                                           \
	{"url", V_STRING, req, 8, 2000, NULL, 0},                                                  \
	{                                                                                          \
		"event_types", V_STRINGS, req, 0, 32, NULL, 0                                      \
	}

static const struct vfield hook_spec[] = {HOOK_FIELDS(1)};

static const struct vfield hook_patch_spec[] = {
    HOOK_FIELDS(0),
    {"active", V_BOOL, 0, 0, 0, NULL, 0},
};

static int hook_check(struct http_req *req, json_t *body, int partial)
{
	json_t *ev = json_object_get(body, "event_types");
	if (!ev)
		return TR_OK;
	if (!json_array_size(ev))
		return http_field_error(req, "event_types", "must name at least one event type");
	size_t i;
	json_t *v;
	json_array_foreach(ev, i, v)
	{
		int ok = 0;
		for (int k = 0; webhook_events[k]; k++)
			ok |= strcmp(webhook_events[k], json_string_value(v)) == 0;
		if (!ok)
			return http_field_error(req, "event_types",
						"holds an unknown event type (alert.published, "
						"alert.updated, tip.new)");
	}
	(void)partial;
	return TR_OK;
}

static const struct rwhy hook_why[] = {
    {"url", "must be an http or https URL whose host resolves to public addresses only "
	    "(loopback, private and link-local targets are refused)"},
};

RESOURCE(webhook_resource, "webhook", "webhooks", RES_WEBHOOK, RES_CREATE(hook_spec),
	 RES_PATCH(hook_patch_spec), RES_WHY(hook_why), .cursor_uuid = 1, .get = webhook_get,
	 .list_ids = webhook_list, .update = webhook_update, .check = hook_check,
	 .forbidden = "only an org_admin registers the webhooks of an organisation");

/* The resource's checks, then the record with its secret: the only time
 * the secret is ever answered. */
int api_webhooks_create(struct http_req *req, struct http_resp *resp)
{
	const struct api_resource *r = &webhook_resource;
	if (!acl_role_can(api_caller(req)->role, r->perm, ACT_CREATE))
		return http_fail(req, TR_ERR_FORBIDDEN, r->forbidden);
	json_t *body;
	int rc = api_resource_body(req, r, 0, &body);
	if (rc)
		return rc;
	struct db_conn *c = api_db(req);
	char id[37], *secret = NULL;
	const char *field = NULL;
	json_t *out = NULL;
	rc = webhook_create(c, api_caller(req), body, http_request_id(req), id, &secret, &field);
	if (!rc)
		rc = webhook_get(c, api_caller(req), id, &out);
	if (rc)
		rc = api_resource_fail(req, c, r, rc, field);
	db_release(c);
	json_decref(body);
	if (rc) {
		if (secret)
			sodium_memzero(secret, strlen(secret));
		free(secret);
		return rc;
	}
	json_object_set_new(out, "secret", json_string(secret));
	sodium_memzero(secret, strlen(secret));
	free(secret);
	return http_resp_json(resp, 201, out);
}

int api_webhooks_delete(struct http_req *req, struct http_resp *resp)
{
	return api_path_delete(req, resp, webhook_delete);
}

int api_webhooks_deliveries(struct http_req *req, struct http_resp *resp)
{
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	if (!acl_role_can(api_caller(req)->role, RES_WEBHOOK, ACT_READ))
		return http_fail(req, TR_ERR_FORBIDDEN, webhook_resource.forbidden);
	static const char *const allowed[] = {NULL};
	struct api_page page;
	int rc = api_query_allow(req, allowed);
	if (!rc)
		rc = api_page_read(req, &page);
	if (rc)
		return rc;
	json_t *items = json_array();
	int more = 0;
	struct db_conn *c = api_db(req);
	rc = webhook_attempts(c, api_caller(req), id, page.after, page.limit, items, &more);
	if (rc)
		rc = api_domain_fail(req, c, rc, NULL);
	db_release(c);
	if (rc) {
		json_decref(items);
		return rc;
	}
	char *next = api_resource_last_id(items, more);
	json_t *out = api_page_json(items, next ? api_cursor_make(req, next) : NULL);
	free(next);
	return http_resp_json(resp, 200, out);
}
