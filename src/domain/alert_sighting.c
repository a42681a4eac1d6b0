/* Sightings and comments of a visible alert. */
#include "domain/alert.h"
#include "domain/alert_impl.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "db/query.h"
#include "domain/audit.h"
#include "domain/group.h"
#include "domain/row.h"
#include "domain/seq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An addition to an alert (a sighting, a comment): who's role must be
 * allowed to create res, and check pass on the alert a as who sees it and
 * the body (*field naming what is wrong); then insert, whose first five
 * parameters are the row's id, alert_id, org_id, country and user_id
 * (who's) and whose others bind binds from parameter 6 on, writes the row
 * id of table, stamped with its change number (seq_stamp) in the same
 * transaction. */
struct addition {
	enum resource res;
	const char *table, *insert;
	int (*check)(struct db_conn *c, const struct caller *who, json_t *a, json_t *body,
		     const char **field);
	void (*bind)(struct db_stmt *s, json_t *a, json_t *body);
};

static int addition_write(const struct addition *k, struct db_conn *c, const struct caller *who,
			  const char *alert_id, json_t *a, json_t *body, const char *id)
{
	struct db_stmt *s;
	int rc = db_begin(c);
	if (rc)
		return rc;
	if (!(rc = db_prepare_vals(c, k->insert,
				   DB_VALS(DB_TEXT(id), DB_TEXT(alert_id), DB_TEXT(who->org_id),
					   DB_TEXT(who->country[0] ? who->country : NULL),
					   DB_TEXT(who->user_id)),
				   &s))) {
		k->bind(s, a, body);
		if (!(rc = row_step_write(s)))
			rc = seq_stamp(c, k->table, "r", "r.id", id);
	}
	if (rc || (rc = db_commit(c)))
		db_rollback(c);
	return rc;
}

static int addition_add(const struct addition *k, struct db_conn *c, const struct caller *who,
			const char *alert_id, json_t *body, char id[37], const char **field)
{
	json_t *a = NULL;
	*field = NULL;
	int rc = alert_get(c, who, alert_id, &a);
	if (!rc && !acl_role_can(who->role, k->res, ACT_CREATE))
		rc = TR_ERR_FORBIDDEN;
	if (!rc)
		rc = k->check(c, who, a, body, field);
	if (!rc) {
		tr_uuid7(id);
		rc = addition_write(k, c, who, alert_id, a, body, id);
	}
	json_decref(a);
	return rc;
}

/* Sightings are of published alerts only. */
static int sighting_check(struct db_conn *c, const struct caller *who, json_t *a, json_t *body,
			  const char **field)
{
	(void)c, (void)who, (void)body, (void)field;
	return strcmp(json_string_value(json_object_get(a, "status")), "published") == 0
		   ? TR_OK
		   : TR_ERR_CONFLICT;
}

static void sighting_bind(struct db_stmt *s, json_t *a, json_t *body)
{
	(void)a;
	int64_t now = tr_now_ms(), at = now;
	const char *when = json_string_value(json_object_get(body, "observed_at"));
	if (when)
		tr_time_parse(when, &at);
	json_t *cnt = json_object_get(body, "count");
	json_t *lat = json_object_get(body, "lat"), *lon = json_object_get(body, "lon");
	db_bind_vals(s, 6,
		     DB_VALS(DB_TEXT(json_string_value(json_object_get(body, "type"))),
			     DB_TEXT(json_string_value(json_object_get(body, "place_name"))),
			     json_is_number(lat) ? DB_REAL(json_number_value(lat)) : DB_NULL,
			     json_is_number(lon) ? DB_REAL(json_number_value(lon)) : DB_NULL,
			     DB_INT(at), DB_INT(cnt ? json_integer_value(cnt) : 1), DB_INT(now)));
}

/* The sightings of an alert and their counts by country and type. */
struct sighting_list {
	json_t *items, *by;
};

/* Appends the sighting of a row and adds its count to its country's
 * (ctx: struct sighting_list). */
static void sighting_row(struct db_stmt *s, void *ctx)
{
	struct sighting_list *l = ctx;
	const char *country = db_col_text(s, 2) ? db_col_text(s, 2) : "international";
	const char *type = db_col_text(s, 3);
	json_t *row =
	    json_pack("{s:s, s:s, s:s?, s:s, s:s?, s:o, s:o, s:o, s:I}", "id", db_col_text(s, 0),
		      "org_id", db_col_text(s, 1), "country", db_col_text(s, 2), "type", type,
		      "place_name", db_col_text(s, 4), "lat",
		      db_col_is_null(s, 5) ? json_null() : json_real(db_col_double(s, 5)), "lon",
		      db_col_is_null(s, 6) ? json_null() : json_real(db_col_double(s, 6)),
		      "observed_at", row_time(s, 7), "count", (json_int_t)db_col_int64(s, 8));
	json_array_append_new(l->items, row);
	json_t *cc = json_object_get(l->by, country);
	if (!cc) {
		cc = json_pack("{s:i, s:i}", "seen", 0, "false_positive", 0);
		json_object_set_new(l->by, country, cc);
	}
	json_object_set_new(
	    cc, type,
	    json_integer(json_integer_value(json_object_get(cc, type)) + db_col_int64(s, 8)));
}

int alert_sightings(struct db_conn *c, const struct caller *who, const char *alert_id, json_t **out)
{
	struct query q;
	query_init(&q);
	/* a sighting is seen with its alert: the predicate is the alert's */
	query_text(&q,
		   "SELECT x.id, x.org_id, x.country, x.type, x.place_name, x.lat, x.lon,"
		   " x.observed_at, x.count FROM alert_sightings x JOIN alerts a"
		   " ON a.id = x.alert_id WHERE x.alert_id = ?",
		   alert_id);
	alert_visible(&q, who, "a");
	query_sql(&q, " ORDER BY x.observed_at DESC, x.id DESC LIMIT 1000");
	struct sighting_list l = {json_array(), json_object()};
	int rc = row_query_each(&q, c, sighting_row, &l);
	if (rc || (rc = row_seen(c, who, alert_id, alert_get))) {
		json_decref(l.items);
		json_decref(l.by);
		return rc;
	}
	*out = json_pack("{s:o, s:o}", "items", l.items, "by_country", l.by);
	return TR_OK;
}

/* The sharing of a comment: its body's, else its alert's. */
static void comment_share(json_t *a, json_t *body, const char **dist, const char **group)
{
	*dist = json_string_value(json_object_get(body, "distribution"));
	*group = json_string_value(json_object_get(body, "sharing_group_id"));
	if (!*dist) {
		*dist = json_string_value(json_object_get(a, "distribution"));
		*group = json_string_value(json_object_get(a, "sharing_group_id"));
	}
}

/* A comment is shared no wider than its alert. */
static int comment_check(struct db_conn *c, const struct caller *who, json_t *a, json_t *body,
			 const char **field)
{
	const char *adist = json_string_value(json_object_get(a, "distribution"));
	const char *agroup = json_string_value(json_object_get(a, "sharing_group_id"));
	const char *dist, *group;
	comment_share(a, body, &dist, &group);
	if (!acl_distribution_within(dist, adist) ||
	    (strcmp(dist, "sharing_group") == 0 && strcmp(adist, "sharing_group") == 0 &&
	     (!group || !agroup || strcmp(group, agroup) != 0)))
		return *field = "distribution", TR_ERR_INVALID;
	if (strcmp(dist, "sharing_group") == 0 &&
	    (!group || !group_has_member(c, group, who->org_id)))
		return *field = "sharing_group_id", TR_ERR_INVALID;
	return TR_OK;
}

static void comment_bind(struct db_stmt *s, json_t *a, json_t *body)
{
	const char *dist, *group;
	comment_share(a, body, &dist, &group);
	db_bind_vals(s, 6,
		     DB_VALS(DB_TEXT(json_string_value(json_object_get(body, "body"))),
			     DB_TEXT(dist),
			     DB_TEXT(strcmp(dist, "sharing_group") == 0 ? group : NULL),
			     DB_INT(tr_now_ms())));
}

static json_t *comment_row(struct db_stmt *s)
{
	return json_pack("{s:s, s:s, s:s?, s:s, s:s, s:o}", "id", db_col_text(s, 0), "org_id",
			 db_col_text(s, 1), "user_id", db_col_text(s, 2), "body", db_col_text(s, 3),
			 "distribution", db_col_text(s, 4), "created_at", row_time(s, 5));
}

int alert_comments(struct db_conn *c, const struct caller *who, const char *alert_id, json_t *items)
{
	int rc = row_seen(c, who, alert_id, alert_get);
	if (rc)
		return rc;
	struct query q;
	query_init(&q);
	query_text(&q,
		   "SELECT x.id, x.org_id, x.user_id, x.body, x.distribution, x.created_at"
		   " FROM alert_comments x WHERE x.alert_id = ?",
		   alert_id);
	acl_visible(&q, who, "x");
	query_sql(&q, " ORDER BY x.id LIMIT 1000");
	return row_query_all(&q, c, comment_row, items);
}

/* ---- the additions ---- */

static const struct addition sighting = {RES_SIGHTING, "alert_sightings",
					 "INSERT INTO alert_sightings " DB_ACL_EXEMPT
					 " (id, alert_id, org_id, country, user_id, type,"
					 " place_name, lat, lon, observed_at, count, created_at)"
					 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
					 sighting_check, sighting_bind};

static const struct addition comment = {
    RES_COMMENT, "alert_comments",
    "INSERT INTO alert_comments " DB_ACL_EXEMPT " (id, alert_id, org_id, country, user_id, body,"
    " distribution, sharing_group_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    comment_check, comment_bind};

int alert_sighting_add(struct db_conn *c, const struct caller *who, const char *alert_id,
		       json_t *body, const char *request_id, char id[37], const char **field)
{
	return addition_add(&sighting, c, who, alert_id, body, id, field);
}

int alert_comment_add(struct db_conn *c, const struct caller *who, const char *alert_id,
		      json_t *body, const char *request_id, char id[37], const char **field)
{
	return addition_add(&comment, c, who, alert_id, body, id, field);
}
