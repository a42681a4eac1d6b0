#include "domain/shrec.h"
#include "domain/row.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/audit.h"
#include "domain/group.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void select_start(const struct shrec *t, struct query *q)
{
	char tail[200];
	snprintf(tail, sizeof(tail), " FROM %s r WHERE 1 = 1", t->table);
	activity_rec_query(q, "r", t->cols, t->ncols, tail);
}

/* One record of t, its columns as t lists them (ctx: t). */
static json_t *shrec_row(struct db_stmt *s, void *ctx)
{
	const struct shrec *t = ctx;
	return activity_rec_json(s, t->cols, t->ncols);
}

int shrec_read(const struct shrec *t, struct db_conn *c, const struct caller *who, const char *id,
	       json_t **out)
{
	struct query q;
	*out = NULL;
	select_start(t, &q);
	query_text(&q, " AND r.id = ?", id);
	acl_visible(&q, who, "r");
	return row_query_one_ctx(&q, c, shrec_row, (void *)t, out);
}

int shrec_get(const struct shrec *t, struct db_conn *c, const struct caller *who, const char *id,
	      json_t **out)
{
	int rc = shrec_read(t, c, who, id, out);
	if (!rc && t->decorate)
		rc = t->decorate(c, who, *out, 1);
	if (rc && *out) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

static void filters_add(struct query *q, const struct shrec_eq *eq, size_t n)
{
	char part[128];
	for (size_t i = 0; i < n; i++)
		if (eq[i].value) {
			snprintf(part, sizeof(part), " AND r.%s = ?", eq[i].col);
			query_text(q, part, eq[i].value);
		}
}

/* A row of t's columns, for row_list_ctx. */
static json_t *rec_json(struct db_stmt *s, void *t)
{
	const struct shrec *sh = t;
	return activity_rec_json(s, sh->cols, sh->ncols);
}

int shrec_list(const struct shrec *t, struct db_conn *c, const struct caller *who,
	       const struct shrec_eq *eq, size_t n, void (*extra)(struct query *q, void *ctx),
	       void *ctx, const char *after, int limit, json_t *items, char **next_key)
{
	*next_key = NULL;
	struct query q;
	select_start(t, &q);
	acl_visible(&q, who, "r");
	filters_add(&q, eq, n);
	if (extra)
		extra(&q, ctx);
	row_keyset(&q, "r", after, limit);
	int rc = row_list_ctx(&q, c, limit, rec_json, (void *)t, "updated_at", items, next_key);
	if (rc)
		return rc;
	size_t i;
	json_t *row;
	json_array_foreach(items, i, row) if (!rc && t->decorate) rc = t->decorate(c, who, row, 0);
	return rc;
}

int shrec_all(const struct shrec *t, struct db_conn *c, const struct caller *who,
	      const struct shrec_eq *eq, size_t n, json_t *items)
{
	struct query q;
	select_start(t, &q);
	acl_visible(&q, who, "r");
	filters_add(&q, eq, n);
	query_sql(&q, " ORDER BY r.id");
	struct db_stmt *s;
	int rc = query_take(&q, c, &s);
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(items, activity_rec_json(s, t->cols, t->ncols));
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

int shrec_exists(struct db_conn *c, const char *sql, const char *v)
{
	return db_exists(c, sql, v);
}

static size_t chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

int shrec_texts_valid(json_t *v, size_t max)
{
	const char *k;
	json_t *x;
	if (!json_is_object(v) || json_object_size(v) == 0 || json_object_size(v) > 20)
		return 0;
	json_object_foreach(v, k, x)
	{
		if (strlen(k) != 2 || k[0] < 'a' || k[0] > 'z' || k[1] < 'a' || k[1] > 'z')
			return 0;
		if (!json_is_string(x) || json_string_length(x) == 0 ||
		    chars(json_string_value(x)) > max)
			return 0;
	}
	return 1;
}

static struct acl_share share_of(json_t *p)
{
	return (struct acl_share){json_string_value(json_object_get(p, "distribution")),
				  json_string_value(json_object_get(p, "tlp")),
				  json_string_value(json_object_get(p, "sharing_group_id"))};
}

/* The rules of sharing every table has: a distribution, a TLP (red never
 * with federation), the sharing group with it and only with it. */
static int share_check(struct db_conn *c, const struct caller *who, json_t *p, const char **field)
{
	return group_share_check(c, who, p, 1, field);
}

/* The first writable column and the one after the last. */
#define FIRST_W 4
#define END_W(t) ((t)->ncols - 3)

static int write_row(const struct shrec *t, struct db_conn *c, json_t *p, int insert)
{
	/* updated_at (the last but one) is written again on every change */
	struct activity_rec_table w = {t->table,     t->cols, t->ncols - 1, FIRST_W, END_W(t),
				       t->ncols - 2, 0};
	return activity_rec_write(c, &w, p, insert);
}

int shrec_create(const struct shrec *t, struct db_conn *c, const struct caller *who, json_t *body,
		 const char *request_id, char id[37], const char **field)
{
	*field = NULL;
	if (!acl_role_can(who->role, t->perm, ACT_CREATE))
		return TR_ERR_FORBIDDEN;
	json_t *p = json_deep_copy(body);
	if (!json_is_string(json_object_get(p, "tlp")))
		json_object_set_new(p, "tlp", json_string("green"));
	if (t->defaults)
		t->defaults(p);
	int64_t now = tr_now_ms();
	tr_uuid7(id);
	activity_rec_owner(p, who, id, now);
	struct acl_share to = share_of(p);
	int rc = acl_distribution_allowed(who->role, t->share, NULL, &to, field);
	if (rc) {
		json_decref(p);
		return rc;
	}
	rc = db_begin(c);
	if (rc) {
		json_decref(p);
		return rc;
	}
	rc = share_check(c, who, p, field);
	if (!rc && t->check)
		rc = t->check(c, who, p, NULL, field);
	if (!rc)
		rc = write_row(t, c, p, 1);
	if (!rc)
		rc = audit_by(c, who, "create", t->entity, id, request_id, now);
	json_decref(p);
	return db_end(c, rc);
}

/* A change of the record id of t by who (body: a PATCH's, NULL for a
 * deletion; version: the If-Match, or -1). */
struct shrec_op {
	const struct shrec *t;
	struct db_conn *c;
	const struct caller *who;
	const char *id, *request_id;
	json_t *body;
	int64_t version;
	const char **field;
};

/* Runs step on the record of op as who sees it (cur, read in the
 * transaction step runs in), then ends that transaction: committed when
 * step answers TR_OK. */
static int shrec_run(const struct shrec_op *op, int (*step)(const struct shrec_op *op, json_t *cur))
{
	*op->field = NULL;
	int rc = db_begin(op->c);
	if (rc)
		return rc;
	json_t *cur = NULL;
	if (!(rc = shrec_read(op->t, op->c, op->who, op->id, &cur)))
		rc = step(op, cur);
	json_decref(cur);
	return db_end(op->c, rc);
}

/* Whether the record cur is of who's organisation: the creating one. */
static int shrec_own(const struct caller *who, json_t *cur)
{
	return strcmp(json_string_value(json_object_get(cur, "org_id")), who->org_id) == 0;
}

/* The update of op's record from cur to merged (cur with the body over
 * it). */
static int update_merged(const struct shrec_op *op, json_t *cur, json_t *merged)
{
	const struct shrec *t = op->t;
	if (t->defaults)
		t->defaults(merged);
	struct acl_share was = share_of(cur), will = share_of(merged);
	int rc = acl_distribution_allowed(op->who->role, t->share, &was, &will, op->field);
	if (rc)
		return rc;
	/* an organiser or owner follows a record up; who sees it stays the
	 * creating organisation's decision */
	if (!shrec_own(op->who, cur) && acl_share_changed(&was, &will))
		return *op->field = "distribution", TR_ERR_FORBIDDEN;
	if ((rc = row_version_check(cur, op->version)) ||
	    (rc = share_check(op->c, op->who, merged, op->field)) ||
	    (t->check && (rc = t->check(op->c, op->who, merged, cur, op->field))))
		return rc;
	int64_t now = tr_now_ms();
	activity_rec_stamp(merged, "updated_at", now);
	if ((rc = write_row(t, op->c, merged, 0)))
		return rc;
	return shrec_audit_change(op->c, op->who, t->entity, op->id, op->request_id, &was, &will,
				  now);
}

static int update_step(const struct shrec_op *op, json_t *cur)
{
	const struct shrec *t = op->t;
	int may = t->may_update ? t->may_update(op->who, cur) : shrec_own(op->who, cur);
	if (!may || !acl_role_can(op->who->role, t->perm, ACT_UPDATE))
		return TR_ERR_FORBIDDEN;
	for (const char *const *k = t->fixed; k && *k; k++)
		if (json_object_get(op->body, *k) &&
		    !json_equal(json_object_get(op->body, *k), json_object_get(cur, *k)))
			return *op->field = *k, TR_ERR_INVALID;
	json_t *merged = row_merged(cur, op->body);
	int rc = update_merged(op, cur, merged);
	json_decref(merged);
	return rc;
}

int shrec_update(const struct shrec *t, struct db_conn *c, const struct caller *who, const char *id,
		 json_t *body, int64_t version, const char *request_id, const char **field)
{
	const struct shrec_op op = {t, c, who, id, request_id, body, version, field};
	return shrec_run(&op, update_step);
}

int shrec_audit_change(struct db_conn *c, const struct caller *who, const char *entity,
		       const char *id, const char *request_id, const struct acl_share *was,
		       const struct acl_share *will, int64_t now)
{
	char detail[400] = "";
	int share = acl_share_changed(was, will);
	if (share)
		acl_share_detail(was, will, detail, sizeof(detail));
	struct audit_entry e = {who->user_id, who->org_id, share ? "share" : "update", entity, id,
				request_id,   NULL,	   share ? detail : NULL};
	return audit_append(c, &e, now);
}

/* TR_ERR_CONFLICT naming the first kind of t's dependants that has a
 * record depending on id. */
static int dependants_check(const struct shrec *t, struct db_conn *c, const char *id,
			    const char **field)
{
	for (const struct shrec_dependant *d = t->dependants; d && d->table; d++) {
		char sql[200];
		int64_t n;
		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s " DB_ACL_EXEMPT " WHERE %s = ?",
			 d->table, d->col);
		if (db_int_vals(c, sql, DB_VALS(DB_TEXT(id)), &n))
			return TR_ERR_DB;
		if (n)
			return *field = d->field, TR_ERR_CONFLICT;
	}
	return TR_OK;
}

static int delete_step(const struct shrec_op *op, json_t *cur)
{
	const struct shrec *t = op->t;
	/* only the creating organisation deletes, never an organiser or an
	 * owner who may change it */
	if (!shrec_own(op->who, cur) || !acl_role_can(op->who->role, t->perm, ACT_DELETE))
		return TR_ERR_FORBIDDEN;
	int rc;
	if ((rc = row_version_check(cur, op->version)) ||
	    (rc = dependants_check(t, op->c, op->id, op->field)) ||
	    (t->delete_owned && (rc = t->delete_owned(op->c, op->id))))
		return rc;
	char sql[160];
	snprintf(sql, sizeof(sql), "DELETE FROM %s " DB_ACL_EXEMPT " WHERE id = ?", t->table);
	if ((rc = db_run_vals(op->c, sql, DB_VALS(DB_TEXT(op->id)))))
		return rc;
	/* the inbox items about it (its deadlines, its changes) go with it:
	 * none is left pointing at a record that is gone */
	if ((rc = db_run_vals(op->c, "DELETE FROM inbox_items WHERE ref_type = ? AND ref_id = ?",
			      DB_VALS(DB_TEXT(t->entity), DB_TEXT(op->id)))))
		return rc;
	/* the audit keeps the record as it was, so a deletion can be read
	 * back (these records hold no personal data) */
	char *was = json_dumps(cur, JSON_COMPACT | JSON_SORT_KEYS);
	struct audit_entry e = {op->who->user_id, op->who->org_id, "delete", t->entity,
				op->id,		  op->request_id,  NULL,     was};
	rc = was ? audit_append(op->c, &e, tr_now_ms()) : TR_ERR_NOMEM;
	free(was);
	return rc;
}

int shrec_delete(const struct shrec *t, struct db_conn *c, const struct caller *who, const char *id,
		 int64_t version, const char *request_id, const char **field)
{
	const struct shrec_op op = {t, c, who, id, request_id, NULL, version, field};
	return shrec_run(&op, delete_step);
}
