#include "domain/link.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/audit.h"
#include "domain/row.h"
#include "domain/tip.h"

#include <stdio.h>
#include <string.h>

const char *const link_types[] = {"alert", "activity", "problem", "tip", NULL};

/* Each type's resource in the permission table and what it reads for a
 * summary; tips have no title, their reference stands in. */
static const struct {
	const char *type;
	enum resource res;
	const char *sql;
} ends[] = {
    {"alert", RES_ALERT,
     "SELECT x.id, x.title, x.status, x.org_id, NULL, x.tlp FROM alerts x"
     " WHERE x.id = ?"},
    {"activity", RES_ACTIVITY,
     "SELECT x.id, x.title, x.status, x.org_id, NULL, x.tlp FROM activities x"
     " WHERE x.id = ?"},
    {"problem", RES_PROBLEM,
     "SELECT x.id, x.title, x.phase, x.org_id, NULL, x.tlp FROM problems x"
     " WHERE x.id = ?"},
    {"tip", RES_TIP,
     "SELECT x.id, x.category, x.status, x.org_id, x.reference, NULL FROM tips x"
     " WHERE x.id = ?"},
};

static int type_index(const char *type)
{
	for (int i = 0; type && i < 4; i++)
		if (strcmp(ends[i].type, type) == 0)
			return i;
	return -1;
}

/* Whether the role may act on records of the type k: read them at all
 * (ACT_READ), or change them in its organisation (ACT_UPDATE). */
static int role_may(enum role r, int k, enum action act)
{
	return acl_role_can(r, ends[k].res, act);
}

/* The summary of an end of type (ctx) from its row of ends[].sql. */
static json_t *end_row(struct db_stmt *s, void *type)
{
	json_t *e = json_pack("{s:s, s:s, s:o, s:o, s:o}", "type", (const char *)type, "id",
			      db_col_text(s, 0), "title", row_text(s, 1), "status", row_text(s, 2),
			      "org_id", row_text(s, 3));
	if (e && !db_col_is_null(s, 4))
		json_object_set_new(e, "reference", row_text(s, 4));
	if (e && !db_col_is_null(s, 5))
		json_object_set_new(e, "tlp", row_text(s, 5));
	return e;
}

int link_end_get(struct db_conn *c, const struct caller *who, const char *type, const char *id,
		 json_t **out)
{
	int k = type_index(type);
	if (k < 0 || !role_may(who->role, k, ACT_READ))
		return TR_ERR_NOT_FOUND;
	struct query q;
	query_init(&q);
	query_text(&q, ends[k].sql, id);
	acl_visible(&q, who, "x");
	if (k == 0) /* an alert's draft stays home */
		query_text(&q, " AND (x.status <> 'draft' OR x.org_id = ?)", who->org_id);
	return row_query_one_ctx(&q, c, end_row, (void *)ends[k].type, out);
}

int link_list(struct db_conn *c, const struct caller *who, const char *type, const char *id,
	      const char *other_type, json_t *items)
{
	json_t *self = NULL;
	int rc = link_end_get(c, who, type, id, &self);
	if (rc)
		return rc;
	json_decref(self);
	struct db_stmt *s;
	if ((rc = db_prepare_vals(
		 c,
		 "SELECT id, a_type, a_id, b_type, b_id, created_at FROM record_links"
		 " WHERE (a_type = ? AND a_id = ?) OR (b_type = ? AND b_id = ?)"
		 " ORDER BY created_at, id LIMIT 1000",
		 DB_VALS(DB_TEXT(type), DB_TEXT(id), DB_TEXT(type), DB_TEXT(id)), &s)))
		return rc;
	json_t *rows = json_array();
	while ((rc = db_step(s)) == DB_ROW) {
		int a_is_self =
		    strcmp(db_col_text(s, 1), type) == 0 && strcmp(db_col_text(s, 2), id) == 0;
		json_array_append_new(rows,
				      json_pack("{s:s, s:s, s:s, s:o}", "id", db_col_text(s, 0),
						"type", db_col_text(s, a_is_self ? 3 : 1),
						"record_id", db_col_text(s, a_is_self ? 4 : 2),
						"created_at", row_time(s, 5)));
	}
	db_done(s);
	if (rc != DB_DONE) {
		json_decref(rows);
		return rc;
	}
	/* the statement is done before the ends are read: one connection,
	 * one statement at a time on PostgreSQL */
	size_t i;
	json_t *r;
	rc = TR_OK;
	json_array_foreach(rows, i, r)
	{
		const char *t = json_string_value(json_object_get(r, "type"));
		if (other_type && strcmp(t, other_type) != 0)
			continue;
		json_t *end = NULL;
		rc = link_end_get(c, who, t, json_string_value(json_object_get(r, "record_id")),
				  &end);
		if (rc == TR_ERR_NOT_FOUND) {
			rc = TR_OK; /* the reader does not see the other end */
			continue;
		}
		if (rc)
			break;
		json_object_del(end, "type");
		json_object_del(end, "id");
		json_object_update(r, end);
		json_decref(end);
		json_array_append(items, r);
	}
	json_decref(rows);
	return rc;
}

