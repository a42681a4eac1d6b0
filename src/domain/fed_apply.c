/* Federation, the receiving side: a pulled bundle checked (sender,
 * audience, expiry, replay, cursor) and applied in one transaction, each
 * record checked against its origin's signature and key, cleaned of
 * anything unknown, and written as a copy that only its origin changes. */
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/acl.h"
#include "domain/alert.h"
#include "domain/audit.h"
#include "domain/fed.h"
#include "domain/fed_types.h"
#include "domain/search.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- applying a bundle ---- */

static void refuse_log(const char *peer, const char *id, const char *why)
{
	fprintf(stderr,
		"{\"level\":\"warn\",\"msg\":\"federation record refused\",\"peer\":\"%s\","
		"\"id\":\"%.40s\",\"why\":\"%s\"}\n",
		peer, id && tr_uuid_valid(id) ? id : "?", why);
}

static int in_list(const char *v, const char *const *list)
{
	for (int i = 0; v && list[i]; i++)
		if (strcmp(v, list[i]) == 0)
			return 1;
	return 0;
}

static int str_ok(json_t *v, size_t max, int nullable)
{
	if (json_is_null(v) || !v)
		return nullable;
	return json_is_string(v) && json_string_length(v) <= max;
}

static int time_ok(json_t *v)
{
	int64_t ms;
	return !v || json_is_null(v) ||
	       (json_is_string(v) && tr_time_parse(json_string_value(v), &ms) == TR_OK);
}

/* Keeps the strings of arr that name a row of table (ids of reference data
 * the origin shares with us); others are dropped. */
static json_t *known_only(struct db_conn *c, json_t *arr, const char *sql, size_t max_len)
{
	json_t *out = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		struct db_stmt *s;
		if (i >= 50 || !json_is_string(v) || json_string_length(v) > max_len ||
		    db_prepare(c, sql, &s))
			continue;
		db_bind_text(s, 1, json_string_value(v));
		if (db_step(s) == DB_ROW)
			json_array_append(out, v);
		db_done(s);
	}
	return out;
}

/* What is wrong with an alert's location, tags or early-warning fields
 * from a peer, or NULL. */
static const char *alert_parts_bad(json_t *d)
{
	json_t *loc = json_object_get(d, "location");
	if (loc && !json_is_null(loc)) {
		json_t *lat = json_object_get(loc, "lat"), *lon = json_object_get(loc, "lon");
		json_t *prec = json_object_get(loc, "precision_m");
		if (!json_is_object(loc) || !json_is_number(lat) || !json_is_number(lon) ||
		    fabs(json_number_value(lat)) > 90 || fabs(json_number_value(lon)) > 180 ||
		    !str_ok(json_object_get(loc, "place_name"), 500, 1) ||
		    (prec && !json_is_null(prec) && !json_is_integer(prec)))
			return "bad location";
	}
	json_t *tags = json_object_get(d, "tags"), *ews = json_object_get(d, "ews");
	if ((tags && !json_is_array(tags)) || json_array_size(tags) > 50)
		return "bad tags";
	size_t i;
	json_t *v;
	json_array_foreach(tags, i, v) if (!str_ok(v, 100, 0)) return "bad tags";
	const char *k;
	if (ews && !json_is_object(ews) && !json_is_null(ews))
		return "bad ews";
	json_object_foreach(ews, k, v) if (!in_list(k, alert_ews_fields) ||
					   !str_ok(v, 20000, 1)) return "bad ews";
	return NULL;
}

/* A clean alert object from a peer's data (outside input), or NULL with
 * *why. Only known fields are kept; the distribution here is federation. */
