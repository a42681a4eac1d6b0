/* bench/notify: an alert that matches N subscriptions (default 10,000):
 * the time Trellis takes to write the N inbox items and queue the N
 * e-mails in one transaction (notify_alert_published, with its matching
 * and access checks), against a bare SQLite loop inserting the same rows
 * (same tables and indexes, same ids) in one transaction. Both on SQLite
 * with WAL and synchronous=FULL, in one run; the best of 5 of each.
 * Prints the times and ratio = bare / trellis (the floor is 0.5).
 *   build/bench/notify/fanout_bench DIR [N] */
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "db/db.h"
#include "domain/notify.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUNDS 5

static double seconds(void)
{
	return (double)tr_mono_ns() / 1e9;
}

static int run(struct db_conn *c, const char *sql)
{
	int rc = db_exec(c, sql);
	if (rc)
		fprintf(stderr, "fanout_bench: %s: %s\n", sql, db_errmsg(c));
	return rc;
}

/* N users of one organisation, each with one e-mail subscription to
 * alerts of category new_substance. */
static int seed(struct db_conn *c, int n)
{
	if (run(c, "INSERT INTO countries (iso2, iso3, name_en, name_fr, osce_status) VALUES "
		   "('AT', 'AUT',"
		   " 'Austria', 'Autriche', 'participating_state')") ||
	    run(c, "INSERT INTO organisations (id, name, kind, country, created_at, updated_at)"
		   " VALUES ('org', 'Vienna Police', 'police', 'AT', 0, 0)") ||
	    db_begin(c))
		return 1;
	for (int i = 0; i < n; i++) {
		char id[37], sub[37], email[64];
		tr_uuid7(id);
		tr_uuid7(sub);
		snprintf(email, sizeof(email), "analyst%d@vienna.example", i);
		struct db_stmt *s;
		if (db_prepare(c,
			       "INSERT INTO users (id, email, name, org_id, role, created_at,"
			       " updated_at) VALUES (?, ?, 'Analyst', 'org', 'analyst', 0, 0)",
			       &s))
			return 1;
		db_bind_text(s, 1, id);
		db_bind_text(s, 2, email);
		int rc = db_step(s);
		db_done(s);
		if (rc != DB_DONE ||
		    db_prepare(c,
			       "INSERT INTO subscriptions (id, user_id, record_type, categories,"
			       " delivery, created_at, updated_at) VALUES (?, ?, 'alert',"
			       " ',new_substance,', 'email', 0, 0)",
			       &s))
			return 1;
		db_bind_text(s, 1, sub);
		db_bind_text(s, 2, id);
		rc = db_step(s);
		db_done(s);
		if (rc != DB_DONE)
			return 1;
	}
	return db_commit(c) != TR_OK;
}

static double trellis_once(struct db_conn *c, int n)
{
	char id[37];
	tr_uuid7(id);
	json_t *a = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[], s:[], s:n}", "id", id,
			      "org_id", "org", "country", "AT", "category", "new_substance", "tlp",
			      "green", "distribution", "network", "status", "published",
			      "substances", "countries", "location");
	int matched = 0;
	double t0 = seconds();
	int rc = db_begin(c);
	if (!rc)
		rc = notify_alert_published(c, a, tr_now_ms(), &matched);
	if (!rc)
		rc = db_commit(c);
	double t = seconds() - t0;
	json_decref(a);
	if (rc || matched != n) {
		fprintf(stderr, "fanout_bench: %s, %d matched\n", tr_strerror(rc), matched);
		return -1;
	}
	return t;
}

/* The same rows with bare sqlite3 calls: one transaction, two prepared
 * inserts, the ids made the same way. */
