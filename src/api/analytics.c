/* The analytics endpoints: counts per period, aberrations, hot spots and
 * the space-time scan, always computed over the records the caller may see
 * (aq_records_load applies acl_visible) as the caller sees them (other
 * organisations' tips at their coarsened point), with small counts that
 * involve other organisations' records shown as null. Windows are whole
 * ISO weeks and boxes snap to the coarsening grid, so that two questions
 * differing by less than a week or a grid step get the same answer. */
#include "analytics/cusum.h"
#include "analytics/ears.h"
#include "analytics/farrington.h"
#include "analytics/area.h"
#include "analytics/gistar.h"
#include "analytics/moran.h"
#include "analytics/padjust.h"
#include "analytics/stscan.h"
#include "api/api.h"
#include "api/handlers.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "domain/analytics_q.h"
#include "domain/outline.h"
#include "domain/place.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SERIES_PERIODS_MAX 5000
#define GRID_CELLS_MAX 100000
/* events x (replications + 1) at most: 10,000 events with 999 replications
 * (about 15 s with 5 km and 7 days on 2 busy cores; 20,000 took 54 s) */
#define SCAN_WORK_MAX 10000000.0
#define KM_PER_DEG_LAT 111.195

/* The parameters every endpoint shares. */
struct an_common {
	struct aq_filter f;
	enum aq_interval iv;
	int64_t from, to; /* whole weeks: from a Monday 00:00 to the last ms of a Sunday */
	struct analytics_config cfg;
};

static const char *const intervals[] = {"day", "week", NULL};
static const char *const methods[] = {"ears_c1", "ears_c2", "ears_c3", "farrington", "cusum", NULL};

static int an_enum(struct http_req *req, const char *name, const char *const *values, int *out)
{
	const char *v = http_query(req, name);
	if (!v)
		return TR_OK;
	for (int i = 0; values[i]; i++)
		if (strcmp(values[i], v) == 0) {
			*out = i;
			return TR_OK;
		}
	char msg[300] = "must be one of:";
	size_t len = strlen(msg);
	for (int i = 0; values[i] && len < sizeof(msg) - 40; i++)
		len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%s %s", i ? "," : "",
					values[i]);
	return http_field_error(req, name, msg);
}

/* A number within [min, max]; integer when asked. Absent: *out unchanged. */
static int an_number(struct http_req *req, const char *name, double min, double max, int integer,
		     double *out)
{
	const char *v = http_query(req, name);
	if (!v)
		return TR_OK;
	char *end, msg[120];
	double x = strtod(v, &end);
	if (end == v || *end || !isfinite(x) || x < min || x > max || (integer && x != floor(x))) {
		snprintf(msg, sizeof(msg), "must be %s from %g to %g",
			 integer ? "an integer" : "a number", min, max);
		return http_field_error(req, name, msg);
	}
	*out = x;
	return TR_OK;
}

static int an_bool(struct http_req *req, const char *name, int *out)
{
	const char *v = http_query(req, name);
	if (!v)
		return TR_OK;
	if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0) {
		*out = v[0] == 't';
		return TR_OK;
	}
	return http_field_error(req, name, "must be true or false");
}

static int an_time(struct http_req *req, const char *name, int64_t *out)
{
	const char *v = http_query(req, name);
	if (v && tr_time_parse(v, out))
		return http_field_error(req, name, "must be an RFC 3339 date-time or a date");
	return TR_OK;
}

/* Analytics also need a box with an area and longitudes within range. */
static int an_bbox(struct http_req *req, struct aq_filter *f)
{
	int rc = api_query_bbox(req, f->bbox, &f->has_bbox);
	if (rc || !f->has_bbox)
		return rc;
	if (f->bbox[0] >= f->bbox[2] || f->bbox[1] >= f->bbox[3] || fabs(f->bbox[0]) > 180 ||
	    fabs(f->bbox[2]) > 180) {
		f->has_bbox = 0;
		return http_field_error(req, "bbox",
					"must be min_lon,min_lat,max_lon,max_lat with "
					"min below max, longitudes within 180 and "
					"latitudes within 90");
	}
	aq_bbox_snap(f->bbox);
	return TR_OK;
}

/* source, country, category, interval, from, to, bbox. */
static int an_common_read(struct http_req *req, struct an_common *a, int default_periods)
{
	memset(a, 0, sizeof(*a));
	analytics_config_of(http_app(req), &a->cfg);
	int src = -1, iv = AQ_WEEK, rc = TR_OK;
	const char *s = http_query(req, "source");
	if (!s)
		rc = http_field_error(req, "source", "is required: alerts, sightings or tips");
	else if (an_enum(req, "source", aq_sources, &src))
		rc = TR_ERR_INVALID;
	else if (src == AQ_TIPS && !a->cfg.tips_present)
		rc = http_field_error(req, "source", "tips are not available on this instance yet");
	a->f.source = src < 0 ? AQ_ALERTS : (enum aq_source)src;
	rc |= an_enum(req, "interval", intervals, &iv);
	a->iv = (enum aq_interval)iv;
	const char *country = http_query(req, "country");
	if (country && (strlen(country) != 2 || country[0] < 'A' || country[0] > 'Z' ||
			country[1] < 'A' || country[1] > 'Z'))
		rc = http_field_error(req, "country",
				      "must be an ISO 3166-1 alpha-2 code (upper case)");
	a->f.country = country;
	int cat = -1;
	if (src >= 0 && an_enum(req, "category", aq_categories(a->f.source), &cat))
		rc = TR_ERR_INVALID;
	a->f.category = http_query(req, "category");
	rc |= an_bbox(req, &a->f);
	a->to = tr_now_ms();
	a->from = 0;
	rc |= an_time(req, "from", &a->from);
	rc |= an_time(req, "to", &a->to);
	if (!http_query(req, "from"))
		a->from = a->to - (int64_t)default_periods * aq_period_ms(a->iv);
	if (a->from > a->to)
		rc = http_field_error(req, "to", "must not be before from");
	/* whole ISO weeks: the week of from through the week of to */
	a->from = aq_week_floor(a->from);
	a->to = aq_week_floor(a->to) + AQ_WEEK_MS - 1;
	return rc ? TR_ERR_INVALID : TR_OK;
}

static int an_load(struct http_req *req, struct aq_filter *f, struct aq_records *r)
{
	struct db_conn *c = api_db(req);
	int rc = aq_records_load(c, api_caller(req), f, r);
	if (rc == TR_ERR_TOO_LARGE) {
		db_release(c);
		http_field_error(req, "from", "too many records: narrow from, to, bbox or country");
		return TR_ERR_INVALID;
	}
	if (rc)
		rc = api_db_fail(req, c, rc);
	db_release(c);
	return rc;
}

