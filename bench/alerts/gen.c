/* Generates N published alerts into a seeded Trellis database, through the
 * same domain code the API uses, for the alert benchmarks.
 * usage: gen DBURL N [BATCH [WORKERS]]   (prints the bench user's email)
 * BATCH 1 (the default) creates each alert in its own transaction, as POST
 * /alerts does; BATCH > 1 imports that many per transaction, as POST
 * /alerts/import does: the same tables, search index, change numbers and
 * read model, audited "via import". WORKERS processes (default 1) share
 * the N alerts, each on its own connection; one worker gives the alerts of
 * every earlier run, more give others of the same kind. */
#include "core/err.h"
#include "core/uuid.h"
#include "domain/acl.h"
#include "domain/alert.h"
#include "domain/auth.h"
#include "domain/org.h"
#include "domain/user.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const words[] = {
	"fentanyl", "tablets", "counterfeit", "school", "youth", "cannabis", "edibles", "online",
	"market", "overdose", "cluster", "nitazene", "powder", "cocaine", "heroin", "street",
	"dealing", "recruitment", "telegram", "precursor", "shipment", "port", "border",
	"ketamine", "party", "festival", "vape", "synthetic", "cathinone", "warning"};
static const char *const cats[] = {"new_substance", "adulterant_or_contamination",
				   "overdose_cluster", "street_distribution", "online_sales",
				   "youth_recruitment", "trafficking_route", "precursor_diversion"};

enum { GEN_BATCH_MAX = 1000 };

static unsigned long long rng = 88172645463325252ull;
static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* The next alert's body: random words, category, place and date. */
static json_t *alert_body(json_t *subs)
{
	char title[200], summary[400], from[32];
	snprintf(title, sizeof(title), "%s %s %s near %s", words[rnd(30)], words[rnd(30)],
		 words[rnd(30)], words[rnd(30)]);
	snprintf(summary, sizeof(summary), "Reports of %s %s among %s; %s %s seen.", words[rnd(30)],
		 words[rnd(30)], words[rnd(30)], words[rnd(30)], words[rnd(30)]);
	snprintf(from, sizeof(from), "202%u-%02u-%02uT00:00:00Z", 5 + rnd(2), 1 + rnd(12),
		 1 + rnd(28));
	unsigned d = rnd(10);
	const char *dist = d < 7 ? "network" : d < 9 ? "country" : "organisation";
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[O], s:{s:f, s:f}, s:s, s:[s]}", "title",
			 title, "summary", summary, "category", cats[rnd(8)], "distribution", dist,
			 "tlp", "amber", "status", "published", "substances",
			 json_array_get(subs, rnd((unsigned)json_array_size(subs))), "location",
			 "lat", 40.0 + rnd(20000) / 1000.0, "lon", -5.0 + rnd(40000) / 1000.0,
			 "observed_from", from, "tags", words[rnd(30)]);
}

/* One alert, one transaction, as POST /alerts makes it. */
static int gen_one(struct db_conn *c, const struct caller *who, json_t *subs, long i)
{
	json_t *body = alert_body(subs);
	char id[37];
	const char *field;
	int rc = alert_create(c, who, body, "bench", id, &field);
	if (rc)
		fprintf(stderr, "alert %ld failed: %s %s\n", i, field ? field : "", db_errmsg(c));
	json_decref(body);
	return rc;
}

/* n alerts in one transaction, as POST /alerts/import makes them (the same
 * create path, audited "via import"): on PostgreSQL, where the set-up waits
 * on a round trip per statement, this spares a BEGIN and a COMMIT per alert
 * and takes the change numbers in blocks. */
static int gen_batch(struct db_conn *c, const struct caller *who, json_t *subs, long first,
		     size_t n)
{
	static struct alert_import_item it[GEN_BATCH_MAX];
	static char ids[GEN_BATCH_MAX][37];
	for (size_t k = 0; k < n; k++) {
		tr_uuid7(ids[k]);
		it[k] = (struct alert_import_item){ids[k], who->org_id, -1, alert_body(subs)};
	}
	int imported;
	size_t bad = 0;
	const char *field, *why;
	int rc = alert_import(c, who, it, n, "bench", &imported, &bad, &field, &why);
	if (rc)
		fprintf(stderr, "alert %ld failed: %s %s %s\n", first + (long)bad,
			field ? field : "", why ? why : "", db_errmsg(c));
	for (size_t k = 0; k < n; k++)
		json_decref(it[k].body);
	return rc;
}

