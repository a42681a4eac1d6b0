#include "domain/org.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/acl.h"
#include "domain/audit.h"
#include "domain/row.h"

#include <string.h>

const char *const org_kinds[] = {"police",
				 "drug_control_agency",
				 "ministry_interior",
				 "ministry_justice",
				 "ministry_health",
				 "ministry_foreign_affairs",
				 "ministry_education",
				 "local_government",
				 "school",
				 "treatment_provider",
				 "social_services",
				 "civil_society",
				 "youth_organisation",
				 "international_organisation",
				 "research",
				 "diversion_panel",
				 NULL};

int org_kind_valid(const char *kind)
{
	for (const char *const *k = org_kinds; *k; k++)
		if (strcmp(*k, kind) == 0)
			return 1;
	return 0;
}

#define ORG_COLS                                                                                   \
	"id, key, name, kind, country, parent_id, created_at, updated_at, version, origin_node,"   \
	" COALESCE((SELECT p.name FROM fed_peers p WHERE p.node_id = organisations.origin_node),"  \
	" (SELECT n.name FROM fed_nodes n WHERE n.node_id = organisations.origin_node),"           \
	" (SELECT l.name FROM fed_node_labels l WHERE l.node_id = organisations.origin_node))"

static json_t *org_row(struct db_stmt *s)
{
	/* origin_node: the node of a remote organisation (federation), null
	 * here; origin_node_name: that node's name when it is a peer, else as
	 * the peer that passed its records along names it */
	return json_pack("{s:s, s:s?, s:s, s:s, s:s?, s:s?, s:o, s:o, s:I, s:s?, s:s?}", "id",
			 db_col_text(s, 0), "key", db_col_text(s, 1), "name", db_col_text(s, 2),
			 "kind", db_col_text(s, 3), "country", db_col_text(s, 4), "parent_id",
			 db_col_text(s, 5), "created_at", row_time(s, 6), "updated_at",
			 row_time(s, 7), "version", (json_int_t)db_col_int64(s, 8), "origin_node",
			 db_col_text(s, 9), "origin_node_name", db_col_text(s, 10));
}

int org_list(struct db_conn *c, const struct caller *who, const char *country, const char *kind,
	     const char *after, int limit, json_t *items, char **next_key)
{
	*next_key = NULL;
	if (!acl_role_can(who->role, RES_ORGANISATION, ACT_LIST))
		return TR_ERR_FORBIDDEN;
	struct db_stmt *s;
	int rc = db_prepare(c,
			    "SELECT " ORG_COLS " FROM organisations"
			    " WHERE (CAST(? AS TEXT) IS NULL OR country = ?)"
			    " AND (CAST(? AS TEXT) IS NULL OR kind = ?)"
			    " AND (CAST(? AS TEXT) IS NULL OR id > ?)"
			    " ORDER BY id LIMIT ?",
			    &s);
	if (rc)
		return rc;
	const char *v[3] = {country, kind, after};
	for (int i = 0; i < 3; i++) {
		db_bind_text(s, 2 * i + 1, v[i]);
		db_bind_text(s, 2 * i + 2, v[i]);
	}
	db_bind_int64(s, 7, limit + 1);
	return row_page_ids(s, limit, org_row, items, next_key);
}

/* One organisation, whoever asks (the rules of who sees it are org_get's). */
static int org_read(struct db_conn *c, const char *id, json_t **out)
{
	struct db_stmt *s;
	int rc = db_prepare_vals(c, "SELECT " ORG_COLS " FROM organisations WHERE id = ?",
				 DB_VALS(DB_TEXT(id)), &s);
	if (rc)
		return rc;
	return row_one(s, org_row, out);
}

int org_get(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	/* every role sees every organisation (the permission table) */
	if (!acl_role_can(who->role, RES_ORGANISATION, ACT_READ))
		return TR_ERR_NOT_FOUND;
	return org_read(c, id, out);
}

int org_resolve(struct db_conn *c, const char *id_or_key, char id[37])
{
	struct db_stmt *s;
	int rc = db_prepare_vals(c, "SELECT id FROM organisations WHERE id = ? OR key = ?",
				 DB_VALS(DB_TEXT(id_or_key), DB_TEXT(id_or_key)), &s);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		const char *v = db_col_text(s, 0);
		size_t n = strlen(v);
		if (n > 36)
			n = 36;
		memcpy(id, v, n);
		id[n] = '\0';
		rc = TR_OK;
	} else if (rc == DB_DONE) {
		rc = TR_ERR_NOT_FOUND;
	}
	db_done(s);
	return rc;
}

static int country_known(struct db_conn *c, const char *iso2)
{
	return db_exists(c, "SELECT 1 FROM countries WHERE iso2 = ?", iso2) == 1;
}

