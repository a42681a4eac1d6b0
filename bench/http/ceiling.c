/* The ceiling of `make bench`: a bare libmicrohttpd server with the same
 * threading model as Trellis (epoll, internal thread pool of one thread per
 * core) answering every request with {"status":"ok"} and nothing else: no
 * routing, no arena, no log line, no headers beyond Content-Type. Trellis
 * is measured as a ratio to it in the same run.
 *
 *   ceiling [PORT] [THREADS] [CONN_MEMORY]
 *
 * PORT 0 = any (the port is printed on stderr as Trellis does); THREADS
 * defaults to the number of cores; CONN_MEMORY (bytes, default 0 = the
 * libmicrohttpd default of 32 KiB) is the per-connection memory pool, which
 * libmicrohttpd clears between requests: an experiment knob. */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char body[] = "{\"status\":\"ok\"}";

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_size, void **state)
{
	struct MHD_Response *resp = cls;
	(void)url;
	(void)method;
	(void)version;
	(void)upload_data;
	/* As Trellis does: the first call only sees the headers; a body, if
	 * any, is drained and ignored; the answer is queued once it is read
	 * (queuing earlier makes libmicrohttpd close the connection). */
	if (*state == NULL) {
		*state = resp;
		return MHD_YES;
	}
	if (*upload_size != 0) {
		*upload_size = 0;
		return MHD_YES;
	}
	return MHD_queue_response(conn, MHD_HTTP_OK, resp);
}

static long arg_long(const char *s, long dflt)
{
	char *end;
	long v;
	if (!s)
		return dflt;
	v = strtol(s, &end, 10);
	return (*s && !*end && v >= 0) ? v : -1;
}

int main(int argc, char **argv)
{
	long port = arg_long(argc > 1 ? argv[1] : NULL, 0);
	long threads = arg_long(argc > 2 ? argv[2] : NULL, sysconf(_SC_NPROCESSORS_ONLN));
	long memory = arg_long(argc > 3 ? argv[3] : NULL, 0);
	if (port < 0 || port > 65535 || threads < 1 || threads > 256 || memory < 0) {
		fprintf(stderr, "usage: ceiling [PORT] [THREADS] [CONN_MEMORY]\n");
		return 2;
	}
	/* Block the stop signals before the pool starts so only sigwait sees them. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);

	struct MHD_Response *resp = MHD_create_response_from_buffer(
		sizeof(body) - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
	if (!resp || MHD_add_response_header(resp, "Content-Type", "application/json") != MHD_YES)
		return 1;
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC, (uint16_t)port, NULL, NULL, on_request,
		resp, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads, MHD_OPTION_CONNECTION_LIMIT,
		1024u, MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
		memory ? MHD_OPTION_CONNECTION_MEMORY_LIMIT : MHD_OPTION_END, (size_t)memory,
		MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "ceiling: cannot listen on port %ld\n", port);
		return 1;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	fprintf(stderr, "{\"level\":\"info\",\"msg\":\"listening\",\"port\":%u}\n",
		info ? (unsigned)info->port : 0u);
	fflush(stderr);

	int sig;
	sigwait(&stop, &sig);
	MHD_stop_daemon(d);
	MHD_destroy_response(resp);
	return 0;
}