json_t *fed_alert_clean(struct db_conn *c, json_t *d, const char *id, const char **why)
{
	static const char *const texts[] = {"summary", "body", "retraction_reason", "reliability",
					    NULL};
	static const char *const times[] = {"observed_from", "observed_to", "published_at",
					    "created_at",    "updated_at",  NULL};
	const char *status = json_string_value(json_object_get(d, "status"));
	const char *tlp = json_string_value(json_object_get(d, "tlp"));
	json_t *title = json_object_get(d, "title");
	if (!json_is_object(d))
		return *why = "no data", NULL;
	if (!str_ok(title, 500, 0) || json_string_length(title) == 0)
		return *why = "bad title", NULL;
	if (!in_list(json_string_value(json_object_get(d, "category")), alert_categories))
		return *why = "bad category", NULL;
	if (!status || (strcmp(status, "published") != 0 && strcmp(status, "retracted") != 0))
		return *why = "bad status", NULL;
	if (!in_list(tlp, acl_tlps) || strcmp(tlp, "red") == 0)
		return *why = "bad tlp", NULL;
	for (int i = 0; texts[i]; i++)
		if (!str_ok(json_object_get(d, texts[i]), 100000, 1))
			return *why = "bad text field", NULL;
	json_t *form = json_object_get(d, "drug_form");
	if (form && !json_is_null(form) && !in_list(json_string_value(form), alert_drug_forms))
		return *why = "bad drug form", NULL;
	const char *rel = json_string_value(json_object_get(d, "reliability"));
	if (rel && !in_list(rel, alert_reliabilities))
		return *why = "bad reliability", NULL;
	json_t *cred = json_object_get(d, "credibility");
	if (cred && !json_is_null(cred) &&
	    (!json_is_integer(cred) || json_integer_value(cred) < 1 ||
	     json_integer_value(cred) > 6))
		return *why = "bad credibility", NULL;
	for (int i = 0; times[i]; i++)
		if (!time_ok(json_object_get(d, times[i])))
			return *why = "bad time", NULL;
	const char *bad = alert_parts_bad(d);
	if (bad)
		return *why = bad, NULL;
	json_t *tags = json_object_get(d, "tags"), *ews = json_object_get(d, "ews");
	json_t *a = json_object();
	json_object_set_new(a, "id", json_string(id));
	json_object_set(a, "title", title);
	static const char *const copy[] = {"category",	  "status",	  "tlp",
					   "summary",	  "body",	  "retraction_reason",
					   "reliability", "credibility",  "observed_from",
					   "observed_to", "published_at", "created_at",
					   "updated_at",  "location",	  "drug_form",
					   NULL};
	for (int j = 0; copy[j]; j++) {
		json_t *x = json_object_get(d, copy[j]);
		json_object_set(a, copy[j], x ? x : json_null());
	}
	json_object_set_new(a, "distribution", json_string("federation"));
	json_object_set_new(a, "sharing_group_id", json_null());
	json_object_set_new(a, "tags", tags ? json_deep_copy(tags) : json_array());
	json_object_set_new(a, "ews", json_is_object(ews) ? json_deep_copy(ews) : json_object());
	json_object_set_new(a, "countries",
			    known_only(c, json_object_get(d, "countries"),
				       "SELECT 1 FROM countries WHERE iso2 = ?", 2));
	json_object_set_new(a, "substances",
			    known_only(c, json_object_get(d, "substances"),
				       "SELECT 1 FROM substances WHERE id = ?", 36));
	return a;
}

/* The remote organisation of a record: made on first sight, marked with
 * its node. A local organisation, or one of another node, is refused. */
/* An organisation made from a group's list (listed_by set) taken over by
 * a record its node signed: that node's, as the record describes it. */
static int org_unlist(struct db_conn *c, const char *id, json_t *org, const char *origin)
{
	const char *country = json_string_value(json_object_get(org, "country"));
	return db_run_vals(
	    c,
	    "UPDATE organisations SET origin_node = ?, name = ?, kind = ?, country = (SELECT iso2"
	    " FROM countries WHERE iso2 = ?), listed_by = NULL, updated_at = ? WHERE id = ?",
	    DB_VALS(DB_TEXT(origin), DB_TEXT(json_string_value(json_object_get(org, "name"))),
		    DB_TEXT(json_string_value(json_object_get(org, "kind"))),
		    DB_TEXT(country ? country : ""), DB_INT(tr_now_ms()), DB_TEXT(id)));
}

/* listed_by: the peer whose group lists the organisation, NULL when a
 * record its node signed names it. */
static int org_ensure(struct db_conn *c, json_t *org, const char *origin, const char *listed_by,
		      const char **why)
{
	const char *id = json_string_value(json_object_get(org, "id"));
	json_t *name = json_object_get(org, "name"), *kind = json_object_get(org, "kind");
	const char *country = json_string_value(json_object_get(org, "country"));
	if (!tr_uuid_valid(id) || !str_ok(name, 300, 0) || !str_ok(kind, 60, 0))
		return *why = "bad organisation", 1;
	struct db_stmt *s;
	int rc = db_prepare(
	    c, "SELECT origin_node, name, listed_by FROM organisations WHERE id = ?", &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, id);
	rc = db_step(s);
	int exists = rc == DB_ROW, local = exists && db_col_is_null(s, 0);
	int listed = exists && !local && !db_col_is_null(s, 2);
	int other = exists && !local && strcmp(db_col_text(s, 0), origin) != 0;
	int renamed =
	    exists && !local && !other && strcmp(db_col_text(s, 1), json_string_value(name)) != 0;
	db_done(s);
	if (rc != DB_ROW && rc != DB_DONE)
		return TR_ERR_DB;
	if (listed)
		return listed_by ? TR_OK : org_unlist(c, id, org, origin);
	if (local || other)
		return *why = "claims an organisation that is not of its origin node", 1;
	if (exists && !renamed)
		return TR_OK;
	const char *nm = json_string_value(name);
	int64_t now = tr_now_ms();
	if (renamed)
		rc = db_prepare_vals(
		    c, "UPDATE organisations SET name = ?, updated_at = ? WHERE id = ?",
		    DB_VALS(DB_TEXT(nm), DB_INT(now), DB_TEXT(id)), &s);
	else
		rc = db_prepare_vals(
		    c,
		    "INSERT INTO organisations (name, updated_at, id, kind, country,"
		    " created_at, origin_node, listed_by) VALUES (?, ?, ?, ?, (SELECT"
		    " iso2 FROM countries WHERE iso2 = ?), ?, ?, ?)",
		    DB_VALS(DB_TEXT(nm), DB_INT(now), DB_TEXT(id), DB_TEXT(json_string_value(kind)),
			    DB_TEXT(country ? country : ""), DB_INT(now), DB_TEXT(origin),
			    DB_TEXT(listed_by)),
		    &s);
	return rc ? rc : db_step_done(s);
}

