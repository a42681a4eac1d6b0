/* Early-warning detection: EARS C3 and Farrington flexible on the weekly
 * counts of every country x source x category over all records (the
 * system view), the hot spots and clusters of signal_space.c, and how an
 * alarm is stored: one signal per addressed organisation, merged with a
 * signal of the same place and week raised by another method, linked to
 * the signal of the week before it continues, closed when its alarm stops.
 * Reading and acting on signals is signal.c's. */
#include "domain/signal.h"
#include "domain/row.h"
#include "domain/signal_impl.h"
#include "analytics/ears.h"
#include "analytics/spatial_geo.h"
#include "analytics/farrington.h"
#include "core/err.h"
#include "core/uuid.h"
#include "domain/analytics_q.h"
#include "domain/analytics_series.h"
#include "domain/audit.h"
#include "domain/notify.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Detection reads at most this many weeks back: Farrington's five years
 * of history (b = 5, w = 3) and a margin. */
#define DETECT_WEEKS 320
/* EARS with R's minSigma 0 has no upper bound after a silent baseline
 * (sd 0), which is exactly when something new starts; a floor of one
 * record per week lets the first burst after silence raise a signal. */
#define DETECT_MIN_SIGMA 1.0

static int rec_cmp(const void *a, const void *b)
{
	const struct aq_record *x = a, *y = b;
	int c = strcmp(x->country, y->country);
	if (!c)
		c = strcmp(x->category, y->category);
	if (!c)
		c = x->t < y->t ? -1 : x->t > y->t;
	return c;
}

/* The signal of an addressee for the place and period of h, whatever the
 * method: its id ("" when none), and what merging needs of it. */
struct stored {
	char id[37];
	double observed;
	int weeks;
	int linked;	     /* continues a signal of the week before */
	char *methods, *ids; /* JSON texts, free() */
};

static int signal_find(struct db_conn *c, const char *org_key, const struct detect_hit *h,
		       int64_t week, struct stored *out)
{
	struct db_stmt *s;
	memset(out, 0, sizeof(*out));
	int rc = db_prepare_vals(
	    c,
	    "SELECT id, observed, weeks, methods, record_ids, continues FROM signals"
	    " WHERE org_key = ? AND source = ? AND country = ? AND category = ?"
	    " AND cell = ? AND period_start = ? ORDER BY id LIMIT 1",
	    DB_VALS(DB_TEXT(org_key), DB_TEXT(aq_sources[h->src]), DB_TEXT(h->country),
		    DB_TEXT(h->category), DB_TEXT(h->cell), DB_INT(week)),
	    &s);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		snprintf(out->id, sizeof(out->id), "%s", db_col_text(s, 0));
		out->observed = db_col_double(s, 1);
		out->weeks = (int)db_col_int64(s, 2);
		out->methods = strdup(db_col_text(s, 3) ? db_col_text(s, 3) : "[]");
		out->ids = strdup(db_col_text(s, 4) ? db_col_text(s, 4) : "[]");
		out->linked = !db_col_is_null(s, 5);
		rc = out->methods && out->ids ? TR_OK : TR_ERR_NOMEM;
	} else if (rc == DB_DONE) {
		rc = TR_OK;
	}
	db_done(s);
	return rc;
}

static void stored_free(struct stored *st)
{
	free(st->methods);
	free(st->ids);
}

static void bind_num(struct db_stmt *s, int i, double x)
{
	isfinite(x) ? db_bind_double(s, i, x) : db_bind_null(s, i);
}

