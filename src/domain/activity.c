#include "domain/row.h"
#include "domain/row_tx.h"
#include "domain/activity.h"
#include "domain/activity_impl.h"
#include "domain/shrec.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/audit.h"
#include "domain/notify.h"
#include "domain/group.h"
#include "domain/hxl.h"
#include "domain/overlap.h"
#include "domain/practice.h"
#include "domain/seq.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the activities table ---- */

static const struct activity_rec_col cols[] = {
    {"id", "id", REC_TEXT},
    {"org_id", "org_id", REC_TEXT},
    {"country", "country", REC_TEXT},
    {"created_by", "created_by", REC_TEXT},
    /* from here on the columns a PATCH may change (through updated_at) */
    {"partners", "partners", REC_JSON},
    {"type", "type", REC_TEXT},
    {"title", "title", REC_TEXT},
    {"description", "description", REC_TEXT},
    {"age_min", "age_min", REC_INT},
    {"age_max", "age_max", REC_INT},
    {"gender", "gender", REC_TEXT},
    {"setting", "setting", REC_TEXT},
    {"area_country", "area_country", REC_TEXT},
    {"admin_name", "admin_name", REC_TEXT},
    {"admin_code", "admin_code", REC_TEXT},
    {"place_name", "place_name", REC_TEXT},
    {"lat", "lat", REC_REAL},
    {"lon", "lon", REC_REAL},
    {"radius_km", "radius_km", REC_REAL},
    {"polygon", "polygon", REC_JSON},
    {"start", "start_at", REC_TIME},
    {"end", "end_at", REC_TIME},
    {"status", "status", REC_TEXT},
    {"planned_female", "planned_female", REC_INT},
    {"planned_male", "planned_male", REC_INT},
    {"reached_female", "reached_female", REC_INT},
    {"reached_male", "reached_male", REC_INT},
    {"budget", "budget", REC_REAL},
    {"currency", "currency", REC_TEXT},
    {"practice_id", "practice_id", REC_TEXT},
    {"distribution", "distribution", REC_TEXT},
    {"sharing_group_id", "sharing_group_id", REC_TEXT},
    {"tlp", "tlp", REC_TEXT},
    {"created_at", "created_at", REC_TIME},
    {"updated_at", "updated_at", REC_TIME},
    {"version", "version", REC_INT},
};
enum {
	NCOLS = sizeof(cols) / sizeof(cols[0]),
	COL_WRITABLE = 4,
	COL_CREATED = 33,
	COL_UPDATED = 34,
	COL_VERSION = 35
};

int activity_select_prepare(struct db_conn *c, struct query *q, struct db_stmt **s)
{
	int rc = query_prepare(q, c, s);
	query_free(q);
	return rc;
}

void activity_select_start(struct query *q)
{
	activity_rec_query(q, "a", cols, NCOLS, " FROM activities a WHERE 1 = 1");
}

json_t *activity_row_json(struct db_stmt *s)
{
	return activity_rec_json(s, cols, NCOLS);
}

int activity_get(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	struct query q;
	activity_select_start(&q);
	query_text(&q, " AND a.id = ?", id);
	acl_visible(&q, who, "a");
	return row_query_one(&q, c, activity_row_json, out);
}

static void list_filters(struct query *q, const struct activity_filter *f)
{
	const struct row_filter by[] = {{" AND a.area_country = ?", f->area_country},
					{" AND a.type = ?", f->type},
					{" AND a.status = ?", f->status},
					{" AND a.org_id = ?", f->org_id}};
	row_filters(q, by, sizeof(by) / sizeof(by[0]));
	const struct row_int_filter period[] = {
	    {" AND (a.end_at IS NULL OR a.end_at > ?)", f->from}, {" AND a.start_at < ?", f->to}};
	row_int_filters(q, period, 2);
	if (f->has_bbox)
		row_bbox(q, "a", f->bbox);
}