static json_t *an_time_json(int64_t ms)
{
	char t[32];
	tr_time_format(ms, t);
	return json_string(t);
}

static json_t *an_num(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

/* A count as shown to this caller: null when suppressed. */
static void an_count_set(json_t *o, const char *key, double n, double foreign, int threshold)
{
	int sup = aq_suppressed(n, foreign, threshold);
	json_object_set_new(o, key, sup ? json_null() : json_integer((json_int_t)n));
	json_object_set_new(o, "suppressed", json_boolean(sup));
}

/* ---- time series ---- */

struct an_series {
	int64_t start; /* first period */
	size_t n;
	double *count, *foreign;
};

static int an_series_build(struct http_req *req, struct an_common *a, struct an_series *s)
{
	int64_t len = aq_period_ms(a->iv);
	s->start = aq_period_start(a->from, a->iv);
	int64_t last = aq_period_start(a->to, a->iv);
	if ((last - s->start) / len + 1 > SERIES_PERIODS_MAX)
		return http_field_error(req, "from",
					"the series would be longer than 5000 periods");
	s->n = (size_t)((last - s->start) / len + 1);
	a->f.from = s->start;
	a->f.to = last + len;
	struct aq_records r;
	int rc = an_load(req, &a->f, &r);
	if (rc)
		return rc;
	s->count = calloc(s->n, sizeof(double));
	s->foreign = calloc(s->n, sizeof(double));
	if (!s->count || !s->foreign) {
		aq_records_free(&r);
		return http_fail(req, TR_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < r.n; i++) {
		size_t k = (size_t)((r.v[i].t - s->start) / len);
		if (k < s->n) {
			s->count[k] += 1;
			s->foreign[k] += !r.v[i].own;
		}
	}
	aq_records_free(&r);
	return TR_OK;
}

static void an_series_free(struct an_series *s)
{
	free(s->count);
	free(s->foreign);
}

static json_t *an_head(const struct an_common *a, const struct an_series *s)
{
	int64_t len = aq_period_ms(a->iv);
	json_t *o = json_object();
	json_object_set_new(o, "source", json_string(aq_sources[a->f.source]));
	json_object_set_new(o, "interval", json_string(intervals[a->iv]));
	json_object_set_new(o, "country", a->f.country ? json_string(a->f.country) : json_null());
	json_object_set_new(o, "category",
			    a->f.category ? json_string(a->f.category) : json_null());
	json_object_set_new(o, "from", an_time_json(s->start));
	json_object_set_new(o, "to", an_time_json(s->start + (int64_t)s->n * len));
	json_object_set_new(o, "suppress_below", json_integer(a->cfg.suppress_below));
	return o;
}

static const char *const series_params[] = {"source", "country", "category", "interval",
					    "from",   "to",	 NULL};

int api_analytics_timeseries(struct http_req *req, struct http_resp *resp)
{
	struct an_common a;
	struct an_series s = {0};
	int rc = api_query_allow(req, series_params);
	rc |= an_common_read(req, &a, 52);
	if (rc)
		return TR_ERR_INVALID;
	if ((rc = an_series_build(req, &a, &s)))
		return rc;
	json_t *o = an_head(&a, &s), *items = json_array();
	for (size_t i = 0; i < s.n; i++) {
		json_t *it = json_object();
		json_object_set_new(it, "period",
				    an_time_json(s.start + (int64_t)i * aq_period_ms(a.iv)));
		an_count_set(it, "count", s.count[i], s.foreign[i], a.cfg.suppress_below);
		json_array_append_new(items, it);
	}
	json_object_set_new(o, "items", items);
	an_series_free(&s);
	return http_resp_json(resp, 200, o);
}

/* ---- aberrations ---- */

struct an_method {
	int method; /* index into methods */
	struct ears_opts ears;
	struct far_opts far;
	struct cusum_opts cusum;
	double evaluate;  /* last periods to evaluate; 0: all with enough history */
	double min_count; /* least records in a period for an alarm (3) */
};

static int an_method_read(struct http_req *req, enum aq_interval iv, struct an_method *m)
{
	static const char *const thresholds[] = {"delta", "nbplugin", "muan", NULL};
	int rc = TR_OK, thr = 0, trend = 1, reweight = 1;
	double x;
	m->method = 2;
	rc |= an_enum(req, "method", methods, &m->method);
	ears_opts_default(&m->ears, m->method == 0 ? EARS_C1 : m->method == 1 ? EARS_C2 : EARS_C3);
	far_opts_default(&m->far);
	m->far.frequency = iv == AQ_WEEK ? 52 : 365;
	cusum_opts_default(&m->cusum);
	x = (double)m->ears.baseline;
	rc |= an_number(req, "baseline", 3, 1000, 1, &x);
	m->ears.baseline = (size_t)x;
	double alpha = NAN;
	rc |= an_number(req, "alpha", 1e-12, 0.5, 0, &alpha);
	if (isfinite(alpha))
		m->ears.alpha = m->far.alpha = alpha;
	rc |= an_number(req, "min_sigma", 0, 1e9, 0, &m->ears.min_sigma);
	x = m->far.b;
	rc |= an_number(req, "b", 1, 20, 1, &x);
	m->far.b = (int)x;
	x = m->far.w;
	rc |= an_number(req, "w", 0, 26, 1, &x);
	m->far.w = (int)x;
	m->far.past_weeks_not_included = m->far.w;
	rc |= an_bool(req, "trend", &trend);
	rc |= an_bool(req, "reweight", &reweight);
	m->far.trend = trend;
	m->far.reweight = reweight;
	rc |= an_enum(req, "threshold", thresholds, &thr);
	m->far.threshold = thr == 0 ? FAR_THR_DELTA : thr == 1 ? FAR_THR_NBPLUGIN : FAR_THR_MUAN;
	rc |= an_number(req, "k", 0, 100, 0, &m->cusum.k);
	rc |= an_number(req, "h", 0, 1000, 0, &m->cusum.h);
	rc |= an_number(req, "m", 1e-9, 1e9, 0, &m->cusum.m);
	m->evaluate = 0;
	rc |= an_number(req, "evaluate", 1, SERIES_PERIODS_MAX, 1, &m->evaluate);
	m->min_count = 3;
	rc |= an_number(req, "min_count", 1, 1000000, 1, &m->min_count);
	return rc ? TR_ERR_INVALID : TR_OK;
}

static size_t an_min_from(const struct an_method *m)
{
	if (m->method <= 2)
		return ears_min_from(&m->ears);
	return m->method == 3 ? far_min_from(&m->far) : cusum_min_from(&m->cusum);
}

/* The library's error names one of its options; the API's name for it. */
static const char *an_err_field(const char *column)
{
	static const char *const map[][2] = {
	    {"from", "from"},
	    {"count", "from"},
	    {"baseline", "baseline"},
	    {"alpha", "alpha"},
	    {"min_sigma", "min_sigma"},
	    {"b", "b"},
	    {"w", "w"},
	    {"k", "k"},
	    {"h", "h"},
	    {"m", "m"},
	    {"frequency", "interval"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i][0], column) == 0)
			return map[i][1];
	return "method";
}

static int an_detect(const struct an_method *m, const double *y, size_t n, size_t from,
		     struct ts_point *p, struct ts_error *err)
{
	if (m->method <= 2)
		return ears_run(y, n, from, &m->ears, p, err);
	if (m->method == 3)
		return far_run(y, n, from, &m->far, p, err);
	return cusum_run(y, n, from, &m->cusum, p, err);
}

/* The expected count of EARS (R's earsC gives none): the mean of its
 * baseline window, the b periods before t (C1) or before t - 2 (C2, C3). */
static double an_ears_expected(const struct an_method *m, const double *y, size_t t)
{
	size_t lag = m->method == 0 ? 0 : 2, b = m->ears.baseline;
	if (t < lag + b)
		return NAN;
	double sum = 0;
	for (size_t j = t - lag - b; j < t - lag; j++)
		sum += y[j];
	return sum / (double)b;
}

static json_t *an_note(const char *code, const char *message)
{
	return json_pack("{s:s, s:s}", "code", code, "message", message);
}

/* Expected, upper bound and alarm of an evaluated period, as a reader can
 * trust them: a bound below the expected value or none at all is not
 * shown but explained (bound_note), and no alarm from fewer than
 * min_count records (alarm_note, unless the count is hidden). Returns
 * whether the period alarms. */
static int an_point_json(json_t *it, const struct an_method *m, const struct an_series *s, size_t i,
			 const struct ts_point *p, int threshold)
{
	double e = m->method <= 2 ? an_ears_expected(m, s->count, i) : p->expected;
	double u = p->upperbound;
	json_object_set_new(it, "expected", an_num(e));
	const char *code = NULL, *msg = NULL;
	if (p->undecided && m->method == 3)
		code = "no_model", msg = "The model could not be fitted on this history: no upper "
					 "bound and no decision.";
	else if (isnan(u) && m->method == 3)
		code = "few_cases", msg = "Fewer than 5 records in the last 4 weeks: Farrington's "
					  "method computes no upper bound and raises no alarm.";
	else if (isnan(u))
		code = "no_bound", msg = "The method gives no upper bound for this period (no "
					 "variation in its baseline).";
	else if (u < e)
		code = "bound_below_expected",
		msg = "The method's bound fell below the expected value (EARS C3 lowers it after "
		      "high weeks), so it is not shown; the alarm still needs the minimum count.";
	json_object_set_new(it, "upperbound", code ? json_null() : an_num(u));
	if (code)
		json_object_set_new(it, "bound_note", an_note(code, msg));
	int decided = !p->undecided, alarm = decided && p->alarm;
	if (alarm && s->count[i] < m->min_count) {
		alarm = 0;
		if (!aq_suppressed(s->count[i], s->foreign[i], threshold))
			json_object_set_new(it, "alarm_note",
					    an_note("below_min_count",
						    "The method flagged this period, but it holds "
						    "fewer records than the minimum count for an "
						    "alarm."));
	}
	/* no bound is no alarm (Farrington's 5-in-4-weeks rule), as R says;
	 * null only where the method reached no decision */
	json_object_set_new(it, "alarm", decided ? json_boolean(alarm) : json_null());
	return alarm;
}

static const char *const aberration_params[] = {
    "source",	 "country", "category",	 "interval", "from",	 "to",	      "method",
    "baseline",	 "alpha",   "min_sigma", "b",	     "w",	 "trend",     "reweight",
    "threshold", "k",	    "h",	 "m",	     "evaluate", "min_count", NULL};

int api_analytics_aberrations(struct http_req *req, struct http_resp *resp)
{
	struct an_common a;
	struct an_method m;
	struct an_series s = {0};
	int rc = api_query_allow(req, aberration_params);
	rc |= an_common_read(req, &a, 52);
	rc |= an_method_read(req, a.iv, &m);
	if (rc)
		return TR_ERR_INVALID;
	if ((rc = an_series_build(req, &a, &s)))
		return rc;
	size_t from = an_min_from(&m);
	if (m.evaluate > 0 && (size_t)m.evaluate < s.n && s.n - (size_t)m.evaluate > from)
		from = s.n - (size_t)m.evaluate;
	struct ts_point *p = calloc(s.n, sizeof(*p));
	struct ts_error err = {0};
	if (m.method <= 2 && s.n < m.ears.baseline && !http_query(req, "baseline")) {
		/* earsC checks the baseline against the length first; with the
		 * default baseline the series is what is short: say so as the
		 * library does when the baseline fits */
		snprintf(err.column, sizeof(err.column), "from");
		snprintf(err.message, sizeof(err.message),
			 "history too short: the first period evaluated needs %zu earlier periods, "
			 "so it must be period %zu or later (series has %zu)",
			 from, from + 1, s.n);
		rc = TR_ERR_INVALID;
	} else {
		rc = p ? an_detect(&m, s.count, s.n, from, p, &err) : TR_ERR_NOMEM;
	}
	if (rc) {
		free(p);
		an_series_free(&s);
		if (rc == TR_ERR_NOMEM)
			return http_fail(req, rc, "out of memory");
		char msg[300];
		snprintf(msg, sizeof(msg), "%s (the series from %s to %s has %zu %s periods)",
			 err.message[0] ? err.message : "the method cannot run on this series",
			 http_query(req, "from") ? "from" : "the default start",
			 http_query(req, "to") ? "to" : "now", s.n, intervals[a.iv]);
		http_field_error(req, an_err_field(err.column), msg);
		return http_fail(req, TR_ERR_INVALID, msg);
	}
	json_t *o = an_head(&a, &s), *items = json_array();
	json_object_set_new(o, "method", json_string(methods[m.method]));
	json_object_set_new(o, "evaluated_from",
			    an_time_json(s.start + (int64_t)from * aq_period_ms(a.iv)));
	json_object_set_new(o, "min_count", json_integer((json_int_t)m.min_count));
	int alarms = 0;
	for (size_t i = 0; i < s.n; i++) {
		json_t *it = json_object();
		json_object_set_new(it, "period",
				    an_time_json(s.start + (int64_t)i * aq_period_ms(a.iv)));
		an_count_set(it, "observed", s.count[i], s.foreign[i], a.cfg.suppress_below);
		if (i >= from)
			alarms += an_point_json(it, &m, &s, i, &p[i], a.cfg.suppress_below);
		else {
			json_object_set_new(it, "expected", json_null());
			json_object_set_new(it, "upperbound", json_null());
			json_object_set_new(it, "alarm", json_null());
		}
		json_array_append_new(items, it);
	}
	json_object_set_new(o, "alarms", json_integer(alarms));
	json_object_set_new(o, "items", items);
	free(p);
	an_series_free(&s);
	return http_resp_json(resp, 200, o);
}

/* ---- hot spots ---- */

/* Hot spots as ArcGIS Pro's Optimized Hot Spot Analysis finds them: the
 * records counted on a grid of cells inside the study area (the country's
 * outline, else the land; the box limits it), the cell size from the
 * records' density and the distance band from the first peak of global
 * Moran's I over increasing distances unless the caller sets them, Gi* with
 * a two-sided p corrected for the number of cells (Benjamini-Hochberg at
 * 0.05 by default), and a hot spot only where its own cell holds at least
 * min_count records. */

#define HOT_CELLS_AUTO 20000 /* the most cells a data-chosen cell size makes */
#define HOT_BANDS 10	     /* distances tried by the incremental autocorrelation */

/* A grid of cells of about cell_km on a side over the box: rows of equal
 * latitude step, columns of a longitude step scaled by the cosine of the
 * box's middle latitude, so cells are near square in the box. */
struct an_grid {
	double box[4];
	double dlat, dlon;
	size_t rows, cols;
};

static void an_grid_size(struct an_grid *g, const double box[4], double cell_km, double *rows,
			 double *cols)
{
	memcpy(g->box, box, sizeof(g->box));
	g->dlat = cell_km / KM_PER_DEG_LAT;
	double mid = (box[1] + box[3]) / 2 * M_PI / 180;
	g->dlon = g->dlat / fmax(cos(mid), 0.05);
	*rows = fmax(ceil((box[3] - box[1]) / g->dlat), 1);
	*cols = fmax(ceil((box[2] - box[0]) / g->dlon), 1);
}

static int an_grid_make(struct http_req *req, struct an_grid *g, const double box[4],
			double cell_km)
{
	double rows, cols;
	an_grid_size(g, box, cell_km, &rows, &cols);
	if (rows * cols > GRID_CELLS_MAX)
		return http_field_error(req, "cell_km",
					"the area holds more than 100000 cells: "
					"make cell_km larger or bbox smaller");
	if (rows * cols < 2)
		return http_field_error(req, "cell_km",
					"the area holds a single cell: make "
					"cell_km smaller or bbox larger");
	g->rows = (size_t)rows;
	g->cols = (size_t)cols;
	return TR_OK;
}

static size_t an_grid_cell(const struct an_grid *g, double lat, double lon)
{
	double r = floor((lat - g->box[1]) / g->dlat), c = floor((lon - g->box[0]) / g->dlon);
	size_t ri = r < 0 ? 0 : r >= (double)g->rows ? g->rows - 1 : (size_t)r;
	size_t ci = c < 0 ? 0 : c >= (double)g->cols ? g->cols - 1 : (size_t)c;
	return ri * g->cols + ci;
}

/* The order of the list: reported hot spots first, then by z. */
struct an_hot {
	size_t cell;
	double z;
	int hot;
};

static int an_hot_cmp(const void *a, const void *b)
{
	const struct an_hot *p = a, *q = b;
	if (p->hot != q->hot)
		return q->hot - p->hot;
	double x = p->z, y = q->z;
	if (isnan(x) || isnan(y))
		return isnan(x) - isnan(y);
	return x < y ? 1 : x > y ? -1 : 0;
}

/* The cells of the study area, compacted: cell[k] is the grid index of the
 * k-th; the other arrays are by k. */
struct an_cells {
	size_t n;
	size_t *cell;
	double *x, *y, *v, *foreign, *z, *p, *padj;
	size_t *card;
	struct an_hot *order;
};

static void an_cells_free(struct an_cells *c)
{
	free(c->cell);
	free(c->x);
	free(c->y);
	free(c->v);
	free(c->foreign);
	free(c->z);
	free(c->p);
	free(c->padj);
	free(c->card);
	free(c->order);
}

static int an_cells_alloc(struct an_cells *c, size_t n)
{
	c->cell = calloc(n, sizeof(size_t));
	c->x = calloc(n, sizeof(double));
	c->y = calloc(n, sizeof(double));
	c->v = calloc(n, sizeof(double));
	c->foreign = calloc(n, sizeof(double));
	c->z = calloc(n, sizeof(double));
	c->p = calloc(n, sizeof(double));
	c->padj = calloc(n, sizeof(double));
	c->card = calloc(n, sizeof(size_t));
	c->order = calloc(n, sizeof(struct an_hot));
	return c->cell && c->x && c->y && c->v && c->foreign && c->z && c->p && c->padj &&
		       c->card && c->order
		   ? TR_OK
		   : TR_ERR_NOMEM;
}

/* What the caller asked of the hot spots. */
struct an_hot_opts {
	double km, cell_km;	    /* NAN: chosen from the data */
	enum padjust_method adjust; /* bh unless asked */
	double alpha;		    /* the level of the corrected p (0.05) */
	int min_count;		    /* least records in a hot spot's own cell (3) */
	int limit;
};

/* Whether cell k is a reported hot spot: high z, significant after the
 * correction, and enough records in the cell itself. A cell whose count is
 * shown as null is never one, so that min_count cannot be used to read the
 * hidden count back. */
static int an_cell_hot(const struct an_cells *c, size_t k, const struct an_hot_opts *o,
		       int threshold)
{
	return c->z[k] > 0 && c->padj[k] < o->alpha && c->v[k] >= o->min_count &&
	       !aq_suppressed(c->v[k], c->foreign[k], threshold);
}

static json_t *an_cell_json(const struct an_grid *g, const struct an_cells *c, size_t k,
			    const struct an_hot_opts *o, int threshold)
{
	size_t i = c->cell[k], r = i / g->cols, col = i % g->cols;
	double lat0 = g->box[1] + (double)r * g->dlat, lon0 = g->box[0] + (double)col * g->dlon;
	json_t *it = json_pack("{s:{s:f, s:f}, s:[f, f, f, f]}", "centre", "lat", c->y[k], "lon",
			       c->x[k], "bbox", lon0, lat0, lon0 + g->dlon, lat0 + g->dlat);
	an_count_set(it, "count", c->v[k], c->foreign[k], threshold);
	json_object_set_new(it, "gi_star_z", an_num(c->z[k]));
	json_object_set_new(it, "p", an_num(c->p[k]));
	json_object_set_new(it, "p_adjusted", an_num(c->padj[k]));
	json_object_set_new(it, "p_value", an_num(c->p[k])); /* the name before p */
	json_object_set_new(it, "neighbours", json_integer((json_int_t)c->card[k]));
	json_object_set_new(it, "significant", json_boolean(c->padj[k] < o->alpha));
	json_object_set_new(it, "hot", json_boolean(an_cell_hot(c, k, o, threshold)));
	return it;
}

/* The box: as given, else the records' extent widened by half a cell. */
static void an_box_of(const struct aq_filter *f, const struct aq_records *r, double cell_km,
		      double box[4])
{
	if (f->has_bbox) {
		memcpy(box, f->bbox, 4 * sizeof(double));
		return;
	}
	box[0] = box[1] = INFINITY;
	box[2] = box[3] = -INFINITY;
	for (size_t i = 0; i < r->n; i++) {
		box[0] = fmin(box[0], r->v[i].lon);
		box[1] = fmin(box[1], r->v[i].lat);
		box[2] = fmax(box[2], r->v[i].lon);
		box[3] = fmax(box[3], r->v[i].lat);
	}
	double pad = cell_km / KM_PER_DEG_LAT / 2;
	box[0] = fmax(box[0] - pad, -180);
	box[1] = fmax(box[1] - pad, -90);
	box[2] = fmin(box[2] + pad, 180);
	box[3] = fmin(box[3] + pad, 90);
	aq_bbox_snap(box);
}

/* The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^k (km) at least x: a
 * cell size that reads well and does not move with every record added. */
static double an_nice_ceil(double x)
{
	static const double steps[] = {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10};
	double e = pow(10, floor(log10(x)));
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i] * e >= x * (1 - 1e-12))
			return steps[i] * e;
	return 10 * e;
}

