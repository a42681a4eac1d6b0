/* GET /api/v1/audit: the audit log for instance administrators, newest
 * first, filtered by user, kind of record, record, action and time; its
 * export (GET /api/v1/audit/export, list_export.c) reads the same filters
 * through api_audit_filter_read. */
#include "api/api.h"
#include "api/audit.h"
#include "api/handlers.h"
#include "core/err.h"
#include "core/uuid.h"
#include "domain/acl.h"
#include "domain/audit.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A word of lower-case letters and '_' of at most max characters (action
 * names); a record's id: letters, digits, '-', '_', ':' and '.'. */
static int word_ok(const char *v, size_t max, const char *extra)
{
	size_t n = strlen(v);
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)v[i]) || v[i] == '_' ||
		      (extra && (isalnum((unsigned char)v[i]) || strchr(extra, v[i])))))
			return 0;
	return n >= 1 && n <= max;
}

int api_audit_filter_read(struct http_req *req, struct audit_filter *f)
{
	memset(f, 0, sizeof(*f));
	if (!acl_role_can(api_caller(req)->role, RES_AUDIT, ACT_LIST))
		return http_fail(req, TR_ERR_FORBIDDEN,
				 "only instance administrators read the audit log");
	int rc = 0;
	f->user_id = http_query(req, "user_id");
	if (f->user_id && !tr_uuid_valid(f->user_id))
		rc = http_field_error(req, "user_id", "must be an id (UUID)");
	f->resource_type = http_query(req, "resource_type");
	if (f->resource_type) {
		const char *const *k = audit_resource_types;
		while (*k && strcmp(*k, f->resource_type) != 0)
			k++;
		if (!*k) {
			/* the kinds named, so that a program (and the web app's
			 * test) can see them all */
			char msg[600];
			size_t o = (size_t)snprintf(msg, sizeof(msg), "must be one of:");
			for (k = audit_resource_types; *k && o < sizeof(msg); k++)
				o += (size_t)snprintf(msg + o, sizeof(msg) - o, "%s %s",
						      k == audit_resource_types ? "" : ",", *k);
			rc = http_field_error(req, "resource_type", msg);
		}
	}
	f->resource_id = http_query(req, "resource_id");
	if (f->resource_id && !word_ok(f->resource_id, 64, "-:."))
		rc = http_field_error(req, "resource_id",
				      "must be a record's id: at most 64 letters, digits, - _ : .");
	f->action = http_query(req, "action");
	if (f->action && !word_ok(f->action, 40, NULL))
		rc = http_field_error(
		    req, "action", "must be an action's name: at most 40 lower-case letters and _");
	rc |= api_query_time(req, "from", &f->from);
	rc |= api_query_time(req, "to", &f->to);
	if (f->from && f->to && f->to < f->from)
		rc = http_field_error(req, "to", "must not be before from");
	return rc ? TR_ERR_INVALID : TR_OK;
}

void api_audit_actor_set(json_t *e)
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
	    "user_id", "resource_type", "resource_id", "action", "from", "to", NULL};
	struct audit_filter f;
	int rc = api_audit_filter_read(req, &f);
	if (rc == TR_ERR_FORBIDDEN)
		return rc;
	struct api_page page;
	rc |= api_query_allow(req, allowed);
	rc |= api_page_read(req, &page);
	int64_t before = 0;
	if (!rc && page.after) {
		char *end;
		before = strtoll(page.after, &end, 10);
		if (*end || before < 1)
			rc = http_field_error(req, "cursor", "is not a cursor this server issued");
	}
	if (rc)
		return http_field_errors(req) ? TR_ERR_INVALID : rc;
	json_t *items = json_array();
	int more = 0;
	struct db_conn *c = api_db(req);
	rc = audit_list(c, &f, before, page.limit, items, &more);
	if ((rc = api_db_end(req, c, rc, items)))
		return rc;
	size_t n = json_array_size(items);
	for (size_t i = 0; i < n; i++)
		api_audit_actor_set(json_array_get(items, i));
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
