/** Storage: one SQL text for SQLite and PostgreSQL.
 *
 * SQL is written once with `?` placeholders; the PostgreSQL backend rewrites
 * them to $1..$n. A `struct db` is a pool of connections; a thread takes one
 * with db_acquire, uses it, and gives it back with db_release. Prepared
 * statements are cached per connection by their text, so a caller prepares
 * the same text again on every use at no cost. Times are int64 ms. */
#ifndef TR_DB_DB_H
#define TR_DB_DB_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct db_conn;
struct db_stmt;

enum db_engine { DB_SQLITE, DB_POSTGRES };

/** db_step's answers besides errors (which are positive tr_err codes). */
enum { DB_DONE = -1, DB_ROW = -2 };

/** Opens a pool of `size` connections to url ("sqlite:PATH" or
 * "postgres://..." / "postgresql://..."). On failure returns a tr_err and
 * writes a one-line reason to err. The caller owns *out (db_close). */
int db_open(const char *url, int size, struct db **out /* OUT */, char *err, size_t errlen);
/** Closes every connection; all must have been released. NULL is fine. */
void db_close(struct db *db);
/** Which engine the pool talks to. */
enum db_engine db_engine_of(const struct db *db);

/** The pool's one extension object (a read model kept beside the storage):
 * made by make() on first call, released with drop() by db_close. */
void *db_ext(struct db_conn *c, void *(*make)(void), void (*drop)(void *));

/** Takes a connection, waiting for one to be free. Never NULL. */
struct db_conn *db_acquire(struct db *db);
/** Gives c back to its pool; an open transaction is rolled back first. */
void db_release(struct db_conn *c);
/** The engine of c. */
enum db_engine db_conn_engine(const struct db_conn *c);
/** The pool c belongs to, as a number no other pool of the process has. */
uint64_t db_conn_pool(const struct db_conn *c);
/** The database's write counter into *gen: it moves on after every commit
 * of any process that writes it through this layer (SQLite: a counter in
 * a file beside the database, bumped by each connection's WAL hook), so a
 * value read before a read stays equal only while nothing was written
 * since. Returns 0 when the pool has no such counter (PostgreSQL, or the
 * file could not be made): then nothing may be cached on it. */
int db_write_gen(struct db_conn *c, uint64_t *gen);
/** Whether a table exists (names it without reading a row of it: the
 * access guard stands aside). */
int db_table_exists(struct db_conn *c, const char *table);
/** The last error message of c (static until the next call on c). */
const char *db_errmsg(struct db_conn *c);

/** Runs SQL without parameters or results; several statements allowed. */
int db_exec(struct db_conn *c, const char *sql);
/** Starts a write transaction (BEGIN IMMEDIATE on SQLite). */
int db_begin(struct db_conn *c);
int db_commit(struct db_conn *c);
int db_rollback(struct db_conn *c);
/** Ends the transaction: commits when rc is TR_OK, else rolls back and
 * returns rc; the commit's own result otherwise. */
int db_end(struct db_conn *c, int rc);

/** Numbers a transaction took from a shared counter and has not used yet:
 * [next, end), grow the size of the next take. A caller keeps them here so
 * that many writes in one transaction take the counter's row once per block,
 * not once per write; they are forgotten when the transaction ends or rolls
 * back to a savepoint. Before the commit, give_back (when set) returns the
 * unused end to the counter, whose row the transaction still holds, so the
 * counter stays at the last number used. */
struct db_tx_range {
	int64_t next, end, grow;
	int (*give_back)(struct db_conn *c, int64_t last_used);
};
/** The range of the open transaction of c, or NULL outside one. */
struct db_tx_range *db_tx_range(struct db_conn *c);

/** Prepares sql (cached by text) and returns a statement with no bindings.
 * The statement belongs to c; finish with db_done before preparing the same
 * text again. */
int db_prepare(struct db_conn *c, const char *sql, struct db_stmt **out /* OUT */);
/** Binds parameter i (1-based). Text is copied. */
int db_bind_text(struct db_stmt *s, int i, const char *v);
int db_bind_int64(struct db_stmt *s, int i, int64_t v);
int db_bind_double(struct db_stmt *s, int i, double v);
int db_bind_null(struct db_stmt *s, int i);
/** Binds text, or NULL when v is NULL. */
int db_bind_text_or_null(struct db_stmt *s, int i, const char *v);
/** Runs or advances: DB_ROW, DB_DONE, or a tr_err (TR_ERR_CONFLICT for a
 * constraint violation, TR_ERR_DB otherwise). */
int db_step(struct db_stmt *s);
/** Number of result columns and their names. */
int db_col_count(struct db_stmt *s);
const char *db_col_name(struct db_stmt *s, int col);
/** Column values of the current row (0-based); text is valid until the next
 * step; NULL values read as NULL / 0. */
const char *db_col_text(struct db_stmt *s, int col);
int64_t db_col_int64(struct db_stmt *s, int col);
double db_col_double(struct db_stmt *s, int col);
int db_col_is_null(struct db_stmt *s, int col);
/** Resets s and clears its bindings, keeping it cached. */
void db_done(struct db_stmt *s);
/** Steps s once and finishes it (db_done): TR_OK when it gave a row,
 * TR_ERR_NOT_FOUND when it gave none, else the error. */
