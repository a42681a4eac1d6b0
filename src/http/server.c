#include "http/http.h"
#include "http/server_impl.h"
#include "http/metrics.h"
#include "http/messages.h"
#include "http/problem.h"
#include "http/router.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <time.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- routing ---- */

/* Finds the route; 405 when the path matches with another method. */
static int route_find(struct http_req *req, const char **allow)
{
	const struct http_config *cfg = &req->server->cfg;
	const char *method = strcmp(req->method, "HEAD") == 0 ? "GET" : req->method;
	int path_seen = 0;
	char *allowed = arena_alloc(req->arena, 128);
	if (!allowed)
		return TR_ERR_NOMEM;
	for (size_t i = 0; i < cfg->nroutes; i++) {
		const struct http_route *r = &cfg->routes[i];
		if (!http_route_match(r->pattern, req->path, NULL))
			continue;
		if (strcmp(r->method, method) == 0) {
			struct http_match m;
			http_route_match(r->pattern, req->path, &m);
			for (int k = 0; k < m.n; k++) {
				req->pname[k] = arena_strndup(req->arena, m.name[k], m.name_len[k]);
				req->pvalue[k] =
				    arena_strndup(req->arena, m.value[k], m.value_len[k]);
			}
			req->nparams = m.n;
			req->route = r->pattern;
			req->route_index = (int)i;
			return TR_OK;
		}
		size_t used = strlen(allowed);
		snprintf(allowed + used, 128 - used, "%s%s", path_seen ? ", " : "", r->method);
		path_seen = 1;
	}
	*allow = allowed;
	return path_seen ? TR_ERR_METHOD : TR_ERR_NOT_FOUND;
}

/* ---- the MHD callbacks ---- */

static void add_security_headers(struct MHD_Response *r, const char *csp)
{
	MHD_add_response_header(r, "Content-Security-Policy", csp && *csp ? csp : HTTP_CSP_DEFAULT);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
}

static ssize_t stream_cb(void *cls, uint64_t pos, char *out, size_t max)
{
	struct http_stream *st = cls;
	(void)pos;
	long n = st->fill(st->state, out, max);
	if (n < 0)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	if (n == 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	return (ssize_t)n;
}

/* A streamed response's stream and the request it came from, which it
 * holds until the stream is freed. */
struct stream_box {
	struct http_stream st;
	struct http_req *req;
};

static void req_release(struct http_req *req);

static void stream_free_cb(void *cls)
{
	struct stream_box *box = cls;
	if (box->st.free)
		box->st.free(box->st.state);
	req_release(box->req);
	free(box);
}

static struct MHD_Response *response_build(struct http_req *req)
{
	struct http_resp *resp = &req->resp;
	struct MHD_Response *r;
	if (resp->streaming) {
		struct stream_box *box = malloc(sizeof(*box));
		if (!box)
			return NULL;
		*box = (struct stream_box){resp->stream, req};
		resp->streaming = 0;
		atomic_fetch_add(&req->holds, 1);
		r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, stream_cb,
						      &box->st, stream_free_cb);
		if (!r) {
			resp->streaming = 1; /* on_completed frees it */
			atomic_fetch_sub(&req->holds, 1);
			free(box);
		}
	} else if (resp->fixed) {
		r = MHD_create_response_from_buffer(resp->fixed_len, (void *)(uintptr_t)resp->fixed,
						    MHD_RESPMEM_PERSISTENT);
	} else if (resp->file_fd >= 0) {
		r = MHD_create_response_from_fd_at_offset64(resp->file_len, resp->file_fd,
							    resp->file_off);
		if (r)
			resp->file_fd = -1; /* libmicrohttpd closes it */
	} else if (resp->taken) {
		r = MHD_create_response_from_buffer(resp->taken_len, resp->taken,
						    MHD_RESPMEM_MUST_FREE);
		if (r)
			resp->taken = NULL;
	} else {
		size_t len;
		char *data = buf_detach(&resp->body, &len);
		r = MHD_create_response_from_buffer(len, data ? data : (char *)"",
						    data ? MHD_RESPMEM_MUST_FREE
							 : MHD_RESPMEM_PERSISTENT);
	}
	if (!r)
		return NULL;
	add_security_headers(r, req->server->cfg.csp);
	/* only behind a TLS proxy: on plain HTTP browsers ignore it anyway */
	if (http_is_tls(req))
		MHD_add_response_header(r, "Strict-Transport-Security",
					"max-age=31536000; includeSubDomains");
	MHD_add_response_header(r, "Content-Type", resp->type ? resp->type : "application/json");
	MHD_add_response_header(r, "X-Request-Id", req->request_id);
	int has_cache = 0;
	for (int i = 0; i < resp->nheaders; i++) {
		MHD_add_response_header(r, resp->hname[i], resp->hvalue[i]);
		has_cache |= strcasecmp(resp->hname[i], "Cache-Control") == 0;
	}
	if (!has_cache)
		MHD_add_response_header(r, "Cache-Control", "no-store");
	return r;
}

