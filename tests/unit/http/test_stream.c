/* A streamed answer whose state lives in the request's arena: the server
 * keeps the request, arena and all, until the stream has been freed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "http/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BODY (1u << 20) /* many fills of at most 64 KiB */
#define MARK "stream state still here"

struct state {
	char mark[32];
	size_t left;
};

static atomic_int freed_intact, freed;

static long fill(void *v, char *out, size_t max)
{
	struct state *st = v;
	size_t n = st->left < max ? st->left : max;
	memset(out, 'x', n);
	st->left -= n;
	return (long)n;
}

static void state_free(void *v)
{
	struct state *st = v;
	/* the arena's chunk holding st must not have been handed back yet:
	 * under the address sanitizer reading it after would abort here */
	atomic_fetch_add(&freed_intact, strcmp(st->mark, MARK) == 0);
	atomic_fetch_add(&freed, 1);
}

static int big(struct http_req *req, struct http_resp *resp)
{
	struct arena *a = http_arena(req);
	/* more than the arena's first chunk, so st is in a chunk of its own,
	 * which the arena frees when it is reset for the next request */
	if (!arena_alloc(a, 64 * 1024))
		return TR_ERR_NOMEM;
	struct state *st = arena_alloc(a, sizeof(*st));
	if (!st)
		return TR_ERR_NOMEM;
	snprintf(st->mark, sizeof(st->mark), "%s", MARK);
	st->left = BODY;
	struct http_stream s = {st, fill, state_free};
	http_resp_stream(resp, &s);
	http_resp_status(resp, 200);
	http_resp_type(resp, "text/plain");
	return TR_OK;
}

static int small(struct http_req *req, struct http_resp *resp)
{
	/* dirties this worker's arena with another request's bytes */
	char *p = arena_alloc(http_arena(req), 200 * 1024);
	if (!p)
		return TR_ERR_NOMEM;
	memset(p, 'y', 200 * 1024);
	http_resp_status(resp, 200);
	http_resp_type(resp, "text/plain");
	http_resp_static(resp, "ok", 2);
	return TR_OK;
}

/* GET path on 127.0.0.1:port with a new connection; how many of the
 * body's bytes are 'x' or 'k' (the two answers are x... and ok). */
static long get(int port, const char *path)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	char line[256];
	int n = snprintf(line, sizeof(line),
			 "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", path);
	assert_int_equal(write(fd, line, (size_t)n), n);
	static char in[BODY + 4096];
	size_t got = 0;
	ssize_t r;
	while ((r = read(fd, in + got, sizeof(in) - 1 - got)) > 0)
		got += (size_t)r;
	close(fd);
	in[got] = '\0';
	char *body = strstr(in, "\r\n\r\n");
	assert_non_null(body);
	assert_non_null(strstr(in, " 200 "));
	long len = 0; /* the payload's bytes, without the chunks' framing */
	for (const char *p = body + 4; *p; p++)
		len += *p == 'x' || *p == 'k';
	return len;
}

static void arena_state_outlives_the_request(void **unused)
{
	(void)unused;
	static const struct http_route routes[] = {
	    {"GET", "/big", big, HTTP_PUBLIC, NULL},
	    {"GET", "/small", small, HTTP_PUBLIC, NULL},
	};
	struct http_config cfg = {.listen = "127.0.0.1:0",
				  .threads = 1,
				  .conn_limit = 16,
				  .per_ip_limit = 16,
				  .timeout_s = 10,
				  .conn_memory = 64 * 1024,
				  .routes = routes,
				  .nroutes = sizeof(routes) / sizeof(routes[0])};
	struct http_server *s;
	char err[200];
	assert_int_equal(http_server_start(&cfg, &s, err, sizeof(err)), TR_OK);
	int port = http_server_port(s);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(get(port, "/big"), (long)BODY);
		assert_int_equal(get(port, "/small"), 1);
	}
	http_server_stop(s);
	assert_int_equal(atomic_load(&freed), 8);
	assert_int_equal(atomic_load(&freed_intact), 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(arena_state_outlives_the_request),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
