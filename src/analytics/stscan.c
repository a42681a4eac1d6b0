#include "analytics/ts.h"
#include "analytics/stscan.h"

#include "analytics/spatial_grid.h"
#include "analytics/stats.h"
#include "core/array.h"
#include "core/err.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* More (centre, neighbour) pairs than this would take gigabytes. */
#define ST_PAIRS_MAX 100000000u
/* Haversine candidates come from a chord search this much wider than the
 * radius: the ellipsoid distance is within 0.7 % of the spherical one. */
#define ST_SPHERE_SLACK 1.02

/* What does not change between replications. */
struct st_model {
	size_t n;     /* events */
	size_t nloc;  /* distinct locations */
	int32_t t;    /* days in the study period */
	int32_t dmin; /* first day */
	int32_t dmax; /* longest window */
	int prospective;
	double *lx, *ly;    /* location coordinates */
	size_t *loc_n;	    /* events per location */
	size_t *loc_off;    /* events of location l: loc_ev[loc_off[l] .. loc_off[l+1]) */
	size_t *loc_ev;	    /* event indices by location */
	int32_t *ev_day;    /* day index of each event (0 .. t-1) */
	uint32_t *slot_loc; /* location of each event, events sorted by day */
	int32_t *slot_day;  /* day index of each slot, ascending */
	size_t w_first;	    /* first slot a window can hold */
	size_t *cum;	    /* cum[d] = events before day d, d = 0 .. t */
	size_t *nb_off;	    /* neighbours of centre c: nb_loc[nb_off[c] .. nb_off[c+1]) */
	uint32_t *nb_loc;   /* by increasing distance, cut at max_share */
	double *nb_dist;
	double *lg; /* lg[k] = log(k), k = 0 .. n */
};

/* The best cylinder of one centre. */
struct st_best {
	double llr;
	size_t c, nz, s; /* observed, zone events, window events */
	size_t nb_end;	 /* zone = nb_loc[nb_off[centre] .. nb_end) */
	int32_t a, b;	 /* window day indices */
};

/* One thread's buffers. */
struct st_scratch {
	uint32_t *slot; /* slot_loc, permuted */
	size_t *off;	/* per-location day lists of this replication */
	size_t *fill;
	int32_t *days;
	int32_t *zc; /* zone events per day */
	int32_t *zd; /* days with zone events, ascending */
	size_t nzd;
	int32_t *gd; /* days of the group just added, ascending */
	uint64_t rng[4];
};

void stscan_params_default(struct stscan_params *p)
{
	memset(p, 0, sizeof *p);
	p->max_radius = INFINITY;
	p->max_share = 0.5;
	p->replications = 999;
	p->seed = 1;
	p->threads = 1;
	p->max_clusters = 10;
	p->metric = SPATIAL_EUCLIDEAN;
}

/* ---- random numbers: splitmix64 seeds xoshiro256** ---- */

static uint64_t st_splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void st_rng_seed(uint64_t rng[4], uint64_t seed, uint64_t stream)
{
	uint64_t s = seed ^ (stream * 0xd1342543de82ef95ULL);
	for (int i = 0; i < 4; i++)
		rng[i] = st_splitmix(&s);
}

static uint64_t st_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t st_rng_next(uint64_t s[4])
{
	uint64_t result = st_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = st_rotl(s[3], 45);
	return result;
}

