/* The storage adapter on SQLite, and the placeholder rewriting for
 * PostgreSQL (the API tests run every query on a real PostgreSQL too). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/err.h"
#include "db/db.h"
#include "db/db_impl.h"
#include "db/query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void placeholders_become_numbered_outside_quotes(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 1000);
	int n = 0;
	dbpg_rewrite("SELECT '?', \"a?\" FROM t WHERE a = ? AND b IN (?, ?)", &b, &n);
	assert_string_equal(b.data, "SELECT '?', \"a?\" FROM t WHERE a = $1 AND b IN ($2, $3)");
	assert_int_equal(n, 3);
	buf_free(&b);
}

static struct db *open_temp(char *path, size_t n)
{
	snprintf(path, n, "/tmp/trellis-unit-%d.db", (int)getpid());
	unlink(path);
	char url[300], err[300];
	snprintf(url, sizeof(url), "sqlite:%s", path);
	struct db *db = NULL;
	assert_int_equal(db_open(url, 2, &db, err, sizeof(err)), TR_OK);
	return db;
}

static void statements_bind_step_and_are_cached(void **state)
{
	(void)state;
	char path[256];
	struct db *db = open_temp(path, sizeof(path));
	struct db_conn *c = db_acquire(db);
	assert_int_equal(db_exec(c, "CREATE TABLE t (a TEXT, b BIGINT, c DOUBLE PRECISION)"),
			 TR_OK);
	for (int i = 0; i < 3; i++) {
		struct db_stmt *s;
		assert_int_equal(db_prepare(c, "INSERT INTO t VALUES (?, ?, ?)", &s), TR_OK);
		db_bind_text(s, 1, i == 2 ? NULL : "x");
		db_bind_int64(s, 2, 1LL << 40);
		db_bind_double(s, 3, 0.5 * i);
		assert_int_equal(db_step(s), DB_DONE);
		db_done(s);
	}
	struct db_stmt *s;
	assert_int_equal(db_prepare(c, "SELECT a, b, c FROM t ORDER BY c", &s), TR_OK);
	assert_int_equal(db_step(s), DB_ROW);
	assert_string_equal(db_col_text(s, 0), "x");
	assert_int_equal(db_col_int64(s, 1), 1LL << 40);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_step(s), DB_ROW);
	assert_true(db_col_is_null(s, 0));
	assert_null(db_col_text(s, 0));
	assert_true(db_col_double(s, 2) == 1.0);
	assert_int_equal(db_step(s), DB_DONE);
	db_done(s);
	db_release(c);
	db_close(db);
	unlink(path);
}

static void a_list_of_values_binds_runs_and_reads_one_row(void **state)
{
	(void)state;
	char path[256];
	struct db *db = open_temp(path, sizeof(path));
	struct db_conn *c = db_acquire(db);
	assert_int_equal(
	    db_exec(c, "CREATE TABLE v (a TEXT, b BIGINT, c DOUBLE PRECISION, d TEXT)"), TR_OK);
	assert_int_equal(db_run_vals(c, "INSERT INTO v VALUES (?, ?, ?, ?)",
				     DB_VALS(DB_TEXT("x"), DB_INT(7), DB_REAL(0.5), DB_NULL)),
			 TR_OK);
	assert_int_equal(db_run_vals(c, "INSERT INTO v VALUES (?, ?, ?, ?)",
				     DB_VALS(DB_TEXT(NULL), DB_INT(8), DB_REAL(1), DB_TEXT("y"))),
			 TR_OK);
	struct db_stmt *s;
	assert_int_equal(
	    db_row_vals(c, "SELECT a, c, d FROM v WHERE b = ?", DB_VALS(DB_INT(7)), &s), TR_OK);
	assert_string_equal(db_col_text(s, 0), "x");
	assert_true(db_col_double(s, 1) == 0.5);
	assert_true(db_col_is_null(s, 2));
	db_done(s);
	assert_int_equal(db_row_vals(c, "SELECT a FROM v WHERE b = ?", DB_VALS(DB_INT(9)), &s),
			 TR_ERR_NOT_FOUND);
	assert_null(s);
	int64_t n = 0;
	assert_int_equal(db_int_vals(c, "SELECT COUNT(*) FROM v WHERE a IS NULL", NULL, 0, &n),
			 TR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(db_exists(c, "SELECT 1 FROM v WHERE d = ?", "y"), 1);
	assert_int_equal(db_exists(c, "SELECT 1 FROM v WHERE d = ?", "z"), 0);
	assert_int_equal(db_exists(c, "SELECT 1 FROM nowhere WHERE d = ?", "z"), -1);
	db_release(c);
	db_close(db);
	unlink(path);
}

static void finding_a_row_is_ok_not_found_or_the_error(void **state)
{
	(void)state;
	char path[256];
	struct db *db = open_temp(path, sizeof(path));
	struct db_conn *c = db_acquire(db);
	assert_int_equal(db_exec(c, "CREATE TABLE f (a TEXT, b BIGINT)"), TR_OK);
	assert_int_equal(
	    db_run_vals(c, "INSERT INTO f VALUES (?, ?)", DB_VALS(DB_TEXT("x"), DB_INT(1))), TR_OK);
	assert_int_equal(db_find_vals(c, "SELECT 1 FROM f WHERE a = ?", DB_VALS(DB_TEXT("x"))),
			 TR_OK);
	assert_int_equal(db_find_vals(c, "SELECT 1 FROM f WHERE a = ?", DB_VALS(DB_TEXT("y"))),
			 TR_ERR_NOT_FOUND);
	assert_int_equal(
	    db_find_vals(c, "SELECT 1 FROM nowhere WHERE a = ?", DB_VALS(DB_TEXT("x"))), TR_ERR_DB);
	/* a lock is a find (SQLite's write transaction already serialises) */
	assert_int_equal(db_begin(c), TR_OK);
	assert_int_equal(db_lock_vals(c, "SELECT 1 FROM f WHERE a = ?", DB_VALS(DB_TEXT("x"))),
			 TR_OK);
	assert_int_equal(db_lock_vals(c, "SELECT 1 FROM f WHERE a = ?", DB_VALS(DB_TEXT("y"))),
			 TR_ERR_NOT_FOUND);
	assert_int_equal(db_commit(c), TR_OK);
	struct query q;
	query_init(&q);
	query_text(&q, "SELECT 1 FROM f WHERE a = ?", "x");
	query_int(&q, " AND b = ?", 1);
	assert_int_equal(query_find(&q, c), TR_OK);
	query_init(&q);
	query_text(&q, "SELECT 1 FROM f WHERE a = ?", "x");
	query_int(&q, " AND b = ?", 2);
	assert_int_equal(query_find(&q, c), TR_ERR_NOT_FOUND);
	/* the statement is finished either way: the connection takes the next */
	struct db_stmt *s;
	assert_int_equal(db_prepare(c, "SELECT b FROM f", &s), TR_OK);
	assert_int_equal(db_step_found(s), TR_OK);
	assert_int_equal(db_prepare(c, "SELECT b FROM f WHERE b > 5", &s), TR_OK);
	assert_int_equal(db_step_found(s), TR_ERR_NOT_FOUND);
	db_release(c);
	db_close(db);
	unlink(path);
}

