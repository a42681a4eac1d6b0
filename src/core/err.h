/** One error type for the whole program; mapped to HTTP status and
 * problem+json in exactly one table (src/api/problem.c). */
#ifndef TR_CORE_ERR_H
#define TR_CORE_ERR_H

enum tr_err {
	TR_OK = 0,
	TR_ERR_NOMEM,		 /* allocation failed */
	TR_ERR_INVALID,		 /* a field or argument has a bad value */
	TR_ERR_JSON,		 /* a body is not well-formed JSON */
	TR_ERR_UNAUTH,		 /* no or bad credentials */
	TR_ERR_FORBIDDEN,	 /* authenticated, not allowed */
	TR_ERR_NOT_FOUND,	 /* no such record, or not visible to the caller */
	TR_ERR_METHOD,		 /* route exists, method does not */
	TR_ERR_CONFLICT,	 /* unique constraint, state transition */
	TR_ERR_PRECONDITION,	 /* stale If-Match */
	TR_ERR_PRECOND_REQUIRED, /* If-Match missing */
	TR_ERR_TOO_LARGE,	 /* body over the cap */
	TR_ERR_MEDIA_TYPE,	 /* body without application/json */
	TR_ERR_RATE_LIMIT,	 /* throttled */
	TR_ERR_DB,		 /* database failure */
	TR_ERR_IO,		 /* file or socket failure */
	TR_ERR_UNAVAILABLE,	 /* not ready, shutting down */
	TR_ERR_INTERNAL,	 /* a bug */
	TR_ERR_URI_TOO_LONG,	 /* request target over the cap */
	TR_ERR_FIELDS_TOO_LARGE, /* request header fields over the cap */
	TR_ERR_RANGE,		 /* a Range the file cannot satisfy */
	TR_ERR__MAX
};

/** A static English description of rc; never NULL. */
const char *tr_strerror(int rc);

#endif
