#include "db/db_impl.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/timeutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void stmt_free(struct db_stmt *s, int forget)
{
	s->conn->ops->finalize(s, forget);
	free(s->sql);
	free(s);
}

/* Drops every cached statement; forget: on the server too. */
static void cache_clear(struct db_conn *c, int forget)
{
	for (int b = 0; b < DB_CACHE_BUCKETS; b++) {
		struct db_stmt *s = c->cache[b];
		while (s) {
			struct db_stmt *next = s->next;
			stmt_free(s, forget);
			s = next;
		}
		c->cache[b] = NULL;
	}
	c->cached = 0;
}

static void conn_close(struct db_conn *c)
{
	cache_clear(c, 1);
	c->ops->close(c);
}

int db_open(const char *url, int size, struct db **out, char *err, size_t errlen)
{
	enum db_engine engine;
	const struct db_ops *ops;
	if (strncmp(url, "sqlite:", 7) == 0 && url[7]) {
		engine = DB_SQLITE;
		ops = &dbsq_ops;
	} else if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0) {
		engine = DB_POSTGRES;
		ops = &dbpg_ops;
	} else {
		snprintf(err, errlen, "database URL must be sqlite:PATH or postgres://...");
		return TR_ERR_INVALID;
	}
	if (size < 1)
		size = 1;
	struct db *db = calloc(1, sizeof(*db));
	if (!db)
		return TR_ERR_NOMEM;
	static _Atomic uint64_t serials;
	db->engine = engine;
	db->serial = ++serials;
	db->conns = calloc((size_t)size, sizeof(*db->conns));
	db->free = calloc((size_t)size, sizeof(*db->free));
	if (!db->conns || !db->free) {
		free(db->conns);
		free(db->free);
		free(db);
		return TR_ERR_NOMEM;
	}
	pthread_mutex_init(&db->mu, NULL);
	pthread_cond_init(&db->cv, NULL);
	for (int i = 0; i < size; i++) {
		struct db_conn *c = &db->conns[i];
		c->db = db;
		c->engine = engine;
		c->ops = ops;
		int rc = ops->open(c, engine == DB_SQLITE ? url + strlen("sqlite:") : url);
		db->size = i + 1;
		if (rc) {
			snprintf(err, errlen, "database: %s", c->errmsg);
			db_close(db);
			return rc;
		}
		db->free[db->nfree++] = c;
	}
	if (ops->pool_open)
		ops->pool_open(db, engine == DB_SQLITE ? url + strlen("sqlite:") : url);
	*out = db;
	return TR_OK;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (int i = 0; i < db->size; i++)
		conn_close(&db->conns[i]);
	if (db->size && db->conns[0].ops->pool_close)
		db->conns[0].ops->pool_close(db);
	if (db->ext && db->ext_free)
		db->ext_free(db->ext);
	pthread_mutex_destroy(&db->mu);
	pthread_cond_destroy(&db->cv);
	free(db->conns);
	free(db->free);
	free(db);
}

void *db_ext(struct db_conn *c, void *(*make)(void), void (*drop)(void *))
{
	struct db *db = c->db;
	pthread_mutex_lock(&db->mu);
	if (!db->ext && make) {
		db->ext = make();
		db->ext_free = drop;
	}
	void *v = db->ext;
	pthread_mutex_unlock(&db->mu);
	return v;
}

enum db_engine db_engine_of(const struct db *db)
{
	return db->engine;
}

struct db_conn *db_acquire(struct db *db)
{
	pthread_mutex_lock(&db->mu);
	while (db->nfree == 0)
		pthread_cond_wait(&db->cv, &db->mu);
	struct db_conn *c = db->free[--db->nfree];
	pthread_mutex_unlock(&db->mu);
	return c;
}

void db_release(struct db_conn *c)
{
	if (c->in_tx)
		db_rollback(c);
	/* a statement left busy by an early return must not pin a read
	 * snapshot (SQLite WAL) or hold a result */
	for (int b = 0; b < DB_CACHE_BUCKETS; b++)
		for (struct db_stmt *s = c->cache[b]; s; s = s->next)
			if (s->busy)
				db_done(s);
	if (c->ops->recover(c)) /* the server went away: statements too */
		cache_clear(c, 0);
	struct db *db = c->db;
	pthread_mutex_lock(&db->mu);
	db->free[db->nfree++] = c;
	pthread_cond_signal(&db->cv);
	pthread_mutex_unlock(&db->mu);
}

enum db_engine db_conn_engine(const struct db_conn *c)
{
	return c->engine;
}

int db_write_gen(struct db_conn *c, uint64_t *gen)
{
	if (!c->db->gen)
		return 0;
	*gen = atomic_load(c->db->gen);
	return 1;
}

uint64_t db_conn_pool(const struct db_conn *c)
{
	return c->db->serial;
}