/* The cell size from the data: the mean distance to the nearest record
 * that n records spread at random over the box would have (Clark and
 * Evans: 1 / (2 sqrt(density))), no finer than the coarsening grid and
 * coarse enough that the box holds at most HOT_CELLS_AUTO cells. */
static double an_cell_auto(const double box[4], size_t n, double coarsen_km)
{
	double mid = (box[1] + box[3]) / 2 * M_PI / 180;
	double h = (box[3] - box[1]) * KM_PER_DEG_LAT;
	double w = (box[2] - box[0]) * KM_PER_DEG_LAT * fmax(cos(mid), 0.05);
	double area = fmax(h * w, 1e-6);
	double nn = 0.5 * sqrt(area / (double)(n ? n : 1));
	double cap = sqrt(area / HOT_CELLS_AUTO) * 1.05;
	return fmin(500, an_nice_ceil(fmax(fmax(nn, cap), fmax(coarsen_km, 0.05))));
}

/* The study area: the country's outline, else the land; a box alone when
 * the server has no outlines (then said in the answer). */
static const struct area_shape *an_area_of(struct http_req *req, const struct aq_filter *f,
					   json_t *area)
{
	struct app *app = http_app(req);
	const struct area_shape *s =
	    f->country ? outline_country(app->outlines, f->country) : outline_land(app->outlines);
	json_object_set_new(area, "kind",
			    json_string(s ? (f->country ? "country" : "land") : "box"));
	json_object_set_new(area, "country", f->country ? json_string(f->country) : json_null());
	if (s)
		json_object_set_new(area, "outline",
				    json_string("world-atlas 1:50m (Natural Earth)"));
	else
		json_object_set_new(
		    area, "reason",
		    json_string(app->outlines ? "no outline for this country: the box is the area"
					      : "no country outlines on this server: the box "
						"is the area"));
	return s;
}

