#include "db/query.h"
#include "core/err.h"

#include <string.h>

void query_init(struct query *q)
{
	memset(q, 0, sizeof(*q));
	buf_init(&q->sql, 64 * 1024);
}

void query_free(struct query *q)
{
	buf_free(&q->sql);
}

void query_sql(struct query *q, const char *text)
{
	if (buf_puts(&q->sql, text))
		q->err = TR_ERR_INTERNAL;
}

static int next(struct query *q)
{
	if (q->n >= QUERY_PARAMS_MAX) {
		q->err = TR_ERR_INTERNAL;
		return -1;
	}
	return q->n++;
}

void query_param_text(struct query *q, const char *v)
{
	int i = next(q);
	if (i >= 0) {
		q->p[i].type = v ? 1 : 0;
		q->p[i].text = v;
	}
}

void query_param_int(struct query *q, int64_t v)
{
	int i = next(q);
	if (i >= 0) {
		q->p[i].type = 2;
		q->p[i].i = v;
	}
}

void query_text(struct query *q, const char *text, const char *v)
{
	query_sql(q, text);
	query_param_text(q, v);
}

void query_int(struct query *q, const char *text, int64_t v)
{
	query_sql(q, text);
	query_param_int(q, v);
}

void query_double(struct query *q, const char *text, double v)
{
	query_sql(q, text);
	int i = next(q);
	if (i >= 0) {
		q->p[i].type = 3;
		q->p[i].d = v;
	}
}

int query_prepare(struct query *q, struct db_conn *c, struct db_stmt **out)
{
	if (q->err)
		return q->err;
	int rc = db_prepare(c, q->sql.data ? q->sql.data : "", out);
	if (rc)
		return rc;
	for (int i = 0; i < q->n; i++) {
		switch (q->p[i].type) {
		case 0:
			db_bind_null(*out, i + 1);
			break;
		case 1:
			db_bind_text(*out, i + 1, q->p[i].text);
			break;
		case 2:
			db_bind_int64(*out, i + 1, q->p[i].i);
			break;
		default:
			db_bind_double(*out, i + 1, q->p[i].d);
			break;
		}
	}
	return TR_OK;
}

int query_take(struct query *q, struct db_conn *c, struct db_stmt **out)
{
	int rc = query_prepare(q, c, out);
	query_free(q);
	return rc;
}

int query_row(struct query *q, struct db_conn *c, struct db_stmt **out)
{
	int rc = query_take(q, c, out);
	return rc ? rc : db_step_row(out);
}

int query_find(struct query *q, struct db_conn *c)
{
	struct db_stmt *s;
	int rc = query_take(q, c, &s);
	return rc ? rc : db_step_found(s);
}
