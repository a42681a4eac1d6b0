// A Leaflet map of country shapes (world-atlas, Natural Earth: 1:110m with
// the smallest States from 1:50m below country zoom, 1:50m from there) on a
// plain background, offline: OSCE participating States and Partners for
// Co-operation are highlighted. Where the deployment has street tiles
// (TRELLIS_TILES) they are drawn under the shapes. Loaded only by the pages
// that show it.
import { html, useEffect, useLayoutEffect, useRef, useState } from './lib.js';
import { remember, outcome } from './components.js';
import { fetchFirst } from './api.js';
import { t, countryName } from './i18n.js';
import { navigate } from './router.js';
import { PlaceSearch, placeZoom } from './place-search.js';
import { drawLight } from './map-light.js';
import { unwrap } from './geo.js';

// world-atlas names shapes by ISO 3166-1 numeric code; the API uses alpha-2.
// Covers the States and Partners of data/osce_countries.csv.
export const NUMERIC = {
  AL: '008', AD: '020', AM: '051', AT: '040', AZ: '031', BE: '056', BY: '112', BA: '070',
  BG: '100', CA: '124', HR: '191', CY: '196', CZ: '203', DK: '208', EE: '233', FI: '246',
  FR: '250', GE: '268', DE: '276', GR: '300', VA: '336', HU: '348', IS: '352', IE: '372',
  IT: '380', KZ: '398', KG: '417', LV: '428', LI: '438', LT: '440', LU: '442', MT: '470',
  MD: '498', MC: '492', MN: '496', ME: '499', NL: '528', MK: '807', NO: '578', PL: '616',
  PT: '620', RO: '642', RU: '643', SM: '674', RS: '688', SK: '703', SI: '705', ES: '724',
  SE: '752', CH: '756', TJ: '762', TR: '792', TM: '795', UA: '804', GB: '826', US: '840',
  UZ: '860', AF: '004', AU: '036', JP: '392', KR: '410', TH: '764', DZ: '012', EG: '818',
  IL: '376', JO: '400', MA: '504', TN: '788',
};

const ALPHA2 = Object.fromEntries(Object.entries(NUMERIC).map(([a, n]) => [n, a]));

function inRing(ring, x, y) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function polygons(feature) {
  const g = feature.geometry;
  if (!g) return [];
  return g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
}

/** The ISO alpha-2 code of the State or Partner at a point, or null. */
export async function countryAt(lat, lon) {
  const features = await loadDetail();
  for (const f of features) {
    if (!ALPHA2[f.id]) continue;
    for (const poly of polygons(f)) {
      // a ring unwrapped across the antimeridian may run past 180
      const hit = (x) => inRing(poly[0], x, lat) && !poly.slice(1).some((hole) => inRing(hole, x, lat));
      if (hit(lon) || hit(lon + 360) || hit(lon - 360)) return ALPHA2[f.id];
    }
  }
  return null;
}

/** [[south, west], [north, east]] around a State's largest part, or null. */
export async function countryBounds(iso2) {
  const features = await loadDetail();
  const f = features.find((x) => x.id === NUMERIC[iso2]);
  if (!f) return null;
  // the largest polygon: overseas parts would zoom France out to the world
  let best = null;
  let area = -1;
  for (const poly of polygons(f)) {
    const xs = poly[0].map((p) => p[0]);
    const ys = poly[0].map((p) => p[1]);
    const b = [[Math.min(...ys), Math.min(...xs)], [Math.max(...ys), Math.max(...xs)]];
    const a = (b[1][0] - b[0][0]) * (b[1][1] - b[0][1]);
    if (a > area) { area = a; best = b; }
  }
  return best;
}

const STYLE = {
  participating_state: { fillColor: '#2b6cb0', fillOpacity: 0.85 },
  asian_partner: { fillColor: '#48a38a', fillOpacity: 0.85 },
  mediterranean_partner: { fillColor: '#48a38a', fillOpacity: 0.85 },
  other: { fillColor: '#d9dee5', fillOpacity: 1 },
};