int db_table_exists(struct db_conn *c, const char *table)
{
	struct db_stmt *s;
	if (db_prepare(c, c->ops->table_exists, &s))
		return 0;
	db_bind_text(s, 1, table);
	int yes = db_step(s) == DB_ROW;
	db_done(s);
	return yes;
}

const char *db_errmsg(struct db_conn *c)
{
	return c->errmsg;
}

int db_exec(struct db_conn *c, const char *sql)
{
	if (!strncmp(sql, "ROLLBACK", 8)) /* the counter's row is back too */
		memset(&c->range, 0, sizeof(c->range));
	return c->ops->exec(c, sql);
}

int db_begin(struct db_conn *c)
{
	int rc = db_exec(c, c->ops->begin);
	memset(&c->range, 0, sizeof(c->range));
	if (!rc)
		c->in_tx = 1;
	return rc;
}

int db_commit(struct db_conn *c)
{
	struct db_tx_range *r = &c->range;
	int rc = r->give_back && r->next < r->end ? r->give_back(c, r->next - 1) : TR_OK;
	if (!rc)
		rc = db_exec(c, "COMMIT");
	if (rc)
		db_exec(c, "ROLLBACK");
	c->in_tx = 0;
	memset(&c->range, 0, sizeof(c->range));
	return rc;
}

int db_end(struct db_conn *c, int rc)
{
	if (rc) {
		db_rollback(c);
		return rc;
	}
	return db_commit(c);
}

struct db_tx_range *db_tx_range(struct db_conn *c)
{
	return c->in_tx ? &c->range : NULL;
}

int db_rollback(struct db_conn *c)
{
	c->in_tx = 0;
	return db_exec(c, "ROLLBACK");
}

/* FNV-1a: statement texts are short and few. */
static uint64_t sql_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

void db_guard_tables(struct db *db, const char *const *tables)
{
	db->guarded = tables;
}

static int is_word(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_';
}

/* Whether sql names a guarded table without an access marker. */
static const char *guard_violation(const struct db *db, const char *sql)
{
	if (!db->guarded || strstr(sql, DB_ACL_MARK) || strstr(sql, DB_ACL_EXEMPT))
		return NULL;
	for (const char *const *t = db->guarded; *t; t++) {
		size_t n = strlen(*t);
		for (const char *p = strstr(sql, *t); p; p = strstr(p + 1, *t))
			if ((p == sql || !is_word(p[-1])) && !is_word(p[n]))
				return *t;
	}
	return NULL;
}

int db_prepare(struct db_conn *c, const char *sql, struct db_stmt **out)
{
	uint64_t h = sql_hash(sql);
	size_t b = h % DB_CACHE_BUCKETS;
	for (struct db_stmt *s = c->cache[b]; s; s = s->next) {
		if (s->hash == h && !s->busy && strcmp(s->sql, sql) == 0) {
			s->busy = 1;
			*out = s;
			return TR_OK;
		}
	}
	const char *table = guard_violation(c->db, sql);
	if (table) {
		snprintf(c->errmsg, sizeof(c->errmsg),
			 "refused: a statement on %s without the access predicate", table);
		return TR_ERR_INTERNAL;
	}
	if (c->cached >= DB_CACHE_MAX)
		cache_clear(c, 1);
	struct db_stmt *s = calloc(1, sizeof(*s));
	if (!s || !(s->sql = strdup(sql))) {
		free(s);
		return TR_ERR_NOMEM;
	}
	s->conn = c;
	s->hash = h;
	int rc = c->ops->prepare(s);
	if (rc) {
		stmt_free(s, 0);
		return rc;
	}
	s->next = c->cache[b];
	c->cache[b] = s;
	c->cached++;
	s->busy = 1;
	*out = s;
	return TR_OK;
}

int db_bind_text(struct db_stmt *s, int i, const char *v)
{
	return v ? s->conn->ops->bind_text(s, i, v) : db_bind_null(s, i);
}

int db_bind_text_or_null(struct db_stmt *s, int i, const char *v)
{
	return db_bind_text(s, i, v);
}

int db_bind_int64(struct db_stmt *s, int i, int64_t v)
{
	return s->conn->ops->bind_int64(s, i, v);
}

int db_bind_double(struct db_stmt *s, int i, double v)
{
	return s->conn->ops->bind_double(s, i, v);
}

int db_bind_null(struct db_stmt *s, int i)
{
	return s->conn->ops->bind_null(s, i);
}

int db_step(struct db_stmt *s)
{
	return s->conn->ops->step(s);
}

int db_col_count(struct db_stmt *s)
{
	return s->conn->ops->col_count(s);
}

const char *db_col_name(struct db_stmt *s, int col)
{
	return s->conn->ops->col_name(s, col);
}

