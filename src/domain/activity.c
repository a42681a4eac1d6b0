#include "domain/activity.h"
#include "domain/shrec.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/audit.h"
#include "domain/notify.h"
#include "domain/group.h"
#include "domain/hxl.h"
#include "domain/overlap.h"
#include "domain/practice.h"
#include "domain/tip.h"
#include "domain/seq.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const activity_types[] = {"school_prevention",
				      "family_skills",
				      "youth_alternative_activities",
				      "outreach",
				      "awareness_campaign",
				      "police_school_liaison",
				      "community_meeting",
				      "environmental_design",
				      "treatment_referral_programme",
				      "diversion_programme",
				      "training",
				      "other",
				      NULL};
const char *const activity_statuses[] = {"planned", "active", "completed", "cancelled", NULL};
const char *const activity_genders[] = {"female", "male", "all", NULL};
const char *const activity_settings[] = {"school", "family",	"community", "nightlife",
					 "online", "workplace", NULL};

/* ---- record helpers ---- */

json_t *activity_time_json(struct db_stmt *s, int col)
{
	if (db_col_is_null(s, col))
		return json_null();
	char t[32];
	tr_time_format(db_col_int64(s, col), t);
	return json_string(t);
}

void activity_rec_select(struct buf *b, const char *alias, const struct activity_rec_col *cols,
			 size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "%s%s.%s", i ? ", " : "", alias, cols[i].col);
}

json_t *activity_rec_json(struct db_stmt *s, const struct activity_rec_col *cols, size_t n)
{
	json_t *o = json_object();
	for (size_t i = 0; i < n; i++) {
		int col = (int)i;
		json_t *v;
		if (db_col_is_null(s, col))
			v = cols[i].kind == REC_BOOL ? json_false() : json_null();
		else if (cols[i].kind == REC_TEXT)
			v = json_string(db_col_text(s, col));
		else if (cols[i].kind == REC_INT)
			v = json_integer(db_col_int64(s, col));
		else if (cols[i].kind == REC_BOOL)
			v = json_boolean(db_col_int64(s, col));
		else if (cols[i].kind == REC_REAL)
			v = json_real(db_col_double(s, col));
		else if (cols[i].kind == REC_TIME)
			v = activity_time_json(s, col);
		else
			v = json_loads(db_col_text(s, col), 0, NULL);
		json_object_set_new(o, cols[i].key, v ? v : json_null());
	}
	return o;
}

int activity_rec_bind(struct db_stmt *s, int first, json_t *r, const struct activity_rec_col *cols,
		      size_t n)
{
	for (size_t i = 0; i < n; i++, first++) {
		json_t *v = json_object_get(r, cols[i].key);
		if (!v || json_is_null(v)) {
			db_bind_null(s, first);
			continue;
		}
		switch (cols[i].kind) {
		case REC_TEXT:
			db_bind_text(s, first, json_string_value(v));
			break;
		case REC_INT:
			db_bind_int64(s, first, json_integer_value(v));
			break;
		case REC_BOOL:
			db_bind_int64(s, first, json_is_true(v));
			break;
		case REC_REAL:
			db_bind_double(s, first, json_number_value(v));
			break;
		case REC_TIME: {
			int64_t ms = 0;
			tr_time_parse(json_string_value(v), &ms);
			db_bind_int64(s, first, ms);
			break;
		}
		case REC_JSON: {
			char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
			db_bind_text(s, first, text);
			free(text);
			break;
		}
		}
	}
	return first;
}

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

static int select_prepare(struct db_conn *c, struct query *q, struct db_stmt **s)
{
	int rc = query_prepare(q, c, s);
	query_free(q);
	return rc;
}

static void select_start(struct query *q)
{
	struct buf b;
	buf_init(&b, 4096);
	buf_puts(&b, "SELECT ");
	activity_rec_select(&b, "a", cols, NCOLS);
	buf_puts(&b, " FROM activities a WHERE 1 = 1");
	query_init(q);
	query_sql(q, b.data);
	buf_free(&b);
}

