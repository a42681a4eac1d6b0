#include "db/db_impl.h"
#include "core/err.h"

#include <stdio.h>
#include <string.h>

static int sq_fail(struct db_conn *c, int src)
{
	snprintf(c->errmsg, sizeof(c->errmsg), "%s", sqlite3_errmsg(c->sq));
	int base = src & 0xff;
	return base == SQLITE_CONSTRAINT ? TR_ERR_CONFLICT : TR_ERR_DB;
}

int dbsq_open(struct db_conn *c, const char *path)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	int rc = sqlite3_open_v2(path, &c->sq, flags, NULL);
	if (rc != SQLITE_OK) {
		snprintf(c->errmsg, sizeof(c->errmsg), "cannot open %s: %s", path,
			 c->sq ? sqlite3_errmsg(c->sq) : sqlite3_errstr(rc));
		return TR_ERR_DB;
	}
	sqlite3_extended_result_codes(c->sq, 1);
	sqlite3_busy_timeout(c->sq, 10000);
	/* synchronous=FULL: a write acknowledged to a client survives power
	 * loss, which matters more here than write throughput. */
	/* mmap: reads of a warm database are memory reads, not system calls */
	rc = dbsq_exec(c, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"
			  " PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY;"
			  " PRAGMA mmap_size=268435456;");
	if (rc) {
		char why[256];
		snprintf(why, sizeof(why), "%s", c->errmsg);
		snprintf(c->errmsg, sizeof(c->errmsg), "cannot use %s: %s", path, why);
	}
	return rc;
}

void dbsq_close(struct db_conn *c)
{
	sqlite3_close_v2(c->sq);
	c->sq = NULL;
}

int dbsq_exec(struct db_conn *c, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(c->sq, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(c->errmsg, sizeof(c->errmsg), "%s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return (rc & 0xff) == SQLITE_CONSTRAINT ? TR_ERR_CONFLICT : TR_ERR_DB;
	}
	return TR_OK;
}

int dbsq_prepare(struct db_stmt *s)
{
	int rc =
	    sqlite3_prepare_v3(s->conn->sq, s->sql, -1, SQLITE_PREPARE_PERSISTENT, &s->sq, NULL);
	if (rc != SQLITE_OK)
		return sq_fail(s->conn, rc);
	return TR_OK;
}

int dbsq_step(struct db_stmt *s)
{
	int rc = sqlite3_step(s->sq);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return sq_fail(s->conn, rc);
}
