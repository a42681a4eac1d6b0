/* Export of the tip, problem, practice and proposal lists with the filters
 * of their list routes, as JSON, CSV or GeoJSON, streamed page by page
 * like the alerts export: each page is read with its own short use of a
 * database connection through the list function of the domain, so what an
 * export holds is what the caller's list shows, access rule included. A
 * tip's contact is never in a list, so never in an export. */
#include "api/api.h"
#include "api/audit.h"
#include "api/handlers.h"
#include "api/page_stream.h"
#include "api/resource.h"
#include "core/buf.h"
#include "core/csv.h"
#include "core/err.h"
#include "domain/practice.h"
#include "domain/problem.h"
#include "domain/proposal.h"
#include "domain/tip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum fmt { FMT_JSON, FMT_CSV, FMT_GEOJSON };
#define STRINGS_MAX 8

struct export;
typedef int (*page_fn)(struct db_conn *c, struct export *e, const char *after, int limit,
		       json_t *items, char **next);

/* What one list exports: its name (file names), columns (paths into an
 * item, "location.lat"), where its point is, and its page function. */
struct list_kind {
	const char *name;
	const char *const *cols;
	const char *lat, *lon; /* paths of the point, or NULL */
	page_fn page;
};

struct export
{
	struct page_stream ps; /* first: the stream's state is the export */
	struct caller who;
	const struct list_kind *kind;
	const char *s[STRINGS_MAX]; /* the filter's strings, the request arena's */
	struct tip_filter tf;
	struct audit_filter af; /* its strings are s[] */
	enum fmt fmt;
};

/* ---- the lists ---- */

static int tips_page(struct db_conn *c, struct export *e, const char *after, int limit,
		     json_t *items, char **next)
{
	return tip_list(c, &e->who, &e->tf, after, limit, items, next);
}

static int problems_page(struct db_conn *c, struct export *e, const char *after, int limit,
			 json_t *items, char **next)
{
	struct problem_filter f = {e->s[0], e->s[1]};
	return problem_list(c, &e->who, &f, after, limit, items, next);
}

static int practices_page(struct db_conn *c, struct export *e, const char *after, int limit,
			  json_t *items, char **next)
{
	return practice_list(c, &e->who, e->s[0], e->s[1], e->s[2], e->s[3], after, limit, items,
			     next);
}

static int proposals_page(struct db_conn *c, struct export *e, const char *after, int limit,
			  json_t *items, char **next)
{
	return proposal_list(c, &e->who, e->s[0], after, limit, items, next);
}

/* the audit log, newest first; its cursor is the last entry's seq */
static int audit_page(struct db_conn *c, struct export *e, const char *after, int limit,
		      json_t *items, char **next)
{
	int more = 0;
	int rc = audit_list(c, &e->af, after ? strtoll(after, NULL, 10) : 0, limit, items, &more);
	size_t n = json_array_size(items);
	for (size_t i = 0; i < n; i++)
		api_audit_actor_set(json_array_get(items, i));
	*next = NULL;
	if (!rc && more && n) {
		char seq[32];
		snprintf(seq, sizeof(seq), "%lld",
			 (long long)json_integer_value(
			     json_object_get(json_array_get(items, n - 1), "seq")));
		*next = strdup(seq);
		if (!*next)
			rc = TR_ERR_NOMEM;
	}
	return rc;
}

static const char *const tip_cols[] = {"id",
				       "reference",
				       "org_id",
				       "country",
				       "category",
				       "description",
				       "status",
				       "location.lat",
				       "location.lon",
				       "location.place",
				       "location.precision_m",
				       "location.coarsened",
				       "observed_at",
				       "assigned_user_id",
				       "assigned_org_id",
				       "outcome",
				       "duplicate_of",
				       "ack_due_at",
				       "acknowledged_at",
				       "overdue",
				       "distribution",
				       "created_at",
				       "updated_at",
				       NULL};
static const char *const problem_cols[] = {"id",
					   "org_id",
					   "country",
					   "title",
					   "description",
					   "phase",
					   "distribution",
					   "tlp",
					   "area.lat",
					   "area.lon",
					   "area.radius_m",
					   "area.place_name",
					   "response_started_at",
					   "created_at",
					   "updated_at",
					   NULL};
static const char *const practice_cols[] = {
    "id",	 "org_id",     "country",    "title", "summary", "status", "evidence_level",
    "languages", "created_at", "updated_at", NULL};
static const char *const proposal_cols[] = {
    "id",	    "org_id", "title",	    "summary",	  "status", "endorsement_count",
    "distribution", "tlp",    "created_at", "updated_at", NULL};

static const char *const audit_cols[] = {
    "seq",	     "at",	    "user_id",	     "user_name", "actor",	"org_id", "action",
    "resource_type", "resource_id", "justification", "detail",	  "request_id", "hash",	  NULL};

