#include "api/api.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "api/validate.h"
#include "domain/auth.h"

#include <arpa/inet.h>
#include <math.h>
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
			return http_field_error(req, "cursor",
						"is not a cursor this server issued");
		raw[rawlen] = '\0';
		if (strlen((char *)raw) != rawlen)
			return http_field_error(req, "cursor",
						"is not a cursor this server issued");
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
	size_t outlen =
	    sodium_base64_ENCODED_LEN((size_t)n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
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

int api_db_fail_as(struct http_req *req, struct db_conn *c, int rc, int code, const char *message)
{
	if (rc && rc == code)
		return http_fail(req, rc, message);
	return rc ? api_db_fail(req, c, rc) : TR_OK;
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

int api_db_end(struct http_req *req, struct db_conn *c, int rc, json_t *drop)
{
	if (rc) {
		rc = api_db_fail(req, c, rc);
		json_decref(drop);
	}
	db_release(c);
	return rc;
}

const char *api_client_addr(struct http_req *req)
{
	struct app *app = http_app(req);
	const char *xff = app && app->trust_proxy ? http_header(req, "X-Forwarded-For") : NULL;
	if (!xff)
		return http_client_addr(req);
	/* the proxy appends the address it saw: the last one, the only one
	 * the client cannot choose */
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	while (*last == ' ' || *last == '\t')
		last++;
	char text[64];
	size_t n = strcspn(last, " \t");
	unsigned char bin[16];
	if (n == 0 || n >= sizeof(text))
		return http_client_addr(req);
	memcpy(text, last, n);
	text[n] = '\0';
	int family = strchr(text, ':') ? AF_INET6 : AF_INET;
	char *out = arena_alloc(http_arena(req), INET6_ADDRSTRLEN);
	if (!out || inet_pton(family, text, bin) != 1 ||
	    !inet_ntop(family, bin, out, INET6_ADDRSTRLEN))
		return http_client_addr(req);
	return out;
}

int api_throttle_take(struct http_req *req, struct http_resp *resp, struct auth_throttle *t,
		      const char *detail)
{
	int retry = 0;
	if (!auth_throttle_take(t, api_client_addr(req), tr_now_ms(), &retry))
		return TR_OK;
	char ra[16];
	snprintf(ra, sizeof(ra), "%d", retry);
	http_resp_header(resp, "Retry-After", ra);
	return http_fail(req, TR_ERR_RATE_LIMIT, detail);
}

int api_password_throttle(struct http_req *req, struct http_resp *resp, const char *email,
			  const char *user_id)
{
	struct app *app = http_app(req);
	int64_t delay = 0;
	int rc = api_throttle_take(req, resp, app->sign_in,
				   "too many failed sign-ins from your address; try later");
	if (rc)
		return rc;
	int64_t now = tr_now_ms();
	struct db_conn *c = api_db(req);
	rc = auth_account_delay(c, email, user_id, now, &delay);
	if ((rc = api_db_end(req, c, rc, NULL)))
		return rc;
	auth_throttle_wait(app->sign_in, delay);
	return TR_OK;
}

const struct caller *api_caller(struct http_req *req)
{
	return http_user(req);
}

void api_etag(struct http_resp *resp, int64_t version)
{
	char etag[32];
	snprintf(etag, sizeof(etag), "\"%lld\"", (long long)version);
	http_resp_header(resp, "ETag", etag);
}

int api_if_match(struct http_req *req, int64_t *version)
{
	const char *h = http_header(req, "If-Match");
	if (!h)
		return http_fail(req, TR_ERR_PRECOND_REQUIRED,
				 "send If-Match with the ETag of the record you read");
	const char *p = h;
	if (strncmp(p, "W/", 2) == 0)
		p += 2;
	char *end;
	if (*p != '"' || p[1] == '-')
		return http_fail(req, TR_ERR_PRECONDITION,
				 "If-Match does not name a current version");
	long long v = strtoll(p + 1, &end, 10);
	if (end == p + 1 || *end != '"' || end[1] || v < 1)
		return http_fail(req, TR_ERR_PRECONDITION,
				 "If-Match does not name a current version");
	*version = v;
	return TR_OK;
}

int api_body(struct http_req *req, const struct vfield *spec, size_t n, int partial, json_t **out)
{
	*out = NULL;
	int rc = api_record_seen(req);
	if (rc)
		return rc;
	rc = http_json_body(req, out);
	if (rc)
		return rc;
	rc = validate_body(req, *out, spec, n, partial);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int api_idem_replay(struct http_req *req, struct http_resp *resp, struct db_conn *c)
{
	const char *key = http_header(req, "Idempotency-Key");
	const struct caller *who = api_caller(req);
	if (!key || !who)
		return 0;
	struct db_stmt *s;
	if (db_prepare_vals(
		c,
		"SELECT status, body FROM idempotency_keys WHERE user_id = ? AND key = ?"
		" AND route = ?",
		DB_VALS(DB_TEXT(who->user_id), DB_TEXT(key), DB_TEXT(http_route_pattern(req))), &s))
		return 0;
	int found = db_step(s) == DB_ROW;
	if (found) {
		http_resp_status(resp, (int)db_col_int64(s, 0));
		buf_puts(http_resp_body(resp), db_col_text(s, 1));
		http_resp_header(resp, "Idempotent-Replayed", "true");
	}
	db_done(s);
	return found;
}

void api_idem_save(struct http_req *req, struct db_conn *c, int status, json_t *body)
{
	const char *key = http_header(req, "Idempotency-Key");
	const struct caller *who = api_caller(req);
	if (!key || !who || strlen(key) > 200)
		return;
	char *text = json_dumps(body, JSON_COMPACT);
	struct db_stmt *s;
	if (text &&
	    !db_prepare_vals(c,
			     "INSERT INTO idempotency_keys (user_id, key, route, status, body,"
			     " created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
			     DB_VALS(DB_TEXT(who->user_id), DB_TEXT(key),
				     DB_TEXT(http_route_pattern(req)), DB_INT(status),
				     DB_TEXT(text), DB_INT(tr_now_ms())),
			     &s)) {
		db_step(s);
		db_done(s);
	}
	free(text);
}

int api_domain_fail(struct http_req *req, struct db_conn *c, int rc, const char *field)
{
	switch (rc) {
	case TR_ERR_NOT_FOUND:
		return http_fail(req, rc, "not found");
	case TR_ERR_FORBIDDEN:
		if (field && (strcmp(field, "distribution") == 0 || strcmp(field, "tlp") == 0)) {
			static const char share[] =
			    "only analysts and administrators of the owning organisation share a "
			    "record: other roles create at distribution organisation or country "
			    "and change neither distribution, sharing group nor TLP";
			http_field_error(req, field, share);
			return http_fail(req, rc, share);
		}
		if (field)
			http_field_error(req, field, "you may not change this");
		return http_fail(req, rc, "your role or organisation does not allow this");
	case TR_ERR_PRECONDITION:
		return http_fail(req, rc, "the record changed since you read it; read it again");
	case TR_ERR_CONFLICT:
		if (field)
			http_field_error(req, field, "is already taken");
		return http_fail(req, rc, "the request conflicts with an existing record");
	case TR_ERR_INVALID:
		if (field)
			http_field_error(req, field,
					 "does not name an existing record or is not allowed");
		return rc;
	default:
		return api_db_fail(req, c, rc);
	}
}

int api_query_enum(struct http_req *req, const char *name, const char *const *values,
		   const char **out)
{
	*out = http_query(req, name);
	if (!*out)
		return TR_OK;
	for (const char *const *v = values; *v; v++)
		if (strcmp(*v, *out) == 0)
			return TR_OK;
	return http_field_error(req, name, "is not one of the allowed values");
}

int api_query_time(struct http_req *req, const char *name, int64_t *out)
{
	const char *v = http_query(req, name);
	*out = 0;
	if (v && tr_time_parse(v, out))
		return http_field_error(req, name, "must be a date or an RFC 3339 date-time");
	return TR_OK;
}

int api_query_bbox(struct http_req *req, double box[4], int *has)
{
	const char *v = http_query(req, "bbox");
	*has = 0;
	if (!v)
		return TR_OK;
	char *end;
	const char *p = v;
	for (int i = 0; i < 4; i++) {
		box[i] = strtod(p, &end);
		if (end == p || (i < 3 && *end != ',') || (i == 3 && *end) || !isfinite(box[i]))
			return http_field_error(req, "bbox",
						"must be min_lon,min_lat,max_lon,max_lat");
		p = end + 1;
	}
	if (box[0] > box[2] || box[1] > box[3] || fabs(box[1]) > 90 || fabs(box[3]) > 90)
		return http_field_error(req, "bbox", "must be min_lon,min_lat,max_lon,max_lat");
	*has = 1;
	return TR_OK;
}
