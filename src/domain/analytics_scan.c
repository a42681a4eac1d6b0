#include "domain/analytics_scan.h"
#include "analytics/spatial_geo.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "domain/analytics_grid.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int asc_run(const struct aq_record *v, size_t n, const struct stscan_params *sp,
	    struct stscan_result *res, struct ts_error *err)
{
	double *x = malloc((n ? n : 1) * sizeof(double)), *y = malloc((n ? n : 1) * sizeof(double));
	int32_t *day = malloc((n ? n : 1) * sizeof(int32_t));
	int rc = x && y && day ? TR_OK : TR_ERR_NOMEM;
	for (size_t i = 0; !rc && i < n; i++) {
		x[i] = v[i].lon;
		y[i] = v[i].lat;
		day[i] = (int32_t)(aq_period_start(v[i].t, AQ_DAY) / AQ_DAY_MS);
	}
	if (!rc)
		rc = stscan_run(x, y, day, n, sp, res, err);
	free(x);
	free(y);
	free(day);
	return rc;
}

static json_t *asc_day_json(int32_t day)
{
	char t[32];
	tr_time_format((int64_t)day * AQ_DAY_MS, t);
	t[10] = '\0';
	return json_string(t);
}

static json_t *asc_cluster_json(const struct stscan_cluster *k, size_t rank,
				const struct aq_records *r, int threshold)
{
	double foreign = 0;
	for (size_t j = 0; j < k->n_events; j++)
		foreign += !r->v[k->events[j]].own;
	/* with expected, the LLR, the relative risk and the ids would give a
	 * count shown as null back */
	int sup = aq_suppressed((double)k->observed, foreign, threshold);
	json_t *it = json_pack("{s:I, s:{s:f, s:f}, s:f}", "rank", (json_int_t)rank, "centre",
			       "lat", k->y, "lon", k->x, "radius_km", k->radius);
	json_object_set_new(it, "start", asc_day_json(k->start));
	json_object_set_new(it, "end", asc_day_json(k->end));
	aq_count_set(it, "observed", (double)k->observed, foreign, threshold);
	json_object_set_new(it, "expected", aq_num_json(k->expected));
	json_object_set_new(it, "llr", sup ? json_null() : aq_num_json(k->llr));
	/* SaTScan's relative risk: inside over outside, observed over expected */
	double n = (double)r->n, rr = (double)k->observed / k->expected /
				      ((n - (double)k->observed) / (n - k->expected));
	json_object_set_new(it, "relative_risk", sup ? json_null() : aq_num_json(rr));
	json_object_set_new(it, "p", aq_num_json(k->p));
	json_object_set_new(it, "p_value", aq_num_json(k->p)); /* the name before p */
	json_t *ids = sup ? json_null() : json_array();
	for (size_t j = 0; !sup && j < k->n_events; j++)
		json_array_append_new(ids, json_string(r->v[k->events[j]].id));
	json_object_set_new(it, "record_ids", ids);
	return it;
}

/* Whether two clusters overlap: their circles meet and their periods too. */
static int asc_overlap(const struct stscan_cluster *a, const struct stscan_cluster *b)
{
	return spatial_geo_km(a->x, a->y, b->x, b->y) <= a->radius + b->radius &&
	       a->start <= b->end && b->start <= a->end;
}

/* The clusters reported, by decreasing LLR: p below alpha and no overlap
 * with one reported before (SaTScan's rule, in space and time). */
static json_t *asc_clusters_json(const struct stscan_result *res, const struct aq_records *r,
				 double alpha, int threshold)
{
	json_t *items = json_array();
	size_t *kept = malloc((res->n ? res->n : 1) * sizeof(size_t)), nk = 0;
	for (size_t i = 0; kept && i < res->n; i++) {
		const struct stscan_cluster *k = &res->clusters[i];
		int ok = k->p < alpha;
		for (size_t j = 0; ok && j < nk; j++)
			ok = !asc_overlap(k, &res->clusters[kept[j]]);
		if (!ok)
			continue;
		kept[nk++] = i;
		json_array_append_new(items, asc_cluster_json(k, nk, r, threshold));
	}
	free(kept);
	return items;
}

/* The events, the locations and the area analysed (for the map: the box
 * snapped to the coarsening grid), each null when it would reveal a small
 * count. */
static void asc_totals_set(json_t *o, const struct aq_question *q, const struct aq_records *r,
			   size_t locations)
{
	double foreign = 0;
	for (size_t i = 0; i < r->n; i++)
		foreign += !r->v[i].own;
	int thr = q->suppress_below, sup_e = aq_suppressed((double)r->n, foreign, thr);
	int sup_l = aq_suppressed((double)locations, foreign, thr);
	json_object_set_new(o, "events", sup_e ? json_null() : json_integer((json_int_t)r->n));
	json_object_set_new(o, "locations",
			    sup_l ? json_null() : json_integer((json_int_t)locations));
	json_object_set_new(o, "suppressed", json_boolean(sup_e || sup_l));
	double box[4];
	ag_box_of(&q->f, r, 0, box);
	json_object_set_new(o, "bbox",
			    sup_e ? json_null()
				  : json_pack("[f, f, f, f]", box[0], box[1], box[2], box[3]));
}

int asc_answer(const struct aq_question *q, const struct aq_records *r,
	       const struct stscan_params *sp, double alpha, json_t **out, struct aq_why *why)
{
	double reps = (double)sp->replications;
	if ((double)r->n * (reps + 1) > ASC_WORK_MAX)
		return aq_why_set(why, "from", 0,
				  "more than %.0f events for %.0f replications: narrow from, to, "
				  "bbox or country",
				  floor(ASC_WORK_MAX / (reps + 1)), reps);
	if (r->n == 0) {
		*out = json_pack("{s:s, s:I, s:b, s:[], s:i}", "source", aq_sources[q->f.source],
				 "events", (json_int_t)0, "suppressed", 0, "items",
				 "suppress_below", q->suppress_below);
		aq_window_set(*out, &q->f);
		return TR_OK;
	}
	struct stscan_result res = {0};
	struct ts_error err = {0};
	int rc = asc_run(r->v, r->n, sp, &res, &err);
	if (rc == TR_ERR_INVALID)
		return aq_why_set(why,
				  strcmp(err.column, "max_radius") == 0 ? "max_radius_km"
				  : strcmp(err.column, "max_days") == 0 ? "max_days"
									: "bbox",
				  1, "%s", err.message);
	if (rc)
		return rc;
	json_t *o =
	    json_pack("{s:s, s:f, s:i, s:i, s:b}", "source", aq_sources[q->f.source],
		      "max_radius_km", sp->max_radius, "max_days", sp->max_days, "replications",
		      (int)sp->replications, "prospective", sp->prospective);
	asc_totals_set(o, q, r, res.locations);
	aq_window_set(o, &q->f);
	json_object_set_new(o, "suppress_below", json_integer(q->suppress_below));
	json_object_set_new(o, "alpha", json_real(alpha));
	json_object_set_new(o, "items", asc_clusters_json(&res, r, alpha, q->suppress_below));
	stscan_result_free(&res);
	*out = o;
	return TR_OK;
}