static int signal_insert(struct db_conn *c, const char *org, const struct detect_hit *h,
			 const struct stored *prev, int64_t now, char id[37])
{
	struct db_stmt *s;
	int rc = db_prepare(c,
			    "INSERT INTO signals (id, org_id, org_key, country, cell, method,"
			    " source, category, period_start, period_end, observed, expected,"
			    " upperbound, score, record_ids, status, first_seen, last_seen,"
			    " continues, created_at, updated_at, lat, lon, radius_m, methods,"
			    " weeks, statistic, p_adjusted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
			    " ?, ?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			    &s);
	if (rc)
		return rc;
	tr_uuid7(id);
	char *ids = json_dumps(h->ids, JSON_COMPACT), methods[64];
	snprintf(methods, sizeof(methods), "[\"%s\"]", h->method);
	db_bind_text(s, 1, id);
	db_bind_text_or_null(s, 2, org);
	db_bind_text(s, 3, org ? org : "");
	db_bind_text(s, 4, h->country);
	db_bind_text(s, 5, h->cell);
	db_bind_text(s, 6, h->method);
	db_bind_text(s, 7, aq_sources[h->src]);
	db_bind_text(s, 8, h->category);
	db_bind_int64(s, 9, h->week);
	db_bind_int64(s, 10, h->week + AQ_WEEK_MS);
	db_bind_double(s, 11, h->observed);
	bind_num(s, 12, h->expected);
	bind_num(s, 13, h->upperbound);
	bind_num(s, 14, h->observed - h->upperbound);
	db_bind_text(s, 15, ids ? ids : "[]");
	db_bind_int64(s, 16, now);
	db_bind_int64(s, 17, now);
	db_bind_text_or_null(s, 18, prev->id[0] ? prev->id : NULL);
	db_bind_int64(s, 19, now);
	db_bind_int64(s, 20, now);
	bind_num(s, 21, h->lat);
	bind_num(s, 22, h->lon);
	bind_num(s, 23, h->radius_m);
	db_bind_text(s, 24, methods);
	db_bind_int64(s, 25, prev->id[0] ? prev->weeks + 1 : 1);
	bind_num(s, 26, h->statistic);
	bind_num(s, 27, h->p_adjusted);
	free(ids);
	return row_step_write(s);
}

/* The union of a stored JSON array of strings and more (capped). */
static json_t *union_of(const char *stored, json_t *more, size_t cap)
{
	json_t *a = json_loads(stored, 0, NULL), *v;
	size_t i;
	if (!json_is_array(a)) {
		json_decref(a);
		a = json_array();
	}
	json_array_foreach(more, i, v)
	{
		size_t j;
		json_t *w;
		int seen = 0;
		json_array_foreach(a, j, w) seen |= json_equal(v, w);
		if (!seen && json_array_size(a) < cap)
			json_array_append(a, v);
	}
	return a;
}

/* Merges h into the stored signal: every method that raised it, every
 * record behind it; the values of the method that saw the most records. */
static int signal_merge(struct db_conn *c, const struct stored *st, const struct detect_hit *h,
			int64_t now, int *changed)
{
	json_t *m1 = json_array();
	json_array_append_new(m1, json_string(h->method));
	json_t *methods = union_of(st->methods, m1, 8);
	json_t *ids = union_of(st->ids, h->ids, SIGNAL_IDS_MAX);
	json_decref(m1);
	char *mt = json_dumps(methods, JSON_COMPACT), *it = json_dumps(ids, JSON_COMPACT);
	double observed = fmax(st->observed, h->observed);
	*changed = strcmp(mt ? mt : "", st->methods) != 0 || strcmp(it ? it : "", st->ids) != 0 ||
		   observed != st->observed;
	json_decref(methods);
	json_decref(ids);
	struct db_stmt *s;
	int rc = TR_OK;
	int better = h->observed >= st->observed;
	if (!*changed)
		rc = db_prepare(c, "UPDATE signals SET last_seen = ? WHERE id = ?", &s);
	else if (better)
		rc = db_prepare(c,
				"UPDATE signals SET last_seen = ?, observed = ?, methods = ?,"
				" record_ids = ?, updated_at = ?, version = version + 1,"
				" expected = ?, upperbound = ?, score = ?, statistic = ?,"
				" p_adjusted = ? WHERE id = ?",
				&s);
	else
		rc = db_prepare(
		    c,
		    "UPDATE signals SET last_seen = ?, observed = ?, methods = ?,"
		    " record_ids = ?, updated_at = ?, version = version + 1 WHERE id = ?",
		    &s);
	if (!rc) {
		db_bind_int64(s, 1, now);
		int i = 2;
		if (*changed) {
			db_bind_double(s, i++, observed);
			db_bind_text(s, i++, mt ? mt : "[]");
			db_bind_text(s, i++, it ? it : "[]");
			db_bind_int64(s, i++, now);
			if (better) {
				bind_num(s, i++, h->expected);
				bind_num(s, i++, h->upperbound);
				bind_num(s, i++, h->observed - h->upperbound);
				bind_num(s, i++, h->statistic);
				bind_num(s, i++, h->p_adjusted);
			}
		}
		db_bind_text(s, i, st->id);
		rc = row_step_write(s);
	}
	free(mt);
	free(it);
	return rc;
}

/* Links a signal stored before the one of the week before it (runs out of
 * order: `trellis detect --at` an earlier week) so that it continues it. */
static int signal_link(struct db_conn *c, const struct stored *cur, const struct stored *prev)
{
	return db_run_vals(c, "UPDATE signals SET continues = ?, weeks = ? WHERE id = ?",
			   DB_VALS(DB_TEXT(prev->id), DB_INT(prev->weeks + 1), DB_TEXT(cur->id)));
}

/* Stores or merges the signal of one addressee, in one transaction. */
static int signal_store(struct db_conn *c, const char *org, const struct detect_hit *h, int64_t now,
			struct signal_run *run)
{
	char id[37] = "";
	struct stored cur, prev;
	const char *key = org ? org : "";
	memset(&prev, 0, sizeof(prev));
	int rc = db_begin(c);
	if (rc)
		return rc;
	if ((rc = signal_find(c, key, h, h->week, &cur)))
		goto out;
	const char *action = NULL;
	if (cur.id[0]) {
		int changed = 0;
		rc = signal_merge(c, &cur, h, now, &changed);
		action = changed ? "update" : NULL;
		snprintf(id, sizeof(id), "%s", cur.id);
		run->refreshed++;
		if (!rc && !cur.linked &&
		    !(rc = signal_find(c, key, h, h->week - AQ_WEEK_MS, &prev)) && prev.id[0]) {
			rc = signal_link(c, &cur, &prev);
			action = "update";
		}
	} else if (!(rc = signal_find(c, key, h, h->week - AQ_WEEK_MS, &prev))) {
		action = "create";
		rc = signal_insert(c, org, h, &prev, now, id);
		run->created++;
		run->continued += prev.id[0] != '\0';
	}
	/* a new signal reaches the inbox of those of the addressee who may act
	 * on it, in the same transaction */
	if (!rc && action && strcmp(action, "create") == 0 && org) {
		struct notify_audience a = {org, NULL, 0, 0, signal_may_act_on};
		char dedupe[64];
		snprintf(dedupe, sizeof(dedupe), "signal:%s", id);
		rc = notify_inbox_audience(c, &a, "signal", "signal", id, dedupe, now, NULL);
	}
	if (!rc && action) {
		char detail[300];
		snprintf(detail, sizeof(detail),
			 "{\"method\":\"%s\",\"source\":\"%s\",\"country\":\"%s\",\"cell\":\"%s\","
			 "\"observed\":%g}",
			 h->method, aq_sources[h->src], h->country, h->cell, h->observed);
		struct audit_entry e = {NULL, org, action, "signal", id, NULL, NULL, detail};
		rc = audit_append(c, &e, now);
	}
out:
	stored_free(&cur);
	stored_free(&prev);
	return db_end(c, rc);
}

/* The organisations responsible for a country: its police and drug-control
 * agencies. A JSON array of ids, empty when there are none. */
static int signal_addressees(struct db_conn *c, const char *country, json_t *orgs)
{
	return row_all_vals(c,
			    "SELECT id FROM organisations WHERE country = ? AND kind IN"
			    " ('police', 'drug_control_agency') ORDER BY id",
			    DB_VALS(DB_TEXT(country)), row_first_string, orgs);
}

/* The police of the country whose declared areas (org_areas) hold the
 * point: they, not every police force of the country, are responsible. */
static int signal_area_police(struct db_conn *c, const char *country, double lat, double lon,
			      json_t *orgs)
{
	struct db_stmt *s;
	int rc =
	    db_prepare_vals(c,
			    "SELECT a.org_id, a.lat, a.lon, a.radius_m FROM org_areas a JOIN"
			    " organisations o ON o.id = a.org_id WHERE o.country = ? AND o.kind ="
			    " 'police' ORDER BY a.org_id, a.id",
			    DB_VALS(DB_TEXT(country)), &s);
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		const char *org = db_col_text(s, 0);
		double km = spatial_geo_km(lon, lat, db_col_double(s, 2), db_col_double(s, 1));
		size_t n = json_array_size(orgs);
		if (km * 1000 <= db_col_double(s, 3) &&
		    (n == 0 || strcmp(json_string_value(json_array_get(orgs, n - 1)), org) != 0))
			json_array_append_new(orgs, json_string(org));
	}
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

int signal_emit(struct db_conn *c, const struct detect_hit *h, int64_t now, struct signal_run *run)
{
	json_t *orgs = json_array();
	int rc = isfinite(h->lat) ? signal_area_police(c, h->country, h->lat, h->lon, orgs) : TR_OK;
	if (!rc && json_array_size(orgs) == 0)
		rc = signal_addressees(c, h->country, orgs);
	size_t n = json_array_size(orgs);
	/* no responsible organisation: one signal for the country's analysts */
	for (size_t i = 0; !rc && i < (n ? n : 1); i++) {
		rc = signal_store(c, n ? json_string_value(json_array_get(orgs, i)) : NULL, h, now,
				  run);
		if (rc == TR_ERR_CONFLICT) {
			run->skipped++;
			rc = TR_OK;
		}
	}
	json_decref(orgs);
	return rc;
}

/* Closes the signals of earlier weeks that no signal of a later week
 * continues: their alarm stopped. Each closing is audited. */
static json_t *id_org_row(struct db_stmt *s)
{
	return json_pack("[ss?]", db_col_text(s, 0), db_col_text(s, 1));
}

static int signal_close_stopped(struct db_conn *c, int64_t week, int64_t now,
				struct signal_run *run)
{
	json_t *ids = json_array();
	int rc = row_all_vals(c,
			      "SELECT g.id, g.org_id FROM signals g WHERE g.closed_at IS NULL AND"
			      " g.period_start < ? AND NOT EXISTS (SELECT 1 FROM signals n WHERE"
			      " n.continues = g.id) ORDER BY g.id LIMIT 10000",
			      DB_VALS(DB_INT(week)), id_org_row, ids);
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v)
	{
		if (rc || (rc = db_begin(c))) /* a failed read closes none */
			break;
		const char *id = json_string_value(json_array_get(v, 0));
		const char *org = json_string_value(json_array_get(v, 1));
		rc = db_run_vals(c,
				 "UPDATE signals SET closed_at = ?, updated_at = ?,"
				 " version = version + 1 WHERE id = ? AND closed_at IS NULL",
				 DB_VALS(DB_INT(now), DB_INT(now), DB_TEXT(id)));
		struct audit_entry e = {NULL, org, "close", "signal", id, NULL, NULL, "{}"};
		if (!rc)
			rc = audit_append(c, &e, now);
		if (rc)
			db_rollback(c);
		else if (!(rc = db_commit(c)))
			run->closed++;
	}
	json_decref(ids);
	return rc;
}