/* Opens url with the bench user as *who and the seeded substances. */
static int gen_open(const char *url, const char *uid, struct db **db, struct db_conn **c,
		    struct caller *who, json_t **subs)
{
	char err[300];
	if (db_open(url, 1, db, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	db_guard_tables(*db, acl_guarded_tables);
	*c = db_acquire(*db);
	/* SQLite only; PostgreSQL answers a PRAGMA with an error */
	db_exec(*c, "PRAGMA synchronous=OFF");
	if (auth_caller_load(*c, uid, who)) {
		fprintf(stderr, "setup failed: %s\n", db_errmsg(*c));
		return 2;
	}
	*subs = json_array();
	struct db_stmt *s;
	db_prepare(*c, "SELECT id FROM substances", &s);
	while (db_step(s) == DB_ROW)
		json_array_append_new(*subs, json_string(db_col_text(s, 0)));
	db_done(s);
	return 0;
}

/* The bench organisation and its analyst, whose id goes to uid. */
static int gen_setup(const char *url, char uid[37])
{
	struct db *db;
	char err[300], org[37];
	const char *field;
	if (db_open(url, 1, &db, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	struct db_conn *c = db_acquire(db);
	int rc = org_add_cli(c, "Bench Police", "police", "AT", org, &field) ||
		 user_add_cli(c, "bench@example.org", "Bench", org, "analyst", NULL, uid);
	if (rc)
		fprintf(stderr, "setup failed: %s\n", db_errmsg(c));
	db_release(c);
	db_close(db);
	return rc ? 2 : 0;
}

/* Alerts first .. first+n-1 in transactions of batch. */
static int gen_run(const char *url, const char *uid, long first, long n, long batch)
{
	struct db *db;
	struct db_conn *c;
	struct caller who;
	json_t *subs;
	int rc = gen_open(url, uid, &db, &c, &who, &subs);
	if (rc)
		return rc;
	for (long i = first; i < first + n && !rc; i += batch) {
		long k = first + n - i < batch ? first + n - i : batch;
		rc =
		    batch == 1 ? gen_one(c, &who, subs, i) : gen_batch(c, &who, subs, i, (size_t)k);
	}
	json_decref(subs);
	db_release(c);
	db_close(db);
	return rc ? 1 : 0;
}

/* workers processes, each on its connection with its own random stream
 * (one worker: the stream of every earlier run), share the n alerts. */
static int gen_fork(const char *url, const char *uid, long n, long batch, long workers)
{
	if (workers == 1)
		return gen_run(url, uid, 0, n, batch);
	fflush(NULL);
	for (long w = 0; w < workers; w++) {
		pid_t pid = fork();
		if (pid < 0)
			return 2;
		if (pid == 0) {
			rng ^= (unsigned long long)(w + 1) * 0x9e3779b97f4a7c15ull;
			long from = n * w / workers, to = n * (w + 1) / workers;
			_exit(gen_run(url, uid, from, to - from, batch));
		}
	}
	int rc = 0, st;
	while (wait(&st) > 0)
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			rc = 1;
	return rc;
}

int main(int argc, char **argv)
{
	long n = argc >= 3 ? strtol(argv[2], NULL, 10) : -1;
	long batch = argc >= 4 ? strtol(argv[3], NULL, 10) : 1;
	long workers = argc >= 5 ? strtol(argv[4], NULL, 10) : 1;
	if (argc < 3 || argc > 5 || n < 0 || batch < 1 || batch > GEN_BATCH_MAX || workers < 1 ||
	    workers > 16 || sodium_init() < 0) {
		fprintf(stderr, "usage: gen DBURL N [BATCH [WORKERS]]\n");
		return 2;
	}
	char uid[37];
	int rc = gen_setup(argv[1], uid);
	if (!rc)
		rc = gen_fork(argv[1], uid, n, batch, workers);
	if (!rc)
		puts("bench@example.org");
	return rc;
}