/* Country required unless international; country and parent must exist. */
static int org_check(struct db_conn *c, const char *kind, const char *country, const char *parent,
		     const char **field)
{
	if (!country && strcmp(kind, "international_organisation") != 0) {
		*field = "country";
		return TR_ERR_INVALID;
	}
	if (country && !country_known(c, country)) {
		*field = "country";
		return TR_ERR_INVALID;
	}
	if (parent) {
		json_t *p = NULL;
		int rc = org_read(c, parent, &p);
		json_decref(p);
		if (rc) {
			*field = "parent_id";
			return rc == TR_ERR_NOT_FOUND ? TR_ERR_INVALID : rc;
		}
	}
	return TR_OK;
}

static int org_insert(struct db_conn *c, const char *id, const char *key, const char *name,
		      const char *kind, const char *country, const char *parent, int64_t now)
{
	return db_run_vals(c,
			   "INSERT INTO organisations (id, key, name, kind, country, parent_id,"
			   " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			   DB_VALS(DB_TEXT(id), DB_TEXT(key), DB_TEXT(name), DB_TEXT(kind),
				   DB_TEXT(country), DB_TEXT(parent), DB_INT(now), DB_INT(now)));
}

int org_create(struct db_conn *c, const struct caller *who, json_t *body, const char *request_id,
	       char id[37], const char **field)
{
	const char *kind = json_string_value(json_object_get(body, "kind"));
	const char *country = json_string_value(json_object_get(body, "country"));
	const char *parent = json_string_value(json_object_get(body, "parent_id"));
	const char *key = json_string_value(json_object_get(body, "key"));
	*field = NULL;
	int64_t now;
	int rc = row_create_begin(c, who, RES_ORGANISATION, id, &now);
	if (rc)
		return rc;
	if (!(rc = org_check(c, kind, country, parent, field))) {
		rc = org_insert(c, id, key, json_string_value(json_object_get(body, "name")), kind,
				country, parent, now);
		if (rc == TR_ERR_CONFLICT)
			*field = "key";
	}
	if (!rc)
		rc = audit_by(c, who, "create", "organisation", id, request_id, now);
	return db_end(c, rc);
}

int org_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
	       int64_t version, const char *request_id, const char **field)
{
	*field = NULL;
	if (!acl_role_can(who->role, RES_ORGANISATION, ACT_UPDATE))
		return TR_ERR_FORBIDDEN;
	int rc = db_begin(c);
	if (rc)
		return rc;
	json_t *cur = NULL;
	if ((rc = org_read(c, id, &cur))) {
		db_rollback(c);
		return rc;
	}
	/* the result must satisfy the same rules as a new organisation */
	json_t *merged = json_deep_copy(cur);
	json_object_update(merged, body);
	const char *kind = json_string_value(json_object_get(merged, "kind"));
	const char *country = json_string_value(json_object_get(merged, "country"));
	const char *parent = json_string_value(json_object_get(merged, "parent_id"));
	if (version >= 0 && version != json_integer_value(json_object_get(cur, "version")))
		rc = TR_ERR_PRECONDITION;
	else if (parent && strcmp(parent, id) == 0) {
		*field = "parent_id";
		rc = TR_ERR_INVALID;
	} else
		rc = org_check(c, kind, country, parent, field);
	int64_t now = tr_now_ms();
	struct db_stmt *s;
	if (!rc && !(rc = db_prepare_vals(
			 c,
			 "UPDATE organisations SET name = ?, kind = ?, country = ?,"
			 " parent_id = ?, updated_at = ?, version = version + 1"
			 " WHERE id = ?",
			 DB_VALS(DB_TEXT(json_string_value(json_object_get(merged, "name"))),
				 DB_TEXT(kind), DB_TEXT(country), DB_TEXT(parent), DB_INT(now),
				 DB_TEXT(id)),
			 &s))) {
		rc = db_step_done(s);
	}
	json_decref(cur);
	json_decref(merged);
	if (!rc)
		rc = audit_by(c, who, "update", "organisation", id, request_id, now);
	return db_end(c, rc);
}

int org_add_cli(struct db_conn *c, const char *name, const char *kind, const char *country,
		char id[37], const char **field)
{
	*field = NULL;
	if (!org_kind_valid(kind)) {
		*field = "kind";
		return TR_ERR_INVALID;
	}
	int rc = db_begin(c);
	if (rc)
		return rc;
	int64_t now = tr_now_ms();
	tr_uuid7(id);
	if (!(rc = org_check(c, kind, country, NULL, field)))
		rc = org_insert(c, id, NULL, name, kind, country, NULL, now);
	struct audit_entry e = {NULL, NULL, "create", "organisation", id, "cli", NULL, NULL};
	if (!rc)
		rc = audit_append(c, &e, now);
	return db_end(c, rc);
}