/* Uniform in [0, bound) without modulo bias (Lemire's multiply-shift). */
static uint64_t st_rng_below(uint64_t s[4], uint64_t bound)
{
	unsigned __int128 m = (unsigned __int128)st_rng_next(s) * bound;
	uint64_t low = (uint64_t)m;
	if (low < bound) {
		uint64_t threshold = -bound % bound;
		while (low < threshold) {
			m = (unsigned __int128)st_rng_next(s) * bound;
			low = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

/* ---- validation ---- */

static int st_check_params(const struct stscan_params *p, struct ts_error *err)
{
	if (!(p->max_radius > 0.0) || isnan(p->max_radius))
		return ts_fail(err, 0, "max_radius", "%s", "maximum radius must be > 0");
	if (!(p->max_share > 0.0 && p->max_share <= 1.0))
		return ts_fail(err, 0, "max_share", "%s", "maximum share must be in (0, 1]");
	if (p->max_days < 0)
		return ts_fail(err, 0, "max_days", "%s", "maximum days must be >= 1");
	if (p->threads < 1 || p->threads > 1024)
		return ts_fail(err, 0, "threads", "%s", "threads must be between 1 and 1024");
	if (p->replications > 1000000)
		return ts_fail(err, 0, "replications", "%s", "at most 1000000 replications");
	return TR_OK;
}

static int st_check_events(const double *x, const double *y, const int32_t *day, size_t n,
			   enum spatial_metric metric, struct ts_error *err)
{
	if (n == 0)
		return ts_fail(err, 0, "", "%s", "no events");
	if (n >= UINT32_MAX)
		return ts_fail(err, 0, "", "%s", "too many events");
	int32_t lo = day[0], hi = day[0];
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(x[i]))
			return ts_fail(err, i + 1, "x", "%s", "coordinate is not a finite number");
		if (!isfinite(y[i]))
			return ts_fail(err, i + 1, "y", "%s", "coordinate is not a finite number");
		if (metric == SPATIAL_HAVERSINE && fabs(x[i]) > 180.0)
			return ts_fail(err, i + 1, "x", "%s", "longitude outside [-180, 180]");
		if (metric == SPATIAL_HAVERSINE && fabs(y[i]) > 90.0)
			return ts_fail(err, i + 1, "y", "%s", "latitude outside [-90, 90]");
		lo = day[i] < lo ? day[i] : lo;
		hi = day[i] > hi ? day[i] : hi;
	}
	if ((int64_t)hi - lo >= 1000000)
		return ts_fail(err, 0, "date", "%s", "the dates span more than 1000000 days");
	return TR_OK;
}

/* ---- the model: locations, days, neighbours ---- */

struct st_key {
	double x, y;
	size_t i;
};

static int st_key_cmp(const void *a, const void *b)
{
	const struct st_key *p = a, *q = b;
	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	if (p->y != q->y)
		return p->y < q->y ? -1 : 1;
	return p->i < q->i ? -1 : p->i > q->i;
}

static void st_model_free(struct st_model *m)
{
	free(m->lx), free(m->ly), free(m->loc_n), free(m->loc_off), free(m->loc_ev);
	free(m->ev_day), free(m->slot_loc), free(m->slot_day), free(m->cum);
	free(m->nb_off), free(m->nb_loc), free(m->nb_dist), free(m->lg);
	memset(m, 0, sizeof *m);
}

/* Groups events by exact location. */
static int st_model_locations(struct st_model *m, const double *x, const double *y)
{
	size_t n = m->n;
	struct st_key *k = malloc(n * sizeof *k);
	m->lx = malloc(n * sizeof *m->lx);
	m->ly = malloc(n * sizeof *m->ly);
	m->loc_n = calloc(n, sizeof *m->loc_n);
	m->loc_off = malloc((n + 1) * sizeof *m->loc_off);
	m->loc_ev = malloc(n * sizeof *m->loc_ev);
	if (!k || !m->lx || !m->ly || !m->loc_n || !m->loc_off || !m->loc_ev) {
		free(k);
		return TR_ERR_NOMEM;
	}
	for (size_t i = 0; i < n; i++)
		k[i] = (struct st_key){x[i], y[i], i};
	qsort(k, n, sizeof *k, st_key_cmp);
	size_t l = 0;
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || k[i].x != k[i - 1].x || k[i].y != k[i - 1].y) {
			m->lx[l] = k[i].x;
			m->ly[l] = k[i].y;
			m->loc_off[l++] = i;
		}
		m->loc_ev[i] = k[i].i;
		m->loc_n[l - 1]++;
	}
	m->nloc = l;
	m->loc_off[l] = n;
	free(k);
	return TR_OK;
}

