/* GET /api/v1/schema/{form}: the field table the server checks a form's
 * body with, and the messages of its rules in the caller's language, so
 * that the web app checks the same rules before it sends (web/js/check.js)
 * and says what is wrong in the same words the server would. */
#include "api/app.h"
#include "api/handlers.h"
#include "api/resource.h"
#include "api/validate.h"
#include "core/err.h"
#include "http/messages.h"

#include <stdio.h>
#include <string.h>

/* A resource of the resource mechanism by form name: its name with
 * underscores for spaces ("sharing_group"). */
static const struct api_resource *resource_named(const char *name)
{
	for (size_t i = 0; i < api_nroutes; i++) {
		const struct api_resource *r = api_routes[i].ctx;
		if (api_routes[i].fn != api_resource_create || !r || !r->name)
			continue;
		char form[64];
		snprintf(form, sizeof(form), "%s", r->name);
		for (char *c = form; *c; c++)
			if (*c == ' ')
				*c = '_';
		if (strcmp(form, name) == 0)
			return r;
	}
	return NULL;
}

/* declared next to their field tables */
extern const struct vform api_form_tip, api_form_tip_message, api_form_login, api_form_user,
    api_form_organisation, api_form_alert;

static const struct vform *const forms[] = {
    &api_form_tip,  &api_form_tip_message,  &api_form_login,
    &api_form_user, &api_form_organisation, &api_form_alert,
};

/* The rules of api/validate.c by name, with the English message each
 * gives ({0}, {1}: the bounds); the browser fills in the bounds. */
static const struct {
	const char *rule, *en;
} rules[] = {
    {"required", "is required"},
    {"not_null", "must not be null"},
    {"unknown_field", "is not a field of this resource"},
    {"string", "must be a string"},
    {"control", "must not contain control characters"},
    {"too_long", "must be at most {0} characters long"},
    {"empty", "must not be empty"},
    {"too_short", "must be at least {0} characters long"},
    {"enum", "must be one of: {0}"},
    {"integer_range", "must be an integer from {0} to {1}"},
    {"number_range", "must be a number from {0} to {1}"},
    {"boolean", "must be true or false"},
    {"uuid", "must be an id (UUID)"},
    {"country", "must be an ISO 3166-1 alpha-2 code"},
    {"time", "must be an RFC 3339 date-time"},
    {"email", "must be an email address"},
    {"items", "must be an array of at most 100 items"},
    {"object", "must be an object"},
    {"array", "must be an array"},
};

int api_schema(struct http_req *req, struct http_resp *resp)
{
	const char *name = http_param(req, "form");
	const struct vform *f = NULL;
	for (size_t i = 0; name && i < sizeof(forms) / sizeof(forms[0]); i++)
		if (strcmp(forms[i]->name, name) == 0)
			f = forms[i];
	const struct api_resource *res = f || !name ? NULL : resource_named(name);
	struct vform rf;
	if (res) {
		rf = (struct vform){name, res->create_spec, res->ncreate};
		f = &rf;
	}
	if (!f)
		return http_fail(req, TR_ERR_NOT_FOUND, "no such form");
	int lang = msg_lang_pick(http_header(req, "Accept-Language"));
	json_t *messages = json_object();
	for (size_t i = 0; messages && i < sizeof(rules) / sizeof(rules[0]); i++) {
		const char *code = NULL;
		const char *text = msg_translate(http_arena(req), rules[i].en, lang, &code);
		json_object_set_new(messages, rules[i].rule,
				    json_pack("{s:s, s:s}", "code", code, "message", text));
	}
	json_t *out =
	    json_pack("{s:s, s:s, s:o, s:o*}", "form", f->name, "language", msg_lang_tag(lang),
		      "fields", validate_schema_json(f->fields, f->n), "messages", messages);
	if (!out)
		return http_fail(req, TR_ERR_NOMEM, "out of memory");
	/* a resource's PATCH checks another table: nothing required */
	if (res && res->patch_spec)
		json_object_set_new(out, "patch_fields",
				    validate_schema_json(res->patch_spec, res->npatch));
	http_resp_header(resp, "Content-Language", msg_lang_tag(lang));
	http_resp_header(resp, "Vary", "Accept-Language");
	return http_resp_json(resp, 200, out);
}