int fed_org_ensure(struct db_conn *c, json_t *org, const char *origin, const char **why)
{
	return org_ensure(c, org, origin, NULL, why);
}

/* The copy here of a record of type t: its origin, organisation and
 * version. */
static int copy_find(struct db_conn *c, const struct fed_type *t, const char *id, char origin[37],
		     char org[37], int64_t *version, int *local)
{
	char sql[512];
	snprintf(sql, sizeof(sql),
		 "SELECT %s.origin_node, %s.org_id, %s FROM %s %s " DB_ACL_EXEMPT "%s WHERE %s = ?",
		 t->alias, t->alias, t->version, t->table, t->alias, t->joins, t->key);
	struct db_stmt *s;
	int rc = db_prepare(c, sql, &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, id);
	rc = db_step(s);
	if (rc == DB_ROW) {
		*local = db_col_is_null(s, 0);
		snprintf(origin, 37, "%s", *local ? "" : db_col_text(s, 0));
		snprintf(org, 37, "%s", db_col_text(s, 1));
		*version = db_col_int64(s, 2);
	}
	db_done(s);
	return rc == DB_ROW ? TR_OK : rc == DB_DONE ? TR_ERR_NOT_FOUND : TR_ERR_DB;
}

/* Whether the parent a child names is here (a record of this node or a
 * copy): 1, 0, or -tr_err. */
static int parent_here(struct db_conn *c, const struct fed_type *t, json_t *data)
{
	const struct fed_type *pt = fed_type_find(t->parent);
	const char *pid = json_string_value(json_object_get(data, t->parent_col + 2));
	if (!pt || !tr_uuid_valid(pid))
		return 0;
	char sql[256];
	snprintf(sql, sizeof(sql), "SELECT 1 FROM %s " DB_ACL_EXEMPT " WHERE id = ?", pt->table);
	struct db_stmt *s;
	if (db_prepare(c, sql, &s))
		return -TR_ERR_DB;
	db_bind_text(s, 1, pid);
	int rc = db_step(s);
	db_done(s);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -TR_ERR_DB;
}

/* A member's record in a group of another organisation (a comment on the
 * group's alert): the group as known here, unchanged, and the record's
 * organisation one of its members. */
static int group_member_here(struct db_conn *c, const char *id, const char *owner, const char **why)
{
	int rc = db_find_vals(c,
			      "SELECT 1 FROM sharing_group_members WHERE group_id = ?"
			      " AND org_id = ?",
			      DB_VALS(DB_TEXT(id), DB_TEXT(owner)));
	if (rc == TR_ERR_NOT_FOUND)
		return (*why = "not a member of its sharing group here", 1);
	return rc;
}

/* A member organisation of another node, new here: made a remote
 * organisation of its node, as the group's origin (from) describes it and
 * marked as listed by the group's origin node, so that the group lists it
 * (its node is named by the bundle's "nodes") and a record its node signs
 * later corrects it.
 * One known here already is left as it is; a bad one is left out. */
static int member_org_ensure(struct db_conn *c, json_t *m, const char *node, const char *origin)
{
	const char *why = NULL;
	if (!tr_uuid_valid(node))
		return TR_OK;
	int rc = db_exists(c, "SELECT 1 FROM organisations WHERE id = ?",
			   json_string_value(json_object_get(m, "id")));
	if (rc)
		return rc > 0 ? TR_OK : TR_ERR_DB;
	rc = org_ensure(c, m, node, origin ? origin : "", &why);
	return rc == 1 ? TR_OK : rc;
}

/* The group's members as its origin lists them: this node's own
 * organisations it names, and remote ones of their node. */
static int group_members_put(struct db_conn *c, const struct fed_node *me, const char *id,
			     json_t *members, const char *origin, int64_t now)
{
	struct db_stmt *s;
	int rc = db_prepare_vals(c, "DELETE FROM sharing_group_members WHERE group_id = ?",
				 DB_VALS(DB_TEXT(id)), &s);
	if (!rc)
		rc = db_step_done(s);
	size_t i;
	json_t *m;
	json_array_foreach(members, i, m)
	{
		const char *org = json_string_value(json_object_get(m, "id"));
		const char *node = json_string_value(json_object_get(m, "node"));
		if (rc || !org || !node)
			break;
		int here = strcmp(node, me->node_id) == 0;
		if (!here && (rc = member_org_ensure(c, m, node, origin)))
			break;
		if ((rc = db_prepare_vals(
			 c,
			 here ? "INSERT INTO sharing_group_members (group_id, org_id,"
				" added_at) SELECT ?, id, ? FROM organisations WHERE id = ?"
				" AND origin_node IS NULL AND ? <> ''"
			      : "INSERT INTO sharing_group_members (group_id, org_id,"
				" added_at) SELECT ?, id, ? FROM organisations WHERE id = ?"
				" AND origin_node = ?",
			 DB_VALS(DB_TEXT(id), DB_INT(now), DB_TEXT(org), DB_TEXT(node)), &s)))
			break;
		rc = db_step_done(s);
	}
	return rc;
}

/* A sharing group of another node, as its records need it here: owned by
 * the record's (remote) organisation, with the members known here (this
 * node's own organisations it names, and remote ones of their node). A
 * group id of this node is refused. 1 with *why when refused. */
