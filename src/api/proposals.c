/* Proposals for co-operation: CRUD, endorsements and verification. */
#include "api/api.h"
#include "api/handlers.h"
#include "api/resource.h"
#include "api/validate.h"
#include "core/countof.h"
#include "core/err.h"
#include "core/uuid.h"
#include "domain/proposal.h"

#include <stdlib.h>
#include <string.h>

static const char *const statuses_create[] = {"draft", "open", NULL};

#define PROPOSAL_FIELDS(req, statuses)                                                             \
	{"title", V_STRING, req, 3, 300, NULL, 0},                                                 \
	    {"description", V_STRING, 0, 0, 20000, NULL, 0},                                       \
	    {"partners", V_UUIDS, 0, 0, 0, NULL, 0}, {"countries", V_STRINGS, 0, 0, 2, NULL, 0},   \
	    {"practices", V_UUIDS, 0, 0, 0, NULL, 0}, {"activities", V_UUIDS, 0, 0, 0, NULL, 0},   \
	    SHARING_FIELDS(req),                                                                   \
	{                                                                                          \
		"status", V_ENUM, 0, 0, 0, statuses, 0                                             \
	}

static const struct vfield create_spec[] = {PROPOSAL_FIELDS(1, statuses_create)};
static const struct vfield patch_spec[] = {PROPOSAL_FIELDS(0, proposal_statuses)};
static const struct vfield endorse_spec[] = {
    {"comment", V_STRING, 0, 0, 2000, NULL, 0},
};

static const struct rwhy why[] = {
    {"distribution", "is required"},
    SHARING_GROUP_WHY,
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
    {"endorser", "your role may not endorse proposals: analysts and organisation "
		 "administrators do, and so do the accounts of civil-society and youth "
		 "organisations"},
};

static const struct rfilter filters[] = {
    {"status", RF_ENUM, proposal_statuses, 0},
};

static int list(struct db_conn *c, const struct caller *who, const struct rquery *q, json_t *items,
		char **next)
{
	return proposal_list(c, who, rquery_get(q, "status"), q->after, q->limit, items, next);
}

RESOURCE_CRUD(proposal_resource, "proposal", "proposals", RES_PROPOSAL, proposal,
	      RES_CREATE(create_spec), RES_PATCH(patch_spec), RES_FILTERS(filters), RES_WHY(why),
	      .list = list);

int api_proposals_endorse(struct http_req *req, struct http_resp *resp)
{
	return api_resource_act(req, resp, endorse_spec, N(endorse_spec), proposal_endorse);
}

int api_proposals_endorse_update(struct http_req *req, struct http_resp *resp)
{
	return api_resource_act_status(req, resp, endorse_spec, N(endorse_spec),
				       proposal_endorse_update, 200);
}

static int review(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		  const char *request_id, const char **field)
{
	char rid[37];
	return proposal_review_add(c, who, id, body, request_id, rid, field);
}

int api_proposals_review(struct http_req *req, struct http_resp *resp)
{
	return api_resource_act(req, resp, api_review_spec, N(api_review_spec), review);
}