static void problem_answer(struct http_req *req, int rc)
{
	struct http_resp *resp = &req->resp;
	free(resp->taken);
	resp->taken = NULL;
	resp->fixed = NULL;
	resp->streaming = 0;
	if (resp->file_fd >= 0)
		close(resp->file_fd);
	resp->file_fd = -1;
	buf_reset(&resp->body);
	resp->status = problem_status(rc);
	resp->type = "application/problem+json";
	/* the messages are written in English at their call sites; the
	 * catalog gives each its code and the caller's language */
	static const char *const more[MSG__LANGS] = {
	    " (and more, see errors)", " (et d'autres, voir errors)", " (и другие, см. errors)"};
	int lang = msg_lang_pick(http_header(req, "Accept-Language"));
	const char *codes[HTTP_ERRORS_MAX], *msgs[HTTP_ERRORS_MAX], *code = NULL;
	for (int i = 0; i < req->nerr; i++)
		msgs[i] = msg_translate(req->arena, req->emsg[i], lang, &codes[i]);
	const char *detail = req->detail;
	if (detail)
		detail = msg_translate(req->arena, detail, lang, &code);
	else if (req->nerr)
		detail = arena_printf(req->arena, "%s: %s%s", req->efield[0], msgs[0],
				      req->nerr > 1 ? more[lang] : "");
	if (!detail)
		detail = msg_translate(req->arena, tr_strerror(rc), lang, &code);
	if (!detail)
		detail = tr_strerror(rc);
	http_resp_header(resp, "Content-Language", msg_lang_tag(lang));
	http_resp_header(resp, "Vary", "Accept-Language");
	problem_write(&resp->body, rc, lang, detail, code, req->efield, codes, msgs, req->nerr);
}

static void log_flush_locked(struct http_server *s)
{
	size_t off = 0;
	while (off < s->log_len) {
		ssize_t n = write(STDERR_FILENO, s->log_buf + off, s->log_len - off);
		if (n <= 0)
			break; /* nothing sensible to do when stderr is gone */
		off += (size_t)n;
	}
	s->log_len = 0;
}

static void log_append(struct http_server *s, const char *line, size_t n)
{
	pthread_mutex_lock(&s->log_mu);
	if (s->log_len + n > sizeof(s->log_buf))
		log_flush_locked(s);
	memcpy(s->log_buf + s->log_len, line, n);
	s->log_len += n;
	pthread_mutex_unlock(&s->log_mu);
}

/* Resumes the parked requests whose time has come (all when stopping). */
static void parked_wake(struct http_server *s)
{
	int64_t now = (int64_t)(tr_mono_ns() / 1000000);
	int all = atomic_load(&s->parks_closed);
	pthread_mutex_lock(&s->park_mu);
	struct http_req **p = &s->parked;
	while (*p) {
		struct http_req *r = *p;
		if (all || r->park_until <= now) {
			*p = r->park_next;
			r->park_next = NULL;
			r->resumed++;
			MHD_resume_connection(r->conn);
		} else {
			p = &r->park_next;
		}
	}
	pthread_mutex_unlock(&s->park_mu);
}

/* Writes the request log every 20 ms: one system call for many lines; and
 * wakes the parked requests. */