static int group_ensure(struct db_conn *c, const struct fed_node *me, json_t *g, const char *owner,
			const char *origin, const char **why)
{
	const char *id = json_string_value(json_object_get(g, "id"));
	const char *gowner = json_string_value(json_object_get(g, "owner"));
	json_t *name = json_object_get(g, "name");
	if (!tr_uuid_valid(id) || !str_ok(name, 300, 0) ||
	    !json_is_array(json_object_get(g, "members")))
		return *why = "bad sharing group", 1;
	struct db_stmt *s;
	int rc;
	if (gowner && strcmp(gowner, owner) != 0)
		return group_member_here(c, id, owner, why);
	if ((rc = db_prepare(c, "SELECT owner_org_id FROM sharing_groups WHERE id = ?", &s)))
		return rc;
	db_bind_text(s, 1, id);
	rc = db_step(s);
	int other = rc == DB_ROW && strcmp(db_col_text(s, 0), owner) != 0;
	int exists = rc == DB_ROW;
	db_done(s);
	if (other)
		return *why = "claims a sharing group that is not of its origin", 1;
	int64_t now = tr_now_ms();
	rc = db_prepare(c,
			exists ? "UPDATE sharing_groups SET name = ?, updated_at = ? WHERE id = ?"
			       : "INSERT INTO sharing_groups (name, updated_at, id, owner_org_id,"
				 " created_at) VALUES (?, ?, ?, ?, ?)",
			&s);
	if (rc)
		return rc;
	db_bind_text(s, 1, json_string_value(name));
	db_bind_int64(s, 2, now);
	db_bind_text(s, 3, id);
	if (!exists) {
		db_bind_text(s, 4, owner);
		db_bind_int64(s, 5, now);
	}
	rc = db_step_done(s);
	return rc ? rc : group_members_put(c, me, id, json_object_get(g, "members"), origin, now);
}

/* The sharing group of a clean record a of type t: a record of a sharing
 * group comes with it (group_ensure) and names it here; any other names
 * none (the distribution its data says, federation or sharing_group, must
 * agree). A type without groups takes none. 0, 1 with *why when refused,
 * or a tr_err. */
static int group_take(struct db_conn *c, const struct fed_node *me, const struct fed_type *t,
		      json_t *r, json_t *a, const char *org_id, const char **why)
{
	json_t *g = json_object_get(r, "group");
	if (!(t->flags & FT_GROUP))
		return TR_OK;
	const char *dist = json_string_value(json_object_get(a, "distribution"));
	int grouped = json_is_object(g);
	if (!t->clean && (!dist || (strcmp(dist, "sharing_group") == 0) != grouped))
		return *why = "bad sharing group", 1;
	if (grouped) {
		int rc = group_ensure(c, me, g, org_id,
				      json_string_value(json_object_get(r, "origin_node")), why);
		if (rc)
			return rc;
	}
	json_object_set_new(a, "distribution",
			    json_string(grouped ? "sharing_group" : "federation"));
	json_object_set(a, "sharing_group_id", grouped ? json_object_get(g, "id") : json_null());
	return TR_OK;
}

enum { APPLIED, UNCHANGED, REFUSED };

/* One record: APPLIED, UNCHANGED or REFUSED (with *why), or -tr_err. */
static int record_apply(struct db_conn *c, const struct fed_node *me, const struct fed_peer *from,
			json_t *r, const char **why)
{
	const struct fed_type *t = fed_type_find(json_string_value(json_object_get(r, "type")));
	const char *op = json_string_value(json_object_get(r, "op"));
	const char *id = json_string_value(json_object_get(r, "id"));
	const char *origin = json_string_value(json_object_get(r, "origin_node"));
	json_t *org = json_object_get(r, "org"), *ver = json_object_get(r, "version");
	if (!t)
		return *why = "unknown record type", REFUSED;
	if (!op || (strcmp(op, "upsert") && strcmp(op, "retract") && strcmp(op, "tombstone")))
		return *why = "unknown op", REFUSED;
	if (!fed_type_id_ok(t, id) || !tr_uuid_valid(origin) || !json_is_integer(ver) ||
	    json_integer_value(ver) < 1 || !json_is_object(org))
		return *why = "malformed record", REFUSED;
	if (strcmp(origin, me->node_id) == 0)
		return *why = "claims a record of this node", REFUSED;
	const char *org_id = json_string_value(json_object_get(org, "id"));
	char have_origin[37] = "", have_org[37] = "";
	int64_t have_version = 0, version = json_integer_value(ver);
	int local = 0;
	int rc = copy_find(c, t, id, have_origin, have_org, &have_version, &local);
	int exists = rc == TR_OK;
	if (rc && rc != TR_ERR_NOT_FOUND)
		return -rc;
	if (exists && local)
		return *why = "claims a record of this node", REFUSED;
	if (exists && strcmp(have_origin, origin) != 0)
		return *why = "claimed by a node that is not its origin", REFUSED;
	if (exists && (!org_id || strcmp(have_org, org_id) != 0))
		return *why = "claims another organisation for the record", REFUSED;
	struct alert_fed_origin o = {org_id, json_string_value(json_object_get(org, "country")),
				     origin, from->node_id, version};
	if (strcmp(op, "tombstone") == 0) {
		if (!exists || have_version > version)
			return UNCHANGED;
		return (rc = fed_type_withdraw(t, c, id, &o)) ? -rc : APPLIED;
	}
	if (exists && have_version >= version)
		return UNCHANGED; /* same version: a no-op, never a new version */
	json_t *data = json_object_get(r, "data");
	if (t->parent) {
		/* a child goes with its parent; one whose parent is not here
		 * (not passed along, withdrawn) is left out */
		int here = parent_here(c, t, data);
		if (here <= 0)
			return here < 0 ? here : UNCHANGED;
		if (!(t->flags & FT_ID)) { /* its key is the parent's and the organisation's */
			char key[80];
			snprintf(key, sizeof(key), "%s:%s",
				 json_string_value(json_object_get(data, t->parent_col + 2)),
				 org_id ? org_id : "");
			if (strcmp(key, id) != 0)
				return *why = "malformed record", REFUSED;
		}
	}
	if ((rc = org_ensure(c, org, origin, NULL, why)))
		return rc == 1 ? REFUSED : -rc;
	json_t *a = fed_type_clean(t, c, data, id, why);
	if (!a)
		return REFUSED;
	if ((rc = group_take(c, me, t, r, a, org_id, why))) {
		json_decref(a);
		return rc == 1 ? REFUSED : -rc;
	}
	rc = fed_type_put(t, c, &o, a, id, !exists);
	json_decref(a);
	if (!rc && t->extra_put)
		rc = t->extra_put(c, origin, data, id);
	return rc ? -rc : APPLIED;
}

