/* The keyset page of the lists newest change first: the key of the next
 * page is the last item's change time in ms and its id, and the query
 * after that key takes the rows strictly before it in the same order. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain/row.h"
#include "core/err.h"

#include <stdlib.h>
#include <string.h>

static void the_next_key_is_the_last_items_time_and_id(void **state)
{
	(void)state;
	json_t *items = json_pack("[{s:s, s:s}, {s:s, s:s}]", "id", "a", "updated_at",
				  "2026-01-01T00:00:00Z", "id", "b", "updated_at",
				  "2026-01-01T00:00:00.250Z");
	char *key = row_page_key(items, 1);
	assert_string_equal(key, "1767225600250:b");
	free(key);
	assert_null(row_page_key(items, 0));
	json_decref(items);
	json_t *none = json_array();
	assert_null(row_page_key(none, 1));
	json_decref(none);
}

static void the_query_after_a_key_binds_its_time_twice_and_its_id(void **state)
{
	(void)state;
	struct query q;
	query_init(&q);
	query_sql(&q, "SELECT 1 FROM problems p WHERE 1 = 1");
	row_keyset(&q, "p", "1767225600250:b", 50);
	assert_non_null(strstr(q.sql.data, "AND (p.updated_at < ? OR (p.updated_at = ? AND p.id < ?))"
					   " ORDER BY p.updated_at DESC, p.id DESC LIMIT ?"));
	assert_int_equal(q.n, 4);
	assert_int_equal(q.p[0].i, 1767225600250LL);
	assert_int_equal(q.p[1].i, 1767225600250LL);
	assert_string_equal(q.p[2].text, "b");
	assert_int_equal(q.p[3].i, 51);
	query_free(&q);
	query_init(&q);
	row_keyset(&q, "x", NULL, 10);
	assert_string_equal(q.sql.data, " ORDER BY x.updated_at DESC, x.id DESC LIMIT ?");
	assert_int_equal(q.n, 1);
	query_free(&q);
}

static void a_status_moves_only_along_its_table(void **state)
{
	(void)state;
	static const char *const moves[][2] = {{"draft", "open"}, {"open", "closed"}};
	assert_true(row_move_ok(moves, 2, "draft", "open"));
	assert_true(row_move_ok(moves, 2, "closed", "closed"));
	assert_false(row_move_ok(moves, 2, "open", "draft"));
	assert_false(row_move_ok(moves, 2, "draft", "closed"));
}

static void a_stale_if_match_is_a_failed_precondition(void **state)
{
	(void)state;
	json_t *cur = json_pack("{s:i}", "version", 3);
	assert_int_equal(row_version_check(cur, 3), TR_OK);
	assert_int_equal(row_version_check(cur, -1), TR_OK);
	assert_int_equal(row_version_check(cur, 2), TR_ERR_PRECONDITION);
	json_t *body = json_pack("{s:i}", "version", 4);
	json_t *m = row_merged(cur, body);
	assert_int_equal(json_integer_value(json_object_get(cur, "version")), 3);
	assert_int_equal(json_integer_value(json_object_get(m, "version")), 4);
	json_decref(m);
	json_decref(body);
	json_decref(cur);
}

static void a_rejection_needs_a_reason(void **state)
{
	(void)state;
	const char *verdict, *comments, *field = NULL;
	json_t *b = json_pack("{s:s}", "verdict", "reject");
	assert_int_equal(row_review_verdict(b, &verdict, &comments, &field), TR_ERR_INVALID);
	assert_string_equal(field, "comments");
	json_object_set_new(b, "comments", json_string(""));
	assert_int_equal(row_review_verdict(b, &verdict, &comments, &field), TR_ERR_INVALID);
	json_object_set_new(b, "comments", json_string("not evidence"));
	field = NULL;
	assert_int_equal(row_review_verdict(b, &verdict, &comments, &field), TR_OK);
	assert_string_equal(verdict, "reject");
	assert_string_equal(comments, "not evidence");
	assert_null(field);
	json_decref(b);
	b = json_pack("{s:s}", "verdict", "verify");
	assert_int_equal(row_review_verdict(b, &verdict, &comments, &field), TR_OK);
	assert_null(comments);
	json_decref(b);
}

static void a_records_sharing_has_its_tlp_only_when_asked(void **state)
{
	(void)state;
	json_t *r = json_pack("{s:s, s:s, s:s}", "distribution", "sharing_group", "tlp", "amber",
			      "sharing_group_id", "g1");
	struct acl_share with = row_share(r, 1), without = row_share(r, 0);
	assert_string_equal(with.distribution, "sharing_group");
	assert_string_equal(with.tlp, "amber");
	assert_string_equal(with.sharing_group_id, "g1");
	assert_string_equal(without.distribution, "sharing_group");
	assert_null(without.tlp);
	assert_string_equal(without.sharing_group_id, "g1");
	json_decref(r);
	json_t *bare = json_object();
	struct acl_share none = row_share(bare, 1);
	assert_null(none.distribution);
	assert_null(none.tlp);
	assert_null(none.sharing_group_id);
	json_decref(bare);
}

static void only_the_given_filters_are_appended_in_their_order(void **state)
{
	(void)state;
	struct query q;
	query_init(&q);
	const struct row_filter by[] = {
	    {" AND a.type = ?", "x"}, {" AND a.status = ?", NULL}, {" AND a.org_id = ?", "o"}};
	row_filters(&q, by, 3);
	assert_string_equal(q.sql.data, " AND a.type = ? AND a.org_id = ?");
	assert_int_equal(q.n, 2);
	assert_string_equal(q.p[0].text, "x");
	assert_string_equal(q.p[1].text, "o");
	query_free(&q);
}

static void a_box_tests_the_point_of_its_alias_on_all_four_sides(void **state)
{
	(void)state;
	struct query q;
	query_init(&q);
	const double box[4] = {1, 2, 3, 4};
	row_bbox(&q, "t", box);
	assert_string_equal(q.sql.data,
			    " AND t.lon >= ? AND t.lat >= ? AND t.lon <= ? AND t.lat <= ?");
	assert_int_equal(q.n, 4);
	for (int i = 0; i < 4; i++)
		assert_true(q.p[i].d == box[i]);
	query_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(the_next_key_is_the_last_items_time_and_id),
	    cmocka_unit_test(the_query_after_a_key_binds_its_time_twice_and_its_id),
	    cmocka_unit_test(a_status_moves_only_along_its_table),
	    cmocka_unit_test(a_stale_if_match_is_a_failed_precondition),
	    cmocka_unit_test(a_rejection_needs_a_reason),
	    cmocka_unit_test(a_records_sharing_has_its_tlp_only_when_asked),
	    cmocka_unit_test(only_the_given_filters_are_appended_in_their_order),
	    cmocka_unit_test(a_box_tests_the_point_of_its_alias_on_all_four_sides),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