/* The ends in their stored order. */
static void order_ends(const char **t1, const char **i1, const char **t2, const char **i2)
{
	int c = strcmp(*t1, *t2);
	if (c > 0 || (c == 0 && strcmp(*i1, *i2) > 0)) {
		const char *t = *t1, *i = *i1;
		*t1 = *t2;
		*i1 = *i2;
		*t2 = t;
		*i2 = i;
	}
}

/* Both ends visible, and the caller may change one of them. */
static int ends_check(struct db_conn *c, const struct caller *who, const char *type, const char *id,
		      const char *other_type, const char *other_id, const char **field)
{
	json_t *a = NULL, *b = NULL;
	int rc = link_end_get(c, who, type, id, &a);
	if (rc == TR_ERR_NOT_FOUND)
		return *field = "id", TR_ERR_INVALID;
	if (rc)
		return rc;
	rc = link_end_get(c, who, other_type, other_id, &b);
	if (rc == TR_ERR_NOT_FOUND) {
		json_decref(a);
		return *field = "other_id", TR_ERR_INVALID;
	}
	if (rc) {
		json_decref(a);
		return rc;
	}
	const char *oa = json_string_value(json_object_get(a, "org_id"));
	const char *ob = json_string_value(json_object_get(b, "org_id"));
	int may = (oa && strcmp(oa, who->org_id) == 0 &&
		   role_may(who->role, type_index(type), ACT_UPDATE)) ||
		  (ob && strcmp(ob, who->org_id) == 0 &&
		   role_may(who->role, type_index(other_type), ACT_UPDATE));
	json_decref(a);
	json_decref(b);
	return may ? TR_OK : TR_ERR_FORBIDDEN;
}

static int audit_both(struct db_conn *c, const struct caller *who, const char *action,
		      const char *t1, const char *i1, const char *t2, const char *i2,
		      const char *request_id, int64_t now)
{
	char detail[200];
	snprintf(detail, sizeof(detail), "{\"%s_id\":\"%s\"}", t2, i2);
	struct audit_entry e = {who->user_id, who->org_id, action, t1,
				i1,	      request_id,  NULL,   detail};
	int rc = audit_append(c, &e, now);
	if (rc)
		return rc;
	snprintf(detail, sizeof(detail), "{\"%s_id\":\"%s\"}", t1, i1);
	e.resource_type = t2;
	e.resource_id = i2;
	return audit_append(c, &e, now);
}

static int link_insert(struct db_conn *c, const struct caller *who, const char *t1, const char *i1,
		       const char *t2, const char *i2, int64_t now, char link_id[37], int *created)
{
	order_ends(&t1, &i1, &t2, &i2);
	struct db_stmt *s;
	int rc = db_row_vals(c,
			     "SELECT id FROM record_links WHERE a_type = ? AND a_id = ? AND"
			     " b_type = ? AND b_id = ?",
			     DB_VALS(DB_TEXT(t1), DB_TEXT(i1), DB_TEXT(t2), DB_TEXT(i2)), &s);
	if (rc == TR_OK) { /* linked already */
		snprintf(link_id, 37, "%s", db_col_text(s, 0));
		db_done(s);
		*created = 0;
		return TR_OK;
	}
	if (rc != TR_ERR_NOT_FOUND)
		return rc;
	tr_uuid7(link_id);
	*created = 1;
	return db_run_vals(c,
			   "INSERT INTO record_links (id, a_type, a_id, b_type, b_id, org_id,"
			   " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			   DB_VALS(DB_TEXT(link_id), DB_TEXT(t1), DB_TEXT(i1), DB_TEXT(t2),
				   DB_TEXT(i2), DB_TEXT(who->org_id),
				   DB_TEXT(who->user_id[0] ? who->user_id : NULL), DB_INT(now)));
}

