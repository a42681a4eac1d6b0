/* Users: the resource (fields, filters, the messages of its refusals),
 * one's own password change and an administrator's reset. */
#include "api/api.h"
#include "api/handlers.h"
#include "api/resource.h"
#include "api/validate.h"
#include "core/countof.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "domain/auth.h"
#include "domain/user.h"

#include <string.h>

static const char *const roles[] = {"admin",   "org_admin", "analyst", "officer",
				    "partner", "viewer",    NULL};

/* The fields of a create and a change (req: required on create). */
#define USER_FIELDS(req)                                                                           \
	{"name", V_STRING, req, 1, 200, NULL, 0}, {"org_id", V_UUID, req, 0, 0, NULL, 0},          \
	    {"role", V_ENUM, req, 0, 0, roles, 0}, VFIELD_PASSWORD(0),                             \
	{                                                                                          \
		"reviewer", V_BOOL, 0, 0, 0, NULL, 0                                               \
	}

static const struct vfield user_spec[] = {
    {"email", V_EMAIL, 1, 0, 0, NULL, 0},
    USER_FIELDS(1),
};

/* The languages of e-mail (the web app's too). */
static const char *const user_languages[] = {"en", "fr", "ru", NULL};

static const struct vfield user_patch_spec[] = {
    USER_FIELDS(0),
    {"disabled", V_BOOL, 0, 0, 0, NULL, 0},
    {"current_password", V_STRING, 0, 1, 1024, NULL, 0},
    {"language", V_ENUM, 0, 0, 0, user_languages, 0},
    {"digest_hour", V_INT, 0, 0, 23, NULL, 0},
};

static const struct vfield reset_spec[] = {VFIELD_PASSWORD(1)};

/* The answers of the users' own refusals, by route: the message of the
 * field (when the domain names one) and the problem's detail. */
static const struct {
	const char *pattern, *field, *why, *detail;
} refusals[] = {
    {"/api/v1/users", NULL, NULL,
     "you may create users of your own organisation only, and no instance administrators"},
    {"/api/v1/users/{id}", "password",
     "another user's password is reset with POST /api/v1/users/{id}/password-reset",
     "you may change only your own password here"},
    {"/api/v1/users/{id}/password-reset", "password",
     "your own password is changed with PATCH /api/v1/users/{id} and current_password",
     "you may not reset your own password"},
    {"/api/v1/users/{id}/password-reset", NULL, NULL,
     "only an administrator, or an organisation administrator for a user of their "
     "organisation, resets a password"},
};

static int fail(struct http_req *req, struct db_conn *c, int rc, const char *field)
{
	const char *pattern = http_route_pattern(req);
	for (size_t i = 0; rc == TR_ERR_FORBIDDEN && pattern && i < N(refusals); i++) {
		if (strcmp(refusals[i].pattern, pattern) != 0 ||
		    (refusals[i].field ? !field || strcmp(refusals[i].field, field) != 0 : !!field))
			continue;
		if (field)
			http_field_error(req, field, refusals[i].why);
		return http_fail(req, rc, refusals[i].detail);
	}
	return api_domain_fail(req, c, rc, field);
}

static const struct rfilter filters[] = {
    {"org_id", RF_UUID, NULL, 0},
    {"role", RF_ENUM, roles, 0},
};

/* One's own password changes only with the current one, checked (and
 * throttled) like a sign-in; it then leaves the body. */
static int own_password_check(struct http_req *req, struct http_resp *resp, const char *id,
			      json_t *body)
{
	const struct caller *who = api_caller(req);
	const char *current = vstr(body, "current_password");
	int self = strcmp(who->user_id, id) == 0;
	if (!json_object_get(body, "password") || !self) {
		if (current)
			return http_field_error(req, "current_password",
						"is only sent with a new password for yourself");
		return TR_OK;
	}
	if (!current)
		return http_field_error(req, "current_password",
					"is required to change your own password");
	int rc = api_password_throttle(req, resp, NULL, who->user_id);
	if (rc)
		return rc;
	struct db_conn *c = api_db(req);
	rc = auth_password_check(c, who->user_id, current, http_request_id(req));
	if (rc == TR_ERR_FORBIDDEN) {
		http_field_error(req, "current_password", "is not your current password");
		rc = http_fail(req, rc, "the current password is wrong");
	} else if (rc) {
		rc = api_domain_fail(req, c, rc, NULL);
	} else {
		struct app *app = http_app(req);
		auth_throttle_refund(app->sign_in, api_client_addr(req), tr_now_ms());
		json_object_del(body, "current_password");
	}
	db_release(c);
	return rc;
}

RESOURCE_CRUD(user_resource, "user", "users", RES_USER, user, RES_CREATE(user_spec),
	      RES_PATCH(user_patch_spec), RES_FILTERS(filters), .cursor_uuid = 1,
	      .list2 = user_list, .fail = fail, .before_update = own_password_check,
	      .forbidden = "your role may not create users");

static int password_reset(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
			  const char *request_id, const char **field)
{
	return user_password_reset(c, who, id, vstr(body, "password"), request_id, field);
}

/* An administrator sets another user's password: 204, no record; a
 * refusal is answered by fail, the user resource's (the route's). */
int api_users_password_reset(struct http_req *req, struct http_resp *resp)
{
	return api_resource_act_status(req, resp, reset_spec, N(reset_spec), password_reset, 204);
}

/* the form of a user, for GET /api/v1/schema/{form} */
const struct vform api_form_user = {"user", user_spec, N(user_spec)};