static const struct list_kind kinds[] = {
    {"tips", tip_cols, "location.lat", "location.lon", tips_page},
    {"problems", problem_cols, "area.lat", "area.lon", problems_page},
    {"practices", practice_cols, NULL, NULL, practices_page},
    {"proposals", proposal_cols, NULL, NULL, proposals_page},
    {"audit", audit_cols, NULL, NULL, audit_page},
};

/* ---- rendering ---- */

/* The value at a path of one or two keys ("area.lat"). */
static json_t *at(json_t *item, const char *path)
{
	const char *dot = strchr(path, '.');
	if (!dot)
		return json_object_get(item, path);
	char head[64];
	snprintf(head, sizeof(head), "%.*s", (int)(dot - path), path);
	return json_object_get(json_object_get(item, head), dot + 1);
}

static void csv_cell(struct buf *b, json_t *v)
{
	if (json_is_string(v)) {
		csv_put_text(b, json_string_value(v));
	} else if (json_is_integer(v)) {
		buf_printf(b, "%lld", (long long)json_integer_value(v));
	} else if (json_is_number(v)) {
		buf_printf(b, "%.17g", json_number_value(v));
	} else if (json_is_boolean(v)) {
		buf_puts(b, json_is_true(v) ? "true" : "false");
	} else if (json_is_array(v) || json_is_object(v)) {
		/* lists of strings as a;b;c, anything else as its JSON text */
		struct buf tmp;
		buf_init(&tmp, 1u << 20);
		size_t i;
		json_t *x;
		int flat = json_is_array(v);
		json_array_foreach(v, i, x) flat &= json_is_string(x);
		if (flat) {
			json_array_foreach(v, i, x)
			    buf_printf(&tmp, "%s%s", i ? ";" : "", json_string_value(x));
		} else {
			char *s = json_dumps(v, JSON_COMPACT);
			buf_puts(&tmp, s ? s : "");
			free(s);
		}
		csv_put_text(b, tmp.data ? tmp.data : "");
		buf_free(&tmp);
	}
}

static void render(struct export *e, json_t *item)
{
	char *s = NULL;
	const struct list_kind *k = e->kind;
	if (e->fmt == FMT_CSV) {
		for (int i = 0; k->cols[i]; i++) {
			if (i)
				buf_puts(&e->ps.out, ",");
			csv_cell(&e->ps.out, at(item, k->cols[i]));
		}
		buf_puts(&e->ps.out, "\r\n");
		return;
	}
	if (e->fmt == FMT_JSON) {
		s = json_dumps(item, JSON_COMPACT);
	} else {
		json_t *lat = k->lat ? at(item, k->lat) : NULL,
		       *lon = k->lon ? at(item, k->lon) : NULL;
		json_t *geom = json_is_number(lat) && json_is_number(lon)
				   ? json_pack("{s:s, s:[f, f]}", "type", "Point", "coordinates",
					       json_number_value(lon), json_number_value(lat))
				   : json_null();
		json_t *feat =
		    json_pack("{s:s, s:O, s:o, s:O}", "type", "Feature", "id",
			      json_object_get(item, "id"), "geometry", geom, "properties", item);
		s = json_dumps(feat, JSON_COMPACT);
		json_decref(feat);
	}
	page_stream_item(&e->ps, s);
	free(s);
}

static int export_head(struct page_stream *p)
{
	struct export *e = (struct export *)p;
	page_stream_head(&e->ps, e->fmt == FMT_CSV ? e->kind->cols : NULL, e->fmt == FMT_GEOJSON);
	return TR_OK;
}

static int export_read(struct page_stream *p, struct db_conn *c, const char *after, int limit,
		       json_t *items, char **next)
{
	struct export *e = (struct export *)p;
	return e->kind->page(c, e, after, limit, items, next);
}

static void export_render(struct page_stream *p, struct db_conn *c, json_t *item)
{
	render((struct export *)p, item);
}

/* What the export owns beyond its stream. */
/* ---- the routes ---- */

static int format_read(struct http_req *req, enum fmt *fmt)
{
	const char *format = http_query(req, "format");
	if (!format || strcmp(format, "json") == 0)
		*fmt = FMT_JSON;
	else if (strcmp(format, "csv") == 0)
		*fmt = FMT_CSV;
	else if (strcmp(format, "geojson") == 0)
		*fmt = FMT_GEOJSON;
	else
		return http_field_error(req, "format", "must be json, csv or geojson");
	return TR_OK;
}