int activity_get(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	struct query q;
	select_start(&q);
	query_text(&q, " AND a.id = ?", id);
	acl_visible(&q, who, "a");
	struct db_stmt *s;
	int rc = select_prepare(c, &q, &s);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		rc = (*out = activity_rec_json(s, cols, NCOLS)) ? TR_OK : TR_ERR_NOMEM;
	else if (rc == DB_DONE)
		rc = TR_ERR_NOT_FOUND;
	db_done(s);
	return rc;
}

static void list_filters(struct query *q, const struct activity_filter *f)
{
	if (f->area_country)
		query_text(q, " AND a.area_country = ?", f->area_country);
	if (f->type)
		query_text(q, " AND a.type = ?", f->type);
	if (f->status)
		query_text(q, " AND a.status = ?", f->status);
	if (f->org_id)
		query_text(q, " AND a.org_id = ?", f->org_id);
	if (f->from)
		query_int(q, " AND (a.end_at IS NULL OR a.end_at > ?)", f->from);
	if (f->to)
		query_int(q, " AND a.start_at < ?", f->to);
	if (f->has_bbox) {
		query_double(q, " AND a.lon >= ?", f->bbox[0]);
		query_double(q, " AND a.lat >= ?", f->bbox[1]);
		query_double(q, " AND a.lon <= ?", f->bbox[2]);
		query_double(q, " AND a.lat <= ?", f->bbox[3]);
	}
}