static void a_row_by_one_text_key_is_read_or_not_found(void **state)
{
	(void)state;
	char path[256];
	struct db *db = open_temp(path, sizeof(path));
	struct db_conn *c = db_acquire(db);
	assert_int_equal(db_exec(c, "CREATE TABLE k (id TEXT, n BIGINT)"), TR_OK);
	assert_int_equal(
	    db_run_vals(c, "INSERT INTO k VALUES (?, ?)", DB_VALS(DB_TEXT("a"), DB_INT(7))), TR_OK);
	struct db_stmt *s = NULL;
	assert_int_equal(db_row_text(c, "SELECT n FROM k WHERE id = ?", "a", &s), TR_OK);
	assert_non_null(s);
	assert_int_equal(db_col_int64(s, 0), 7);
	db_done(s);
	assert_int_equal(db_row_text(c, "SELECT n FROM k WHERE id = ?", "b", &s), TR_ERR_NOT_FOUND);
	assert_null(s);
	assert_int_equal(db_row_text(c, "SELECT n FROM nowhere WHERE id = ?", "a", &s), TR_ERR_DB);
	db_release(c);
	db_close(db);
	unlink(path);
}

static void a_write_steps_to_its_end_or_is_a_db_error(void **state)
{
	(void)state;
	char path[256];
	struct db *db = open_temp(path, sizeof(path));
	struct db_conn *c = db_acquire(db);
	assert_int_equal(db_exec(c, "CREATE TABLE w (id TEXT PRIMARY KEY)"), TR_OK);
	struct db_stmt *s;
	assert_int_equal(db_prepare_vals(c, "INSERT INTO w VALUES (?)", DB_VALS(DB_TEXT("a")), &s),
			 TR_OK);
	assert_int_equal(db_step_done(s), TR_OK);
	/* a constraint violation, or a row where none was wanted */
	assert_int_equal(db_prepare_vals(c, "INSERT INTO w VALUES (?)", DB_VALS(DB_TEXT("a")), &s),
			 TR_OK);
	assert_int_equal(db_step_done(s), TR_ERR_DB);
	assert_int_equal(db_prepare(c, "SELECT id FROM w", &s), TR_OK);
	assert_int_equal(db_step_done(s), TR_ERR_DB);
	/* finished either way: the same text prepares again */
	assert_int_equal(db_prepare(c, "SELECT id FROM w", &s), TR_OK);
	db_done(s);
	assert_int_equal(db_write_vals(c, "INSERT INTO w VALUES (?)", DB_VALS(DB_TEXT("b"))),
			 TR_OK);
	assert_int_equal(db_write_vals(c, "INSERT INTO w VALUES (?)", DB_VALS(DB_TEXT("b"))),
			 TR_ERR_DB);
	assert_int_equal(db_write_vals(c, "INSERT INTO nowhere VALUES (?)", DB_VALS(DB_TEXT("b"))),
			 TR_ERR_DB);
	/* a query's first row, or not found */
	struct query q;
	query_init(&q);
	query_text(&q, "SELECT id FROM w WHERE id = ?", "b");
	assert_int_equal(query_row(&q, c, &s), TR_OK);
	assert_string_equal(db_col_text(s, 0), "b");
	db_done(s);
	query_init(&q);
	query_text(&q, "SELECT id FROM w WHERE id = ?", "z");
	assert_int_equal(query_row(&q, c, &s), TR_ERR_NOT_FOUND);
	assert_null(s);
	db_release(c);
	db_close(db);
	unlink(path);
}