/* Day indices, the slots of events in day order, the day margins. */
static int st_model_days(struct st_model *m, const int32_t *day, const struct stscan_params *p)
{
	size_t n = m->n;
	int32_t lo = day[0], hi = day[0];
	for (size_t i = 1; i < n; i++) {
		lo = day[i] < lo ? day[i] : lo;
		hi = day[i] > hi ? day[i] : hi;
	}
	m->dmin = lo;
	m->t = hi - lo + 1;
	m->dmax = p->max_days > 0 ? p->max_days : (m->t / 2 > 0 ? m->t / 2 : 1);
	if (m->dmax > m->t)
		m->dmax = m->t;
	m->ev_day = malloc(n * sizeof *m->ev_day);
	m->cum = calloc((size_t)m->t + 1, sizeof *m->cum);
	m->slot_loc = malloc(n * sizeof *m->slot_loc);
	m->slot_day = malloc(n * sizeof *m->slot_day);
	if (!m->ev_day || !m->cum || !m->slot_loc || !m->slot_day)
		return TR_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		m->ev_day[i] = day[i] - lo;
		m->cum[m->ev_day[i] + 1]++;
	}
	for (int32_t d = 0; d < m->t; d++)
		m->cum[d + 1] += m->cum[d];
	size_t *next = malloc((size_t)m->t * sizeof *next);
	if (!next)
		return TR_ERR_NOMEM;
	memcpy(next, m->cum, (size_t)m->t * sizeof *next);
	for (size_t l = 0; l < m->nloc; l++)
		for (size_t k = m->loc_off[l]; k < m->loc_off[l + 1]; k++) {
			size_t s = next[m->ev_day[m->loc_ev[k]]]++;
			m->slot_loc[s] = (uint32_t)l;
			m->slot_day[s] = m->ev_day[m->loc_ev[k]];
		}
	free(next);
	m->w_first = m->prospective ? m->cum[m->t - m->dmax] : 0;
	return TR_OK;
}

static int st_model_logs(struct st_model *m)
{
	m->lg = malloc((m->n + 1) * sizeof *m->lg);
	if (!m->lg)
		return TR_ERR_NOMEM;
	m->lg[0] = -INFINITY;
	for (size_t k = 1; k <= m->n; k++)
		m->lg[k] = log((double)k);
	return TR_OK;
}

/* Neighbour search state over the distinct locations. */
struct st_search {
	const struct stscan_params *p;
	struct spatial_grid *grid; /* NULL: every location is a candidate */
	double *pts;		   /* grid coordinates, dim per location */
	int dim;
	struct stats_keyed *cand; /* nloc: distance and location */
	size_t cap;		  /* pairs allocated in nb_loc, nb_dist */
};

static int st_search_open(struct st_search *s, const struct st_model *m)
{
	s->cand = malloc(m->nloc * sizeof *s->cand);
	if (!s->cand)
		return TR_ERR_NOMEM;
	if (!isfinite(s->p->max_radius))
		return TR_OK;
	int sphere = s->p->metric == SPATIAL_HAVERSINE;
	s->dim = sphere ? 3 : 2;
	s->pts = malloc(m->nloc * (size_t)s->dim * sizeof *s->pts);
	if (!s->pts)
		return TR_ERR_NOMEM;
	for (size_t l = 0; l < m->nloc; l++) {
		if (sphere) {
			spatial_geo_unit(m->lx[l], m->ly[l], s->pts + 3 * l);
		} else {
			s->pts[2 * l] = m->lx[l];
			s->pts[2 * l + 1] = m->ly[l];
		}
	}
	double cell = s->p->max_radius;
	if (sphere) {
		double half = s->p->max_radius * ST_SPHERE_SLACK / SPATIAL_GEO_A_KM / 2.0;
		cell = half >= M_PI / 2.0 ? 2.5 : 2.0 * sin(half);
	}
	return spatial_grid_build(s->pts, m->nloc, s->dim, cell, &s->grid);
}

static void st_search_close(struct st_search *s)
{
	spatial_grid_free(s->grid);
	free(s->pts);
	free(s->cand);
}

