/* Export of alerts, streamed: each chunk is a
 * page fetched with its own short use of a database connection, so a slow
 * reader holds no connection and no whole result is ever buffered. */
#include "api/api.h"
#include "api/handlers.h"
#include "api/page_stream.h"
#include "core/buf.h"
#include "core/csv.h"
#include "core/err.h"
#include "api/alerts_misp.h"
#include "core/uuid.h"
#include "domain/alert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum fmt { FMT_JSON, FMT_CSV, FMT_GEOJSON, FMT_MISP, FMT_STIX };

struct export
{
	struct page_stream ps; /* first: the stream's state is the export */
	struct caller who;
	struct alert_filter f;
	enum fmt fmt;
	json_t *orgs_seen; /* STIX: identities written */
};

/* New columns go last: the columns of older exports stay where they were. */
/* clang-format off */
static const char *const csv_cols[] = {
    "id",	   "org_id",	 "country",	  "title",	 "summary",
    "category",	   "status",	 "distribution",  "tlp",	 "lat",
    "lon",	   "place_name", "observed_from", "observed_to", "reliability",
    "credibility", "substances", "countries",	  "tags",	 "created_at",
    "updated_at",  "drug_form",  NULL};
/* clang-format on */

static void csv_list(struct buf *b, json_t *arr)
{
	struct buf tmp;
	buf_init(&tmp, 1u << 16);
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) buf_printf(&tmp, "%s%s", i ? ";" : "", json_string_value(v));
	csv_put_text(b, tmp.data ? tmp.data : "");
	buf_free(&tmp);
}

static void render_csv(struct buf *b, json_t *a)
{
	json_t *loc = json_object_get(a, "location");
	for (int i = 0; csv_cols[i]; i++) {
		const char *k = csv_cols[i];
		if (i)
			buf_puts(b, ",");
		json_t *v =
		    strcmp(k, "lat") == 0 || strcmp(k, "lon") == 0 || strcmp(k, "place_name") == 0
			? json_object_get(loc, k)
			: json_object_get(a, k);
		if (json_is_array(v))
			csv_list(b, v);
		else if (json_is_number(v))
			buf_printf(b, "%.17g", json_number_value(v));
		else if (json_is_string(v))
			csv_put_text(b, json_string_value(v));
	}
	buf_puts(b, "\r\n");
}

static void render(struct export *e, json_t *a)
{
	char *s;
	switch (e->fmt) {
	case FMT_CSV:
		render_csv(&e->ps.out, a);
		return;
	case FMT_JSON:
		s = json_dumps(a, JSON_COMPACT);
		page_stream_item(&e->ps, s);
		free(s);
		break;
	case FMT_GEOJSON: {
		json_t *loc = json_object_get(a, "location");
		json_t *geom = json_is_object(loc)
				   ? json_pack("{s:s, s:[f, f]}", "type", "Point", "coordinates",
					       json_number_value(json_object_get(loc, "lon")),
					       json_number_value(json_object_get(loc, "lat")))
				   : json_null();
		json_t *feat = json_pack("{s:s, s:s, s:o, s:O}", "type", "Feature", "id",
					 json_string_value(json_object_get(a, "id")), "geometry",
					 geom, "properties", a);
		s = json_dumps(feat, JSON_COMPACT);
		page_stream_item(&e->ps, s);
		free(s);
		json_decref(feat);
		break;
	}
	default: /* MISP and STIX: render_exchange */
		break;
	}
}

/* The name column of the row id, or out left as it is. */
static void name_of(struct db_conn *c, const char *sql, const char *id, char *out, size_t n)
{
	struct db_stmt *s;
	if (!id || db_prepare(c, sql, &s))
		return;
	db_bind_text(s, 1, id);
	if (db_step(s) == DB_ROW)
		snprintf(out, n, "%s", db_col_text(s, 0));
	db_done(s);
}

/* MISP and STIX want the organisation's name (MISP the sharing group's too)
 * and the sightings. */
static void render_exchange(struct export *e, struct db_conn *c, json_t *a)
{
	char name[300] = "", group[300] = "";
	name_of(c, "SELECT name FROM organisations WHERE id = ?",
		json_string_value(json_object_get(a, "org_id")), name, sizeof(name));
	name_of(c, "SELECT name FROM sharing_groups WHERE id = ?",
		json_string_value(json_object_get(a, "sharing_group_id")), group, sizeof(group));
	json_t *sightings = NULL;
	alert_sightings(c, &e->who, json_string_value(json_object_get(a, "id")), &sightings);
	char *text = NULL;
	if (e->fmt == FMT_MISP) {
		json_t *ev =
		    misp_event(a, name[0] ? name : NULL, group[0] ? group : NULL, sightings);
		text = json_dumps(ev, JSON_COMPACT);
		json_decref(ev);
	} else {
		json_t *objs = json_array();
		stix_objects(a, name[0] ? name : NULL, sightings, objs, e->orgs_seen);
		text = json_dumps(objs, JSON_COMPACT);
		json_decref(objs);
		/* the objects go into the bundle's array: drop the brackets */
		if (text && strlen(text) > 2) {
			size_t n = strlen(text);
			memmove(text, text + 1, n - 2);
			text[n - 2] = '\0';
		}
	}
	json_decref(sightings);
	page_stream_item(&e->ps, text);
	free(text);
}

