#include "domain/analytics_series.h"
#include "core/err.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const as_intervals[] = {"day", "week", NULL};
const char *const as_methods[] = {"ears_c1", "ears_c2", "ears_c3", "farrington", "cusum", NULL};

int as_series_window(const struct aq_question *q, struct as_series *s, struct aq_filter *f,
		     struct aq_why *why)
{
	memset(s, 0, sizeof(*s));
	s->len = aq_period_ms(q->iv);
	s->start = aq_period_start(q->from, q->iv);
	int64_t last = aq_period_start(q->to, q->iv);
	if ((last - s->start) / s->len + 1 > AS_PERIODS_MAX)
		return aq_why_set(why, "from", 0, "%s",
				  "the series would be longer than 5000 periods");
	s->n = (size_t)((last - s->start) / s->len + 1);
	f->from = s->start;
	f->to = last + s->len;
	return TR_OK;
}

int as_series_count(struct as_series *s, const struct aq_records *r)
{
	s->count = calloc(s->n ? s->n : 1, sizeof(double));
	s->foreign = calloc(s->n ? s->n : 1, sizeof(double));
	if (!s->count || !s->foreign)
		return TR_ERR_NOMEM;
	for (size_t i = 0; i < r->n; i++) {
		size_t k = (size_t)((r->v[i].t - s->start) / s->len);
		if (k < s->n) {
			s->count[k] += 1;
			s->foreign[k] += !r->v[i].own;
		}
	}
	return TR_OK;
}

void as_series_free(struct as_series *s)
{
	free(s->count);
	free(s->foreign);
	s->count = s->foreign = NULL;
}

static json_t *as_head(const struct aq_question *q, const struct as_series *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "source", json_string(aq_sources[q->f.source]));
	json_object_set_new(o, "interval", json_string(as_intervals[q->iv]));
	json_object_set_new(o, "country", q->f.country ? json_string(q->f.country) : json_null());
	json_object_set_new(o, "category",
			    q->f.category ? json_string(q->f.category) : json_null());
	json_object_set_new(o, "from", aq_time_json(s->start));
	json_object_set_new(o, "to", aq_time_json(s->start + (int64_t)s->n * s->len));
	json_object_set_new(o, "suppress_below", json_integer(q->suppress_below));
	return o;
}

json_t *as_timeseries_json(const struct aq_question *q, const struct as_series *s)
{
	json_t *o = as_head(q, s), *items = json_array();
	for (size_t i = 0; i < s->n; i++) {
		json_t *it = json_object();
		json_object_set_new(it, "period", aq_time_json(s->start + (int64_t)i * s->len));
		aq_count_set(it, "count", s->count[i], s->foreign[i], q->suppress_below);
		json_array_append_new(items, it);
	}
	json_object_set_new(o, "items", items);
	return o;
}

/* ---- aberrations ---- */

void as_method_init(struct as_method *m, enum as_method_kind method, enum aq_interval iv)
{
	memset(m, 0, sizeof(*m));
	m->method = method;
	ears_opts_default(&m->ears, method == AS_EARS_C1   ? EARS_C1
				    : method == AS_EARS_C2 ? EARS_C2
							   : EARS_C3);
	far_opts_default(&m->far);
	m->far.frequency = iv == AQ_WEEK ? 52 : 365;
	cusum_opts_default(&m->cusum);
	m->evaluate = 0;
	m->min_count = 3;
}

static size_t as_min_from(const struct as_method *m)
{
	if (m->method <= AS_EARS_C3)
		return ears_min_from(&m->ears);
	return m->method == AS_FARRINGTON ? far_min_from(&m->far) : cusum_min_from(&m->cusum);
}

/* The library's error names one of its options; the API's name for it. */
static const char *as_err_field(const char *column)
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

static int as_detect(const struct as_method *m, const double *y, size_t n, size_t from,
		     struct ts_point *p, struct ts_error *err)
{
	if (m->method <= AS_EARS_C3)
		return ears_run(y, n, from, &m->ears, p, err);
	if (m->method == AS_FARRINGTON)
		return far_run(y, n, from, &m->far, p, err);
	return cusum_run(y, n, from, &m->cusum, p, err);
}

double as_ears_expected(const double *y, size_t t, size_t lag, size_t baseline)
{
	if (t < lag + baseline)
		return NAN;
	double sum = 0;
	for (size_t j = t - lag - baseline; j < t - lag; j++)
		sum += y[j];
	return sum / (double)baseline;
}

static json_t *as_note(const char *code, const char *message)
{
	return json_pack("{s:s, s:s}", "code", code, "message", message);
}

/* Why an evaluated period shows no upper bound (its code, the message in
 * *msg), or NULL: none fitted, none computed, or one below the expected
 * value. */
