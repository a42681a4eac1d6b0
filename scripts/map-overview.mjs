// Writes the maps' overview shapes, web/vendor/countries-overview.json: the
// countries of world-atlas at 1:110m, and at 1:50m those too small to be in
// it (Andorra, Liechtenstein, Malta, Monaco, San Marino, the Holy See...), as
// GeoJSON with coordinates to 0.01 degree. Drawn below country zoom, where a
// pixel is far wider than the 1:50m detail: a tenth of the points to read,
// project and paint. The 1:110m shapes are simplified further, keeping the
// half of their points that weigh most (topojson-simplify: neighbours keep
// one shared border, so no gap opens between them); at the overview's
// closest zoom the lost corners are under a pixel or two, and every point
// less is one the dashboard's first render does not project. Rings that
// cross the antimeridian are written unwrapped (web/js/geo.js), so the
// browser reads them as they are. Run by scripts/web-vendor from the npm
// packages.
// Usage: node scripts/map-overview.mjs NODE_MODULES OUT.json
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { unwrap } from '../web/js/geo.js';

const [nm, out] = process.argv.slice(2);
const { default: feature } = await import(pathToFileURL(join(nm, 'topojson-client/src/feature.js')).href);
const { presimplify, simplify, quantile } = await import(pathToFileURL(join(nm, 'topojson-simplify/src/index.js')).href);
const read = (name) => JSON.parse(readFileSync(join(nm, 'world-atlas', name), 'utf8'));
const KEEP = 0.5; // of the 1:110m points
const weighted = presimplify(read('countries-110m.json'));
const coarse = simplify(weighted, quantile(weighted, KEEP));
const fine = read('countries-50m.json');

const has = new Set(coarse.objects.countries.geometries.map((g) => g.id));
const small = {
  type: 'GeometryCollection',
  geometries: fine.objects.countries.geometries.filter((g) => !has.has(g.id)),
};
const round = (c) => (typeof c[0] === 'number'
  ? [Math.round(c[0] * 100) / 100, Math.round(c[1] * 100) / 100]
  : c.map(round));
const features = [
  ...feature(coarse, coarse.objects.countries).features,
  ...feature(fine, small).features,
].filter((f) => f.geometry)
  .map((f) => unwrap({ type: 'Feature', id: f.id, properties: {}, geometry: { type: f.geometry.type, coordinates: round(f.geometry.coordinates) } }));
writeFileSync(out, JSON.stringify({ type: 'FeatureCollection', features }));