int activity_list(struct db_conn *c, const struct caller *who, const struct activity_filter *f,
		  const char *after, int limit, json_t *items, char **next_key)
{
	*next_key = NULL;
	struct query q;
	activity_select_start(&q);
	acl_visible(&q, who, "a");
	list_filters(&q, f);
	row_after(&q, "a.updated_at", "a.id", 1, after);
	if (limit > 0)
		query_int(&q, " ORDER BY a.updated_at DESC, a.id DESC LIMIT ?", limit + 1);
	else
		query_sql(&q, " ORDER BY a.updated_at DESC, a.id DESC");
	struct db_stmt *s;
	int rc = activity_select_prepare(c, &q, &s);
	if (rc)
		return rc;
	int n = 0;
	char last[100] = "";
	while ((rc = db_step(s)) == DB_ROW) {
		if (limit > 0 && n++ == limit) {
			*next_key = strdup(last);
			break;
		}
		json_t *row = activity_row_json(s);
		char t[32];
		int64_t upd = 0;
		snprintf(t, sizeof(t), "%s", json_string_value(json_object_get(row, "updated_at")));
		tr_time_parse(t, &upd);
		snprintf(last, sizeof(last), "%lld:%s", (long long)upd,
			 json_string_value(json_object_get(row, "id")));
		json_array_append_new(items, row);
	}
	db_done(s);
	return rc == DB_ROW || rc == DB_DONE ? TR_OK : rc;
}

/* ---- writing ---- */

static void defaults_fill(json_t *a)
{
	static const struct {
		const char *key, *text;
		int number;
	} d[] = {{"description", "", 0},
		 {"gender", "all", 0},
		 {"status", "planned", 0},
		 {"age_min", NULL, 0},
		 {"age_max", NULL, 120}};
	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		json_t *v = json_object_get(a, d[i].key);
		if (v && !json_is_null(v))
			continue;
		json_object_set_new(a, d[i].key,
				    d[i].text ? json_string(d[i].text) : json_integer(d[i].number));
	}
	if (!json_is_array(json_object_get(a, "partners")))
		json_object_set_new(a, "partners", json_array());
	if (json_is_number(json_object_get(a, "lat")) &&
	    !json_is_number(json_object_get(a, "radius_km")))
		json_object_set_new(a, "radius_km", json_real(1.0));
}

int64_t activity_time_of(json_t *a, const char *key, int *has)
{
	int64_t ms = 0;
	const char *v = json_string_value(json_object_get(a, key));
	*has = v && tr_time_parse(v, &ms) == TR_OK;
	return ms;
}

/* known (may be NULL) remembers answers during an import, where the same
 * country and partners come back on every row. */
static int row_exists(struct db_conn *c, const char *sql, const char *v, json_t *known)
{
	char key[120];
	snprintf(key, sizeof(key), "%.40s|%.70s", sql + 14, v ? v : "");
	json_t *hit = known ? json_object_get(known, key) : NULL;
	if (hit)
		return (int)json_integer_value(hit);
	int e = db_exists(c, sql, v);
	if (known && e >= 0)
		json_object_set_new(known, key, json_integer(e));
	return e;
}

/* A polygon: a closed ring of at least four [lon, lat] positions. Without a
 * point it gets its bounding circle (the centroid of its vertices and the
 * farthest vertex), which is what the overlap and gap rules use. */
