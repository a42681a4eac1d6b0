#include "api/validate.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Characters, not bytes: jansson has already checked the UTF-8. */
static size_t utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t' && *s != '\r')
			return 1;
	return 0;
}

static int check_string(struct http_req *req, const char *name, json_t *v, const struct vfield *f)
{
	char msg[128];
	if (!json_is_string(v))
		return http_field_error(req, name, "must be a string");
	const char *s = json_string_value(v);
	size_t n = utf8_len(s);
	if (strlen(s) != json_string_length(v) || has_control(s))
		return http_field_error(req, name, "must not contain control characters");
	if (n > (size_t)f->max) {
		snprintf(msg, sizeof(msg), "must be at most %.0f characters long", f->max);
		return http_field_error(req, name, msg);
	}
	if (n == 0 && f->min >= 1)
		return http_field_error(req, name, "must not be empty");
	if (n < (size_t)f->min) {
		snprintf(msg, sizeof(msg), "must be at least %.0f characters long", f->min);
		return http_field_error(req, name, msg);
	}
	return TR_OK;
}

static int check_enum(struct http_req *req, const char *name, json_t *v, const struct vfield *f)
{
	/* an empty choice (a form's unset select) is no choice at all */
	if (json_is_string(v) && json_string_length(v) == 0)
		return http_field_error(req, name, "must not be empty");
	if (json_is_string(v))
		for (const char *const *e = f->values; *e; e++)
			if (strcmp(*e, json_string_value(v)) == 0)
				return TR_OK;
	char msg[400];
	size_t o = (size_t)snprintf(msg, sizeof(msg), "must be one of:");
	for (const char *const *e = f->values; *e && o < sizeof(msg); e++)
		o += (size_t)snprintf(msg + o, sizeof(msg) - o, " %s", *e);
	return http_field_error(req, name, msg);
}

static int check_email(const char *s)
{
	const char *at = strchr(s, '@');
	return at && at != s && strchr(at + 1, '.') && !strchr(at + 1, '@') && !strchr(s, ' ') &&
	       strlen(s) <= 254;
}

static int check_one(struct http_req *req, const char *name, json_t *v, const struct vfield *f)
{
	char msg[128];
	int64_t t;
	switch (f->type) {
	case V_STRING:
		return check_string(req, name, v, f);
	case V_ENUM:
		return check_enum(req, name, v, f);
	case V_INT:
		if (!json_is_integer(v) || json_integer_value(v) < f->min ||
		    json_integer_value(v) > f->max) {
			snprintf(msg, sizeof(msg), "must be an integer from %.0f to %.0f", f->min,
				 f->max);
			return http_field_error(req, name, msg);
		}
		return TR_OK;
	case V_NUMBER:
		if (!json_is_number(v) || !isfinite(json_number_value(v)) ||
		    json_number_value(v) < f->min || json_number_value(v) > f->max) {
			snprintf(msg, sizeof(msg), "must be a number from %g to %g", f->min,
				 f->max);
			return http_field_error(req, name, msg);
		}
		return TR_OK;
	case V_BOOL:
		return json_is_boolean(v) ? TR_OK
					  : http_field_error(req, name, "must be true or false");
	case V_UUID:
		return json_is_string(v) && tr_uuid_valid(json_string_value(v))
			   ? TR_OK
			   : http_field_error(req, name, "must be an id (UUID)");
	case V_COUNTRY: {
		const char *s = json_string_value(v);
		if (!s || strlen(s) != 2 || !isupper((unsigned char)s[0]) ||
		    !isupper((unsigned char)s[1]))
			return http_field_error(req, name, "must be an ISO 3166-1 alpha-2 code");
		return TR_OK;
	}
	case V_TIME:
		return json_is_string(v) && tr_time_parse(json_string_value(v), &t) == TR_OK
			   ? TR_OK
			   : http_field_error(req, name, "must be an RFC 3339 date-time");
	case V_EMAIL:
		return json_is_string(v) && check_email(json_string_value(v))
			   ? TR_OK
			   : http_field_error(req, name, "must be an email address");
	case V_STRINGS:
	case V_UUIDS: {
		if (!json_is_array(v) || json_array_size(v) > 100)
			return http_field_error(req, name, "must be an array of at most 100 items");
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
		{
			char item[96];
			snprintf(item, sizeof(item), "%s[%zu]", name, i);
			if (f->type == V_UUIDS &&
			    !(json_is_string(e) && tr_uuid_valid(json_string_value(e))))
				return http_field_error(req, item, "must be an id (UUID)");
			if (f->type == V_STRINGS) {
				struct vfield each = {name, V_STRING, 0, 1, f->max ? f->max : 200,
						      NULL, 0};
				int rc = check_string(req, item, e, &each);
				if (rc)
					return rc;
			}
		}
		return TR_OK;
	}
	case V_OBJECT:
		return json_is_object(v) ? TR_OK : http_field_error(req, name, "must be an object");
	case V_ARRAY:
		return json_is_array(v) ? TR_OK : http_field_error(req, name, "must be an array");
	}
	return TR_ERR_INTERNAL;
}