let streets = null;
/**
 * The deployment's street tiles (GET /api/v1/map, TRELLIS_TILES): null when
 * there are none or they cannot be read (the outlines stay, offline);
 * else { type, url } and for PMTiles the open archive and its header.
 */
export function loadStreets() {
  if (!streets) {
    streets = remember(fetchFirst('/api/v1/map')
      .then((r) => (r.ok ? r.json() : { tiles: null }))
      .then(async ({ tiles }) => {
        if (!tiles || tiles.type !== 'pmtiles') return tiles || null;
        const { PMTiles } = await import('../vendor/pmtiles.js');
        const archive = new PMTiles(tiles.url);
        return { ...tiles, archive, header: await archive.getHeader() };
      })
      .catch(() => null));
  }
  return streets;
}

// A PMTiles archive as a Leaflet layer: each tile is decoded into a canvas
// (no blob: or data: image, so the page's policy needs nothing more).
function pmtilesLayer(L, { archive, header }) {
  const Layer = L.GridLayer.extend({
    createTile(c, done) {
      const tile = document.createElement('canvas');
      const size = this.getTileSize();
      tile.width = size.x;
      tile.height = size.y;
      archive.getZxy(c.z, c.x, c.y)
        .then((got) => (got ? createImageBitmap(new Blob([got.data])) : null))
        .then((img) => {
          if (img) {
            tile.getContext('2d').drawImage(img, 0, 0, size.x, size.y);
            img.close();
            tile.dataset.drawn = '1';
          }
          done(null, tile);
        }, (e) => done(e, tile));
      return tile;
    },
  });
  return new Layer({ minNativeZoom: header.minZoom, maxNativeZoom: header.maxZoom, className: 'tiles-pmtiles' });
}

/**
 * Puts the street tiles under a map's shapes; answers whether there were
 * any (then the shapes are drawn as outlines and the map zooms further).
 */
export function addStreets(L, map, el, s) {
  if (!s) return false;
  const layer = s.type === 'xyz'
    ? L.tileLayer(s.url, { maxZoom: 19, className: 'tiles-xyz' })
    : pmtilesLayer(L, s);
  layer.addTo(map);
  if (s.attribution) {
    // the credit the tiles' licence asks for (TRELLIS_TILES_ATTRIBUTION):
    // text, which Leaflet would read as HTML
    const esc = s.attribution.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    L.control.attribution({ prefix: false }).addAttribution(esc).addTo(map);
  }
  map.setMaxZoom(STREET_ZOOM);
  el.dataset.tiles = s.type;
  return true;
}
/** How far a map with street tiles zooms in. */
export const STREET_ZOOM = 18;

let overview = null;
/** The overview shapes (scripts/map-overview.mjs), loaded once. */
export function loadOverview() {
  if (!overview) {
    overview = remember(fetchFirst('/vendor/countries-overview.json').then((r) => {
      if (!r.ok) throw new Error('map shapes');
      return r.json();
    }).then((world) => world.features)); // unwrapped already (scripts/map-overview.mjs)
    overview.catch(() => { overview = null; });
  }
  return overview;
}

let shapes = null;
/**
 * Leaflet, the overview shapes (scripts/map-overview.mjs: a tenth of the
 * points of 1:50m, which is what a page's first map needs) and the street
 * tiles, loaded once.
 */
export function loadShapes() {
  if (!shapes) {
    shapes = Promise.all([import('../vendor/leaflet.esm.js'), loadOverview(), loadStreets()])
      .then(([L, features, street]) => ({ L, street, features }));
    shapes.catch(() => { shapes = null; });
  }
  return shapes;
}

