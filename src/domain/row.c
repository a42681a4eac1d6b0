#include "domain/row.h"
#include "core/buf.h"
#include "core/uuid.h"
#include "core/err.h"
#include "core/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *row_time(struct db_stmt *s, int col)
{
	if (db_col_is_null(s, col))
		return json_null();
	char t[32];
	tr_time_format(db_col_int64(s, col), t);
	return json_string(t);
}

json_t *row_text(struct db_stmt *s, int col)
{
	const char *v = db_col_text(s, col);
	return v ? json_string(v) : json_null();
}

json_t *row_json(struct db_stmt *s, int col, int object)
{
	const char *v = db_col_text(s, col);
	json_t *j = v ? json_loads(v, 0, NULL) : NULL;
	return j ? j : object ? json_object() : json_array();
}

int row_one_ctx(struct db_stmt *s, json_t *(*make)(struct db_stmt *s, void *ctx), void *ctx,
		json_t **out)
{
	int rc = db_step(s);
	if (rc == DB_ROW)
		rc = (*out = make(s, ctx)) ? TR_OK : TR_ERR_NOMEM;
	else if (rc == DB_DONE)
		rc = TR_ERR_NOT_FOUND;
	db_done(s);
	return rc;
}

/* row_one's and row_page's maker, which takes no context. */
struct plain_maker {
	json_t *(*make)(struct db_stmt *s);
};

static json_t *plain_make(struct db_stmt *s, void *ctx)
{
	return ((struct plain_maker *)ctx)->make(s);
}

int row_one(struct db_stmt *s, json_t *(*make)(struct db_stmt *s), json_t **out)
{
	struct plain_maker m = {make};
	return row_one_ctx(s, plain_make, &m, out);
}

int row_query_one_ctx(struct query *q, struct db_conn *c,
		      json_t *(*make)(struct db_stmt *s, void *ctx), void *ctx, json_t **out)
{
	struct db_stmt *s;
	int rc = query_take(q, c, &s);
	return rc ? rc : row_one_ctx(s, make, ctx, out);
}

int row_query_first(struct query *q, struct db_conn *c, struct db_stmt **out)
{
	int rc = query_take(q, c, out);
	if (rc)
		return rc;
	if ((rc = db_step(*out)) == DB_ROW)
		return TR_OK;
	db_done(*out);
	return rc == DB_DONE ? TR_ERR_NOT_FOUND : rc;
}

int row_query_one(struct query *q, struct db_conn *c, json_t *(*make)(struct db_stmt *s),
		  json_t **out)
{
	struct db_stmt *s;
	int rc = query_take(q, c, &s);
	return rc ? rc : row_one(s, make, out);
}

int row_page_ctx(struct db_stmt *s, int limit, json_t *(*make)(struct db_stmt *s, void *ctx),
		 void *ctx, json_t *items, int *more)
{
	int rc, n = 0;
	*more = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		if (n++ == limit) {
			*more = 1;
			break;
		}
		json_array_append_new(items, make(s, ctx));
	}
	db_done(s);
	return rc == DB_ROW || rc == DB_DONE ? TR_OK : rc;
}

int row_page(struct db_stmt *s, int limit, json_t *(*make)(struct db_stmt *s), json_t *items,
	     int *more)
{
	struct plain_maker m = {make};
	return row_page_ctx(s, limit, plain_make, &m, items, more);
}

void row_after(struct query *q, const char *key, const char *id, int desc, const char *after)
{
	if (!after)
		return;
	char sql[300];
	const char *cmp = desc ? "<" : ">";
	const char *colon = strchr(after, ':');
	long long v = strtoll(after, NULL, 10);
	snprintf(sql, sizeof(sql), " AND (%s %s ? OR (%s = ? AND %s %s ?))", key, cmp, key, id,
		 cmp);
	query_sql(q, sql);
	query_param_int(q, v);
	query_param_int(q, v);
	query_param_text(q, colon ? colon + 1 : "");
}

