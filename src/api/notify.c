/* The inbox, subscriptions, and the public half of onboarding (forgot
 * password, setting a password from a token). */
#include "api/api.h"
#include "api/handlers.h"
#include "api/resource.h"
#include "api/validate.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/alert.h"
#include "domain/auth.h"
#include "domain/notify.h"
#include "domain/notify_title.h"
#include "domain/onboard.h"
#include "domain/place.h"

#include <stdlib.h>
#include <string.h>

static const char *const inbox_kinds[] = {"alert",
					  "practice_published",
					  "proposal_open",
					  "activity_new",
					  "tip_routed",
					  "tip_message",
					  "tip_assigned",
					  "tip_deadline",
					  "tip_overdue",
					  "tip_escalated",
					  "signal",
					  "proposal_endorse",
					  "practice_review",
					  "webhook_disabled",
					  "referral_deadline",
					  "referral_overdue",
					  "referral_escalated",
					  "referral_expired",
					  "action_due",
					  "action_overdue",
					  NULL};
static const char *const ref_types[] = {"alert",   "tip",      "signal", "proposal", "practice",
					"webhook", "referral", "action", "activity", NULL};
static const char *const bools[] = {"true", "false", NULL};

int api_inbox_list(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {"unread", "kind", "ref_type", NULL};
	struct api_page page;
	const char *unread = NULL, *kind = NULL, *ref_type = NULL;
	int rc = api_query_allow(req, allowed);
	if (!rc)
		rc = api_page_read(req, &page);
	if (!rc)
		rc = api_query_enum(req, "unread", bools, &unread);
	if (!rc)
		rc = api_query_enum(req, "kind", inbox_kinds, &kind);
	if (!rc)
		rc = api_query_enum(req, "ref_type", ref_types, &ref_type);
	if (rc)
		return rc;
	json_t *items = json_array();
	char *next = NULL;
	struct db_conn *c = api_db(req);
	rc = notify_inbox_list(c, api_caller(req)->user_id, unread && strcmp(unread, "true") == 0,
			       kind, ref_type, page.after, page.limit, items, &next);
	if (rc == TR_ERR_INVALID)
		rc = http_field_error(req, "cursor", "is not a cursor this server issued");
	else if (rc)
		rc = api_db_fail(req, c, rc);
	/* each item named as the reader sees its record now */
	if (!rc &&
	    (rc = notify_inbox_titles(c, api_caller(req),
				      place_lang(http_header(req, "Accept-Language")), items)))
		rc = api_db_fail(req, c, rc);
	int64_t unread_n = 0;
	if (!rc && (rc = notify_unread_count(c, api_caller(req)->user_id, &unread_n)))
		rc = api_db_fail(req, c, rc);
	db_release(c);
	if (rc) {
		json_decref(items);
		free(next);
		return rc;
	}
	json_t *out = api_page_json(items, next ? api_cursor_make(req, next) : NULL);
	free(next);
	json_object_set_new(out, "unread", json_integer(unread_n));
	return http_resp_json(resp, 200, out);
}

int api_inbox_read(struct http_req *req, struct http_resp *resp)
{
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	struct db_conn *c = api_db(req);
	int rc = notify_inbox_read(c, api_caller(req)->user_id, id, tr_now_ms());
	if (rc)
		rc = api_domain_fail(req, c, rc, NULL);
	return api_no_content(resp, c, rc);
}

int api_inbox_read_all(struct http_req *req, struct http_resp *resp)
{
	struct db_conn *c = api_db(req);
	int64_t n = 0;
	int rc = notify_inbox_read_all(c, api_caller(req)->user_id, tr_now_ms(), &n);
	rc = api_db_end(req, c, rc, NULL);
	if (rc)
		return rc;
	return http_resp_json(resp, 200, json_pack("{s:I}", "marked", (json_int_t)n));
}

static const char *const tlps[] = {"clear", "green", "amber", "amber+strict", "red", NULL};

static const struct vfield sub_spec[] = {
    {"record_type", V_ENUM, 1, 0, 0, notify_record_types, 0},
    {"categories", V_STRINGS, 0, 0, 64, NULL, 0},
    {"substances", V_UUIDS, 0, 0, 0, NULL, 0},
    {"countries", V_STRINGS, 0, 0, 2, NULL, 0},
    {"area", V_OBJECT, 0, 0, 0, NULL, 1},
    {"tlp_max", V_ENUM, 0, 0, 0, tlps, 0},
    {"delivery", V_ENUM, 1, 0, 0, notify_deliveries, 0},
};