/* A bound below the expected value is the method's degenerate case (no
 * variation to bound): it is not shown (null) rather than misread. */
static double degenerate(double expected, double upper)
{
	return isfinite(upper) && isfinite(expected) && upper < expected ? NAN : upper;
}

/* Evaluates the latest week of one series with each method. */
static int detect_series(struct db_conn *c, struct detect_hit *h, const double *y, size_t n,
			 int64_t now, struct signal_run *run)
{
	struct ts_point *p = calloc(n, sizeof(*p));
	struct ts_error err;
	int rc = p ? TR_OK : TR_ERR_NOMEM;
	struct ears_opts eo;
	ears_opts_default(&eo, EARS_C3);
	eo.min_sigma = DETECT_MIN_SIGMA;
	struct far_opts fo;
	far_opts_default(&fo);
	run->series++;
	h->observed = n ? y[n - 1] : 0;
	/* a week below the minimum count raises nothing, whatever the method */
	if (h->observed < SIGNAL_MIN_COUNT) {
		free(p);
		return TR_OK;
	}
	if (!rc && n > ears_min_from(&eo) && ears_run(y, n, n - 1, &eo, p, &err) == TR_OK &&
	    p[n - 1].alarm) {
		h->method = "ears_c3";
		h->expected = as_ears_expected(y, n - 1, 2, eo.baseline);
		h->upperbound = degenerate(h->expected, p[n - 1].upperbound);
		run->alarms++;
		rc = signal_emit(c, h, now, run);
	}
	if (!rc && n > far_min_from(&fo) && far_run(y, n, n - 1, &fo, p, &err) == TR_OK &&
	    p[n - 1].alarm) {
		h->method = "farrington";
		h->expected = p[n - 1].expected;
		h->upperbound = degenerate(h->expected, p[n - 1].upperbound);
		run->alarms++;
		rc = signal_emit(c, h, now, run);
	}
	free(p);
	return rc;
}