/* The key held here for the origin node: the sender's, a peer's or one
 * pinned before. Else the key the record offers (pk_hex) is the one to try,
 * and *offered says it is to be pinned once the record proves good. 1 when
 * there is none, -tr_err on a database failure. */
static int origin_key(struct db_conn *c, const struct fed_peer *from, const char *origin,
		      const char *pk_hex, unsigned char pk[32], int *offered)
{
	static const char *const sql[] = {"SELECT public_key FROM fed_peers WHERE node_id = ?",
					  "SELECT public_key FROM fed_nodes WHERE node_id = ?"};
	*offered = 0;
	if (strcmp(origin, from->node_id) == 0) {
		memcpy(pk, from->pk, 32);
		return 0;
	}
	for (int i = 0; i < 2; i++) {
		struct db_stmt *s;
		if (db_prepare(c, sql[i], &s))
			return -TR_ERR_DB;
		db_bind_text(s, 1, origin);
		int found = db_step(s) == DB_ROW && fed_hex32(db_col_text(s, 0), pk) == 0;
		db_done(s);
		if (found)
			return 0;
	}
	if (fed_hex32(pk_hex, pk))
		return 1;
	*offered = 1;
	return 0;
}

/* Keeps (text, sig NULL: forgets) the origin's signed text of a copy. */
static int signed_put(struct db_conn *c, const char *type, const char *id, const char *text,
		      const char *sig)
{
	struct db_stmt *s;
	int rc = db_prepare(c,
			    text ? "INSERT INTO fed_signed (record_type, record_id, body, sig)"
				   " VALUES (?, ?, ?, ?) ON CONFLICT (record_type, record_id) DO"
				   " UPDATE SET body = excluded.body, sig = excluded.sig"
				 : "DELETE FROM fed_signed WHERE record_type = ? AND record_id = ?",
			    &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, type);
	db_bind_text(s, 2, id);
	if (text) {
		db_bind_text(s, 3, text);
		db_bind_text(s, 4, sig);
	}
	return db_step_done(s);
}

/* An unsigned record: only a tombstone, and only from the node the copy
 * here was received from (it withdraws what it passed along). */
static int unsigned_apply(struct db_conn *c, const struct fed_node *me, const struct fed_peer *from,
			  json_t *w, const char **why)
{
	const char *op = json_string_value(json_object_get(w, "op"));
	const char *id = json_string_value(json_object_get(w, "id"));
	if (!op || strcmp(op, "tombstone") != 0 || !id)
		return *why = "record not signed by its origin", REFUSED;
	const struct fed_type *t = fed_type_find(json_string_value(json_object_get(w, "type")));
	if (!t || !fed_type_id_ok(t, id))
		return *why = "record not signed by its origin", REFUSED;
	char sql[512];
	snprintf(sql, sizeof(sql),
		 "SELECT %s.received_from FROM %s %s " DB_ACL_EXEMPT " WHERE %s = ?", t->alias,
		 t->table, t->alias, t->key);
	struct db_stmt *s;
	int rc = db_prepare(c, sql, &s);
	if (rc)
		return -rc;
	db_bind_text(s, 1, id);
	int via = db_step(s) == DB_ROW && db_col_text(s, 0) &&
		  strcmp(db_col_text(s, 0), from->node_id) == 0;
	db_done(s);
	if (!via)
		return *why = "record not signed by its origin", REFUSED;
	int res = record_apply(c, me, from, w, why);
	if (res == APPLIED && (rc = signed_put(c, t->name, id, NULL, NULL)))
		return -rc;
	return res;
}