void row_filters(struct query *q, const struct row_filter *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (f[i].value)
			query_text(q, f[i].sql, f[i].value);
}

void row_int_filters(struct query *q, const struct row_int_filter *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (f[i].value)
			query_int(q, f[i].sql, f[i].value);
}

void row_bbox(struct query *q, const char *alias, const double box[4])
{
	static const char *const tests[] = {"%s.lon >= ?", "%s.lat >= ?", "%s.lon <= ?",
					    "%s.lat <= ?"};
	char sql[80];
	for (int i = 0; i < 4; i++) {
		int k = snprintf(sql, sizeof(sql), " AND ");
		snprintf(sql + k, sizeof(sql) - (size_t)k, tests[i], alias);
		query_double(q, sql, box[i]);
	}
}

void row_keyset_on(struct query *q, const char *alias, const char *col, int desc, const char *after,
		   int limit)
{
	char key[100], id[100], sql[200];
	const char *dir = desc ? "DESC" : "ASC";
	snprintf(key, sizeof(key), "%s.%s", alias, col);
	snprintf(id, sizeof(id), "%s.id", alias);
	row_after(q, key, id, desc, after);
	snprintf(sql, sizeof(sql), " ORDER BY %s %s, %s %s LIMIT ?", key, dir, id, dir);
	query_int(q, sql, limit + 1);
}

void row_keyset(struct query *q, const char *alias, const char *after, int limit)
{
	row_keyset_on(q, alias, "updated_at", 1, after, limit);
}

char *row_page_key_on(json_t *items, int more, const char *field)
{
	json_t *last = json_array_get(items, json_array_size(items) - 1);
	const char *id = json_string_value(json_object_get(last, "id"));
	const char *at = json_string_value(json_object_get(last, field));
	int64_t ms;
	if (!more || !id || !at || tr_time_parse(at, &ms))
		return NULL;
	char key[100];
	snprintf(key, sizeof(key), "%lld:%s", (long long)ms, id);
	return strdup(key);
}

char *row_page_key(json_t *items, int more)
{
	return row_page_key_on(items, more, "updated_at");
}

int row_list_ctx(struct query *q, struct db_conn *c, int limit,
		 json_t *(*make)(struct db_stmt *s, void *ctx), void *ctx, const char *field,
		 json_t *items, char **next_key)
{
	struct db_stmt *s;
	int more = 0;
	*next_key = NULL;
	int rc = query_take(q, c, &s);
	if (!rc)
		rc = row_page_ctx(s, limit, make, ctx, items, &more);
	if (!rc && more && !(*next_key = row_page_key_on(items, more, field)))
		rc = TR_ERR_NOMEM;
	return rc;
}

int row_list(struct query *q, struct db_conn *c, int limit, json_t *(*make)(struct db_stmt *s),
	     const char *field, json_t *items, char **next_key)
{
	struct plain_maker m = {make};
	return row_list_ctx(q, c, limit, plain_make, &m, field, items, next_key);
}

int row_page_ids(struct db_stmt *s, int limit, json_t *(*make)(struct db_stmt *s), json_t *items,
		 char **next_key)
{
	int more = 0;
	*next_key = NULL;
	int rc = row_page(s, limit, make, items, &more);
	size_t n = json_array_size(items);
	const char *id = json_string_value(json_object_get(json_array_get(items, n - 1), "id"));
	if (!rc && more && n && id && !(*next_key = strdup(id)))
		rc = TR_ERR_NOMEM;
	return rc;
}

int row_version_check(json_t *cur, int64_t version)
{
	return version >= 0 && version != json_integer_value(json_object_get(cur, "version"))
		   ? TR_ERR_PRECONDITION
		   : TR_OK;
}

int row_create_begin(struct db_conn *c, const struct caller *who, enum resource res, char id[37],
		     int64_t *now)
{
	if (!acl_role_can(who->role, res, ACT_CREATE))
		return TR_ERR_FORBIDDEN;
	int rc = db_begin(c);
	if (rc)
		return rc;
	*now = tr_now_ms();
	tr_uuid7(id);
	return TR_OK;
}