/* Locations within max_radius of centre c into s->cand, sorted. */
static size_t st_candidates(struct st_search *s, const struct st_model *m, size_t c)
{
	size_t k = 0;
	double r = s->p->max_radius;
	if (!s->grid) {
		for (size_t l = 0; l < m->nloc; l++)
			s->cand[k++] = (struct stats_keyed){
			    spatial_geo_dist(s->p->metric, m->lx[c], m->ly[c], m->lx[l], m->ly[l]),
			    l};
	} else {
		struct spatial_span sp[SPATIAL_GRID_SPANS];
		size_t ns = spatial_grid_near(s->grid, s->pts + (size_t)s->dim * c, sp);
		const size_t *order = spatial_grid_order(s->grid);
		for (size_t i = 0; i < ns; i++)
			for (size_t j = sp[i].start; j < sp[i].start + sp[i].count; j++) {
				size_t l = order[j];
				double d = spatial_geo_dist(s->p->metric, m->lx[c], m->ly[c],
							    m->lx[l], m->ly[l]);
				if (d <= r)
					s->cand[k++] = (struct stats_keyed){d, l};
			}
	}
	stats_keyed_sort(s->cand, k);
	return k;
}

/* How many candidates fit: whole groups of equal distance while the zone
 * holds at most max_share of the events. */
static size_t st_cut(const struct st_search *s, const struct st_model *m, size_t k)
{
	double cap = s->p->max_share * (double)m->n;
	size_t nz = 0, keep = 0;
	for (size_t i = 0; i < k;) {
		size_t j = i;
		size_t add = 0;
		while (j < k && s->cand[j].key == s->cand[i].key)
			add += m->loc_n[s->cand[j++].at];
		if ((double)(nz + add) > cap)
			break;
		nz += add;
		keep = i = j;
	}
	return keep;
}

static int st_model_neighbours(struct st_model *m, const struct stscan_params *p,
			       struct ts_error *err)
{
	struct st_search s = {.p = p};
	m->nb_off = malloc((m->nloc + 1) * sizeof *m->nb_off);
	int rc = m->nb_off ? st_search_open(&s, m) : TR_ERR_NOMEM;
	size_t used = 0;
	for (size_t c = 0; rc == TR_OK && c < m->nloc; c++) {
		m->nb_off[c] = used;
		size_t keep = st_cut(&s, m, st_candidates(&s, m, c));
		if (used + keep > ST_PAIRS_MAX) {
			rc = ts_fail(err, 0, "max_radius", "%s",
				     "more than 100000000 (centre, neighbour) pairs: lower the "
				     "maximum radius");
			break;
		}
		if (used + keep > s.cap) {
			size_t cap =
			    (used + keep) * 2 < ST_PAIRS_MAX ? (used + keep) * 2 : ST_PAIRS_MAX;
			if (tr_array_resize((void **)&m->nb_loc, cap, sizeof *m->nb_loc) ||
			    tr_array_resize((void **)&m->nb_dist, cap, sizeof *m->nb_dist)) {
				rc = TR_ERR_NOMEM;
				break;
			}
			s.cap = cap;
		}
		for (size_t i = 0; i < keep; i++) {
			m->nb_loc[used + i] = (uint32_t)s.cand[i].at;
			m->nb_dist[used + i] = s.cand[i].key;
		}
		used += keep;
	}
	if (rc == TR_OK)
		m->nb_off[m->nloc] = used;
	st_search_close(&s);
	return rc;
}

/* ---- one scan over all cylinders ---- */

static void st_scratch_free(struct st_scratch *s)
{
	free(s->slot), free(s->off), free(s->fill), free(s->days);
	free(s->zc), free(s->zd), free(s->gd);
}

static int st_scratch_init(struct st_scratch *s, const struct st_model *m)
{
	memset(s, 0, sizeof *s);
	s->slot = malloc(m->n * sizeof *s->slot);
	s->off = malloc((m->nloc + 1) * sizeof *s->off);
	s->fill = malloc((m->nloc + 1) * sizeof *s->fill);
	s->days = malloc(m->n * sizeof *s->days);
	s->zc = calloc((size_t)m->t, sizeof *s->zc);
	s->zd = malloc((size_t)m->t * sizeof *s->zd);
	s->gd = malloc(m->n * sizeof *s->gd);
	if (!s->slot || !s->off || !s->fill || !s->days || !s->zc || !s->zd || !s->gd) {
		st_scratch_free(s);
		return TR_ERR_NOMEM;
	}
	memcpy(s->slot, m->slot_loc, m->n * sizeof *s->slot);
	return TR_OK;
}

