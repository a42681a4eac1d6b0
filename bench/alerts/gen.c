/* Generates N published alerts into a seeded Trellis database, through the
 * same domain code the API uses, for the alert benchmarks.
 * usage: gen DBURL N   (prints the bench user's email) */
#include "core/err.h"
#include "domain/acl.h"
#include "domain/alert.h"
#include "domain/auth.h"
#include "domain/org.h"
#include "domain/user.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const words[] = {
	"fentanyl", "tablets", "counterfeit", "school", "youth", "cannabis", "edibles", "online",
	"market", "overdose", "cluster", "nitazene", "powder", "cocaine", "heroin", "street",
	"dealing", "recruitment", "telegram", "precursor", "shipment", "port", "border",
	"ketamine", "party", "festival", "vape", "synthetic", "cathinone", "warning"};
static const char *const cats[] = {"new_substance", "adulterant_or_contamination",
				   "overdose_cluster", "street_distribution", "online_sales",
				   "youth_recruitment", "trafficking_route", "precursor_diversion"};

static unsigned long long rng = 88172645463325252ull;
static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

int main(int argc, char **argv)
{
	if (argc != 3 || sodium_init() < 0) {
		fprintf(stderr, "usage: gen DBURL N\n");
		return 2;
	}
	long n = strtol(argv[2], NULL, 10);
	struct db *db;
	char err[300];
	if (db_open(argv[1], 1, &db, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	db_guard_tables(db, acl_guarded_tables);
	struct db_conn *c = db_acquire(db);
	db_exec(c, "PRAGMA synchronous=OFF");
	char org[37], uid[37];
	const char *field;
	if (org_add_cli(c, "Bench Police", "police", "AT", org, &field) ||
	    user_add_cli(c, "bench@example.org", "Bench", org, "analyst", NULL, uid) ||
	    auth_caller_load(c, uid, &(struct caller){0})) {
		fprintf(stderr, "setup failed: %s\n", db_errmsg(c));
		return 2;
	}
	struct caller who;
	auth_caller_load(c, uid, &who);
	/* the seeded substances */
	json_t *subs = json_array();
	struct db_stmt *s;
	db_prepare(c, "SELECT id FROM substances", &s);
	while (db_step(s) == DB_ROW)
		json_array_append_new(subs, json_string(db_col_text(s, 0)));
	db_done(s);
	for (long i = 0; i < n; i++) {
		char title[200], summary[400], from[32];
		snprintf(title, sizeof(title), "%s %s %s near %s", words[rnd(30)], words[rnd(30)],
			 words[rnd(30)], words[rnd(30)]);
		snprintf(summary, sizeof(summary), "Reports of %s %s among %s; %s %s seen.",
			 words[rnd(30)], words[rnd(30)], words[rnd(30)], words[rnd(30)],
			 words[rnd(30)]);
		snprintf(from, sizeof(from), "202%u-%02u-%02uT00:00:00Z", 5 + rnd(2), 1 + rnd(12),
			 1 + rnd(28));
		unsigned d = rnd(10);
		const char *dist = d < 7 ? "network" : d < 9 ? "country" : "organisation";
		json_t *body = json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:s, s:[O], s:{s:f, s:f}, s:s, s:[s]}", "title", title,
			"summary", summary, "category", cats[rnd(8)], "distribution", dist, "tlp",
			"amber", "status", "published", "substances",
			json_array_get(subs, rnd((unsigned)json_array_size(subs))), "location", "lat",
			40.0 + rnd(20000) / 1000.0, "lon", -5.0 + rnd(40000) / 1000.0,
			"observed_from", from, "tags", words[rnd(30)]);
		char id[37];
		if (alert_create(c, &who, body, "bench", id, &field)) {
			fprintf(stderr, "alert %ld failed: %s %s\n", i, field ? field : "",
				db_errmsg(c));
			return 1;
		}
		json_decref(body);
	}
	json_decref(subs);
	db_release(c);
	db_close(db);
	puts("bench@example.org");
	return 0;
}
