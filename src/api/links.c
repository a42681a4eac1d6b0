/* Links between tips, alerts, activities and problems, a resource of the
 * resource mechanism (resource.h) with two routes of its own:
 *   GET    /api/v1/links?type=tip&id=...   the links of a record
 *   POST   /api/v1/links {type, id, other_type, other_id}   (generic create)
 *   DELETE /api/v1/links/{id}
 * The rules are in domain/link.c. */
#include "api/api.h"
#include "api/handlers.h"
#include "api/resource.h"
#include "core/countof.h"
#include "core/err.h"
#include "domain/link.h"

#include <string.h>

static const struct vfield create_spec[] = {
    {"type", V_ENUM, 1, 0, 0, link_types, 0},
    {"id", V_UUID, 1, 0, 0, NULL, 0},
    {"other_type", V_ENUM, 1, 0, 0, link_types, 0},
    {"other_id", V_UUID, 1, 0, 0, NULL, 0},
};

static const struct rfilter filters[] = {
    {"type", RF_ENUM, link_types, 0},
    {"id", RF_UUID, NULL, 0},
    {"other_type", RF_ENUM, link_types, 0},
};

static const struct rwhy why[] = {
    {"id", "names a record that does not exist or that you cannot see"},
    {"other_id", "names a record that does not exist or that you cannot see (and not the "
		 "record itself)"},
    {"link", "you may link or unlink only a record your organisation holds and your role "
	     "may change"},
};

static int create(struct db_conn *c, const struct caller *who, json_t *body, const char *request_id,
		  char id[37], const char **field)
{
	int created;
	int rc = link_add(c, who, vstr(body, "type"), vstr(body, "id"), vstr(body, "other_type"),
			  vstr(body, "other_id"), request_id, id, &created, field);
	if (rc == TR_ERR_FORBIDDEN && !*field)
		*field = "link";
	return rc;
}

/* The list needs its record: the mechanism's list has no required filters. */
static int list(struct db_conn *c, const struct caller *who, const struct rquery *q, json_t *items,
		char **next)
{
	*next = NULL;
	return link_list(c, who, rquery_get(q, "type"), rquery_get(q, "id"),
			 rquery_get(q, "other_type"), items);
}

RESOURCE(link_resource, "link", "links", RES_LINK, RES_CREATE(create_spec), RES_FILTERS(filters),
	 RES_WHY(why), .cursor_uuid = 1, .get = link_get, .list = list, .create = create,
	 .forbidden = "your role may not link records");

int api_links_list(struct http_req *req, struct http_resp *resp)
{
	struct rquery q;
	int rc = api_rquery_read(req, &link_resource, NULL, &q);
	if (rc)
		return rc;
	if (!rquery_get(&q, "type"))
		rc = http_field_error(req, "type", "is required: alert, activity, problem or tip");
	if (!rquery_get(&q, "id"))
		rc = http_field_error(req, "id", "is required: the id of the record");
	if (rc)
		return TR_ERR_INVALID;
	struct db_conn *c = api_db(req);
	json_t *items = json_array();
	char *next = NULL;
	rc = list(c, api_caller(req), &q, items, &next);
	rc = api_db_fail_as(req, c, rc, TR_ERR_NOT_FOUND, "not found");
	return api_page_answer(resp, c, rc, items, 200);
}

int api_links_delete(struct http_req *req, struct http_resp *resp)
{
	const char *id;
	int rc = api_path_id_only(req, &id);
	if (rc)
		return rc;
	struct db_conn *c = api_db(req);
	rc = link_remove(c, api_caller(req), id, http_request_id(req));
	if (rc == TR_ERR_NOT_FOUND)
		rc = http_fail(req, rc, "not found");
	else if (rc)
		rc = api_resource_fail(req, c, &link_resource, rc, "link");
	return api_no_content(resp, c, rc);
}