static void *log_flusher(void *arg)
{
	struct http_server *s = arg;
	while (!atomic_load(&s->stopping)) {
		nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
		parked_wake(s);
		pthread_mutex_lock(&s->log_mu);
		log_flush_locked(s);
		pthread_mutex_unlock(&s->log_mu);
	}
	return NULL;
}

/* A bounded writer for the log line: what does not fit is cut, as
 * snprintf would cut it. */
struct line_out {
	char *p, *end;
};

static void line_put(struct line_out *w, const char *s, size_t n)
{
	size_t room = (size_t)(w->end - w->p);
	n = n < room ? n : room;
	memcpy(w->p, s, n);
	w->p += n;
}

static void line_str(struct line_out *w, const char *s)
{
	line_put(w, s, strlen(s));
}

static void line_uint(struct line_out *w, unsigned long long v, int min_digits)
{
	char d[24];
	int n = 0;
	do {
		d[sizeof(d) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v || n < min_digits);
	line_put(w, d + sizeof(d) - n, (size_t)n);
}

/* One JSON line per answered request, written by hand: printf's float
 * formatting was a visible part of every request's cost. */
static void log_line(struct http_req *req)
{
	char when[32], line[512];
	tr_time_format(tr_now_ms(), when);
	/* milliseconds with three decimals: whole microseconds, rounded */
	unsigned long long us = (tr_mono_ns() - (unsigned long long)req->started_ns + 500) / 1000;
	struct line_out w = {line, line + sizeof(line) - 1};
	line_str(&w, "{\"time\":\"");
	line_str(&w, when);
	line_str(&w, "\",\"method\":\"");
	line_str(&w, req->method);
	/* the route pattern, never the raw path: paths can carry receipt codes */
	line_str(&w, "\",\"route\":\"");
	line_str(&w, req->route ? req->route : "unmatched");
	line_str(&w, "\",\"status\":");
	line_uint(&w, (unsigned long long)(req->resp.status < 0 ? 0 : req->resp.status), 1);
	line_str(&w, ",\"duration_ms\":");
	line_uint(&w, us / 1000, 1);
	line_put(&w, ".", 1);
	line_uint(&w, us % 1000, 3);
	line_str(&w, ",\"request_id\":\"");
	line_str(&w, req->request_id);
	line_str(&w, "\"}\n");
	log_append(req->server, line, (size_t)(w.p - line));
}

static enum MHD_Result dispatch(struct http_req *req)
{
	const char *allow = NULL;
	int rc;
	if (req->refused)
		rc = req->refused;
	else if (req->too_large)
		rc = http_fail(req, TR_ERR_TOO_LARGE, "the body exceeds 1 MiB");
	else if (req->metrics_listener && strcmp(req->path, HTTP_METRICS_PATH) != 0)
		rc = TR_ERR_NOT_FOUND;
	else
		rc = route_find(req, &allow);
	const struct http_config *cfg = &req->server->cfg;
	if (req->refused) {
		/* the request's framing cannot be trusted: nothing after it on
		 * this connection is read */
		http_resp_header(&req->resp, "Connection", "close");
	} else if (rc == TR_ERR_NOT_FOUND && cfg->fallback && !req->metrics_listener &&
		   (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0)) {
		req->route = "static";
		rc = cfg->fallback(req, &req->resp);
	} else if (rc == TR_OK) {
		const struct http_route *r = &cfg->routes[req->route_index];
		if (!(r->flags & HTTP_PUBLIC) && cfg->authenticate)
			rc = cfg->authenticate(req, &req->resp);
		if (rc == TR_OK)
			rc = r->fn(req, &req->resp);
		if (rc == TR_OK && req->park) {
			/* called again later: hold no worker thread meanwhile */
			req->park = 0;
			pthread_mutex_lock(&req->server->park_mu);
			MHD_suspend_connection(req->conn);
			req->park_next = req->server->parked;
			req->server->parked = req;
			pthread_mutex_unlock(&req->server->park_mu);
			return MHD_YES;
		}
	} else if (rc == TR_ERR_METHOD) {
		http_resp_header(&req->resp, "Allow", allow);
		http_fail(req, rc, "this path does not accept this method");
	} else if (rc == TR_ERR_NOT_FOUND) {
		http_fail(req, rc, "no such route");
	}
	if (rc)
		problem_answer(req, rc);
	if (!req->resp.status)
		req->resp.status = 200;
	struct MHD_Response *r = response_build(req);
	if (!r)
		return MHD_NO;
	enum MHD_Result ok = MHD_queue_response(req->conn, (unsigned)req->resp.status, r);
	MHD_destroy_response(r);
	return ok;
}

/* Each worker thread keeps the last request it finished, arena and all,
 * for its next one: a request then costs no calloc of its own nor a first
 * arena block (both large enough that malloc tidied its free lists for
 * them every time). Freed when the thread ends. */
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

static void spare_drop(void *v)
{
	struct http_req *req = v;
	arena_free(req->arena);
	free(req);
}

static void spare_key_make(void)
{
	if (pthread_key_create(&spare_key, spare_drop) != 0)
		abort(); /* at start only: no key means no threads either */
}

static struct http_req *req_take(void)
{
	pthread_once(&spare_once, spare_key_make);
	struct http_req *req = pthread_getspecific(spare_key);
	if (req) {
		pthread_setspecific(spare_key, NULL);
		struct arena *a = req->arena;
		memset(req, 0, sizeof(*req));
		req->arena = a;
		atomic_init(&req->holds, 1);
		return req;
	}
	req = calloc(1, sizeof(*req));
	if (!req)
		return NULL;
	req->arena = arena_new();
	if (!req->arena) {
		free(req);
		return NULL;
	}
	atomic_init(&req->holds, 1);
	return req;
}

static void req_give_back(struct http_req *req)
{
	pthread_once(&spare_once, spare_key_make);
	if (!pthread_getspecific(spare_key)) {
		arena_reset(req->arena);
		if (pthread_setspecific(spare_key, req) == 0)
			return;
	}
	spare_drop(req);
}

/* Lets go of req; the last to let go gives it back. */
static void req_release(struct http_req *req)
{
	if (atomic_fetch_sub(&req->holds, 1) == 1)
		req_give_back(req);
}

/* "%016llx" without printf */
static void hex16(char *out, unsigned long long v)
{
	for (int i = 15; i >= 0; i--, v >>= 4)
		out[i] = "0123456789abcdef"[v & 15];
}

static struct http_req *req_new(struct http_server *s, struct MHD_Connection *conn, const char *url,
				const char *method)
{
	struct http_req *req = req_take();
	if (!req)
		return NULL;
	req->server = s;
	req->conn = conn;
	req->started_ns = tr_mono_ns();
	req->method = arena_strdup(req->arena, method);
	req->path = arena_strdup(req->arena, url);
	req->route_index = -1;
	_Static_assert(sizeof(req->request_id) >= 34, "two 16-digit halves, a dash, a NUL");
	hex16(req->request_id, s->id_prefix);
	req->request_id[16] = '-';
	hex16(req->request_id + 17, (unsigned long long)atomic_fetch_add(&s->id_next, 1));
	req->request_id[33] = '\0';
	atomic_fetch_add(&s->inflight, 1);
	buf_init(&req->body, HTTP_BODY_MAX);
	buf_init(&req->resp.body, 256u << 20);
	req->resp.file_fd = -1;
	return req;
}

/* What the header fields say about the request's size and framing. */
struct fields_seen {
	size_t bytes;	      /* of all fields, as "name: value\r\n" */
	int content_lengths;  /* Content-Length fields */
	int lengths_differ;   /* two of them with different values */
	const char *length;   /* the first one */
	int transfer_codings; /* Transfer-Encoding fields */
	int coding_other;     /* one of them is not exactly "chunked" */
};

static enum MHD_Result fields_seen_cb(void *cls, enum MHD_ValueKind kind, const char *k,
				      const char *v)
{
	struct fields_seen *f = cls;
	(void)kind;
	v = v ? v : "";
	f->bytes += strlen(k) + strlen(v) + 4;
	if (strcasecmp(k, "Content-Length") == 0) {
		if (f->content_lengths++ && strcmp(f->length, v) != 0)
			f->lengths_differ = 1;
		else if (!f->length)
			f->length = v;
	} else if (strcasecmp(k, "Transfer-Encoding") == 0) {
		f->transfer_codings++;
		f->coding_other |= strcasecmp(v, "chunked") != 0;
	}
	return MHD_YES;
}

static enum MHD_Result target_bytes_cb(void *cls, enum MHD_ValueKind kind, const char *k,
				       const char *v)
{
	size_t *n = cls;
	(void)kind;
	*n += strlen(k) + (v ? strlen(v) : 0) + 2;
	return MHD_YES;
}

/* Refuses, before any handler, what libmicrohttpd lets through: a target or
 * header fields over our caps (answered as problem+json while the parser
 * still has room; beyond it, libmicrohttpd answers 414 or 431 itself), and
 * a body whose length two fields disagree on (RFC 9112 6.1 and 6.3: 400 and
 * close, else what follows the body is read as a second request). */
static int request_refuse(struct http_req *req)
{
	size_t target = strlen(req->path);
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, target_bytes_cb, &target);
	if (target > HTTP_TARGET_MAX)
		return http_fail(req, TR_ERR_URI_TOO_LONG, "the path and query exceed 8 KiB");
	struct fields_seen f = {0};
	MHD_get_connection_values(req->conn, MHD_HEADER_KIND, fields_seen_cb, &f);
	if (f.bytes > HTTP_FIELDS_MAX)
		return http_fail(req, TR_ERR_FIELDS_TOO_LARGE,
				 "the header fields exceed 16 KiB together");
	if (f.lengths_differ)
		return http_field_error(req, "Content-Length",
					"sent more than once with different values");
	if (f.transfer_codings && f.content_lengths)
		return http_field_error(req, "Transfer-Encoding",
					"sent together with Content-Length");
	if (f.transfer_codings > 1 || f.coding_other)
		return http_field_error(req, "Transfer-Encoding",
					"only a single \"chunked\" is accepted");
	return TR_OK;
}

