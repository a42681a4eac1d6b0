#include "domain/service.h"
#include "domain/row.h"
#include "domain/row_tx.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "db/query.h"
#include "domain/activity_rec.h"
#include "domain/audit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const service_types[] = {"treatment",      "harm_reduction",
				     "psychosocial",   "social_services",
				     "family_support", "education_or_training",
				     "legal_aid",      "diversion_panel",
				     "other",	       NULL};

const char *const service_org_kinds[] = {
    "treatment_provider", "social_services",  "school",		 "youth_organisation",
    "civil_society",	  "local_government", "diversion_panel", NULL};

static const struct activity_rec_col cols[] = {
    {"id", "id", REC_TEXT},
    {"org_id", "org_id", REC_TEXT},
    {"created_by", "created_by", REC_TEXT},
    {"country", "country", REC_TEXT},
    {"name", "name", REC_TEXT},
    {"type", "type", REC_TEXT},
    {"description", "description", REC_TEXT},
    {"age_min", "age_min", REC_INT},
    {"age_max", "age_max", REC_INT},
    {"languages", "languages", REC_JSON},
    {"lat", "lat", REC_REAL},
    {"lon", "lon", REC_REAL},
    {"radius_m", "radius_m", REC_REAL},
    {"opening_hours", "opening_hours", REC_TEXT},
    {"waiting_days", "waiting_days", REC_INT},
    {"active", "active", REC_BOOL},
    {"ack_hours", "ack_hours", REC_INT},
    {"first_contact_days", "first_contact_days", REC_INT},
    {"updated_at", "updated_at", REC_TIME},
    {"created_at", "created_at", REC_TIME},
    {"version", "version", REC_INT},
};
enum { NCOLS = sizeof(cols) / sizeof(cols[0]), COL_WRITABLE = 3, COL_CREATED = 19 };

void service_deadlines(const char *type, int panel, int64_t ack_hours, int64_t first_contact_days,
		       int64_t *ack_h, int64_t *contact_d)
{
	panel |= type && strcmp(type, "diversion_panel") == 0;
	*ack_h = ack_hours > 0 ? ack_hours : panel ? SERVICE_PANEL_ACK_HOURS : SERVICE_ACK_HOURS;
	*contact_d = first_contact_days > 0 ? first_contact_days : SERVICE_FIRST_CONTACT_DAYS;
}

double service_distance_m(double lat1, double lon1, double lat2, double lon2)
{
	const double r = 6371008.8, d = M_PI / 180.0;
	double dlat = (lat2 - lat1) * d, dlon = (lon2 - lon1) * d;
	double a = sin(dlat / 2) * sin(dlat / 2) +
		   cos(lat1 * d) * cos(lat2 * d) * sin(dlon / 2) * sin(dlon / 2);
	return 2 * r * asin(sqrt(a < 1 ? a : 1));
}

static void select_start(struct query *q)
{
	activity_rec_query(
	    q, "s", cols, NCOLS,
	    ", o.name, o.kind FROM services s JOIN organisations o ON o.id = s.org_id"
	    " WHERE 1 = 1");
}

static json_t *service_row(struct db_stmt *s)
{
	json_t *o = activity_rec_json(s, cols, NCOLS);
	json_object_set_new(o, "org_name", json_string(db_col_text(s, NCOLS)));
	/* the deadlines in force: the service's own, else its type's */
	int64_t ack, contact;
	int own = json_is_integer(json_object_get(o, "ack_hours")) ||
		  json_is_integer(json_object_get(o, "first_contact_days"));
	service_deadlines(json_string_value(json_object_get(o, "type")),
			  strcmp(db_col_text(s, NCOLS + 1), "diversion_panel") == 0,
			  json_integer_value(json_object_get(o, "ack_hours")),
			  json_integer_value(json_object_get(o, "first_contact_days")), &ack,
			  &contact);
	json_object_set_new(o, "deadlines",
			    json_pack("{s:I, s:I, s:s}", "ack_hours", (json_int_t)ack,
				      "first_contact_days", (json_int_t)contact, "set_by",
				      own ? "service" : "type"));
	return o;
}

int service_get(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	(void)who; /* the directory is read by every signed-in user */
	struct query q;
	select_start(&q);
	query_text(&q, " AND s.id = ?", id);
	return row_query_one(&q, c, service_row, out);
}

static int by_distance(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_t *dx = json_object_get(x, "distance_m"), *dy = json_object_get(y, "distance_m");
	/* services of the whole country (no point) after those near */
	if (json_is_null(dx) != json_is_null(dy))
		return json_is_null(dx) ? 1 : -1;
	double vx = json_number_value(dx), vy = json_number_value(dy);
	if (vx != vy)
		return vx < vy ? -1 : 1;
	return strcmp(json_string_value(json_object_get(x, "id")),
		      json_string_value(json_object_get(y, "id")));
}

