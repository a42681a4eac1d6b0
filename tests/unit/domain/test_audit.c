/* The keyed audit chain and its signed checkpoints: the key's rules, the
 * upgrade from unkeyed entries, a downgrade or another key caught, and a
 * checkpoint that proves nothing before it changed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/paths.h"
#include "db/db.h"
#include "domain/audit.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KEY_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define KEY_B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static char path[256];
static struct db *db;
static struct db_conn *conn;

static int setup(void **state)
{
	(void)state;
	char url[300], home[4096], dir[4200], err[300];
	int applied;
	assert_true(sodium_init() >= 0);
	snprintf(path, sizeof(path), "/tmp/trellis-unit-audit-%d.db", (int)getpid());
	unlink(path);
	snprintf(url, sizeof(url), "sqlite:%s", path);
	assert_int_equal(tr_home(getenv("TRELLIS_HOME"), home, sizeof(home)), TR_OK);
	assert_int_equal(db_open(url, 2, &db, err, sizeof(err)), TR_OK);
	snprintf(dir, sizeof(dir), "%s/db/migrations", home);
	assert_int_equal(db_migrate(db, dir, &applied, err, sizeof(err)), TR_OK);
	conn = db_acquire(db);
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

static void use_key(const char *hex)
{
	char err[120];
	assert_int_equal(audit_key_load(hex, NULL, err, sizeof(err)), TR_OK);
}

static int append(const char *action)
{
	struct audit_entry e = {.action = action, .resource_type = "test", .detail = "{}"};
	assert_int_equal(db_begin(conn), TR_OK);
	int rc = audit_append(conn, &e, 1700000000000LL);
	if (rc)
		db_rollback(conn);
	else
		assert_int_equal(db_commit(conn), TR_OK);
	return rc;
}

static void exec(const char *sql)
{
	assert_int_equal(db_exec(conn, sql), TR_OK);
}

static void the_key_is_64_hex_characters_and_not_the_data_key(void **state)
{
	(void)state;
	char err[120], id[17];
	assert_int_equal(audit_key_load("abc", NULL, err, sizeof(err)), TR_ERR_INVALID);
	assert_non_null(strstr(err, "64 hexadecimal"));
	assert_int_equal(audit_key_load(KEY_A "00", NULL, err, sizeof(err)), TR_ERR_INVALID);
	assert_int_equal(audit_key_load(KEY_A, KEY_A, err, sizeof(err)), TR_ERR_INVALID);
	assert_non_null(strstr(err, "differ from TRELLIS_SECRET_KEY"));
	/* the same bytes written in capitals are the same key */
	assert_int_equal(audit_key_load(KEY_A,
					"0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
					"0123456789ABCDEF",
					err, sizeof(err)),
			 TR_ERR_INVALID);
	assert_false(audit_key_id(NULL)); /* a refused key leaves none */
	assert_int_equal(audit_key_load(KEY_A, KEY_B, err, sizeof(err)), TR_OK);
	assert_true(audit_key_id(id));
	assert_int_equal(strlen(id), 16);
	assert_null(strstr(KEY_A, id)); /* the id is not a piece of the key */
	assert_int_equal(audit_key_load("", NULL, err, sizeof(err)), TR_OK);
	assert_false(audit_key_id(NULL));
}

static void unkeyed_entries_before_the_key_then_keyed_ones(void **state)
{
	(void)state;
	struct audit_report r;
	char err[160];
	use_key(NULL);
	assert_int_equal(append("old one"), TR_OK);
	assert_int_equal(append("old two"), TR_OK);
	use_key(KEY_A);
	assert_int_equal(audit_key_check(conn, err, sizeof(err)), TR_OK);
	assert_int_equal(append("new one"), TR_OK);
	assert_int_equal(append("new two"), TR_OK);
	assert_int_equal(audit_verify(conn, NULL, &r), TR_OK);
	assert_int_equal(r.count, 4);
	assert_int_equal(r.unkeyed_last, 2);
	/* without the key, or with another, nothing is appended */
	use_key(NULL);
	assert_int_equal(audit_key_check(conn, err, sizeof(err)), TR_ERR_INVALID);
	assert_non_null(strstr(err, "set TRELLIS_AUDIT_KEY"));
	assert_int_equal(append("keyless"), TR_ERR_UNAVAILABLE);
	assert_int_equal(audit_verify(conn, NULL, &r), TR_ERR_INVALID);
	use_key(KEY_B);
	assert_int_equal(audit_key_check(conn, err, sizeof(err)), TR_ERR_INVALID);
	assert_int_equal(append("other key"), TR_ERR_UNAVAILABLE);
	assert_int_equal(audit_verify(conn, NULL, &r), TR_ERR_CONFLICT);
	assert_int_equal(r.broken, 3);
	assert_non_null(strstr(r.why, "another audit key"));
	use_key(KEY_A);
	assert_int_equal(audit_verify(conn, NULL, &r), TR_OK);
	assert_int_equal(r.count, 4);
}