int db_step_found(struct db_stmt *s);

/** Steps *s once: TR_OK on its first row (finish it with db_done), else
 * finishes it, sets *s to NULL and returns TR_ERR_NOT_FOUND when it gave
 * no row, or the error. */
int db_step_row(struct db_stmt **s);

/** Steps a write (a statement that gives no row) once and finishes it
 * (db_done): TR_OK when it ran to its end, else TR_ERR_DB. */
int db_step_done(struct db_stmt *s);

/** Prepares, binds nothing, steps once and finishes: for statements with no
 * parameters whose result does not matter. */
int db_run(struct db_conn *c, const char *sql);

/** A value to bind, written with DB_TEXT(v) (NULL binds NULL), DB_INT(v),
 * DB_REAL(v) or DB_NULL, and passed as a list with DB_VALS(...). */
struct db_val {
	enum { DB_VAL_TEXT, DB_VAL_INT, DB_VAL_REAL, DB_VAL_NULL } kind;
	const char *text;
	int64_t i;
	double d;
};
#define DB_TEXT(v) ((struct db_val){DB_VAL_TEXT, (v), 0, 0})
#define DB_INT(v) ((struct db_val){DB_VAL_INT, NULL, (int64_t)(v), 0})
#define DB_REAL(v) ((struct db_val){DB_VAL_REAL, NULL, 0, (double)(v)})
#define DB_NULL ((struct db_val){DB_VAL_NULL, NULL, 0, 0})
/** The array and count of the values given, for the *_vals calls. */
#define DB_VALS(...)                                                                               \
	(const struct db_val[]){__VA_ARGS__},                                                      \
	    sizeof((const struct db_val[]){__VA_ARGS__}) / sizeof(struct db_val)

/** Binds the n values from parameter `first` on; returns the next index. */
int db_bind_vals(struct db_stmt *s, int first, const struct db_val *v, size_t n);
/** Prepares sql and binds the n values from parameter 1 on. */
int db_prepare_vals(struct db_conn *c, const char *sql, const struct db_val *v, size_t n,
		    struct db_stmt **out /* OUT */);
/** Prepares, binds the n values, steps once and finishes: TR_OK when the
 * statement ran to its end, DB_ROW when it gave a row, else the error. */
int db_run_vals(struct db_conn *c, const char *sql, const struct db_val *v, size_t n);
/** Prepares sql, binds the n values and db_step_done: TR_OK when the
 * write ran to its end, else the error of the prepare or TR_ERR_DB. */
int db_write_vals(struct db_conn *c, const char *sql, const struct db_val *v, size_t n);
/** Runs a write that returns what it touched (RETURNING), bound with the
 * n values, to its end: TR_OK when it returned a row, TR_ERR_NOT_FOUND
 * when it returned none, else the error. */
int db_write_found_vals(struct db_conn *c, const char *sql, const struct db_val *v, size_t n);
/** Prepares, binds the n values and steps once: TR_OK with *out on its
 * first row (finish it with db_done), TR_ERR_NOT_FOUND when there is none
 * (s finished), else the error (s finished). */
int db_row_vals(struct db_conn *c, const char *sql, const struct db_val *v, size_t n,
		struct db_stmt **out /* OUT */);
/** db_row_vals for the common lookup by one text key (an id, a code): sql
 * bound with key as its one parameter. */
int db_row_text(struct db_conn *c, const char *sql, const char *key,
		struct db_stmt **out /* OUT */);
/** Whether sql, bound with the n values, gives a row: TR_OK when it does,
 * TR_ERR_NOT_FOUND when it gives none, else the error. */
int db_find_vals(struct db_conn *c, const char *sql, const struct db_val *v, size_t n);
/** db_find_vals that also locks the rows found until the transaction
 * ends, against writers that reference them (PostgreSQL's FOR UPDATE,
 * appended to sql: a plain SELECT of one table); SQLite's writers are
 * serialised by the write transaction already. */
int db_lock_vals(struct db_conn *c, const char *sql, const struct db_val *v, size_t n);
/** db_row_vals reading the first column as int64 into *out: TR_OK,
 * TR_ERR_NOT_FOUND without a row, or the error. */
int db_int_vals(struct db_conn *c, const char *sql, const struct db_val *v, size_t n,
		int64_t *out /* OUT */);

/** Whether sql, bound with v as its one parameter, gives a row: 1, 0 when
 * it gives none, -1 on an error. */
int db_exists(struct db_conn *c, const char *sql, const char *v);

/** Names the tables whose rows carry a distribution (NULL-terminated,
 * static). From then on db_prepare refuses any statement that names one of
 * them unless it carries the marker that acl_visible writes, or the
 * explicit exemption marker for writes by id after an access check: a read
 * path cannot forget the access predicate. Call once, before serving. */
void db_guard_tables(struct db *db, const char *const *tables);
#define DB_ACL_MARK "/*acl*/"
#define DB_ACL_EXEMPT "/*acl:checked*/"

/** Applies the numbered migrations found in dir (one sub-directory per
 * engine: dir/sqlite, dir/postgres) that are not yet recorded in
 * schema_migrations, each in its own transaction. Writes the count applied
 * to *applied. */
int db_migrate(struct db *db, const char *dir, int *applied /* OUT */, char *err, size_t errlen);

#endif