/* Keeps the services whose area holds the point, nearest first. */
static int near_page(struct db_stmt *s, const struct service_filter *f, int limit, json_t *items)
{
	size_t n = 0, cap = 64;
	json_t **all = malloc(cap * sizeof(*all));
	int rc;
	while (all && (rc = db_step(s)) == DB_ROW) {
		json_t *o = service_row(s);
		json_t *lat = json_object_get(o, "lat"), *lon = json_object_get(o, "lon");
		if (json_is_number(lat) && json_is_number(lon)) {
			double d = service_distance_m(f->lat, f->lon, json_number_value(lat),
						      json_number_value(lon));
			json_t *radius = json_object_get(o, "radius_m");
			if (json_is_number(radius) && d > json_number_value(radius)) {
				json_decref(o);
				continue;
			}
			json_object_set_new(o, "distance_m", json_integer((json_int_t)llround(d)));
		} else {
			json_object_set_new(o, "distance_m", json_null());
		}
		if (n == cap) {
			json_t **more = realloc(all, 2 * cap * sizeof(*all));
			if (!more) {
				json_decref(o);
				break;
			}
			all = more;
			cap *= 2;
		}
		all[n++] = o;
	}
	if (!all)
		return TR_ERR_NOMEM;
	qsort(all, n, sizeof(*all), by_distance);
	for (size_t i = 0; i < n; i++)
		if ((int)i < limit)
			json_array_append_new(items, all[i]);
		else
			json_decref(all[i]);
	free(all);
	return rc == DB_DONE || rc == DB_ROW ? TR_OK : rc;
}

int service_list(struct db_conn *c, const struct service_filter *f, const char *after, int limit,
		 json_t *items, char **next_key)
{
	*next_key = NULL;
	struct query q;
	char pat[64]; /* bound by reference until the statement is prepared */
	select_start(&q);
	query_sql(&q, " AND s.active = 1");
	const struct row_filter by[] = {{" AND s.country = ?", f->country},
					{" AND s.type = ?", f->type},
					{" AND s.org_id = ?", f->org_id}};
	row_filters(&q, by, sizeof(by) / sizeof(by[0]));
	if (f->age >= 0) {
		query_int(&q, " AND s.age_min <= ?", f->age);
		query_int(&q, " AND s.age_max >= ?", f->age);
	}
	if (f->language) {
		snprintf(pat, sizeof(pat), "%%\"%s\"%%", f->language);
		query_text(&q, " AND s.languages LIKE ?", pat);
	}
	if (!f->has_point && after)
		query_text(&q, " AND s.id > ?", after);
	if (f->has_point)
		query_sql(&q, " ORDER BY s.id LIMIT 5000");
	else
		query_int(&q, " ORDER BY s.id LIMIT ?", limit + 1);
	struct db_stmt *s;
	int rc = query_take(&q, c, &s);
	if (rc)
		return rc;
	if (f->has_point) {
		rc = near_page(s, f, limit, items);
		db_done(s);
		return rc;
	}
	int n = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		if (n++ == limit) {
			const char *last = json_string_value(json_object_get(
			    json_array_get(items, json_array_size(items) - 1), "id"));
			*next_key = last ? strdup(last) : NULL;
			break;
		}
		json_array_append_new(items, service_row(s));
	}
	db_done(s);
	return rc == DB_ROW || rc == DB_DONE ? TR_OK : rc;
}

/* A diversion panel's own deadline stays within its 36 hours. */
static int panel_ack_ok(struct db_conn *c, const char *org_id, json_t *p, const char **field)
{
	json_t *ack = json_object_get(p, "ack_hours");
	if (!json_is_integer(ack) || json_integer_value(ack) <= SERVICE_PANEL_ACK_HOURS)
		return TR_OK;
	struct db_stmt *s;
	if (db_prepare_vals(c, "SELECT kind FROM organisations WHERE id = ?",
			    DB_VALS(DB_TEXT(org_id)), &s))
		return TR_ERR_DB;
	int rc = db_step(s);
	int panel = rc == DB_ROW && strcmp(db_col_text(s, 0), "diversion_panel") == 0;
	db_done(s);
	if (rc != DB_ROW && rc != DB_DONE)
		return rc;
	return panel ? (*field = "ack_hours", TR_ERR_INVALID) : TR_OK;
}

static int org_kind_ok(struct db_conn *c, const char *org_id)
{
	struct db_stmt *s;
	if (db_prepare_vals(c, "SELECT kind FROM organisations WHERE id = ?",
			    DB_VALS(DB_TEXT(org_id)), &s))
		return -1;
	int rc = db_step(s), ok = 0;
	for (const char *const *k = service_org_kinds; rc == DB_ROW && *k; k++)
		if (strcmp(*k, db_col_text(s, 0)) == 0)
			ok = 1;
	db_done(s);
	return rc == DB_ROW || rc == DB_DONE ? ok : -1;
}

