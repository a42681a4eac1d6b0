/* The fan-out of a new record to its subscribers leaves every statement it
 * prepared finished, matched or not: a statement left busy is prepared
 * afresh by the next record, and a bulk write on one connection (an import,
 * bench/alerts/gen) filled the statement cache with one per record. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include "core/err.h"
#include "core/paths.h"
#include "db/db.h"
#include "db/db_impl.h"
#include "domain/notify.h"
#include "domain/org.h"
#include "domain/user.h"

#include <sodium.h>
#include <stdio.h>
#include <unistd.h>

static char path[256];
static struct db *db;
static struct db_conn *conn;
static char user[37];

static int setup(void **state)
{
	(void)state;
	char url[300], home[4096], dir[4200], err[300], org[37];
	const char *field;
	int applied;
	assert_true(sodium_init() >= 0);
	snprintf(path, sizeof(path), "/tmp/trellis-unit-notify-fanout-%d.db", (int)getpid());
	unlink(path);
	snprintf(url, sizeof(url), "sqlite:%s", path);
	assert_int_equal(tr_home(getenv("TRELLIS_HOME"), home, sizeof(home)), TR_OK);
	assert_int_equal(db_open(url, 1, &db, err, sizeof(err)), TR_OK);
	snprintf(dir, sizeof(dir), "%s/db/migrations", home);
	assert_int_equal(db_migrate(db, dir, &applied, err, sizeof(err)), TR_OK);
	conn = db_acquire(db);
	assert_int_equal(db_exec(conn,
				 "INSERT INTO countries VALUES"
				 " ('AT', 'AUT', 'Austria', 'Autriche', 'participating_state')"),
			 TR_OK);
	assert_int_equal(org_add_cli(conn, "Fan-out Police", "police", "AT", org, &field), TR_OK);
	assert_int_equal(
	    user_add_cli(conn, "fanout@example.org", "Fan", org, "analyst", NULL, user), TR_OK);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	db_release(conn);
	db_close(db);
	unlink(path);
	return 0;
}

static int busy_statements(void)
{
	int n = 0;
	for (int b = 0; b < DB_CACHE_BUCKETS; b++)
		for (struct db_stmt *s = conn->cache[b]; s; s = s->next)
			n += s->busy;
	return n;
}

/* n new alerts shared with the whole network; the recipients of the last. */
static int publish(int n)
{
	struct notify_record r = {.type = "alert",
				  .res = RES_ALERT,
				  .org_id = "00000000-0000-7000-8000-000000000001",
				  .share = 1,
				  .dist = DIST_NETWORK,
				  .country = "AT"};
	int matched = -1;
	for (int i = 0; i < n; i++) {
		char id[37];
		snprintf(id, sizeof(id), "00000000-0000-7000-8000-%012d", i + 1);
		r.id = id;
		assert_int_equal(notify_record_new(conn, &r, 1000 + i, &matched), TR_OK);
	}
	return matched;
}

static void a_record_nobody_subscribes_to_leaves_no_statement_busy(void **state)
{
	(void)state;
	assert_int_equal(publish(1), 0);
	assert_int_equal(busy_statements(), 0);
	int cached = conn->cached;
	assert_int_equal(publish(50), 0);
	assert_int_equal(conn->cached, cached);
}

static void a_record_delivered_to_a_subscriber_leaves_no_statement_busy(void **state)
{
	(void)state;
	assert_int_equal(
	    db_run_vals(conn,
			"INSERT INTO subscriptions (id, user_id, record_type, delivery,"
			" created_at, updated_at) VALUES (?, ?, 'alert', 'inbox', 0, 0)",
			DB_VALS(DB_TEXT("00000000-0000-7000-8000-0000000000aa"), DB_TEXT(user))),
	    TR_OK);
	assert_int_equal(publish(1), 1);
	assert_int_equal(busy_statements(), 0);
	int cached = conn->cached;
	assert_int_equal(publish(50), 1);
	assert_int_equal(conn->cached, cached);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_record_nobody_subscribes_to_leaves_no_statement_busy),
	    cmocka_unit_test(a_record_delivered_to_a_subscriber_leaves_no_statement_busy),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