static int polygon_check(json_t *a)
{
	json_t *p = json_object_get(a, "polygon");
	if (!p || json_is_null(p))
		return TR_OK;
	size_t n = json_array_size(p), i;
	if (!json_is_array(p) || n < 4 || n > 1000)
		return TR_ERR_INVALID;
	double slat = 0, slon = 0;
	json_t *v;
	json_array_foreach(p, i, v)
	{
		json_t *x = json_array_get(v, 0), *y = json_array_get(v, 1);
		if (json_array_size(v) != 2 || !json_is_number(x) || !json_is_number(y) ||
		    fabs(json_number_value(x)) > 180 || fabs(json_number_value(y)) > 90)
			return TR_ERR_INVALID;
		if (i < n - 1) {
			slon += json_number_value(x);
			slat += json_number_value(y);
		}
	}
	if (!json_equal(json_array_get(p, 0), json_array_get(p, n - 1)))
		return TR_ERR_INVALID;
	if (json_is_number(json_object_get(a, "lat")))
		return TR_OK;
	double clat = slat / (double)(n - 1), clon = slon / (double)(n - 1), r = 0;
	json_array_foreach(p, i, v) r =
	    fmax(r, overlap_km(clat, clon, json_number_value(json_array_get(v, 1)),
			       json_number_value(json_array_get(v, 0))));
	json_object_set_new(a, "lat", json_real(clat));
	json_object_set_new(a, "lon", json_real(clon));
	json_object_set_new(a, "radius_km", json_real(fmax(r, 0.01)));
	return TR_OK;
}

/* Rules across fields, on the merged record. */
static int activity_check(struct db_conn *c, const struct caller *who, json_t *a, json_t *known,
			  const char **field)
{
	const char *dist = json_string_value(json_object_get(a, "distribution"));
	if (dist && !acl_distribution_valid(dist))
		return *field = "distribution", TR_ERR_INVALID;
	if (group_share_check(c, who, a, 1, field))
		return TR_ERR_INVALID;
	if (polygon_check(a))
		return *field = "polygon", TR_ERR_INVALID;
	int lat = json_is_number(json_object_get(a, "lat"));
	int lon = json_is_number(json_object_get(a, "lon"));
	if (lat != lon)
		return *field = lat ? "lon" : "lat", TR_ERR_INVALID;
	if (!lat && json_is_number(json_object_get(a, "radius_km")))
		return *field = "radius_km", TR_ERR_INVALID;
	if (json_integer_value(json_object_get(a, "age_min")) >
	    json_integer_value(json_object_get(a, "age_max")))
		return *field = "age_max", TR_ERR_INVALID;
	int hs, he;
	int64_t start = activity_time_of(a, "start", &hs), end = activity_time_of(a, "end", &he);
	if (!hs)
		return *field = "start", TR_ERR_INVALID;
	if (he && end <= start)
		return *field = "end", TR_ERR_INVALID;
	const char *cur = json_string_value(json_object_get(a, "currency"));
	if (cur && (strlen(cur) != 3 || !isupper((unsigned char)cur[0]) ||
		    !isupper((unsigned char)cur[1]) || !isupper((unsigned char)cur[2])))
		return *field = "currency", TR_ERR_INVALID;
	int e = row_exists(c, "SELECT 1 FROM countries WHERE iso2 = ?",
			   json_string_value(json_object_get(a, "area_country")), known);
	if (e < 0)
		return TR_ERR_DB;
	if (!e)
		return *field = "area_country", TR_ERR_INVALID;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(a, "partners"), i, v)
	{
		if (strcmp(json_string_value(v), who->org_id) == 0)
			return *field = "partners", TR_ERR_INVALID;
		if ((e = row_exists(c, "SELECT 1 FROM organisations WHERE id = ?",
				    json_string_value(v), known)) <= 0)
			return e < 0 ? TR_ERR_DB : (*field = "partners", TR_ERR_INVALID);
	}
	const char *practice = json_string_value(json_object_get(a, "practice_id"));
	if (practice) {
		int rc = practice_check_visible(c, who, practice);
		if (rc == TR_ERR_NOT_FOUND)
			return *field = "practice_id", TR_ERR_INVALID;
		if (rc)
			return rc;
	}
	return TR_OK;
}

static const char *write_sql(struct buf *b, int insert)
{
	if (insert) {
		buf_puts(b, "INSERT INTO activities " DB_ACL_EXEMPT " (");
		for (int i = 0; i <= COL_UPDATED; i++)
			buf_printf(b, "%s, ", cols[i].col);
		buf_puts(b, "cell_x, cell_y, seq) VALUES (");
		for (int i = 0; i <= COL_UPDATED; i++)
			buf_puts(b, "?, ");
		buf_puts(b, "?, ?, ?)");
	} else {
		buf_puts(b, "UPDATE activities " DB_ACL_EXEMPT " SET ");
		for (int i = COL_WRITABLE; i < COL_CREATED; i++)
			buf_printf(b, "%s = ?, ", cols[i].col);
		buf_puts(b, "updated_at = ?, cell_x = ?, cell_y = ?, seq = ?, version = version + "
			    "1 WHERE id = ?");
	}
	return b->data;
}

