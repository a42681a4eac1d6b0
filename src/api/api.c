#include "api/api.h"
#include "core/err.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct allow_ctx {
	struct http_req *req;
	const char *const *allowed;
	int bad;
};

static void allow_check(void *ctx, const char *k, const char *v)
{
	struct allow_ctx *a = ctx;
	(void)v;
	if (strcmp(k, "limit") == 0 || strcmp(k, "cursor") == 0)
		return;
	for (const char *const *p = a->allowed; p && *p; p++)
		if (strcmp(*p, k) == 0)
			return;
	http_field_error(a->req, k, "unknown query parameter");
	a->bad = 1;
}

int api_query_allow(struct http_req *req, const char *const *allowed)
{
	struct allow_ctx a = {req, allowed, 0};
	http_query_each(req, allow_check, &a);
	return a.bad ? TR_ERR_INVALID : TR_OK;
}

int api_page_read(struct http_req *req, struct api_page *page)
{
	page->limit = API_LIMIT_DEFAULT;
	page->after = NULL;
	const char *l = http_query(req, "limit");
	if (l) {
		char *end;
		long v = strtol(l, &end, 10);
		if (!*l || *end || v < 1 || v > API_LIMIT_MAX)
			return http_field_error(req, "limit", "must be an integer from 1 to 500");
		page->limit = (int)v;
	}
	const char *c = http_query(req, "cursor");
	if (c) {
		size_t n = strlen(c);
		unsigned char raw[API_CURSOR_MAX + 1];
		size_t rawlen = 0;
		if (n == 0 || n > API_CURSOR_MAX * 2 ||
		    sodium_base642bin(raw, API_CURSOR_MAX, c, n, NULL, &rawlen, NULL,
				      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
		    rawlen < 3 || memcmp(raw, "k1:", 3) != 0)
			return http_field_error(req, "cursor", "is not a cursor this server issued");
		raw[rawlen] = '\0';
		if (strlen((char *)raw) != rawlen)
			return http_field_error(req, "cursor", "is not a cursor this server issued");
		page->after = arena_strdup(http_arena(req), (char *)raw + 3);
	}
	return TR_OK;
}

const char *api_cursor_make(struct http_req *req, const char *key)
{
	char raw[API_CURSOR_MAX];
	int n = snprintf(raw, sizeof(raw), "k1:%s", key);
	if (n < 0 || n >= (int)sizeof(raw))
		return NULL;
	size_t outlen = sodium_base64_ENCODED_LEN((size_t)n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = arena_alloc(http_arena(req), outlen);
	if (!out)
		return NULL;
	sodium_bin2base64(out, outlen, (unsigned char *)raw, (size_t)n,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

json_t *api_page_json(json_t *items, const char *next_cursor)
{
	return json_pack("{s:o, s:s?}", "items", items, "next_cursor", next_cursor);
}

struct db_conn *api_db(struct http_req *req)
{
	struct app *app = http_app(req);
	return db_acquire(app->db);
}

int api_db_fail(struct http_req *req, struct db_conn *c, int rc)
{
	struct app *app = http_app(req);
	if (rc == TR_ERR_DB) {
		atomic_fetch_add(&app->db_errors, 1);
		fprintf(stderr, "{\"level\":\"error\",\"request_id\":\"%s\",\"detail\":",
			http_request_id(req));
		struct buf b;
		buf_init(&b, 1024);
		buf_json_str(&b, db_errmsg(c));
		fprintf(stderr, "%s}\n", b.data ? b.data : "\"\"");
		buf_free(&b);
		return http_fail(req, rc, "the database could not complete the request");
	}
	return rc;
}