int row_seen(struct db_conn *c, const struct caller *who, const char *id, row_read_fn read)
{
	json_t *r = NULL;
	int rc = read(c, who, id, &r);
	json_decref(r);
	return rc;
}

int row_update_begin(struct db_conn *c, const struct caller *who, const char *id, row_read_fn read,
		     json_t **cur)
{
	*cur = NULL;
	int rc = db_begin(c);
	if (rc)
		return rc;
	if ((rc = read(c, who, id, cur))) {
		json_decref(*cur);
		*cur = NULL;
		db_rollback(c);
	}
	return rc;
}

int row_owned_begin(struct db_conn *c, const struct caller *who, const char *id, row_read_fn read,
		    int may, json_t *body, json_t **cur, json_t **merged)
{
	*merged = NULL;
	int rc = row_update_begin(c, who, id, read, cur);
	if (rc)
		return rc;
	if (may && strcmp(json_string_value(json_object_get(*cur, "org_id")), who->org_id) == 0) {
		*merged = row_merged(*cur, body);
		return TR_OK;
	}
	json_decref(*cur);
	*cur = NULL;
	db_rollback(c);
	return TR_ERR_FORBIDDEN;
}

struct acl_share row_share(json_t *r, int tlp)
{
	return (struct acl_share){json_string_value(json_object_get(r, "distribution")),
				  tlp ? json_string_value(json_object_get(r, "tlp")) : NULL,
				  json_string_value(json_object_get(r, "sharing_group_id"))};
}

int row_share_begin(struct db_conn *c, const struct caller *who, enum acl_shareable res, int tlp,
		    json_t *rec, const char **field)
{
	struct acl_share to = row_share(rec, tlp);
	int rc = acl_distribution_allowed(who->role, res, NULL, &to, field);
	if (!rc)
		rc = db_begin(c);
	if (rc)
		json_decref(rec);
	return rc;
}

int row_change_begin(struct db_conn *c, const struct caller *who, const char *id, row_read_fn read,
		     int may, json_t *body, enum acl_shareable res, int tlp,
		     void (*fill)(json_t *r), int64_t version, struct row_change *ch,
		     const char **field)
{
	memset(ch, 0, sizeof(*ch));
	int rc = row_owned_begin(c, who, id, read, may, body, &ch->cur, &ch->next);
	if (rc)
		return rc;
	if (fill)
		fill(ch->next);
	ch->was = row_share(ch->cur, tlp);
	ch->will = row_share(ch->next, tlp);
	if ((rc = acl_distribution_allowed(who->role, res, &ch->was, &ch->will, field)) ||
	    (rc = row_version_check(ch->cur, version)))
		row_change_end(c, ch, rc);
	return rc;
}

int row_change_end(struct db_conn *c, struct row_change *ch, int rc)
{
	json_decref(ch->cur);
	json_decref(ch->next);
	memset(ch, 0, sizeof(*ch));
	return db_end(c, rc);
}

int row_review_verdict(json_t *body, const char **verdict, const char **comments,
		       const char **field)
{
	*verdict = json_string_value(json_object_get(body, "verdict"));
	*comments = json_string_value(json_object_get(body, "comments"));
	if (strcmp(*verdict, "reject") == 0 && (!*comments || !**comments))
		return *field = "comments", TR_ERR_INVALID;
	return TR_OK;
}

json_t *row_merged(json_t *cur, json_t *body)
{
	json_t *m = json_deep_copy(cur);
	json_object_update(m, body);
	return m;
}

int row_move_ok(const char *const (*moves)[2], size_t n, const char *from, const char *to)
{
	if (strcmp(from, to) == 0)
		return 1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(moves[i][0], from) == 0 && strcmp(moves[i][1], to) == 0)
			return 1;
	return 0;
}