/* Fills c with the cells inside the study area (the centre inside the
 * shape, or any record in the cell) and their counts. */
static int an_cells_fill(const struct an_grid *g, const struct area_shape *shape,
			 const struct aq_records *r, struct an_cells *c)
{
	size_t n = g->rows * g->cols;
	unsigned char *in = malloc(n);
	double *v = calloc(n, sizeof(double)), *fo = calloc(n, sizeof(double));
	int rc = in && v && fo ? TR_OK : TR_ERR_NOMEM;
	if (!rc && shape && area_grid_mask(shape, g->box, g->dlat, g->dlon, g->rows, g->cols, in))
		rc = TR_ERR_NOMEM;
	if (!rc && !shape)
		memset(in, 1, n);
	for (size_t i = 0; !rc && i < r->n; i++) {
		size_t k = an_grid_cell(g, r->v[i].lat, r->v[i].lon);
		v[k] += 1;
		fo[k] += !r->v[i].own;
		in[k] = 1;
	}
	size_t m = 0;
	for (size_t i = 0; !rc && i < n; i++)
		m += in[i];
	if (!rc && (rc = an_cells_alloc(c, m ? m : 1)) == TR_OK) {
		c->n = 0;
		for (size_t i = 0; i < n; i++) {
			if (!in[i])
				continue;
			size_t k = c->n++;
			c->cell[k] = i;
			c->y[k] = fmin(
			    fmax(g->box[1] + ((double)(i / g->cols) + 0.5) * g->dlat, -90), 90);
			c->x[k] = fmin(
			    fmax(g->box[0] + ((double)(i % g->cols) + 0.5) * g->dlon, -180), 180);
			c->v[k] = v[i];
			c->foreign[k] = fo[i];
		}
	}
	free(in);
	free(v);
	free(fo);
	return rc;
}