int activity_list(struct db_conn *c, const struct caller *who, const struct activity_filter *f,
		  const char *after, int limit, json_t *items, char **next_key)
{
	*next_key = NULL;
	struct query q;
	select_start(&q);
	acl_visible(&q, who, "a");
	list_filters(&q, f);
	char after_id[64] = "";
	if (after) {
		const char *colon = strchr(after, ':');
		long long v = strtoll(after, NULL, 10);
		snprintf(after_id, sizeof(after_id), "%s", colon ? colon + 1 : "");
		query_int(&q, " AND (a.updated_at < ?", v);
		query_int(&q, " OR (a.updated_at = ?", v);
		query_text(&q, " AND a.id < ?))", after_id);
	}
	if (limit > 0)
		query_int(&q, " ORDER BY a.updated_at DESC, a.id DESC LIMIT ?", limit + 1);
	else
		query_sql(&q, " ORDER BY a.updated_at DESC, a.id DESC");
	struct db_stmt *s;
	int rc = select_prepare(c, &q, &s);
	if (rc)
		return rc;
	int n = 0;
	char last[100] = "";
	while ((rc = db_step(s)) == DB_ROW) {
		if (limit > 0 && n++ == limit) {
			*next_key = strdup(last);
			break;
		}
		json_t *row = activity_rec_json(s, cols, NCOLS);
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

static int64_t time_of(json_t *a, const char *key, int *has)
{
	int64_t ms = 0;
	const char *v = json_string_value(json_object_get(a, key));
	*has = v && tr_time_parse(v, &ms) == TR_OK;
	return ms;
}

static int row_lookup(struct db_conn *c, const char *sql, const char *v);

/* known (may be NULL) remembers answers during an import, where the same
 * country and partners come back on every row. */
static int row_exists(struct db_conn *c, const char *sql, const char *v, json_t *known)
{
	char key[120];
	snprintf(key, sizeof(key), "%.40s|%.70s", sql + 14, v ? v : "");
	json_t *hit = known ? json_object_get(known, key) : NULL;
	if (hit)
		return (int)json_integer_value(hit);
	int e = row_lookup(c, sql, v);
	if (known && e >= 0)
		json_object_set_new(known, key, json_integer(e));
	return e;
}

static int row_lookup(struct db_conn *c, const char *sql, const char *v)
{
	struct db_stmt *s;
	if (db_prepare(c, sql, &s))
		return -1;
	db_bind_text(s, 1, v);
	int rc = db_step(s);
	db_done(s);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
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
	const char *tlp = json_string_value(json_object_get(a, "tlp"));
	const char *group = json_string_value(json_object_get(a, "sharing_group_id"));
	if (!dist || !acl_distribution_valid(dist))
		return *field = "distribution", TR_ERR_INVALID;
	if (!tlp || (strcmp(tlp, "red") == 0 && strcmp(dist, "federation") == 0))
		return *field = "tlp", TR_ERR_INVALID;
	if ((strcmp(dist, "sharing_group") == 0) != (group != NULL))
		return *field = "sharing_group_id", TR_ERR_INVALID;
	if (group && !group_has_member(c, group, who->org_id))
		return *field = "sharing_group_id", TR_ERR_INVALID;
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
	int64_t start = time_of(a, "start", &hs), end = time_of(a, "end", &he);
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
	rc = db_step(s);
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

static void stamp(json_t *a, const char *key, int64_t ms)
{
	char t[32];
	tr_time_format(ms, t);
	json_object_set_new(a, key, json_string(t));
}

/* The fields a new record gets from its creator rather than its body. */
static void owner_fill(json_t *a, const struct caller *who, const char *id, int64_t now)
{
	json_object_set_new(a, "id", json_string(id));
	json_object_set_new(a, "org_id", json_string(who->org_id));
	json_object_set_new(a, "country",
			    who->country[0] ? json_string(who->country) : json_null());
	json_object_set_new(a, "created_by",
			    who->user_id[0] ? json_string(who->user_id) : json_null());
	stamp(a, "created_at", now);
	stamp(a, "updated_at", now);
}

/* The sharing of a record (strings borrowed from it). */
static struct acl_share share_of(json_t *a)
{
	return (struct acl_share){json_string_value(json_object_get(a, "distribution")),
				  json_string_value(json_object_get(a, "tlp")),
				  json_string_value(json_object_get(a, "sharing_group_id"))};
}

/* The module's rule for one activity, asked by the notifications for
 * each subscriber (activity_get with them as the caller). */
static int activity_check_visible(struct db_conn *c, const struct caller *who, const char *id)
{
	json_t *a = NULL;
	int rc = activity_get(c, who, id, &a);
	json_decref(a);
	return rc;
}

/* A new activity reaches the subscriptions to activities (type, area
 * country, place, TLP), in the transaction that writes it. */
static int activity_subscribers(struct db_conn *c, json_t *a, int64_t now)
{
	json_t *countries = json_array();
	const char *area = json_string_value(json_object_get(a, "area_country"));
	if (area)
		json_array_append_new(countries, json_string(area));
	json_t *lat = json_object_get(a, "lat"), *lon = json_object_get(a, "lon");
	struct notify_record r = {
	    .type = "activity",
	    .res = RES_ACTIVITY,
	    .id = json_string_value(json_object_get(a, "id")),
	    .org_id = json_string_value(json_object_get(a, "org_id")),
	    .category = json_string_value(json_object_get(a, "type")),
	    .countries = countries,
	    .tlp = json_string_value(json_object_get(a, "tlp")),
	    .has_loc = json_is_number(lat) && json_is_number(lon),
	    .lat = json_number_value(lat),
	    .lon = json_number_value(lon),
	    .check = activity_check_visible,
	};
	if (!r.tlp)
		r.tlp = "red";
	int rc = notify_record_new(c, &r, now, NULL);
	json_decref(countries);
	return rc;
}

int activity_create(struct db_conn *c, const struct caller *who, json_t *body,
		    const char *request_id, char id[37], const char **field)
{
	*field = NULL;
	if (!activity_role_can(who->role, ACT_CREATE))
		return TR_ERR_FORBIDDEN;
	json_t *a = json_deep_copy(body);
	defaults_fill(a);
	int64_t now = tr_now_ms();
	tr_uuid7(id);
	owner_fill(a, who, id, now);
	struct acl_share to = share_of(a);
	int rc = acl_distribution_allowed(who->role, SHARE_ACTIVITY, NULL, &to, field);
	if (rc) {
		json_decref(a);
		return rc;
	}
	rc = db_begin(c);
	if (!rc)
		rc = activity_check(c, who, a, NULL, field);
	if (!rc)
		rc = activity_write(c, a, 1);
	if (!rc)
		rc = activity_subscribers(c, a, now);
	struct audit_entry e = {who->user_id, who->org_id, "create", "activity",
				id,	      request_id,  NULL,     NULL};
	if (!rc)
		rc = audit_append(c, &e, now);
	json_decref(a);
	if (rc) {
		db_rollback(c);
		return rc;
	}
	return db_commit(c);
}

int activity_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		    int64_t version, const char *request_id, const char **field)
{
	*field = NULL;
	int rc = db_begin(c);
	if (rc)
		return rc;
	json_t *cur = NULL, *merged = NULL;
	if ((rc = activity_get(c, who, id, &cur)))
		goto out;
	merged = json_deep_copy(cur);
	json_object_update(merged, body);
	struct acl_share was = share_of(cur), will = share_of(merged);
	if (strcmp(json_string_value(json_object_get(cur, "org_id")), who->org_id) != 0 ||
	    !activity_role_can(who->role, ACT_UPDATE)) {
		rc = TR_ERR_FORBIDDEN;
		goto out;
	}
	if ((rc = acl_distribution_allowed(who->role, SHARE_ACTIVITY, &was, &will, field)))
		goto out;
	if (version >= 0 && version != json_integer_value(json_object_get(cur, "version"))) {
		rc = TR_ERR_PRECONDITION;
		goto out;
	}
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
	stamp(merged, "updated_at", now);
	if ((rc = activity_write(c, merged, 0)))
		goto out;
	rc = shrec_audit_change(c, who, "activity", id, request_id, &was, &will, now);
out:
	json_decref(cur);
	json_decref(merged);
	if (rc) {
		db_rollback(c);
		return rc;
	}
	return db_commit(c);
}

/* ---- overlaps ---- */

static void act_from_json(json_t *a, struct overlap_act *o)
{
	int has;
	memset(o, 0, sizeof(*o));
	o->id = json_string_value(json_object_get(a, "id"));
	o->org_id = json_string_value(json_object_get(a, "org_id"));
	o->type = json_string_value(json_object_get(a, "type"));
	o->admin_code = json_string_value(json_object_get(a, "admin_code"));
	o->gender = json_string_value(json_object_get(a, "gender"));
	o->setting = json_string_value(json_object_get(a, "setting"));
	o->has_point = json_is_number(json_object_get(a, "lat"));
	o->lat = json_number_value(json_object_get(a, "lat"));
	o->lon = json_number_value(json_object_get(a, "lon"));
	o->radius_km = json_number_value(json_object_get(a, "radius_km"));
	o->start = time_of(a, "start", &has);
	o->end = time_of(a, "end", &has);
	if (!has)
		o->end = OVERLAP_OPEN;
	o->age_min = (int)json_integer_value(json_object_get(a, "age_min"));
	o->age_max = (int)json_integer_value(json_object_get(a, "age_max"));
}

static json_t *result_json(const struct overlap_result *r)
{
	json_t *reasons = json_array();
	for (int i = 0; i < r->nreasons; i++) {
		json_t *params = json_object();
		for (int k = 0; params && k < r->reasons[i].nparams; k++)
			json_object_set_new(params, r->reasons[i].params[k].name,
					    r->reasons[i].params[k].text[0]
						? json_string(r->reasons[i].params[k].text)
						: json_real(r->reasons[i].params[k].num));
		json_array_append_new(reasons,
				      json_pack("{s:s, s:s, s:s, s:o*}", "kind", r->reasons[i].kind,
						"detail", r->reasons[i].detail, "code",
						r->reasons[i].code, "params", params));
	}
	json_t *o =
	    json_pack("{s:f, s:{s:f, s:f, s:f}, s:o}", "score", r->score, "components", "area",
		      round(r->area * 1000) / 1000, "period", round(r->period * 1000) / 1000,
		      "target", round(r->target * 1000) / 1000, "reasons", reasons);
	json_object_set_new(o, "distance_km",
			    r->distance_km < 0 ? json_null()
					       : json_real(round(r->distance_km * 100) / 100));
	return o;
}

/* Appends the visible candidates of one activity query to cands. */
static int candidates_add(struct db_conn *c, struct query *q, const struct caller *who,
			  json_t *cands)
{
	acl_visible(q, who, "a");
	query_sql(q, " AND a.status <> 'cancelled' LIMIT 20000");
	struct db_stmt *s;
	int rc = select_prepare(c, q, &s);
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		json_t *row = activity_rec_json(s, cols, NCOLS);
		json_object_set_new(cands, json_string_value(json_object_get(row, "id")), row);
	}
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

static void period_where(struct query *q, const struct overlap_act *self)
{
	query_int(q, " AND (a.end_at IS NULL OR a.end_at > ?)", self->start);
	if (self->end != OVERLAP_OPEN)
		query_int(q, " AND a.start_at < ?", self->end);
}

/* The largest radius of a type: a bound for the grid search only, so no row
 * leaves this statement and it may look past the access predicate. */
static double radius_max(struct db_conn *c, const char *type)
{
	struct db_stmt *s;
	double r = 0;
	if (db_prepare(
		c, "SELECT MAX(a.radius_km) FROM activities a " DB_ACL_EXEMPT " WHERE a.type = ?",
		&s))
		return 1000;
	db_bind_text(s, 1, type);
	if (db_step(s) == DB_ROW)
		r = db_col_double(s, 0);
	db_done(s);
	return r;
}

struct scored {
	json_t *item;
	double score;
};

static int scored_cmp(const void *x, const void *y)
{
	const struct scored *a = x, *b = y;
	return a->score < b->score ? 1 : a->score > b->score ? -1 : 0;
}

int activity_overlaps_of(struct db_conn *c, const struct caller *who, const char *id, int limit,
			 json_t *items)
{
	json_t *self = NULL;
	int rc = activity_get(c, who, id, &self);
	if (rc)
		return rc;
	struct overlap_act me;
	act_from_json(self, &me);
	json_t *cands = json_object();
	struct query q;
	if (me.has_point) {
		double reach = me.radius_km + radius_max(c, me.type);
		double dlat = reach / 111.0;
		double maxlat = fmin(fabs(me.lat) + dlat, 89.9);
		double dlon = fmin(reach / (111.0 * cos(maxlat * M_PI / 180)), 360);
		select_start(&q);
		query_text(&q, " AND a.type = ?", me.type);
		query_int(&q, " AND a.cell_y BETWEEN ?", overlap_cell(me.lat - dlat, 90));
		query_int(&q, " AND ?", overlap_cell(me.lat + dlat, 90));
		query_int(&q, " AND a.cell_x BETWEEN ?", overlap_cell(me.lon - dlon, 180));
		query_int(&q, " AND ?", overlap_cell(me.lon + dlon, 180));
		period_where(&q, &me);
		rc = candidates_add(c, &q, who, cands);
	}
	if (!rc && me.admin_code && strlen(me.admin_code) >= 2) {
		/* codes are compared in C; their first two characters are the
		 * country in P-codes and ISO 3166-2 alike */
		char prefix[3] = {me.admin_code[0], me.admin_code[1], 0};
		select_start(&q);
		query_text(&q, " AND a.type = ?", me.type);
		query_text(&q, " AND substr(a.admin_code, 1, 2) = ?", prefix);
		period_where(&q, &me);
		rc = candidates_add(c, &q, who, cands);
	}
	size_t n = 0, cap = json_object_size(cands) + 1;
	struct scored *found = calloc(cap, sizeof(*found));
	const char *key;
	json_t *row;
	if (!found)
		rc = TR_ERR_NOMEM;
	json_object_foreach(cands, key, row)
	{
		struct overlap_act other;
		struct overlap_result r;
		if (rc || strcmp(key, id) == 0)
			continue;
		act_from_json(row, &other);
		if (!overlap_check(&me, &other, &r))
			continue;
		json_t *item = result_json(&r);
		json_object_set(item, "activity", row);
		found[n++] = (struct scored){item, r.score};
	}
	if (found)
		qsort(found, n, sizeof(*found), scored_cmp);
	for (size_t i = 0; i < n; i++) {
		if ((int)i < limit)
			json_array_append_new(items, found[i].item);
		else
			json_decref(found[i].item);
	}
	free(found);
	json_decref(cands);
	json_decref(self);
	return rc;
}

struct pair {
	size_t i, j;
	double score;
};

struct pairs {
	struct pair *p;
	size_t n, cap;
	int err;
};

static void pair_keep(void *ctx, size_t i, size_t j, const struct overlap_result *r)
{
	struct pairs *ps = ctx;
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 256;
		struct pair *np = realloc(ps->p, cap * sizeof(*np));
		if (!np) {
			ps->err = TR_ERR_NOMEM;
			return;
		}
		ps->p = np;
		ps->cap = cap;
	}
	ps->p[ps->n++] = (struct pair){i, j, r->score};
}

static int pair_cmp(const void *x, const void *y)
{
	const struct pair *a = x, *b = y;
	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	return a->i != b->i ? (a->i < b->i ? -1 : 1) : (a->j < b->j ? -1 : a->j > b->j);
}

static json_t *side_json(const struct overlap_act *a, const char *title)
{
	return json_pack("{s:s, s:s, s:s}", "id", a->id, "org_id", a->org_id, "title", title);
}

int activity_overlaps_country(struct db_conn *c, const struct caller *who, const char *country,
			      int64_t from, int64_t to, int limit, json_t *items, int64_t *total)
{
	*total = 0;
	struct query q;
	query_init(&q);
	query_text(&q,
		   "SELECT a.id, a.org_id, a.type, a.admin_code, a.gender, a.setting, a.lat,"
		   " a.lon, a.radius_km, a.start_at, a.end_at, a.age_min, a.age_max, a.title"
		   " FROM activities a WHERE a.area_country = ?",
		   country);
	if (from)
		query_int(&q, " AND (a.end_at IS NULL OR a.end_at > ?)", from);
	if (to)
		query_int(&q, " AND a.start_at < ?", to);
	query_sql(&q, " AND a.status <> 'cancelled'");
	acl_visible(&q, who, "a");
	struct db_stmt *s;
	int rc = select_prepare(c, &q, &s);
	if (rc)
		return rc;
	struct arena *ar = arena_new();
	size_t n = 0, cap = 1024;
	struct overlap_act *acts = malloc(cap * sizeof(*acts));
	const char **titles = malloc(cap * sizeof(*titles));
	while (ar && acts && titles && (rc = db_step(s)) == DB_ROW) {
		if (n == cap) {
			cap *= 2;
			struct overlap_act *na = realloc(acts, cap * sizeof(*acts));
			const char **nt = na ? realloc(titles, cap * sizeof(*titles)) : NULL;
			if (na)
				acts = na;
			if (nt)
				titles = nt;
			if (!na || !nt) {
				rc = TR_ERR_NOMEM;
				break;
			}
		}
		struct overlap_act *o = &acts[n];
		o->id = arena_strdup(ar, db_col_text(s, 0));
		o->org_id = arena_strdup(ar, db_col_text(s, 1));
		o->type = arena_strdup(ar, db_col_text(s, 2));
		o->admin_code = arena_strdup(ar, db_col_text(s, 3));
		o->gender = arena_strdup(ar, db_col_text(s, 4));
		o->setting = arena_strdup(ar, db_col_text(s, 5));
		o->has_point = !db_col_is_null(s, 6) && !db_col_is_null(s, 7);
		o->lat = db_col_double(s, 6);
		o->lon = db_col_double(s, 7);
		o->radius_km = db_col_double(s, 8);
		o->start = db_col_int64(s, 9);
		o->end = db_col_is_null(s, 10) ? OVERLAP_OPEN : db_col_int64(s, 10);
		o->age_min = (int)db_col_int64(s, 11);
		o->age_max = (int)db_col_int64(s, 12);
		titles[n++] = arena_strdup(ar, db_col_text(s, 13));
	}
	db_done(s);
	if (!ar || !acts || !titles)
		rc = TR_ERR_NOMEM;
	else if (rc == DB_DONE || rc == DB_ROW)
		rc = TR_OK;
	struct pairs ps = {0};
	if (!rc)
		rc = overlap_pairs(acts, n, pair_keep, &ps);
	if (!rc)
		rc = ps.err;
	if (!rc) {
		if (ps.n)
			qsort(ps.p, ps.n, sizeof(*ps.p), pair_cmp);
		*total = (int64_t)ps.n;
		for (size_t k = 0; k < ps.n && (int)k < limit; k++) {
			struct overlap_result r;
			const struct pair *p = &ps.p[k];
			overlap_check(&acts[p->i], &acts[p->j], &r);
			json_t *item = result_json(&r);
			json_object_set_new(item, "a", side_json(&acts[p->i], titles[p->i]));
			json_object_set_new(item, "b", side_json(&acts[p->j], titles[p->j]));
			json_array_append_new(items, item);
		}
	}
	free(ps.p);
	free(acts);
	free(titles);
	arena_free(ar);
	return rc;
}

/* ---- gaps ---- */

struct cell {
	int x, y;
	long alerts, tips;
	double slat, slon;
};

static struct cell *cell_find(struct cell **cells, size_t *n, size_t *cap, int x, int y)
{
	for (size_t i = 0; i < *n; i++)
		if ((*cells)[i].x == x && (*cells)[i].y == y)
			return &(*cells)[i];
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct cell *m = realloc(*cells, nc * sizeof(**cells));
		if (!m)
			return NULL;
		*cells = m;
		*cap = nc;
	}
	struct cell *c = &(*cells)[(*n)++];
	*c = (struct cell){x, y, 0, 0, 0, 0};
	return c;
}