static void a_unique_violation_is_a_conflict(void **state)
{
	(void)state;
	char path[256];
	struct db *db = open_temp(path, sizeof(path));
	struct db_conn *c = db_acquire(db);
	db_exec(c, "CREATE TABLE u (k TEXT PRIMARY KEY)");
	assert_int_equal(db_run(c, "INSERT INTO u VALUES ('a')"), TR_OK);
	assert_int_equal(db_run(c, "INSERT INTO u VALUES ('a')"), TR_ERR_CONFLICT);
	db_release(c);
	db_close(db);
	unlink(path);
}

static void release_rolls_back_an_open_transaction(void **state)
{
	(void)state;
	char path[256];
	struct db *db = open_temp(path, sizeof(path));
	struct db_conn *c = db_acquire(db);
	db_exec(c, "CREATE TABLE r (k TEXT)");
	assert_int_equal(db_begin(c), TR_OK);
	db_run(c, "INSERT INTO r VALUES ('lost')");
	db_release(c);
	c = db_acquire(db);
	struct db_stmt *s;
	db_prepare(c, "SELECT count(*) FROM r", &s);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_col_int64(s, 0), 0);
	db_done(s);
	db_release(c);
	db_close(db);
	unlink(path);
}

static void migrations_apply_once_in_order(void **state)
{
	(void)state;
	char path[256], dir[256], err[300] = "";
	struct db *db = open_temp(path, sizeof(path));
	snprintf(dir, sizeof(dir), "/tmp/trellis-mig-%d", (int)getpid());
	char cmd[700];
	snprintf(cmd, sizeof(cmd),
		 "rm -rf %s && mkdir -p %s/sqlite && echo 'CREATE TABLE a (x TEXT);' > "
		 "%s/sqlite/0001_a.sql && echo 'INSERT INTO a VALUES (1);' > %s/sqlite/0002_b.sql",
		 dir, dir, dir, dir);
	assert_int_equal(system(cmd), 0);
	int applied = -1;
	assert_int_equal(db_migrate(db, dir, &applied, err, sizeof(err)), TR_OK);
	assert_int_equal(applied, 2);
	assert_int_equal(db_migrate(db, dir, &applied, err, sizeof(err)), TR_OK);
	assert_int_equal(applied, 0);
	/* a failing migration leaves nothing behind */
	snprintf(cmd, sizeof(cmd),
		 "echo 'INSERT INTO a VALUES (2); BROKEN;' > %s/sqlite/0003_c.sql", dir);
	assert_int_equal(system(cmd), 0);
	assert_int_not_equal(db_migrate(db, dir, &applied, err, sizeof(err)), TR_OK);
	assert_non_null(strstr(err, "0003_c.sql"));
	struct db_conn *c = db_acquire(db);
	struct db_stmt *s;
	db_prepare(c, "SELECT count(*) FROM a", &s);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_col_int64(s, 0), 1);
	db_done(s);
	db_release(c);
	db_close(db);
	unlink(path);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* One set of migrations: the shared files run on both engines, an engine's
 * own file of the same name takes the place of the shared one, and a
 * version written for the other engine only is refused. */
