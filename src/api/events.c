/* Events: conferences and meetings with sessions and versioned minutes,
 * their outcomes, and the actions those become. */
#include "api/api.h"
#include "api/handlers.h"
#include "api/resource.h"
#include "api/resource_shrec.h"
#include "api/validate.h"
#include "core/countof.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/conf.h"
#include "domain/conf_sessions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- events ---- */

#define EVENT_FIELDS(req)                                                                          \
	{"title", V_STRING, req, 3, 500, NULL, 0},                                                 \
	    {"type", V_ENUM, req, 0, 0, conf_event_types, 0},                                      \
	    {"series", V_STRING, 0, 1, 200, NULL, 1}, {"starts_on", V_TIME, req, 0, 0, NULL, 0},   \
	    {"ends_on", V_TIME, 0, 0, 0, NULL, 1}, {"timezone", V_STRING, 0, 1, 64, NULL, 1},      \
	    {"place", V_STRING, 0, 0, 300, NULL, 1}, {"online", V_BOOL, 0, 0, 0, NULL, 0},         \
	    {"organisers", V_UUIDS, 0, 0, 0, NULL, 0},                                             \
	    {"participants", V_UUIDS, 0, 0, 0, NULL, 0}, {"sessions", V_ARRAY, 0, 0, 0, NULL, 0},  \
	    {"demo", V_BOOL, 0, 0, 0, NULL, 0}, SHARE_FIELDS(req)

static const struct vfield event_create[] = {EVENT_FIELDS(1)};
static const struct vfield event_patch[] = {EVENT_FIELDS(0)};

/* sessions: [{id?, title, starts_at?, ends_at?, description?,
 * contributions: [{id?, title, abstract?, speakers: [{name, org_id?,
 * role?}]}]}] (conf_sessions_check) */
static int event_body_check(struct http_req *req, json_t *body, int partial)
{
	(void)partial;
	size_t at = 0;
	int rc = conf_sessions_check(json_object_get(body, "sessions"), &at);
	if (rc == CONF_SESSIONS_TOO_MANY)
		return http_field_error(req, "sessions", "must be at most 100");
	if (rc == CONF_SESSIONS_SAME_ID)
		return http_field_error(req, "sessions",
					"names a session or contribution id twice");
	if (rc) {
		char name[64];
		snprintf(name, sizeof(name), "sessions[%zu]", at);
		return http_field_error(req, name,
					"must be {title, starts_at, ends_at, description, "
					"contributions: [{title, abstract, speakers: [{name, "
					"org_id, role}]}]}");
	}
	return TR_OK;
}

static const struct rfilter event_filters[] = {
    {"series", RF_TEXT, NULL, 200},
    {"type", RF_ENUM, conf_event_types, 0},
};

static const struct rwhy event_why[] = {
    SHARE_WHY,
    {"ends_on", "must not be before starts_on"},
    {"organisers", "must name existing organisations"},
    {"participants", "must name existing organisations"},
    {"sessions", "a speaker's org_id names no organisation"},
    {"outcomes", "the event still has outcomes: delete them first"},
};

SHREC_LIST_FN(event, conf_event_table)

SHREC_RESOURCE(event_resource, "event", RES_EVENT, event, conf_event_table,
	       .check = event_body_check);

/* base_version: the version the author started from (0: none yet); when
 * given, a newer version in the meantime answers 412, nothing is lost */
static const struct vfield minutes_spec[] = {
    {"text", V_STRING, 1, 1, 200000, NULL, 0},
    {"base_version", V_INT, 0, 0, 1000000000, NULL, 0},
};

int api_events_minutes_add(struct http_req *req, struct http_resp *resp)
{
	return api_resource_act(req, resp, minutes_spec, N(minutes_spec), conf_minutes_add);
}

