/* Proposals for co-operation: CRUD, endorsements and verification. */
#include "api/api.h"
#include "api/handlers.h"
#include "api/validate.h"
#include "core/err.h"
#include "core/uuid.h"
#include "domain/practice.h"
#include "domain/proposal.h"

#include <stdlib.h>
#include <string.h>

static const char *const statuses_create[] = {"draft", "open", NULL};

#define PROPOSAL_FIELDS(req)                                                                       \
	{"title", V_STRING, req, 3, 300, NULL, 0},                                                 \
	    {"description", V_STRING, 0, 0, 20000, NULL, 0},                                       \
	    {"partners", V_UUIDS, 0, 0, 0, NULL, 0}, {"countries", V_STRINGS, 0, 0, 2, NULL, 0},   \
	    {"practices", V_UUIDS, 0, 0, 0, NULL, 0}, {"activities", V_UUIDS, 0, 0, 0, NULL, 0},   \
	    {"distribution", V_ENUM, req, 0, 0, acl_distributions, 0},                             \
	{                                                                                          \
		"sharing_group_id", V_UUID, 0, 0, 0, NULL, 1                                       \
	}

static const struct vfield create_spec[] = {
    PROPOSAL_FIELDS(1),
    {"status", V_ENUM, 0, 0, 0, statuses_create, 0},
};
static const struct vfield patch_spec[] = {
    PROPOSAL_FIELDS(0),
    {"status", V_ENUM, 0, 0, 0, proposal_statuses, 0},
};
static const struct vfield review_spec[] = {
    {"verdict", V_ENUM, 1, 0, 0, practice_verdicts, 0},
    {"comments", V_STRING, 0, 0, 10000, NULL, 0},
};
static const struct vfield endorse_spec[] = {
    {"comment", V_STRING, 0, 0, 2000, NULL, 0},
};
#define N(a) (sizeof(a) / sizeof(a[0]))

static int proposal_fail(struct http_req *req, struct db_conn *c, int rc, const char *field)
{
	static const struct {
		const char *field, *message;
	} why[] = {
	    {"distribution", "is required"},
	    {"sharing_group_id", "is required with distribution sharing_group (only then), and "
				 "your organisation must belong to the group"},
	    {"partners", "must name existing organisations other than your own"},
	    {"countries", "names a country that does not exist"},
	    {"practices", "names a practice you cannot see"},
	    {"activities", "names an activity you cannot see"},
	    {"status", "cannot move this way (draft <-> open, verified -> agreed -> implemented, "
		       "closed from any; a reviewer verifies an open proposal; drafts and closed "
		       "proposals take no endorsements)"},
	    {"reviewer", "reviews are by users with the reviewer flag, of another organisation "
			 "than the proposer's, once each"},
	    {"comments", "are required to reject"},
	    {"org_id", "an organisation does not endorse its own proposal"},
	    {"endorsement", "your organisation has already endorsed this proposal"},
	};
	if (rc == TR_ERR_FORBIDDEN && field && strcmp(field, "distribution") == 0)
		return api_domain_fail(req, c, rc, field); /* a share without the right */
	for (size_t i = 0; field && i < N(why); i++)
		if (strcmp(why[i].field, field) == 0)
			return api_activities_fail(req, c, rc, field, why[i].message);
	return api_domain_fail(req, c, rc, field);
}

static int proposal_answer(struct http_req *req, struct http_resp *resp, struct db_conn *c,
			   const char *id, int status)
{
	json_t *p = NULL;
	int rc = proposal_get(c, api_caller(req), id, &p);
	if (rc)
		return api_domain_fail(req, c, rc, NULL);
	api_etag(resp, json_integer_value(json_object_get(p, "version")));
	if (status == 201)
		api_idem_save(req, c, status, p);
	return http_resp_json(resp, status, p);
}

int api_proposals_create(struct http_req *req, struct http_resp *resp)
{
	if (!practice_role_can(api_caller(req)->role, ACT_CREATE))
		return http_fail(req, TR_ERR_FORBIDDEN, "your role may not write proposals");
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
	rc = proposal_create(c, api_caller(req), body, http_request_id(req), id, &field);
	rc = rc ? proposal_fail(req, c, rc, field) : proposal_answer(req, resp, c, id, 201);
	db_release(c);
	json_decref(body);
	return rc;
}

int api_proposals_update(struct http_req *req, struct http_resp *resp)
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
	rc = proposal_update(c, api_caller(req), id, body, version, http_request_id(req), &field);
	rc = rc ? proposal_fail(req, c, rc, field) : proposal_answer(req, resp, c, id, 200);
	db_release(c);
	json_decref(body);
	return rc;
}

int api_proposals_get(struct http_req *req, struct http_resp *resp)
{
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	struct db_conn *c = api_db(req);
	int rc = proposal_answer(req, resp, c, id, 200);
	db_release(c);
	return rc;
}

int api_proposals_list(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {"status", NULL};
	struct api_page page;
	const char *status = http_query(req, "status");
	int rc = api_query_allow(req, allowed);
	rc |= api_page_read(req, &page);
	int known = !status;
	for (const char *const *s = proposal_statuses; status && *s; s++)
		known |= strcmp(*s, status) == 0;
	if (!known)
		rc |= http_field_error(req, "status", "is not one of the allowed values");
	if (page.after && (!strchr(page.after, ':') || !tr_uuid_valid(strchr(page.after, ':') + 1)))
		rc |= http_field_error(req, "cursor", "is not a cursor this server issued");
	if (rc)
		return TR_ERR_INVALID;
	json_t *items = json_array();
	char *next = NULL;
	struct db_conn *c = api_db(req);
	rc = proposal_list(c, api_caller(req), status, page.after, page.limit, items, &next);
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

int api_proposals_endorse(struct http_req *req, struct http_resp *resp)
{
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	json_t *body;
	int rc = api_body(req, endorse_spec, N(endorse_spec), 0, &body);
	if (rc)
		return rc;
	struct db_conn *c = api_db(req);
	const char *field = NULL;
	rc = proposal_endorse(c, api_caller(req), id, body, http_request_id(req), &field);
	if (rc == TR_ERR_FORBIDDEN)
		rc = http_fail(
		    req, rc,
		    "your role may not endorse proposals: analysts and organisation "
		    "administrators do, and so do the accounts of civil-society and youth "
		    "organisations");
	else
		rc = rc ? proposal_fail(req, c, rc, field) : proposal_answer(req, resp, c, id, 201);
	db_release(c);
	json_decref(body);
	return rc;
}

int api_proposals_review(struct http_req *req, struct http_resp *resp)
{
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	json_t *body;
	int rc = api_body(req, review_spec, N(review_spec), 0, &body);
	if (rc)
		return rc;
	struct db_conn *c = api_db(req);
	char rid[37];
	const char *field = NULL;
	rc = proposal_review_add(c, api_caller(req), id, body, http_request_id(req), rid, &field);
	rc = rc ? proposal_fail(req, c, rc, field) : proposal_answer(req, resp, c, id, 201);
	db_release(c);
	json_decref(body);
	return rc;
}
