#include "domain/activity_rec.h"
#include "core/buf.h"
#include "core/err.h"
#include "domain/acl.h"
#include "domain/row.h"
#include "domain/seq.h"
#include "core/timeutil.h"
#include "core/uuid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void activity_rec_select(struct buf *b, const char *alias, const struct activity_rec_col *cols,
			 size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "%s%s.%s", i ? ", " : "", alias, cols[i].col);
}

json_t *activity_rec_value(struct db_stmt *s, int col, enum activity_rec_kind kind)
{
	if (db_col_is_null(s, col))
		return kind == REC_BOOL ? json_false() : json_null();
	switch (kind) {
	case REC_TEXT:
		return json_string(db_col_text(s, col));
	case REC_INT:
		return json_integer(db_col_int64(s, col));
	case REC_BOOL:
		return json_boolean(db_col_int64(s, col));
	case REC_REAL:
		return json_real(db_col_double(s, col));
	case REC_TIME:
		return row_time(s, col);
	default:
		return json_loads(db_col_text(s, col), 0, NULL);
	}
}

json_t *activity_rec_json(struct db_stmt *s, const struct activity_rec_col *cols, size_t n)
{
	json_t *o = json_object();
	for (size_t i = 0; i < n; i++) {
		json_t *v = activity_rec_value(s, (int)i, cols[i].kind);
		json_object_set_new(o, cols[i].key, v ? v : json_null());
	}
	return o;
}

void activity_rec_bind_value(struct db_stmt *s, int i, enum activity_rec_kind kind, json_t *v)
{
	int64_t ms = 0;
	if (!v || json_is_null(v)) {
		db_bind_null(s, i);
		return;
	}
	switch (kind) {
	case REC_TEXT:
		db_bind_text(s, i, json_string_value(v));
		break;
	case REC_INT:
	case REC_BOOL:
		db_bind_int64(s, i, json_is_boolean(v) ? json_is_true(v) : json_integer_value(v));
		break;
	case REC_REAL:
		db_bind_double(s, i, json_number_value(v));
		break;
	case REC_TIME:
		tr_time_parse(json_string_value(v), &ms);
		db_bind_int64(s, i, ms);
		break;
	case REC_JSON: {
		char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		db_bind_text(s, i, text ? text : "[]");
		free(text);
		break;
	}
	}
}

int activity_rec_bind(struct db_stmt *s, int first, json_t *r, const struct activity_rec_col *cols,
		      size_t n)
{
	for (size_t i = 0; i < n; i++, first++)
		activity_rec_bind_value(s, first, cols[i].kind, json_object_get(r, cols[i].key));
	return first;
}

void activity_rec_query(struct query *q, const char *alias, const struct activity_rec_col *cols,
			size_t n, const char *tail)
{
	struct buf b;
	buf_init(&b, 16384);
	buf_puts(&b, "SELECT ");
	activity_rec_select(&b, alias, cols, n);
	buf_puts(&b, tail);
	query_init(q);
	query_sql(q, b.data);
	buf_free(&b);
}

static void write_sql(struct buf *b, const struct activity_rec_table *t, int insert)
{
	if (insert) {
		buf_printf(b, "INSERT INTO %s " DB_ACL_EXEMPT " (", t->table);
		for (size_t i = 0; i < t->n_insert; i++)
			buf_printf(b, "%s%s", i ? ", " : "", t->cols[i].col);
		buf_puts(b, ") VALUES (");
		for (size_t i = 0; i < t->n_insert; i++)
			buf_puts(b, i ? ", ?" : "?");
		buf_puts(b, ")");
		return;
	}
	buf_printf(b, "UPDATE %s " DB_ACL_EXEMPT " SET ", t->table);
	for (size_t i = t->w_first; i < t->w_end; i++)
		buf_printf(b, "%s = ?, ", t->cols[i].col);
	if (t->also)
		buf_printf(b, "%s = ?, ", t->cols[t->also].col);
	buf_puts(b, "version = version + 1 WHERE id = ?");
}

int activity_rec_write(struct db_conn *c, const struct activity_rec_table *t, json_t *r, int insert)
{
	struct buf b;
	buf_init(&b, 16384);
	write_sql(&b, t, insert);
	struct db_stmt *s;
	int rc = b.err ? b.err : db_prepare(c, b.data, &s);
	buf_free(&b);
	if (rc)
		return rc;
	if (insert) {
		activity_rec_bind(s, 1, r, t->cols, t->n_insert);
	} else {
		int k = activity_rec_bind(s, 1, r, t->cols + t->w_first, t->w_end - t->w_first);
		if (t->also)
			k = activity_rec_bind(s, k, r, t->cols + t->also, 1);
		db_bind_text(s, k, json_string_value(json_object_get(r, "id")));
	}
	if ((rc = row_step_write(s)))
		return rc;
	return t->stamped ? seq_stamp(c, t->table, "r", "r.id",
				      json_string_value(json_object_get(r, "id")))
			  : TR_OK;
}

void activity_rec_stamp(json_t *a, const char *key, int64_t ms)
{
	char t[32];
	tr_time_format(ms, t);
	json_object_set_new(a, key, json_string(t));
}

void activity_rec_owner(json_t *r, const struct caller *who, const char *id, int64_t now)
{
	json_object_set_new(r, "id", json_string(id));
	json_object_set_new(r, "org_id", json_string(who->org_id));
	json_object_set_new(r, "country",
			    who->country[0] ? json_string(who->country) : json_null());
	json_object_set_new(r, "created_by", json_string(who->user_id));
	activity_rec_stamp(r, "created_at", now);
	activity_rec_stamp(r, "updated_at", now);
}

json_t *activity_rec_new(json_t *body, void (*fill)(json_t *r), const struct caller *who,
			 char id[37], int64_t *now)
{
	json_t *r = json_deep_copy(body);
	if (fill)
		fill(r);
	*now = tr_now_ms();
	tr_uuid7(id);
	activity_rec_owner(r, who, id, *now);
	return r;
}
