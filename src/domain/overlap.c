#include "domain/overlap.h"
#include "core/err.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS 86400000.0
#define EARTH_KM 6371.0088
/* km per degree of latitude, rounded down so the grid search never stops
 * short of a circle it should reach */
#define KM_PER_DEG 111.0

double overlap_km(double lat1, double lon1, double lat2, double lon2)
{
	double p1 = lat1 * M_PI / 180, p2 = lat2 * M_PI / 180;
	double dp = p2 - p1, dl = (lon2 - lon1) * M_PI / 180;
	double h = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);
	return 2 * EARTH_KM * asin(fmin(1.0, sqrt(h)));
}

int overlap_cell(double deg, double offset)
{
	return (int)floor((deg + offset) / OVERLAP_CELL_DEG);
}

__attribute__((format(printf, 3, 4))) static void reason(struct overlap_result *r, const char *kind,
							 const char *fmt, ...)
{
	if (r->nreasons >= OVERLAP_REASONS)
		return;
	va_list ap;
	va_start(ap, fmt);
	r->reasons[r->nreasons].kind = kind;
	r->reasons[r->nreasons].code = kind;
	r->reasons[r->nreasons].nparams = 0;
	vsnprintf(r->reasons[r->nreasons].detail, sizeof(r->reasons[0].detail), fmt, ap);
	va_end(ap);
	r->nreasons++;
}

/* The code and values of the reason last added. */
static void why(struct overlap_result *r, const char *code)
{
	if (r->nreasons > 0)
		r->reasons[r->nreasons - 1].code = code;
}

static void why_num(struct overlap_result *r, const char *name, double v)
{
	if (r->nreasons <= 0 || r->reasons[r->nreasons - 1].nparams >= 5)
		return;
	int k = r->reasons[r->nreasons - 1].nparams++;
	r->reasons[r->nreasons - 1].params[k].name = name;
	r->reasons[r->nreasons - 1].params[k].text[0] = '\0';
	r->reasons[r->nreasons - 1].params[k].num = v;
}

static void why_str(struct overlap_result *r, const char *name, const char *v)
{
	if (r->nreasons <= 0 || r->reasons[r->nreasons - 1].nparams >= 5)
		return;
	int k = r->reasons[r->nreasons - 1].nparams++;
	r->reasons[r->nreasons - 1].params[k].name = name;
	snprintf(r->reasons[r->nreasons - 1].params[k].text, sizeof(r->reasons[0].params[0].text),
		 "%s", v && *v ? v : "-");
	r->reasons[r->nreasons - 1].params[k].num = 0;
}

/* Administrative codes: equal, or one a parent of the other (P-codes grow
 * by two or more characters per level, so "AT1" contains "AT101" but
 * "AT-1" is not a parent of "AT-10"). */
static double admin_match(const char *a, const char *b)
{
	if (strcmp(a, b) == 0)
		return 1.0;
	size_t la = strlen(a), lb = strlen(b);
	const char *s = la < lb ? a : b, *l = la < lb ? b : a;
	size_t ls = la < lb ? la : lb, ll = la < lb ? lb : la;
	return ls > 0 && ll - ls >= 2 && strncmp(s, l, ls) == 0 ? 0.75 : 0;
}

static int area_check(const struct overlap_act *a, const struct overlap_act *b,
		      struct overlap_result *r)
{
	r->distance_km = -1;
	if (a->has_point && b->has_point) {
		double d = overlap_km(a->lat, a->lon, b->lat, b->lon);
		/* circles that only touch are adjacent, not overlapping */
		if (!(d < a->radius_km + b->radius_km))
			return 0;
		double small = fmin(a->radius_km, b->radius_km);
		double depth = (a->radius_km + b->radius_km - d) / (2 * fmax(small, 1e-9));
		r->area = fmin(1.0, fmax(depth, 0.01));
		r->distance_km = d;
		reason(r, "area", "circles %.1f km apart intersect (radii %.1f and %.1f km)", d,
		       a->radius_km, b->radius_km);
		why(r, "circles_intersect");
		why_num(r, "km", round(d * 10) / 10);
		why_num(r, "radius_a", a->radius_km);
		why_num(r, "radius_b", b->radius_km);
		return 1;
	}
	if (!a->admin_code || !b->admin_code || !*a->admin_code || !*b->admin_code)
		return 0;
	double m = admin_match(a->admin_code, b->admin_code);
	if (m <= 0)
		return 0;
	r->area = m;
	if (m == 1.0) {
		reason(r, "area", "same administrative area %s", a->admin_code);
		why(r, "same_admin_area");
		why_str(r, "area", a->admin_code);
	} else {
		reason(r, "area", "administrative areas %s and %s nest", a->admin_code,
		       b->admin_code);
		why(r, "admin_areas_nest");
		why_str(r, "area_a", a->admin_code);
		why_str(r, "area_b", b->admin_code);
	}
	return 1;
}

