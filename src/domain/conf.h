/** Events (issue 19): conferences and meetings with sessions,
 * contributions and speakers, versioned minutes; their outcomes
 * (recommendations, decisions, commitments) and the actions those become,
 * with an owner organisation, a due date and links to a commitment,
 * proposal, activity or practice. */
#ifndef TR_DOMAIN_CONF_H
#define TR_DOMAIN_CONF_H

#include "db/db.h"
#include "domain/acl.h"
#include "domain/shrec.h"

#include <jansson.h>
#include <stdint.h>

extern const char *const conf_event_types[];
extern const char *const conf_outcome_kinds[];
extern const char *const conf_action_statuses[];
extern const char *const conf_action_due[]; /* list filter: overdue, soon */
extern const struct shrec conf_event_table, conf_outcome_table, conf_action_table;

/** Adds a version of the minutes of a visible event (its organisation, or
 * an organiser); with base_version in body, TR_ERR_PRECONDITION when the
 * latest version is another (a change made in the meantime). */
int conf_minutes_add(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		     const char *request_id, const char **field /* OUT */);
/** Every version of the minutes of a visible event, newest first. */
int conf_minutes_list(struct db_conn *c, const struct caller *who, const char *id,
		      json_t **out /* OUT */);
/** A page of visible actions (filters: status, owner, event, outcome, and
 * due: "overdue" before now, "soon" within 7 days of now, open ones). */
int conf_action_list(struct db_conn *c, const struct caller *who, const char *status,
		     const char *owner_org_id, const char *event_id, const char *outcome_id,
		     const char *due, int64_t now, const char *after, int limit, json_t *items,
		     char **next_key /* OUT */);

/** The deadline scan for the inbox: calls fn for every open action that is
 * overdue or due within 7 days of now (the owner organisation, the action
 * id, whether overdue). The notifications module raises the inbox items
 * from it (each once per action and state); until its inbox is on this
 * branch, GET /api/v1/actions?due=overdue|soon lists them. */
int conf_actions_due(struct db_conn *c, int64_t now,
		     int (*fn)(void *ctx, const char *owner_org_id, const char *action_id,
			       int overdue),
		     void *ctx);

#endif
