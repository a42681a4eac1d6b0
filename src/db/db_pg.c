#include "db/db_impl.h"
#include "core/buf.h"
#include "core/err.h"

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

int dbpg_open(struct db_conn *c, const char *url)
{
	c->pg = PQconnectdb(url);
	if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
		pg_note(c, c->pg ? PQerrorMessage(c->pg) : "out of memory");
		return TR_ERR_DB;
	}
	PQsetNoticeReceiver(c->pg, pg_quiet, NULL);
	return dbpg_exec(c, "SET client_min_messages = warning; SET TIME ZONE 'UTC'");
}

void dbpg_close(struct db_conn *c)
{
	PQfinish(c->pg);
	c->pg = NULL;
}

int dbpg_exec(struct db_conn *c, const char *sql)
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

int dbpg_prepare(struct db_stmt *s)
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

int dbpg_step(struct db_stmt *s)
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