/* Replication r: the locations of the window slots are a uniform random
 * draw without replacement (a partial Fisher-Yates shuffle), which is the
 * permutation of days among events as far as any window can see. */
static void st_permute(const struct st_model *m, struct st_scratch *s, uint64_t seed, uint64_t r)
{
	memcpy(s->slot, m->slot_loc, m->n * sizeof *s->slot);
	st_rng_seed(s->rng, seed, r + 1);
	size_t stop = m->w_first > 0 ? m->w_first : 1;
	for (size_t j = m->n - 1; j >= stop; j--) {
		size_t k = (size_t)st_rng_below(s->rng, (uint64_t)j + 1);
		uint32_t tmp = s->slot[j];
		s->slot[j] = s->slot[k];
		s->slot[k] = tmp;
	}
}

/* The window days of every location, each list ascending. */
static void st_lists(const struct st_model *m, struct st_scratch *s)
{
	memset(s->off, 0, (m->nloc + 1) * sizeof *s->off);
	for (size_t j = m->w_first; j < m->n; j++)
		s->off[s->slot[j] + 1]++;
	for (size_t l = 0; l < m->nloc; l++)
		s->off[l + 1] += s->off[l];
	memcpy(s->fill, s->off, m->nloc * sizeof *s->fill);
	for (size_t j = m->w_first; j < m->n; j++)
		s->days[s->fill[s->slot[j]]++] = m->slot_day[j];
}

/* Scoring state of a scan. */
struct st_eval {
	const struct st_model *m;
	double best;	     /* the LLR to beat */
	struct st_best *rec; /* where to record a better cylinder, or NULL */
	size_t nz, nb_end;   /* the current zone */
};

/* Scores the cylinder (zone, [a, b]) holding c of the s window events.
 * c log(c / mu) bounds the LLR from above (the second term is negative),
 * so the one log call is made only when the cylinder may beat the best. */
static void st_score(struct st_eval *e, size_t c, size_t s, int32_t a, int32_t b)
{
	const struct st_model *m = e->m;
	const double *lg = m->lg;
	double n = (double)m->n, mu = (double)e->nz * (double)s / n;
	if (!((double)c > mu))
		return;
	double llr = (double)c * (lg[c] - lg[e->nz] - lg[s] + lg[m->n]);
	if (llr <= e->best)
		return;
	if (c < m->n)
		llr += (n - (double)c) * (lg[m->n - c] - log(n - mu));
	if (llr <= e->best)
		return;
	e->best = llr;
	if (e->rec)
		*e->rec = (struct st_best){llr, c, e->nz, s, e->nb_end, a, b};
}

static void st_zone_add(struct st_scratch *s, const int32_t *days, size_t k)
{
	for (size_t i = 0; i < k; i++) {
		int32_t d = days[i];
		if (s->zc[d]++ > 0)
			continue;
		size_t lo = 0, hi = s->nzd;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (s->zd[mid] < d)
				lo = mid + 1;
			else
				hi = mid;
		}
		memmove(s->zd + lo + 1, s->zd + lo, (s->nzd - lo) * sizeof *s->zd);
		s->zd[lo] = d;
		s->nzd++;
	}
}

/* Prospective windows [a, last day] that hold a day of the new group
 * (others are beaten by the smaller zone) and start on a zone day (others
 * are beaten by the shorter window). */
static void st_step_prospective(struct st_eval *e, struct st_scratch *s, int32_t gmax)
{
	const struct st_model *m = e->m;
	size_t c = 0;
	for (size_t i = s->nzd; i-- > 0;) {
		int32_t a = s->zd[i];
		c += (size_t)s->zc[a];
		if (a <= gmax)
			st_score(e, c, m->cum[m->t] - m->cum[a], a, m->t - 1);
	}
}

