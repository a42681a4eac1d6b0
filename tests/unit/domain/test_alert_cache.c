/* The alerts' read model against the SQL it replaces: every page of every
 * filter for callers of every kind is the same text, byte for byte, as the
 * SQL list (which applies acl_visible in the database); writes through
 * another pool (another process) are seen by the next read; related alerts
 * never include one the caller may not see. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/paths.h"
#include "db/db.h"
#include "domain/acl.h"
#include "domain/alert.h"
#include "domain/readmodel/alerts.h"
#include "domain/auth.h"
#include "domain/group.h"
#include "domain/org.h"
#include "domain/search.h"
#include "domain/search_query.h"
#include "domain/seed.h"
#include "domain/user.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { NORGS = 4, NALERTS = 360 };

static char path[256], url[300];
static struct db *db;
static struct caller who[NORGS]; /* AT police, AT ministry, FR police, no country */
static char subs[3][37], group_id[37];
static char ids[NALERTS][37];

static unsigned long long rng = 0x9e3779b97f4a7c15ull;
static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static json_t *random_alert(int creator)
{
	static const char *const cats[] = {"new_substance", "online_sales", "overdose_cluster"};
	static const char *const tags[] = {"youth", "festival", "port"};
	static const char *const ctry[] = {"AT", "FR", "DE"};
	const char *dist = acl_distributions[rnd(5)];
	if (strcmp(dist, "sharing_group") == 0 && creator == 1)
		dist = "country"; /* the AT ministry is not in the group */
	static const char *const topics[] = {"harbour", "school", "nightclub", "pharmacy",
					     "telegram", "border"};
	char title[120];
	snprintf(title, sizeof(title), "Alert of the test: %s and %s", topics[rnd(6)],
		 topics[rnd(6)]);
	json_t *a = json_pack("{s:s, s:s, s:s, s:s, s:s}", "title", title, "category",
			      cats[rnd(3)], "distribution", dist, "tlp",
			      strcmp(dist, "federation") == 0 ? "green" : acl_tlps[rnd(5)], "status",
			      rnd(4) ? "published" : "draft");
	if (strcmp(dist, "sharing_group") == 0)
		json_object_set_new(a, "sharing_group_id", json_string(group_id));
	json_t *s = json_array(), *t = json_array(), *c = json_array();
	for (int i = 0; i < 3; i++) {
		if (rnd(3) == 0)
			json_array_append_new(s, json_string(subs[i]));
		if (rnd(3) == 0)
			json_array_append_new(t, json_string(tags[i]));
		if (rnd(4) == 0)
			json_array_append_new(c, json_string(ctry[i]));
	}
	json_object_set_new(a, "substances", s);
	json_object_set_new(a, "tags", t);
	json_object_set_new(a, "countries", c);
	if (rnd(3))
		json_object_set_new(a, "location", json_pack("{s:f, s:f}", "lat", 47.0 + rnd(400) / 100.0,
							     "lon", 15.0 + rnd(400) / 100.0));
	if (rnd(3)) {
		char from[32], to[32];
		unsigned m = 1 + rnd(6);
		snprintf(from, sizeof(from), "2026-%02u-%02uT00:00:00Z", m, 1 + rnd(28));
		snprintf(to, sizeof(to), "2026-%02u-%02uT00:00:00Z", m + 3, 1 + rnd(28));
		json_object_set_new(a, "observed_from", json_string(from));
		if (rnd(2))
			json_object_set_new(a, "observed_to", json_string(to));
	}
	unsigned form = rnd(4); /* powder, pill-tablet, crystal-rock or none */
	if (form < 3)
		json_object_set_new(a, "drug_form", json_string(alert_drug_forms[form]));
	return a;
}

