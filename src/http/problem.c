#include "http/problem.h"
#include "core/err.h"

static const struct {
	int status;
	const char *slug;
	const char *title;
} table[TR_ERR__MAX] = {
    [TR_OK] = {200, "ok", "OK"},
    [TR_ERR_NOMEM] = {503, "unavailable", "The server is short of memory; try again"},
    [TR_ERR_INVALID] = {400, "validation", "The request has invalid fields"},
    [TR_ERR_JSON] = {400, "malformed-json", "The body is not well-formed JSON"},
    [TR_ERR_UNAUTH] = {401, "unauthenticated", "Authentication is required"},
    [TR_ERR_FORBIDDEN] = {403, "forbidden", "You may not do this"},
    [TR_ERR_NOT_FOUND] = {404, "not-found", "Not found"},
    [TR_ERR_METHOD] = {405, "method-not-allowed", "Method not allowed"},
    [TR_ERR_CONFLICT] = {409, "conflict", "The request conflicts with the current state"},
    [TR_ERR_PRECONDITION] = {412, "stale", "The record changed since you read it"},
    [TR_ERR_PRECOND_REQUIRED] = {428, "if-match-required", "If-Match is required"},
    [TR_ERR_TOO_LARGE] = {413, "too-large", "The body is too large"},
    [TR_ERR_MEDIA_TYPE] = {415, "unsupported-media-type", "The body must be application/json"},
    [TR_ERR_RATE_LIMIT] = {429, "rate-limited", "Too many requests"},
    [TR_ERR_DB] = {500, "database", "A database error occurred"},
    [TR_ERR_IO] = {500, "io", "An input/output error occurred"},
    [TR_ERR_UNAVAILABLE] = {503, "unavailable", "The service is not available"},
    [TR_ERR_INTERNAL] = {500, "internal", "An internal error occurred"},
    [TR_ERR_URI_TOO_LONG] = {414, "uri-too-long", "The request target is too long"},
    [TR_ERR_FIELDS_TOO_LARGE] = {431, "headers-too-large",
				 "The request header fields are too large"},
};

int problem_status(int rc)
{
	if (rc <= 0 || rc >= TR_ERR__MAX || !table[rc].status)
		return 500;
	return table[rc].status;
}

void problem_write(struct buf *out, int rc, const char *detail, const char *const *fields,
		   const char *const *messages, int nerr)
{
	if (rc <= 0 || rc >= TR_ERR__MAX || !table[rc].status)
		rc = TR_ERR_INTERNAL;
	buf_printf(out, "{\"type\":\"/problems/%s\",\"title\":", table[rc].slug);
	buf_json_str(out, table[rc].title);
	buf_printf(out, ",\"status\":%d,\"detail\":", table[rc].status);
	buf_json_str(out, detail ? detail : tr_strerror(rc));
	buf_puts(out, ",\"errors\":[");
	for (int i = 0; i < nerr; i++) {
		buf_puts(out, i ? ",{\"field\":" : "{\"field\":");
		buf_json_str(out, fields[i]);
		buf_puts(out, ",\"message\":");
		buf_json_str(out, messages[i]);
		buf_puts(out, "}");
	}
	buf_puts(out, "]}");
}
