/** Inside the HTTP layer: the server, the request and the response as
 * server.c (the daemon, dispatch, parking, the request log) and request.c
 * (the accessors, the response writers, JSON bodies) both see them. */
#ifndef TR_HTTP_SERVER_IMPL_H
#define TR_HTTP_SERVER_IMPL_H

#include "http/http.h"
#include "http/metrics.h"
#include "core/buf.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

struct http_server {
	struct MHD_Daemon *mhd;
	struct http_config cfg;
	int fd;
	int port;
	/* --metrics-listen: a daemon of its own answering only /metrics */
	struct MHD_Daemon *metrics_mhd;
	int metrics_fd;
	int metrics_port;
	/* BLAKE2b of the metrics token: compared in constant time, whatever
	 * the length of what a client sends */
	unsigned char metrics_key[32];
	int has_metrics_key;
	struct http_metrics metrics;
	atomic_int inflight; /* requests begun and not yet completed */
	/* request ids: a random prefix per process and a counter, so that an
	 * id costs no system call */
	unsigned long long id_prefix;
	atomic_ullong id_next;
	/* request log lines, written in batches by the flusher thread */
	pthread_mutex_t log_mu;
	char log_buf[64 * 1024];
	size_t log_len;
	pthread_t flusher;
	atomic_int stopping;
	/* parked requests (http_park), resumed by the flusher thread */
	pthread_mutex_t park_mu;
	struct http_req *parked;
	atomic_int parks_closed; /* stopping: no request parks any more */
};

struct http_resp {
	int status;
	const char *type;
	struct buf body;
	char *taken;
	size_t taken_len;
	struct http_stream stream;
	int streaming;
	const char *fixed; /* a body that outlives the response (not copied) */
	size_t fixed_len;
	int file_fd; /* a byte range of an open file (http_resp_file), or -1 */
	uint64_t file_off, file_len;
	int nheaders;
	const char *hname[HTTP_HEADERS_MAX];
	const char *hvalue[HTTP_HEADERS_MAX];
};

struct http_req {
	struct http_server *server;
	/* who still holds it: the connection, and a streamed response until
	 * its stream is freed (the stream's state may live in the arena) */
	atomic_int holds;
	struct MHD_Connection *conn;
	struct arena *arena;
	const char *method;
	const char *path;
	const char *route;
	int route_index;
	char request_id[37];
	int64_t started_ns;
	struct buf body;
	int too_large;
	int refused;	      /* a tr_err found in the request line or headers */
	int metrics_listener; /* came in on --metrics-listen */
	int nparams;
	const char *pname[HTTP_PARAMS_MAX];
	const char *pvalue[HTTP_PARAMS_MAX];
	const char *detail;
	int nerr;
	const char *efield[HTTP_ERRORS_MAX];
	const char *emsg[HTTP_ERRORS_MAX];
	char addr[64];
	void *user;
	struct http_resp resp;
	int park;	    /* the handler asked to be called again */
	int64_t park_until; /* monotonic ms */
	int resumed;	    /* times it was called again */
	struct http_req *park_next;
};

#endif