static int setup(void **state)
{
	(void)state;
	assert_true(sodium_init() >= 0);
	snprintf(path, sizeof(path), "/tmp/trellis-unit-cache-%d.db", (int)getpid());
	unlink(path);
	snprintf(url, sizeof(url), "sqlite:%s", path);
	char home[4096], dir[4200], err[300];
	assert_int_equal(tr_home(getenv("TRELLIS_HOME"), home, sizeof(home)), TR_OK);
	assert_int_equal(db_open(url, 8, &db, err, sizeof(err)), TR_OK);
	db_guard_tables(db, acl_guarded_tables);
	int applied, nc, no;
	snprintf(dir, sizeof(dir), "%s/db/migrations", home);
	assert_int_equal(db_migrate(db, dir, &applied, err, sizeof(err)), TR_OK);
	snprintf(dir, sizeof(dir), "%s/data", home);
	assert_int_equal(seed_reference(db, dir, &nc, &no, err, sizeof(err)), TR_OK);
	struct db_conn *c = db_acquire(db);
	static const char *const names[] = {"AT police", "AT ministry", "FR police", "Agency"};
	static const char *const ctry[] = {"AT", "AT", "FR", NULL};
	for (int i = 0; i < NORGS; i++) {
		char org[37], uid[37], email[64];
		const char *field;
		assert_int_equal(org_add_cli(c, names[i], i == 3 ? "international_organisation"
								 : "police",
					     ctry[i], org, &field),
				 TR_OK);
		snprintf(email, sizeof(email), "u%d@example.org", i);
		assert_int_equal(user_add_cli(c, email, "U", org, "analyst", NULL, uid), TR_OK);
		assert_int_equal(auth_caller_load(c, uid, &who[i]), TR_OK);
	}
	struct db_stmt *s;
	assert_int_equal(db_prepare(c, "SELECT id FROM substances ORDER BY name LIMIT 3", &s),
			 TR_OK);
	for (int i = 0; i < 3 && db_step(s) == DB_ROW; i++)
		snprintf(subs[i], 37, "%s", db_col_text(s, 0));
	db_done(s);
	const char *field;
	json_t *g = json_pack("{s:s, s:[s]}", "name", "Test group", "members", who[2].org_id);
	assert_int_equal(group_create(c, &who[0], g, "t", group_id, &field), TR_OK);
	json_decref(g);
	for (int i = 0; i < NALERTS; i++) {
		int creator = (int)rnd(3);
		json_t *a = random_alert(creator);
		assert_int_equal(alert_create(c, &who[creator], a, "t", ids[i], &field), TR_OK);
		json_decref(a);
		if (i % 40 == 0)
			assert_int_equal(alert_cache_sync(c), TR_OK); /* loads in steps */
	}
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

/* Pages through both lists with a small page and compares them. */
static void same_pages(struct db_conn *c, const struct caller *w, const struct alert_filter *f)
{
	char *after_sql = NULL, *after_mem = NULL;
	int pages = 0;
	do {
		struct buf a, b;
		buf_init(&a, 1u << 24);
		buf_init(&b, 1u << 24);
		char *next_sql = NULL, *next_mem = NULL;
		assert_int_equal(alert_list_text(c, w, f, after_sql, 7, &a, &next_sql), TR_OK);
		assert_int_equal(alert_cache_list(c, w, f, after_mem, 7, &b, &next_mem), TR_OK);
		assert_string_equal(a.data, b.data);
		if (next_sql || next_mem)
			assert_string_equal(next_sql ? next_sql : "", next_mem ? next_mem : "");
		free(after_sql);
		free(after_mem);
		after_sql = next_sql;
		after_mem = next_mem;
		buf_free(&a);
		buf_free(&b);
		pages++;
	} while (after_sql && pages < 200);
	free(after_sql);
	free(after_mem);
}

static void filters_for_everyone(struct db_conn *c)
{
	struct alert_filter fs[20];
	memset(fs, 0, sizeof(fs));
	int n = 0;
	n++; /* none */
	fs[n++].status = "published";
	fs[n++].status = "draft";
	fs[n++].category = "online_sales";
	fs[n++].tlp = "amber";
	fs[n++].substance = subs[1];
	fs[n++].country = "FR";
	fs[n++].tag = "port";
	fs[n++].org_id = who[2].org_id;
	fs[n++].observed_from = 1775000000000LL;
	fs[n++].observed_to = 1775000000000LL;
	fs[n++].updated_since = 1;
	fs[n].has_bbox = 1;
	fs[n].bbox[0] = 15.5, fs[n].bbox[1] = 47.5, fs[n].bbox[2] = 17.0, fs[n++].bbox[3] = 49.0;
	fs[n].substance = "00000000-0000-4000-8000-000000000000";
	fs[n++].status = "published";
	fs[n++].drug_form = "powder";
	fs[n].drug_form = "crystal-rock";
	fs[n++].category = "online_sales";
	for (int w = 0; w < NORGS; w++)
		for (int i = 0; i < n; i++)
			for (int sort = 0; sort < 2; sort++) {
				fs[i].sort_observed = sort;
				same_pages(c, &who[w], &fs[i]);
			}
}

static void lists_equal_the_sql_for_every_caller_and_filter(void **state)
{
	(void)state;
	struct db_conn *c = db_acquire(db);
	filters_for_everyone(c);
	db_release(c);
}

static void writes_through_another_pool_are_seen_by_the_next_read(void **state)
{
	(void)state;
	struct db_conn *c = db_acquire(db);
	struct buf warm;
	buf_init(&warm, 1u << 24);
	char *next = NULL;
	assert_int_equal(alert_cache_list(c, &who[2], &(struct alert_filter){0}, NULL, 5, &warm,
					  &next),
			 TR_OK);
	free(next);
	buf_free(&warm);
	/* another process: its own pool on the same file */
	struct db *other;
	char err[300];
	assert_int_equal(db_open(url, 1, &other, err, sizeof(err)), TR_OK);
	db_guard_tables(other, acl_guarded_tables);
	struct db_conn *o = db_acquire(other);
	const char *field;
	for (int i = 0; i < 60; i++) {
		/* narrow, widen and retract some, add others */
		json_t *p = json_pack("{s:s, s:s}", "distribution", i % 2 ? "organisation" : "network",
				      "title", "Changed elsewhere");
		json_t *cur = NULL;
		if (alert_get(o, &who[i % 3], ids[i * 5], &cur) == TR_OK) {
			int own = strcmp(json_string_value(json_object_get(cur, "org_id")),
					 who[i % 3].org_id) == 0;
			if (own && strcmp(json_string_value(json_object_get(cur, "status")),
					  "retracted") != 0) {
				if (strcmp(json_string_value(json_object_get(cur, "tlp")), "red") == 0)
					json_object_set_new(p, "tlp", json_string("amber"));
				json_object_set_new(p, "sharing_group_id", json_null());
				assert_int_equal(alert_update(o, &who[i % 3], ids[i * 5], p, -1, "t",
							      &field),
						 TR_OK);
			}
		}
		json_decref(cur);
		json_decref(p);
		json_t *a = random_alert(i % 3);
		char id[37];
		assert_int_equal(alert_create(o, &who[i % 3], a, "t", id, &field), TR_OK);
		json_decref(a);
	}
	db_release(o);
	db_close(other);
	filters_for_everyone(c);
	db_release(c);
}

static void related_never_shows_what_the_caller_may_not_see(void **state)
{
	(void)state;
	struct db_conn *c = db_acquire(db);
	int shown = 0, hidden_anchor = 0;
	for (int w = 0; w < NORGS; w++)
		for (int i = 0; i < NALERTS; i += 3) {
			struct buf b;
			buf_init(&b, 1u << 24);
			json_t *self = NULL;
			int visible = alert_get(c, &who[w], ids[i], &self) == TR_OK;
			json_decref(self);
			int rc = alert_cache_related(c, &who[w], ids[i], 300, 365, 50, &b);
			if (!visible) {
				assert_int_equal(rc, TR_ERR_NOT_FOUND);
				hidden_anchor++;
				buf_free(&b);
				continue;
			}
			assert_int_equal(rc, TR_OK);
			json_t *items = json_loads(b.data, 0, NULL);
			assert_non_null(items);
			size_t k;
			json_t *it;
			double last = 1e9;
			json_array_foreach(items, k, it)
			{
				json_t *a = json_object_get(it, "alert");
				const char *id = json_string_value(json_object_get(a, "id"));
				json_t *again = NULL;
				assert_int_equal(alert_get(c, &who[w], id, &again), TR_OK);
				json_decref(again);
				assert_string_not_equal(id, ids[i]);
				assert_string_not_equal(
				    json_string_value(json_object_get(a, "status")), "retracted");
				double score = json_real_value(json_object_get(it, "score"));
				assert_true(score <= last);
				last = score;
				assert_true(json_array_size(json_object_get(it, "reasons")) > 0);
				shown++;
			}
			json_decref(items);
			buf_free(&b);
		}
	assert_true(shown > 100);
	assert_true(hidden_anchor > 10);
	db_release(c);
}

/* The ids a search gives, as a JSON array of strings. */
static json_t *search_ids(struct db_conn *c, const struct caller *w, const char *q)
{
	struct buf b;
	buf_init(&b, 1u << 24);
	assert_int_equal(search_run(c, w, q, SEARCH_ALERTS, 1000, &b), TR_OK);
	json_t *hits = json_loads(b.data, 0, NULL), *out = json_array();
	assert_non_null(hits);
	size_t i;
	json_t *h;
	double last = 1e9;
	json_array_foreach(hits, i, h)
	{
		json_array_append(out, json_object_get(h, "id"));
		double r = json_number_value(json_object_get(h, "rank"));
		assert_true(r <= last); /* best first */
		last = r;
	}
	json_decref(hits);
	buf_free(&b);
	return out;
}

static void search_finds_every_visible_match_and_nothing_else(void **state)
{
	(void)state;
	struct db_conn *c = db_acquire(db);
	/* "test" is in every title (its postings get a bitmap), the topics in
	 * about a third */
	static const char *const queries[][3] = {
	    {"harbour", "harbour", NULL}, {"school border", "school", "border"},
	    {"tests harbour", "harbour", NULL}, {"Pharmacies", "pharmacy", NULL},
	    {"test", "test", NULL}, {"nightclub telegram", "nightclub", "telegram"},
	    {"volcano", "volcano", NULL}};
	int checked = 0;
	for (int w = 0; w < NORGS; w++)
		for (size_t k = 0; k < sizeof(queries) / sizeof(queries[0]); k++) {
			json_t *got = search_ids(c, &who[w], queries[k][0]);
			int expected = 0;
			for (int i = 0; i < NALERTS; i++) {
				json_t *a = NULL;
				if (alert_get(c, &who[w], ids[i], &a) != TR_OK)
					continue;
				char title[300];
				snprintf(title, sizeof(title), "%s",
					 json_string_value(json_object_get(a, "title")));
				int match = 1;
				for (int q = 1; q < 3 && queries[k][q]; q++)
					match &= strstr(title, queries[k][q]) != NULL;
				json_decref(a);
				if (!match)
					continue;
				expected++;
				int found = 0;
				size_t j;
				json_t *id;
				json_array_foreach(got, j, id) found |=
				    strcmp(json_string_value(id), ids[i]) == 0;
				if (!found)
					printf("w=%d k=%zu missing %s: %s (%zu hits)\n", w, k, ids[i],
					       title, json_array_size(got));
				assert_true(found);
			}
			/* and nothing else: the alerts made by the freshness test
			 * are not in ids[], so count only what ids[] covers */
			size_t j;
			json_t *id;
			int known = 0;
			json_array_foreach(got, j, id) for (int i = 0; i < NALERTS; i++) known +=
			    strcmp(json_string_value(id), ids[i]) == 0;
			if (known != expected)
				printf("w=%d k=%zu known=%d expected=%d\n", w, k, known, expected);
			assert_int_equal(known, expected);
			checked += expected;
			json_decref(got);
		}
	assert_true(checked > 500);
	db_release(c);
}

/* With room for a few texts only, every answer reads most of them again
 * from the database and must still be the same. */
static void answers_are_the_same_when_few_texts_are_kept(void **state)
{
	struct db_conn *c = db_acquire(db);
	alert_cache_text_budget(c, 8 * 1024);
	db_release(c);
	lists_equal_the_sql_for_every_caller_and_filter(state);
	related_never_shows_what_the_caller_may_not_see(state);
	search_finds_every_visible_match_and_nothing_else(state);
	c = db_acquire(db);
	alert_cache_text_budget(c, 64u << 20);
	db_release(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(lists_equal_the_sql_for_every_caller_and_filter),
	    cmocka_unit_test(writes_through_another_pool_are_seen_by_the_next_read),
	    cmocka_unit_test(related_never_shows_what_the_caller_may_not_see),
	    cmocka_unit_test(search_finds_every_visible_match_and_nothing_else),
	    cmocka_unit_test(answers_are_the_same_when_few_texts_are_kept),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