/* Every country x category series of one source. */
static int detect_source(struct db_conn *c, enum aq_source src, int64_t now, struct signal_run *run)
{
	int64_t week = aq_period_start(now, AQ_WEEK);
	struct aq_filter f = {.source = src, .per_country = 1};
	f.from = week - (int64_t)DETECT_WEEKS * AQ_WEEK_MS;
	f.to = week + AQ_WEEK_MS;
	struct aq_records r;
	int rc = aq_records_load(c, NULL, &f, &r);
	if (rc || r.n == 0)
		return rc; /* nothing held: aq_records_load's postcondition */
	/* the series start with the source's first record: earlier weeks are
	 * not known to be zero */
	int64_t start = aq_period_start(r.v[0].t, AQ_WEEK);
	size_t n = (size_t)((week - start) / AQ_WEEK_MS + 1);
	qsort(r.v, r.n, sizeof(*r.v), rec_cmp);
	double *y = calloc(n, sizeof(double));
	if (!y) {
		aq_records_free(&r);
		return TR_ERR_NOMEM;
	}
	for (size_t i = 0; !rc && i < r.n;) {
		size_t j = i;
		memset(y, 0, n * sizeof(double));
		struct detect_hit h = {.src = src,
				       .country = r.v[i].country,
				       .category = r.v[i].category,
				       .week = week,
				       .statistic = NAN,
				       .p_adjusted = NAN,
				       .lat = NAN,
				       .lon = NAN,
				       .radius_m = NAN,
				       .ids = json_array()};
		for (; j < r.n && strcmp(r.v[j].country, r.v[i].country) == 0 &&
		       strcmp(r.v[j].category, r.v[i].category) == 0;
		     j++) {
			size_t k = (size_t)((r.v[j].t - start) / AQ_WEEK_MS);
			y[k] += 1;
			if (k == n - 1 && json_array_size(h.ids) < SIGNAL_IDS_MAX)
				json_array_append_new(h.ids, json_string(r.v[j].id));
		}
		if (r.v[i].country[0])
			rc = detect_series(c, &h, y, n, now, run);
		json_decref(h.ids);
		i = j;
	}
	free(y);
	aq_records_free(&r);
	return rc;
}

int signal_detect(struct db_conn *c, int64_t now, int tips_present, struct signal_run *out)
{
	memset(out, 0, sizeof(*out));
	int rc = TR_OK;
	for (int s = 0; !rc && s < AQ__MAX; s++)
		if (s != AQ_TIPS || tips_present) {
			rc = detect_source(c, (enum aq_source)s, now, out);
			if (!rc)
				rc = signal_detect_space(c, (enum aq_source)s, now, out);
		}
	if (!rc)
		rc = signal_close_stopped(c, aq_period_start(now, AQ_WEEK), now, out);
	return rc;
}