/* The distance band from the data: global Moran's I of the cell counts at
 * HOT_BANDS distances from just over one cell, one cell apart; the first
 * peak of its z-score that is significant (z >= 1.96), else the largest
 * significant z, else (no spatial structure at any of these scales) one
 * and a half cells: a cell and the eight around it. */
static int an_band_auto(const struct an_cells *c, double cell_km, double *km, json_t *scale)
{
	double d[HOT_BANDS];
	struct moran_band b[HOT_BANDS];
	for (size_t k = 0; k < HOT_BANDS; k++)
		d[k] = cell_km * (1.01 + (double)k);
	struct ts_error err = {0};
	/* beyond HOT_CELLS_AUTO cells (a cell size the caller set) the ten
	 * bands would cost seconds: the fallback band, said in reason */
	int many = c->n > HOT_CELLS_AUTO;
	int rc = c->n >= 4 && !many
		     ? moran_bands(c->x, c->y, c->v, c->n, d, HOT_BANDS, SPATIAL_HAVERSINE, b, &err)
		     : TR_ERR_INVALID;
	if (rc == TR_ERR_NOMEM)
		return rc;
	json_t *cand = json_array();
	int peak = 0, best = rc ? -1 : moran_first_peak(b, HOT_BANDS, 1.96, &peak);
	for (size_t k = 0; !rc && k < HOT_BANDS; k++)
		json_array_append_new(cand,
				      json_pack("{s:f, s:o, s:o}", "distance_km", d[k], "moran_i",
						an_num(b[k].i), "z", an_num(b[k].z)));
	*km = best >= 0 ? d[best] : 1.5 * cell_km;
	json_object_set_new(scale, "candidates", cand);
	json_object_set_new(scale, "reason",
			    json_string(many	   ? "too_many_cells"
					: best < 0 ? "no_significant_autocorrelation"
					: peak	   ? "first_peak"
						   : "largest_z"));
	return TR_OK;
}

