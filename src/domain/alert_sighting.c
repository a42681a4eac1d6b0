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

int alert_sighting_add(struct db_conn *c, const struct caller *who, const char *alert_id,
		       json_t *body, const char *request_id, char id[37], const char **field)
{
	json_t *a = NULL;
	*field = NULL;
	int rc = alert_get(c, who, alert_id, &a);
	if (rc)
		return rc;
	int published = strcmp(json_string_value(json_object_get(a, "status")), "published") == 0;
	json_decref(a);
	if (!acl_role_can(who->role, RES_SIGHTING, ACT_CREATE))
		return TR_ERR_FORBIDDEN;
	if (!published)
		return TR_ERR_CONFLICT;
	int64_t now = tr_now_ms(), at = now;
	const char *when = json_string_value(json_object_get(body, "observed_at"));
	if (when)
		tr_time_parse(when, &at);
	json_t *cnt = json_object_get(body, "count");
	tr_uuid7(id);
	struct db_stmt *s;
	/* the row and its change number (seq_stamp) in one transaction */
	if ((rc = db_begin(c)))
		return rc;
	if ((rc = db_prepare(c,
			     "INSERT INTO alert_sightings " DB_ACL_EXEMPT " (id, alert_id, org_id,"
			     " country, user_id, type, place_name, lat, lon, observed_at, count,"
			     " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			     &s))) {
		db_rollback(c);
		return rc;
	}
	db_bind_text(s, 1, id);
	db_bind_text(s, 2, alert_id);
	db_bind_text(s, 3, who->org_id);
	db_bind_text(s, 4, who->country[0] ? who->country : NULL);
	db_bind_text(s, 5, who->user_id);
	db_bind_text(s, 6, json_string_value(json_object_get(body, "type")));
	db_bind_text(s, 7, json_string_value(json_object_get(body, "place_name")));
	json_t *lat = json_object_get(body, "lat"), *lon = json_object_get(body, "lon");
	json_is_number(lat) ? db_bind_double(s, 8, json_number_value(lat)) : db_bind_null(s, 8);
	json_is_number(lon) ? db_bind_double(s, 9, json_number_value(lon)) : db_bind_null(s, 9);
	db_bind_int64(s, 10, at);
	db_bind_int64(s, 11, cnt ? json_integer_value(cnt) : 1);
	db_bind_int64(s, 12, now);
	rc = db_step(s);
	db_done(s);
	if (rc == DB_DONE)
		rc = seq_stamp(c, "alert_sightings", "r", "r.id", id);
	if (rc || (rc = db_commit(c))) {
		db_rollback(c);
		return rc;
	}
	return TR_OK;
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
	struct db_stmt *s;
	int rc = query_take(&q, c, &s);
	if (rc)
		return rc;
	json_t *items = json_array(), *by = json_object();
	while ((rc = db_step(s)) == DB_ROW) {
		const char *country = db_col_text(s, 2) ? db_col_text(s, 2) : "international";
		const char *type = db_col_text(s, 3);
		json_t *row = json_pack(
		    "{s:s, s:s, s:s?, s:s, s:s?, s:o, s:o, s:o, s:I}", "id", db_col_text(s, 0),
		    "org_id", db_col_text(s, 1), "country", db_col_text(s, 2), "type", type,
		    "place_name", db_col_text(s, 4), "lat",
		    db_col_is_null(s, 5) ? json_null() : json_real(db_col_double(s, 5)), "lon",
		    db_col_is_null(s, 6) ? json_null() : json_real(db_col_double(s, 6)),
		    "observed_at", row_time(s, 7), "count", (json_int_t)db_col_int64(s, 8));
		json_array_append_new(items, row);
		json_t *cc = json_object_get(by, country);
		if (!cc) {
			cc = json_pack("{s:i, s:i}", "seen", 0, "false_positive", 0);
			json_object_set_new(by, country, cc);
		}
		json_object_set_new(cc, type,
				    json_integer(json_integer_value(json_object_get(cc, type)) +
						 db_col_int64(s, 8)));
	}
	db_done(s);
	if (rc != DB_DONE) {
		json_decref(items);
		json_decref(by);
		return rc;
	}
	json_t *a = NULL;
	if ((rc = alert_get(c, who, alert_id, &a))) {
		json_decref(items);
		json_decref(by);
		return rc;
	}
	json_decref(a);
	*out = json_pack("{s:o, s:o}", "items", items, "by_country", by);
	return TR_OK;
}

int alert_comment_add(struct db_conn *c, const struct caller *who, const char *alert_id,
		      json_t *body, const char *request_id, char id[37], const char **field)
{
	json_t *a = NULL;
	*field = NULL;
	int rc = alert_get(c, who, alert_id, &a);
	if (rc)
		return rc;
	const char *adist = json_string_value(json_object_get(a, "distribution"));
	const char *agroup = json_string_value(json_object_get(a, "sharing_group_id"));
	const char *dist = json_string_value(json_object_get(body, "distribution"));
	const char *group = json_string_value(json_object_get(body, "sharing_group_id"));
	if (!dist) {
		dist = adist;
		group = agroup;
	}
	if (!acl_role_can(who->role, RES_COMMENT, ACT_CREATE))
		rc = TR_ERR_FORBIDDEN;
	else if (!acl_distribution_within(dist, adist) ||
		 (strcmp(dist, "sharing_group") == 0 && strcmp(adist, "sharing_group") == 0 &&
		  (!group || !agroup || strcmp(group, agroup) != 0)))
		rc = (*field = "distribution", TR_ERR_INVALID);
	else if (strcmp(dist, "sharing_group") == 0 &&
		 (!group || !group_has_member(c, group, who->org_id)))
		rc = (*field = "sharing_group_id", TR_ERR_INVALID);
	tr_uuid7(id);
	struct db_stmt *s;
	/* the row and its change number (seq_stamp) in one transaction */
	int tx = !rc && !(rc = db_begin(c));
	if (!rc &&
	    !(rc = db_prepare_vals(
		  c,
		  "INSERT INTO alert_comments " DB_ACL_EXEMPT " (id, alert_id,"
		  " org_id, country, user_id, body, distribution,"
		  " sharing_group_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		  DB_VALS(DB_TEXT(id), DB_TEXT(alert_id), DB_TEXT(who->org_id),
			  DB_TEXT(who->country[0] ? who->country : NULL), DB_TEXT(who->user_id),
			  DB_TEXT(json_string_value(json_object_get(body, "body"))), DB_TEXT(dist),
			  DB_TEXT(strcmp(dist, "sharing_group") == 0 ? group : NULL),
			  DB_INT(tr_now_ms())),
		  &s))) {
		rc = db_step(s) == DB_DONE ? TR_OK : TR_ERR_DB;
		db_done(s);
	}
	if (!rc)
		rc = seq_stamp(c, "alert_comments", "r", "r.id", id);
	if (tx && (rc || (rc = db_commit(c))))
		db_rollback(c);
	json_decref(a);
	return rc;
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