static enum MHD_Result request_step(struct http_server *s, int metrics_listener,
				    struct MHD_Connection *conn, const char *url,
				    const char *method, const char *data, size_t *data_size,
				    void **con_cls)
{
	struct http_req *req = *con_cls;
	if (!req) {
		req = req_new(s, conn, url, method);
		if (!req)
			return MHD_NO;
		*con_cls = req;
		req->metrics_listener = metrics_listener;
		req->refused = request_refuse(req);
		if (req->refused)
			return dispatch(req);
		const char *cl =
		    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		unsigned long long len = cl ? strtoull(cl, NULL, 10) : 0;
		if (len > HTTP_BODY_MAX)
			req->too_large = 1;
		/* A body somewhat over the cap is read and dropped so that the
		 * client, still sending, can read the 413; a huge one is answered
		 * at once and the connection closed. */
		if (len > HTTP_BODY_DRAIN_MAX)
			return dispatch(req);
		return MHD_YES;
	}
	if (*data_size) {
		if (!req->too_large && buf_append(&req->body, data, *data_size))
			req->too_large = 1;
		*data_size = 0;
		return MHD_YES;
	}
	if (req->resp.status)
		return MHD_YES; /* already answered (early 413) */
	return dispatch(req);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *data,
				  size_t *data_size, void **con_cls)
{
	(void)version;
	return request_step(cls, 0, conn, url, method, data, data_size, con_cls);
}