int link_add(struct db_conn *c, const struct caller *who, const char *type, const char *id,
	     const char *other_type, const char *other_id, const char *request_id, char link_id[37],
	     int *created, const char **field)
{
	*field = NULL;
	*created = 0;
	if (!acl_role_can(who->role, RES_LINK, ACT_CREATE))
		return TR_ERR_FORBIDDEN;
	if (strcmp(type, other_type) == 0 && strcmp(id, other_id) == 0)
		return *field = "other_id", TR_ERR_INVALID;
	int rc = db_begin(c);
	if (rc)
		return rc;
	int64_t now = tr_now_ms();
	rc = ends_check(c, who, type, id, other_type, other_id, field);
	if (!rc)
		rc = link_insert(c, who, type, id, other_type, other_id, now, link_id, created);
	if (!rc && *created)
		rc = audit_both(c, who, "link", type, id, other_type, other_id, request_id, now);
	return db_end(c, rc);
}

/* A row of record_links as stored: its two ends and when it was made. */
static json_t *link_row(struct db_stmt *s)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:o}", "a_type", db_col_text(s, 0), "a_id",
			 db_col_text(s, 1), "b_type", db_col_text(s, 2), "b_id", db_col_text(s, 3),
			 "created_at", row_time(s, 4));
}

int link_get(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	json_t *row = NULL;
	int rc = row_one_vals(c,
			      "SELECT a_type, a_id, b_type, b_id, created_at FROM record_links"
			      " WHERE id = ?",
			      DB_VALS(DB_TEXT(id)), link_row, &row);
	if (rc)
		return rc;
	json_t *a = NULL, *b = NULL;
	const char *(k[]) = {"a_type", "a_id", "b_type", "b_id"};
	rc = link_end_get(c, who, json_string_value(json_object_get(row, k[0])),
			  json_string_value(json_object_get(row, k[1])), &a);
	if (!rc)
		rc = link_end_get(c, who, json_string_value(json_object_get(row, k[2])),
				  json_string_value(json_object_get(row, k[3])), &b);
	if (!rc)
		*out = json_pack("{s:s, s:[o, o], s:O}", "id", id, "ends", a, b, "created_at",
				 json_object_get(row, "created_at"));
	else
		json_decref(a);
	json_decref(row);
	return rc;
}

int link_remove(struct db_conn *c, const struct caller *who, const char *link_id,
		const char *request_id)
{
	if (!acl_role_can(who->role, RES_LINK, ACT_DELETE))
		return TR_ERR_FORBIDDEN;
	int rc = db_begin(c);
	if (rc)
		return rc;
	struct db_stmt *s;
	char t1[16] = "", i1[64] = "", t2[16] = "", i2[64] = "";
	if ((rc = db_row_vals(c, "SELECT a_type, a_id, b_type, b_id FROM record_links WHERE id = ?",
			      DB_VALS(DB_TEXT(link_id)), &s)))
		goto out;
	snprintf(t1, sizeof(t1), "%s", db_col_text(s, 0));
	snprintf(i1, sizeof(i1), "%s", db_col_text(s, 1));
	snprintf(t2, sizeof(t2), "%s", db_col_text(s, 2));
	snprintf(i2, sizeof(i2), "%s", db_col_text(s, 3));
	db_done(s);
	const char *field = NULL;
	/* a link the caller does not see (one end hidden) is not there */
	if ((rc = ends_check(c, who, t1, i1, t2, i2, &field)) == TR_ERR_INVALID)
		rc = TR_ERR_NOT_FOUND;
	if (rc)
		goto out;
	rc = db_run_vals(c, "DELETE FROM record_links WHERE id = ?", DB_VALS(DB_TEXT(link_id)));
	if (!rc)
		rc = audit_both(c, who, "unlink", t1, i1, t2, i2, request_id, tr_now_ms());
out:
	return db_end(c, rc);
}

int link_set(struct db_conn *c, const struct caller *who, const char *type, const char *id,
	     const char *other_type, json_t *list)
{
	/* the links to records of other_type the caller sees, not in list, go;
	 * a link to a record the caller does not see stays */
	json_t *have = json_array();
	int rc = link_list(c, who, type, id, other_type, have);
	size_t i, j;
	json_t *l, *v;
	json_array_foreach(have, i, l)
	{
		if (rc)
			break;
		const char *other = json_string_value(json_object_get(l, "record_id"));
		int keep = 0;
		json_array_foreach(list, j, v) keep |= strcmp(json_string_value(v), other) == 0;
		if (keep)
			continue;
		rc = db_run_vals(c, "DELETE FROM record_links WHERE id = ?",
				 DB_VALS(DB_TEXT(json_string_value(json_object_get(l, "id")))));
	}
	json_decref(have);
	if (rc)
		return rc;
	int64_t now = tr_now_ms();
	json_array_foreach(list, i, v)
	{
		char lid[37];
		int created;
		if ((rc = link_insert(c, who, type, id, other_type, json_string_value(v), now, lid,
				      &created)))
			return rc;
	}
	return TR_OK;
}
