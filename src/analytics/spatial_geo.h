/** Distances between points for the spatial methods (Gi*, space-time scan).
 * Pure functions, no state, thread-safe. */
#ifndef TR_ANALYTICS_SPATIAL_GEO_H
#define TR_ANALYTICS_SPATIAL_GEO_H

/** How distances between (x, y) points are measured. */
enum spatial_metric {
	SPATIAL_EUCLIDEAN, /* plane: x, y in any unit, distance in that unit */
	/* x = longitude, y = latitude in degrees, distance in km on the WGS-84
	 * ellipsoid by the Lambert-Andoyer formula: the distance R's sp/spdep
	 * use for longlat = TRUE (dnearneigh, spDists), so distance bands match
	 * R. Called "haversine" on the command line; it is not the spherical
	 * haversine formula, which differs from it by up to 0.5 %. */
	SPATIAL_HAVERSINE
};

/** WGS-84 equatorial radius in km, the scale of SPATIAL_HAVERSINE. */
#define SPATIAL_GEO_A_KM 6378.137

/** Distance in km between (lon1, lat1) and (lon2, lat2), degrees, on the
 * WGS-84 ellipsoid (Lambert-Andoyer). Exactly antipodal points, where the
 * formula is undefined, get half the equatorial circumference. */
double spatial_geo_km(double lon1, double lat1, double lon2, double lat2);

/** The point on the unit sphere for (lon, lat) in degrees, into out[3]. */
void spatial_geo_unit(double lon, double lat, double out[3]);

/** Distance between point i and j of planar or geographic coordinates. */
double spatial_geo_dist(enum spatial_metric metric, double x1, double y1, double x2, double y2);

#endif