/* What the table cannot say: which filters the record type has, its
 * categories from its module's own list, countries in upper-case ISO
 * form. */
static int sub_check(struct http_req *req, json_t *body)
{
	const struct notify_type *t =
	    notify_type_of(json_string_value(json_object_get(body, "record_type")));
	if (!t)
		return http_field_error(req, "record_type", "is not a record type one may follow");
	static const struct {
		const char *field;
		unsigned flag;
	} filters[] = {{"categories", NF_CATEGORIES},
		       {"substances", NF_SUBSTANCES},
		       {"countries", NF_COUNTRIES},
		       {"area", NF_AREA},
		       {"tlp_max", NF_TLP}};
	for (size_t k = 0; k < N(filters); k++) {
		json_t *v = json_object_get(body, filters[k].field);
		int given = v && !json_is_null(v) && !(json_is_array(v) && !json_array_size(v));
		if (given && !(t->filters & filters[k].flag))
			return http_field_error(req, filters[k].field,
						"does not apply to this record type");
	}
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(body, "categories"), i, v)
	{
		int ok = 0;
		for (int k = 0; t->categories && t->categories[k]; k++)
			ok |= strcmp(t->categories[k], json_string_value(v)) == 0;
		if (!ok)
			return http_field_error(req, "categories", "holds an unknown category");
	}
	json_array_foreach(json_object_get(body, "countries"), i, v)
	{
		const char *s = json_string_value(v);
		if (strlen(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z')
			return http_field_error(req, "countries",
						"holds a code that is not ISO 3166-1 alpha-2");
	}
	return TR_OK;
}

static int sub_check_hook(struct http_req *req, json_t *body, int partial)
{
	(void)partial;
	return sub_check(req, body);
}

static const struct rwhy sub_why[] = {
    {"area", "must be {lat, lon, radius_m}: lat within 90, lon within 180, radius 1 m to 2000 km"},
};

RESOURCE(subscription_resource, "subscription", "subscriptions", RES_SUBSCRIPTION,
	 RES_CREATE(sub_spec), RES_WHY(sub_why), .cursor_uuid = 1, .get = notify_sub_get,
	 .list_ids = notify_sub_list, .create = notify_sub_create, .check = sub_check_hook);

int api_subscriptions_delete(struct http_req *req, struct http_resp *resp)
{
	return api_path_delete(req, resp, notify_sub_delete);
}

static const struct vfield forgot_spec[] = {
    {"email", V_EMAIL, 1, 0, 0, NULL, 0},
};

/* The same 202 for a known, unknown or disabled address; throttled per
 * source address like sign-ins. */
int api_auth_forgot(struct http_req *req, struct http_resp *resp)
{
	json_t *body;
	int rc = api_body(req, forgot_spec, 1, 0, &body);
	if (rc)
		return rc;
	struct app *app = http_app(req);
	rc = api_throttle_take(req, resp, app->sign_in, "too many requests from this address");
	if (rc) {
		json_decref(body);
		return rc;
	}
	struct db_conn *c = api_db(req);
	rc = onboard_forgot(c, vstr(body, "email"), http_request_id(req), tr_now_ms());
	rc = api_db_end(req, c, rc, NULL);
	json_decref(body);
	if (rc)
		return rc;
	return http_resp_json(resp, 202,
			      json_pack("{s:s}", "detail",
					"if the address belongs to an account, a link to choose a "
					"new password is on its way"));
}

static const struct vfield password_spec[] = {
    {"token", V_STRING, 1, 20, 200, NULL, 0},
    VFIELD_PASSWORD(1),
};

int api_auth_password(struct http_req *req, struct http_resp *resp)
{
	json_t *body;
	int rc = api_body(req, password_spec, 2, 0, &body);
	if (rc)
		return rc;
	struct db_conn *c = api_db(req);
	rc = onboard_password_set(c, vstr(body, "token"), vstr(body, "password"),
				  http_request_id(req), tr_now_ms());
	if (rc == TR_ERR_INVALID)
		rc = http_field_error(req, "token", "is unknown, already used or expired");
	else if (rc)
		rc = api_db_fail(req, c, rc);
	json_decref(body);
	return api_no_content(resp, c, rc);
}