static json_t *an_scale_json(const struct an_hot_opts *o, double cell_km, double km)
{
	return json_pack("{s:f, s:f, s:s, s:s}", "cell_km", cell_km, "distance_km", km,
			 "cell_chosen", isnan(o->cell_km) ? "data" : "user", "chosen",
			 isnan(o->km) ? "data" : "user");
}

/* The total of records, null when it or the cells shown as null would
 * give away a small count (the total less the cells shown is theirs). */
static void an_hot_total(json_t *o, const struct an_cells *c, double total, int threshold)
{
	double foreign = 0, hidden = 0, hidden_foreign = 0;
	for (size_t i = 0; i < c->n; i++) {
		foreign += c->foreign[i];
		if (aq_suppressed(c->v[i], c->foreign[i], threshold)) {
			hidden += c->v[i];
			hidden_foreign += c->foreign[i];
		}
	}
	int sup = aq_total_suppressed(total, foreign, hidden, hidden_foreign, threshold);
	json_object_set_new(o, "records", sup ? json_null() : json_integer((json_int_t)total));
	json_object_set_new(o, "suppressed", json_boolean(sup));
}

/* from and to of an answer: the window searched, null when open. */
static void an_window_set(json_t *o, const struct aq_filter *f)
{
	json_object_set_new(o, "from", f->from ? an_time_json(f->from) : json_null());
	json_object_set_new(o, "to", f->to ? an_time_json(f->to) : json_null());
}

/* Gi* over the cells, its two-sided p and the corrected p. */
static int an_hot_stats(struct http_req *req, struct an_cells *c, double km,
			const struct an_hot_opts *o)
{
	if (c->n < 2)
		return http_field_error(req, "bbox",
					"the study area holds fewer than 2 cells: make cell_km "
					"smaller or bbox larger");
	struct gistar_params gp = {km, SPATIAL_HAVERSINE};
	struct ts_error err = {0};
	int rc = gistar_compute(c->x, c->y, c->v, c->n, &gp, c->z, c->p, c->card, &err);
	if (rc == TR_ERR_NOMEM)
		return http_fail(req, rc, "out of memory");
	if (rc) {
		http_field_error(req, strcmp(err.column, "distance") == 0 ? "distance_km" : "bbox",
				 err.message);
		return http_fail(req, TR_ERR_INVALID, err.message);
	}
	for (size_t k = 0; k < c->n; k++)
		c->p[k] = isnan(c->p[k]) ? NAN : fmin(1, 2 * fmin(c->p[k], 1 - c->p[k]));
	if (padjust(c->p, c->n, o->adjust, c->padj))
		return http_fail(req, TR_ERR_NOMEM, "out of memory");
	return TR_OK;
}

static json_t *an_hot_items(const struct an_grid *g, struct an_cells *c,
			    const struct an_hot_opts *o, int threshold, size_t *hot,
			    size_t *significant)
{
	size_t m = 0;
	*hot = *significant = 0;
	for (size_t k = 0; k < c->n; k++) {
		int h = an_cell_hot(c, k, o, threshold);
		*hot += (size_t)h;
		*significant += c->padj[k] < o->alpha;
		if (c->v[k] > 0 || c->padj[k] < o->alpha)
			c->order[m++] = (struct an_hot){k, c->z[k], h};
	}
	qsort(c->order, m, sizeof(*c->order), an_hot_cmp);
	json_t *items = json_array();
	for (size_t i = 0; i < m && i < (size_t)o->limit; i++)
		json_array_append_new(items, an_cell_json(g, c, c->order[i].cell, o, threshold));
	return items;
}

/* Says where each reported hot spot or cluster is ("Favoriten, Vienna —
 * 600 m around") in the caller's language, from the gazetteer: the hot
 * spots that are hot (flag), every cluster. radius_key names the item's
 * radius in km, else radius_m is the size said. Nothing is added when the
 * gazetteer is not loaded or no place lies within 100 km. */
static void an_places(struct http_req *req, json_t *items, const char *flag, const char *radius_key,
		      double radius_m)
{
	const char *lang = place_lang(http_header(req, "Accept-Language"));
	struct db_conn *c = api_db(req);
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		if (flag && !json_is_true(json_object_get(it, flag)))
			continue;
		json_t *ce = json_object_get(it, "centre");
		double r = radius_key ? json_number_value(json_object_get(it, radius_key)) * 1000
				      : radius_m;
		struct place_near p;
		if (place_name_near(c, json_number_value(json_object_get(ce, "lat")),
				    json_number_value(json_object_get(ce, "lon")), r, lang,
				    &p) == TR_OK &&
		    p.found)
			json_object_set_new(it, "place", place_near_json(&p));
	}
	db_release(c);
}