/* One record as it travels: {"signed": {"text", "sig"[, "pk"]}} checked
 * against its origin's key, then applied from that text (r, as parsed by
 * fed_bundle_parse), which is kept to be passed along; or an unsigned
 * tombstone. id gets the record's id for the log. APPLIED, UNCHANGED,
 * REFUSED (with *why) or -tr_err. */
static int wire_apply(struct db_conn *c, const struct fed_node *me, const struct fed_peer *from,
		      json_t *w, json_t *r, char id[80], const char **why)
{
	json_t *sg = json_object_get(w, "signed");
	if (!json_is_object(sg)) {
		const char *wid = json_string_value(json_object_get(w, "id"));
		snprintf(id, 80, "%s", wid ? wid : "");
		return unsigned_apply(c, me, from, w, why);
	}
	const char *text = json_string_value(json_object_get(sg, "text"));
	const char *sig_hex = json_string_value(json_object_get(sg, "sig"));
	const char *pk_hex = json_string_value(json_object_get(sg, "pk"));
	const char *origin = json_string_value(json_object_get(r, "origin_node"));
	const char *rid = json_string_value(json_object_get(r, "id"));
	snprintf(id, 80, "%s", rid ? rid : "");
	unsigned char pk[32], sig[crypto_sign_BYTES];
	size_t n = 0;
	int offered = 0, res;
	if (!json_is_object(r) || !sig_hex || !tr_uuid_valid(origin)) {
		*why = "malformed record";
		res = REFUSED;
	} else if (strcmp(origin, me->node_id) == 0) {
		*why = "claims a record of this node";
		res = REFUSED;
	} else if ((res = origin_key(c, from, origin, pk_hex, pk, &offered)) != 0) {
		*why = "the key of its origin is unknown";
		res = res < 0 ? res : REFUSED;
	} else if (sodium_hex2bin(sig, sizeof(sig), sig_hex, strlen(sig_hex), NULL, &n, NULL) ||
		   n != sizeof(sig) ||
		   /* the sender's own record: the bundle's signature, checked
		    * with the same key, already covers its text; its signature
		    * is kept for the next node, which checks it */
		   (strcmp(origin, from->node_id) != 0 &&
		    crypto_sign_verify_detached(sig, (const unsigned char *)text, strlen(text),
						pk) != 0)) {
		*why = "not signed by its origin";
		res = REFUSED;
	} else {
		res = record_apply(c, me, from, r, why);
		int rc = TR_OK;
		if (res == APPLIED && offered)
			rc = fed_node_pin(c, origin, pk_hex, from->node_id);
		if (res == APPLIED && !rc)
			rc = signed_put(c, json_string_value(json_object_get(r, "type")), id, text,
					sig_hex);
		if (rc)
			res = -rc;
	}
	return res;
}

/* The bundle's envelope: sender, audience, expiry, cursor continuity. */
static int envelope_check(json_t *b, const struct fed_node *me, const struct fed_peer *from,
			  int64_t now, char *err, size_t errlen)
{
	const char *bid = json_string_value(json_object_get(b, "id"));
	const char *sender = json_string_value(json_object_get(b, "from"));
	const char *aud = json_string_value(json_object_get(b, "audience"));
	json_t *exp = json_object_get(b, "expires_at"), *after = json_object_get(b, "after");
	json_t *cur = json_object_get(b, "cursor");
	if (!tr_uuid_valid(bid) || !sender || !aud || !json_is_integer(exp) ||
	    !json_is_integer(after) || !json_is_integer(cur) ||
	    !json_is_array(json_object_get(b, "records")))
		return snprintf(err, errlen, "malformed bundle"), TR_ERR_INVALID;
	if (strcmp(sender, from->node_id) != 0)
		return snprintf(err, errlen, "bundle from another node"), TR_ERR_INVALID;
	if (strcmp(aud, me->node_id) != 0)
		return snprintf(err, errlen, "bundle for another audience"), TR_ERR_INVALID;
	if (json_integer_value(exp) < now ||
	    json_integer_value(exp) > now + FED_BUNDLE_TTL_MS + FED_REQUEST_SKEW_MS)
		return snprintf(err, errlen, "bundle expired"), TR_ERR_INVALID;
	if (json_integer_value(after) != from->pull_cursor ||
	    json_integer_value(cur) < json_integer_value(after))
		return snprintf(err, errlen, "bundle out of order"), TR_ERR_INVALID;
	return TR_OK;
}

/* Remembers the bundle id; TR_ERR_CONFLICT when it was seen already. */
static int bundle_seen(struct db_conn *c, const char *bid, const char *peer, int64_t expires,
		       int64_t now)
{
	struct db_stmt *s;
	int rc = db_prepare(c, "DELETE FROM fed_bundles_seen WHERE expires_at < ?", &s);
	if (rc)
		return rc;
	db_bind_int64(s, 1, now - FED_REQUEST_SKEW_MS);
	db_step(s);
	db_done(s);
	if ((rc = db_prepare(c, "SELECT 1 FROM fed_bundles_seen WHERE id = ?", &s)))
		return rc;
	db_bind_text(s, 1, bid);
	rc = db_step(s);
	db_done(s);
	if (rc == DB_ROW)
		return TR_ERR_CONFLICT;
	if ((rc = db_prepare_vals(
		 c, "INSERT INTO fed_bundles_seen (id, peer, expires_at) VALUES (?, ?, ?)",
		 DB_VALS(DB_TEXT(bid), DB_TEXT(peer), DB_INT(expires)), &s)))
		return rc;
	return db_step_done(s);
}