/* Rules across fields; the field table checked each alone. */
static int service_check(json_t *p, const char **field)
{
	json_int_t lo = json_integer_value(json_object_get(p, "age_min"));
	json_int_t hi = json_integer_value(json_object_get(p, "age_max"));
	if (lo > hi)
		return *field = "age_max", TR_ERR_INVALID;
	int has_lat = json_is_number(json_object_get(p, "lat"));
	int has_lon = json_is_number(json_object_get(p, "lon"));
	if (has_lat != has_lon)
		return *field = has_lat ? "lon" : "lat", TR_ERR_INVALID;
	if (json_is_number(json_object_get(p, "radius_m")) && !has_lat)
		return *field = "radius_m", TR_ERR_INVALID;
	/* first contact comes after acknowledgement; a diversion panel
	 * receives within 36 hours at most (Portugal's commissions) */
	json_t *ack = json_object_get(p, "ack_hours"),
	       *fc = json_object_get(p, "first_contact_days");
	const char *type = json_string_value(json_object_get(p, "type"));
	if (json_is_integer(ack) && type && strcmp(type, "diversion_panel") == 0 &&
	    json_integer_value(ack) > SERVICE_PANEL_ACK_HOURS)
		return *field = "ack_hours", TR_ERR_INVALID;
	if (json_is_integer(ack) || json_is_integer(fc)) {
		int64_t a, d;
		service_deadlines(type, 0, json_integer_value(ack), json_integer_value(fc), &a, &d);
		if (d * 24 < a)
			return *field = "first_contact_days", TR_ERR_INVALID;
	}
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(p, "languages"), i, v)
	{
		const char *l = json_string_value(v);
		size_t n = strlen(l);
		if (n < 2 || n > 3 || strspn(l, "abcdefghijklmnopqrstuvwxyz") != n)
			return *field = "languages", TR_ERR_INVALID;
	}
	return TR_OK;
}

static void defaults_fill(json_t *p)
{
	if (!json_is_array(json_object_get(p, "languages")))
		json_object_set_new(p, "languages", json_array());
	if (!json_is_integer(json_object_get(p, "age_min")))
		json_object_set_new(p, "age_min", json_integer(0));
	if (!json_is_integer(json_object_get(p, "age_max")))
		json_object_set_new(p, "age_max", json_integer(120));
	if (!json_is_string(json_object_get(p, "description")))
		json_object_set_new(p, "description", json_string(""));
	if (!json_is_string(json_object_get(p, "opening_hours")))
		json_object_set_new(p, "opening_hours", json_string(""));
	if (!json_is_boolean(json_object_get(p, "active")))
		json_object_set_new(p, "active", json_true());
}

static const struct activity_rec_table table = {"services",  cols, NCOLS - 1, COL_WRITABLE,
						COL_CREATED, 0,	   0};

static int service_write(struct db_conn *c, json_t *p, int insert)
{
	return activity_rec_write(c, &table, p, insert);
}

int service_create(struct db_conn *c, const struct caller *who, json_t *body,
		   const char *request_id, char id[37], const char **field)
{
	*field = NULL;
	if (!acl_role_can(who->role, RES_SERVICE, ACT_CREATE))
		return TR_ERR_FORBIDDEN;
	json_t *p = json_deep_copy(body);
	defaults_fill(p);
	if (!json_is_string(json_object_get(p, "country"))) {
		if (!who->country[0]) {
			json_decref(p);
			return *field = "country", TR_ERR_INVALID;
		}
		json_object_set_new(p, "country", json_string(who->country));
	}
	int64_t now = tr_now_ms();
	tr_uuid7(id);
	json_object_set_new(p, "id", json_string(id));
	json_object_set_new(p, "org_id", json_string(who->org_id));
	json_object_set_new(p, "created_by", json_string(who->user_id));
	activity_rec_stamp(p, "created_at", now);
	activity_rec_stamp(p, "updated_at", now);
	int rc = service_check(p, field);
	if (!rc)
		rc = db_begin(c);
	else {
		json_decref(p);
		return rc;
	}
	int ok = org_kind_ok(c, who->org_id);
	if (ok <= 0) {
		rc = ok < 0 ? TR_ERR_DB : TR_ERR_FORBIDDEN;
		*field = ok < 0 ? NULL : "org_id";
	}
	if (!rc)
		rc = panel_ack_ok(c, who->org_id, p, field);
	if (!rc)
		rc = service_write(c, p, 1);
	return row_audit_end(c, who, "create", "service", id, request_id, NULL, now, p, rc);
}

int service_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		   int64_t version, const char *request_id, const char **field)
{
	*field = NULL;
	json_t *cur, *merged;
	int rc =
	    row_owned_begin(c, who, id, service_get,
			    acl_role_can(who->role, RES_SERVICE, ACT_UPDATE), body, &cur, &merged);
	if (rc)
		return rc;
	if ((rc = row_version_check(cur, version)))
		goto out;
	json_object_del(merged, "org_name");
	defaults_fill(merged);
	if (!json_is_string(json_object_get(merged, "country"))) {
		*field = "country";
		rc = TR_ERR_INVALID;
		goto out;
	}
	if ((rc = service_check(merged, field)) ||
	    (rc = panel_ack_ok(c, who->org_id, merged, field)))
		goto out;
	int64_t now = tr_now_ms();
	activity_rec_stamp(merged, "updated_at", now);
	if ((rc = service_write(c, merged, 0)))
		goto out;
	rc = audit_by(c, who, "update", "service", id, request_id, now);
out:
	json_decref(cur);
	json_decref(merged);
	return db_end(c, rc);
}