static void shared_migrations_and_an_engines_own(void **state)
{
	(void)state;
	char path[256], dir[256], err[300] = "";
	struct db *db = open_temp(path, sizeof(path));
	snprintf(dir, sizeof(dir), "/tmp/trellis-mig2-%d", (int)getpid());
	char cmd[900];
	snprintf(cmd, sizeof(cmd),
		 "rm -rf %s && mkdir -p %s/sqlite %s/postgres"
		 " && echo 'CREATE TABLE a (x TEXT);' > %s/0001_a.sql"
		 " && echo 'INSERT INTO a VALUES (1);' > %s/0002_b.sql"
		 " && echo 'INSERT INTO a VALUES (2);' > %s/sqlite/0002_b.sql"
		 " && echo 'BROKEN;' > %s/postgres/0002_b.sql",
		 dir, dir, dir, dir, dir, dir, dir);
	assert_int_equal(system(cmd), 0);
	int applied = -1;
	assert_int_equal(db_migrate(db, dir, &applied, err, sizeof(err)), TR_OK);
	assert_int_equal(applied, 2);
	struct db_conn *c = db_acquire(db);
	struct db_stmt *s;
	db_prepare(c, "SELECT group_concat(x) FROM a", &s);
	assert_int_equal(db_step(s), DB_ROW);
	assert_string_equal(db_col_text(s, 0), "2");
	db_done(s);
	db_release(c);
	snprintf(cmd, sizeof(cmd), "echo 'SELECT 1;' > %s/postgres/0003_c.sql", dir);
	assert_int_equal(system(cmd), 0);
	assert_int_not_equal(db_migrate(db, dir, &applied, err, sizeof(err)), TR_OK);
	assert_non_null(strstr(err, "0003_c.sql is written for postgres only"));
	db_close(db);
	unlink(path);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void guarded_tables_need_the_access_predicate(void **state)
{
	(void)state;
	char path[256];
	static const char *const guarded[] = {"alerts", NULL};
	struct db *db = open_temp(path, sizeof(path));
	db_guard_tables(db, guarded);
	struct db_conn *c = db_acquire(db);
	assert_int_equal(
	    db_exec(c, "CREATE TABLE alerts (id TEXT); CREATE TABLE alerts_x (id TEXT)"), TR_OK);
	struct db_stmt *s;
	assert_int_equal(db_prepare(c, "SELECT id FROM alerts", &s), TR_ERR_INTERNAL);
	assert_non_null(strstr(db_errmsg(c), "alerts"));
	assert_int_equal(db_prepare(c, "SELECT a.id FROM x JOIN alerts a ON 1", &s),
			 TR_ERR_INTERNAL);
	/* other tables whose names contain the word are not guarded */
	assert_int_equal(db_prepare(c, "SELECT id FROM alerts_x", &s), TR_OK);
	db_done(s);
	assert_int_equal(db_prepare(c, "SELECT id FROM alerts a WHERE 1 " DB_ACL_MARK " AND 1", &s),
			 TR_OK);
	db_done(s);
	assert_int_equal(db_prepare(c, "UPDATE alerts " DB_ACL_EXEMPT " SET id = 'x'", &s), TR_OK);
	db_done(s);
	db_release(c);
	db_close(db);
	unlink(path);
}

/* Every commit moves the write counter (db_write_gen); and the WAL starts
 * over after its checkpoints, so that many small commits keep it to a few
 * MiB (a checkpointer beside the writer once let it grow by every commit). */
static void commits_move_the_counter_and_the_wal_stays_small(void **state)
{
	(void)state;
	char path[256], wal[300];
	struct db *db = open_temp(path, sizeof(path));
	snprintf(wal, sizeof(wal), "%s-wal", path);
	struct db_conn *c = db_acquire(db);
	uint64_t g0, g1;
	assert_true(db_write_gen(c, &g0));
	assert_int_equal(db_exec(c, "CREATE TABLE w (a TEXT)"), TR_OK);
	for (int i = 0; i < 4000; i++) {
		assert_int_equal(db_begin(c), TR_OK);
		assert_int_equal(db_exec(c, "INSERT INTO w VALUES ('a row of a few bytes')"),
				 TR_OK);
		assert_int_equal(db_commit(c), TR_OK);
	}
	assert_true(db_write_gen(c, &g1));
	assert_true(g1 >= g0 + 4000);
	FILE *f = fopen(wal, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fclose(f);
	if (size > 8L << 20)
		fail_msg("the WAL is %ld bytes after 4,000 commits", size);
	db_release(c);
	db_close(db);
	unlink(path);
	unlink(wal);
	char gen[300];
	snprintf(gen, sizeof(gen), "%s-gen", path);
	unlink(gen);
}

/* The counter file beside the database takes the database file's mode, as
 * SQLite's -wal and -shm do: a user who may write the database but could
 * not open a 0600 counter would write without moving it. */
static void the_counter_file_has_the_database_files_mode(void **state)
{
	(void)state;
	char path[256], gen[300], url[300], err[300];
	snprintf(path, sizeof(path), "/tmp/trellis-unit-mode-%d.db", (int)getpid());
	snprintf(gen, sizeof(gen), "%s-gen", path);
	unlink(path);
	unlink(gen);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(chmod(path, 0664), 0);
	snprintf(url, sizeof(url), "sqlite:%s", path);
	struct db *db = NULL;
	assert_int_equal(db_open(url, 2, &db, err, sizeof(err)), TR_OK);
	struct stat st;
	assert_int_equal(stat(gen, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0664);
	db_close(db);
	unlink(path);
	unlink(gen);
	char wal[300];
	snprintf(wal, sizeof(wal), "%s-wal", path);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", path);
	unlink(wal);
}

static void bad_urls_are_refused(void **state)
{
	(void)state;
	struct db *db = NULL;
	char err[300];
	assert_int_equal(db_open("mysql://x", 1, &db, err, sizeof(err)), TR_ERR_INVALID);
	assert_int_equal(db_open("sqlite:", 1, &db, err, sizeof(err)), TR_ERR_INVALID);
	assert_int_not_equal(db_open("sqlite:/nonexistent/dir/x.db", 1, &db, err, sizeof(err)),
			     TR_OK);
	assert_null(strchr(err, '\n'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(placeholders_become_numbered_outside_quotes),
	    cmocka_unit_test(statements_bind_step_and_are_cached),
	    cmocka_unit_test(a_list_of_values_binds_runs_and_reads_one_row),
	    cmocka_unit_test(finding_a_row_is_ok_not_found_or_the_error),
	    cmocka_unit_test(a_row_by_one_text_key_is_read_or_not_found),
	    cmocka_unit_test(a_write_steps_to_its_end_or_is_a_db_error),
	    cmocka_unit_test(a_unique_violation_is_a_conflict),
	    cmocka_unit_test(release_rolls_back_an_open_transaction),
	    cmocka_unit_test(migrations_apply_once_in_order),
	    cmocka_unit_test(shared_migrations_and_an_engines_own),
	    cmocka_unit_test(guarded_tables_need_the_access_predicate),
	    cmocka_unit_test(commits_move_the_counter_and_the_wal_stays_small),
	    cmocka_unit_test(the_counter_file_has_the_database_files_mode),
	    cmocka_unit_test(bad_urls_are_refused),
	};
	return cmocka_run_group_tests_name("db", tests, NULL, NULL);
}