/* Writes every column of the merged record a (insert or full update), with
 * the next change number. */
static int activity_write(struct db_conn *c, json_t *a, int insert)
{
	int64_t seq;
	int rc = seq_next(c, &seq);
	if (rc)
		return rc;
	struct buf b;
	buf_init(&b, 4096);
	struct db_stmt *s;
	rc = db_prepare(c, write_sql(&b, insert), &s);
	buf_free(&b);
	if (rc)
		return rc;
	int k;
	if (insert) {
		k = activity_rec_bind(s, 1, a, cols, COL_UPDATED + 1);
	} else {
		k = activity_rec_bind(s, 1, a, cols + COL_WRITABLE, COL_CREATED - COL_WRITABLE);
		k = activity_rec_bind(s, k, a, cols + COL_UPDATED, 1);
	}
	json_t *lat = json_object_get(a, "lat"), *lon = json_object_get(a, "lon");
	if (json_is_number(lat) && json_is_number(lon)) {
		db_bind_int64(s, k, overlap_cell(json_number_value(lon), 180));
		db_bind_int64(s, k + 1, overlap_cell(json_number_value(lat), 90));
	} else {
		db_bind_null(s, k);
		db_bind_null(s, k + 1);
	}
	db_bind_int64(s, k + 2, seq);
	if (!insert)
		db_bind_text(s, k + 3, json_string_value(json_object_get(a, "id")));
	return row_step_write(s);
}

/* The fields a new record gets from its creator rather than its body. */
/* A record made by no user (a service's import) names no creator. */
static void creator_fill(json_t *a, const struct caller *who)
{
	if (!who->user_id[0])
		json_object_set_new(a, "created_by", json_null());
}

/* The module's rule for one activity, asked by the notifications for
 * each subscriber (activity_get with them as the caller). */
static int activity_check_visible(struct db_conn *c, const struct caller *who, const char *id)
{
	return row_seen(c, who, id, activity_get);
}

/* A new activity reaches the subscriptions to activities (type, area
 * country, place, TLP), in the transaction that writes it. */
static int activity_subscribers(struct db_conn *c, json_t *a, int64_t now)
{
	json_t *lat = json_object_get(a, "lat"), *lon = json_object_get(a, "lon");
	struct notify_record r = {
	    .type = "activity",
	    .res = RES_ACTIVITY,
	    .id = json_string_value(json_object_get(a, "id")),
	    .org_id = json_string_value(json_object_get(a, "org_id")),
	    .category = json_string_value(json_object_get(a, "type")),
	    .tlp = json_string_value(json_object_get(a, "tlp")),
	    .has_loc = json_is_number(lat) && json_is_number(lon),
	    .lat = json_number_value(lat),
	    .lon = json_number_value(lon),
	    .check = activity_check_visible,
	};
	if (!r.tlp)
		r.tlp = "red";
	return notify_record_new_in(c, &r, json_string_value(json_object_get(a, "area_country")),
				    now);
}

int activity_create(struct db_conn *c, const struct caller *who, json_t *body,
		    const char *request_id, char id[37], const char **field)
{
	*field = NULL;
	if (!activity_role_can(who->role, ACT_CREATE))
		return TR_ERR_FORBIDDEN;
	int64_t now;
	json_t *a = activity_rec_new(body, defaults_fill, who, id, &now);
	creator_fill(a, who);
	int rc = row_share_begin(c, who, SHARE_ACTIVITY, 1, a, field);
	if (rc)
		return rc;
	rc = activity_check(c, who, a, NULL, field);
	if (!rc)
		rc = activity_write(c, a, 1);
	if (!rc)
		rc = activity_subscribers(c, a, now);
	return row_audit_end(c, who, "create", "activity", id, request_id, NULL, now, a, rc);
}

