/* Place search in the gazetteer, for the maps: GET /api/v1/places?q=
 * (a prefix of the name, folded; Cyrillic too), country=, limit= (10).
 * Public like the countries: the gazetteer is public data and the tip
 * form's map searches it without an account. */
#include "api/api.h"
#include "api/handlers.h"
#include "core/err.h"
#include "domain/place.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int api_places_list(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {"q", "country", "limit", NULL};
	int rc = api_query_allow(req, allowed);
	const char *q = http_query(req, "q"), *country = http_query(req, "country");
	const char *limit_s = http_query(req, "limit");
	long limit = 10;
	if (!q || !*q)
		rc = http_field_error(req, "q", "is required: the first letters of a place's name");
	else if (strlen(q) > 100)
		rc = http_field_error(req, "q", "must be at most 100 characters");
	if (country && (strlen(country) != 2 || !isupper((unsigned char)country[0]) ||
			!isupper((unsigned char)country[1])))
		rc = http_field_error(req, "country", "must be an ISO 3166-1 alpha-2 code");
	if (limit_s) {
		char *end;
		limit = strtol(limit_s, &end, 10);
		if (*end || end == limit_s || limit < 1 || limit > 50)
			rc = http_field_error(req, "limit", "must be a whole number from 1 to 50");
	}
	if (rc)
		return TR_ERR_INVALID;
	json_t *items = json_array();
	struct db_conn *c = api_db(req);
	rc = place_search(c, q, country, (int)limit, items);
	if ((rc = api_db_end(req, c, rc, items)))
		return rc;
	json_t *o = json_object();
	json_object_set_new(o, "items", items);
	json_object_set_new(o, "attribution", json_string("GeoNames (CC-BY 4.0)"));
	return http_resp_json(resp, 200, o);
}
