#include "api/api.h"
#include "api/handlers.h"
#include "core/err.h"
#include "domain/country.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each country's JSON, rendered once; the default first page as a whole. */
struct country_cache {
	size_t n;
	struct {
		char iso2[3];
		char *status;
		char *json;
	} * c;
	char *first_page; /* GET /api/v1/countries with no arguments */
	size_t first_len;
};

static void page_render(const struct country_cache *cc, const char *status, const char *after,
			int limit, struct buf *out, const char **last, int *more)
{
	int n = 0;
	*more = 0;
	*last = NULL;
	buf_puts(out, "{\"items\":[");
	for (size_t i = 0; i < cc->n; i++) {
		if ((status && strcmp(cc->c[i].status, status) != 0) ||
		    (after && strcmp(cc->c[i].iso2, after) <= 0))
			continue;
		if (n == limit) {
			*more = 1;
			break;
		}
		if (n++)
			buf_puts(out, ",");
		buf_puts(out, cc->c[i].json);
		*last = cc->c[i].iso2;
	}
	buf_puts(out, "]");
}

void api_countries_cache_free(struct app *app)
{
	struct country_cache *cc = app->countries;
	if (!cc)
		return;
	for (size_t i = 0; i < cc->n; i++) {
		free(cc->c[i].status);
		free(cc->c[i].json);
	}
	free(cc->c);
	free(cc->first_page);
	free(cc);
	app->countries = NULL;
}

int api_countries_cache(struct app *app)
{
	struct country_cache *cc = calloc(1, sizeof(*cc));
	json_t *items = json_array();
	int more = 0;
	struct db_conn *c = db_acquire(app->db);
	int rc = cc && items ? country_list(c, NULL, NULL, 1000, items, &more) : TR_ERR_NOMEM;
	db_release(c);
	size_t n = json_array_size(items);
	if (!rc && !(cc->c = calloc(n ? n : 1, sizeof(*cc->c))))
		rc = TR_ERR_NOMEM;
	for (size_t i = 0; !rc && i < n; i++) {
		json_t *j = json_array_get(items, i);
		snprintf(cc->c[i].iso2, 3, "%s", json_string_value(json_object_get(j, "iso2")));
		cc->c[i].status = strdup(json_string_value(json_object_get(j, "osce_status")));
		cc->c[i].json = json_dumps(j, JSON_COMPACT);
		cc->n = i + 1;
		if (!cc->c[i].status || !cc->c[i].json)
			rc = TR_ERR_NOMEM;
	}
	json_decref(items);
	app->countries = cc;
	if (rc) {
		api_countries_cache_free(app);
		return rc;
	}
	/* the first page with default arguments, as the handler would build it */
	struct buf b;
	buf_init(&b, 1u << 20);
	const char *last;
	page_render(cc, NULL, NULL, API_LIMIT_DEFAULT, &b, &last, &more);
	buf_puts(&b, ",\"next_cursor\":");
	if (more) {
		/* same text as api_cursor_make would give */
		char raw[16], enc[64];
		int rn = snprintf(raw, sizeof(raw), "k1:%s", last);
		sodium_bin2base64(enc, sizeof(enc), (unsigned char *)raw, (size_t)rn,
				  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		buf_json_str(&b, enc);
	} else {
		buf_puts(&b, "null");
	}
	buf_puts(&b, "}");
	if (b.err) {
		buf_free(&b);
		api_countries_cache_free(app);
		return TR_ERR_NOMEM;
	}
	cc->first_page = buf_detach(&b, &cc->first_len);
	return TR_OK;
}

struct count_ctx {
	int n;
};

static void count_arg(void *ctx, const char *k, const char *v)
{
	(void)k;
	(void)v;
	((struct count_ctx *)ctx)->n++;
}

int api_countries_list(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {"osce_status", NULL};
	struct app *app = http_app(req);
	struct count_ctx args = {0};
	http_query_each(req, count_arg, &args);
	http_resp_status(resp, 200);
	if (args.n == 0) {
		http_resp_static(resp, app->countries->first_page, app->countries->first_len);
		return TR_OK;
	}
	struct api_page page;
	int rc = api_query_allow(req, allowed);
	if (!rc)
		rc = api_page_read(req, &page);
	const char *status = http_query(req, "osce_status");
	if (status && !country_status_valid(status))
		rc = http_field_error(req, "osce_status",
				      "must be participating_state, asian_partner or "
				      "mediterranean_partner");
	if (rc)
		return rc;
	struct buf *b = http_resp_body(resp);
	const char *last;
	int more;
	page_render(app->countries, status, page.after, page.limit, b, &last, &more);
	buf_puts(b, ",\"next_cursor\":");
	if (more)
		buf_json_str(b, api_cursor_make(req, last));
	else
		buf_puts(b, "null");
	buf_puts(b, "}");
	return b->err;
}

int api_countries_get(struct http_req *req, struct http_resp *resp)
{
	struct app *app = http_app(req);
	const char *p = http_param(req, "iso2");
	if (strlen(p) != 2 || !isalpha((unsigned char)p[0]) || !isalpha((unsigned char)p[1]))
		return http_fail(req, TR_ERR_NOT_FOUND, "no such country");
	char iso2[3] = {(char)toupper((unsigned char)p[0]), (char)toupper((unsigned char)p[1]), 0};
	for (size_t i = 0; i < app->countries->n; i++) {
		if (strcmp(app->countries->c[i].iso2, iso2) == 0) {
			http_resp_status(resp, 200);
			http_resp_static(resp, app->countries->c[i].json,
					 strlen(app->countries->c[i].json));
			return TR_OK;
		}
	}
	return http_fail(req, TR_ERR_NOT_FOUND, "no such country");
}
