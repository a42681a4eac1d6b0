/** Input validation by table: each endpoint describes its body fields once
 * (name, type, bounds, required) and the handler reads only values that
 * passed. Errors name the field; unknown fields are rejected (no mass
 * assignment). */
#ifndef TR_API_VALIDATE_H
#define TR_API_VALIDATE_H

#include "http/http.h"

#include <jansson.h>

enum vtype {
	V_STRING, /* UTF-8 text, length in [min, max] characters */
	V_ENUM,	  /* one of values (NULL-terminated) */
	V_INT,	  /* integer in [min, max] */
	V_NUMBER, /* real in [min, max] */
	V_BOOL,
	V_UUID,
	V_COUNTRY, /* ISO 3166-1 alpha-2, upper case */
	V_TIME,	   /* RFC 3339 date-time or date */
	V_EMAIL,
	V_STRINGS, /* array of strings, each length in [1, max], at most 100 */
	V_UUIDS,   /* array of UUIDs, at most 100 */
	V_OBJECT,  /* any JSON object (validated by the handler) */
	V_ARRAY,   /* any JSON array (validated by the handler) */
};

struct vfield {
	const char *name;
	enum vtype type;
	int required; /* on create; PATCH never requires */
	double min, max;
	const char *const *values;
	int nullable; /* JSON null accepted (clears the field on PATCH) */
};

/** A new password (req: required), the same rule wherever one is chosen:
 * a user's create and change, a reset, a password set by e-mailed link. */
#define VFIELD_PASSWORD(req)                                                                       \
	{                                                                                          \
		"password", V_STRING, req, 12, 1024, NULL, 0                                       \
	}

/** Checks body against the nfields of spec. For a PATCH (partial = 1)
 * no field is required but at least one must be given. JSON null is
 * accepted only for nullable fields, on create and PATCH alike. Returns TR_OK or
 * TR_ERR_INVALID with every problem recorded on req. */
int validate_body(struct http_req *req, json_t *body, const struct vfield *spec, size_t nfields,
		  int partial);
/** A form of the web app: the field table the server checks its body
 * with, served as JSON (GET /api/v1/schema/{name}) so that the browser
 * checks the same rules before sending. */
struct vform {
	const char *name;
	const struct vfield *fields;
	size_t n;
};

/** The values of an enum (NULL-terminated, may be NULL) as a JSON array,
 * for the schemas of forms and of the OpenAPI document; NULL when out of
 * memory. */
json_t *validate_enum_json(const char *const *values);
/** Sets the bounds of f, [min, max], on the JSON object j under the names
 * lo and hi: as integers, or as reals when real is set. */
void validate_bounds_json(json_t *j, const struct vfield *f, const char *lo, const char *hi,
			  int real);
/** The fields of spec as JSON: [{name, type, required, nullable, and
 * min_length/max_length, minimum/maximum or values as the type has}]. */
json_t *validate_schema_json(const struct vfield *spec, size_t nfields);

/** The string value of a field, or NULL when absent or null. */
const char *vstr(json_t *body, const char *name);
/** Whether the body carries the field (null included). */
int vhas(json_t *body, const char *name);

#endif
