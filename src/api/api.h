/** Helpers shared by the handlers: pagination, query validation, database
 * error accounting. */
#ifndef TR_API_API_H
#define TR_API_API_H

#include "api/app.h"
#include "http/http.h"

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

#endif
