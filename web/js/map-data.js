// A map of records: the country shapes as a plain background (over the
// deployment's street tiles when it has them),
// some countries highlighted, and layers of points, circles and cells on top.
// With onPick, a click (or Enter on the focused map, at its centre) picks a
// point, shown by a marker.
import { html, useEffect, useRef, useState } from './lib.js';
import { t } from './i18n.js';
import { loadShapes, addStreets, countryShapes, newMap, NUMERIC } from './map.js';
import { PlaceSearch, placeZoom } from './place-search.js';

/**
 * items: [{ kind: 'point'|'circle'|'cell', lat, lon, radius_km, bbox: [w,s,e,n],
 *   tone: 'a'|'b'|'hot'|'cold'|'gap'|'pick', label, href }]
 * highlight: ISO alpha-2 codes to tint; fit: [[s,w],[n,e]] or null (fit the items);
 * noFit: leave the view where the user put it (forms that draw what is picked).
 * search: a place search above the map that zooms to the chosen place.
 */
export function DataMap({ items = [], highlight = [], fit = null, noFit = false, onPick, pick = null, label, height = 'normal', search = true }) {
  const el = useRef(null);
  const state = useRef({});
  const pending = useRef(null); // a place chosen before the map was made
  const [failed, setFailed] = useState(false);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let live = true;
    let observer = null;
    loadShapes().then(({ L, features, street }) => {
      if (!live || !el.current) return;
      const map = newMap(L, el.current, { attributionControl: false, zoomSnap: 0.25, minZoom: 1, maxZoom: 12, maxBounds: [[-85, -220], [85, 220]] });
      const hl = new Set(highlight.map((c) => NUMERIC[c]).filter(Boolean));
      // the view first: the shapes are then drawn once
      map.fitBounds([[34, -12], [66, 45]]);
      const over = addStreets(L, map, el.current, street);
      countryShapes(L, map, features, {
        interactive: false,
        style: (f) => (over
          ? { fillColor: '#2b6cb0', fillOpacity: hl.has(f.id) ? 0.12 : 0, color: '#1a365d', weight: 0.7 }
          : { fillColor: hl.has(f.id) ? '#bcd3ec' : '#e6e9ee', fillOpacity: 1, color: '#ffffff', weight: 0.7 }),
      });
      state.current = { L, map, layer: L.layerGroup().addTo(map), marker: null };
      if (onPick) {
        map.on('click', (e) => state.current.onPick && state.current.onPick(e.latlng.lat, e.latlng.lng));
      }
      observer = new ResizeObserver(() => map.invalidateSize());
      observer.observe(el.current);
      if (pending.current) goTo(pending.current);
      setReady(true);
    }, () => live && setFailed(true));
    return () => {
      live = false;
      if (observer) observer.disconnect();
      if (state.current.map) state.current.map.remove();
      state.current = {};
    };
  }, [highlight.join(',')]);
  useEffect(() => { state.current.onPick = onPick; });
  // the data layers
  useEffect(() => {
    const { L, map, layer } = state.current;
    if (!ready || !map) return;
    layer.clearLayers();
    const bounds = [];
    let circles = 0;
    for (const it of items) {
      let lyr = null;
      const cls = `mark mark-${it.tone || 'a'}`;
      if (it.kind === 'cell' && it.bbox) {
        const [w, s, e, n] = it.bbox;
        lyr = L.rectangle([[s, w], [n, e]], { className: cls, weight: 1 });
        bounds.push([s, w], [n, e]);
      } else if (it.kind === 'circle' && it.lat != null && it.radius_km) {
        lyr = L.circle([it.lat, it.lon], { radius: it.radius_km * 1000, className: cls, weight: 2 });
        // the whole circle in view, however small it is (a 1.5 km area
        // at country zoom is a dot)
        const b = L.latLng(it.lat, it.lon).toBounds(it.radius_km * 2000);
        bounds.push([b.getSouth(), b.getWest()], [b.getNorth(), b.getEast()]);
        circles++;
      } else if (it.lat != null && it.lon != null) {
        lyr = L.circleMarker([it.lat, it.lon], { radius: 7, className: cls, weight: 2 });
        bounds.push([it.lat, it.lon]);
      }
      if (!lyr) continue;
      if (it.label) lyr.bindTooltip(String(it.label), { sticky: true });
      lyr.addTo(layer);
    }
    if (fit) {
      map.fitBounds(fit, { animate: false });
      el.current.dataset.fit = fit.join(',');
    }
    else if (bounds.length && !noFit) map.fitBounds(bounds, { padding: [30, 30], maxZoom: circles ? 12 : 7 });
    el.current.dataset.ready = String(items.length);
  }, [ready, items, fit && fit.join(',')]);
  // the picked point
  useEffect(() => {
    const { L, map } = state.current;
    if (!ready || !map) return;
    if (state.current.marker) { state.current.marker.remove(); state.current.marker = null; }
    if (pick) state.current.marker = L.circleMarker([pick.lat, pick.lon], { radius: 9, className: 'mark mark-pick', weight: 3 }).addTo(map);
  }, [ready, pick && pick.lat, pick && pick.lon]);
  const onKey = (e) => {
    const { map } = state.current;
    if (onPick && map && e.key === 'Enter' && e.target === el.current) {
      const c = map.getCenter();
      onPick(c.lat, c.lng);
    }
  };
  // a place chosen in the search: zoom there
  function goTo(p) {
    const { map } = state.current;
    pending.current = map ? null : p; // chosen before the map was made: applied then
    if (!map) return;
    map.setView([p.lat, p.lon], Math.min(placeZoom(p.population), map.getMaxZoom()), { animate: false });
    el.current.dataset.place = p.name;
  }
  return html`
    <div class=${`map-frame map-${height}`}>
      ${search && html`<${PlaceSearch} onChoose=${goTo} country=${highlight.length === 1 ? highlight[0] : null} />`}
      <div class="map" ref=${el} role="region" tabindex="0" aria-label=${label || t('map.label')} onKeyDown=${onKey}></div>
      ${failed && html`<p class="alert alert-error" role="alert">${t('map.failed')}</p>`}
    </div>`;
}
