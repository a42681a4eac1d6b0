#include "core/err.h"

static const char *const messages[TR_ERR__MAX] = {
    [TR_OK] = "ok",
    [TR_ERR_NOMEM] = "out of memory",
    [TR_ERR_INVALID] = "invalid input",
    [TR_ERR_JSON] = "malformed JSON",
    [TR_ERR_UNAUTH] = "authentication required",
    [TR_ERR_FORBIDDEN] = "forbidden",
    [TR_ERR_NOT_FOUND] = "not found",
    [TR_ERR_METHOD] = "method not allowed",
    [TR_ERR_CONFLICT] = "conflict",
    [TR_ERR_PRECONDITION] = "precondition failed",
    [TR_ERR_PRECOND_REQUIRED] = "precondition required",
    [TR_ERR_TOO_LARGE] = "payload too large",
    [TR_ERR_MEDIA_TYPE] = "unsupported media type",
    [TR_ERR_RATE_LIMIT] = "too many requests",
    [TR_ERR_DB] = "database error",
    [TR_ERR_IO] = "input/output error",
    [TR_ERR_UNAVAILABLE] = "service unavailable",
    [TR_ERR_INTERNAL] = "internal error",
    [TR_ERR_URI_TOO_LONG] = "URI too long",
    [TR_ERR_FIELDS_TOO_LARGE] = "request header fields too large",
    [TR_ERR_RANGE] = "range not satisfiable",
};

const char *tr_strerror(int rc)
{
	if (rc < 0 || rc >= TR_ERR__MAX || !messages[rc])
		return "unknown error";
	return messages[rc];
}
