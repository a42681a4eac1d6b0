/* The analytics' grid, series and small-count suppression, shared by the
 * analytics endpoints and the early-warning signals: which cell and which
 * period a record counts in, and which counts are shown as null. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/err.h"
#include "domain/analytics_grid.h"
#include "domain/analytics_hotspot.h"
#include "domain/analytics_series.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1767571200000LL /* Monday 2026-01-05 00:00 UTC */

static struct aq_record rec(double lat, double lon, int own, int64_t t)
{
	struct aq_record r = {.own = own, .has_loc = 1, .t = t, .lat = lat, .lon = lon};
	snprintf(r.id, sizeof(r.id), "%s", "0190a000-0000-7000-8000-000000000000");
	return r;
}

static void a_small_count_is_hidden_only_with_other_organisations_records(void **state)
{
	(void)state;
	assert_true(aq_suppressed(1, 1, 5));
	assert_true(aq_suppressed(4, 1, 5));
	assert_false(aq_suppressed(5, 5, 5)); /* the threshold itself is shown */
	assert_false(aq_suppressed(0, 0, 5)); /* zero reveals no one */
	assert_false(aq_suppressed(4, 0, 5)); /* the caller's own records */
	assert_false(aq_suppressed(4, 1, 0)); /* suppression off */
}

static void a_total_is_hidden_when_the_hidden_parts_would_come_back(void **state)
{
	(void)state;
	/* 20 records, 2 of them in a part shown as null: total - shown = 2 */
	assert_true(aq_total_suppressed(20, 10, 2, 2, 5));
	assert_false(aq_total_suppressed(20, 10, 0, 0, 5));
	assert_false(aq_total_suppressed(20, 10, 6, 6, 5));
	assert_true(aq_total_suppressed(3, 1, 0, 0, 5));
}

static void a_suppressed_count_is_written_as_null(void **state)
{
	(void)state;
	json_t *o = json_object();
	aq_count_set(o, "count", 3, 1, 5);
	assert_true(json_is_null(json_object_get(o, "count")));
	assert_true(json_is_true(json_object_get(o, "suppressed")));
	aq_count_set(o, "count", 3, 0, 5);
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 3);
	assert_true(json_is_false(json_object_get(o, "suppressed")));
	json_decref(o);
}

static void a_box_grid_covers_the_box_with_near_square_cells(void **state)
{
	(void)state;
	struct ag_grid g;
	double box[4] = {16.0, 48.0, 16.5, 48.3};
	assert_int_equal(ag_grid_over_box(&g, box, 1), TR_OK);
	assert_true(fabs(g.dlat - 1 / AG_KM_PER_DEG_LAT) < 1e-12);
	assert_true(fabs(g.dlon - g.dlat / cos(48.15 * M_PI / 180)) < 1e-12);
	assert_int_equal(g.rows, 34); /* ceil(0.3 / dlat) */
	assert_int_equal(g.cols, 38); /* ceil(0.5 / dlon) */
	assert_true(g.lat0 + (double)g.rows * g.dlat >= box[3]);
	assert_true(g.lon0 + (double)g.cols * g.dlon >= box[2]);
	assert_int_equal(ag_grid_over_box(&g, box, 0.001), TR_ERR_TOO_LARGE);
	assert_int_equal(ag_grid_over_box(&g, box, 200), TR_ERR_INVALID);
}