static int an_hot_answer(struct http_req *req, struct http_resp *resp, const struct an_common *a,
			 const struct aq_records *r, const struct an_hot_opts *o, double coarsen_m)
{
	double box[4], cell_km = o->cell_km, km = o->km;
	if (isnan(cell_km)) {
		an_box_of(&a->f, r, 0, box);
		cell_km = an_cell_auto(box, r->n, coarsen_m / 1000);
	}
	cell_km = fmax(cell_km, coarsen_m / 1000);
	struct an_grid g = {0};
	an_box_of(&a->f, r, cell_km, box);
	if (an_grid_make(req, &g, box, cell_km))
		return TR_ERR_INVALID;
	json_t *area = json_object();
	const struct area_shape *shape = an_area_of(req, &a->f, area);
	struct an_cells c = {0};
	json_t *scale = NULL;
	int rc = an_cells_fill(&g, shape, r, &c);
	if (!rc && isnan(km)) {
		scale = json_object();
		rc = an_band_auto(&c, cell_km, &km, scale);
	}
	if (rc) {
		an_cells_free(&c);
		json_decref(area);
		json_decref(scale);
		return http_fail(req, TR_ERR_NOMEM, "out of memory");
	}
	if ((rc = an_hot_stats(req, &c, km, o))) {
		an_cells_free(&c);
		json_decref(area);
		json_decref(scale);
		return rc;
	}
	size_t hot, sig;
	json_t *items = an_hot_items(&g, &c, o, a->cfg.suppress_below, &hot, &sig);
	an_places(req, items, "hot", NULL, cell_km * 500);
	json_t *sc = an_scale_json(o, cell_km, km);
	if (scale)
		json_object_update(sc, scale);
	json_decref(scale);
	json_object_set_new(area, "cells", json_integer((json_int_t)c.n));
	json_t *out = json_pack("{s:s, s:f, s:{s:f, s:i, s:i, s:[f, f, f, f], s:I}, s:o, s:o, s:o}",
				"source", aq_sources[a->f.source], "distance_km", km, "grid",
				"cell_km", cell_km, "rows", (int)g.rows, "cols", (int)g.cols,
				"bbox", box[0], box[1], box[2], box[3], "coarsen_m",
				(json_int_t)coarsen_m, "area", area, "scale", sc, "items", items);
	json_object_set_new(out, "adjust", json_string(padjust_method_name(o->adjust)));
	json_object_set_new(out, "alpha", json_real(o->alpha));
	json_object_set_new(out, "min_count", json_integer(o->min_count));
	json_object_set_new(out, "hot_spots", json_integer((json_int_t)hot));
	json_object_set_new(out, "significant", json_integer((json_int_t)sig));
	an_hot_total(out, &c, (double)r->n, a->cfg.suppress_below);
	an_window_set(out, &a->f);
	json_object_set_new(out, "suppress_below", json_integer(a->cfg.suppress_below));
	an_cells_free(&c);
	return http_resp_json(resp, 200, out);
}

static const char *const hotspot_params[] = {
    "source",  "country", "category", "from",	   "to",    "bbox", "distance_km",
    "cell_km", "adjust",  "alpha",    "min_count", "limit", NULL};

static int an_hot_opts_read(struct http_req *req, struct an_hot_opts *o)
{
	double min_count = 3;
	int rc = TR_OK;
	o->km = o->cell_km = NAN;
	o->alpha = 0.05;
	o->adjust = PADJUST_BH;
	rc |= an_number(req, "distance_km", 0.001, 2000, 0, &o->km);
	rc |= an_number(req, "cell_km", 0.05, 500, 0, &o->cell_km);
	rc |= an_number(req, "alpha", 1e-6, 0.5, 0, &o->alpha);
	rc |= an_number(req, "min_count", 1, 1000000, 1, &min_count);
	o->min_count = (int)min_count;
	const char *adj = http_query(req, "adjust");
	if (adj && padjust_method_parse(adj, &o->adjust))
		rc |= http_field_error(req, "adjust", "must be one of: none, bonferroni, holm, bh");
	return rc ? TR_ERR_INVALID : TR_OK;
}

int api_analytics_hotspots(struct http_req *req, struct http_resp *resp)
{
	struct an_common a;
	struct api_page page;
	struct an_hot_opts o;
	int rc = api_query_allow(req, hotspot_params);
	rc |= api_page_read(req, &page);
	rc |= an_common_read(req, &a, 52);
	rc |= an_hot_opts_read(req, &o);
	if (rc)
		return TR_ERR_INVALID;
	o.limit = page.limit;
	a.f.from = http_query(req, "from") ? a.from : 0;
	a.f.to = http_query(req, "to") ? a.to + 1 : 0;
	a.f.located_only = 1;
	struct aq_records r;
	if ((rc = an_load(req, &a.f, &r)))
		return rc;
	if (r.n == 0) {
		aq_records_free(&r);
		json_t *out = json_pack("{s:s, s:o, s:I, s:b, s:[], s:i, s:i}", "source",
					aq_sources[a.f.source], "distance_km", an_num(o.km),
					"records", (json_int_t)0, "suppressed", 0, "items",
					"suppress_below", a.cfg.suppress_below, "hot_spots", 0);
		an_window_set(out, &a.f);
		return http_resp_json(resp, 200, out);
	}
	/* no cell finer than the grid other organisations' points were
	 * coarsened to: a smaller one would only scatter the same points */
	double coarsen_m = 0;
	for (size_t i = 0; i < r.n; i++)
		if (!r.v[i].own)
			coarsen_m = fmax(coarsen_m, r.v[i].grid_m);
	rc = an_hot_answer(req, resp, &a, &r, &o, coarsen_m);
	aq_records_free(&r);
	return rc;
}

/* ---- space-time scan ---- */

static const char *const scan_params[] = {
    "source",	"country",	"category", "from",  "to",	    "bbox", "max_radius_km",
    "max_days", "replications", "seed",	    "alpha", "prospective", NULL};

static json_t *an_day_json(int32_t day)
{
	char t[32];
	tr_time_format((int64_t)day * AQ_DAY_MS, t);
	t[10] = '\0';
	return json_string(t);
}

static json_t *an_cluster_json(const struct stscan_cluster *k, size_t rank,
			       const struct aq_records *r, int threshold)
{
	double foreign = 0;
	for (size_t j = 0; j < k->n_events; j++)
		foreign += !r->v[k->events[j]].own;
	json_t *it = json_pack("{s:I, s:{s:f, s:f}, s:f}", "rank", (json_int_t)rank, "centre",
			       "lat", k->y, "lon", k->x, "radius_km", k->radius);
	json_object_set_new(it, "start", an_day_json(k->start));
	json_object_set_new(it, "end", an_day_json(k->end));
	an_count_set(it, "observed", (double)k->observed, foreign, threshold);
	json_object_set_new(it, "expected", an_num(k->expected));
	/* with expected, the LLR gives a suppressed observed count back */
	json_object_set_new(
	    it, "llr",
	    aq_suppressed((double)k->observed, foreign, threshold) ? json_null() : an_num(k->llr));
	/* SaTScan's relative risk: inside over outside, observed over expected */
	double n = (double)r->n, rr = (double)k->observed / k->expected /
				      ((n - (double)k->observed) / (n - k->expected));
	json_object_set_new(it, "relative_risk",
			    aq_suppressed((double)k->observed, foreign, threshold) ? json_null()
										   : an_num(rr));
	json_object_set_new(it, "p", an_num(k->p));
	json_object_set_new(it, "p_value", an_num(k->p)); /* the name before p */
	json_t *ids = json_array();
	for (size_t j = 0; j < k->n_events; j++)
		json_array_append_new(ids, json_string(r->v[k->events[j]].id));
	/* the ids would give away a count that is shown as null */
	json_object_set_new(it, "record_ids",
			    aq_suppressed((double)k->observed, foreign, threshold) ? json_null()
										   : ids);
	if (aq_suppressed((double)k->observed, foreign, threshold))
		json_decref(ids);
	return it;
}

