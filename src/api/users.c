#include "api/api.h"
#include "api/handlers.h"
#include "api/validate.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/auth.h"
#include "domain/org.h"
#include "domain/user.h"

#include <string.h>

static const char *const roles[] = {"admin",   "org_admin", "analyst", "officer",
				    "partner", "viewer",    NULL};

static const struct vfield user_spec[] = {
    {"email", V_EMAIL, 1, 0, 0, NULL, 0},	  {"name", V_STRING, 1, 1, 200, NULL, 0},
    {"org_id", V_UUID, 1, 0, 0, NULL, 0},	  {"role", V_ENUM, 1, 0, 0, roles, 0},
    {"password", V_STRING, 0, 12, 1024, NULL, 0}, {"reviewer", V_BOOL, 0, 0, 0, NULL, 0},
};

/* The languages of e-mail (the web app's too). */
static const char *const user_languages[] = {"en", "fr", "ru", NULL};

static const struct vfield user_patch_spec[] = {
    {"name", V_STRING, 0, 1, 200, NULL, 0},
    {"org_id", V_UUID, 0, 0, 0, NULL, 0},
    {"role", V_ENUM, 0, 0, 0, roles, 0},
    {"password", V_STRING, 0, 12, 1024, NULL, 0},
    {"reviewer", V_BOOL, 0, 0, 0, NULL, 0},
    {"disabled", V_BOOL, 0, 0, 0, NULL, 0},
    {"current_password", V_STRING, 0, 1, 1024, NULL, 0},
    {"language", V_ENUM, 0, 0, 0, user_languages, 0},
    {"digest_hour", V_INT, 0, 0, 23, NULL, 0},
};

static const struct vfield reset_spec[] = {
    {"password", V_STRING, 1, 12, 1024, NULL, 0},
};

static int user_answer(struct http_req *req, struct http_resp *resp, struct db_conn *c,
		       const char *id, int status)
{
	json_t *u = NULL;
	int rc = user_get(c, api_caller(req), id, &u);
	if (rc)
		return api_domain_fail(req, c, rc, NULL);
	api_etag(resp, json_integer_value(json_object_get(u, "version")));
	if (status == 201)
		api_idem_save(req, c, status, u);
	return http_resp_json(resp, status, u);
}

int api_users_list(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {"org_id", "role", NULL};
	struct api_page page;
	int rc = api_query_allow(req, allowed);
	if (!rc)
		rc = api_page_read(req, &page);
	const char *role = http_query(req, "role");
	if (role && role_parse(role) < 0)
		rc = http_field_error(req, "role", "is not a role");
	if (!rc && page.after && !tr_uuid_valid(page.after))
		rc = http_field_error(req, "cursor", "is not a cursor this server issued");
	if (rc)
		return rc;
	json_t *items = json_array();
	int more = 0;
	struct db_conn *c = api_db(req);
	rc = user_list(c, api_caller(req), http_query(req, "org_id"), role, page.after, page.limit,
		       items, &more);
	if (rc)
		rc = api_db_fail(req, c, rc);
	db_release(c);
	if (rc) {
		json_decref(items);
		return rc;
	}
	size_t n = json_array_size(items);
	const char *next =
	    more && n
		? api_cursor_make(
		      req, json_string_value(json_object_get(json_array_get(items, n - 1), "id")))
		: NULL;
	return http_resp_json(resp, 200, api_page_json(items, next));
}

int api_users_get(struct http_req *req, struct http_resp *resp)
{
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	struct db_conn *c = api_db(req);
	int rc = user_answer(req, resp, c, id, 200);
	db_release(c);
	return rc;
}

int api_users_create(struct http_req *req, struct http_resp *resp)
{
	if (!acl_role_can(api_caller(req)->role, RES_USER, ACT_CREATE))
		return http_fail(req, TR_ERR_FORBIDDEN, "your role may not create users");
	json_t *body;
	int rc = api_body(req, user_spec, sizeof(user_spec) / sizeof(user_spec[0]), 0, &body);
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
	rc = user_create(c, api_caller(req), body, http_request_id(req), id, &field);
	if (rc == TR_ERR_FORBIDDEN)
		rc = http_fail(req, rc,
			       "you may create users of your own organisation only, "
			       "and no instance administrators");
	else if (rc)
		rc = api_domain_fail(req, c, rc, field);
	else
		rc = user_answer(req, resp, c, id, 201);
	db_release(c);
	json_decref(body);
	return rc;
}

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

