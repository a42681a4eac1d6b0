/* The start of a change: a role without the right is refused before the
 * transaction, a missing record or a stale version rolls it back, and a
 * good start leaves the transaction open with the record read. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/err.h"
#include "db/db.h"
#include "domain/row_versioned.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char path[256];
static struct db *db;
static int reads;

/* A record at version 3 for the id "a"; none for any other. */
static int read_a(struct db_conn *c, const struct caller *who, const char *id, json_t **out)
{
	(void)c;
	(void)who;
	reads++;
	if (strcmp(id, "a") != 0)
		return TR_ERR_NOT_FOUND;
	*out = json_pack("{s:s, s:i}", "id", id, "version", 3);
	return TR_OK;
}

static int setup(void **state)
{
	(void)state;
	snprintf(path, sizeof(path), "/tmp/trellis-unit-row-change-%d.db", (int)getpid());
	unlink(path);
	char url[300], err[300];
	snprintf(url, sizeof(url), "sqlite:%s", path);
	assert_int_equal(db_open(url, 1, &db, err, sizeof(err)), TR_OK);
	struct db_conn *c = db_acquire(db);
	assert_int_equal(db_exec(c, "CREATE TABLE t (n BIGINT)"), TR_OK);
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

/* Whether c is inside a transaction: a write there is gone after a
 * rollback. */
static int in_transaction(struct db_conn *c)
{
	assert_int_equal(db_run(c, "INSERT INTO t VALUES (1)"), TR_OK);
	db_rollback(c);
	int64_t n = -1;
	assert_int_equal(db_int_vals(c, "SELECT COUNT(*) FROM t", NULL, 0, &n), TR_OK);
	assert_int_equal(db_run(c, "DELETE FROM t"), TR_OK);
	return n == 0;
}

static void a_change_starts_only_with_the_right_the_record_and_its_version(void **state)
{
	(void)state;
	struct db_conn *c = db_acquire(db);
	struct caller viewer = {.role = ROLE_VIEWER}, admin = {.role = ROLE_ADMIN};
	json_t *cur = (json_t *)1;
	reads = 0;
	assert_int_equal(row_versioned_begin(c, &viewer, RES_SUBSTANCE, ACT_UPDATE, "a", read_a, -1,
					  &cur),
			 TR_ERR_FORBIDDEN);
	assert_null(cur);
	assert_int_equal(reads, 0);
	assert_int_equal(row_versioned_begin(c, &admin, RES_SUBSTANCE, ACT_UPDATE, "b", read_a, -1,
					  &cur),
			 TR_ERR_NOT_FOUND);
	assert_null(cur);
	assert_false(in_transaction(c));
	assert_int_equal(row_versioned_begin(c, &admin, RES_SUBSTANCE, ACT_UPDATE, "a", read_a, 2,
					  &cur),
			 TR_ERR_PRECONDITION);
	assert_null(cur);
	assert_false(in_transaction(c));
	assert_int_equal(row_versioned_begin(c, &admin, RES_SUBSTANCE, ACT_UPDATE, "a", read_a, 3,
					  &cur),
			 TR_OK);
	assert_int_equal(json_integer_value(json_object_get(cur, "version")), 3);
	json_decref(cur);
	assert_true(in_transaction(c));
	db_release(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_change_starts_only_with_the_right_the_record_and_its_version),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