/* Retrospective windows [a, b]: a and b zone days, a new-group day inside. */
static void st_step_retrospective(struct st_eval *e, struct st_scratch *s, const int32_t *g,
				  size_t k)
{
	const struct st_model *m = e->m;
	size_t j = 0, gi = 0;
	while (j < s->nzd && s->zd[j] < g[0])
		j++;
	for (; j < s->nzd && s->zd[j] <= g[k - 1] + m->dmax - 1; j++) {
		int32_t b = s->zd[j];
		while (gi + 1 < k && g[gi + 1] <= b)
			gi++;
		size_t c = 0;
		for (size_t i = j + 1; i-- > 0 && s->zd[i] > b - m->dmax;) {
			int32_t a = s->zd[i];
			c += (size_t)s->zc[a];
			if (a <= g[gi])
				st_score(e, c, m->cum[b + 1] - m->cum[a], a, b);
		}
	}
}

static int st_int_cmp(const void *a, const void *b)
{
	int32_t p = *(const int32_t *)a, q = *(const int32_t *)b;
	return (p > q) - (p < q);
}

/* The window days of the locations nb_loc[i .. j), ascending. */
static const int32_t *st_group_days(const struct st_model *m, struct st_scratch *s, size_t i,
				    size_t j, size_t *k)
{
	if (j == i + 1) {
		uint32_t l = m->nb_loc[i];
		*k = s->off[l + 1] - s->off[l];
		return s->days + s->off[l];
	}
	size_t used = 0;
	for (size_t q = i; q < j; q++) {
		uint32_t l = m->nb_loc[q];
		size_t len = s->off[l + 1] - s->off[l];
		memcpy(s->gd + used, s->days + s->off[l], len * sizeof *s->gd);
		used += len;
	}
	qsort(s->gd, used, sizeof *s->gd, st_int_cmp);
	*k = used;
	return s->gd;
}

/* Every cylinder centred on location c, growing the zone group by group. */
static void st_centre(const struct st_model *m, struct st_scratch *s, size_t c, struct st_eval *e)
{
	e->nz = 0;
	for (size_t i = m->nb_off[c]; i < m->nb_off[c + 1];) {
		size_t j = i;
		while (j < m->nb_off[c + 1] && m->nb_dist[j] == m->nb_dist[i])
			e->nz += m->loc_n[m->nb_loc[j++]];
		size_t k;
		const int32_t *g = st_group_days(m, s, i, j, &k);
		e->nb_end = j;
		i = j;
		if (k == 0)
			continue;
		st_zone_add(s, g, k);
		if (m->prospective)
			st_step_prospective(e, s, g[k - 1]);
		else
			st_step_retrospective(e, s, g, k);
	}
	for (size_t i = 0; i < s->nzd; i++)
		s->zc[s->zd[i]] = 0;
	s->nzd = 0;
}

/* The largest LLR of the data in s (replication), or with best != NULL the
 * best cylinder of every centre (observed data). */
static double st_scan(const struct st_model *m, struct st_scratch *s, struct st_best *best)
{
	st_lists(m, s);
	struct st_eval e = {.m = m, .best = 0.0};
	double top = 0.0;
	for (size_t c = 0; c < m->nloc; c++) {
		if (best) {
			best[c] = (struct st_best){0};
			e.best = 0.0;
			e.rec = &best[c];
		}
		st_centre(m, s, c, &e);
		top = e.best > top ? e.best : top;
	}
	return top;
}

/* ---- replications on threads ---- */

struct st_pool {
	const struct st_model *m;
	const struct stscan_params *p;
	double *maxllr;	      /* per replication */
	pthread_mutex_t lock; /* guards done, rc and the progress callback */
	unsigned done;
	int rc;
};

struct st_worker {
	struct st_pool *pool;
	unsigned first; /* replications first, first + step, ... */
	unsigned step;
	pthread_t tid;
};

static void *st_worker_run(void *arg)
{
	struct st_worker *w = arg;
	struct st_pool *pool = w->pool;
	struct st_scratch s;
	int rc = st_scratch_init(&s, pool->m);
	for (unsigned r = w->first; rc == TR_OK && r < pool->p->replications; r += w->step) {
		st_permute(pool->m, &s, pool->p->seed, r);
		pool->maxllr[r] = st_scan(pool->m, &s, NULL);
		pthread_mutex_lock(&pool->lock);
		pool->done++;
		if (pool->p->progress)
			pool->p->progress(pool->p->progress_ctx, pool->done, pool->p->replications);
		pthread_mutex_unlock(&pool->lock);
	}
	if (rc == TR_OK)
		st_scratch_free(&s);
	pthread_mutex_lock(&pool->lock);
	if (rc != TR_OK)
		pool->rc = rc;
	pthread_mutex_unlock(&pool->lock);
	return NULL;
}

