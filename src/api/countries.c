#include "api/api.h"
#include "api/handlers.h"
#include "core/err.h"
#include "domain/country.h"

#include <ctype.h>
#include <string.h>


int api_countries_list(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {"osce_status", NULL};
	struct api_page page;
	int rc = api_query_allow(req, allowed);
	if (!rc)
		rc = api_page_read(req, &page);
	const char *status = http_query(req, "osce_status");
	if (status && !country_status_valid(status))
		rc = http_field_error(req, "osce_status",
				      "must be participating_state, asian_partner or "
				      "mediterranean_partner");
	if (rc)
		return rc;
	json_t *items = json_array();
	int more = 0;
	struct db_conn *c = api_db(req);
	rc = country_list(c, status, page.after, page.limit, items, &more);
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
		next = api_cursor_make(req, json_string_value(json_object_get(
						    json_array_get(items, n - 1), "iso2")));
	return http_resp_json(resp, 200, api_page_json(items, next));
}

int api_countries_get(struct http_req *req, struct http_resp *resp)
{
	const char *p = http_param(req, "iso2");
	char iso2[3];
	if (strlen(p) != 2 || !isalpha((unsigned char)p[0]) || !isalpha((unsigned char)p[1]))
		return http_fail(req, TR_ERR_NOT_FOUND, "no such country");
	iso2[0] = (char)toupper((unsigned char)p[0]);
	iso2[1] = (char)toupper((unsigned char)p[1]);
	iso2[2] = '\0';
	json_t *j = NULL;
	struct db_conn *c = api_db(req);
	int rc = country_get(c, iso2, &j);
	if (rc == TR_ERR_NOT_FOUND)
		rc = http_fail(req, rc, "no such country");
	else if (rc)
		rc = api_db_fail(req, c, rc);
	db_release(c);
	return rc ? rc : http_resp_json(resp, 200, j);
}
