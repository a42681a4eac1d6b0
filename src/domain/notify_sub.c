/* Subscriptions: their records, checked against the filters each record
 * type offers (notify_type_of), and the daily digest that groups the items
 * of the subscriptions that ask for one. */
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/audit.h"
#include "domain/notify.h"
#include "domain/row.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- subscriptions ---- */

/* ",a,b," from a validated array of strings ("" when absent or empty). */
static char *list_text(json_t *arr)
{
	if (!json_array_size(arr))
		return strdup("");
	struct buf b;
	buf_init(&b, 64 * 1024);
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		buf_puts(&b, i ? "" : ",");
		buf_puts(&b, json_string_value(v));
		buf_puts(&b, ",");
	}
	if (b.err) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

static json_t *list_json(const char *text)
{
	json_t *arr = json_array();
	const char *p = text;
	while (p && *p == ',' && p[1]) {
		const char *end = strchr(p + 1, ',');
		if (!end)
			break;
		json_array_append_new(arr, json_stringn(p + 1, (size_t)(end - p - 1)));
		p = end;
	}
	return arr;
}

#define SUB_COLS                                                                                   \
	"id, user_id, record_type, categories, substances, countries, lat, lon, radius_m,"         \
	" tlp_max, delivery, created_at, updated_at, version"

static json_t *sub_row(struct db_stmt *s)
{
	char unsub[700];
	snprintf(unsub, sizeof(unsub), "%s/subscriptions?unsubscribe=%s",
		 notify_config()->public_url, db_col_text(s, 0));
	json_t *area = db_col_is_null(s, 8)
			   ? json_null()
			   : json_pack("{s:f, s:f, s:f}", "lat", db_col_double(s, 6), "lon",
				       db_col_double(s, 7), "radius_m", db_col_double(s, 8));
	/* a record type without TLP has no ceiling to show */
	const struct notify_type *t = notify_type_of(db_col_text(s, 2));
	json_t *tlp = t && !(t->filters & NF_TLP) ? json_null() : json_string(db_col_text(s, 9));
	return json_pack(
	    "{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:I, s:s}", "id",
	    db_col_text(s, 0), "user_id", db_col_text(s, 1), "record_type", db_col_text(s, 2),
	    "categories", list_json(db_col_text(s, 3)), "substances", list_json(db_col_text(s, 4)),
	    "countries", list_json(db_col_text(s, 5)), "area", area, "tlp_max", tlp, "delivery",
	    db_col_text(s, 10), "created_at", row_time(s, 11), "updated_at", row_time(s, 12),
	    "version", (json_int_t)db_col_int64(s, 13), "unsubscribe_url", unsub);
}

/* A user's own subscriptions. */
static const struct row_owned subs = {
    "SELECT " SUB_COLS " FROM subscriptions WHERE id = ? AND user_id = ?",
    "SELECT " SUB_COLS " FROM subscriptions WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?",
    sub_row};

int notify_sub_get(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	return row_owned_one(&subs, c, id, who->user_id, out);
}

int notify_sub_list(struct db_conn *c, const struct caller *who, const char *after, int limit,
		    json_t *items, int *more)
{
	return row_owned_page(&subs, c, who->user_id, after, limit, items, more);
}

/* The area: lat in [-90, 90], lon in [-180, 180], radius in (0, 2000 km]. */
static int area_read(json_t *area, double v[3], const char **field)
{
	static const char *const keys[] = {"lat", "lon", "radius_m"};
	static const double lo[] = {-90, -180, 1}, hi[] = {90, 180, 2000000};
	if (!json_is_object(area) || json_object_size(area) != 3)
		return *field = "area", TR_ERR_INVALID;
	for (int i = 0; i < 3; i++) {
		json_t *x = json_object_get(area, keys[i]);
		if (!json_is_number(x) || json_number_value(x) < lo[i] ||
		    json_number_value(x) > hi[i])
			return *field = "area", TR_ERR_INVALID;
		v[i] = json_number_value(x);
	}
	return TR_OK;
}