/* Half-open periods: one ending when the other starts do not overlap. */
static int period_check(const struct overlap_act *a, const struct overlap_act *b,
			struct overlap_result *r)
{
	int64_t lo = a->start > b->start ? a->start : b->start;
	int64_t hi = a->end < b->end ? a->end : b->end;
	if (hi <= lo)
		return 0;
	if (a->end == OVERLAP_OPEN && b->end == OVERLAP_OPEN) {
		r->period = 1.0;
		reason(r, "period", "both periods are open-ended");
		why(r, "both_open_ended");
		return 1;
	}
	double la = a->end == OVERLAP_OPEN ? INFINITY : (double)(a->end - a->start);
	double lb = b->end == OVERLAP_OPEN ? INFINITY : (double)(b->end - b->start);
	double shorter = fmax(fmin(la, lb), 1.0);
	r->period = fmin(1.0, (double)(hi - lo) / shorter);
	reason(r, "period", "periods share %.0f days (%.0f%% of the shorter)",
	       ceil((double)(hi - lo) / DAY_MS), 100 * r->period);
	why(r, "periods_share");
	why_num(r, "days", ceil((double)(hi - lo) / DAY_MS));
	why_num(r, "percent", round(100 * r->period));
	return 1;
}

static int target_check(const struct overlap_act *a, const struct overlap_act *b,
			struct overlap_result *r)
{
	int lo = a->age_min > b->age_min ? a->age_min : b->age_min;
	int hi = a->age_max < b->age_max ? a->age_max : b->age_max;
	if (hi < lo)
		return 0;
	if (!a->setting || !b->setting || strcmp(a->setting, b->setting) != 0)
		return 0;
	const char *ga = a->gender ? a->gender : "all", *gb = b->gender ? b->gender : "all";
	double gender;
	if (strcmp(ga, gb) == 0)
		gender = 1.0;
	else if (strcmp(ga, "all") == 0 || strcmp(gb, "all") == 0)
		gender = 0.5;
	else
		return 0;
	int sa = a->age_max - a->age_min + 1, sb = b->age_max - b->age_min + 1;
	double age = (double)(hi - lo + 1) / (sa < sb ? sa : sb);
	r->target = (fmin(age, 1.0) + gender) / 2;
	reason(r, "target", "ages %d to %d in common, genders %s and %s, setting %s", lo, hi, ga,
	       gb, a->setting);
	why(r, "same_target");
	why_num(r, "age_min", lo);
	why_num(r, "age_max", hi);
	why_str(r, "gender_a", ga);
	why_str(r, "gender_b", gb);
	why_str(r, "setting", a->setting);
	return 1;
}

int overlap_check(const struct overlap_act *a, const struct overlap_act *b,
		  struct overlap_result *r)
{
	memset(r, 0, sizeof(*r));
	if (!a->org_id || !b->org_id || strcmp(a->org_id, b->org_id) == 0)
		return 0;
	if (!a->type || !b->type || strcmp(a->type, b->type) != 0)
		return 0;
	if (!area_check(a, b, r) || !period_check(a, b, r) || !target_check(a, b, r))
		return 0;
	reason(r, "type", "same type %s", a->type);
	why(r, "same_type");
	why_str(r, "type", a->type);
	double s = 0.4 * r->area + 0.3 * r->period + 0.3 * r->target;
	r->score = round(s * 1000) / 1000;
	return 1;
}

int overlap_pairs_naive(const struct overlap_act *acts, size_t n, overlap_fn fn, void *ctx)
{
	struct overlap_result r;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (overlap_check(&acts[i], &acts[j], &r))
				fn(ctx, i, j, &r);
	return TR_OK;
}

/* ---- the grid ---- */

struct slot {
	const struct overlap_act *a;
	size_t index;
	int cx, cy;
};

static int slot_cmp(const void *x, const void *y)
{
	const struct slot *a = x, *b = y;
	int c = strcmp(a->a->type, b->a->type);
	if (c)
		return c;
	if (a->cy != b->cy)
		return a->cy < b->cy ? -1 : 1;
	if (a->cx != b->cx)
		return a->cx < b->cx ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* First slot not before (type, cy, cx). */
static size_t slot_lower(const struct slot *s, size_t n, const char *type, int cy, int cx)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s[mid].a->type, type);
		if (!c)
			c = s[mid].cy != cy   ? (s[mid].cy < cy ? -1 : 1)
			    : s[mid].cx != cx ? (s[mid].cx < cx ? -1 : 1)
					      : 0;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void emit(const struct overlap_act *acts, size_t i, size_t j, overlap_fn fn, void *ctx)
{
	struct overlap_result r;
	size_t a = i < j ? i : j, b = i < j ? j : i;
	if (overlap_check(&acts[a], &acts[b], &r))
		fn(ctx, a, b, &r);
}