let detail = null;
/** The 1:50m country features, loaded on first need (country zoom, a point's country). */
export function loadDetail() {
  if (!detail) {
    detail = Promise.all([
      import('../vendor/topojson-client/feature.js'), // only feature(): 4 modules, not 13
      // feature()'s own imports, asked for now rather than once it is read
      import('../vendor/topojson-client/reverse.js'),
      import('../vendor/topojson-client/transform.js'),
      import('../vendor/topojson-client/identity.js'),
      fetch('/vendor/countries-50m.json').then((r) => {
        if (!r.ok) throw new Error('map shapes');
        return r.json();
      }),
    ]).then(([topo, , , , world]) => topo.default(world, world.objects.countries).features.map(unwrap));
    detail.catch(() => { detail = null; });
  }
  return detail;
}

/** A Leaflet map on el with its zoom buttons in the page's language. */
export function newMap(L, el, options) {
  const map = L.map(el, { ...options, zoomControl: false });
  L.control.zoom({ zoomInTitle: t('map.zoom_in'), zoomOutTitle: t('map.zoom_out') }).addTo(map);
  return map;
}

/** From this zoom the 1:50m shapes are drawn (at 4, a pixel is about 10 km). */
export const DETAIL_ZOOM = 4;

/**
 * The country shapes of a map as one layer group: the overview features
 * below DETAIL_ZOOM, the 1:50m ones from there (loaded when first needed;
 * the overview stays until they are). options: L.geoJSON's, applied to
 * both; events of the shapes reach the group (e.propagatedFrom: the shape),
 * so a map listens once rather than once per shape. Answers the group;
 * group.shapeCount is the number of shapes drawn.
 */
export function countryShapes(L, map, overview, options) {
  const group = L.featureGroup().addTo(map);
  let level = null;
  const draw = (lvl, features) => {
    group.clearLayers();
    const layer = L.geoJSON(features, options).addTo(group);
    group.shapeCount = layer.getLayers().length;
    level = lvl;
    map.getContainer().dataset.shapes = lvl;
  };
  const update = () => {
    if (map.getZoom() < DETAIL_ZOOM) {
      if (level !== 'overview') draw('overview', overview);
      return;
    }
    if (level === 'detail') return;
    if (level === null) draw('overview', overview);
    loadDetail().then((features) => {
      if (level !== 'detail' && map.hasLayer(group) && map.getZoom() >= DETAIL_ZOOM) draw('detail', features);
    }, () => {});
  };
  update();
  map.on('zoomend', update);
  return group;
}

// The first view of a map of countries: the OSCE area.
const VIEW = [[24, -126], [72, 148]];

/** A State's shape (c: its country, or none) over outlines or street tiles (over). */
function shapeStyle(c, over) {
  const look = STYLE[c ? c.osce_status : 'other'];
  return {
    ...look, ...(over ? { fillOpacity: c ? 0.2 : 0, color: '#1a365d' } : { color: '#ffffff' }),
    weight: 0.6, className: c ? 'osce-country' : 'other-country',
  };
}

/** A State's tooltip: its name and its status. */
function countryTip(c) {
  const box = document.createElement('span');
  const name = document.createElement('strong');
  name.textContent = countryName(c);
  box.append(name, document.createElement('br'), t(`osce_status.${c.osce_status}`));
  return box;
}

/** The points of the shown layers, as both views draw them. */
function pointList(layers, shown) {
  const out = [];
  for (const lyr of layers) {
    if (shown && !shown.includes(lyr.id)) continue;
    for (const p of lyr.points) {
      out.push({ lat: p.lat, lon: p.lon, href: p.href, className: `mark mark-${lyr.id}`,
        title: p.label ? `${lyr.label}: ${p.label}` : lyr.label });
    }
  }
  return out;
}

/**
 * The map; `countries` is the API's list; clicking a State opens its
 * organisations. layers: [{ id, label, points: [{ lat, lon, label, href }] }]
 * drawn on top as points of class mark-<id>; shown: the ids to draw.
 * light: the first view is drawn without Leaflet (map-light.js) where there
 * are no street tiles, and Leaflet takes over at the first zoom, drag or
 * place chosen (the dashboard, whose first render users wait for).
 */