/* The opening of the document of the format. */
static int export_head(struct page_stream *p)
{
	struct export *e = (struct export *)p;
	if (e->fmt == FMT_MISP) {
		buf_puts(&e->ps.out, "{\"response\":[");
	} else if (e->fmt == FMT_STIX) {
		char fresh[37], id[STIX_ID_MAX];
		tr_uuid7(fresh);
		stix_id(id, "bundle", fresh);
		json_t *defs = stix_tlp_definitions();
		char *t = json_dumps(defs, JSON_COMPACT);
		json_decref(defs);
		t[strlen(t) - 1] = '\0'; /* the array stays open */
		buf_printf(&e->ps.out, "{\"type\":\"bundle\",\"id\":\"%s\",\"objects\":%s", id, t);
		free(t);
		e->ps.first = 0;
	} else {
		page_stream_head(&e->ps, e->fmt == FMT_CSV ? csv_cols : NULL,
				 e->fmt == FMT_GEOJSON);
	}
	return TR_OK;
}

static int export_read(struct page_stream *p, struct db_conn *c, const char *after, int limit,
		       json_t *items, char **next)
{
	struct export *e = (struct export *)p;
	return alert_list(c, &e->who, &e->f, after, limit, items, next);
}

static void export_render(struct page_stream *p, struct db_conn *c, json_t *a)
{
	struct export *e = (struct export *)p;
	if (e->fmt == FMT_MISP || e->fmt == FMT_STIX)
		render_exchange(e, c, a);
	else
		render(e, a);
}

/* What the export owns beyond its stream. */
static void export_release(struct page_stream *p)
{
	json_decref(((struct export *)p)->orgs_seen);
}

int api_alerts_export(struct http_req *req, struct http_resp *resp)
{
	static const char *const allowed[] = {"format",	      "status",	   "category",
					      "country",      "tlp",	   "tag",
					      "organisation", "drug_form", NULL};
	const char *form = NULL;
	int rc = api_query_allow(req, allowed);
	rc |= api_query_enum(req, "drug_form", alert_drug_forms, &form);
	const char *format = http_query(req, "format");
	enum fmt fmt = FMT_JSON;
	if (!format || strcmp(format, "json") == 0)
		fmt = FMT_JSON;
	else if (strcmp(format, "csv") == 0)
		fmt = FMT_CSV;
	else if (strcmp(format, "geojson") == 0)
		fmt = FMT_GEOJSON;
	else if (strcmp(format, "misp") == 0)
		fmt = FMT_MISP;
	else if (strcmp(format, "stix") == 0)
		fmt = FMT_STIX;
	else
		rc = http_field_error(req, "format", "must be json, csv, geojson, misp or stix");
	if (rc)
		return rc;
	struct export *e = arena_alloc(http_arena(req), sizeof(*e));
	if (!e)
		return TR_ERR_NOMEM;
	struct app *app = http_app(req);
	e->who = *api_caller(req);
	e->fmt = fmt;
	static const struct page_stream_ops ops = {export_head, export_read, export_render,
						   export_release};
	page_stream_init(&e->ps, &ops, app->db, fmt == FMT_CSV);
	e->orgs_seen = json_object();
	e->f.status = http_query(req, "status");
	e->f.category = http_query(req, "category");
	e->f.country = http_query(req, "country");
	e->f.tlp = http_query(req, "tlp");
	e->f.tag = http_query(req, "tag");
	e->f.org_id = http_query(req, "organisation");
	e->f.drug_form = form;
	page_stream_answer(resp, &e->ps,
			   fmt == FMT_CSV	? "text/csv; charset=utf-8"
			   : fmt == FMT_GEOJSON ? "application/geo+json"
						: "application/json",
			   fmt == FMT_CSV	? "attachment; filename=\"alerts.csv\""
			   : fmt == FMT_GEOJSON ? "attachment; filename=\"alerts.geojson\""
						: "attachment; filename=\"alerts.json\"");
	return TR_OK;
}
