/* The title of an inbox item: a human name of its record, read at listing
 * time for the reader through the record's own access function (the one
 * its API uses), so an item says no more than the record's page would and
 * nothing once the reader can no longer see the record. Never a person's
 * data: a referral is named by its service and the day it was sent. */
#include "core/err.h"
#include "domain/activity.h"
#include "domain/alert.h"
#include "domain/conf.h"
#include "domain/notify.h"
#include "domain/notify_title.h"
#include "domain/practice.h"
#include "domain/proposal.h"
#include "domain/referral.h"
#include "domain/service.h"
#include "domain/signal.h"
#include "domain/tip.h"
#include "domain/webhook.h"

#include <stdio.h>
#include <string.h>

typedef int (*get_fn)(struct db_conn *c, const struct caller *who, const char *id, json_t **out);

static int action_get(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	return shrec_read(&conf_action_table, c, who, id, out);
}

/* Each record type: its row of the permission table, its reader, and the
 * field that names it. */
static const struct {
	const char *ref_type;
	enum resource res;
	get_fn get;
	const char *field;
} kinds[] = {
    {"tip", RES_TIP, tip_get, "reference"},
    {"alert", RES_ALERT, alert_get, "title"},
    {"proposal", RES_PROPOSAL, proposal_get, "title"},
    {"practice", RES_PRACTICE, practice_get, "title"},
    {"action", RES_ACTION, action_get, "title"},
    {"activity", RES_ACTIVITY, activity_get, "title"},
    {"webhook", RES_WEBHOOK, webhook_get, "url"},
};

/* A referral: "<service name> · <day sent>", no field of the person. */
static int referral_title(struct db_conn *c, const struct caller *who, const char *id,
			  json_t **title)
{
	json_t *r = NULL, *svc = NULL;
	int rc = referral_get(c, who, id, &r);
	if (rc)
		return rc;
	const char *sid = json_string_value(json_object_get(r, "service_id"));
	const char *sent = json_string_value(json_object_get(r, "sent_at"));
	const char *name = NULL;
	if (sid && !(rc = service_get(c, who, sid, &svc)))
		name = json_string_value(json_object_get(svc, "name"));
	if (rc == TR_ERR_NOT_FOUND)
		rc = TR_OK;
	char text[300];
	snprintf(text, sizeof(text), "%s%s%.10s", name ? name : "", name && sent ? " · " : "",
		 sent ? sent : "");
	if (!rc)
		*title = text[0] ? json_string(text) : json_null();
	json_decref(r);
	json_decref(svc);
	return rc;
}

static int title_of(struct db_conn *c, const struct caller *who, const char *lang, const char *type,
		    const char *id, json_t **title)
{
	*title = json_null();
	if (!type || !id)
		return TR_OK;
	if (strcmp(type, "signal") == 0) {
		char text[400];
		if (!acl_role_can(who->role, RES_SIGNAL, ACT_READ))
			return TR_ERR_NOT_FOUND;
		int rc = signal_title(c, who, id, lang, text, sizeof(text));
		if (!rc)
			*title = json_string(text);
		return rc;
	}
	if (strcmp(type, "referral") == 0)
		return referral_title(c, who, id, title);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(kinds[i].ref_type, type) != 0)
			continue;
		if (!acl_role_can(who->role, kinds[i].res, ACT_READ))
			return TR_ERR_NOT_FOUND;
		json_t *rec = NULL;
		int rc = kinds[i].get(c, who, id, &rec);
		if (!rc) {
			const char *v = json_string_value(json_object_get(rec, kinds[i].field));
			if (v && *v)
				*title = json_string(v);
		}
		json_decref(rec);
		return rc;
	}
	return TR_OK;
}

int notify_inbox_titles(struct db_conn *c, const struct caller *who, const char *lang,
			json_t *items)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		json_t *title = NULL;
		int rc = title_of(c, who, lang, json_string_value(json_object_get(it, "ref_type")),
				  json_string_value(json_object_get(it, "ref_id")), &title);
		if (rc == TR_ERR_NOT_FOUND || rc == TR_ERR_FORBIDDEN) {
			json_decref(title);
			title = json_null();
			rc = TR_OK;
		}
		if (rc) {
			json_decref(title);
			return rc;
		}
		json_object_set_new(it, "title", title);
	}
	return TR_OK;
}
