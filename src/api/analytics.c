/* The analytics endpoints: counts per period, aberrations, hot spots and
 * the space-time scan, always computed over the records the caller may see
 * (aq_records_load applies acl_visible) as the caller sees them (other
 * organisations' tips at their coarsened point), with small counts that
 * involve other organisations' records shown as null. Windows are whole
 * ISO weeks and boxes snap to the coarsening grid, so that two questions
 * differing by less than a week or a grid step get the same answer.
 * The handlers parse the query, load the records, call the domain
 * (analytics_series.c, analytics_hotspot.c, analytics_scan.c) and write
 * its answer; the database connection is held only to read. */
#include "api/api.h"
#include "api/handlers.h"
#include "core/err.h"
#include "core/timeutil.h"
#include "domain/analytics_hotspot.h"
#include "domain/analytics_q.h"
#include "domain/analytics_scan.h"
#include "domain/analytics_series.h"
#include "domain/place.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* source, country, category, interval, from, to, bbox; the window in
 * whole ISO weeks, default_periods back from to unless from is given. */
static int an_question_read(struct http_req *req, struct aq_question *q, int default_periods)
{
	struct analytics_config cfg;
	memset(q, 0, sizeof(*q));
	analytics_config_of(http_app(req), &cfg);
	q->suppress_below = cfg.suppress_below;
	int src = -1, iv = AQ_WEEK, rc = TR_OK;
	const char *s = http_query(req, "source");
	if (!s)
		rc = http_field_error(req, "source", "is required: alerts, sightings or tips");
	else if (an_enum(req, "source", aq_sources, &src))
		rc = TR_ERR_INVALID;
	else if (src == AQ_TIPS && !cfg.tips_present)
		rc = http_field_error(req, "source", "tips are not available on this instance yet");
	q->f.source = src < 0 ? AQ_ALERTS : (enum aq_source)src;
	rc |= an_enum(req, "interval", as_intervals, &iv);
	q->iv = (enum aq_interval)iv;
	const char *country = http_query(req, "country");
	if (country && (strlen(country) != 2 || country[0] < 'A' || country[0] > 'Z' ||
			country[1] < 'A' || country[1] > 'Z'))
		rc = http_field_error(req, "country",
				      "must be an ISO 3166-1 alpha-2 code (upper case)");
	q->f.country = country;
	int cat = -1;
	if (src >= 0 && an_enum(req, "category", aq_categories(q->f.source), &cat))
		rc = TR_ERR_INVALID;
	q->f.category = http_query(req, "category");
	rc |= an_bbox(req, &q->f);
	q->to = tr_now_ms();
	q->from = 0;
	rc |= an_time(req, "from", &q->from);
	rc |= an_time(req, "to", &q->to);
	q->from_given = http_query(req, "from") != NULL;
	q->to_given = http_query(req, "to") != NULL;
	if (!q->from_given)
		q->from = q->to - (int64_t)default_periods * aq_period_ms(q->iv);
	if (q->from > q->to)
		rc = http_field_error(req, "to", "must not be before from");
	/* whole ISO weeks: the week of from through the week of to */
	q->from = aq_week_floor(q->from);
	q->to = aq_week_floor(q->to) + AQ_WEEK_MS - 1;
	return rc ? TR_ERR_INVALID : TR_OK;
}

/* The records of f the caller sees; the connection only for the read. */
static int an_load(struct http_req *req, struct aq_filter *f, struct aq_records *r)
{
	struct db_conn *c = api_db(req);
	int rc = aq_records_load(c, api_caller(req), f, r);
	if (rc == TR_ERR_TOO_LARGE) {
		db_release(c);
		http_field_error(req, "from", "too many records: narrow from, to, bbox or country");
		return TR_ERR_INVALID;
	}
	return api_db_end(req, c, rc, NULL);
}

/* The answer to a question the domain refused or could not compute. */
static int an_refused(struct http_req *req, int rc, const struct aq_why *why)
{
	if (rc != TR_ERR_INVALID)
		return http_fail(req, rc, "out of memory");
	http_field_error(req, why->field, why->message);
	return why->detail ? http_fail(req, TR_ERR_INVALID, why->message) : TR_ERR_INVALID;
}

/* Names the places of the answer's items in the caller's language. */
static void an_places(struct http_req *req, json_t *out, const char *flag, const char *radius_key,
		      double radius_m)
{
	json_t *items = json_object_get(out, "items");
	if (!json_array_size(items))
		return;
	const char *lang = place_lang(http_header(req, "Accept-Language"));
	struct db_conn *c = api_db(req);
	aq_places_name(c, items, flag, radius_key, radius_m, lang);
	db_release(c);
}

/* The series of the question, counted. */
static int an_series(struct http_req *req, struct aq_question *q, struct as_series *s)
{
	struct aq_why why;
	struct aq_records r;
	int rc = as_series_window(q, s, &q->f, &why);
	if (rc)
		return an_refused(req, rc, &why);
	if ((rc = an_load(req, &q->f, &r)))
		return rc;
	rc = as_series_count(s, &r);
	aq_records_free(&r);
	if (rc) {
		as_series_free(s);
		return http_fail(req, rc, "out of memory");
	}
	return TR_OK;
}

static const char *const series_params[] = {"source", "country", "category", "interval",
					    "from",   "to",	 NULL};