static void a_keyed_entry_made_unkeyed_is_caught(void **state)
{
	(void)state;
	struct audit_report r;
	use_key(KEY_A);
	exec("UPDATE audit_log SET key_id = NULL WHERE seq = 4");
	assert_int_equal(audit_verify(conn, NULL, &r), TR_ERR_CONFLICT);
	assert_int_equal(r.broken, 4);
	assert_non_null(strstr(r.why, "unkeyed link after keyed entries"));
	exec("UPDATE audit_log SET key_id = (SELECT key_id FROM audit_log WHERE seq = 3)"
	     " WHERE seq = 4");
	assert_int_equal(audit_verify(conn, NULL, &r), TR_OK);
}

static void a_checkpoint_is_signed_and_holds_its_entry(void **state)
{
	(void)state;
	struct audit_report r;
	struct audit_checkpoint cp, back;
	unsigned char pk[32], sk[64];
	char line[400], err[120];
	use_key(KEY_A);
	crypto_sign_keypair(pk, sk);
	assert_int_equal(audit_verify(conn, NULL, &r), TR_OK);
	audit_checkpoint_sign(r.count, r.head, 1700000000000LL, sk, &cp);
	assert_int_equal(audit_checkpoint_format(&cp, line, sizeof(line)), TR_OK);
	assert_non_null(strchr(line, '\n'));
	assert_int_equal(audit_checkpoint_parse(line, &back, err, sizeof(err)), TR_OK);
	assert_int_equal(back.seq, r.count);
	assert_string_equal(back.hash, r.head);
	assert_memory_equal(back.pk, pk, sizeof(pk));
	assert_int_equal(audit_verify(conn, &back, &r), TR_OK);
	/* the log goes on after it */
	assert_int_equal(append("after"), TR_OK);
	assert_int_equal(audit_verify(conn, &back, &r), TR_OK);
	/* any changed byte breaks the signature */
	char *seq = strstr(line, "\"seq\":4");
	assert_non_null(seq);
	seq[6] = '3';
	assert_int_equal(audit_checkpoint_parse(line, &back, err, sizeof(err)), TR_ERR_INVALID);
	assert_non_null(strstr(err, "bad signature"));
	assert_int_equal(audit_checkpoint_parse("{}", &back, err, sizeof(err)), TR_ERR_INVALID);
	assert_int_equal(audit_checkpoint_parse("not json", &back, err, sizeof(err)),
			 TR_ERR_INVALID);
	/* a tail removed below it, with the head rewound */
	exec("DELETE FROM audit_log WHERE seq > 3");
	exec("UPDATE audit_head SET seq = 3, hash = (SELECT hash FROM audit_log WHERE seq = 3)");
	assert_int_equal(audit_verify(conn, NULL, &r), TR_OK);
	assert_int_equal(audit_verify(conn, &cp, &r), TR_ERR_CONFLICT);
	assert_non_null(strstr(r.why, "entries after 3 were removed"));
	/* an entry that is not the one signed */
	audit_checkpoint_sign(2, "00000000000000000000000000000000000000000000000000000000000000ff",
			      1700000000000LL, sk, &cp);
	assert_int_equal(audit_verify(conn, &cp, &r), TR_ERR_CONFLICT);
	assert_int_equal(r.broken, 2);
	sodium_memzero(sk, sizeof(sk));
}

static void a_signing_key_file_holds_64_hex_characters(void **state)
{
	(void)state;
	char file[300];
	unsigned char sk[64];
	snprintf(file, sizeof(file), "%s.key", path);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fputs(KEY_B "\n", f);
	fclose(f);
	assert_int_equal(audit_signing_key_read(file, sk), TR_OK);
	f = fopen(file, "w");
	fputs("nope\n", f);
	fclose(f);
	assert_int_equal(audit_signing_key_read(file, sk), TR_ERR_INVALID);
	unlink(file);
	assert_int_equal(audit_signing_key_read(file, sk), TR_ERR_IO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(the_key_is_64_hex_characters_and_not_the_data_key),
	    cmocka_unit_test(unkeyed_entries_before_the_key_then_keyed_ones),
	    cmocka_unit_test(a_keyed_entry_made_unkeyed_is_caught),
	    cmocka_unit_test(a_checkpoint_is_signed_and_holds_its_entry),
	    cmocka_unit_test(a_signing_key_file_holds_64_hex_characters),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