static const char *as_bound_note(const struct as_method *m, const struct ts_point *p, double e,
				 const char **msg)
{
	static const char *const notes[][2] = {
	    {"no_model", "The model could not be fitted on this history: no upper bound and no "
			 "decision."},
	    {"few_cases", "Fewer than 5 records in the last 4 weeks: Farrington's method "
			  "computes no upper bound and raises no alarm."},
	    {"no_bound", "The method gives no upper bound for this period (no variation in its "
			 "baseline)."},
	    {"bound_below_expected",
	     "The method's bound fell below the expected value (EARS C3 lowers it after high "
	     "weeks), so it is not shown; the alarm still needs the minimum count."},
	};
	double u = p->upperbound;
	int far = m->method == AS_FARRINGTON, k;
	if (p->undecided && far)
		k = 0;
	else if (isnan(u) && far)
		k = 1;
	else if (isnan(u))
		k = 2;
	else if (u < e)
		k = 3;
	else
		return NULL;
	*msg = notes[k][1];
	return notes[k][0];
}

/* Expected, upper bound and alarm of an evaluated period, as a reader can
 * trust them: a bound below the expected value or none at all is not
 * shown but explained (bound_note), and no alarm from fewer than
 * min_count records (alarm_note, unless the count is hidden). Returns
 * whether the period alarms. */
static int as_point_json(json_t *it, const struct as_method *m, const struct as_series *s, size_t i,
			 const struct ts_point *p, int threshold)
{
	double e =
	    m->method <= AS_EARS_C3
		? as_ears_expected(s->count, i, m->method == AS_EARS_C1 ? 0 : 2, m->ears.baseline)
		: p->expected;
	json_object_set_new(it, "expected", aq_num_json(e));
	const char *msg = NULL, *code = as_bound_note(m, p, e, &msg);
	json_object_set_new(it, "upperbound", code ? json_null() : aq_num_json(p->upperbound));
	if (code)
		json_object_set_new(it, "bound_note", as_note(code, msg));
	int decided = !p->undecided, alarm = decided && p->alarm;
	if (alarm && s->count[i] < m->min_count) {
		alarm = 0;
		if (!aq_suppressed(s->count[i], s->foreign[i], threshold))
			json_object_set_new(it, "alarm_note",
					    as_note("below_min_count",
						    "The method flagged this period, but it holds "
						    "fewer records than the minimum count for an "
						    "alarm."));
	}
	/* no bound is no alarm (Farrington's 5-in-4-weeks rule), as R says;
	 * null only where the method reached no decision */
	json_object_set_new(it, "alarm", decided ? json_boolean(alarm) : json_null());
	return alarm;
}

/* Runs the method from period from; TR_ERR_INVALID with why when it cannot
 * run on this series. */
static int as_run(const struct aq_question *q, const struct as_series *s, const struct as_method *m,
		  size_t from, struct ts_point *p, struct aq_why *why)
{
	struct ts_error err = {0};
	int rc;
	if (m->method <= AS_EARS_C3 && s->n < m->ears.baseline && !m->baseline_given) {
		/* earsC checks the baseline against the length first; with the
		 * default baseline the series is what is short: say so as the
		 * library does when the baseline fits */
		snprintf(err.column, sizeof(err.column), "from");
		snprintf(err.message, sizeof(err.message),
			 "history too short: the first period evaluated needs %zu earlier periods, "
			 "so it must be period %zu or later (series has %zu)",
			 from, from + 1, s->n);
		rc = TR_ERR_INVALID;
	} else
		rc = as_detect(m, s->count, s->n, from, p, &err);
	if (rc == TR_OK || rc == TR_ERR_NOMEM)
		return rc;
	return aq_why_set(why, as_err_field(err.column), 1,
			  "%s (the series from %s to %s has %zu %s periods)",
			  err.message[0] ? err.message : "the method cannot run on this series",
			  q->from_given ? "from" : "the default start", q->to_given ? "to" : "now",
			  s->n, as_intervals[q->iv]);
}

int as_aberrations(const struct aq_question *q, const struct as_series *s,
		   const struct as_method *m, json_t **out, struct aq_why *why)
{
	size_t from = as_min_from(m);
	if (m->evaluate > 0 && (size_t)m->evaluate < s->n && s->n - (size_t)m->evaluate > from)
		from = s->n - (size_t)m->evaluate;
	struct ts_point *p = calloc(s->n ? s->n : 1, sizeof(*p));
	int rc = p ? as_run(q, s, m, from, p, why) : TR_ERR_NOMEM;
	if (rc) {
		free(p);
		return rc;
	}
	json_t *o = as_head(q, s), *items = json_array();
	json_object_set_new(o, "method", json_string(as_methods[m->method]));
	json_object_set_new(o, "evaluated_from", aq_time_json(s->start + (int64_t)from * s->len));
	json_object_set_new(o, "min_count", json_integer((json_int_t)m->min_count));
	int alarms = 0;
	for (size_t i = 0; i < s->n; i++) {
		json_t *it = json_object();
		json_object_set_new(it, "period", aq_time_json(s->start + (int64_t)i * s->len));
		aq_count_set(it, "observed", s->count[i], s->foreign[i], q->suppress_below);
		if (i >= from)
			alarms += as_point_json(it, m, s, i, &p[i], q->suppress_below);
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
	*out = o;
	return TR_OK;
}