/* Whether the optional tips table exists (it belongs to another module). */
static int tips_table(struct db_conn *c)
{
	return db_table_exists(c, "tips");
}

/* Adds the points of q to their cells. A tip of another organisation than
 * the caller's enters at its coarsened point (tip_point_coarsen), as in the
 * tip views and the analytics: a cell's centre never gives its exact
 * point back. */
static int incidents_add(struct db_conn *c, const struct caller *who, struct query *q, int tips,
			 struct cell **cells, size_t *n, size_t *cap)
{
	struct db_stmt *s;
	int rc = select_prepare(c, q, &s);
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		double lat = db_col_double(s, 0), lon = db_col_double(s, 1);
		if (tips && strcmp(db_col_text(s, 2), who->org_id) != 0 && db_col_int64(s, 3) > 0)
			tip_point_coarsen(&lat, &lon, (double)db_col_int64(s, 3));
		struct cell *cl =
		    cell_find(cells, n, cap, overlap_cell(lon, 180), overlap_cell(lat, 90));
		if (!cl) {
			rc = TR_ERR_NOMEM;
			break;
		}
		tips ? cl->tips++ : cl->alerts++;
		cl->slat += lat;
		cl->slon += lon;
	}
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

static int cell_cmp(const void *x, const void *y)
{
	const struct cell *a = x, *b = y;
	long ta = a->alerts + a->tips, tb = b->alerts + b->tips;
	if (ta != tb)
		return ta < tb ? 1 : -1;
	return a->y != b->y ? (a->y < b->y ? -1 : 1) : (a->x < b->x ? -1 : a->x > b->x);
}