static enum MHD_Result on_metrics_request(void *cls, struct MHD_Connection *conn, const char *url,
					  const char *method, const char *version, const char *data,
					  size_t *data_size, void **con_cls)
{
	(void)version;
	return request_step(cls, 1, conn, url, method, data, data_size, con_cls);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct http_server *s = cls;
	struct http_req *req = *con_cls;
	(void)conn;
	(void)toe;
	if (!req)
		return;
	if (req->resp.status) {
		double ms = (double)(tr_mono_ns() - req->started_ns) / 1e6;
		metrics_observe(&s->metrics, req->route_index, req->resp.status, ms);
		log_line(req);
	}
	if (req->resp.streaming && req->resp.stream.free)
		req->resp.stream.free(req->resp.stream.state);
	free(req->resp.taken);
	if (req->resp.file_fd >= 0)
		close(req->resp.file_fd);
	buf_free(&req->resp.body);
	buf_free(&req->body);
	*con_cls = NULL;
	req_release(req);
	atomic_fetch_sub(&s->inflight, 1);
}

/* ---- start and stop ---- */

/* Binds ourselves so a port in use or a bad address gives a precise reason. */
static int listen_socket(const char *listen_on, const char *flag, int *fd_out, int *port_out,
			 char *err, size_t errlen)
{
	char host[128];
	const char *colon = strrchr(listen_on, ':');
	if (!colon || colon == listen_on || (size_t)(colon - listen_on) >= sizeof(host)) {
		snprintf(err, errlen, "%s must be HOST:PORT, got '%s'", flag, listen_on);
		return TR_ERR_INVALID;
	}
	memcpy(host, listen_on, (size_t)(colon - listen_on));
	host[colon - listen_on] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || port < 0 || port > 65535) {
		snprintf(err, errlen, "%s has a bad port: '%s'", flag, colon + 1);
		return TR_ERR_INVALID;
	}
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	socklen_t len;
	size_t hl = strlen(host);
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
			goto bad_host;
		len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (strcmp(host, "localhost") == 0)
			snprintf(host, sizeof(host), "127.0.0.1");
		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			goto bad_host;
		len = sizeof(*a);
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 1024)) {
		snprintf(err, errlen, "cannot listen on %s: %s", listen_on,
			 errno == EADDRINUSE ? "port in use" : strerror(errno));
		if (fd >= 0)
			close(fd);
		return TR_ERR_IO;
	}
	getsockname(fd, (struct sockaddr *)&ss, &len);
	*port_out = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
						   : ((struct sockaddr_in *)&ss)->sin_port);
	*fd_out = fd;
	return TR_OK;
