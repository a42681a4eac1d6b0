#include "domain/row.h"
#include "domain/group.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/audit.h"
#include "domain/seq.h"

#include <stdio.h>
#include <string.h>

#define GROUP_COLS                                                                                 \
	"g.id, g.name, g.description, g.owner_org_id, g.members_can_add,"                          \
	" g.created_at, g.updated_at, g.version"
#define GROUP_VISIBLE                                                                              \
	" EXISTS (SELECT 1 FROM sharing_group_members v"                                           \
	" WHERE v.group_id = g.id AND v.org_id = ?)"

static int members_json(struct db_conn *c, const char *id, json_t **out)
{
	*out = json_array();
	return row_all_vals(c,
			    "SELECT org_id FROM sharing_group_members WHERE group_id = ?"
			    " ORDER BY org_id",
			    DB_VALS(DB_TEXT(id)), row_first_string, *out);
}

static json_t *group_row(struct db_stmt *s)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:I}", "id", db_col_text(s, 0),
			 "name", db_col_text(s, 1), "description", db_col_text(s, 2),
			 "owner_org_id", db_col_text(s, 3), "members_can_add",
			 (int)db_col_int64(s, 4), "created_at", row_time(s, 5), "updated_at",
			 row_time(s, 6), "version", (json_int_t)db_col_int64(s, 7));
}

int group_get(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	struct db_stmt *s;
	int rc = db_prepare_vals(
	    c, "SELECT " GROUP_COLS " FROM sharing_groups g WHERE g.id = ? AND" GROUP_VISIBLE,
	    DB_VALS(DB_TEXT(id), DB_TEXT(who->org_id)), &s);
	if (rc)
		return rc;
	rc = db_step(s);
	json_t *g = rc == DB_ROW ? group_row(s) : NULL;
	db_done(s);
	if (rc != DB_ROW)
		return rc == DB_DONE ? TR_ERR_NOT_FOUND : rc;
	json_t *members;
	if ((rc = members_json(c, id, &members))) {
		json_decref(g);
		return rc;
	}
	json_object_set_new(g, "members", members);
	*out = g;
	return TR_OK;
}

int group_list(struct db_conn *c, const struct caller *who, const char *after, int limit,
	       json_t *items, int *more)
{
	int rc = row_page_vals(
	    c,
	    "SELECT " GROUP_COLS " FROM sharing_groups g WHERE" GROUP_VISIBLE
	    " AND (CAST(? AS TEXT) IS NULL OR g.id > ?) ORDER BY g.id LIMIT ?",
	    DB_VALS(DB_TEXT(who->org_id), DB_TEXT(after), DB_TEXT(after), DB_INT(limit + 1)), limit,
	    group_row, items, more);
	if (rc)
		return rc;
	size_t i;
	json_t *g;
	json_array_foreach(items, i, g)
	{
		json_t *members;
		if ((rc = members_json(c, json_string_value(json_object_get(g, "id")), &members)))
			return rc;
		json_object_set_new(g, "members", members);
	}
	return TR_OK;
}

static int member_add(struct db_conn *c, const char *id, const char *org, int64_t now)
{
	int rc = db_find_vals(c, "SELECT 1 FROM organisations WHERE id = ?", DB_VALS(DB_TEXT(org)));
	if (rc)
		return rc == TR_ERR_NOT_FOUND ? TR_ERR_INVALID : rc;
	return db_run_vals(c,
			   "INSERT INTO sharing_group_members (group_id, org_id, added_at)"
			   " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
			   DB_VALS(DB_TEXT(id), DB_TEXT(org), DB_INT(now)));
}

static int members_add(struct db_conn *c, const char *id, json_t *list, int64_t now,
		       const char **field)
{
	size_t i;
	json_t *m;
	json_array_foreach(list, i, m)
	{
		int rc = member_add(c, id, json_string_value(m), now);
		if (rc == TR_ERR_INVALID)
			*field = "members";
		if (rc)
			return rc;
	}
	return TR_OK;
}

int group_create(struct db_conn *c, const struct caller *who, json_t *body, const char *request_id,
		 char id[37], const char **field)
{
	*field = NULL;
	int64_t now;
	int rc = row_create_begin(c, who, RES_SHARING_GROUP, id, &now);
	if (rc)
		return rc;
	const char *desc = json_string_value(json_object_get(body, "description"));
	struct db_stmt *s;
	if (!(rc = db_prepare_vals(
		  c,
		  "INSERT INTO sharing_groups (id, name, description, owner_org_id,"
		  " members_can_add, created_at, updated_at)"
		  " VALUES (?, ?, ?, ?, ?, ?, ?)",
		  DB_VALS(DB_TEXT(id), DB_TEXT(json_string_value(json_object_get(body, "name"))),
			  DB_TEXT(desc ? desc : ""), DB_TEXT(who->org_id),
			  DB_INT(json_is_true(json_object_get(body, "members_can_add"))),
			  DB_INT(now), DB_INT(now)),
		  &s))) {
		rc = db_step_done(s);
	}
	if (!rc)
		rc = member_add(c, id, who->org_id, now);
	if (!rc && json_object_get(body, "members"))
		rc = members_add(c, id, json_object_get(body, "members"), now, field);
	if (!rc)
		rc = audit_by(c, who, "create", "sharing_group", id, request_id, now);
	return db_end(c, rc);
}

