/* The request's accessors, the response writers and JSON bodies: what a
 * handler calls. The daemon and dispatch are in server.c. */
#include "http/http.h"
#include "http/messages.h"
#include "http/problem.h"
#include "http/server_impl.h"
#include "core/err.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- accessors ---- */

struct arena *http_arena(struct http_req *req)
{
	return req->arena;
}
void *http_app(struct http_req *req)
{
	return req->server->cfg.app;
}
struct http_server *http_server_of(struct http_req *req)
{
	return req->server;
}
const char *http_method(struct http_req *req)
{
	return req->method;
}
const char *http_path(struct http_req *req)
{
	return req->path;
}
const char *http_route_pattern(struct http_req *req)
{
	return req->route;
}

const void *http_route_ctx(struct http_req *req)
{
	if (req->route_index < 0)
		return NULL;
	return req->server->cfg.routes[req->route_index].ctx;
}
const char *http_request_id(struct http_req *req)
{
	return req->request_id;
}
int http_server_port(const struct http_server *s)
{
	return s->port;
}
int http_server_metrics_port(const struct http_server *s)
{
	return s->metrics_port;
}
void *http_user(struct http_req *req)
{
	return req->user;
}
void http_set_user(struct http_req *req, void *user)
{
	req->user = user;
}

const char *http_param(struct http_req *req, const char *name)
{
	for (int i = 0; i < req->nparams; i++)
		if (strcmp(req->pname[i], name) == 0)
			return req->pvalue[i];
	return NULL;
}

const char *http_query(struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

struct query_iter {
	void (*fn)(void *ctx, const char *k, const char *v);
	void *ctx;
};

static enum MHD_Result query_iter_cb(void *cls, enum MHD_ValueKind kind, const char *k,
				     const char *v)
{
	struct query_iter *it = cls;
	(void)kind;
	it->fn(it->ctx, k, v ? v : "");
	return MHD_YES;
}

void http_query_each(struct http_req *req, void (*fn)(void *ctx, const char *k, const char *v),
		     void *ctx)
{
	struct query_iter it = {fn, ctx};
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, query_iter_cb, &it);
}

const char *http_header(struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_cookie(struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

const char *http_body(struct http_req *req, size_t *len)
{
	*len = req->body.len;
	return req->body.data ? req->body.data : "";
}

const char *http_client_addr(struct http_req *req)
{
	if (req->addr[0])
		return req->addr;
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(req->addr, sizeof(req->addr), "unknown");
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET,
				  &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
				  req->addr, sizeof(req->addr));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6,
				  &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
				  req->addr, sizeof(req->addr));
	}
	return req->addr;
}

int http_is_tls(struct http_req *req)
{
	/* TLS terminates at a proxy in front of us; trusting its header can
	 * only make cookies stricter (Secure), never looser */
	const char *proto = http_header(req, "X-Forwarded-Proto");
	return proto && strcasecmp(proto, "https") == 0;
}

int http_fail(struct http_req *req, int rc, const char *detail)
{
	req->detail = detail ? arena_strdup(req->arena, detail) : NULL;
	return rc;
}

int http_field_error(struct http_req *req, const char *field, const char *message)
{
	if (req->nerr < HTTP_ERRORS_MAX) {
		req->efield[req->nerr] = arena_strdup(req->arena, field);
		req->emsg[req->nerr] = arena_strdup(req->arena, message);
		req->nerr++;
	}
	return TR_ERR_INVALID;
}

int http_field_errors(struct http_req *req)
{
	return req->nerr;
}

void http_field_errors_prefix(struct http_req *req, int from, const char *prefix)
{
	for (int i = from < 0 ? 0 : from; i < req->nerr; i++)
		req->efield[i] = arena_printf(req->arena, "%s%s", prefix, req->efield[i]);
}

/* ---- response writers ---- */

void http_resp_header(struct http_resp *resp, const char *name, const char *value)
{
	struct http_req *req = (struct http_req *)((char *)resp - offsetof(struct http_req, resp));
	if (resp->nheaders < HTTP_HEADERS_MAX) {
		resp->hname[resp->nheaders] = arena_strdup(req->arena, name);
		resp->hvalue[resp->nheaders] = arena_strdup(req->arena, value);
		resp->nheaders++;
	}
}

void http_resp_status(struct http_resp *resp, int status)
{
	resp->status = status;
}
struct buf *http_resp_body(struct http_resp *resp)
{
	return &resp->body;
}
void http_resp_type(struct http_resp *resp, const char *type)
{
	resp->type = type;
}

int http_resp_json(struct http_resp *resp, int status, json_t *j)
{
	if (!j)
		return TR_ERR_NOMEM;
	/* 15 digits: 48.2 stays 48.2, and a coordinate keeps far more than
	 * it needs */
	char *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(15));
	json_decref(j);
	if (!s)
		return TR_ERR_NOMEM;
	free(resp->taken);
	resp->taken = s;
	resp->taken_len = strlen(s);
	resp->status = status;
	resp->type = "application/json";
	return TR_OK;
}

void http_resp_take(struct http_resp *resp, char *data, size_t len)
{
	free(resp->taken);
	resp->taken = data;
	resp->taken_len = len;
}

void http_resp_file(struct http_resp *resp, int fd, uint64_t offset, uint64_t len)
{
	if (resp->file_fd >= 0)
		close(resp->file_fd);
	resp->file_fd = fd;
	resp->file_off = offset;
	resp->file_len = len;
}

void http_resp_static(struct http_resp *resp, const char *data, size_t len)
{
	resp->fixed = data;
	resp->fixed_len = len;
}

void http_resp_stream(struct http_resp *resp, const struct http_stream *stream)
{
	resp->stream = *stream;
	resp->streaming = 1;
}

/* ---- JSON bodies ---- */

/* jansson has no depth limit of its own that we can set, so count the
 * nesting first; strings are skipped so brackets inside them do not count. */
static int json_too_deep(const char *s, size_t n, int max)
{
	int depth = 0, in_str = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '[' || c == '{') {
			if (++depth > max)
				return 1;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return 0;
}

int http_json_body(struct http_req *req, json_t **out)
{
	*out = NULL;
	const char *ct = http_header(req, "Content-Type");
	size_t ctlen = strlen("application/json");
	if (!ct || strncasecmp(ct, "application/json", ctlen) != 0 ||
	    (ct[ctlen] && ct[ctlen] != ';' && ct[ctlen] != ' '))
		return http_fail(req, TR_ERR_MEDIA_TYPE, "Content-Type must be application/json");
	size_t n;
	const char *body = http_body(req, &n);
	if (json_too_deep(body, n, HTTP_JSON_DEPTH))
		return http_fail(req, TR_ERR_JSON, "JSON nested too deeply (at most 32 levels)");
	json_error_t e;
	json_t *j = json_loadb(body, n, JSON_REJECT_DUPLICATES, &e);
	if (!j) {
		char d[300];
		snprintf(d, sizeof(d), "malformed JSON at line %d, column %d (byte %d): %s", e.line,
			 e.column, e.position, e.text);
		return http_fail(req, TR_ERR_JSON, d);
	}
	if (!json_is_object(j)) {
		json_decref(j);
		return http_fail(req, TR_ERR_JSON, "the body must be a JSON object");
	}
	*out = j;
	return TR_OK;
}
