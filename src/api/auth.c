#include "api/api.h"
#include "api/resource.h"
#include "api/handlers.h"
#include "api/validate.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "domain/activity.h"
#include "domain/auth.h"
#include "domain/notify.h"
#include "domain/place.h"
#include "domain/practice.h"
#include "domain/tip.h"
#include "domain/user.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define SESSION_COOKIE "trellis_session"

static int is_safe(const char *method)
{
	return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
}

static int secrets_equal(const char *a, const char *b)
{
	size_t n = strlen(a);
	return n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}

int api_authenticate(struct http_req *req, struct http_resp *resp)
{
	struct app *app = http_app(req);
	struct caller *who = arena_alloc(http_arena(req), sizeof(*who));
	if (!who)
		return TR_ERR_NOMEM;
	const char *auth = http_header(req, "Authorization");
	const char *cookie = http_cookie(req, SESSION_COOKIE);
	int64_t now = tr_now_ms();
	struct db_conn *c = api_db(req);
	int rc = TR_ERR_UNAUTH;
	char csrf[AUTH_SECRET_LEN] = "";
	if (auth && strncmp(auth, "Bearer ", 7) == 0 && strlen(auth) < 200)
		rc = auth_token_lookup(c, auth + 7, now, who);
	else if (!auth && cookie && strlen(cookie) < 200)
		rc = auth_session_lookup(c, cookie, now, app->session_idle_ms, app->session_max_ms,
					 who, csrf);
	if (rc && rc != TR_ERR_UNAUTH)
		rc = api_db_fail(req, c, rc);
	db_release(c);
	if (rc == TR_ERR_UNAUTH) {
		http_resp_header(resp, "WWW-Authenticate", "Bearer");
		return http_fail(req, rc, "sign in, or send a valid API token");
	}
	if (rc)
		return rc;
	if (!is_safe(http_method(req))) {
		who->alert_seq_read = false; /* a write reads what it wrote */
		if (who->read_only)
			return http_fail(req, TR_ERR_FORBIDDEN, "this API token is read-only");
		const char *sent = http_header(req, "X-CSRF-Token");
		if (who->via_session && (!sent || !secrets_equal(sent, csrf)))
			return http_fail(req, TR_ERR_FORBIDDEN,
					 "X-CSRF-Token is missing or does not match the session");
	}
	snprintf(who->lang, sizeof(who->lang), "%s",
		 place_lang(http_header(req, "Accept-Language")));
	http_set_user(req, who);
	return TR_OK;
}

static const struct vfield login_spec[] = {
    {"email", V_STRING, 1, 1, 320, NULL, 0},
    {"password", V_STRING, 1, 1, 1024, NULL, 0},
};

static json_t *me_json(struct db_conn *c, const struct caller *who, int *rc)
{
	json_t *u = NULL;
	*rc = user_get(c, who, who->user_id, &u);
	return u;
}

int api_login(struct http_req *req, struct http_resp *resp)
{
	json_t *body;
	int rc = api_body(req, login_spec, 2, 0, &body);
	if (rc)
		return rc;
	if ((rc = api_password_throttle(req, resp, vstr(body, "email"), NULL))) {
		json_decref(body);
		return rc;
	}
	struct db_conn *c = api_db(req);
	char user_id[37] = "", token[AUTH_SECRET_LEN], csrf[AUTH_SECRET_LEN];
	rc = auth_login(c, vstr(body, "email"), vstr(body, "password"), http_request_id(req),
			user_id, token, csrf);
	json_decref(body);
	struct app *app = http_app(req);
	struct caller who;
	if (!rc) {
		auth_throttle_refund(app->sign_in, api_client_addr(req), tr_now_ms());
		rc = auth_caller_load(c, user_id, &who);
	}
	json_t *u = NULL;
	if (!rc)
		u = me_json(c, &who, &rc);
	rc = api_db_fail_as(req, c, rc, TR_ERR_UNAUTH, "the email or the password is wrong");
	db_release(c);
	if (rc)
		return rc;
	char cookie[200];
	snprintf(cookie, sizeof(cookie),
		 SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; "
				"Max-Age=%lld%s",
		 token, (long long)(app->session_max_ms / 1000),
		 http_is_tls(req) ? "; Secure" : "");
	http_resp_header(resp, "Set-Cookie", cookie);
	sodium_memzero(token, sizeof(token));
	return http_resp_json(resp, 200, json_pack("{s:o, s:s}", "user", u, "csrf_token", csrf));
}

