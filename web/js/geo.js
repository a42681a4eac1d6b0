// Shapes of countries as GeoJSON, in plain functions: the maps (map.js) and
// scripts/map-overview.mjs, which writes the overview shapes with them.

// Rings that cross the antimeridian (Russia's Chukotka, Fiji, Alaska's
// Aleutians) jump from +180 to -180; unwrap them so Leaflet does not draw a
// band across the whole map.
function unwrapRing(ring) {
  // most rings do not cross: keep them as they are (no copy to collect)
  let crosses = false;
  for (let i = 1; i < ring.length && !crosses; i++) crosses = Math.abs(ring[i][0] - ring[i - 1][0]) > 180;
  if (!crosses) return ring;
  let shift = 0;
  return ring.map(([lng, lat], i) => {
    if (i > 0) {
      const prev = ring[i - 1][0];
      if (lng - prev > 180) shift -= 360;
      else if (prev - lng > 180) shift += 360;
    }
    return [lng + shift, lat];
  });
}

/** A feature whose rings cross the antimeridian unwrapped (the others are the same arrays). */
export function unwrap(feature) {
  const g = feature.geometry;
  if (!g) return feature;
  let coords = g.coordinates;
  if (g.type === 'Polygon') coords = coords.map(unwrapRing);
  else if (g.type === 'MultiPolygon') coords = coords.map((poly) => poly.map(unwrapRing));
  return { ...feature, geometry: { ...g, coordinates: coords } };
}
