/* A record the caller may not see is 404 whatever the body: before a route
 * that names a record reads its body, the record must be one the caller
 * sees. Otherwise a malformed body to an invisible record would answer 400
 * and tell that the record exists. */
#include "api/api.h"
#include "api/app.h"
#include "api/resource.h"
#include "core/err.h"
#include "core/uuid.h"
#include "domain/alert.h"
#include "domain/notify.h"

#include <string.h>

typedef int (*seen_get)(struct db_conn *c, const struct caller *who, const char *id, json_t **out);

/* Each pattern covers its routes below it too (".../{id}/comments"). */
static const struct {
	const char *pattern;
	seen_get get;
} rules[] = {
    /* clang-format off */
    {"/api/v1/inbox/{id}", notify_inbox_get},
    /* clang-format on */
};

/* A route of a resource reads its record through the resource; other
 * routes through the rules above. */
static seen_get rule_of(const char *pattern, const struct api_resource *r)
{
	r = api_resource_owner(r);
	if (r && r->get && pattern && strstr(pattern, "/{id}"))
		return r->get;
	for (size_t i = 0; pattern && i < N(rules); i++) {
		size_t n = strlen(rules[i].pattern);
		if (strncmp(pattern, rules[i].pattern, n) == 0 &&
		    (pattern[n] == '\0' || pattern[n] == '/'))
			return rules[i].get;
	}
	return NULL;
}

bool api_route_guarded(const char *pattern)
{
	for (size_t i = 0; pattern && i < api_nroutes; i++)
		if (strcmp(api_routes[i].pattern, pattern) == 0 &&
		    rule_of(pattern, api_routes[i].ctx))
			return true;
	return rule_of(pattern, NULL) != NULL;
}

int api_record_seen(struct http_req *req)
{
	seen_get get = rule_of(http_route_pattern(req), api_resource_of(req));
	const struct caller *who = api_caller(req);
	if (!get || !who)
		return TR_OK;
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	struct db_conn *c = api_db(req);
	json_t *rec = NULL;
	int rc = get(c, who, id, &rec);
	json_decref(rec);
	if (rc)
		rc = api_domain_fail(req, c, rc, NULL);
	db_release(c);
	return rc;
}