static int cursor_save(struct db_conn *c, const char *peer, int64_t cursor, int changed,
		       int64_t now)
{
	return db_write_vals(
	    c,
	    "UPDATE fed_peers SET pull_cursor = ?, last_change_at = CASE WHEN ? = 1"
	    " THEN ? ELSE last_change_at END, last_attempt_at = ?, last_success_at = ?"
	    " WHERE node_id = ?",
	    DB_VALS(DB_INT(cursor), DB_INT(changed ? 1 : 0), DB_INT(now), DB_INT(now), DB_INT(now),
		    DB_TEXT(peer)));
}

/* A bundle's pages fit in SQLite's page cache while it is applied (else
 * it spills them to the log mid-transaction and reads them back); after
 * it, the cache shrinks back to the default. At most FED_APPLY_CACHE_KIB
 * more memory while a bundle is applied. */
#define FED_APPLY_CACHE_KIB 65536
static void bundle_cache(struct db_conn *c, int big)
{
	if (db_conn_engine(c) != DB_SQLITE)
		return;
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA cache_size = %d", big ? -FED_APPLY_CACHE_KIB : -2000);
	db_exec(c, sql);
}

struct fed_bundle {
	json_t *b;
	json_t **recs; /* each record's signed text, parsed (NULL: none) */
	size_t n;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES]; /* the key that verified it */
};

void fed_bundle_free(struct fed_bundle *fb)
{
	if (!fb)
		return;
	for (size_t i = 0; i < fb->n; i++)
		json_decref(fb->recs[i]);
	free(fb->recs);
	json_decref(fb->b);
	free(fb);
}

int fed_bundle_parse(const struct fed_peer *from, const char *payload, const char *sig_hex,
		     struct fed_bundle **out, char *err, size_t errlen)
{
	unsigned char sig[crypto_sign_BYTES];
	size_t n = 0;
	*out = NULL;
	if (!payload || !sig_hex ||
	    sodium_hex2bin(sig, sizeof(sig), sig_hex, strlen(sig_hex), NULL, &n, NULL) ||
	    n != sizeof(sig) ||
	    crypto_sign_verify_detached(sig, (const unsigned char *)payload, strlen(payload),
					from->pk) != 0)
		return snprintf(err, errlen, "bad bundle signature"), TR_ERR_UNAUTH;
	struct fed_bundle *fb = calloc(1, sizeof(*fb));
	if (!fb)
		return TR_ERR_NOMEM;
	memcpy(fb->pk, from->pk, sizeof(fb->pk));
	fb->b = json_loads(payload, JSON_REJECT_DUPLICATES, NULL);
	json_t *records = json_object_get(fb->b, "records");
	if (!json_is_object(fb->b)) {
		fed_bundle_free(fb);
		return snprintf(err, errlen, "malformed bundle"), TR_ERR_INVALID;
	}
	size_t i;
	json_t *w;
	if (json_array_size(records) &&
	    !(fb->recs = calloc(json_array_size(records), sizeof(*fb->recs)))) {
		fed_bundle_free(fb);
		return TR_ERR_NOMEM;
	}
	fb->n = json_array_size(records);
	json_array_foreach(records, i, w)
	{
		const char *text =
		    json_string_value(json_object_get(json_object_get(w, "signed"), "text"));
		fb->recs[i] = text ? json_loads(text, JSON_REJECT_DUPLICATES, NULL) : NULL;
	}
	*out = fb;
	return TR_OK;
}

int fed_bundle_apply(struct db_conn *c, const struct fed_node *me, const struct fed_peer *from,
		     const char *payload, const char *sig_hex, int64_t now,
		     struct fed_apply_report *rep, char *err, size_t errlen)
{
	struct fed_bundle *fb = NULL;
	memset(rep, 0, sizeof(*rep));
	int rc = fed_bundle_parse(from, payload, sig_hex, &fb, err, errlen);
	if (!rc)
		rc = fed_bundle_apply_parsed(c, me, from, fb, now, rep, err, errlen);
	fed_bundle_free(fb);
	return rc;
}

/* The records of a bundle in the open transaction; TR_OK or an error with
 * err. */
static int records_apply(struct db_conn *c, const struct fed_node *me, const struct fed_peer *from,
			 const struct fed_bundle *fb, int64_t now, struct fed_apply_report *rep,
			 char *err, size_t errlen)
{
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(fb->b, "records"), i, r)
	{
		const char *why = NULL;
		char rid[80];
		int rc, res = wire_apply(c, me, from, r, i < fb->n ? fb->recs[i] : NULL, rid, &why);
		if (res < 0) {
			snprintf(err, errlen, "database: %s", db_errmsg(c));
			return -res;
		} else if (res == REFUSED) {
			rep->refused++;
			refuse_log(from->node_id, rid, why);
			snprintf(err, errlen, "record refused: %s", why);
			if ((rc = fed_refusal_audit(c, from, rid, why, rep->refused, now))) {
				snprintf(err, errlen, "database: %s", db_errmsg(c));
				return rc;
			}
		} else {
			res == APPLIED ? rep->applied++ : rep->unchanged++;
		}
	}
	return TR_OK;
}

