#include "api/api.h"
#include "api/resource.h"
#include "api/handlers.h"
#include "core/buf.h"
#include "core/err.h"
#include "domain/search_query.h"

#include <stdio.h>
#include <string.h>

int api_search(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {"q", "type", NULL};
	struct api_page page;
	int rc = api_query_allow(req, allowed);
	if (!rc)
		rc = api_page_read(req, &page);
	const char *q = http_query(req, "q");
	const char *type = http_query(req, "type");
	unsigned types = SEARCH_ALERTS | SEARCH_SUBSTANCES | SEARCH_PRACTICES;
	if (!q || !*q || strlen(q) > 500)
		rc = http_field_error(req, "q", "is required: up to 500 characters to search for");
	if (type) {
		types = 0;
		char copy[100];
		snprintf(copy, sizeof(copy), "%s", type);
		char *save = NULL;
		for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			if (strcmp(t, "alert") == 0)
				types |= SEARCH_ALERTS;
			else if (strcmp(t, "substance") == 0)
				types |= SEARCH_SUBSTANCES;
			else if (strcmp(t, "practice") == 0)
				types |= SEARCH_PRACTICES;
			else
				rc = http_field_error(req, "type",
						      "must list alert, substance or practice");
		}
		if (!types)
			rc =
			    http_field_error(req, "type", "must list alert, substance or practice");
	}
	if (rc)
		return rc;
	struct db_conn *c = api_db(req);
	rc = search_run(c, api_caller(req), q, types, page.limit, api_page_text_begin(resp));
	if (rc == TR_ERR_INVALID)
		rc = http_field_error(req, "q", "has no word to search for");
	else if (rc)
		rc = api_db_fail(req, c, rc);
	db_release(c);
	return rc ? rc : api_page_text_end(req, resp, NULL);
}
