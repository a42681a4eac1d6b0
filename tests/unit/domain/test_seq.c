/* Change numbers: every write takes the next one, numbers commit in their
 * order, and a transaction of many writes takes the counter's row once per
 * block (doubling), not once per write: on PostgreSQL each update of that
 * row in one transaction leaves a version the next update walks past, and a
 * bulk import became quadratic. What a transaction took and did not use goes
 * back before its commit, so the counter is the last number used. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/err.h"
#include "db/db.h"
#include "domain/seq.h"

#include <stdio.h>
#include <unistd.h>

static char path[256];
static struct db *db;

static int64_t counter(struct db_conn *c)
{
	struct db_stmt *s;
	assert_int_equal(db_prepare(c, "SELECT n FROM alert_seq WHERE id = 1", &s), TR_OK);
	assert_int_equal(db_step(s), DB_ROW);
	int64_t n = db_col_int64(s, 0);
	db_done(s);
	return n;
}

static int64_t take(struct db_conn *c)
{
	int64_t n = -1;
	assert_int_equal(seq_next(c, &n), TR_OK);
	return n;
}

static int setup(void **state)
{
	(void)state;
	snprintf(path, sizeof(path), "/tmp/trellis-unit-seq-%d.db", (int)getpid());
	unlink(path);
	char url[300], err[300];
	snprintf(url, sizeof(url), "sqlite:%s", path);
	assert_int_equal(db_open(url, 1, &db, err, sizeof(err)), TR_OK);
	struct db_conn *c = db_acquire(db);
	assert_int_equal(db_exec(c, "CREATE TABLE alert_seq (id INTEGER PRIMARY KEY, n BIGINT);"
				    "INSERT INTO alert_seq VALUES (1, 0);"
				    "CREATE TABLE t (id TEXT PRIMARY KEY, seq BIGINT);"
				    "INSERT INTO t VALUES ('a', 0), ('b', 0)"),
			 TR_OK);
	db_release(c);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	db_close(db);
	unlink(path);
	return 0;
}

static void a_write_outside_a_transaction_takes_exactly_one(void **state)
{
	(void)state;
	struct db_conn *c = db_acquire(db);
	int64_t before = counter(c);
	assert_int_equal(take(c), before + 1);
	assert_int_equal(take(c), before + 2);
	assert_int_equal(counter(c), before + 2);
	db_release(c);
}

static void many_writes_in_one_transaction_take_the_row_once_per_block(void **state)
{
	(void)state;
	struct db_conn *c = db_acquire(db);
	int64_t before = counter(c);
	assert_int_equal(db_begin(c), TR_OK);
	for (int i = 1; i <= 10; i++)
		assert_int_equal(take(c), before + i);
	/* blocks of 1, 2, 4 and 8: four updates of the row, not ten */
	assert_int_equal(counter(c), before + 15);
	assert_int_equal(db_commit(c), TR_OK);
	/* the unused end went back before the commit: no gap */
	assert_int_equal(counter(c), before + 10);
	assert_int_equal(db_begin(c), TR_OK);
	assert_int_equal(take(c), before + 11);
	assert_int_equal(counter(c), before + 11);
	assert_int_equal(db_commit(c), TR_OK);
	db_release(c);
}

static void a_rollback_forgets_the_block_with_the_row(void **state)
{
	(void)state;
	struct db_conn *c = db_acquire(db);
	int64_t before = counter(c);
	assert_int_equal(db_begin(c), TR_OK);
	assert_int_equal(take(c), before + 1);
	assert_int_equal(take(c), before + 2);
	assert_int_equal(db_rollback(c), TR_OK);
	assert_int_equal(counter(c), before);
	assert_int_equal(db_begin(c), TR_OK);
	assert_int_equal(take(c), before + 1);
	assert_int_equal(db_exec(c, "SAVEPOINT x"), TR_OK);
	assert_int_equal(take(c), before + 2);
	assert_int_equal(take(c), before + 3);
	assert_int_equal(db_exec(c, "ROLLBACK TO SAVEPOINT x; RELEASE SAVEPOINT x"), TR_OK);
	/* the savepoint took the row back: the numbers after it are free again,
	 * and none is handed out twice in what commits */
	assert_int_equal(counter(c), before + 1);
	assert_int_equal(take(c), before + 2);
	assert_int_equal(counter(c), before + 2);
	assert_int_equal(db_commit(c), TR_OK);
	db_release(c);
}

static void a_stamp_sets_the_rows_number(void **state)
{
	(void)state;
	struct db_conn *c = db_acquire(db);
	int64_t before = counter(c);
	assert_int_equal(db_begin(c), TR_OK);
	assert_int_equal(seq_stamp(c, "t", "r", "r.id", "a"), TR_OK);
	assert_int_equal(seq_stamp(c, "t", "r", "r.id", "b"), TR_OK);
	assert_int_equal(db_commit(c), TR_OK);
	struct db_stmt *s;
	assert_int_equal(db_prepare(c, "SELECT seq FROM t ORDER BY id", &s), TR_OK);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_col_int64(s, 0), before + 1);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_col_int64(s, 0), before + 2);
	db_done(s);
	db_release(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_write_outside_a_transaction_takes_exactly_one),
	    cmocka_unit_test(many_writes_in_one_transaction_take_the_row_once_per_block),
	    cmocka_unit_test(a_rollback_forgets_the_block_with_the_row),
	    cmocka_unit_test(a_stamp_sets_the_rows_number),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