bad_host:
	snprintf(err, errlen, "%s has a bad address: '%s'", flag, host);
	return TR_ERR_INVALID;
}

/* Undoes a start that failed after binding. */
static void start_undo(struct http_server *s, int flusher_started)
{
	if (flusher_started) {
		atomic_store(&s->stopping, 1);
		pthread_join(s->flusher, NULL);
	}
	close(s->fd);
	if (s->metrics_fd >= 0)
		close(s->metrics_fd);
	metrics_free(&s->metrics);
	sodium_memzero(s->metrics_key, sizeof(s->metrics_key));
	free(s);
}

int http_server_start(const struct http_config *cfg, struct http_server **out, char *err,
		      size_t errlen)
{
	struct http_server *s = calloc(1, sizeof(*s));
	if (!s)
		return TR_ERR_NOMEM;
	s->cfg = *cfg;
	int rc = listen_socket(cfg->listen, "--listen", &s->fd, &s->port, err, errlen);
	if (rc) {
		free(s);
		return rc;
	}
	s->metrics_fd = -1;
	if (cfg->metrics_listen && *cfg->metrics_listen) {
		rc = listen_socket(cfg->metrics_listen, "--metrics-listen", &s->metrics_fd,
				   &s->metrics_port, err, errlen);
		if (rc) {
			close(s->fd);
			free(s);
			return rc;
		}
	}
	if (cfg->metrics_token && *cfg->metrics_token) {
		crypto_generichash(s->metrics_key, sizeof(s->metrics_key),
				   (const unsigned char *)cfg->metrics_token,
				   strlen(cfg->metrics_token), NULL, 0);
		s->has_metrics_key = 1;
	}
	s->cfg.metrics_token = NULL;
	metrics_init(&s->metrics, cfg->routes, cfg->nroutes);
	randombytes_buf(&s->id_prefix, sizeof(s->id_prefix));
	atomic_init(&s->id_next, 1);
	pthread_mutex_init(&s->log_mu, NULL);
	pthread_mutex_init(&s->park_mu, NULL);
	atomic_init(&s->stopping, 0);
	if (pthread_create(&s->flusher, NULL, log_flusher, s) != 0) {
		snprintf(err, errlen, "cannot start the log writer");
		start_undo(s, 0);
		return TR_ERR_IO;
	}
	unsigned threads =
	    cfg->threads > 0 ? (unsigned)cfg->threads : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	if (threads < 1)
		threads = 1;
	s->mhd = MHD_start_daemon(
	    MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL,
	    on_request, s, MHD_OPTION_LISTEN_SOCKET, s->fd, MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_CONNECTION_LIMIT, cfg->conn_limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    cfg->per_ip_limit, MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->conn_memory, MHD_OPTION_NOTIFY_COMPLETED,
	    on_completed, s, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_END);
	if (!s->mhd) {
		snprintf(err, errlen, "cannot start the HTTP server on %s", cfg->listen);
		start_undo(s, 1);
		return TR_ERR_IO;
	}
	/* one thread is plenty for a scraper */
	if (s->metrics_fd >= 0)
		s->metrics_mhd = MHD_start_daemon(
		    MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC, 0, NULL, NULL, on_metrics_request,
		    s, MHD_OPTION_LISTEN_SOCKET, s->metrics_fd, MHD_OPTION_CONNECTION_LIMIT, 64u,
		    MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s,
		    MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->conn_memory,
		    MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_END);
	if (s->metrics_fd >= 0 && !s->metrics_mhd) {
		snprintf(err, errlen, "cannot start the metrics server on %s", cfg->metrics_listen);
		MHD_stop_daemon(s->mhd);
		start_undo(s, 1);
		return TR_ERR_IO;
	}
	*out = s;
	return TR_OK;
}