int api_users_update(struct http_req *req, struct http_resp *resp)
{
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	int64_t version;
	json_t *body;
	int rc = api_body(req, user_patch_spec,
			  sizeof(user_patch_spec) / sizeof(user_patch_spec[0]), 1, &body);
	if (rc)
		return rc;
	if ((rc = api_if_match(req, &version)) || (rc = own_password_check(req, resp, id, body))) {
		json_decref(body);
		return rc;
	}
	struct db_conn *c = api_db(req);
	const char *field = NULL;
	rc = user_update(c, api_caller(req), id, body, version, http_request_id(req), &field);
	if (rc == TR_ERR_FORBIDDEN && field && strcmp(field, "password") == 0) {
		http_field_error(req, field,
				 "another user's password is reset with"
				 " POST /api/v1/users/{id}/password-reset");
		rc = http_fail(req, rc, "you may change only your own password here");
	} else {
		rc = rc ? api_domain_fail(req, c, rc, field) : user_answer(req, resp, c, id, 200);
	}
	db_release(c);
	json_decref(body);
	return rc;
}

int api_users_password_reset(struct http_req *req, struct http_resp *resp)
{
	const char *id = http_param(req, "id");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	json_t *body;
	int rc = api_body(req, reset_spec, 1, 0, &body);
	if (rc)
		return rc;
	struct db_conn *c = api_db(req);
	const char *field = NULL;
	rc = user_password_reset(c, api_caller(req), id, vstr(body, "password"),
				 http_request_id(req), &field);
	if (rc == TR_ERR_FORBIDDEN && field) {
		http_field_error(req, field,
				 "your own password is changed with PATCH /api/v1/users/{id}"
				 " and current_password");
		rc = http_fail(req, rc, "you may not reset your own password");
	} else if (rc == TR_ERR_FORBIDDEN) {
		rc = http_fail(req, rc,
			       "only an administrator, or an organisation administrator for a"
			       " user of their organisation, resets a password");
	} else if (rc) {
		rc = api_domain_fail(req, c, rc, NULL);
	}
	db_release(c);
	json_decref(body);
	if (rc)
		return rc;
	http_resp_status(resp, 204);
	return TR_OK;
}

static const struct vfield org_spec[] = {
    {"name", V_STRING, 1, 1, 300, NULL, 0},   {"kind", V_ENUM, 1, 0, 0, org_kinds, 0},
    {"country", V_COUNTRY, 0, 0, 0, NULL, 1}, {"parent_id", V_UUID, 0, 0, 0, NULL, 1},
    {"key", V_STRING, 0, 2, 64, NULL, 0},
};

static int org_answer(struct http_req *req, struct http_resp *resp, struct db_conn *c,
		      const char *id, int status)
{
	json_t *o = NULL;
	int rc = org_get(c, id, &o);
	if (rc)
		return api_domain_fail(req, c, rc, NULL);
	api_etag(resp, json_integer_value(json_object_get(o, "version")));
	if (status == 201)
		api_idem_save(req, c, status, o);
	return http_resp_json(resp, status, o);
}

int api_orgs_create(struct http_req *req, struct http_resp *resp)
{
	if (!acl_role_can(api_caller(req)->role, RES_ORGANISATION, ACT_CREATE))
		return http_fail(req, TR_ERR_FORBIDDEN,
				 "only instance administrators add organisations");
	json_t *body;
	int rc = api_body(req, org_spec, sizeof(org_spec) / sizeof(org_spec[0]), 0, &body);
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
	rc = org_create(c, api_caller(req), body, http_request_id(req), id, &field);
	if (rc == TR_ERR_INVALID && field && strcmp(field, "country") == 0)
		rc = http_field_error(req, field,
				      "is required (except for international organisations)"
				      " and must be a known country");
	else
		rc = rc ? api_domain_fail(req, c, rc, field) : org_answer(req, resp, c, id, 201);
	db_release(c);
	json_decref(body);
	return rc;
}

int api_orgs_update(struct http_req *req, struct http_resp *resp)
{
	const char *id = http_param(req, "id");
	if (!acl_role_can(api_caller(req)->role, RES_ORGANISATION, ACT_UPDATE))
		return http_fail(req, TR_ERR_FORBIDDEN,
				 "only instance administrators change organisations");
	if (!tr_uuid_valid(id))
		return http_fail(req, TR_ERR_NOT_FOUND, "not found");
	json_t *body;
	int64_t version;
	int rc = api_body(req, org_spec, sizeof(org_spec) / sizeof(org_spec[0]) - 1, 1, &body);
	if (rc)
		return rc;
	if ((rc = api_if_match(req, &version))) {
		json_decref(body);
		return rc;
	}
	struct db_conn *c = api_db(req);
	const char *field = NULL;
	rc = org_update(c, api_caller(req), id, body, version, http_request_id(req), &field);
	if (rc == TR_ERR_INVALID && field && strcmp(field, "country") == 0)
		rc = http_field_error(req, field,
				      "is required (except for international organisations)"
				      " and must be a known country");
	else
		rc = rc ? api_domain_fail(req, c, rc, field) : org_answer(req, resp, c, id, 200);
	db_release(c);
	json_decref(body);
	return rc;
}

/* the forms of users and organisations, for GET /api/v1/schema/{form} */
const struct vform api_form_user = {"user", user_spec, sizeof(user_spec) / sizeof(user_spec[0])};
const struct vform api_form_organisation = {"organisation", org_spec,
					    sizeof(org_spec) / sizeof(org_spec[0])};
