/* The record helpers that read through a connection: one row of a query
 * (row_query_first), rows keyed by their first column (row_keyed_vals),
 * whether a reader sees a record (row_seen), and the start of a create of
 * a shareable record (row_share_begin), on an SQLite database of one
 * table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/err.h"
#include "db/db.h"
#include "domain/row.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char path[256];
static struct db *db;

static int setup(void **state)
{
	(void)state;
	snprintf(path, sizeof(path), "/tmp/trellis-unit-row-%d.db", (int)getpid());
	unlink(path);
	char url[300], err[300];
	snprintf(url, sizeof(url), "sqlite:%s", path);
	assert_int_equal(db_open(url, 1, &db, err, sizeof(err)), TR_OK);
	struct db_conn *c = db_acquire(db);
	assert_int_equal(db_exec(c, "CREATE TABLE t (id TEXT PRIMARY KEY, k TEXT, v BIGINT);"
				    "INSERT INTO t VALUES ('a', 'x', 1), ('b', 'y', 2), ('c', 'x', 3)"),
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

static void the_first_row_of_a_query_is_found_or_not_found(void **state)
{
	(void)state;
	struct db_conn *c = db_acquire(db);
	struct query q;
	struct db_stmt *s;
	query_init(&q);
	query_text(&q, "SELECT v FROM t WHERE id = ?", "b");
	assert_int_equal(row_query_first(&q, c, &s), TR_OK);
	assert_int_equal(db_col_int64(s, 0), 2);
	db_done(s);
	query_init(&q);
	query_text(&q, "SELECT v FROM t WHERE id = ?", "none");
	assert_int_equal(row_query_first(&q, c, &s), TR_ERR_NOT_FOUND);
	db_release(c);
}

static json_t *v_row(struct db_stmt *s)
{
	return json_integer(db_col_int64(s, 1));
}

static void keyed_rows_keep_the_last_value_of_each_key(void **state)
{
	(void)state;
	struct db_conn *c = db_acquire(db);
	json_t *by = json_object();
	assert_int_equal(row_keyed_vals(c, "SELECT k, v FROM t WHERE v >= ? ORDER BY v",
					DB_VALS(DB_INT(1)), v_row, by),
			 TR_OK);
	assert_int_equal(json_object_size(by), 2);
	assert_int_equal(json_integer_value(json_object_get(by, "x")), 3);
	assert_int_equal(json_integer_value(json_object_get(by, "y")), 2);
	json_decref(by);
	db_release(c);
}

/* A reader that sees the rows of t but "c". */
static int read_t(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	(void)who;
	if (strcmp(id, "c") == 0)
		return TR_ERR_NOT_FOUND;
	return row_one_vals(c, "SELECT k, v FROM t WHERE id = ?", DB_VALS(DB_TEXT(id)), v_row,
			    out);
}

static void a_record_is_seen_when_its_reader_reads_it(void **state)
{
	(void)state;
	struct db_conn *c = db_acquire(db);
	struct caller who;
	memset(&who, 0, sizeof(who));
	assert_int_equal(row_seen(c, &who, "a", read_t), TR_OK);
	assert_int_equal(row_seen(c, &who, "c", read_t), TR_ERR_NOT_FOUND);
	assert_int_equal(row_seen(c, &who, "none", read_t), TR_ERR_NOT_FOUND);
	db_release(c);
}

static void a_create_wider_than_the_role_may_share_opens_no_transaction(void **state)
{
	(void)state;
	struct db_conn *c = db_acquire(db);
	struct caller who;
	memset(&who, 0, sizeof(who));
	who.role = ROLE_VIEWER;
	const char *field = NULL;
	json_t *rec = json_pack("{s:s, s:s}", "distribution", "network", "tlp", "green");
	assert_int_equal(row_share_begin(c, &who, SHARE_ACTIVITY, 1, rec, &field),
			 TR_ERR_FORBIDDEN);
	assert_string_equal(field, "distribution");
	assert_null(db_tx_range(c));
	rec = json_pack("{s:s, s:s}", "distribution", "organisation", "tlp", "green");
	field = NULL;
	assert_int_equal(row_share_begin(c, &who, SHARE_ACTIVITY, 1, rec, &field), TR_OK);
	assert_non_null(db_tx_range(c));
	assert_int_equal(db_end(c, TR_OK), TR_OK);
	json_decref(rec);
	db_release(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(the_first_row_of_a_query_is_found_or_not_found),
	    cmocka_unit_test(keyed_rows_keep_the_last_value_of_each_key),
	    cmocka_unit_test(a_record_is_seen_when_its_reader_reads_it),
	    cmocka_unit_test(a_create_wider_than_the_role_may_share_opens_no_transaction),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
