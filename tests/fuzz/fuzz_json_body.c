/* libFuzzer target: what the server does with a JSON request body before
 * a handler sees it, on arbitrary bytes:
 *
 * 1. the nesting pre-check. The server's json_too_deep is static in
 *    src/http/server.c, so this target has its own counter with the same
 *    rule (brackets outside strings, at most HTTP_JSON_DEPTH) and checks
 *    the rule's promise: whatever passes it and parses is no deeper than
 *    HTTP_JSON_DEPTH;
 * 2. json_loadb with JSON_REJECT_DUPLICATES, as http_json_body calls it
 *    (error position inside the input, error text terminated);
 * 3. validate_body (src/api/validate.c) on every object, with a field
 *    table that uses every vtype, for a create and for a PATCH. struct
 *    http_req is opaque, so this file defines its own and the two functions
 *    validate.c calls on it (http_field_error, http_fail) with the same
 *    contract as src/http/server.c: at most HTTP_ERRORS_MAX errors kept;
 *    checked: TR_OK exactly when nothing was recorded.
 * A body that passes also has to survive a dump and reload unchanged. */
#include "api/validate.h"
#include "core/err.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz_json_body: %s:%d: check failed: %s\n",        \
				__FILE__, __LINE__, #cond);                                \
			abort();                                                           \
		}                                                                          \
	} while (0)

struct http_req {
	int nerr;      /* all errors reported, including those not kept */
	int kept;
	char field[HTTP_ERRORS_MAX][128];
	int failed;
};

int http_field_error(struct http_req *req, const char *field, const char *message)
{
	CHECK(field && message && message[0]);
	if (req->kept < HTTP_ERRORS_MAX) {
		snprintf(req->field[req->kept], sizeof(req->field[0]), "%s", field);
		req->kept++;
	}
	req->nerr++;
	return TR_ERR_INVALID;
}

int http_fail(struct http_req *req, int rc, const char *detail)
{
	CHECK(detail == NULL || memchr(detail, '\0', 4096));
	req->failed = rc;
	return rc;
}

static const char *const kinds[] = {"new_substance", "overdose_cluster", "other", NULL};

static const struct vfield spec[] = {
	{"title", V_STRING, 1, 3, 200, NULL, 0},
	{"category", V_ENUM, 1, 0, 0, kinds, 0},
	{"count", V_INT, 0, 0, 1000000, NULL, 0},
	{"lat", V_NUMBER, 0, -90, 90, NULL, 1},
	{"public", V_BOOL, 0, 0, 0, NULL, 0},
	{"organisation_id", V_UUID, 0, 0, 0, NULL, 1},
	{"country", V_COUNTRY, 0, 0, 0, NULL, 0},
	{"observed_at", V_TIME, 0, 0, 0, NULL, 1},
	{"email", V_EMAIL, 0, 0, 0, NULL, 1},
	{"tags", V_STRINGS, 0, 0, 50, NULL, 0},
	{"substance_ids", V_UUIDS, 0, 0, 0, NULL, 0},
	{"location", V_OBJECT, 0, 0, 0, NULL, 1},
};

/* The pre-check: 1 when brackets outside strings nest deeper than max. */
static int too_deep(const char *s, size_t n, int max)
{
	int depth = 0, in_str = 0;
	for (size_t i = 0; i < n; i++) {
		if (in_str) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				in_str = 0;
		} else if (s[i] == '"') {
			in_str = 1;
		} else if (s[i] == '[' || s[i] == '{') {
			if (++depth > max)
				return 1;
		} else if (s[i] == ']' || s[i] == '}') {
			depth--;
		}
	}
	return 0;
}

/* The nesting of a parsed value: 0 for a scalar. */
static int depth_of(json_t *v)
{
	int d = 0;
	size_t i;
	const char *k;
	json_t *e;
	if (json_is_array(v)) {
		json_array_foreach(v, i, e) {
			int de = depth_of(e);
			d = de > d ? de : d;
		}
		return d + 1;
	}
	if (json_is_object(v)) {
		json_object_foreach(v, k, e) {
			int de = depth_of(e);
			d = de > d ? de : d;
		}
		return d + 1;
	}
	return 0;
}

static void check_validate(json_t *body, int partial)
{
	struct http_req req;
	memset(&req, 0, sizeof(req));
	int rc = validate_body(&req, body, spec, sizeof(spec) / sizeof(spec[0]), partial);
	CHECK(rc == TR_OK || rc == TR_ERR_INVALID);
	if (rc == TR_OK)
		CHECK(req.nerr == 0 && req.failed == 0);
	else
		CHECK(req.nerr > 0 || req.failed == TR_ERR_INVALID);
	for (int i = 0; i < req.kept; i++)
		CHECK(req.field[i][0] != '\0' || json_object_get(body, "") != NULL);
	/* The accessors on whatever the body holds. */
	for (size_t i = 0; i < sizeof(spec) / sizeof(spec[0]); i++) {
		const char *s = vstr(body, spec[i].name);
		CHECK(!s || vhas(body, spec[i].name));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > HTTP_BODY_MAX)
		return 0;
	/* The server's body buffer is NUL-terminated; the length is passed. */
	char *body = malloc(size + 1);
	if (!body)
		return 0;
	memcpy(body, data, size);
	body[size] = '\0';
	if (too_deep(body, size, HTTP_JSON_DEPTH)) {
		free(body);
		return 0;
	}
	json_error_t e;
	json_t *j = json_loadb(body, size, JSON_REJECT_DUPLICATES, &e);
	if (!j) {
		CHECK(e.position >= 0 && (size_t)e.position <= size);
		CHECK(memchr(e.text, '\0', sizeof(e.text)) != NULL);
		free(body);
		return 0;
	}
	CHECK(depth_of(j) <= HTTP_JSON_DEPTH);
	if (json_is_object(j)) {
		check_validate(j, 0);
		check_validate(j, 1);
		size_t n = json_dumpb(j, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
		char *dump = malloc(n ? n : 1);
		CHECK(dump != NULL);
		CHECK(json_dumpb(j, dump, n, JSON_COMPACT | JSON_ENCODE_ANY) == n);
		json_t *back = json_loadb(dump, n, JSON_REJECT_DUPLICATES, &e);
		CHECK(back != NULL && json_equal(j, back));
		json_decref(back);
		free(dump);
	}
	json_decref(j);
	free(body);
	return 0;
}
