/** The HTTP layer: GNU libmicrohttpd underneath (nothing else includes
 * microhttpd.h), a static route table, a per-request arena, bodies read by
 * us under a hard cap, problem+json errors, security headers, one JSON log
 * line per request, metrics. */
#ifndef TR_HTTP_HTTP_H
#define TR_HTTP_HTTP_H

#include "core/arena.h"
#include "core/buf.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_BODY_MAX (1u << 20)	/* request bodies: 1 MiB, else 413 */
#define HTTP_BODY_DRAIN_MAX (16u << 20) /* above this, 413 without reading */
#define HTTP_JSON_DEPTH 32		/* nesting of JSON bodies, else 400 */
#define HTTP_TARGET_MAX (8u << 10)	/* path and query (decoded), else 414 */
#define HTTP_FIELDS_MAX (16u << 10)	/* header fields together, else 431 */
#define HTTP_PARAMS_MAX 4
#define HTTP_HEADERS_MAX 16
#define HTTP_ERRORS_MAX 32

struct http_server;
struct http_req;
struct http_resp;

/** A handler answers one request. It writes the response through resp and
 * returns TR_OK, or a tr_err after recording what was wrong with
 * http_fail/http_field_error; the layer then answers with problem+json. */
typedef int (*http_handler)(struct http_req *req, struct http_resp *resp);

/** One entry of the static route table: method, pattern with {name}
 * segments ("/api/v1/countries/{iso2}"), handler. */
struct http_route {
	const char *method;
	const char *pattern;
	http_handler fn;
	int flags;	 /* HTTP_PUBLIC, HTTP_UNMETERED */
	const void *ctx; /* what the handler serves (a resource), or NULL */
};

/** No authentication. */
#define HTTP_PUBLIC 1
/** Left out of /metrics (counts and timings): the changes of a counter of
 * an anonymous route would tell when someone used it. */
#define HTTP_UNMETERED 2

/** The path of the metrics route; the only path of --metrics-listen. */
#define HTTP_METRICS_PATH "/metrics"

/** A streamed response body: fill writes up to max bytes into out and
 * returns how many, 0 at the end, -1 on failure. free releases state. */
struct http_stream {
	void *state;
	long (*fill)(void *state, char *out, size_t max);
	void (*free)(void *state);
};

struct http_config {
	const char *listen;    /* "127.0.0.1:8080" or "[::1]:8080" */
	int threads;	       /* workers; 0 = one per core */
	unsigned conn_limit;   /* total connections */
	unsigned per_ip_limit; /* connections from one address */
	unsigned timeout_s;    /* idle connection timeout */
	size_t conn_memory;    /* per-connection memory limit of the parser */
	const struct http_route *routes;
	size_t nroutes;
	void *app; /* handed to handlers as http_app(req) */
	/** Called for GET/HEAD requests that match no route (static files);
	 * return TR_ERR_NOT_FOUND to fall through to 404. May be NULL. */
	http_handler fallback;
	/** Runs before the handler of every route without HTTP_PUBLIC; a
	 * non-zero tr_err answers the request instead (401, 403). */
	http_handler authenticate;
	/** Metrics of the application appended to /metrics; may be NULL. */
	void (*metrics_extra)(void *app, struct buf *out);
	/** A second address serving only /metrics, without authentication
	 * (a private address for the scraper); NULL for none. */
	const char *metrics_listen;
	/** The bearer token /metrics wants on the main address; NULL or ""
	 * and /metrics answers 404 there. Only its hash is kept. */
	const char *metrics_token;
	/** The Content-Security-Policy of every answer; NULL or "" for
	 * HTTP_CSP_DEFAULT (a deployment's map tiles widen img-src). */
	const char *csp;
};

/** The policy of an app that loads nothing from elsewhere. */
#define HTTP_CSP_DEFAULT                                                                           \
	"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "          \
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "             \
	"frame-ancestors 'none'"

/** Binds and starts serving. On failure writes a one-line reason to err
 * and returns a tr_err (TR_ERR_IO for a port in use or a bad address). */
int http_server_start(const struct http_config *cfg, struct http_server **out /* OUT */, char *err,
		      size_t errlen);
/** Stops accepting, finishes requests in flight, frees the server. */
void http_server_stop(struct http_server *s);
/** The port actually bound (for --listen 127.0.0.1:0). */
int http_server_port(const struct http_server *s);
/** The port of --metrics-listen actually bound, 0 without one. */
int http_server_metrics_port(const struct http_server *s);
/** Prometheus text of the layer's own metrics plus the application's. */
void http_metrics_write(struct http_server *s, struct buf *out);
/** Whether req may read the metrics: TR_OK on the metrics address or with
 * the metrics token (compared in constant time); otherwise 404 when no
 * token is configured, 401 with WWW-Authenticate when one is. */
