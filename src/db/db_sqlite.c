#include "db/db_impl.h"
#include "core/err.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int sq_fail(struct db_conn *c, int src)
{
	snprintf(c->errmsg, sizeof(c->errmsg), "%s", sqlite3_errmsg(c->sq));
	int base = src & 0xff;
	return base == SQLITE_CONSTRAINT ? TR_ERR_CONFLICT : TR_ERR_DB;
}

static int dbsq_exec(struct db_conn *c, const char *sql);

/* SQLite's own WAL hook checkpoints from this many frames on; setting a
 * hook replaces it, so this one does the same. */
#define WAL_CHECKPOINT_FRAMES 1000

/* After every commit of this connection (WAL mode): the pool's write
 * counter moves on, then the WAL is checkpointed as SQLite's own hook
 * would, in the committing thread. (A checkpointer on a thread of its own
 * was tried: beside a busy writer the WAL never started over, 5.8 GB after
 * 40,000 alerts.) */
static int wal_hook(void *arg, sqlite3 *sq, const char *name, int frames)
{
	struct db *db = arg;
	if (db->gen)
		atomic_fetch_add(db->gen, 1);
	if (frames >= WAL_CHECKPOINT_FRAMES)
		sqlite3_wal_checkpoint_v2(sq, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return SQLITE_OK;
}

static int dbsq_open(struct db_conn *c, const char *path)
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
	sqlite3_wal_hook(c->sq, wal_hook, c->db);
	return rc;
}

/* Whether the connection writes through a WAL, where the hook sees every
 * commit (a database that could not switch to WAL has no counter). */
static int in_wal(sqlite3 *sq)
{
	sqlite3_stmt *st;
	int wal = 0;
	if (sqlite3_prepare_v2(sq, "PRAGMA journal_mode", -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		wal = sqlite3_stricmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
	sqlite3_finalize(st);
	return wal;
}

#define GEN_FILE_SIZE 4096

/* The write counter: the first eight bytes of PATH-gen, mapped shared, so
 * that every process on this database bumps and reads the same one. Left
 * NULL (nothing cached on it) for a database in memory, one not in WAL
 * mode, or when the file cannot be made. */
static void dbsq_pool_open(struct db *db, const char *path)
{
	char gpath[4096];
	if (!db->size || strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0 ||
	    !in_wal(db->conns[0].sq) ||
	    snprintf(gpath, sizeof(gpath), "%s-gen", path) >= (int)sizeof(gpath))
		return;
	/* the database file's mode (and owner, for root), as SQLite gives its
	 * -wal and -shm: whoever may write the database moves the counter */
	struct stat dbst;
	int known = stat(path, &dbst) == 0;
	mode_t mode = known ? dbst.st_mode & 0777 : 0600;
	int fd = open(gpath, O_RDWR | O_CREAT | O_CLOEXEC, mode);
	if (fd < 0)
		return;
	struct stat st;
	void *m = MAP_FAILED;
	int fresh = fstat(fd, &st) == 0 && st.st_size == 0;
	if (fresh && known) {
		(void)fchmod(fd, mode); /* past the umask */
		if (geteuid() == 0)
			(void)!fchown(fd, dbst.st_uid, dbst.st_gid);
	}
	if (fstat(fd, &st) == 0 &&
	    (st.st_size >= GEN_FILE_SIZE || ftruncate(fd, GEN_FILE_SIZE) == 0))
		m = mmap(NULL, GEN_FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (m != MAP_FAILED)
		db->gen = m;
}

static void dbsq_pool_close(struct db *db)
{
	if (db->gen)
		munmap((void *)db->gen, GEN_FILE_SIZE);
	db->gen = NULL;
}

static void dbsq_close(struct db_conn *c)
{
	sqlite3_close_v2(c->sq);
	c->sq = NULL;
}

static int dbsq_exec(struct db_conn *c, const char *sql)
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

static int dbsq_prepare(struct db_stmt *s)
{
	int rc =
	    sqlite3_prepare_v3(s->conn->sq, s->sql, -1, SQLITE_PREPARE_PERSISTENT, &s->sq, NULL);
	if (rc != SQLITE_OK)
		return sq_fail(s->conn, rc);
	return TR_OK;
}

static int dbsq_step(struct db_stmt *s)
{
	int rc = sqlite3_step(s->sq);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return sq_fail(s->conn, rc);
}

static void finalize(struct db_stmt *s, int forget)
{
	(void)forget;
	if (s->sq)
		sqlite3_finalize(s->sq);
}

static int recover(struct db_conn *c)
{
	(void)c;
	return 0;
}

static int bind_text(struct db_stmt *s, int i, const char *v)
{
	return sqlite3_bind_text(s->sq, i, v, -1, SQLITE_TRANSIENT) ? TR_ERR_DB : TR_OK;
}

static int bind_int64(struct db_stmt *s, int i, int64_t v)
{
	return sqlite3_bind_int64(s->sq, i, v) ? TR_ERR_DB : TR_OK;
}

static int bind_double(struct db_stmt *s, int i, double v)
{
	return sqlite3_bind_double(s->sq, i, v) ? TR_ERR_DB : TR_OK;
}

static int bind_null(struct db_stmt *s, int i)
{
	return sqlite3_bind_null(s->sq, i) ? TR_ERR_DB : TR_OK;
}

static int col_count(struct db_stmt *s)
{
	return sqlite3_column_count(s->sq);
}

static const char *col_name(struct db_stmt *s, int col)
{
	return sqlite3_column_name(s->sq, col);
}

static int col_is_null(struct db_stmt *s, int col)
{
	return sqlite3_column_type(s->sq, col) == SQLITE_NULL;
}

static const char *col_text(struct db_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(s->sq, col);
}

static int64_t col_int64(struct db_stmt *s, int col)
{
	return sqlite3_column_int64(s->sq, col);
}

static double col_double(struct db_stmt *s, int col)
{
	return sqlite3_column_double(s->sq, col);
}

static void reset(struct db_stmt *s)
{
	sqlite3_reset(s->sq);
	sqlite3_clear_bindings(s->sq);
}

const struct db_ops dbsq_ops = {
    .begin = "BEGIN IMMEDIATE",
    .table_exists = "SELECT 1 " DB_ACL_EXEMPT " FROM sqlite_master WHERE type = 'table'"
		    " AND name = ?",
    .lock_rows = "",
    .open = dbsq_open,
    .close = dbsq_close,
    .exec = dbsq_exec,
    .prepare = dbsq_prepare,
    .finalize = finalize,
    .recover = recover,
    .bind_text = bind_text,
    .bind_int64 = bind_int64,
    .bind_double = bind_double,
    .bind_null = bind_null,
    .step = dbsq_step,
    .col_count = col_count,
    .col_name = col_name,
    .col_is_null = col_is_null,
    .col_text = col_text,
    .col_int64 = col_int64,
    .col_double = col_double,
    .reset = reset,
    .pool_open = dbsq_pool_open,
    .pool_close = dbsq_pool_close,
};
