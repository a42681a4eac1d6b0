#include "db/db_impl.h"
#include "core/buf.h"
#include "core/err.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void pg_note(struct db_conn *c, const char *msg)
{
	snprintf(c->errmsg, sizeof(c->errmsg), "%s", msg ? msg : "unknown error");
	/* libpq messages span lines; an error line and a log line must not */
	size_t o = 0;
	for (size_t i = 0; c->errmsg[i]; i++) {
		char ch = c->errmsg[i];
		if (ch == '\n' || ch == '\t' || ch == '\r')
			ch = ' ';
		if (ch == ' ' && (o == 0 || c->errmsg[o - 1] == ' '))
			continue;
		c->errmsg[o++] = ch;
	}
	while (o && c->errmsg[o - 1] == ' ')
		o--;
	c->errmsg[o] = '\0';
}

static int pg_result_rc(struct db_conn *c, PGresult *r)
{
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return TR_OK;
	pg_note(c, PQresultErrorMessage(r));
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	/* class 23: integrity constraint violation */
	if (state && strncmp(state, "23", 2) == 0)
		return TR_ERR_CONFLICT;
	return TR_ERR_DB;
}

static void pg_quiet(void *arg, const PGresult *r)
{
	(void)arg;
	(void)r;
}

static int dbpg_exec(struct db_conn *c, const char *sql);

static int dbpg_open(struct db_conn *c, const char *url)
{
	c->pg = PQconnectdb(url);
	if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
		pg_note(c, c->pg ? PQerrorMessage(c->pg) : "out of memory");
		return TR_ERR_DB;
	}
	PQsetNoticeReceiver(c->pg, pg_quiet, NULL);
	return dbpg_exec(c, "SET client_min_messages = warning; SET TIME ZONE 'UTC'");
}

static void dbpg_close(struct db_conn *c)
{
	PQfinish(c->pg);
	c->pg = NULL;
}

static int dbpg_exec(struct db_conn *c, const char *sql)
{
	PGresult *r = PQexec(c->pg, sql);
	int rc = pg_result_rc(c, r);
	PQclear(r);
	return rc;
}

/* `?` outside quotes and comments becomes $n, so one text serves both. */
int dbpg_rewrite(const char *sql, struct buf *out, int *nparams)
{
	int n = 0;
	char quote = 0;
	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			buf_append(out, p, 1);
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
			buf_append(out, p, 1);
		} else if (*p == '?') {
			buf_printf(out, "$%d", ++n);
		} else {
			buf_append(out, p, 1);
		}
	}
	*nparams = n;
	return out->err;
}

static int dbpg_prepare(struct db_stmt *s)
{
	struct buf text;
	buf_init(&text, 1u << 20);
	int rc = dbpg_rewrite(s->sql, &text, &s->nparams);
	if (rc || s->nparams > DB_MAX_PARAMS) {
		buf_free(&text);
		pg_note(s->conn, "statement too large or too many parameters");
		return TR_ERR_DB;
	}
	snprintf(s->name, sizeof(s->name), "t%u", s->conn->next_name++);
	PGresult *r = PQprepare(s->conn->pg, s->name, text.data, 0, NULL);
	buf_free(&text);
	rc = pg_result_rc(s->conn, r);
	PQclear(r);
	s->row = -1;
	return rc;
}

static int dbpg_step(struct db_stmt *s)
{
	if (!s->executed) {
		s->executed = 1;
		s->res = PQexecPrepared(s->conn->pg, s->name, s->nparams,
					(const char *const *)s->params, NULL, NULL, 0);
		int rc = pg_result_rc(s->conn, s->res);
		if (rc)
			return rc;
		s->row = -1;
	}
	if (!s->res || PQresultStatus(s->res) != PGRES_TUPLES_OK)
		return DB_DONE;
	s->row++;
	return s->row < PQntuples(s->res) ? DB_ROW : DB_DONE;
}

static void finalize(struct db_stmt *s, int forget)
{
	if (forget && s->conn->pg && s->name[0]) {
		char q[64];
		snprintf(q, sizeof(q), "DEALLOCATE %s", s->name);
		dbpg_exec(s->conn, q);
	}
	for (int i = 0; i < DB_MAX_PARAMS; i++)
		free(s->params[i]);
	if (s->res)
		PQclear(s->res);
}

static int recover(struct db_conn *c)
{
	if (PQstatus(c->pg) == CONNECTION_OK)
		return 0;
	PQreset(c->pg);
	return 1;
}

/* Parameters travel as text; v is taken over. */
static int param(struct db_stmt *s, int i, char *v)
{
	if (i < 1 || i > DB_MAX_PARAMS) {
		free(v);
		return TR_ERR_INTERNAL;
	}
	free(s->params[i - 1]);
	s->params[i - 1] = v;
	return TR_OK;
}

static int bind_text(struct db_stmt *s, int i, const char *v)
{
	char *copy = strdup(v);
	return copy ? param(s, i, copy) : TR_ERR_NOMEM;
}

static int bind_int64(struct db_stmt *s, int i, int64_t v)
{
	char tmp[32];
	snprintf(tmp, sizeof(tmp), "%" PRId64, v);
	return bind_text(s, i, tmp);
}

static int bind_double(struct db_stmt *s, int i, double v)
{
	char tmp[40];
	snprintf(tmp, sizeof(tmp), "%.17g", v);
	return bind_text(s, i, tmp);
}

static int bind_null(struct db_stmt *s, int i)
{
	return param(s, i, NULL);
}

static int col_count(struct db_stmt *s)
{
	return s->res ? PQnfields(s->res) : 0;
}

static const char *col_name(struct db_stmt *s, int col)
{
	return s->res ? PQfname(s->res, col) : NULL;
}

static int col_is_null(struct db_stmt *s, int col)
{
	return PQgetisnull(s->res, s->row, col);
}

static const char *col_text(struct db_stmt *s, int col)
{
	if (PQgetisnull(s->res, s->row, col))
		return NULL;
	return PQgetvalue(s->res, s->row, col);
}

static int64_t col_int64(struct db_stmt *s, int col)
{
	const char *v = col_text(s, col);
	if (!v)
		return 0;
	if (v[0] == 't' || v[0] == 'f') /* boolean expressions */
		return v[0] == 't';
	return strtoll(v, NULL, 10);
}

static double col_double(struct db_stmt *s, int col)
{
	const char *v = col_text(s, col);
	return v ? strtod(v, NULL) : 0.0;
}

static void reset(struct db_stmt *s)
{
	for (int i = 0; i < DB_MAX_PARAMS; i++) {
		free(s->params[i]);
		s->params[i] = NULL;
	}
	if (s->res)
		PQclear(s->res);
	s->res = NULL;
	s->executed = 0;
	s->row = -1;
}

const struct db_ops dbpg_ops = {
    .begin = "BEGIN",
    .table_exists = "SELECT 1 " DB_ACL_EXEMPT " FROM information_schema.tables"
		    " WHERE table_name = ? AND table_schema = current_schema()",
    .lock_rows = " FOR UPDATE",
    .open = dbpg_open,
    .close = dbpg_close,
    .exec = dbpg_exec,
    .prepare = dbpg_prepare,
    .finalize = finalize,
    .recover = recover,
    .bind_text = bind_text,
    .bind_int64 = bind_int64,
    .bind_double = bind_double,
    .bind_null = bind_null,
    .step = dbpg_step,
    .col_count = col_count,
    .col_name = col_name,
    .col_is_null = col_is_null,
    .col_text = col_text,
    .col_int64 = col_int64,
    .col_double = col_double,
    .reset = reset,
};
