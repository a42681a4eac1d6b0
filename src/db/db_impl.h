/* Internal to src/db: the structures behind the opaque handles and the
 * per-engine operations. */
#ifndef TR_DB_IMPL_H
#define TR_DB_IMPL_H

#include "db/db.h"

#include <libpq-fe.h>
#include <pthread.h>
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

struct db_conn {
	struct db *db;
	enum db_engine engine;
	sqlite3 *sq;
	PGconn *pg;
	struct db_stmt *cache[DB_CACHE_BUCKETS];
	int cached;
	unsigned next_name;
	int in_tx;
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
};

int dbsq_open(struct db_conn *c, const char *path);
void dbsq_close(struct db_conn *c);
int dbsq_exec(struct db_conn *c, const char *sql);
int dbsq_prepare(struct db_stmt *s);
int dbsq_step(struct db_stmt *s);

int dbpg_open(struct db_conn *c, const char *url);
void dbpg_close(struct db_conn *c);
int dbpg_exec(struct db_conn *c, const char *sql);
int dbpg_prepare(struct db_stmt *s);
int dbpg_step(struct db_stmt *s);
/* `?` outside quotes becomes $1..$n; *nparams gets n. */
struct buf;
int dbpg_rewrite(const char *sql, struct buf *out, int *nparams);

#endif