int group_has_member(struct db_conn *c, const char *id, const char *org_id)
{
	struct db_stmt *s;
	if (db_prepare_vals(c,
			    "SELECT 1 FROM sharing_group_members WHERE group_id = ? AND org_id = ?",
			    DB_VALS(DB_TEXT(id), DB_TEXT(org_id)), &s))
		return 0;
	int rc = db_step(s);
	db_done(s);
	return rc == DB_ROW;
}

int group_share_check(struct db_conn *c, const struct caller *who, json_t *r, int tlp,
		      const char **field)
{
	const char *dist = json_string_value(json_object_get(r, "distribution"));
	const char *level = json_string_value(json_object_get(r, "tlp"));
	const char *group = json_string_value(json_object_get(r, "sharing_group_id"));
	if (!dist) /* a PATCH may send null */
		return *field = "distribution", TR_ERR_INVALID;
	if (tlp && (!level || (strcmp(level, "red") == 0 && strcmp(dist, "federation") == 0)))
		return *field = "tlp", TR_ERR_INVALID;
	if ((strcmp(dist, "sharing_group") == 0) != (group != NULL) ||
	    (group && !group_has_member(c, group, who->org_id)))
		return *field = "sharing_group_id", TR_ERR_INVALID;
	return TR_OK;
}

static int group_load(struct db_conn *c, const char *id, char owner[37], int *can_add,
		      int64_t *version)
{
	int64_t can = 0;
	const struct row_var v[] = {{.text = owner, .size = 37}, {.num = &can}, {.num = version}};
	int rc = row_scan_vals(c,
			       "SELECT owner_org_id, members_can_add, version FROM sharing_groups"
			       " WHERE id = ?",
			       DB_VALS(DB_TEXT(id)), v, 3);
	*can_add = (int)can;
	return rc;
}

static int set_column(struct db_conn *c, const char *id, const char *key, json_t *v)
{
	const char *sql = strcmp(key, "name") == 0
			      ? "UPDATE sharing_groups SET name = ? WHERE id = ?"
			  : strcmp(key, "description") == 0
			      ? "UPDATE sharing_groups SET description = ? WHERE id = ?"
			      : "UPDATE sharing_groups SET members_can_add = ? WHERE id = ?";
	return db_run_vals(
	    c, sql,
	    DB_VALS(json_is_boolean(v) ? DB_INT(json_is_true(v)) : DB_TEXT(json_string_value(v)),
		    DB_TEXT(id)));
}

static int members_remove(struct db_conn *c, const char *id, const char *owner, json_t *list,
			  const char **field)
{
	size_t i;
	json_t *m;
	json_array_foreach(list, i, m)
	{
		if (strcmp(json_string_value(m), owner) == 0) {
			*field = "remove_members";
			return TR_ERR_INVALID; /* the owner stays a member */
		}
		int rc = db_run_vals(c,
				     "DELETE FROM sharing_group_members WHERE group_id = ?"
				     " AND org_id = ?",
				     DB_VALS(DB_TEXT(id), DB_TEXT(json_string_value(m))));
		if (rc)
			return rc;
	}
	return TR_OK;
}

static int group_apply(struct db_conn *c, const char *id, const char *owner, json_t *body,
		       int64_t now, const char **field)
{
	const char *key;
	json_t *v;
	int rc = TR_OK;
	json_object_foreach(body, key, v)
	{
		if (rc)
			break;
		if (strcmp(key, "add_members") == 0) {
			rc = members_add(c, id, v, now, field);
			if (rc == TR_ERR_INVALID)
				*field = "add_members";
		} else if (strcmp(key, "remove_members") == 0) {
			rc = members_remove(c, id, owner, v, field);
		} else {
			rc = set_column(c, id, key, v);
		}
	}
	/* records of the group go to a new member's node, and leave one that
	 * has no member left (federation) */
	if (!rc &&
	    (json_object_get(body, "add_members") || json_object_get(body, "remove_members")))
		rc = seq_stamp_group(c, id);
	if (!rc)
		rc = db_run_vals(c,
				 "UPDATE sharing_groups SET version = version + 1,"
				 " updated_at = ? WHERE id = ?",
				 DB_VALS(DB_INT(now), DB_TEXT(id)));
	return rc;
}

int group_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		 int64_t version, const char *request_id, const char **field)
{
	char owner[37];
	int can_add = 0;
	int64_t current = 0;
	*field = NULL;
	int rc = db_begin(c);
	if (rc)
		return rc;
	if ((rc = group_load(c, id, owner, &can_add, &current)) == TR_OK) {
		int is_owner = strcmp(owner, who->org_id) == 0;
		if (!is_owner && !group_has_member(c, id, who->org_id))
			rc = TR_ERR_NOT_FOUND;
		else if (!acl_role_can(who->role, RES_SHARING_GROUP, ACT_UPDATE))
			rc = TR_ERR_FORBIDDEN;
		else if (!is_owner && (json_object_size(body) != 1 ||
				       !json_object_get(body, "add_members") || !can_add))
			rc = TR_ERR_FORBIDDEN;
		else if (version >= 0 && version != current)
			rc = TR_ERR_PRECONDITION;
	}
	int64_t now = tr_now_ms();
	if (!rc)
		rc = group_apply(c, id, owner, body, now, field);
	if (!rc)
		rc = audit_by(c, who, "update", "sharing_group", id, request_id, now);
	return db_end(c, rc);
}