int api_logout(struct http_req *req, struct http_resp *resp)
{
	const char *cookie = http_cookie(req, SESSION_COOKIE);
	if (cookie && api_caller(req)->via_session) {
		struct db_conn *c = api_db(req);
		int rc = auth_session_delete(c, cookie);
		rc = api_db_end(req, c, rc, NULL);
		if (rc)
			return rc;
	}
	http_resp_header(resp, "Set-Cookie",
			 SESSION_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	http_resp_status(resp, 204);
	return TR_OK;
}

/* The role tables read out for the web app: resource -> the actions the
 * role may take at all ("share" = set a distribution wider than
 * organisation or country, or change one; a read-only token: list and
 * read only). Record-level rules (own
 * organisation, workflow state) come on top, as in the tables. */
static json_t *me_can(enum role r, bool read_only)
{
	json_t *can = json_object();
	for (int res = 0; res < RES__MAX; res++) {
		json_t *list = json_array();
		for (int a = 0; a < ACT__MAX; a++)
			if (acl_role_can(r, res, a) &&
			    (!read_only || a == ACT_LIST || a == ACT_READ))
				json_array_append_new(list, json_string(acl_action_name(a)));
		json_object_set_new(can, acl_resource_name(res), list);
	}
	return can;
}

int api_me(struct http_req *req, struct http_resp *resp)
{
	const struct caller *who = api_caller(req);
	struct db_conn *c = api_db(req);
	int rc;
	json_t *u = me_json(c, who, &rc);
	int64_t unread = 0;
	if (!rc)
		rc = notify_unread_count(c, who->user_id, &unread);
	if (rc) {
		json_decref(u);
		rc = api_db_fail(req, c, rc);
	}
	char csrf[AUTH_SECRET_LEN] = "";
	struct caller again;
	const char *cookie = http_cookie(req, SESSION_COOKIE);
	struct app *app = http_app(req);
	/* the app needs the CSRF token again after a page reload */
	if (!rc && who->via_session && cookie)
		auth_session_lookup(c, cookie, tr_now_ms(), app->session_idle_ms,
				    app->session_max_ms, &again, csrf);
	db_release(c);
	if (rc)
		return rc;
	json_object_set_new(u, "country",
			    who->country[0] ? json_string(who->country) : json_null());
	json_object_set_new(u, "read_only", json_boolean(who->read_only));
	json_object_set_new(u, "unread", json_integer(unread));
	json_object_set_new(u, "can", me_can(who->role, who->read_only));
	if (csrf[0])
		json_object_set_new(u, "csrf_token", json_string(csrf));
	return http_resp_json(resp, 200, u);
}

static const struct vfield token_spec[] = {
    {"name", V_STRING, 1, 1, 100, NULL, 0},
    {"expires_in_days", V_INT, 0, 1, 366, NULL, 0},
    {"read_only", V_BOOL, 0, 0, 0, NULL, 0},
};

int api_tokens_create(struct http_req *req, struct http_resp *resp)
{
	json_t *body;
	int rc = api_body(req, token_spec, 3, 0, &body);
	if (rc)
		return rc;
	const struct caller *who = api_caller(req);
	json_t *days = json_object_get(body, "expires_in_days");
	int64_t now = tr_now_ms();
	int64_t expires = now + (days ? json_integer_value(days) : 90) * 86400000LL;
	char id[37], secret[AUTH_SECRET_LEN + 8], exp[32];
	struct db_conn *c = api_db(req);
	int ro = json_is_true(json_object_get(body, "read_only"));
	rc = auth_token_create(c, who, http_request_id(req), who->user_id, vstr(body, "name"),
			       expires, ro, now, id, secret);
	rc = api_db_end(req, c, rc, NULL);
	tr_time_format(expires, exp);
	json_t *out =
	    rc ? NULL
	       : json_pack("{s:s, s:s, s:s, s:s, s:b}", "id", id, "name", vstr(body, "name"),
			   "token", secret, "expires_at", exp, "read_only", ro);
	json_decref(body);
	sodium_memzero(secret, sizeof(secret));
	return rc ? rc : http_resp_json(resp, 201, out);
}

int api_tokens_list(struct http_req *req, struct http_resp *resp)
{
	json_t *items = json_array();
	struct db_conn *c = api_db(req);
	int rc = auth_token_list(c, api_caller(req)->user_id, items);
	if (rc)
		rc = api_db_fail(req, c, rc);
	return api_page_answer(resp, c, rc, items, 200);
}

int api_tokens_delete(struct http_req *req, struct http_resp *resp)
{
	struct db_conn *c = api_db(req);
	int rc = auth_token_revoke(c, api_caller(req), http_request_id(req), http_param(req, "id"),
				   tr_now_ms());
	if (rc)
		rc = api_domain_fail(req, c, rc, NULL);
	return api_no_content(resp, c, rc);
}

/* the sign-in form, for GET /api/v1/schema/{form} (api/schema.c) */
const struct vform api_form_login = {"login", login_spec,
				     sizeof(login_spec) / sizeof(login_spec[0])};
