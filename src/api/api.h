/** Helpers shared by the handlers: pagination, query validation, database
 * error accounting. */
#ifndef TR_API_API_H
#define TR_API_API_H

#include "api/app.h"
#include "http/http.h"
#include "domain/acl.h"

#define API_LIMIT_DEFAULT 50
#define API_LIMIT_MAX 500
#define API_CURSOR_MAX 200

/** A validated page request: limit in [1, 500] and the decoded cursor (the
 * sort key after which to continue; NULL for the first page). */
struct api_page {
	int limit;
	const char *after;
};

/** Rejects query arguments not in allowed (NULL-terminated) with a 400
 * naming each; `limit` and `cursor` are always allowed. */
int api_query_allow(struct http_req *req, const char *const *allowed);
/** Reads ?limit= and ?cursor=, 400 naming the field when bad. */
int api_page_read(struct http_req *req, struct api_page *page /* OUT */);
/** The opaque cursor text for a sort key (arena-allocated). */
const char *api_cursor_make(struct http_req *req, const char *key);
/** Builds {"items": items, "next_cursor": cursor or null}; steals items. */
json_t *api_page_json(json_t *items, const char *next_cursor);
/** Takes a connection of the app's pool. */
struct db_conn *api_db(struct http_req *req);
/** Turns a database failure into the answer and counts it; returns rc. */
int api_db_fail(struct http_req *req, struct db_conn *c, int rc);
/** The answer to rc: message when rc is code (the one refusal the handler
 * words itself, as a 404 "no tip has this receipt"), else api_db_fail's;
 * TR_OK when rc is. */
int api_db_fail_as(struct http_req *req, struct db_conn *c, int rc, int code, const char *message);
/** Ends a handler's use of c: a failure rc answered by api_db_fail, c
 * released, and on a failure drop (may be NULL) freed. Returns rc. */
int api_db_end(struct http_req *req, struct db_conn *c, int rc, json_t *drop);

/** Reads an optional query argument that must be one of values
 * (NULL-terminated) into *out; 400 naming it otherwise. */
int api_query_enum(struct http_req *req, const char *name, const char *const *values,
		   const char **out /* OUT */);
/** Reads an optional date or RFC 3339 date-time argument as ms (0 when
 * absent); 400 naming it when malformed. */
int api_query_time(struct http_req *req, const char *name, int64_t *out /* OUT */);
/** Reads an optional ?bbox=min_lon,min_lat,max_lon,max_lat (min not above
 * max, latitudes within 90); *has is set when given. */
int api_query_bbox(struct http_req *req, double box[4] /* OUT */, int *has /* OUT */);

/** The request's source address for in-memory rate limits (never stored
 * or logged): behind a trusted proxy (--trust-proxy) the last address of
 * X-Forwarded-For, otherwise the peer's; arena-owned. */
const char *api_client_addr(struct http_req *req);
struct auth_throttle;
/** Reserves one attempt of the request's source address in t: TR_OK when
 * allowed, else a 429 with detail and Retry-After (the seconds t names). */
int api_throttle_take(struct http_req *req, struct http_resp *resp, struct auth_throttle *t,
		      const char *detail);
/** Before a password is checked (sign-in, own password change): 429 with
 * Retry-After when the source has failed too often, else waits the
 * account's growing delay (email, or user_id when email is NULL) without
 * holding a database connection. TR_OK to go on. */
int api_password_throttle(struct http_req *req, struct http_resp *resp, const char *email,
			  const char *user_id);
/** The authenticated caller (set by api_authenticate). */
const struct caller *api_caller(struct http_req *req);
/** Sets ETag from a record's version. */
void api_etag(struct http_resp *resp, int64_t version);
/** Reads If-Match: 428 when missing, 412 when not an ETag this server
 * issued; *version gets the version it names. */
int api_if_match(struct http_req *req, int64_t *version /* OUT */);
/** For a route that names a record (".../{id}" and the routes below it):
 * TR_OK when the caller sees the record, else the answer recorded on req
 * (404 when not visible, whatever else the request holds). Other routes:
 * TR_OK. api_body asks it first, so a body is read only for a record the
 * caller sees. */
int api_record_seen(struct http_req *req);
/** Whether api_record_seen knows the record of routes with this pattern. */
bool api_route_guarded(const char *pattern);
/** Checks that the caller sees the record the route names
 * (api_record_seen), then parses the JSON body and validates it against
 * spec (see validate.h). */
struct vfield;
int api_body(struct http_req *req, const struct vfield *spec, size_t n, int partial,
	     json_t **out /* OUT */);
/** If the request carries an Idempotency-Key already used by this caller
 * on this route, answers with the first response and returns 1. */
int api_idem_replay(struct http_req *req, struct http_resp *resp, struct db_conn *c);
/** Remembers the answer to a create under its Idempotency-Key (if any). */
void api_idem_save(struct http_req *req, struct db_conn *c, int status, json_t *body);
/** Maps a domain result to the answer: not-found, forbidden, conflict,
 * stale, with field named when given. */
int api_domain_fail(struct http_req *req, struct db_conn *c, int rc, const char *field);

/** The API description: the document at base_path completed from the route
 * table and the resource declarations (operation ids, request bodies and
 * list filters); NULL when the document cannot be read. */
json_t *api_openapi_doc(const char *base_path);

#endif