static double bare_once(sqlite3 *db, int n, char (*users)[37], char (*subs)[37])
{
	sqlite3_stmt *in, *out;
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO inbox_items (id, user_id, kind, ref_type, ref_id,"
			       " subscription_id, delivery, created_at)"
			       " VALUES (?, ?, 'alert', 'alert', ?, ?, 'email', ?)",
			       -1, &in, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "INSERT INTO mail_outbox (id, user_id, rcpt, kind, ref_type, ref_id,"
			       " subscription_id, payload, next_at, created_at)"
			       " VALUES (?, ?, ?, 'alert', 'alert', ?, ?, NULL, ?, ?)",
			       -1, &out, NULL) != SQLITE_OK) {
		fprintf(stderr, "fanout_bench: bare: %s\n", sqlite3_errmsg(db));
		return -1;
	}
	char alert[37];
	tr_uuid7(alert);
	double t0 = seconds();
	int64_t now = tr_now_ms();
	sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	for (int i = 0; i < n; i++) {
		char id[37], email[64];
		tr_uuid7(id);
		snprintf(email, sizeof(email), "analyst%d@vienna.example", i);
		sqlite3_bind_text(in, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(in, 2, users[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(in, 3, alert, -1, SQLITE_STATIC);
		sqlite3_bind_text(in, 4, subs[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(in, 5, now);
		sqlite3_step(in);
		sqlite3_reset(in);
		tr_uuid7(id);
		sqlite3_bind_text(out, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(out, 2, users[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(out, 3, email, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(out, 4, alert, -1, SQLITE_STATIC);
		sqlite3_bind_text(out, 5, subs[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(out, 6, now);
		sqlite3_bind_int64(out, 7, now);
		sqlite3_step(out);
		sqlite3_reset(out);
	}
	int rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	double t = seconds() - t0;
	sqlite3_finalize(in);
	sqlite3_finalize(out);
	return rc == SQLITE_OK ? t : -1;
}

/* The bare database: the two tables with the indexes of migration 0010. */
static sqlite3 *bare_open(const char *path)
{
	sqlite3 *db;
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(
		db,
		"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
		"CREATE TABLE inbox_items (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, kind TEXT"
		" NOT NULL, ref_type TEXT, ref_id TEXT, subscription_id TEXT, delivery TEXT NOT"
		" NULL DEFAULT 'inbox', dedupe TEXT, read_at BIGINT, digest_at BIGINT, created_at"
		" BIGINT NOT NULL);"
		"CREATE INDEX inbox_items_user ON inbox_items (user_id, created_at);"
		"CREATE INDEX inbox_items_unread ON inbox_items (user_id, read_at);"
		"CREATE UNIQUE INDEX inbox_items_dedupe ON inbox_items (user_id, dedupe);"
		"CREATE INDEX inbox_items_digest ON inbox_items (delivery, digest_at, user_id);"
		"CREATE TABLE mail_outbox (id TEXT PRIMARY KEY, user_id TEXT, rcpt TEXT NOT NULL,"
		" kind TEXT NOT NULL, ref_type TEXT, ref_id TEXT, subscription_id TEXT, payload"
		" TEXT, status TEXT NOT NULL DEFAULT 'queued', attempts INTEGER NOT NULL DEFAULT"
		" 0, next_at BIGINT NOT NULL, created_at BIGINT NOT NULL, sent_at BIGINT,"
		" last_error TEXT);"
		"CREATE INDEX mail_outbox_due ON mail_outbox (status, next_at);",
		NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "fanout_bench: bare: %s\n", sqlite3_errmsg(db));
		return NULL;
	}
	return db;
}

/* The users and subscriptions as seeded, for the bare loop. */
static int ids_read(struct db_conn *c, int n, char (*users)[37], char (*subs)[37])
{
	struct db_stmt *s;
	if (db_prepare(c, "SELECT user_id, id FROM subscriptions ORDER BY user_id", &s))
		return 1;
	int i = 0;
	while (i < n && db_step(s) == DB_ROW) {
		snprintf(users[i], 37, "%s", db_col_text(s, 0));
		snprintf(subs[i], 37, "%s", db_col_text(s, 1));
		i++;
	}
	db_done(s);
	return i != n;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: fanout_bench DIR [N]\n", stderr);
		return 2;
	}
	int n = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 10000;
	if (n < 1 || n > 1000000) {
		fputs("fanout_bench: N must be 1 to 1000000\n", stderr);
		return 2;
	}
	char url[4200], bare[4200], err[300];
	snprintf(url, sizeof(url), "sqlite:%s/trellis.db", argv[1]);
	snprintf(bare, sizeof(bare), "%s/bare.db", argv[1]);
	struct notify_config cfg = {.mail = 1,
				    .retry_base_ms = 1000,
				    .retry_max_ms = 60000,
				    .attempts_max = 3,
				    .timeout_ms = 30000,
				    .poll_ms = 1000};
	snprintf(cfg.mail_from, sizeof(cfg.mail_from), "trellis@example.org");
	snprintf(cfg.public_url, sizeof(cfg.public_url), "https://trellis.example.org");
	notify_configure(&cfg);
	struct db *db;
	int applied;
	if (db_open(url, 1, &db, err, sizeof(err)) ||
	    db_migrate(db, "db/migrations", &applied, err, sizeof(err))) {
		fprintf(stderr, "fanout_bench: %s\n", err);
		return 2;
	}
	struct db_conn *c = db_acquire(db);
	char(*users)[37] = calloc((size_t)n, 37), (*subs)[37] = calloc((size_t)n, 37);
	sqlite3 *b = bare_open(bare);
	if (!users || !subs || !b || seed(c, n) || ids_read(c, n, users, subs)) {
		fprintf(stderr, "fanout_bench: setup failed: %s\n", db_errmsg(c));
		return 2;
	}
	double best_t = 1e9, best_b = 1e9;
	for (int r = 0; r < ROUNDS; r++) {
		double t = trellis_once(c, n), x = bare_once(b, n, users, subs);
		if (t < 0 || x < 0)
			return 1;
		best_t = t < best_t ? t : best_t;
		best_b = x < best_b ? x : best_b;
	}
	printf("subscriptions matched %d\n", n);
	printf("trellis inbox items + e-mails queued: %.1f ms\n", best_t * 1000);
	printf("bare sqlite loop, same rows: %.1f ms\n", best_b * 1000);
	printf("ratio (bare / trellis) %.2f\n", best_b / best_t);
	db_release(c);
	db_close(db);
	sqlite3_close(b);
	free(users);
	free(subs);
	return best_b / best_t >= 0.5 ? 0 : 1;
}