/* Whether two clusters overlap: their circles meet and their periods too. */
static int an_cluster_overlap(const struct stscan_cluster *a, const struct stscan_cluster *b)
{
	return spatial_geo_km(a->x, a->y, b->x, b->y) <= a->radius + b->radius &&
	       a->start <= b->end && b->start <= a->end;
}

/* The clusters reported, by decreasing LLR: p below alpha and no overlap
 * with one reported before (SaTScan's rule, in space and time). */
static json_t *an_clusters_json(const struct stscan_result *res, const struct aq_records *r,
				double alpha, int threshold)
{
	json_t *items = json_array();
	size_t *kept = malloc((res->n ? res->n : 1) * sizeof(size_t)), nk = 0;
	for (size_t i = 0; kept && i < res->n; i++) {
		const struct stscan_cluster *k = &res->clusters[i];
		int ok = k->p < alpha;
		for (size_t j = 0; ok && j < nk; j++)
			ok = !an_cluster_overlap(k, &res->clusters[kept[j]]);
		if (!ok)
			continue;
		kept[nk++] = i;
		json_array_append_new(items, an_cluster_json(k, nk, r, threshold));
	}
	free(kept);
	return items;
}

static int an_scan_run(struct http_req *req, struct http_resp *resp, const struct an_common *a,
		       const struct aq_records *r, const struct stscan_params *sp, double alpha)
{
	double *x = malloc(r->n * sizeof(double)), *y = malloc(r->n * sizeof(double));
	int32_t *day = malloc(r->n * sizeof(int32_t));
	struct stscan_result res = {0};
	struct ts_error err = {0};
	int rc = x && y && day ? TR_OK : TR_ERR_NOMEM;
	for (size_t i = 0; !rc && i < r->n; i++) {
		x[i] = r->v[i].lon;
		y[i] = r->v[i].lat;
		day[i] = (int32_t)(aq_period_start(r->v[i].t, AQ_DAY) / AQ_DAY_MS);
	}
	if (!rc)
		rc = stscan_run(x, y, day, r->n, sp, &res, &err);
	free(x);
	free(y);
	free(day);
	if (rc == TR_ERR_INVALID) {
		http_field_error(req,
				 strcmp(err.column, "max_radius") == 0 ? "max_radius_km"
				 : strcmp(err.column, "max_days") == 0 ? "max_days"
								       : "bbox",
				 err.message);
		return http_fail(req, rc, err.message);
	}
	if (rc)
		return http_fail(req, rc, "out of memory");
	json_t *items = an_clusters_json(&res, r, alpha, a->cfg.suppress_below);
	an_places(req, items, NULL, "radius_km", 0);
	json_t *o =
	    json_pack("{s:s, s:f, s:i, s:i, s:b}", "source", aq_sources[a->f.source],
		      "max_radius_km", sp->max_radius, "max_days", sp->max_days, "replications",
		      (int)sp->replications, "prospective", sp->prospective);
	double foreign = 0;
	for (size_t i = 0; i < r->n; i++)
		foreign += !r->v[i].own;
	int thr = a->cfg.suppress_below, sup_e = aq_suppressed((double)r->n, foreign, thr);
	int sup_l = aq_suppressed((double)res.locations, foreign, thr);
	json_object_set_new(o, "events", sup_e ? json_null() : json_integer((json_int_t)r->n));
	json_object_set_new(o, "locations",
			    sup_l ? json_null() : json_integer((json_int_t)res.locations));
	json_object_set_new(o, "suppressed", json_boolean(sup_e || sup_l));
	/* the area analysed, for the map: as the hot spots' box (snapped to the
	 * coarsening grid), none when the number of events is hidden */
	double box[4];
	an_box_of(&a->f, r, 0, box);
	json_object_set_new(o, "bbox",
			    sup_e ? json_null()
				  : json_pack("[f, f, f, f]", box[0], box[1], box[2], box[3]));
	an_window_set(o, &a->f);
	json_object_set_new(o, "suppress_below", json_integer(a->cfg.suppress_below));
	json_object_set_new(o, "alpha", json_real(alpha));
	json_object_set_new(o, "items", items);
	stscan_result_free(&res);
	return http_resp_json(resp, 200, o);
}

int api_analytics_scan(struct http_req *req, struct http_resp *resp)
{
	struct an_common a;
	struct stscan_params sp;
	stscan_params_default(&sp);
	double radius = 5, days = 7, reps = 999, seed = 1, alpha = 0.05;
	int prospective = 0;
	int rc = api_query_allow(req, scan_params);
	rc |= an_common_read(req, &a, 52);
	rc |= an_number(req, "max_radius_km", 0.001, 1000, 0, &radius);
	rc |= an_number(req, "max_days", 1, 366, 1, &days);
	/* a Monte Carlo p below 0.05 needs at least 999 replications to be
	 * told from 0.05 with confidence (SaTScan's default and floor here) */
	rc |= an_number(req, "replications", 999, 9999, 1, &reps);
	rc |= an_number(req, "alpha", 1e-6, 1, 0, &alpha);
	rc |= an_number(req, "seed", 0, 1e15, 1, &seed);
	rc |= an_bool(req, "prospective", &prospective);
	if (rc)
		return TR_ERR_INVALID;
	a.f.from = a.from; /* default: the 52 weeks before to's */
	a.f.to = a.to + 1;
	a.f.located_only = 1;
	struct aq_records r;
	if ((rc = an_load(req, &a.f, &r)))
		return rc;
	if ((double)r.n * (reps + 1) > SCAN_WORK_MAX) {
		aq_records_free(&r);
		char msg[160];
		snprintf(msg, sizeof(msg),
			 "more than %.0f events for %.0f replications: narrow from, to, bbox or "
			 "country",
			 floor(SCAN_WORK_MAX / (reps + 1)), reps);
		return http_field_error(req, "from", msg);
	}
	sp.max_radius = radius;
	sp.max_days = (int)days;
	sp.replications = (unsigned)reps;
	sp.seed = (uint64_t)seed;
	sp.prospective = prospective;
	sp.threads = 2;
	sp.max_clusters = 0; /* every candidate: an_clusters_json keeps the reported */
	sp.metric = SPATIAL_HAVERSINE;
	if (r.n == 0) {
		json_t *o = json_pack("{s:s, s:I, s:b, s:[], s:i}", "source",
				      aq_sources[a.f.source], "events", (json_int_t)0, "suppressed",
				      0, "items", "suppress_below", a.cfg.suppress_below);
		an_window_set(o, &a.f);
		rc = http_resp_json(resp, 200, o);
	} else
		rc = an_scan_run(req, resp, &a, &r, &sp, alpha);
	aq_records_free(&r);
	return rc;
}