static int st_replicate(const struct st_model *m, const struct stscan_params *p, double *maxllr)
{
	struct st_pool pool = {.m = m, .p = p, .maxllr = maxllr, .done = 0, .rc = TR_OK};
	unsigned nt = p->threads < p->replications ? p->threads : p->replications;
	if (nt == 0)
		return TR_OK;
	struct st_worker *w = calloc(nt, sizeof *w);
	if (!w || pthread_mutex_init(&pool.lock, NULL) != 0) {
		free(w);
		return TR_ERR_NOMEM;
	}
	unsigned started = 0;
	for (unsigned i = 0; i < nt; i++) {
		w[i] = (struct st_worker){.pool = &pool, .first = i, .step = nt};
		if (i > 0 && pthread_create(&w[i].tid, NULL, st_worker_run, &w[i]) != 0)
			break;
		started = i + 1;
	}
	/* thread 0's share runs here; shares of threads that failed to start
	 * are picked up below, so the result never depends on the count */
	st_worker_run(&w[0]);
	for (unsigned i = 1; i < started; i++)
		pthread_join(w[i].tid, NULL);
	for (unsigned i = started; i < nt; i++)
		st_worker_run(&w[i]);
	pthread_mutex_destroy(&pool.lock);
	free(w);
	return pool.rc;
}

/* ---- clusters ---- */

static int st_double_cmp(const void *a, const void *b)
{
	double p = *(const double *)a, q = *(const double *)b;
	return (p > q) - (p < q);
}

static int st_size_cmp(const void *a, const void *b)
{
	size_t p = *(const size_t *)a, q = *(const size_t *)b;
	return (p > q) - (p < q);
}

