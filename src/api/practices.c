/* Good practices: CRUD, the review workflow, and a plain text filter until
 * full-text search arrives. */
#include "api/api.h"
#include "api/handlers.h"
#include "api/validate.h"
#include "core/err.h"
#include "core/uuid.h"
#include "domain/activity.h"
#include "domain/practice.h"

#include <stdlib.h>
#include <string.h>

static const char *const statuses_create[] = {"draft", "submitted", NULL};

#define PRACTICE_FIELDS(req)                                                                       \
	{"title", V_STRING, req, 3, 300, NULL, 0}, {"summary", V_STRING, 0, 0, 2000, NULL, 0},     \
	    {"description", V_STRING, 0, 0, 50000, NULL, 0},                                       \
	    {"origin_country", V_COUNTRY, 0, 0, 0, NULL, 1},                                       \
	    {"target_group", V_STRING, 0, 0, 500, NULL, 0},                                        \
	    {"setting", V_ENUM, 0, 0, 0, activity_settings, 1},                                    \
	    {"approach", V_STRING, 0, 0, 10000, NULL, 0},                                          \
	    {"evidence_level", V_ENUM, 0, 0, 0, practice_evidence_levels, 0},                      \
	    {"evidence_rationale", V_STRING, 0, 0, 10000, NULL, 0},                                \
	    {"evaluation_design", V_ENUM, 0, 0, 0, practice_designs, 0},                           \
	    {"evaluation_findings", V_STRING, 0, 0, 10000, NULL, 0},                               \
	    {"resources_needed", V_STRING, 0, 0, 10000, NULL, 0},                                  \
	    {"lessons_learned", V_STRING, 0, 0, 10000, NULL, 0},                                   \
	    {"language", V_STRING, 0, 2, 8, NULL, 0},                                              \
	{                                                                                          \
		"links", V_STRINGS, 0, 0, 2000, NULL, 0                                            \
	}

static const struct vfield create_spec[] = {
    PRACTICE_FIELDS(1),
    {"status", V_ENUM, 0, 0, 0, statuses_create, 0},
};
static const struct vfield patch_spec[] = {
    PRACTICE_FIELDS(0),
    {"status", V_ENUM, 0, 0, 0, practice_statuses, 0},
};
static const struct vfield review_spec[] = {
    {"verdict", V_ENUM, 1, 0, 0, practice_verdicts, 0},
    {"comments", V_STRING, 0, 0, 10000, NULL, 0},
};
#define N(a) (sizeof(a) / sizeof(a[0]))

static int practice_fail(struct http_req *req, struct db_conn *c, int rc, const char *field)
{
	static const struct {
		const char *field, *message;
	} why[] = {
	    {"origin_country", "names a country that does not exist"},
	    {"status", "cannot move this way: the author moves draft <-> submitted and "
		       "rejected -> draft or submitted, and changes the content only while "
		       "draft or rejected; reviews move the rest"},
	    {"reviewer", "reviews are by users with the reviewer flag, of another organisation "
			 "than the author's, once per round"},
	    {"comments", "are required to reject"},
	};
	for (size_t i = 0; field && i < N(why); i++)
		if (strcmp(why[i].field, field) == 0)
			return api_activities_fail(req, c, rc, field, why[i].message);
	return api_domain_fail(req, c, rc, field);
}

static int practice_answer(struct http_req *req, struct http_resp *resp, struct db_conn *c,
			   const char *id, int status)
{
	json_t *p = NULL;
	int rc = practice_get(c, api_caller(req), id, &p);
	if (rc)
		return api_domain_fail(req, c, rc, NULL);
	api_etag(resp, json_integer_value(json_object_get(p, "version")));
	if (status == 201)
		api_idem_save(req, c, status, p);
	return http_resp_json(resp, status, p);
}

int api_practices_create(struct http_req *req, struct http_resp *resp)
{
	if (!practice_role_can(api_caller(req)->role, ACT_CREATE))
		return http_fail(req, TR_ERR_FORBIDDEN, "your role may not write practices");
	json_t *body;
	int rc = api_body(req, create_spec, N(create_spec), 0, &body);
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
	rc = practice_create(c, api_caller(req), body, http_request_id(req), id, &field);
	rc = rc ? practice_fail(req, c, rc, field) : practice_answer(req, resp, c, id, 201);
	db_release(c);
	json_decref(body);
	return rc;
}

int api_practices_update(struct http_req *req, struct http_resp *resp)
{
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	json_t *body;
	int64_t version;
	int rc = api_body(req, patch_spec, N(patch_spec), 1, &body);
	if (rc)
		return rc;
	if ((rc = api_if_match(req, &version))) {
		json_decref(body);
		return rc;
	}
	struct db_conn *c = api_db(req);
	const char *field = NULL;
	rc = practice_update(c, api_caller(req), id, body, version, http_request_id(req), &field);
	rc = rc ? practice_fail(req, c, rc, field) : practice_answer(req, resp, c, id, 200);
	db_release(c);
	json_decref(body);
	return rc;
}

int api_practices_get(struct http_req *req, struct http_resp *resp)
{
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	struct db_conn *c = api_db(req);
	int rc = practice_answer(req, resp, c, id, 200);
	db_release(c);
	return rc;
}

int api_practices_list(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {"status", "country", "evidence_level", "q", NULL};
	struct api_page page;
	const char *status, *evidence, *country = http_query(req, "country"),
				       *q = http_query(req, "q");
	int rc = api_query_allow(req, allowed);
	rc |= api_page_read(req, &page);
	rc |= api_query_enum(req, "status", practice_statuses, &status);
	rc |= api_query_enum(req, "evidence_level", practice_evidence_levels, &evidence);
	if (country && strlen(country) != 2)
		rc |= http_field_error(req, "country", "must be an ISO 3166-1 alpha-2 code");
	if (q && (strlen(q) < 1 || strlen(q) > 200))
		rc |= http_field_error(req, "q", "must be 1 to 200 characters");
	if (page.after && (!strchr(page.after, ':') || !tr_uuid_valid(strchr(page.after, ':') + 1)))
		rc |= http_field_error(req, "cursor", "is not a cursor this server issued");
	if (rc)
		return TR_ERR_INVALID;
	json_t *items = json_array();
	char *next = NULL;
	struct db_conn *c = api_db(req);
	rc = practice_list(c, api_caller(req), status, country, evidence, q, page.after, page.limit,
			   items, &next);
	if (rc)
		rc = api_db_fail(req, c, rc);
	db_release(c);
	const char *cursor = next ? api_cursor_make(req, next) : NULL;
	free(next);
	if (rc) {
		json_decref(items);
		return rc;
	}
	return http_resp_json(resp, 200, api_page_json(items, cursor));
}

int api_practices_review(struct http_req *req, struct http_resp *resp)
{
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	json_t *body;
	int rc = api_body(req, review_spec, N(review_spec), 0, &body);
	if (rc)
		return rc;
	struct db_conn *c = api_db(req);
	char rid[37], status[16];
	const char *field = NULL;
	rc = practice_review_add(c, api_caller(req), id, body, http_request_id(req), rid, status,
				 &field);
	if (rc) {
		rc = practice_fail(req, c, rc, field);
	} else if (strcmp(status, "rejected") == 0) {
		/* a rejected practice goes back to its organisation: the reviewer
		 * learns only the outcome */
		rc = http_resp_json(
		    resp, 201,
		    json_pack("{s:s, s:s, s:s}", "id", id, "review_id", rid, "status", status));
	} else {
		rc = practice_answer(req, resp, c, id, 201);
	}
	db_release(c);
	json_decref(body);
	return rc;
}
