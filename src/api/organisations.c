#include "api/api.h"
#include "api/handlers.h"
#include "core/err.h"
#include "core/uuid.h"
#include "domain/org.h"

#include <string.h>

int api_orgs_list(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {"country", "kind", NULL};
	struct api_page page;
	int rc = api_query_allow(req, allowed);
	if (!rc)
		rc = api_page_read(req, &page);
	const char *country = http_query(req, "country");
	const char *kind = http_query(req, "kind");
	if (kind && !org_kind_valid(kind))
		rc = http_field_error(req, "kind", "is not an organisation kind");
	if (country && strlen(country) != 2)
		rc = http_field_error(req, "country", "must be an ISO 3166-1 alpha-2 code");
	if (page.after && !tr_uuid_valid(page.after))
		rc = http_field_error(req, "cursor", "is not a cursor this server issued");
	if (rc)
		return rc;
	json_t *items = json_array();
	int more = 0;
	struct db_conn *c = api_db(req);
	rc = org_list(c, country, kind, page.after, page.limit, items, &more);
	if (rc) {
		rc = api_db_fail(req, c, rc);
		db_release(c);
		json_decref(items);
		return rc;
	}
	db_release(c);
	const char *next = NULL;
	size_t n = json_array_size(items);
	if (more && n)
		next = api_cursor_make(
		    req, json_string_value(json_object_get(json_array_get(items, n - 1), "id")));
	return http_resp_json(resp, 200, api_page_json(items, next));
}

int api_orgs_get(struct http_req *req, struct http_resp *resp)
{
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "no such organisation");
	json_t *j = NULL;
	struct db_conn *c = api_db(req);
	int rc = org_get(c, id, &j);
	if (rc == TR_ERR_NOT_FOUND)
		rc = http_fail(req, rc, "no such organisation");
	else if (rc)
		rc = api_db_fail(req, c, rc);
	db_release(c);
	if (rc)
		return rc;
	api_etag(resp, json_integer_value(json_object_get(j, "version")));
	return http_resp_json(resp, 200, j);
}
