#include "domain/signal.h"
#include "domain/signal_impl.h"
#include "analytics/spatial_geo.h"
#include "domain/row.h"
#include "analytics/ears.h"
#include "analytics/farrington.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "domain/analytics_q.h"
#include "domain/audit.h"
#include "domain/notify.h"
#include "domain/place.h"
#include "domain/tip.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const signal_statuses[] = {"new", "acknowledged", "dismissed", NULL};
const char *const signal_methods[] = {"ears_c3", "farrington", "gistar", "stscan", NULL};

/* Detection reads at most this many weeks back: Farrington's five years
 * of history (b = 5, w = 3) and a margin. */
#define DETECT_WEEKS 320
/* EARS with R's minSigma 0 has no upper bound after a silent baseline
 * (sd 0), which is exactly when something new starts; a floor of one
 * record per week lets the first burst after silence raise a signal. */
#define DETECT_MIN_SIGMA 1.0
/* Records listed on a signal's page. */
#define SIGNAL_RECORDS_SHOWN 200
/* Ids per visibility query (the access predicate takes 4 parameters). */
#define IDS_CHUNK 40

/* Who sees which signals (docs/access.md, "Early-warning signals"):
 * every role sees the signals addressed to its organisation; country_wide
 * roles also see those addressed to other organisations of their country.
 * Who may acknowledge or dismiss is the update right of the one permission
 * table (acl.c, RES_SIGNAL), for the addressed organisation's signals. */
static const struct {
	int country_wide;
} signal_roles[ROLE__MAX] = {
    [ROLE_ADMIN] = {1},	  [ROLE_ORG_ADMIN] = {1}, [ROLE_ANALYST] = {1},
    [ROLE_OFFICER] = {0}, [ROLE_PARTNER] = {0},	  [ROLE_VIEWER] = {0},
};

static int signal_may_act(const struct caller *who, const char *org_key)
{
	return org_key && strcmp(org_key, who->org_id) == 0 &&
	       acl_role_can(who->role, RES_SIGNAL, ACT_UPDATE);
}

/* ---- detection ---- */

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
	int rc =
	    db_prepare(c,
		       "SELECT id, observed, weeks, methods, record_ids, continues FROM signals"
		       " WHERE org_key = ? AND source = ? AND country = ? AND category = ?"
		       " AND cell = ? AND period_start = ? ORDER BY id LIMIT 1",
		       &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, org_key);
	db_bind_text(s, 2, aq_sources[h->src]);
	db_bind_text(s, 3, h->country);
	db_bind_text(s, 4, h->category);
	db_bind_text(s, 5, h->cell);
	db_bind_int64(s, 6, week);
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
	rc = db_step(s);
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
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
		rc = db_step(s);
		db_done(s);
		rc = rc == DB_DONE ? TR_OK : rc;
	}
	free(mt);
	free(it);
	return rc;
}

/* Links a signal stored before the one of the week before it (runs out of
 * order: `trellis detect --at` an earlier week) so that it continues it. */
static int signal_link(struct db_conn *c, const struct stored *cur, const struct stored *prev)
{
	struct db_stmt *s;
	int rc = db_prepare(c, "UPDATE signals SET continues = ?, weeks = ? WHERE id = ?", &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, prev->id);
	db_bind_int64(s, 2, prev->weeks + 1);
	db_bind_text(s, 3, cur->id);
	rc = db_step(s);
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
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
	if (rc) {
		db_rollback(c);
		return rc;
	}
	return db_commit(c);
}

/* The organisations responsible for a country: its police and drug-control
 * agencies. A JSON array of ids, empty when there are none. */