int api_events_minutes_list(struct http_req *req, struct http_resp *resp)
{
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	json_t *out = NULL;
	struct db_conn *c = api_db(req);
	int rc = conf_minutes_list(c, api_caller(req), id, &out);
	if (rc)
		rc = api_domain_fail(req, c, rc, NULL);
	db_release(c);
	return rc ? rc : http_resp_json(resp, 200, out);
}

/* ---- outcomes ---- */

#define OUTCOME_FIELDS(req)                                                                        \
	{"session_id", V_UUID, 0, 0, 0, NULL, 1}, {"contribution_id", V_UUID, 0, 0, 0, NULL, 1},   \
	    {"kind", V_ENUM, req, 0, 0, conf_outcome_kinds, 0},                                    \
	    {"text", V_STRING, req, 1, 10000, NULL, 0}, SHARE_FIELDS(req)

static const struct vfield outcome_create[] = {
    {"event_id", V_UUID, 1, 0, 0, NULL, 0},
    OUTCOME_FIELDS(1),
};
static const struct vfield outcome_patch[] = {OUTCOME_FIELDS(0)};

static const struct rfilter outcome_filters[] = {
    {"event_id", RF_UUID, NULL, 0},
    {"kind", RF_ENUM, conf_outcome_kinds, 0},
};

static const struct rwhy outcome_why[] = {
    SHARE_WHY,
    {"event_id", "names an event you cannot see"},
    {"session_id", "names no session of the event"},
    {"contribution_id", "names no contribution of the session"},
    {"actions", "the outcome still has actions: delete them first"},
};

SHREC_LIST_FN(outcome, conf_outcome_table)

SHREC_RESOURCE(outcome_resource, "outcome", RES_OUTCOME, outcome, conf_outcome_table);

/* ---- actions ---- */

#define ACTION_FIELDS(req)                                                                         \
	{"title", V_STRING, req, 3, 500, NULL, 0}, {"owner_org_id", V_UUID, req, 0, 0, NULL, 0},   \
	    {"due_on", V_TIME, req, 0, 0, NULL, 0},                                                \
	    {"status", V_ENUM, 0, 0, 0, conf_action_statuses, 0},                                  \
	    {"notes", V_STRING, 0, 0, 10000, NULL, 0},                                             \
	    {"commitment_id", V_UUID, 0, 0, 0, NULL, 1},                                           \
	    {"proposal_id", V_UUID, 0, 0, 0, NULL, 1}, {"activity_id", V_UUID, 0, 0, 0, NULL, 1},  \
	    {"practice_id", V_UUID, 0, 0, 0, NULL, 1}, SHARE_FIELDS(req)

static const struct vfield action_create[] = {
    {"outcome_id", V_UUID, 1, 0, 0, NULL, 0},
    ACTION_FIELDS(1),
};
static const struct vfield action_patch[] = {ACTION_FIELDS(0)};

static const struct rfilter action_filters[] = {
    {"status", RF_ENUM, conf_action_statuses, 0},
    {"owner_org_id", RF_UUID, NULL, 0},
    {"event_id", RF_UUID, NULL, 0},
    {"outcome_id", RF_UUID, NULL, 0},
    {"due", RF_ENUM, conf_action_due, 0},
};

static const struct rwhy action_why[] = {
    SHARE_WHY,
    {"outcome_id", "names an outcome you cannot see"},
    {"owner_org_id", "names no organisation"},
    {"commitment_id", "names a commitment you cannot see"},
    {"proposal_id", "names a proposal you cannot see"},
    {"activity_id", "names an activity you cannot see"},
    {"practice_id", "names a practice you cannot see"},
};

static int action_list(struct db_conn *c, const struct caller *who, const struct rquery *q,
		       json_t *items, char **next)
{
	return conf_action_list(c, who, rquery_get(q, "status"), rquery_get(q, "owner_org_id"),
				rquery_get(q, "event_id"), rquery_get(q, "outcome_id"),
				rquery_get(q, "due"), tr_now_ms(), q->after, q->limit, items, next);
}

SHREC_RESOURCE(action_resource, "action", RES_ACTION, action, conf_action_table);