static void grid_pairs(const struct overlap_act *acts, struct slot *s, size_t n, overlap_fn fn,
		       void *ctx)
{
	for (size_t t0 = 0; t0 < n;) {
		/* one type at a time: its largest radius bounds the search */
		size_t t1 = t0;
		double rmax = 0;
		while (t1 < n && strcmp(s[t1].a->type, s[t0].a->type) == 0)
			rmax = fmax(rmax, s[t1++].a->radius_km);
		for (size_t k = t0; k < t1; k++) {
			const struct overlap_act *a = s[k].a;
			double reach = a->radius_km + rmax;
			double dlat = reach / KM_PER_DEG;
			double maxlat = fmin(fabs(a->lat) + dlat, 89.9);
			double dlon = fmin(reach / (KM_PER_DEG * cos(maxlat * M_PI / 180)), 360);
			int y0 = overlap_cell(a->lat - dlat, 90),
			    y1 = overlap_cell(a->lat + dlat, 90);
			int x0 = overlap_cell(a->lon - dlon, 180),
			    x1 = overlap_cell(a->lon + dlon, 180);
			for (int cy = y0; cy <= y1; cy++) {
				/* the slots of this type and row between x0 and x1 (the
				 * antimeridian is left out: no OSCE State spans it) */
				size_t p = slot_lower(s + t0, t1 - t0, a->type, cy, x0) + t0;
				for (; p < t1 && s[p].cy == cy && s[p].cx <= x1; p++)
					if (s[p].index > s[k].index)
						emit(acts, s[k].index, s[p].index, fn, ctx);
			}
		}
		t0 = t1;
	}
}

static int code_cmp(const void *x, const void *y)
{
	const struct slot *a = x, *b = y;
	int c = strcmp(a->a->type, b->a->type);
	return c ? c : strcmp(a->a->admin_code, b->a->admin_code);
}

/* Pairs decided by administrative codes: at least one side has no point.
 * Codes sorted by (type, code): the equal and longer codes follow a code,
 * its parents are found by searching each shorter prefix. */
static void admin_pairs(const struct overlap_act *acts, struct slot *s, size_t n, overlap_fn fn,
			void *ctx)
{
	qsort(s, n, sizeof(*s), code_cmp);
	for (size_t k = 0; k < n; k++) {
		const struct overlap_act *a = s[k].a;
		if (a->has_point)
			continue;
		/* equal or longer codes starting with a's */
		size_t len = strlen(a->admin_code);
		size_t p = k;
		while (p > 0 && strcmp(s[p - 1].a->type, a->type) == 0 &&
		       strcmp(s[p - 1].a->admin_code, a->admin_code) == 0)
			p--;
		for (; p < n && strcmp(s[p].a->type, a->type) == 0 &&
		       strncmp(s[p].a->admin_code, a->admin_code, len) == 0;
		     p++) {
			const struct overlap_act *b = s[p].a;
			if (p == k || (!b->has_point && strcmp(b->admin_code, a->admin_code) == 0 &&
				       s[p].index < s[k].index))
				continue; /* twins without points: counted from the lower index */
			emit(acts, s[k].index, s[p].index, fn, ctx);
		}
		/* strictly shorter codes that are parents of a's */
		for (size_t l = 1; l + 2 <= len; l++) {
			size_t lo = 0, hi = n;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				int c = strcmp(s[mid].a->type, a->type);
				if (!c) {
					c = strncmp(s[mid].a->admin_code, a->admin_code, l);
					if (!c && strlen(s[mid].a->admin_code) < l)
						c = -1;
					else if (!c && strlen(s[mid].a->admin_code) > l)
						c = 1;
				}
				if (c < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (; lo < n && strcmp(s[lo].a->type, a->type) == 0 &&
			       strlen(s[lo].a->admin_code) == l &&
			       strncmp(s[lo].a->admin_code, a->admin_code, l) == 0;
			     lo++)
				/* a parent without a point is met again from its own
				 * side among the longer codes: count it there */
				if (s[lo].a->has_point)
					emit(acts, s[k].index, s[lo].index, fn, ctx);
		}
	}
}

int overlap_pairs(const struct overlap_act *acts, size_t n, overlap_fn fn, void *ctx)
{
	struct slot *s = calloc(n ? n : 1, sizeof(*s));
	if (!s)
		return TR_ERR_NOMEM;
	size_t np = 0, na = 0;
	for (size_t i = 0; i < n; i++)
		if (acts[i].has_point && acts[i].type)
			s[np++] = (struct slot){&acts[i], i, overlap_cell(acts[i].lon, 180),
						overlap_cell(acts[i].lat, 90)};
	qsort(s, np, sizeof(*s), slot_cmp);
	grid_pairs(acts, s, np, fn, ctx);
	for (size_t i = 0; i < n; i++)
		if (acts[i].admin_code && *acts[i].admin_code && acts[i].type)
			s[na++] = (struct slot){&acts[i], i, 0, 0};
	admin_pairs(acts, s, na, fn, ctx);
	free(s);
	return TR_OK;
}
