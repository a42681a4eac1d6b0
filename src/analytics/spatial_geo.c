#include "analytics/spatial_geo.h"

#include <float.h>
#include <math.h>

#define GEO_FLATTENING (1.0 / 298.257223563)
#define GEO_DEG (M_PI / 180.0)

static double geo_sq(double v)
{
	return v * v;
}

/* Lambert-Andoyer: the spherical distance on a sphere of the equatorial
 * radius, corrected to first order in the flattening. The two early
 * returns reproduce sp's gcdist, so that coincident points (and the same
 * point written as longitude 180 and -180) are at distance exactly 0. */
double spatial_geo_km(double lon1, double lat1, double lon2, double lat2)
{
	if (fabs(lat1 - lat2) < DBL_EPSILON) {
		if (fabs(lon1 - lon2) < DBL_EPSILON)
			return 0.0;
		if (fabs(fabs(lon1) + fabs(lon2) - 360.0) < DBL_EPSILON)
			return 0.0;
	}
	double f = (lat1 + lat2) * GEO_DEG / 2.0;
	double g = (lat1 - lat2) * GEO_DEG / 2.0;
	double l = (lon1 - lon2) * GEO_DEG / 2.0;
	double sg = geo_sq(sin(g)), cg = geo_sq(cos(g));
	double sf = geo_sq(sin(f)), cf = geo_sq(cos(f));
	double sl = geo_sq(sin(l)), cl = geo_sq(cos(l));
	double s = sg * cl + cf * sl;
	double c = cg * cl + sf * sl;
	if (s <= 0.0)
		return 0.0;
	if (c <= 0.0)
		return M_PI * SPATIAL_GEO_A_KM;
	double w = atan(sqrt(s / c));
	double r = sqrt(s * c) / w;
	double d = 2.0 * w * SPATIAL_GEO_A_KM;
	double h1 = (3.0 * r - 1.0) / (2.0 * c);
	double h2 = (3.0 * r + 1.0) / (2.0 * s);
	return d * (1.0 + GEO_FLATTENING * h1 * sf * cg - GEO_FLATTENING * h2 * cf * sg);
}

void spatial_geo_unit(double lon, double lat, double out[3])
{
	double la = lat * GEO_DEG, lo = lon * GEO_DEG;
	out[0] = cos(la) * cos(lo);
	out[1] = cos(la) * sin(lo);
	out[2] = sin(la);
}

double spatial_geo_dist(enum spatial_metric metric, double x1, double y1, double x2, double y2)
{
	if (metric == SPATIAL_HAVERSINE)
		return spatial_geo_km(x1, y1, x2, y2);
	return sqrt(geo_sq(x1 - x2) + geo_sq(y1 - y2));
}