static int signal_addressees(struct db_conn *c, const char *country, json_t *orgs)
{
	struct db_stmt *s;
	int rc = db_prepare(c,
			    "SELECT id FROM organisations WHERE country = ? AND kind IN"
			    " ('police', 'drug_control_agency') ORDER BY id",
			    &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, country);
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(orgs, json_string(db_col_text(s, 0)));
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

/* The police of the country whose declared areas (org_areas) hold the
 * point: they, not every police force of the country, are responsible. */
static int signal_area_police(struct db_conn *c, const char *country, double lat, double lon,
			      json_t *orgs)
{
	struct db_stmt *s;
	int rc = db_prepare(c,
			    "SELECT a.org_id, a.lat, a.lon, a.radius_m FROM org_areas a JOIN"
			    " organisations o ON o.id = a.org_id WHERE o.country = ? AND o.kind ="
			    " 'police' ORDER BY a.org_id, a.id",
			    &s);
	if (rc)
		return rc;
	db_bind_text(s, 1, country);
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
static int signal_close_stopped(struct db_conn *c, int64_t week, int64_t now,
				struct signal_run *run)
{
	struct db_stmt *s;
	json_t *ids = json_array();
	int rc = db_prepare(c,
			    "SELECT g.id, g.org_id FROM signals g WHERE g.closed_at IS NULL AND"
			    " g.period_start < ? AND NOT EXISTS (SELECT 1 FROM signals n WHERE"
			    " n.continues = g.id) ORDER BY g.id LIMIT 10000",
			    &s);
	if (rc) {
		json_decref(ids);
		return rc;
	}
	db_bind_int64(s, 1, week);
	while ((rc = db_step(s)) == DB_ROW)
		json_array_append_new(ids,
				      json_pack("[ss?]", db_col_text(s, 0), db_col_text(s, 1)));
	db_done(s);
	rc = rc == DB_DONE ? TR_OK : rc;
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v)
	{
		if (rc || (rc = db_begin(c)))
			break;
		const char *id = json_string_value(json_array_get(v, 0));
		const char *org = json_string_value(json_array_get(v, 1));
		if (!(rc = db_prepare(c,
				      "UPDATE signals SET closed_at = ?, updated_at = ?,"
				      " version = version + 1 WHERE id = ? AND closed_at IS NULL",
				      &s))) {
			db_bind_int64(s, 1, now);
			db_bind_int64(s, 2, now);
			db_bind_text(s, 3, id);
			rc = db_step(s);
			db_done(s);
			rc = rc == DB_DONE ? TR_OK : rc;
		}
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

/* The mean of C2/C3's reference periods (lag 2), EARS's expected level. */
static double ears_expected(const double *y, size_t t, size_t baseline)
{
	double sum = 0;
	for (size_t i = t - 2 - baseline; i < t - 2; i++)
		sum += y[i];
	return sum / (double)baseline;
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
		h->expected = ears_expected(y, n - 1, eo.baseline);
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
	if (rc || r.n == 0) {
		aq_records_free(&r);
		return rc;
	}
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

/* ---- reading ---- */

#define SIGNAL_COLS                                                                                \
	"g.id, g.org_id, g.country, g.cell, g.method, g.source, g.category, g.period_start,"       \
	" g.period_end, g.observed, g.expected, g.upperbound, g.score, g.record_ids,"              \
	" g.status, g.dismissal_reason, g.status_by, g.status_at, g.first_seen, g.last_seen,"      \
	" g.continues, g.version, g.lat, g.lon, g.radius_m, g.methods, g.weeks, g.closed_at,"      \
	" g.status_comment, g.statistic, g.p_adjusted,"                                            \
	" (SELECT MIN(n.id) FROM signals n WHERE n.continues = g.id), g.org_key"

/* Signals addressed to the caller's organisation, and for country-wide
 * roles to any organisation of the caller's country. */
static void signal_visible(struct query *q, const struct caller *who)
{
	query_text(q, " AND (g.org_key = ?", who->org_id);
	if (signal_roles[who->role].country_wide && who->country[0])
		query_text(q, " OR g.country = ?", who->country);
	query_sql(q, ")");
}

static json_t *time_json(int64_t ms)
{
	char t[32];
	tr_time_format(ms, t);
	return json_string(t);
}

/* Which of ids (a chunk) the caller may see: id -> [own, label, time,
 * link] in seen. */
static int ids_chunk(struct db_conn *c, const struct caller *who, const char *source, json_t *ids,
		     size_t from, size_t to, json_t *seen)
{
	struct query q;
	query_init(&q);
	int tips = strcmp(source, "tips") == 0, sight = strcmp(source, "sightings") == 0;
	query_sql(&q, tips ? "SELECT t.id, t.org_id, t.category, COALESCE(t.observed_at,"
			     " t.created_at), t.id FROM tips t WHERE t.id IN ("
		      : sight
			  ? "SELECT s.id, s.org_id, a.title, s.observed_at, a.id FROM"
			    " alert_sightings s JOIN alerts a ON a.id = s.alert_id WHERE s.id IN ("
			  : "SELECT a.id, a.org_id, a.title, COALESCE(a.observed_from,"
			    " a.created_at), a.id FROM alerts a WHERE a.id IN (");
	for (size_t i = from; i < to; i++)
		query_text(&q, i > from ? ", ?" : "?", json_string_value(json_array_get(ids, i)));
	query_sql(&q, ")");
	acl_visible(&q, who, tips ? "t" : "a");
	if (!tips)
		query_text(&q, " AND (a.status <> 'draft' OR a.org_id = ?)", who->org_id);
	struct db_stmt *s;
	int rc = query_prepare(&q, c, &s);
	query_free(&q);
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		char link[64];
		snprintf(link, sizeof(link), "/%s/%s", tips ? "tips" : "alerts", db_col_text(s, 4));
		json_object_set_new(seen, db_col_text(s, 0),
				    json_pack("[bsIs]", strcmp(db_col_text(s, 1), who->org_id) == 0,
					      db_col_text(s, 2) ? db_col_text(s, 2) : "",
					      (json_int_t)db_col_int64(s, 3), link));
	}
	db_done(s);
	return rc == DB_DONE ? TR_OK : rc;
}

/* The record ids the caller may see (in stored order) into *out, the
 * first SIGNAL_RECORDS_SHOWN of them as {id, label, time, link} into
 * *records, and how many of the stored ones are of the caller's
 * organisation. Tips only for the roles that may read tips. */
static int signal_ids(struct db_conn *c, const struct caller *who, const char *source,
		      const char *text, json_t **out, json_t **records, size_t *own)
{
	json_t *ids = text ? json_loads(text, 0, NULL) : NULL, *seen = json_object();
	int rc = TR_OK, tips = strcmp(source, "tips") == 0;
	*own = 0;
	*out = json_array();
	*records = json_array();
	if (!json_is_array(ids) ||
	    (tips && (!aq_tips_present(c) || !acl_role_can(who->role, RES_TIP, ACT_READ)))) {
		json_decref(ids);
		json_decref(seen);
		return TR_OK;
	}
	size_t n = json_array_size(ids);
	for (size_t i = 0; !rc && i < n; i += IDS_CHUNK)
		rc = ids_chunk(c, who, source, ids, i, i + IDS_CHUNK < n ? i + IDS_CHUNK : n, seen);
	for (size_t i = 0; !rc && i < n; i++) {
		const char *id = json_string_value(json_array_get(ids, i));
		json_t *r = id ? json_object_get(seen, id) : NULL;
		if (!r)
			continue;
		json_array_append_new(*out, json_string(id));
		*own += json_is_true(json_array_get(r, 0));
		if (json_array_size(*records) < SIGNAL_RECORDS_SHOWN)
			json_array_append_new(
			    *records,
			    json_pack("{s:s,s:O,s:o,s:O}", "id", id, "label", json_array_get(r, 1),
				      "time", time_json(json_integer_value(json_array_get(r, 2))),
				      "link", json_array_get(r, 3)));
	}
	json_decref(ids);
	json_decref(seen);
	return rc;
}

static json_t *num_json(struct db_stmt *s, int col)
{
	return db_col_is_null(s, col) ? json_null() : json_real(db_col_double(s, col));
}

static json_t *text_json(struct db_stmt *s, int col)
{
	const char *v = db_col_text(s, col);
	return v && *v ? json_string(v) : json_null();
}

static int signal_row(struct db_stmt *s, json_t **out)
{
	static const char *const texts[] = {"id",     "org_id", "country", "cell",
					    "method", "source", "category"};
	json_t *g = json_object();
	for (int i = 0; i < 7; i++)
		json_object_set_new(g, texts[i], text_json(s, i));
	json_object_set_new(g, "period_start", row_time(s, 7));
	json_object_set_new(g, "period_end", row_time(s, 8));
	double observed = db_col_double(s, 9);
	json_object_set_new(g, "expected", num_json(s, 10));
	json_object_set_new(g, "upperbound", num_json(s, 11));
	json_object_set_new(g, "score", num_json(s, 12));
	json_object_set_new(g, "status", text_json(s, 14));
	json_object_set_new(g, "dismissal_reason", text_json(s, 15));
	json_object_set_new(g, "status_by", text_json(s, 16));
	json_object_set_new(g, "status_at", row_time(s, 17));
	json_object_set_new(g, "first_seen", row_time(s, 18));
	json_object_set_new(g, "last_seen", row_time(s, 19));
	json_object_set_new(g, "continues", text_json(s, 20));
	json_object_set_new(g, "version", json_integer(db_col_int64(s, 21)));
	json_object_set_new(g, "lat", num_json(s, 22));
	json_object_set_new(g, "lon", num_json(s, 23));
	json_object_set_new(g, "radius_m", num_json(s, 24));
	json_t *methods = json_loads(db_col_text(s, 25) ? db_col_text(s, 25) : "", 0, NULL);
	json_object_set_new(g, "methods", json_is_array(methods) ? methods : json_array());
	if (!json_is_array(methods))
		json_decref(methods);
	int64_t weeks = db_col_int64(s, 26);
	json_object_set_new(g, "weeks", json_integer(weeks));
	/* new: the first week of its alarm; continuing: alarming for weeks;
	 * continued: a later week's signal carries it on; closed: it stopped */
	json_object_set_new(g, "state",
			    json_string(!db_col_is_null(s, 31)	 ? "continued"
					: !db_col_is_null(s, 27) ? "closed"
					: weeks > 1		 ? "continuing"
								 : "new"));
	json_object_set_new(g, "closed_at", row_time(s, 27));
	json_object_set_new(g, "status_comment", text_json(s, 28));
	json_object_set_new(g, "statistic", num_json(s, 29));
	json_object_set_new(g, "p_adjusted", num_json(s, 30));
	json_object_set_new(g, "continued_by", text_json(s, 31));
	json_object_set_new(g, "_org_key", text_json(s, 32));
	/* the ids are filtered by signal_finish once the statement is done */
	json_object_set_new(g, "observed", json_real(observed));
	const char *ids = db_col_text(s, 13);
	json_object_set_new(g, "_ids", json_string(ids ? ids : "[]"));
	*out = g;
	return TR_OK;
}

/* What the caller may do with a signal: only those who may act see the
 * buttons (docs/access.md, "Early-warning signals"). */
static json_t *signal_can(const struct caller *who, const char *org_key, const char *status)
{
	int act = signal_may_act(who, org_key) && !who->read_only;
	return json_pack("{s:b,s:b}", "acknowledge", act && strcmp(status, "new") == 0, "dismiss",
			 act && strcmp(status, "dismissed") != 0);
}

/* Replaces the stored ids by those the caller may see, applies the
 * small-count rule to observed, names the place in lang and says what the
 * caller may do. Runs after the statement is finished. */
static int signal_finish(struct db_conn *c, const struct caller *who, int suppress_below,
			 const char *lang, json_t *g)
{
	json_t *ids, *records;
	size_t own;
	int rc = signal_ids(c, who, json_string_value(json_object_get(g, "source")),
			    json_string_value(json_object_get(g, "_ids")), &ids, &records, &own);
	json_object_del(g, "_ids");
	if (rc)
		return rc;
	double observed = json_real_value(json_object_get(g, "observed"));
	int sup = aq_suppressed(observed, observed - (double)own, suppress_below);
	json_object_set_new(g, "observed", sup ? json_null() : json_integer((json_int_t)observed));
	json_object_set_new(g, "suppressed", json_boolean(sup));
	/* score is observed less upperbound, and the ids count the records
	 * seen: either would give a suppressed count back */
	if (sup) {
		json_object_set_new(g, "score", json_null());
		json_decref(ids);
		json_decref(records);
		ids = json_null();
		records = json_null();
	}
	json_object_set_new(g, "record_ids", ids);
	json_object_set_new(g, "records", records);
	json_object_set_new(g, "can",
			    signal_can(who, json_string_value(json_object_get(g, "_org_key")),
				       json_string_value(json_object_get(g, "status"))));
	json_object_del(g, "_org_key");
	json_t *lat = json_object_get(g, "lat"), *lon = json_object_get(g, "lon");
	struct place_near p = {0};
	if (json_is_number(lat) && json_is_number(lon))
		rc = place_name_near(c, json_number_value(lat), json_number_value(lon),
				     json_number_value(json_object_get(g, "radius_m")), lang, &p);
	json_object_set_new(g, "place", place_near_json(&p));
	return rc;
}

int signal_may_act_on(struct db_conn *c, const struct caller *who, const char *id)
{
	struct query q;
	query_init(&q);
	query_text(&q, "SELECT g.org_key FROM signals g WHERE g.id = ?", id);
	signal_visible(&q, who);
	struct db_stmt *s;
	int rc = query_prepare(&q, c, &s);
	query_free(&q);
	if (rc)
		return rc;
	rc = db_step(s);
	int act = rc == DB_ROW && signal_may_act(who, db_col_text(s, 0));
	db_done(s);
	if (rc != DB_ROW && rc != DB_DONE)
		return rc;
	return act ? TR_OK : TR_ERR_NOT_FOUND;
}

int signal_title(struct db_conn *c, const struct caller *who, const char *id, const char *lang,
		 char *out, size_t n)
{
	struct query q;
	query_init(&q);
	query_text(&q, "SELECT g.country, g.lat, g.lon, g.radius_m FROM signals g WHERE g.id = ?",
		   id);
	signal_visible(&q, who);
	struct db_stmt *s;
	int rc = query_prepare(&q, c, &s);
	query_free(&q);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc != DB_ROW) {
		db_done(s);
		return rc == DB_DONE ? TR_ERR_NOT_FOUND : rc;
	}
	snprintf(out, n, "%s", db_col_text(s, 0) ? db_col_text(s, 0) : "");
	int point = !db_col_is_null(s, 1) && !db_col_is_null(s, 2);
	double lat = db_col_double(s, 1), lon = db_col_double(s, 2), r = db_col_double(s, 3);
	db_done(s);
	struct place_near p = {0};
	if (point && (rc = place_name_near(c, lat, lon, r, lang, &p)))
		return rc;
	if (p.found) {
		snprintf(out, n, "%s", p.text);
		return TR_OK;
	}
	/* the whole country: its name (French for French readers; the
	 * reference data has no Russian names, English stands in) */
	char iso[3];
	snprintf(iso, sizeof(iso), "%s", out);
	if ((rc = db_prepare(c, "SELECT name_en, name_fr FROM countries WHERE iso2 = ?", &s)))
		return rc;
	db_bind_text(s, 1, iso);
	rc = db_step(s);
	if (rc == DB_ROW)
		snprintf(out, n, "%s", db_col_text(s, lang && strcmp(lang, "fr") == 0 ? 1 : 0));
	db_done(s);
	return rc == DB_ROW || rc == DB_DONE ? TR_OK : rc;
}

int signal_get(struct db_conn *c, const struct caller *who, const char *id, int suppress_below,
	       const char *lang, json_t **out)
{
	struct query q;
	query_init(&q);
	query_text(&q, "SELECT " SIGNAL_COLS " FROM signals g WHERE g.id = ?", id);
	signal_visible(&q, who);
	struct db_stmt *s;
	int rc = query_prepare(&q, c, &s);
	query_free(&q);
	if (rc)
		return rc;
	*out = NULL;
	rc = db_step(s);
	if (rc == DB_ROW)
		rc = signal_row(s, out);
	else if (rc == DB_DONE)
		rc = TR_ERR_NOT_FOUND;
	db_done(s);
	if (!rc)
		rc = signal_finish(c, who, suppress_below, lang, *out);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int signal_list(struct db_conn *c, const struct caller *who, const struct signal_filter *f,
		const char *after, int limit, int suppress_below, const char *lang, json_t *items,
		char **next_key)
{
	struct query q;
	char method[32];
	*next_key = NULL;
	query_init(&q);
	query_sql(&q, "SELECT " SIGNAL_COLS " FROM signals g WHERE 1 = 1");
	signal_visible(&q, who);
	if (f->status)
		query_text(&q, " AND g.status = ?", f->status);
	if (f->country)
		query_text(&q, " AND g.country = ?", f->country);
	if (f->source)
		query_text(&q, " AND g.source = ?", f->source);
	if (f->method) {
		/* any method that raised it (methods is a JSON array of names) */
		snprintf(method, sizeof(method), "%%\"%s\"%%", f->method);
		query_text(&q, " AND g.methods LIKE ?", method);
	}
	/* open: alarming now; closed: stopped; neither: continued by a later
	 * week's signal */
	if (f->state)
		query_sql(&q, strcmp(f->state, "closed") == 0 ? " AND g.closed_at IS NOT NULL"
							      : " AND g.closed_at IS NULL");
	if (f->state)
		query_sql(&q, " AND NOT EXISTS (SELECT 1 FROM signals n WHERE n.continues = g.id)");
	if (after) {
		const char *colon = strchr(after, ':');
		long long v = strtoll(after, NULL, 10);
		query_int(&q, " AND (g.first_seen < ?", v);
		query_int(&q, " OR (g.first_seen = ?", v);
		query_text(&q, " AND g.id < ?))", colon ? colon + 1 : "");
	}
	query_int(&q, " ORDER BY g.first_seen DESC, g.id DESC LIMIT ?", limit + 1);
	struct db_stmt *s;
	int rc = query_prepare(&q, c, &s);
	query_free(&q);
	if (rc)
		return rc;
	int n = 0;
	char last[100] = "";
	while ((rc = db_step(s)) == DB_ROW) {
		if (n++ == limit) {
			*next_key = strdup(last);
			break;
		}
		json_t *g = NULL;
		if ((rc = signal_row(s, &g)))
			break;
		json_array_append_new(items, g);
		snprintf(last, sizeof(last), "%lld:%s", (long long)db_col_int64(s, 18),
			 db_col_text(s, 0));
	}
	db_done(s);
	if (rc != DB_ROW && rc != DB_DONE && rc != TR_OK)
		return rc;
	size_t i;
	json_t *g;
	json_array_foreach(items, i, g)
	{
		if ((rc = signal_finish(c, who, suppress_below, lang, g)))
			return rc;
		/* the list shows no records, only their count */
		json_object_del(g, "records");
	}
	return TR_OK;
}

/* ---- acknowledging and dismissing ---- */

int signal_update(struct db_conn *c, const struct caller *who, const char *id, json_t *body,
		  int64_t version, const char *request_id, const char **field)
{
	*field = NULL;
	int rc = db_begin(c);
	if (rc)
		return rc;
	struct query q;
	query_init(&q);
	query_text(&q, "SELECT g.org_key, g.status, g.version FROM signals g WHERE g.id = ?", id);
	signal_visible(&q, who);
	struct db_stmt *s;
	char org[40] = "", status[20] = "";
	int64_t cur = 0;
	rc = query_prepare(&q, c, &s);
	query_free(&q);
	if (!rc) {
		rc = db_step(s);
		if (rc == DB_ROW) {
			snprintf(org, sizeof(org), "%s", db_col_text(s, 0));
			snprintf(status, sizeof(status), "%s", db_col_text(s, 1));
			cur = db_col_int64(s, 2);
			rc = TR_OK;
		} else if (rc == DB_DONE) {
			rc = TR_ERR_NOT_FOUND;
		}
		db_done(s);
	}
	const char *to = json_string_value(json_object_get(body, "status"));
	const char *why = json_string_value(json_object_get(body, "dismissal_reason"));
	const char *comment = json_string_value(json_object_get(body, "comment"));
	int ack = to && strcmp(to, "acknowledged") == 0;
	if (!rc && !signal_may_act(who, org))
		rc = TR_ERR_FORBIDDEN;
	else if (!rc && version != cur)
		rc = TR_ERR_PRECONDITION;
	else if (!rc && !to)
		rc = (*field = "status", TR_ERR_INVALID);
	else if (!rc && strcmp(status, "dismissed") == 0 && strcmp(to, "dismissed") != 0)
		rc = (*field = "status", TR_ERR_CONFLICT); /* a dismissal is final */
	else if (!rc && strcmp(to, "dismissed") == 0 && (!why || !*why))
		rc = (*field = "dismissal_reason", TR_ERR_INVALID);
	else if (!rc && why && strcmp(to, "dismissed") != 0)
		rc = (*field = "dismissal_reason", TR_ERR_INVALID);
	else if (!rc && ack && (!comment || !*comment))
		rc = (*field = "comment", TR_ERR_INVALID); /* what is being done about it */
	else if (!rc && comment && !ack)
		rc = (*field = "comment", TR_ERR_INVALID);
	int64_t now = tr_now_ms();
	if (!rc && !(rc = db_prepare(c,
				     "UPDATE signals SET status = ?, dismissal_reason = ?,"
				     " status_by = ?, status_at = ?, updated_at = ?,"
				     " version = version + 1, status_comment = COALESCE(?,"
				     " status_comment) WHERE id = ?",
				     &s))) {
		db_bind_text(s, 1, to);
		db_bind_text_or_null(s, 2, why);
		db_bind_text(s, 3, who->user_id);
		db_bind_int64(s, 4, now);
		db_bind_int64(s, 5, now);
		db_bind_text_or_null(s, 6, comment);
		db_bind_text(s, 7, id);
		rc = db_step(s);
		db_done(s);
		rc = rc == DB_DONE ? TR_OK : rc;
	}
	if (!rc) {
		char detail[64];
		snprintf(detail, sizeof(detail), "{\"status\":[\"%s\",\"%s\"]}", status, to);
		struct audit_entry e = {who->user_id,
					who->org_id,
					strcmp(to, "dismissed") == 0 ? "dismiss" : "acknowledge",
					"signal",
					id,
					request_id,
					NULL,
					detail};
		rc = audit_append(c, &e, now);
	}
	if (rc) {
		db_rollback(c);
		return rc;
	}
	return db_commit(c);
}