int row_one_vals(struct db_conn *c, const char *sql, const struct db_val *v, size_t n,
		 json_t *(*make)(struct db_stmt *s), json_t **out)
{
	struct db_stmt *s;
	int rc = db_prepare_vals(c, sql, v, n, &s);
	return rc ? rc : row_one(s, make, out);
}

int row_all_vals(struct db_conn *c, const char *sql, const struct db_val *v, size_t n,
		 json_t *(*make)(struct db_stmt *s), json_t *items)
{
	struct db_stmt *s;
	int rc = db_prepare_vals(c, sql, v, n, &s);
	return rc ? rc : row_all(s, make, items);
}

int row_all(struct db_stmt *s, json_t *(*make)(struct db_stmt *s), json_t *items)
{
	int rc;
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(items, make(s));
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

int row_query_all(struct query *q, struct db_conn *c, json_t *(*make)(struct db_stmt *s),
		  json_t *items)
{
	struct db_stmt *s;
	int rc = query_take(q, c, &s);
	return rc ? rc : row_all(s, make, items);
}

int row_keyed_vals(struct db_conn *c, const char *sql, const struct db_val *v, size_t n,
		   json_t *(*make)(struct db_stmt *s), json_t *obj)
{
	struct db_stmt *s;
	int rc = db_prepare_vals(c, sql, v, n, &s);
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW)
		json_object_set_new(obj, db_col_text(s, 0), make(s));
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

json_t *row_first_string(struct db_stmt *s)
{
	return json_string(db_col_text(s, 0));
}

int row_page_vals(struct db_conn *c, const char *sql, const struct db_val *v, size_t n, int limit,
		  json_t *(*make)(struct db_stmt *s), json_t *items, int *more)
{
	struct db_stmt *s;
	int rc = db_prepare_vals(c, sql, v, n, &s);
	return rc ? rc : row_page(s, limit, make, items, more);
}

int row_owned_one(const struct row_owned *t, struct db_conn *c, const char *id, const char *owner,
		  json_t **out)
{
	return row_one_vals(c, t->one_sql, DB_VALS(DB_TEXT(id), DB_TEXT(owner)), t->make, out);
}

int row_owned_page(const struct row_owned *t, struct db_conn *c, const char *owner,
		   const char *after, int limit, json_t *items, int *more)
{
	return row_page_vals(
	    c, t->page_sql, DB_VALS(DB_TEXT(owner), DB_TEXT(after ? after : ""), DB_INT(limit + 1)),
	    limit, t->make, items, more);
}

/* The cursor row_walk gives: the key columns, then the id. */
static void walk_cursor(struct db_stmt *s, const int *keys, size_t nkeys, char *out, size_t size)
{
	size_t len = 0;
	for (size_t i = 0; i < nkeys && len < size; i++)
		len += (size_t)snprintf(out + len, size - len,
					"%lld:", (long long)db_col_int64(s, keys[i]));
	if (len < size)
		snprintf(out + len, size - len, "%s", db_col_text(s, 0));
}

int row_walk(struct db_stmt *s, int limit, const int *keys, size_t nkeys,
	     void (*emit)(struct db_stmt *s, void *ctx), void *ctx, char **next_key)
{
	int n = 0, rc;
	char last[100] = "";
	*next_key = NULL;
	while ((rc = db_step(s)) == DB_ROW) {
		if (n++ == limit) {
			*next_key = strdup(last);
			break;
		}
		emit(s, ctx);
		walk_cursor(s, keys, nkeys, last, sizeof(last));
	}
	db_done(s);
	return rc == DB_ROW || rc == DB_DONE ? TR_OK : rc;
}

int row_step_write(struct db_stmt *s)
{
	int rc = db_step(s);
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

void row_scan(struct db_stmt *s, const struct row_var *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *t;
		if (!v[i].text)
			*v[i].num = db_col_int64(s, (int)i);
		else
			snprintf(v[i].text, v[i].size, "%s", (t = db_col_text(s, (int)i)) ? t : "");
	}
	db_done(s);
}

int row_scan_vals(struct db_conn *c, const char *sql, const struct db_val *v, size_t n,
		  const struct row_var *vars, size_t nv)
{
	struct db_stmt *s;
	int rc = db_row_vals(c, sql, v, n, &s);
	if (!rc)
		row_scan(s, vars, nv);
	return rc;
}

int row_query_each(struct query *q, struct db_conn *c, void (*each)(struct db_stmt *s, void *ctx),
		   void *ctx)
{
	struct db_stmt *s;
	int rc = query_take(q, c, &s);
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW)
		each(s, ctx);
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

/* Prepares sql and binds the n text fields f of the record r from
 * parameter 1 on. */
static int row_prepare_texts(struct db_conn *c, const char *sql, json_t *r,
			     const struct row_text_field *f, size_t n, struct db_stmt **out)
{
	int rc = db_prepare(c, sql, out);
	for (size_t i = 0; !rc && i < n; i++) {
		const char *v = json_string_value(json_object_get(r, f[i].key));
		db_bind_text(*out, (int)i + 1, v ? v : f[i].absent);
	}
	return rc;
}

int row_write_prepare(struct db_conn *c, const struct row_writer *w, json_t *r, int insert,
		      struct db_stmt **out)
{
	size_t n = w->ntexts + w->ncols;
	struct buf b;
	buf_init(&b, 4096);
	buf_printf(
	    &b, insert ? "INSERT INTO %s " DB_ACL_EXEMPT " (" : "UPDATE %s " DB_ACL_EXEMPT " SET ",
	    w->table);
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, insert ? "%s, " : "%s = ?, ",
			   i < w->ntexts ? w->texts[i].key : w->cols[i - w->ntexts]);
	if (insert) {
		buf_puts(&b, "id, org_id, country, created_by, created_at) VALUES (");
		for (size_t i = 0; i < n + 5; i++)
			buf_puts(&b, i ? ", ?" : "?");
		buf_puts(&b, ")");
	} else {
		buf_puts(&b, "version = version + 1 WHERE id = ?");
	}
	int rc = b.err ? b.err : row_prepare_texts(c, b.data, r, w->texts, w->ntexts, out);
	buf_free(&b);
	return rc;
}

