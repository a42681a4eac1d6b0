/* Overlaps of one country among 100,000 activities: the domain function
 * (SQL by country, then the grid in C) against a naive all-pairs scan of
 * the same rows, in the same run. Prints both, the pair counts (which must
 * agree) and the ratio; exits 1 when the indexed path misses its floor of
 * one second. Usage: overlap_bench sqlite:PATH COUNTRY */
#include "core/err.h"
#include "core/timeutil.h"
#include "db/db.h"
#include "domain/activity.h"
#include "domain/overlap.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct count {
	long n;
};

static void counted(void *ctx, size_t i, size_t j, const struct overlap_result *r)
{
	(void)i, (void)j, (void)r;
	((struct count *)ctx)->n++;
}

/* Every row of the country, as the naive scan sees them. */
static size_t load(struct db_conn *c, const char *country, struct overlap_act **out)
{
	struct db_stmt *s;
	if (db_prepare(c, "SELECT a.id, a.org_id, a.type, a.admin_code, a.gender, a.setting, a.lat,"
			  " a.lon, a.radius_km, a.start_at, a.end_at, a.age_min, a.age_max"
			  " FROM activities a WHERE a.area_country = ? AND a.status <> 'cancelled'",
		       &s))
		return 0;
	db_bind_text(s, 1, country);
	size_t n = 0, cap = 1024;
	struct overlap_act *a = malloc(cap * sizeof(*a));
	while (db_step(s) == DB_ROW) {
		if (n == cap)
			a = realloc(a, (cap *= 2) * sizeof(*a));
		struct overlap_act *o = &a[n++];
		const char *ad = db_col_text(s, 3);
		o->id = strdup(db_col_text(s, 0));
		o->org_id = strdup(db_col_text(s, 1));
		o->type = strdup(db_col_text(s, 2));
		o->admin_code = ad ? strdup(ad) : NULL;
		o->gender = strdup(db_col_text(s, 4));
		o->setting = strdup(db_col_text(s, 5));
		o->has_point = !db_col_is_null(s, 6);
		o->lat = db_col_double(s, 6);
		o->lon = db_col_double(s, 7);
		o->radius_km = db_col_double(s, 8);
		o->start = db_col_int64(s, 9);
		o->end = db_col_is_null(s, 10) ? OVERLAP_OPEN : db_col_int64(s, 10);
		o->age_min = (int)db_col_int64(s, 11);
		o->age_max = (int)db_col_int64(s, 12);
	}
	db_done(s);
	*out = a;
	return n;
}

int main(int argc, char **argv)
{
	if (argc != 3 || sodium_init() < 0) {
		fputs("usage: overlap_bench sqlite:PATH COUNTRY\n", stderr);
		return 2;
	}
	char err[256];
	struct db *db;
	if (db_open(argv[1], 1, &db, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	struct db_conn *c = db_acquire(db);
	struct caller who = {.role = ROLE_VIEWER};
	snprintf(who.org_id, sizeof(who.org_id), "bench-viewer");
	snprintf(who.country, sizeof(who.country), "%s", argv[2]);
	json_t *items = json_array();
	int64_t total = 0, t0 = tr_mono_ns();
	int rc = activity_overlaps_country(c, &who, argv[2], 0, 0, 100, items, &total);
	double fast = (double)(tr_mono_ns() - t0) / 1e9;
	if (rc) {
		fprintf(stderr, "overlaps failed: %s (%s)\n", tr_strerror(rc), db_errmsg(c));
		return 1;
	}
	t0 = tr_mono_ns();
	struct overlap_act *acts = NULL;
	size_t n = load(c, argv[2], &acts);
	struct count naive = {0};
	overlap_pairs_naive(acts, n, counted, &naive);
	double slow = (double)(tr_mono_ns() - t0) / 1e9;
	printf("activities in %s: %zu\n", argv[2], n);
	printf("indexed (SQL by country + grid):   %8.3f s, %lld pairs\n", fast, (long long)total);
	printf("naive all-pairs scan (%zu pairs): %8.3f s, %ld pairs\n", n * (n - 1) / 2, slow,
	       naive.n);
	printf("ratio naive / indexed: %.1fx\n", slow / fast);
	int ok = total == naive.n && fast < 1.0;
	if (total != naive.n)
		printf("FAIL: the pair counts differ\n");
	if (fast >= 1.0)
		printf("FAIL: floor is under 1 s\n");
	json_decref(items);
	db_release(c);
	db_close(db);
	return ok ? 0 : 1;
}
