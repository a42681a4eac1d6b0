/* The streamed export's shared part (src/api/page_stream.c): the head
 * first, then each page read and rendered in turn until the reader gives
 * no next cursor; a JSON list is closed after the last page, CSV rows are
 * not. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/page_stream.h"
#include "core/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A stream of the numbers 1 to total, pages of per (at most the limit). */
struct numbers {
	struct page_stream ps; /* first: the stream's state */
	int total, per, reads, limit_seen;
	char after_seen[8][16];
};

static int head(struct page_stream *p)
{
	page_stream_head(p, p->csv ? (const char *const[]){"n", NULL} : NULL, 0);
	return TR_OK;
}

static int read_page(struct page_stream *p, struct db_conn *c, const char *after, int limit,
		     json_t *items, char **next)
{
	struct numbers *n = (struct numbers *)p;
	assert_non_null(c);
	snprintf(n->after_seen[n->reads++ % 8], 16, "%s", after ? after : "-");
	n->limit_seen = limit;
	int from = after ? (int)strtol(after, NULL, 10) : 0;
	int to = from + n->per < n->total ? from + n->per : n->total;
	for (int i = from + 1; i <= to; i++)
		json_array_append_new(items, json_integer(i));
	*next = NULL;
	if (to < n->total) {
		*next = malloc(16);
		snprintf(*next, 16, "%d", to);
	}
	return TR_OK;
}

static void render(struct page_stream *p, struct db_conn *c, json_t *item)
{
	char text[32];
	snprintf(text, sizeof(text), "%lld", (long long)json_integer_value(item));
	if (p->csv)
		buf_printf(&p->out, "%s\r\n", text);
	else
		page_stream_item(p, text);
}

static const struct page_stream_ops ops = {head, read_page, render, NULL};

static struct db *open_temp(char *path, size_t n)
{
	snprintf(path, n, "/tmp/trellis-unit-ps-%d.db", (int)getpid());
	unlink(path);
	char url[300], err[300];
	snprintf(url, sizeof(url), "sqlite:%s", path);
	struct db *db = NULL;
	assert_int_equal(db_open(url, 1, &db, err, sizeof(err)), TR_OK);
	return db;
}

/* Everything the stream sends, read in chunks of at most max bytes. */
static char *drain(struct numbers *n, size_t max)
{
	size_t cap = 4096, len = 0;
	char *all = calloc(1, cap);
	char chunk[64];
	long got;
	while ((got = page_stream_fill(n, chunk, max < sizeof(chunk) ? max : sizeof(chunk))) > 0) {
		assert_true(len + (size_t)got < cap);
		memcpy(all + len, chunk, (size_t)got);
		len += (size_t)got;
	}
	assert_int_equal(got, 0);
	return all;
}

static void a_json_list_is_paged_and_closed(void **state)
{
	(void)state;
	char path[256];
	struct db *db = open_temp(path, sizeof(path));
	struct numbers *n = calloc(1, sizeof(*n));
	n->total = 5;
	n->per = 2;
	page_stream_init(&n->ps, &ops, db, 0);
	char *all = drain(n, 7);
	assert_string_equal(all, "{\"items\":[1,2,3,4,5]}");
	assert_int_equal(n->reads, 3);
	assert_int_equal(n->limit_seen, 200);
	assert_string_equal(n->after_seen[0], "-");
	assert_string_equal(n->after_seen[1], "2");
	assert_string_equal(n->after_seen[2], "4");
	free(all);
	page_stream_free(n);
	free(n); /* the state is its owner's (a request arena's, in the server) */
	db_close(db);
	unlink(path);
}

static void csv_rows_are_not_closed(void **state)
{
	(void)state;
	char path[256];
	struct db *db = open_temp(path, sizeof(path));
	struct numbers *n = calloc(1, sizeof(*n));
	n->total = 3;
	n->per = 200;
	page_stream_init(&n->ps, &ops, db, 1);
	char *all = drain(n, 64);
	assert_string_equal(all, "n\r\n1\r\n2\r\n3\r\n");
	assert_int_equal(n->reads, 1);
	free(all);
	page_stream_free(n);
	free(n); /* the state is its owner's (a request arena's, in the server) */
	db_close(db);
	unlink(path);
}

static void an_empty_list_is_still_a_list(void **state)
{
	(void)state;
	char path[256];
	struct db *db = open_temp(path, sizeof(path));
	struct numbers *n = calloc(1, sizeof(*n));
	n->per = 10;
	page_stream_init(&n->ps, &ops, db, 0);
	char *all = drain(n, 64);
	assert_string_equal(all, "{\"items\":[]}");
	free(all);
	page_stream_free(n);
	free(n); /* the state is its owner's (a request arena's, in the server) */
	db_close(db);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_json_list_is_paged_and_closed),
		cmocka_unit_test(csv_rows_are_not_closed),
		cmocka_unit_test(an_empty_list_is_still_a_list),
	};
	return cmocka_run_group_tests_name("page_stream", tests, NULL, NULL);
}