int activity_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		    int64_t version, const char *request_id, const char **field)
{
	*field = NULL;
	struct row_change ch;
	int rc =
	    row_change_begin(c, who, id, activity_get, activity_role_can(who->role, ACT_UPDATE),
			     body, SHARE_ACTIVITY, 1, NULL, version, &ch, field);
	if (rc)
		return rc;
	json_t *cur = ch.cur, *merged = ch.next;
	const char *from = json_string_value(json_object_get(cur, "status"));
	const char *to = json_string_value(json_object_get(body, "status"));
	if (strcmp(from, "cancelled") == 0 && to && strcmp(to, from) != 0) {
		*field = "status";
		rc = TR_ERR_CONFLICT; /* a cancellation is final */
		goto out;
	}
	/* a new point without a radius, or a cleared point, must not keep the
	 * old circle */
	if (json_object_get(body, "lat") && !json_object_get(body, "radius_km"))
		json_object_set_new(merged, "radius_km", json_null());
	defaults_fill(merged);
	if ((rc = activity_check(c, who, merged, NULL, field)))
		goto out;
	int64_t now = tr_now_ms();
	activity_rec_stamp(merged, "updated_at", now);
	if ((rc = activity_write(c, merged, 0)))
		goto out;
	rc = shrec_audit_change(c, who, "activity", id, request_id, &ch.was, &ch.will, now);
out:
	return row_change_end(c, &ch, rc);
}

/* ---- import ---- */

static const char *check_message(const char *field)
{
	static const struct {
		const char *field, *message;
	} m[] = {
	    {"distribution", "is not a distribution"},
	    {"tlp", "red can never be combined with federation"},
	    {"sharing_group_id", "is required with distribution sharing_group (only then), and "
				 "your organisation must belong to the group"},
	    {"polygon", "must be a closed ring of at least four [lon, lat] positions"},
	    {"lat", "is required with a longitude"},
	    {"lon", "is required with a latitude"},
	    {"radius_km", "needs a point (lat and lon)"},
	    {"age_max", "must not be below age_min"},
	    {"start", "is required"},
	    {"end", "must be after the start"},
	    {"currency", "must be an ISO 4217 code such as EUR"},
	    {"area_country", "names a country that does not exist"},
	    {"partners", "must name existing organisations other than your own"},
	    {"practice_id", "names no practice you can see"},
	};
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (strcmp(m[i].field, field) == 0)
			return m[i].message;
	return "is not allowed";
}

const char *activity_check_message(const char *field)
{
	return check_message(field);
}

/* The organisations by name, for partner names in a matrix. */
static int org_ids_by_name(struct db_conn *c, json_t *out)
{
	struct db_stmt *s;
	int rc = db_prepare(c, "SELECT id, name FROM organisations", &s);
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW)
		json_object_set_new(out, db_col_text(s, 1), json_string(db_col_text(s, 0)));
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

int activity_org_names(struct db_conn *c, json_t *acts, json_t **names)
{
	(void)acts;
	*names = json_object();
	struct db_stmt *s;
	int rc = db_prepare(c, "SELECT id, name FROM organisations", &s);
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW)
		json_object_set_new(*names, db_col_text(s, 0), json_string(db_col_text(s, 1)));
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

struct activity_import {
	struct db_conn *c;
	const struct caller *who;
	const char *request_id;
	struct activity_import_report *rep;
	json_t *by_name, *known;
	int64_t now;
	char first[37], last[37];
};