int activity_gaps(struct db_conn *c, const struct caller *who, const char *country, int weeks,
		  int limit, json_t *items)
{
	int64_t now = tr_now_ms(), since = now - (int64_t)weeks * 7 * 86400000LL;
	struct cell *cells = NULL;
	size_t n = 0, cap = 0;
	struct query q;
	query_init(&q);
	query_int(&q,
		  "SELECT a.lat, a.lon FROM alerts a WHERE a.status = 'published'"
		  " AND a.lat IS NOT NULL AND a.lon IS NOT NULL"
		  " AND COALESCE(a.observed_to, a.observed_from, a.created_at) >= ?",
		  since);
	query_text(&q, " AND (a.country = ?", country);
	query_text(&q,
		   " OR EXISTS (SELECT 1 FROM alert_countries x WHERE x.alert_id = a.id"
		   " AND x.country = ?))",
		   country);
	acl_visible(&q, who, "a");
	int rc = incidents_add(c, who, &q, 0, &cells, &n, &cap);
	if (!rc && tips_table(c)) {
		query_init(&q);
		query_int(
		    &q,
		    "SELECT t.lat, t.lon, t.org_id, t.coarsen_m FROM tips t WHERE t.lat IS NOT NULL"
		    " AND t.lon IS NOT NULL AND COALESCE(t.observed_at, t.created_at) >= ?",
		    since);
		query_text(&q, " AND t.country = ?", country);
		acl_visible(&q, who, "t");
		rc = incidents_add(c, who, &q, 1, &cells, &n, &cap);
	}
	/* the visible activities under way now, with a circle */
	json_t *active = json_array();
	if (!rc) {
		select_start(&q);
		query_sql(&q, " AND a.status = 'active' AND a.lat IS NOT NULL");
		query_int(&q, " AND a.start_at <= ?", now);
		query_int(&q, " AND (a.end_at IS NULL OR a.end_at > ?)", now);
		acl_visible(&q, who, "a");
		struct db_stmt *s;
		if (!(rc = select_prepare(c, &q, &s))) {
			while ((rc = db_step(s)) == DB_ROW)
				json_array_append_new(active, activity_rec_json(s, cols, NCOLS));
			db_done(s);
			rc = rc == DB_DONE ? TR_OK : rc;
		}
	}
	if (cells)
		qsort(cells, n, sizeof(*cells), cell_cmp);
	int emitted = 0;
	for (size_t i = 0; !rc && i < n && emitted < limit; i++) {
		long total = cells[i].alerts + cells[i].tips;
		double clat = cells[i].slat / (double)total, clon = cells[i].slon / (double)total;
		double nearest = -1;
		int covered = 0;
		size_t k;
		json_t *a;
		json_array_foreach(active, k, a)
		{
			double d =
			    overlap_km(clat, clon, json_number_value(json_object_get(a, "lat")),
				       json_number_value(json_object_get(a, "lon")));
			double edge = d - json_number_value(json_object_get(a, "radius_km"));
			covered |= edge <= 0;
			if (nearest < 0 || edge < nearest)
				nearest = edge;
		}
		if (covered)
			continue;
		double lat0 = cells[i].y * OVERLAP_CELL_DEG - 90,
		       lon0 = cells[i].x * OVERLAP_CELL_DEG - 180;
		json_t *g = json_pack(
		    "{s:{s:i, s:i, s:f, s:f, s:f, s:f}, s:{s:f, s:f}, s:I, s:I, s:I}", "cell", "x",
		    cells[i].x, "y", cells[i].y, "lat_min", lat0, "lon_min", lon0, "lat_max",
		    lat0 + OVERLAP_CELL_DEG, "lon_max", lon0 + OVERLAP_CELL_DEG, "centroid", "lat",
		    clat, "lon", clon, "alerts", (json_int_t)cells[i].alerts, "tips",
		    (json_int_t)cells[i].tips, "incidents", (json_int_t)total);
		json_object_set_new(g, "nearest_active_km",
				    nearest < 0 ? json_null()
						: json_real(round(nearest * 10) / 10));
		json_object_set_new(g, "rank", json_integer(++emitted));
		json_array_append_new(items, g);
	}
	json_decref(active);
	free(cells);
	return rc;
}

/* ---- import ---- */

void activity_report_add(struct activity_import_report *rep, long row, const char *column,
			 const char *message)
{
	rep->errors_total++;
	if (rep->nerrors >= ACTIVITY_IMPORT_ERRORS_MAX)
		return;
	struct activity_import_error *e = &rep->errors[rep->nerrors++];
	e->row = row;
	snprintf(e->column, sizeof(e->column), "%s", column);
	snprintf(e->message, sizeof(e->message), "%s", message);
}

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
	owner_fill(a, im->who, id, im->now);
	const char *field = NULL;
	struct acl_share to = share_of(a);
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
