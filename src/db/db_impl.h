/* Internal to src/db: the structures behind the opaque handles and the
 * per-engine operations. */
#ifndef TR_DB_IMPL_H
#define TR_DB_IMPL_H

#include "db/db.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>

#define DB_MAX_PARAMS 64
#define DB_CACHE_BUCKETS 256
#define DB_CACHE_MAX 1024

struct db_stmt {
	struct db_stmt *next; /* cache chain */
	struct db_conn *conn;
	char *sql; /* the text as given (cache key) */
	uint64_t hash;
	int busy; /* prepared and not yet done */
	/* SQLite */
	sqlite3_stmt *sq;
	/* PostgreSQL */
	char name[24];
	int nparams;
	char *params[DB_MAX_PARAMS];
	PGresult *res;
	int row; /* current row, -1 before the first step */
	int executed;
};

/** The operations of an engine (as Redis's connection types): db.c holds
 * the pool, the statement cache and the guard once and calls these. */
struct db_ops {
	const char *begin; /* the statement that opens a write transaction */
	/* the dialect's snippets */
	const char *table_exists; /* one row when the table named by ? exists */
	const char *lock_rows;	  /* appended to a SELECT to lock its rows for the transaction */
	int (*open)(struct db_conn *c, const char *url);
	void (*close)(struct db_conn *c);
	int (*exec)(struct db_conn *c, const char *sql);
	int (*prepare)(struct db_stmt *s);
	/** Releases the engine's part of a statement (forget: also on the
	 * server, when the connection lives on). */
	void (*finalize)(struct db_stmt *s, int forget);
	/** On release: 1 when the connection was lost and was reset (the
	 * cached statements are gone with it). */
	int (*recover)(struct db_conn *c);
	int (*bind_text)(struct db_stmt *s, int i, const char *v);
	int (*bind_int64)(struct db_stmt *s, int i, int64_t v);
	int (*bind_double)(struct db_stmt *s, int i, double v);
	int (*bind_null)(struct db_stmt *s, int i);
	int (*step)(struct db_stmt *s);
	int (*col_count)(struct db_stmt *s);
	const char *(*col_name)(struct db_stmt *s, int col);
	int (*col_is_null)(struct db_stmt *s, int col);
	const char *(*col_text)(struct db_stmt *s, int col);
	int64_t (*col_int64)(struct db_stmt *s, int col);
	double (*col_double)(struct db_stmt *s, int col);
	/** Makes a statement ready to bind and step again. */
	void (*reset)(struct db_stmt *s);
	/** Once the pool's connections are open, and before it is closed:
	 * the write counter (db_write_gen), where the engine has one. */
	void (*pool_open)(struct db *db, const char *url);
	void (*pool_close)(struct db *db);
};

extern const struct db_ops dbsq_ops, dbpg_ops;

struct db_conn {
	struct db *db;
	const struct db_ops *ops;
	enum db_engine engine;
	sqlite3 *sq;
	PGconn *pg;
	struct db_stmt *cache[DB_CACHE_BUCKETS];
	int cached;
	unsigned next_name;
	int in_tx;
	struct db_tx_range range; /* see db_tx_range */
	char errmsg[256];
};

struct db {
	enum db_engine engine;
	const char *const *guarded;
	int size;
	struct db_conn *conns;
	struct db_conn **free;
	int nfree;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	void *ext; /* db_ext's object */
	void (*ext_free)(void *);
	uint64_t serial; /* db_conn_pool */
	/* db_write_gen's counter, shared by every process of this database
	 * (a mapped file), NULL when there is none */
	_Atomic uint64_t *gen;
};

/* `?` outside quotes becomes $1..$n; *nparams gets n. */
struct buf;
int dbpg_rewrite(const char *sql, struct buf *out, int *nparams);

#endif