void http_server_stop(struct http_server *s)
{
	if (!s)
		return;
	/* stop accepting first, then let the requests in flight finish (up to
	 * 15 s); idle keep-alive connections hold no request and are closed */
	MHD_socket fd = MHD_quiesce_daemon(s->mhd);
	MHD_socket mfd = s->metrics_mhd ? MHD_quiesce_daemon(s->metrics_mhd) : MHD_INVALID_SOCKET;
	atomic_store(&s->parks_closed, 1); /* the flusher resumes every parked request */
	for (int i = 0; i < 1500 && atomic_load(&s->inflight) > 0; i++)
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	MHD_stop_daemon(s->mhd);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	if (s->metrics_mhd)
		MHD_stop_daemon(s->metrics_mhd);
	if (mfd != MHD_INVALID_SOCKET)
		close(mfd);
	atomic_store(&s->stopping, 1);
	pthread_join(s->flusher, NULL);
	pthread_mutex_lock(&s->log_mu);
	log_flush_locked(s);
	pthread_mutex_unlock(&s->log_mu);
	pthread_mutex_destroy(&s->log_mu);
	pthread_mutex_destroy(&s->park_mu);
	metrics_free(&s->metrics);
	sodium_memzero(s->metrics_key, sizeof(s->metrics_key));
	free(s);
}

int http_park(struct http_req *req, int ms)
{
	if (atomic_load(&req->server->parks_closed) || req->metrics_listener)
		return TR_ERR_UNAVAILABLE;
	req->park = 1;
	req->park_until = (int64_t)(tr_mono_ns() / 1000000) + ms;
	return TR_OK;
}

int http_resumed(struct http_req *req)
{
	return req->resumed;
}

int64_t http_elapsed_ms(struct http_req *req)
{
	return (int64_t)((tr_mono_ns() - req->started_ns) / 1000000);
}

void http_metrics_write(struct http_server *s, struct buf *out)
{
	metrics_write(&s->metrics, out);
	if (s->cfg.metrics_extra)
		s->cfg.metrics_extra(s->cfg.app, out);
}

int http_metrics_access(struct http_req *req, struct http_resp *resp)
{
	struct http_server *s = req->server;
	if (req->metrics_listener)
		return TR_OK;
	if (!s->has_metrics_key) /* as if there were no such route */
		return http_fail(req, TR_ERR_NOT_FOUND, "no such route");
	const char *auth = http_header(req, "Authorization");
	if (auth && strncasecmp(auth, "Bearer ", 7) == 0) {
		unsigned char sent[sizeof(s->metrics_key)];
		crypto_generichash(sent, sizeof(sent), (const unsigned char *)auth + 7,
				   strlen(auth + 7), NULL, 0);
		if (sodium_memcmp(sent, s->metrics_key, sizeof(sent)) == 0)
			return TR_OK;
	}
	http_resp_header(resp, "WWW-Authenticate", "Bearer realm=\"metrics\"");
	return http_fail(req, TR_ERR_UNAUTH, "send the metrics token: Authorization: Bearer ...");
}