static void a_point_counts_in_the_cell_that_holds_it(void **state)
{
	(void)state;
	struct ag_grid g;
	double box[4] = {0, 0, 1, 1}, lat, lon;
	assert_int_equal(ag_grid_over_box(&g, box, 11.1195), TR_OK); /* 0.1 degree */
	assert_int_equal(g.rows, 10);
	size_t i = ag_grid_cell(&g, 0.25, 0.05);
	assert_int_equal(i / g.cols, 2);
	assert_int_equal(i % g.cols, 0);
	ag_grid_centre(&g, i, &lat, &lon);
	assert_true(fabs(lat - 0.25) < 1e-9);
	assert_true(fabs(lon - g.dlon / 2) < 1e-9);
	/* just below a row's edge stays in the row below */
	assert_int_equal(ag_grid_cell(&g, 0.3 - 1e-9, 0.05) / g.cols, 2);
	assert_int_equal(ag_grid_cell(&g, 0.3 + 1e-9, 0.05) / g.cols, 3);
	/* outside the grid: the nearest cell of its edge */
	assert_int_equal(ag_grid_cell(&g, -5, -5), 0);
	assert_int_equal(ag_grid_cell(&g, 5, 5), g.rows * g.cols - 1);
}

static void cells_count_records_and_other_organisations_records(void **state)
{
	(void)state;
	struct ag_grid g;
	double box[4] = {0, 0, 1, 1};
	assert_int_equal(ag_grid_over_box(&g, box, 11.1195), TR_OK);
	struct aq_record v[] = {rec(0.05, 0.05, 1, T0), rec(0.06, 0.04, 0, T0),
				rec(0.95, 0.95, 0, T0), rec(0.05, 0.05, 0, T0 - 1)};
	struct ag_cells c;
	assert_int_equal(ag_cells_fill(&g, NULL, v, 4, T0, &c), TR_OK);
	assert_int_equal(c.n, g.rows * g.cols); /* no shape: every cell */
	assert_int_equal(c.cell[0], 0);
	assert_true(c.v[0] == 2 && c.foreign[0] == 1); /* the older record not counted */
	size_t last = g.rows * g.cols - 1;
	assert_true(c.v[last] == 1 && c.foreign[last] == 1);
	double sum = 0;
	for (size_t k = 0; k < c.n; k++)
		sum += c.v[k];
	assert_true(sum == 3);
	ag_cells_free(&c);
}

static void a_records_grid_holds_every_record_with_a_margin(void **state)
{
	(void)state;
	struct aq_record v[] = {rec(48.1, 16.2, 1, T0), rec(48.3, 16.5, 1, T0),
				rec(48.2, 16.3, 1, T0)};
	struct ag_grid g;
	ag_grid_over_records(&g, v, 3, 10000, 0.25, 10, 100000);
	assert_true(g.km >= 0.25 && g.km <= 10);
	assert_true(fabs(g.lat0 - (48.1 - g.dlat / 2)) < 1e-12);
	assert_true(fabs(g.lon0 - (16.2 - g.dlon / 2)) < 1e-12);
	for (int k = 0; k < 3; k++) {
		double lat, lon;
		ag_grid_centre(&g, ag_grid_cell(&g, v[k].lat, v[k].lon), &lat, &lon);
		assert_true(fabs(lat - v[k].lat) <= g.dlat / 2 + 1e-12);
		assert_true(fabs(lon - v[k].lon) <= g.dlon / 2 + 1e-12);
	}
	/* too many cells: coarser */
	ag_grid_over_records(&g, v, 3, 1e9, 0.001, 10, 100);
	assert_true(g.rows * g.cols <= 100);
}