int validate_body(struct http_req *req, json_t *body, const struct vfield *spec, size_t nfields,
		  int partial)
{
	const char *key;
	json_t *v;
	int bad = 0;
	json_object_foreach(body, key, v)
	{
		const struct vfield *f = NULL;
		for (size_t i = 0; i < nfields && !f; i++)
			if (strcmp(spec[i].name, key) == 0)
				f = &spec[i];
		if (!f) {
			http_field_error(req, key, "is not a field of this resource");
			bad = 1;
		} else if (json_is_null(v)) {
			/* null clears a nullable field; elsewhere it is no value at all,
			 * and a PATCH would leave a required field empty */
			if (!f->nullable) {
				http_field_error(req, key, "must not be null");
				bad = 1;
			}
		} else if (check_one(req, key, v, f)) {
			bad = 1;
		}
	}
	for (size_t i = 0; i < nfields && !partial; i++) {
		if (spec[i].required && !json_object_get(body, spec[i].name)) {
			http_field_error(req, spec[i].name, "is required");
			bad = 1;
		}
	}
	if (partial && json_object_size(body) == 0) {
		http_fail(req, TR_ERR_INVALID, "the body changes nothing");
		return TR_ERR_INVALID;
	}
	return bad ? TR_ERR_INVALID : TR_OK;
}

const char *vstr(json_t *body, const char *name)
{
	return json_string_value(json_object_get(body, name));
}

int vhas(json_t *body, const char *name)
{
	return json_object_get(body, name) != NULL;
}

json_t *validate_enum_json(const char *const *values)
{
	json_t *e = json_array();
	for (const char *const *v = values; e && v && *v; v++)
		json_array_append_new(e, json_string(*v));
	return e;
}

void validate_bounds_json(json_t *j, const struct vfield *f, const char *lo, const char *hi,
			  int real)
{
	json_object_set_new(j, lo, real ? json_real(f->min) : json_integer((json_int_t)f->min));
	json_object_set_new(j, hi, real ? json_real(f->max) : json_integer((json_int_t)f->max));
}

json_t *validate_schema_json(const struct vfield *spec, size_t nfields)
{
	static const char *const types[] = {
	    [V_STRING] = "string",   [V_ENUM] = "enum",	   [V_INT] = "integer",
	    [V_NUMBER] = "number",   [V_BOOL] = "boolean", [V_UUID] = "uuid",
	    [V_COUNTRY] = "country", [V_TIME] = "time",	   [V_EMAIL] = "email",
	    [V_STRINGS] = "strings", [V_UUIDS] = "uuids",  [V_OBJECT] = "object",
	    [V_ARRAY] = "array",
	};
	json_t *out = json_array();
	for (size_t i = 0; out && i < nfields; i++) {
		const struct vfield *f = &spec[i];
		json_t *j =
		    json_pack("{s:s, s:s, s:b, s:b}", "name", f->name, "type", types[f->type],
			      "required", f->required, "nullable", f->nullable);
		if (!j)
			continue;
		switch (f->type) {
		case V_STRING:
			validate_bounds_json(j, f, "min_length", "max_length", 0);
			break;
		case V_INT:
		case V_NUMBER:
			validate_bounds_json(j, f, "minimum", "maximum", f->type == V_NUMBER);
			break;
		case V_ENUM:
			json_object_set_new(j, "values", validate_enum_json(f->values));
			break;
		case V_STRINGS:
			json_object_set_new(j, "max_items", json_integer(100));
			json_object_set_new(j, "max_length",
					    json_integer(f->max ? (json_int_t)f->max : 200));
			break;
		case V_UUIDS:
			json_object_set_new(j, "max_items", json_integer(100));
			break;
		default:
			break;
		}
		json_array_append_new(out, j);
	}
	return out;
}