int db_col_is_null(struct db_stmt *s, int col)
{
	return s->conn->ops->col_is_null(s, col);
}

const char *db_col_text(struct db_stmt *s, int col)
{
	return s->conn->ops->col_text(s, col);
}

int64_t db_col_int64(struct db_stmt *s, int col)
{
	return s->conn->ops->col_int64(s, col);
}

double db_col_double(struct db_stmt *s, int col)
{
	return s->conn->ops->col_double(s, col);
}

void db_done(struct db_stmt *s)
{
	s->conn->ops->reset(s);
	s->busy = 0;
}

int db_run(struct db_conn *c, const char *sql)
{
	struct db_stmt *s;
	int rc = db_prepare(c, sql, &s);
	if (rc)
		return rc;
	rc = db_step(s);
	db_done(s);
	return rc == DB_ROW || rc == DB_DONE ? TR_OK : rc;
}

int db_bind_vals(struct db_stmt *s, int first, const struct db_val *v, size_t n)
{
	for (size_t k = 0; k < n; k++, first++) {
		switch (v[k].kind) {
		case DB_VAL_TEXT:
			db_bind_text(s, first, v[k].text);
			break;
		case DB_VAL_INT:
			db_bind_int64(s, first, v[k].i);
			break;
		case DB_VAL_REAL:
			db_bind_double(s, first, v[k].d);
			break;
		default:
			db_bind_null(s, first);
		}
	}
	return first;
}

int db_prepare_vals(struct db_conn *c, const char *sql, const struct db_val *v, size_t n,
		    struct db_stmt **out)
{
	int rc = db_prepare(c, sql, out);
	if (rc)
		return rc;
	db_bind_vals(*out, 1, v, n);
	return TR_OK;
}

int db_run_vals(struct db_conn *c, const char *sql, const struct db_val *v, size_t n)
{
	struct db_stmt *s;
	int rc = db_prepare_vals(c, sql, v, n, &s);
	if (rc)
		return rc;
	rc = db_step(s);
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

int db_row_vals(struct db_conn *c, const char *sql, const struct db_val *v, size_t n,
		struct db_stmt **out)
{
	int rc = db_prepare_vals(c, sql, v, n, out);
	return rc ? rc : db_step_row(out);
}

int db_step_row(struct db_stmt **s)
{
	int rc = db_step(*s);
	if (rc == DB_ROW)
		return TR_OK;
	db_done(*s);
	*s = NULL;
	return rc == DB_DONE ? TR_ERR_NOT_FOUND : rc;
}

int db_row_text(struct db_conn *c, const char *sql, const char *key, struct db_stmt **out)
{
	return db_row_vals(c, sql, DB_VALS(DB_TEXT(key)), out);
}

int db_step_done(struct db_stmt *s)
{
	int rc = db_step(s) == DB_DONE ? TR_OK : TR_ERR_DB;
	db_done(s);
	return rc;
}

int db_write_vals(struct db_conn *c, const char *sql, const struct db_val *v, size_t n)
{
	struct db_stmt *s;
	int rc = db_prepare_vals(c, sql, v, n, &s);
	return rc ? rc : db_step_done(s);
}

int db_write_found_vals(struct db_conn *c, const char *sql, const struct db_val *v, size_t n)
{
	struct db_stmt *s;
	int rc = db_row_vals(c, sql, v, n, &s);
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW)
		;
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

int db_step_found(struct db_stmt *s)
{
	int rc = db_step(s);
	db_done(s);
	return rc == DB_ROW ? TR_OK : rc == DB_DONE ? TR_ERR_NOT_FOUND : rc;
}

int db_find_vals(struct db_conn *c, const char *sql, const struct db_val *v, size_t n)
{
	struct db_stmt *s;
	int rc = db_prepare_vals(c, sql, v, n, &s);
	return rc ? rc : db_step_found(s);
}

int db_lock_vals(struct db_conn *c, const char *sql, const struct db_val *v, size_t n)
{
	char locked[512];
	int len = snprintf(locked, sizeof(locked), "%s%s", sql, c->ops->lock_rows);
	if (len < 0 || (size_t)len >= sizeof(locked))
		return TR_ERR_INTERNAL;
	return db_find_vals(c, locked, v, n);
}

int db_int_vals(struct db_conn *c, const char *sql, const struct db_val *v, size_t n, int64_t *out)
{
	struct db_stmt *s;
	int rc = db_row_vals(c, sql, v, n, &s);
	if (rc)
		return rc;
	*out = db_col_int64(s, 0);
	db_done(s);
	return TR_OK;
}

int db_exists(struct db_conn *c, const char *sql, const char *v)
{
	struct db_stmt *s;
	if (db_prepare(c, sql, &s))
		return -1;
	db_bind_text(s, 1, v);
	int rc = db_step(s);
	db_done(s);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}