int api_analytics_timeseries(struct http_req *req, struct http_resp *resp)
{
	struct aq_question q;
	struct as_series s;
	int rc = api_query_allow(req, series_params);
	rc |= an_question_read(req, &q, 52);
	if (rc)
		return TR_ERR_INVALID;
	if ((rc = an_series(req, &q, &s)))
		return rc;
	json_t *o = as_timeseries_json(&q, &s);
	as_series_free(&s);
	return http_resp_json(resp, 200, o);
}

/* ---- aberrations ---- */

static int an_method_read(struct http_req *req, enum aq_interval iv, struct as_method *m)
{
	static const char *const thresholds[] = {"delta", "nbplugin", "muan", NULL};
	int rc = TR_OK, thr = 0, trend = 1, reweight = 1, method = AS_EARS_C3;
	double x;
	rc |= an_enum(req, "method", as_methods, &method);
	as_method_init(m, (enum as_method_kind)method, iv);
	x = (double)m->ears.baseline;
	rc |= an_number(req, "baseline", 3, 1000, 1, &x);
	m->ears.baseline = (size_t)x;
	m->baseline_given = http_query(req, "baseline") != NULL;
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
	rc |= an_number(req, "evaluate", 1, AS_PERIODS_MAX, 1, &m->evaluate);
	rc |= an_number(req, "min_count", 1, 1000000, 1, &m->min_count);
	return rc ? TR_ERR_INVALID : TR_OK;
}

static const char *const aberration_params[] = {
    "source",	 "country", "category",	 "interval", "from",	 "to",	      "method",
    "baseline",	 "alpha",   "min_sigma", "b",	     "w",	 "trend",     "reweight",
    "threshold", "k",	    "h",	 "m",	     "evaluate", "min_count", NULL};

int api_analytics_aberrations(struct http_req *req, struct http_resp *resp)
{
	struct aq_question q;
	struct as_method m;
	struct as_series s;
	struct aq_why why;
	json_t *o;
	int rc = api_query_allow(req, aberration_params);
	rc |= an_question_read(req, &q, 52);
	rc |= an_method_read(req, q.iv, &m);
	if (rc)
		return TR_ERR_INVALID;
	if ((rc = an_series(req, &q, &s)))
		return rc;
	rc = as_aberrations(&q, &s, &m, &o, &why);
	as_series_free(&s);
	return rc ? an_refused(req, rc, &why) : http_resp_json(resp, 200, o);
}

/* ---- hot spots ---- */

static const char *const hotspot_params[] = {
    "source",  "country", "category", "from",	   "to",    "bbox", "distance_km",
    "cell_km", "adjust",  "alpha",    "min_count", "limit", NULL};

static int an_hot_opts_read(struct http_req *req, struct ah_opts *o)
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
	struct aq_question q;
	struct api_page page;
	struct ah_opts o;
	int rc = api_query_allow(req, hotspot_params);
	rc |= api_page_read(req, &page);
	rc |= an_question_read(req, &q, 52);
	rc |= an_hot_opts_read(req, &o);
	if (rc)
		return TR_ERR_INVALID;
	o.limit = page.limit;
	q.f.from = q.from_given ? q.from : 0;
	q.f.to = q.to_given ? q.to + 1 : 0;
	q.f.located_only = 1;
	struct aq_records r;
	if ((rc = an_load(req, &q.f, &r)))
		return rc;
	json_t *area = json_object(), *out;
	struct app *app = http_app(req);
	const struct area_shape *shape = ah_area(app->outlines, &q.f, area);
	struct aq_why why;
	double radius_m;
	rc = ah_hotspots(&q, &r, &o, shape, area, &out, &radius_m, &why);
	aq_records_free(&r);
	if (rc)
		return an_refused(req, rc, &why);
	an_places(req, out, "hot", NULL, radius_m);
	return http_resp_json(resp, 200, out);
}

/* ---- space-time scan ---- */

static const char *const scan_params[] = {
    "source",	"country",	"category", "from",  "to",	    "bbox", "max_radius_km",
    "max_days", "replications", "seed",	    "alpha", "prospective", NULL};

int api_analytics_scan(struct http_req *req, struct http_resp *resp)
{
	struct aq_question q;
	struct stscan_params sp;
	stscan_params_default(&sp);
	double radius = 5, days = 7, reps = 999, seed = 1, alpha = 0.05;
	int prospective = 0;
	int rc = api_query_allow(req, scan_params);
	rc |= an_question_read(req, &q, 52);
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
	q.f.from = q.from; /* default: the 52 weeks before to's */
	q.f.to = q.to + 1;
	q.f.located_only = 1;
	sp.max_radius = radius;
	sp.max_days = (int)days;
	sp.replications = (unsigned)reps;
	sp.seed = (uint64_t)seed;
	sp.prospective = prospective;
	sp.threads = 2;
	sp.max_clusters = 0; /* every candidate: the answer keeps those reported */
	sp.metric = SPATIAL_HAVERSINE;
	struct aq_records r;
	if ((rc = an_load(req, &q.f, &r)))
		return rc;
	struct aq_why why;
	json_t *out;
	rc = asc_answer(&q, &r, &sp, alpha, &out, &why);
	aq_records_free(&r);
	if (rc)
		return an_refused(req, rc, &why);
	an_places(req, out, NULL, "radius_km", 0);
	return http_resp_json(resp, 200, out);
}