static void records_count_in_their_iso_week(void **state)
{
	(void)state;
	struct aq_question q = {.iv = AQ_WEEK, .from = T0, .to = T0 + 3 * AQ_WEEK_MS - 1,
				.suppress_below = 5};
	struct as_series s;
	struct aq_why why;
	struct aq_filter f = {0};
	assert_int_equal(as_series_window(&q, &s, &f, &why), TR_OK);
	assert_int_equal(s.n, 3);
	assert_true(f.from == T0 && f.to == T0 + 3 * AQ_WEEK_MS);
	struct aq_record v[] = {rec(0, 0, 1, T0), rec(0, 0, 0, T0 + AQ_WEEK_MS - 1),
				rec(0, 0, 0, T0 + AQ_WEEK_MS)};
	struct aq_records r = {v, 3, 3};
	assert_int_equal(as_series_count(&s, &r), TR_OK);
	assert_true(s.count[0] == 2 && s.foreign[0] == 1);
	assert_true(s.count[1] == 1 && s.count[2] == 0);
	json_t *o = as_timeseries_json(&q, &s);
	json_t *items = json_object_get(o, "items");
	assert_int_equal(json_array_size(items), 3);
	/* 2 and 1 records with another organisation's among them: hidden */
	assert_true(json_is_null(json_object_get(json_array_get(items, 0), "count")));
	assert_true(json_is_null(json_object_get(json_array_get(items, 1), "count")));
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 2), "count")), 0);
	json_decref(o);
	as_series_free(&s);
	q.iv = AQ_DAY;
	q.to = q.from + (int64_t)AS_PERIODS_MAX * AQ_DAY_MS;
	assert_int_equal(as_series_window(&q, &s, &f, &why), TR_ERR_INVALID);
	assert_string_equal(why.field, "from");
}

/* 12 records of the caller in one cell and 2 of another organisation in a
 * far one, over a 20 x 20 km box of 1 km cells: the cluster is a hot spot,
 * the far cell's count is null and so is the total that would give it
 * back. */
static void hot_spots_hide_a_small_foreign_cell_and_the_total(void **state)
{
	(void)state;
	struct aq_record v[14];
	for (int k = 0; k < 12; k++)
		v[k] = rec(48.05 + 0.0001 * k, 16.05, 1, T0);
	v[12] = rec(48.15, 16.25, 0, T0);
	v[13] = rec(48.15, 16.25, 0, T0);
	struct aq_records r = {v, 14, 14};
	struct aq_question q = {.f = {.has_bbox = 1, .bbox = {16.0, 48.0, 16.3, 48.2}},
				.suppress_below = 5};
	struct ah_opts o = {.km = 1.5, .cell_km = 1, .adjust = PADJUST_BH, .alpha = 0.05,
			    .min_count = 3, .limit = 500};
	json_t *out = NULL;
	double radius_m;
	struct aq_why why;
	assert_int_equal(ah_hotspots(&q, &r, &o, NULL, json_object(), &out, &radius_m, &why),
			 TR_OK);
	assert_true(radius_m == 500);
	assert_true(json_is_null(json_object_get(out, "records")));
	json_t *items = json_object_get(out, "items"), *top = json_array_get(items, 0);
	assert_int_equal(json_integer_value(json_object_get(top, "count")), 12);
	assert_true(json_is_true(json_object_get(top, "hot")));
	size_t i, hidden = 0;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		if (json_is_true(json_object_get(it, "suppressed"))) {
			hidden++;
			assert_true(json_is_null(json_object_get(it, "count")));
			assert_true(json_is_false(json_object_get(it, "hot")));
		}
	}
	assert_int_equal(hidden, 1);
	json_decref(out);
	/* with the threshold at 2 the far cell and the total are shown */
	q.suppress_below = 2;
	assert_int_equal(ah_hotspots(&q, &r, &o, NULL, json_object(), &out, &radius_m, &why),
			 TR_OK);
	assert_int_equal(json_integer_value(json_object_get(out, "records")), 14);
	json_decref(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_small_count_is_hidden_only_with_other_organisations_records),
	    cmocka_unit_test(a_total_is_hidden_when_the_hidden_parts_would_come_back),
	    cmocka_unit_test(a_suppressed_count_is_written_as_null),
	    cmocka_unit_test(a_box_grid_covers_the_box_with_near_square_cells),
	    cmocka_unit_test(a_point_counts_in_the_cell_that_holds_it),
	    cmocka_unit_test(cells_count_records_and_other_organisations_records),
	    cmocka_unit_test(a_records_grid_holds_every_record_with_a_margin),
	    cmocka_unit_test(records_count_in_their_iso_week),
	    cmocka_unit_test(hot_spots_hide_a_small_foreign_cell_and_the_total),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