/* p = (1 + replications with a max LLR >= llr) / (1 + replications). */
static double st_pvalue(const double *sorted, unsigned reps, double llr)
{
	if (reps == 0)
		return NAN;
	size_t lo = 0, hi = reps;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (sorted[mid] < llr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (double)(1 + reps - lo) / (double)(reps + 1);
}

/* Fills cluster q from the best cylinder of centre c; marks its locations. */
static int st_cluster_make(const struct st_model *m, size_t c, const struct st_best *b,
			   struct stscan_cluster *q)
{
	size_t first = m->nb_off[c];
	*q = (struct stscan_cluster){.x = m->lx[c],
				     .y = m->ly[c],
				     .radius = m->nb_dist[b->nb_end - 1],
				     .start = b->a + m->dmin,
				     .end = b->b + m->dmin,
				     .observed = b->c,
				     .expected = (double)b->nz * (double)b->s / (double)m->n,
				     .llr = b->llr};
	q->events = malloc((b->c ? b->c : 1) * sizeof *q->events);
	if (!q->events)
		return TR_ERR_NOMEM;
	for (size_t i = first; i < b->nb_end; i++) {
		uint32_t l = m->nb_loc[i];
		for (size_t k = m->loc_off[l]; k < m->loc_off[l + 1]; k++) {
			size_t ev = m->loc_ev[k];
			if (m->ev_day[ev] >= b->a && m->ev_day[ev] <= b->b && q->n_events < b->c)
				q->events[q->n_events++] = ev;
		}
	}
	qsort(q->events, q->n_events, sizeof *q->events, st_size_cmp);
	return TR_OK;
}

static int st_overlaps(const struct st_model *m, size_t c, const struct st_best *b,
		       const unsigned char *used)
{
	for (size_t i = m->nb_off[c]; i < b->nb_end; i++)
		if (used[m->nb_loc[i]])
			return 1;
	return 0;
}

static int st_clusters(const struct st_model *m, const struct stscan_params *p,
		       const struct st_best *best, double *maxllr, struct stscan_result *out)
{
	struct stats_keyed *rank = malloc(m->nloc * sizeof *rank);
	unsigned char *used = calloc(m->nloc, 1);
	size_t limit = p->max_clusters ? p->max_clusters : m->nloc;
	out->clusters = calloc(limit < m->nloc ? limit : m->nloc, sizeof *out->clusters);
	int rc = rank && used && out->clusters ? TR_OK : TR_ERR_NOMEM;
	size_t nr = 0;
	for (size_t c = 0; rc == TR_OK && c < m->nloc; c++)
		if (best[c].llr > 0.0)
			rank[nr++] = (struct stats_keyed){-best[c].llr, c}; /* strongest first */
	if (rc == TR_OK) {
		stats_keyed_sort(rank, nr);
		qsort(maxllr, p->replications, sizeof *maxllr, st_double_cmp);
	}
	for (size_t i = 0; rc == TR_OK && i < nr && out->n < limit; i++) {
		const struct st_best *b = &best[rank[i].at];
		if (st_overlaps(m, rank[i].at, b, used))
			continue;
		struct stscan_cluster *q = &out->clusters[out->n];
		rc = st_cluster_make(m, rank[i].at, b, q);
		if (rc != TR_OK)
			break;
		q->p = st_pvalue(maxllr, p->replications, b->llr);
		out->n++;
		for (size_t k = m->nb_off[rank[i].at]; k < b->nb_end; k++)
			used[m->nb_loc[k]] = 1;
	}
	free(rank);
	free(used);
	return rc;
}

/* ---- entry points ---- */

static int st_model_build(struct st_model *m, const double *x, const double *y, const int32_t *day,
			  size_t n, const struct stscan_params *p, struct ts_error *err)
{
	memset(m, 0, sizeof *m);
	m->n = n;
	m->prospective = p->prospective != 0;
	int rc = st_model_locations(m, x, y);
	if (rc == TR_OK)
		rc = st_model_days(m, day, p);
	if (rc == TR_OK)
		rc = st_model_logs(m);
	if (rc == TR_OK)
		rc = st_model_neighbours(m, p, err);
	return rc;
}

/* The observed scan: the best cylinder of every centre. */
static int st_observe(const struct st_model *m, struct st_best *best)
{
	struct st_scratch s;
	int rc = st_scratch_init(&s, m);
	if (rc != TR_OK)
		return rc;
	st_scan(m, &s, best);
	st_scratch_free(&s);
	return TR_OK;
}

int stscan_run(const double *x, const double *y, const int32_t *day, size_t n,
	       const struct stscan_params *params, struct stscan_result *out, struct ts_error *err)
{
	memset(out, 0, sizeof *out);
	int rc = st_check_params(params, err);
	if (rc == TR_OK)
		rc = st_check_events(x, y, day, n, params->metric, err);
	if (rc != TR_OK)
		return rc;
	struct st_model m;
	rc = st_model_build(&m, x, y, day, n, params, err);
	struct st_best *best = rc == TR_OK ? malloc(m.nloc * sizeof *best) : NULL;
	double *maxllr = rc == TR_OK ? malloc((params->replications + 1) * sizeof *maxllr) : NULL;
	if (rc == TR_OK && (!best || !maxllr))
		rc = TR_ERR_NOMEM;
	if (rc == TR_OK)
		rc = st_observe(&m, best);
	if (rc == TR_OK)
		rc = st_replicate(&m, params, maxllr);
	if (rc == TR_OK)
		rc = st_clusters(&m, params, best, maxllr, out);
	if (rc == TR_OK) {
		out->locations = m.nloc;
		out->cylinders = m.nb_off[m.nloc];
	}
	if (rc != TR_OK)
		stscan_result_free(out);
	if (rc == TR_ERR_NOMEM)
		ts_fail(err, 0, "", "%s", "out of memory");
	free(best);
	free(maxllr);
	st_model_free(&m);
	return rc;
}

void stscan_result_free(struct stscan_result *r)
{
	for (size_t i = 0; r->clusters && i < r->n; i++)
		free(r->clusters[i].events);
	free(r->clusters);
	memset(r, 0, sizeof *r);
}
