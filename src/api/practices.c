/* Good practices: the resource (fields, filters, rules' messages) and the
 * review workflow. */
#include "api/api.h"
#include "api/handlers.h"
#include "api/resource.h"
#include "api/validate.h"
#include "core/countof.h"
#include "core/err.h"
#include "domain/activity.h"
#include "domain/practice.h"

#include <stdlib.h>
#include <string.h>

static const char *const statuses_create[] = {"draft", "submitted", NULL};

#define PRACTICE_FIELDS(req, statuses)                                                             \
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
	    {"language", V_STRING, 0, 2, 8, NULL, 0}, {"links", V_STRINGS, 0, 0, 2000, NULL, 0},   \
	{                                                                                          \
		"status", V_ENUM, 0, 0, 0, statuses, 0                                             \
	}

static const struct vfield create_spec[] = {PRACTICE_FIELDS(1, statuses_create)};
static const struct vfield patch_spec[] = {PRACTICE_FIELDS(0, practice_statuses)};
const struct vfield api_review_spec[2] = {
    {"verdict", V_ENUM, 1, 0, 0, practice_verdicts, 0},
    {"comments", V_STRING, 0, 0, 10000, NULL, 0},
};

static const struct rwhy why[] = {
    {"origin_country", "names a country that does not exist"},
    {"status", "cannot move this way: the author moves draft <-> submitted and "
	       "rejected -> draft or submitted, and changes the content only while "
	       "draft or rejected; reviews move the rest"},
    {"reviewer", "reviews are by users with the reviewer flag, of another organisation "
		 "than the author's, once per round"},
    {"comments", "are required to reject"},
};

static const struct rfilter filters[] = {
    {"status", RF_ENUM, practice_statuses, 0},
    {"country", RF_COUNTRY, NULL, 0},
    {"evidence_level", RF_ENUM, practice_evidence_levels, 0},
    {"q", RF_TEXT, NULL, 0},
};

static int list(struct db_conn *c, const struct caller *who, const struct rquery *q, json_t *items,
		char **next)
{
	return practice_list(c, who, rquery_get(q, "status"), rquery_get(q, "country"),
			     rquery_get(q, "evidence_level"), rquery_get(q, "q"), q->after,
			     q->limit, items, next);
}

RESOURCE_CRUD(practice_resource, "practice", "practices", RES_PRACTICE, practice,
	      RES_CREATE(create_spec), RES_PATCH(patch_spec), RES_FILTERS(filters), RES_WHY(why),
	      .list = list);

int api_practices_review(struct http_req *req, struct http_resp *resp)
{
	const char *id;
	json_t *body;
	int rc = api_path_body(req, api_review_spec, N(api_review_spec), &id, &body);
	if (rc)
		return rc;
	struct db_conn *c = api_db(req);
	char rid[37], status[16];
	const char *field = NULL;
	rc = practice_review_add(c, api_caller(req), id, body, http_request_id(req), rid, status,
				 &field);
	if (rc) {
		rc = api_resource_fail(req, c, &practice_resource, rc, field);
	} else if (strcmp(status, "rejected") == 0) {
		/* a rejected practice goes back to its organisation: the reviewer
		 * learns only the outcome */
		rc = http_resp_json(
		    resp, 201,
		    json_pack("{s:s, s:s, s:s}", "id", id, "review_id", rid, "status", status));
	} else {
		rc = api_resource_answer(req, resp, c, &practice_resource, id, 201);
	}
	db_release(c);
	json_decref(body);
	return rc;
}
