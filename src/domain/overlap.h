/** Overlap of prevention activities as pure functions: whether two
 * activities of different organisations cover the same place, time, type
 * and target group, with a score in [0, 1] and the reasons, and the pairs of
 * a set found through a grid (no all-pairs scan). No database, no JSON: the
 * rules of docs/overlaps.md, and nothing else. */
#ifndef TR_DOMAIN_OVERLAP_H
#define TR_DOMAIN_OVERLAP_H

#include <stddef.h>
#include <stdint.h>

/** Side of a grid cell in degrees (shared with the cell_x/cell_y columns). */
#define OVERLAP_CELL_DEG 0.5
/** An open end of a period. */
#define OVERLAP_OPEN INT64_MAX
#define OVERLAP_REASONS 6

/** The part of an activity the rules look at. Strings are borrowed. */
struct overlap_act {
	const char *id, *org_id, *type, *admin_code, *gender, *setting;
	int has_point;
	double lat, lon, radius_km;
	int64_t start, end; /* ms; [start, end), end OVERLAP_OPEN when open */
	int age_min, age_max;
};

struct overlap_result {
	double score;		     /* 0.4 area + 0.3 period + 0.3 target */
	double area, period, target; /* each in (0, 1] */
	double distance_km;	     /* between the points, or -1 */
	int nreasons;
	struct {
		const char *kind; /* "area", "period", "type", "target" */
		char detail[120];
		/* for people: a stable code and its values by name, which the
		 * web app words in the user's language */
		const char *code;
		int nparams;
		struct {
			const char *name;
			char text[40]; /* "" for a number */
			double num;
		} params[5];
	} reasons[OVERLAP_REASONS];
};

/** Great-circle distance in km. */
double overlap_km(double lat1, double lon1, double lat2, double lon2);
/** The grid cell index of a coordinate: offset 180 for longitudes, 90 for
 * latitudes. */
int overlap_cell(double deg, double offset);
/** 1 and *r filled when a and b overlap (different organisations, same
 * type, intersecting areas, overlapping periods, compatible target
 * groups); 0 otherwise. */
int overlap_check(const struct overlap_act *a, const struct overlap_act *b,
		  struct overlap_result *r /* OUT */);

/** Called once per overlapping pair (i < j as indices of the set). */
typedef void (*overlap_fn)(void *ctx, size_t i, size_t j, const struct overlap_result *r);
/** Every overlapping pair of acts[0..n): circles through a grid of
 * OVERLAP_CELL_DEG cells searched as far as the two largest radii reach,
 * admin areas through sorted codes. TR_OK or TR_ERR_NOMEM. */
int overlap_pairs(const struct overlap_act *acts, size_t n, overlap_fn fn, void *ctx);
/** The same pairs by checking all n(n-1)/2 of them (for tests and the
 * benchmark). */
int overlap_pairs_naive(const struct overlap_act *acts, size_t n, overlap_fn fn, void *ctx);

#endif