int notify_sub_create(struct db_conn *c, const struct caller *who, json_t *body,
		      const char *request_id, char id[37], const char **field)
{
	*field = NULL;
	double area[3];
	json_t *a = json_object_get(body, "area");
	int has_area = a && !json_is_null(a);
	if (has_area && area_read(a, area, field))
		return TR_ERR_INVALID;
	char *lists[3] = {NULL, NULL, NULL};
	static const char *const names[] = {"categories", "substances", "countries"};
	int rc = TR_OK;
	for (int i = 0; i < 3 && !rc; i++)
		if (!(lists[i] = list_text(json_object_get(body, names[i]))))
			rc = TR_ERR_NOMEM;
	if (!rc)
		rc = db_begin(c);
	int64_t now = tr_now_ms();
	if (!rc) {
		tr_uuid7(id);
		const char *tlp = json_string_value(json_object_get(body, "tlp_max"));
		rc = db_run_vals(
		    c,
		    "INSERT INTO subscriptions (id, user_id, record_type, categories,"
		    " substances, countries, lat, lon, radius_m, tlp_max, delivery,"
		    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		    DB_VALS(DB_TEXT(id), DB_TEXT(who->user_id),
			    DB_TEXT(json_string_value(json_object_get(body, "record_type"))),
			    DB_TEXT(lists[0]), DB_TEXT(lists[1]), DB_TEXT(lists[2]),
			    has_area ? DB_REAL(area[0]) : DB_NULL,
			    has_area ? DB_REAL(area[1]) : DB_NULL,
			    has_area ? DB_REAL(area[2]) : DB_NULL, DB_TEXT(tlp ? tlp : "red"),
			    DB_TEXT(json_string_value(json_object_get(body, "delivery"))),
			    DB_INT(now), DB_INT(now)));
	}
	if (!rc)
		rc = audit_by(c, who, "create", "subscription", id, request_id, now);
	for (int i = 0; i < 3; i++)
		free(lists[i]);
	return db_end(c, rc);
}

int notify_sub_delete(struct db_conn *c, const struct caller *who, const char *id,
		      const char *request_id)
{
	int rc = db_begin(c);
	if (!rc)
		rc = db_write_found_vals(
		    c, "DELETE FROM subscriptions WHERE id = ? AND user_id = ? RETURNING id",
		    DB_VALS(DB_TEXT(id), DB_TEXT(who->user_id)));
	int64_t now = tr_now_ms();
	if (!rc)
		rc = audit_by(c, who, "delete", "subscription", id, request_id, now);
	return db_end(c, rc);
}

/* ---- the daily digest ---- */

struct digest_user {
	char id[37];
	char *email;
	char *items; /* JSON array of [ref_type, ref_id, subscription_id] */
};

/* One message per user, grouping their digest items up to at. */
int notify_digest_run(struct db_conn *c, int64_t at, int any_hour, int *queued)
{
	*queued = 0;
	int hour = (int)((at / 3600000) % 24);
	int rc = db_begin(c);
	struct db_stmt *s;
	if (!rc)
		rc = db_prepare(c,
				"SELECT i.user_id, u.email, i.ref_type, i.ref_id, i.subscription_id"
				" FROM inbox_items i JOIN users u ON u.id = i.user_id"
				" WHERE i.delivery = 'digest' AND i.digest_at IS NULL"
				" AND i.created_at <= ? AND u.disabled = 0"
				" AND (? = 1 OR u.digest_hour = ?)"
				" ORDER BY i.user_id, i.created_at, i.id",
				&s);
	if (rc) {
		db_rollback(c);
		return rc;
	}
	db_bind_int64(s, 1, at);
	db_bind_int64(s, 2, any_hour);
	db_bind_int64(s, 3, hour);
	json_t *users = json_object(), *emails = json_object();
	while ((rc = db_step(s)) == DB_ROW) {
		const char *uid = db_col_text(s, 0);
		json_t *list = json_object_get(users, uid);
		if (!list) {
			list = json_array();
			json_object_set_new(users, uid, list);
			json_object_set_new(emails, uid, json_string(db_col_text(s, 1)));
		}
		json_array_append_new(list, json_pack("[s?, s?, s?]", db_col_text(s, 2),
						      db_col_text(s, 3), db_col_text(s, 4)));
	}
	db_done(s);
	rc = rc == DB_DONE ? TR_OK : rc;
	const char *uid;
	json_t *list;
	json_object_foreach(users, uid, list)
	{
		if (rc)
			break;
		char *text = json_dumps(list, JSON_COMPACT);
		if (!text) {
			rc = TR_ERR_NOMEM;
			break;
		}
		rc = notify_mail_queue(c, uid, json_string_value(json_object_get(emails, uid)),
				       "digest", NULL, NULL, NULL, text, tr_now_ms());
		free(text);
		if (!rc)
			rc = db_run_vals(c,
					 "UPDATE inbox_items SET digest_at = ? WHERE user_id = ?"
					 " AND delivery = 'digest' AND digest_at IS NULL"
					 " AND created_at <= ?",
					 DB_VALS(DB_INT(at), DB_TEXT(uid), DB_INT(at)));
		if (!rc)
			(*queued)++;
	}
	json_decref(users);
	json_decref(emails);
	return db_end(c, rc);
}