export function CountryMap({ countries, lang, layers = null, shown = null, light = false }) {
  const el = useRef(null);
  const state = useRef({});
  const lightView = useRef(null); // the light view while it is drawn
  const action = useRef(null); // what to do on the real map once it is made
  const [full, setFull] = useState(!light);
  const [failed, setFailed] = useState(false);
  const [ready, setReady] = useState(0);
  const byNumeric = () => {
    const m = new Map();
    for (const c of countries || []) if (NUMERIC[c.iso2]) m.set(NUMERIC[c.iso2], c);
    return m;
  };
  const drawn = useRef(null); // the points drawn: { layers, shown }
  const drawPoints = () => {
    const list = pointList(layers, shown);
    drawn.current = { layers, shown: shown && shown.join(',') };
    return list;
  };
  // the light view, until the real map is wanted; drawn before the page is
  // first painted when its shapes are here already (the dashboard's first
  // render: main.js waits for them), with its points when they are too
  useLayoutEffect(() => {
    if (full) return undefined;
    let live = true;
    let observer = null;
    const countryOf = byNumeric();
    const draw = (features) => {
      if (lightView.current) lightView.current.destroy();
      const view = drawLight(el.current, {
        bounds: VIEW,
        shapes: features.map((f) => {
          const c = countryOf.get(f.id);
          const style = shapeStyle(c, false);
          return { rings: polygons(f).flat(), className: style.className, style, data: c || null };
        }),
        tooltip: (c) => c && countryTip(c),
        onClick: (c, href) => navigate(c ? `/organisations?country=${c.iso2}` : href),
        onUpgrade: (act) => {
          action.current = act;
          setFull(true);
        },
      });
      lightView.current = view;
      return view;
    };
    const show = ([features, street]) => {
      if (!live || !el.current) return;
      if (street) { // tiles are drawn by Leaflet
        setFull(true);
        return;
      }
      const view = draw(features);
      el.current.dataset.shapes = 'overview';
      el.current.dataset.ready = String(view.shapeCount);
      if (layers) el.current.dataset.points = String(view.setPoints(drawPoints()));
      setReady((n) => n + 1);
      observer = new ResizeObserver(() => {
        const v = lightView.current;
        if (!v || !el.current || (el.current.clientWidth === v.width && el.current.clientHeight === v.height)) return;
        draw(features).setPoints(v.points);
      });
      observer.observe(el.current);
    };
    const [shapes, street] = [outcome(loadOverview()), outcome(loadStreets())];
    if (shapes && street && !shapes.error) show([shapes.data, street.data]);
    else Promise.all([loadOverview(), loadStreets()]).then(show, () => live && setFailed(true));
    return () => {
      live = false;
      if (observer) observer.disconnect();
      // handed over: the light view stays until the real map is drawn
      if (!action.current && lightView.current) {
        lightView.current.destroy();
        lightView.current = null;
      }
      if (el.current) delete el.current.dataset.ready;
    };
  }, [countries, lang, full]);
  useEffect(() => {
    if (!full) return undefined;
    let map = null;
    let observer = null;
    let live = true;
    const countryOf = byNumeric();
    loadShapes().then(({ L, features, street }) => {
      if (!live || !el.current) return;
      if (lightView.current) {
        lightView.current.destroy();
        lightView.current = null;
      }
      map = newMap(L, el.current, {
        attributionControl: false, zoomSnap: 0.25, minZoom: 1, maxZoom: 7,
        worldCopyJump: false, maxBounds: [[-85, -220], [85, 220]],
      });
      // over streets the States are tinted, not painted over
      // the view first: shapes added to a map with a view are drawn once,
      // not again for its reset, zoom and move
      map.fitBounds(VIEW);
      const over = addStreets(L, map, el.current, street);
      const layer = countryShapes(L, map, features, { style: (f) => shapeStyle(countryOf.get(f.id), over) });
      // one tooltip and one set of listeners for every State and point
      const tip = L.tooltip({ direction: 'top', offset: [0, -6] });
      const show = (e, content) => tip.setContent(content).setLatLng(e.latlng).openOn(map);
      const country = (e) => countryOf.get((e.propagatedFrom.feature || {}).id);
      layer.on({
        mouseover: (e) => {
          const c = country(e);
          if (!c) return;
          e.propagatedFrom.setStyle({ weight: 2, color: '#1a202c' });
          show(e, countryTip(c));
        },
        mousemove: (e) => country(e) && tip.setLatLng(e.latlng),
        mouseout: (e) => {
          if (!country(e)) return;
          e.propagatedFrom.setStyle({ weight: 0.6, color: over ? '#1a365d' : '#ffffff' });
          tip.close();
        },
        click: (e) => {
          const c = country(e);
          if (c) navigate(`/organisations?country=${c.iso2}`);
        },
      });
      const overlay = L.featureGroup().addTo(map);
      overlay.on({
        mouseover: (e) => show(e, e.propagatedFrom.options.title),
        mousemove: (e) => tip.setLatLng(e.latlng),
        mouseout: () => tip.close(),
        click: (e) => e.propagatedFrom.options.href && navigate(e.propagatedFrom.options.href),
      });
      state.current = { L, map, overlay };
      if (action.current) {
        const act = action.current;
        action.current = null;
        act(map);
      }
      el.current.dataset.ready = String(layer.shapeCount);
      setReady((n) => n + 1);
      observer = new ResizeObserver(() => map && map.invalidateSize());
      observer.observe(el.current);
    }, () => live && setFailed(true));
    return () => {
      live = false;
      state.current = {};
      // the element stays: it is not ready again until the new map is
      if (el.current) delete el.current.dataset.ready;
      if (observer) observer.disconnect();
      if (map) map.remove();
    };
  }, [countries, lang, full]);
  // the layers of points, redrawn when they or the choice of layers change
  useEffect(() => {
    if (!ready || !layers) return;
    const now = drawn.current;
    if (lightView.current && now && now.layers === layers && now.shown === (shown && shown.join(','))) return;
    const list = drawPoints();
    if (lightView.current) {
      el.current.dataset.points = String(lightView.current.setPoints(list));
      return;
    }
    const { L, overlay } = state.current;
    if (!overlay) return;
    overlay.clearLayers();
    for (const p of list) {
      L.circleMarker([p.lat, p.lon], { radius: 5, weight: 1.5, className: p.className, title: p.title, href: p.href })
        .addTo(overlay);
    }
    el.current.dataset.points = String(list.length);
  }, [ready, layers, shown && shown.join(',')]);
  // a place chosen in the search: zoom there (the outlines allow zoom 7 at
  // most, street tiles more); before the real map is made, once it is
  function goTo(p) {
    const go = (map) => {
      map.setView([p.lat, p.lon], Math.min(placeZoom(p.population), map.getMaxZoom()), { animate: false });
      el.current.dataset.place = p.name;
    };
    if (state.current.map) go(state.current.map);
    else {
      action.current = go;
      setFull(true);
    }
  }
  return html`
    <div class="map-frame">
      <${PlaceSearch} onChoose=${goTo} />
      <div class="map" ref=${el} role="region" aria-label=${t('map.label')}></div>
      ${failed && html`<p class="alert alert-error" role="alert">${t('map.failed')}</p>`}
      <ul class="legend" aria-label=${t('map.legend')}>
        ${(layers || []).map((l) => html`<li key=${l.id}><span class=${`swatch swatch-dot swatch-${l.id}`} aria-hidden="true"></span>${l.label}</li>`)}
        <li><span class="swatch swatch-ps" aria-hidden="true"></span>${t('map.participating')}</li>
        <li><span class="swatch swatch-partner" aria-hidden="true"></span>${t('map.partners')}</li>
        <li><span class="swatch swatch-other" aria-hidden="true"></span>${t('map.other_country')}</li>
      </ul>
      <p class="map-credit">${t('map.credit')}</p>
    </div>`;
}