/* Starts the stream of kinds[k] with the strings of the query names. */
static int export_start(struct http_req *req, struct http_resp *resp, int k, enum fmt fmt,
			const char *const *names, struct export **out)
{
	struct export *e = arena_alloc(http_arena(req), sizeof(*e));
	if (!e)
		return http_fail(req, TR_ERR_NOMEM, "out of memory");
	struct app *app = http_app(req);
	e->who = *api_caller(req);
	e->kind = &kinds[k];
	e->fmt = fmt;
	static const struct page_stream_ops ops = {export_head, export_read, export_render, NULL};
	page_stream_init(&e->ps, &ops, app->db, fmt == FMT_CSV);
	for (int i = 0; names && names[i] && i < STRINGS_MAX; i++) {
		const char *v = http_query(req, names[i]);
		e->s[i] = v && *v ? v : NULL; /* the arena's, as e is */
	}
	if (out)
		*out = e;
	char disp[120];
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s.%s\"", kinds[k].name,
		 fmt == FMT_CSV	      ? "csv"
		 : fmt == FMT_GEOJSON ? "geojson"
				      : "json");
	page_stream_answer(resp, &e->ps,
			   fmt == FMT_CSV	? "text/csv; charset=utf-8"
			   : fmt == FMT_GEOJSON ? "application/geo+json"
						: "application/json",
			   disp);
	http_resp_header(resp, "Cache-Control", "no-store");
	return TR_OK;
}

int api_tips_export(struct http_req *req, struct http_resp *resp)
{
	static const char *const extra[] = {"format", NULL};
	static const char *const names[] = {"status", "category", "q", NULL};
	/* the same gate as the list: a role that may not list tips exports none */
	if (!acl_role_can(api_caller(req)->role, RES_TIP, ACT_LIST))
		return http_fail(req, TR_ERR_FORBIDDEN, tip_resource.read_forbidden);
	enum fmt fmt;
	struct rquery q;
	int rc = api_rquery_read(req, &tip_resource, extra, &q);
	rc |= format_read(req, &fmt);
	if (rc)
		return TR_ERR_INVALID;
	struct export *e;
	if ((rc = export_start(req, resp, 0, fmt, names, &e)))
		return rc;
	api_tips_filter(&q, &e->who, &e->tf);
	/* the export's own copies: the stream outlives the request */
	e->tf.status = e->s[0];
	e->tf.category = e->s[1];
	e->tf.q = e->s[2];
	return TR_OK;
}

int api_problems_export(struct http_req *req, struct http_resp *resp)
{
	static const char *const extra[] = {"format", NULL};
	static const char *const names[] = {"phase", "country", NULL};
	enum fmt fmt;
	struct rquery q;
	int rc = api_rquery_read(req, api_resource_of(req), extra, &q);
	rc |= format_read(req, &fmt);
	if (rc)
		return TR_ERR_INVALID;
	return export_start(req, resp, 1, fmt, names, NULL);
}

int api_practices_export(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {"format",		"status", "country",
					      "evidence_level", "q",	  NULL};
	static const char *const names[] = {"status", "country", "evidence_level", "q", NULL};
	enum fmt fmt;
	const char *status, *evidence;
	int rc = api_query_allow(req, allowed);
	rc |= format_read(req, &fmt);
	rc |= api_query_enum(req, "status", practice_statuses, &status);
	rc |= api_query_enum(req, "evidence_level", practice_evidence_levels, &evidence);
	const char *country = http_query(req, "country"), *q = http_query(req, "q");
	if (country && strlen(country) != 2)
		rc = http_field_error(req, "country", "must be an ISO 3166-1 alpha-2 code");
	if (q && strlen(q) > 200)
		rc = http_field_error(req, "q", "must be 1 to 200 characters");
	if (rc)
		return http_field_errors(req) ? TR_ERR_INVALID : rc;
	return export_start(req, resp, 2, fmt, names, NULL);
}

int api_proposals_export(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {"format", "status", NULL};
	static const char *const names[] = {"status", NULL};
	enum fmt fmt;
	const char *status;
	int rc = api_query_allow(req, allowed);
	rc |= format_read(req, &fmt);
	rc |= api_query_enum(req, "status", proposal_statuses, &status);
	if (rc)
		return http_field_errors(req) ? TR_ERR_INVALID : rc;
	return export_start(req, resp, 3, fmt, names, NULL);
}

/* The audit log with the filters of its list, as CSV or JSON: instance
 * administrators only, like the list. */
int api_audit_export(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {
	    "format", "user_id", "resource_type", "resource_id", "action", "from", "to", NULL};
	static const char *const names[] = {"user_id", "resource_type", "resource_id", "action",
					    NULL};
	struct audit_filter f;
	enum fmt fmt;
	int rc = api_audit_filter_read(req, &f);
	if (rc == TR_ERR_FORBIDDEN)
		return rc;
	rc |= api_query_allow(req, allowed);
	rc |= format_read(req, &fmt);
	if (!rc && fmt == FMT_GEOJSON)
		rc = http_field_error(req, "format", "must be json or csv: the log has no places");
	if (rc)
		return http_field_errors(req) ? TR_ERR_INVALID : rc;
	struct export *e;
	if ((rc = export_start(req, resp, 4, fmt, names, &e)))
		return rc;
	e->af = (struct audit_filter){e->s[0], e->s[1], e->s[2], e->s[3], f.from, f.to};
	return TR_OK;
}