void row_bind_owner(struct db_stmt *s, int i, const struct caller *who, int64_t now)
{
	db_bind_vals(s, i,
		     DB_VALS(DB_TEXT(who->org_id), DB_TEXT(who->country[0] ? who->country : NULL),
			     DB_TEXT(who->user_id[0] ? who->user_id : NULL), DB_INT(now)));
}

void row_bind_json(struct db_stmt *s, int i, json_t *v, const char *empty)
{
	char *text = v && !json_is_null(v) ? json_dumps(v, JSON_COMPACT) : NULL;
	db_bind_text(s, i, text ? text : empty);
	free(text);
}

void row_set(json_t *o, struct db_stmt *s, int first, const struct row_col *cols, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int col = first + (int)i;
		json_t *v;
		switch (cols[i].kind) {
		case ROW_TEXT:
			v = row_text(s, col);
			break;
		case ROW_TIME:
			v = row_time(s, col);
			break;
		case ROW_INT:
			v = db_col_is_null(s, col) ? json_null()
						   : json_integer(db_col_int64(s, col));
			break;
		default:
			v = row_json(s, col, cols[i].kind == ROW_OBJECT);
		}
		json_object_set_new(o, cols[i].key, v);
	}
}

int row_all_each(struct db_conn *c, const char *sql, const struct db_val *v, size_t nv,
		 json_t *(*make)(struct db_stmt *s), int (*each)(void *ctx, json_t *row), void *ctx,
		 int *n)
{
	json_t *rows = json_array();
	int rc = row_all_vals(c, sql, v, nv, make, rows);
	if (n)
		*n = (int)json_array_size(rows);
	for (size_t i = 0; !rc && i < json_array_size(rows); i++)
		rc = each(ctx, json_array_get(rows, i));
	json_decref(rows);
	return rc;
}