int fed_bundle_apply_parsed(struct db_conn *c, const struct fed_node *me,
			    const struct fed_peer *from, const struct fed_bundle *fb, int64_t now,
			    struct fed_apply_report *rep, char *err, size_t errlen)
{
	memset(rep, 0, sizeof(*rep));
	if (memcmp(fb->pk, from->pk, sizeof(fb->pk)) != 0)
		return snprintf(err, errlen, "bad bundle signature"), TR_ERR_UNAUTH;
	json_t *b = fb->b;
	int rc = envelope_check(b, me, from, now, err, errlen);
	if (!rc && (rc = db_begin(c)) == TR_OK) {
		bundle_cache(c, 1);
		search_index_hold(c);
		rc = bundle_seen(c, json_string_value(json_object_get(b, "id")), from->node_id,
				 json_integer_value(json_object_get(b, "expires_at")), now);
		if (rc == TR_ERR_CONFLICT)
			snprintf(err, errlen, "bundle replayed");
		else if (rc)
			snprintf(err, errlen, "database: %s", db_errmsg(c));
		if (!rc)
			rc = records_apply(c, me, from, fb, now, rep, err, errlen);
		if (!rc && (rc = fed_node_names_learn(c, from, json_object_get(b, "nodes"))))
			snprintf(err, errlen, "database: %s", db_errmsg(c));
		rep->cursor = json_integer_value(json_object_get(b, "cursor"));
		rep->more = json_is_true(json_object_get(b, "more"));
		int frc = search_index_flush(c, !rc);
		if (!rc && (rc = frc))
			snprintf(err, errlen, "database: %s", db_errmsg(c));
		if (!rc)
			rc = cursor_save(c, from->node_id, rep->cursor, rep->applied > 0, now);
		if (rc || (rc = db_commit(c)))
			db_rollback(c);
		bundle_cache(c, 0);
	}
	return rc;
}

/* One name from from: a pinned node's, or else, for a node with no key
 * here and not a peer, its label; each when it has none yet or when from
 * gave the one it has. */
static int node_name_take(struct db_conn *c, const struct fed_peer *from, const char *node,
			  const char *name)
{
	static const char *const sql[] = {
	    "UPDATE fed_nodes SET name = ? WHERE node_id = ? AND (name IS NULL OR via = ?)",
	    "INSERT INTO fed_node_labels (name, node_id, via) SELECT ?, ?, ? WHERE NOT EXISTS"
	    " (SELECT 1 FROM fed_nodes WHERE node_id = ?) AND NOT EXISTS (SELECT 1 FROM"
	    " fed_peers WHERE node_id = ?) ON CONFLICT (node_id) DO UPDATE SET name ="
	    " excluded.name WHERE fed_node_labels.via = excluded.via"};
	const struct db_val v[] = {DB_TEXT(name), DB_TEXT(node), DB_TEXT(from->node_id),
				   DB_TEXT(node), DB_TEXT(node)};
	for (int i = 0; i < 2; i++) {
		struct db_stmt *s;
		int rc = db_prepare_vals(c, sql[i], v, i ? 5 : 3, &s);
		if (rc)
			return rc;
		rc = db_step_done(s);
		if (rc)
			return rc;
	}
	return TR_OK;
}

int fed_node_names_learn(struct db_conn *c, const struct fed_peer *from, json_t *names)
{
	const char *node;
	json_t *v;
	size_t n = 0;
	json_object_foreach(names, node, v)
	{
		const char *name = json_string_value(v);
		size_t len = name ? strlen(name) : 0;
		int ok = tr_uuid_valid(node) && len > 0 && len <= FED_NODE_NAME_MAX;
		for (size_t i = 0; ok && i < len; i++)
			ok = (unsigned char)name[i] >= 0x20 && name[i] != 0x7f;
		if (!ok)
			continue; /* a name is a label: a bad one is left out, not the bundle */
		if (++n > FED_NODE_NAMES_MAX)
			break;
		int rc = node_name_take(c, from, node, name);
		if (rc)
			return rc;
	}
	return TR_OK;
}

int fed_refusal_audit(struct db_conn *c, const struct fed_peer *from, const char *rid,
		      const char *why, int nth, int64_t now)
{
	if (nth > FED_REFUSALS_AUDITED)
		return TR_OK; /* the log line has them all */
	/* the record's id only when it is one (it comes from the peer) */
	json_t *d =
	    json_pack("{s:s, s:s, s:s}", "peer", from->name, "node", from->node_id, "reason", why);
	if (!d)
		return TR_ERR_NOMEM;
	if (rid && (tr_uuid_valid(rid) ||
		    (strlen(rid) == 73 && rid[36] == ':' && tr_uuid_valid(rid + 37))))
		json_object_set_new(d, "record_id", json_string(rid));
	char *detail = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(d);
	if (!detail)
		return TR_ERR_NOMEM;
	struct audit_entry e = {NULL,	       NULL, "fed_refused", "peer",
				from->node_id, NULL, NULL,	    detail};
	int rc = audit_append(c, &e, now);
	free(detail);
	return rc;
}