int http_metrics_access(struct http_req *req, struct http_resp *resp);

/* Request accessors. Strings live in the request arena. */
struct arena *http_arena(struct http_req *req);
void *http_app(struct http_req *req);
struct http_server *http_server_of(struct http_req *req);
const char *http_method(struct http_req *req);
const char *http_path(struct http_req *req);
const char *http_route_pattern(struct http_req *req);
/** The ctx of the matched route (NULL when none or unmatched). */
const void *http_route_ctx(struct http_req *req);
const char *http_request_id(struct http_req *req);
/** A path parameter of the matched pattern, or NULL. */
const char *http_param(struct http_req *req, const char *name);
/** A query-string argument (decoded), or NULL. */
const char *http_query(struct http_req *req, const char *name);
/** Calls fn for every query argument; used to reject unknown ones. */
void http_query_each(struct http_req *req, void (*fn)(void *ctx, const char *k, const char *v),
		     void *ctx);
/** A request header, or NULL. */
const char *http_header(struct http_req *req, const char *name);
/** A cookie of the request, or NULL. */
const char *http_cookie(struct http_req *req, const char *name);
/** The raw body and its length (NUL-terminated). */
const char *http_body(struct http_req *req, size_t *len /* OUT */);
/** The client address as text, for in-memory rate limits only: it must
 * never be stored or logged. */
const char *http_client_addr(struct http_req *req);
/** Whether the connection is TLS (for the Secure cookie flag). */
int http_is_tls(struct http_req *req);

/** The authenticated caller set by the authenticate hook (arena-owned). */
void *http_user(struct http_req *req);
void http_set_user(struct http_req *req, void *user);

/** Parses the body as a JSON object: 415 without application/json, 400
 * naming the line and column when malformed, 400 when nested deeper than
 * HTTP_JSON_DEPTH or not an object. The caller owns *out (json_decref). */
int http_json_body(struct http_req *req, json_t **out /* OUT */);

/** Records the detail of the coming error answer. Returns rc. */
int http_fail(struct http_req *req, int rc, const char *detail);
/** Records a field error (the field named as in the body, dotted for nested
 * ones). Returns TR_ERR_INVALID so a handler can `return http_field_error()`. */
int http_field_error(struct http_req *req, const char *field, const char *message);
/** How many field errors are recorded. */
int http_field_errors(struct http_req *req);
/** Puts prefix before the field names of the errors recorded from index
 * from on (the items of an array body: "items[3]."). */
void http_field_errors_prefix(struct http_req *req, int from, const char *prefix);
/** Adds a header (e.g. Retry-After) to the error answer as well as to a
 * successful one. */
void http_resp_header(struct http_resp *resp, const char *name, const char *value);

/** Asks to be called again in about ms milliseconds (a long-poll): the
 * handler returns TR_OK without answering, the connection is suspended
 * holding no worker thread, and the same request (its arena, its
 * parameters) comes to the handler again. TR_ERR_UNAVAILABLE when the
 * server is stopping: answer now. */
int http_park(struct http_req *req, int ms);
/** How many times the request was called again after http_park. */
int http_resumed(struct http_req *req);
/** Milliseconds since the request began. */
int64_t http_elapsed_ms(struct http_req *req);

/* Response writers. */
void http_resp_status(struct http_resp *resp, int status);
/** The body buffer; content type defaults to application/json. */
struct buf *http_resp_body(struct http_resp *resp);
void http_resp_type(struct http_resp *resp, const char *content_type);
/** Serialises j (stolen) as the JSON body with the status. */
int http_resp_json(struct http_resp *resp, int status, json_t *j);
/** Sends a file's bytes (taken over: freed by the layer with free()). */
void http_resp_take(struct http_resp *resp, char *data, size_t len);
/** Sends len bytes of the open file fd from offset without copying them
 * through memory; the layer owns fd from here on and closes it. */
void http_resp_file(struct http_resp *resp, int fd, uint64_t offset, uint64_t len);
/** Sends data as the body without copying it: it must outlive the server
 * (caches of the application). */
void http_resp_static(struct http_resp *resp, const char *data, size_t len);
/** Streams the body (chunked); the layer calls stream->free when done.
 * The request and its arena are kept until then: the stream's state may
 * live in the arena. */
void http_resp_stream(struct http_resp *resp, const struct http_stream *stream);

#endif