static int partners_resolve(json_t *a, json_t *by_name, long row,
			    struct activity_import_report *rep)
{
	json_t *names = json_object_get(a, "_partner_names");
	json_t *ids = json_array();
	size_t i;
	json_t *v;
	int bad = 0;
	json_array_foreach(names, i, v)
	{
		const char *id = json_string_value(json_object_get(by_name, json_string_value(v)));
		if (!id) {
			char msg[200];
			snprintf(msg, sizeof(msg), "names no organisation: %.150s",
				 json_string_value(v));
			activity_report_add(rep, row, hxl_tag_of("partners"), msg);
			bad = 1;
		} else {
			json_array_append_new(ids, json_string(id));
		}
	}
	json_object_set_new(a, "partners", ids);
	json_object_del(a, "_partner_names");
	return bad;
}

int activity_import_begin(struct db_conn *c, const struct caller *who, const char *request_id,
			  struct activity_import_report *rep, struct activity_import **out)
{
	*out = NULL;
	if (!activity_role_can(who->role, ACT_CREATE))
		return TR_ERR_FORBIDDEN;
	struct activity_import *im = calloc(1, sizeof(*im));
	if (!im)
		return TR_ERR_NOMEM;
	*im = (struct activity_import){
	    c, who, request_id, rep, json_object(), json_object(), tr_now_ms(), "", ""};
	int rc = db_begin(c);
	if (!rc && (rc = org_ids_by_name(c, im->by_name)))
		db_rollback(c);
	if (rc) {
		json_decref(im->by_name);
		json_decref(im->known);
		free(im);
		return rc;
	}
	*out = im;
	return TR_OK;
}

int activity_import_row(struct activity_import *im, json_t *row)
{
	json_t *a = json_deep_copy(row);
	long n = (long)json_integer_value(json_object_get(a, "_row"));
	json_object_del(a, "_row");
	int bad = partners_resolve(a, im->by_name, n, im->rep);
	defaults_fill(a);
	char id[37];
	tr_uuid7(id);
	activity_rec_owner(a, im->who, id, im->now);
	creator_fill(a, im->who);
	const char *field = NULL;
	struct acl_share to = row_share(a, 1);
	int rc = bad ? TR_OK
		     : acl_distribution_allowed(im->who->role, SHARE_ACTIVITY, NULL, &to, &field);
	if (rc == TR_ERR_FORBIDDEN) {
		activity_report_add(
		    im->rep, n, hxl_tag_of(field),
		    "may be wider than organisation or country only for analysts and"
		    " administrators");
		rc = TR_OK;
	} else if (!rc && !bad) {
		rc = activity_check(im->c, im->who, a, im->known, &field);
	}
	if (rc == TR_ERR_INVALID) {
		activity_report_add(im->rep, n, hxl_tag_of(field), check_message(field));
		rc = TR_OK;
	} else if (!rc && !bad && im->rep->errors_total == 0) {
		/* once a row is bad nothing will be kept: only check the rest */
		rc = activity_write(im->c, a, 1);
		if (!rc)
			rc = activity_subscribers(im->c, a, im->now);
		if (!im->first[0])
			snprintf(im->first, sizeof(im->first), "%s", id);
		snprintf(im->last, sizeof(im->last), "%s", id);
		im->rep->imported++;
	}
	json_decref(a);
	return rc;
}

int activity_import_end(struct activity_import *im, int rc)
{
	struct activity_import_report *rep = im->rep;
	if (!rc && rep->errors_total)
		rc = TR_ERR_INVALID;
	if (!rc && rep->imported) {
		char detail[200];
		snprintf(detail, sizeof(detail),
			 "{\"count\":%ld,\"first_id\":\"%s\",\"last_id\":\"%s\"}", rep->imported,
			 im->first, im->last);
		const struct caller *who = im->who;
		struct audit_entry e = {who->user_id[0] ? who->user_id : NULL,
					who->org_id,
					"import",
					"activity",
					im->first,
					im->request_id,
					NULL,
					detail};
		rc = audit_append(im->c, &e, im->now);
	}
	struct db_conn *c = im->c;
	json_decref(im->by_name);
	json_decref(im->known);
	free(im);
	if (rc) {
		rep->imported = 0;
		db_rollback(c);
		return rc;
	}
	return db_commit(c);
}
