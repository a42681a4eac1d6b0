// The light first view of a map of countries: the overview shapes and the
// record points drawn as one SVG, projected as Leaflet would (Web Mercator,
// the same fitted view), with the same tooltips and clicks, but without
// Leaflet, which costs the first render a fifth of a second to read, run and
// draw. The first zoom, drag, wheel, key or place chosen asks for the real
// map (onUpgrade), which takes the same element over and carries out what
// was asked.
import { t } from './i18n.js';

const MAX_LAT = 85.0511287798;
const SVG = 'http://www.w3.org/2000/svg';

/** Web Mercator pixel coordinates at zoom z, as Leaflet's EPSG:3857. */
function project(lon, lat, z) {
  const scale = 256 * 2 ** z;
  const phi = (Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI) / 180;
  return [scale * (lon / 360 + 0.5), scale * (0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI))];
}

/**
 * The view Leaflet's fitBounds chooses for bounds [[s, w], [n, e]] in a box
 * of w × h pixels (zoom snapped down to `snap`, within [minZoom, maxZoom]):
 * its zoom and the pixel of the box's top left corner.
 */
export function fitView([[s, w], [n, e]], width, height, { snap = 0.25, minZoom = 1, maxZoom = 7 } = {}) {
  const [x0, y0] = project(w, n, 0);
  const [x1, y1] = project(e, s, 0);
  let z = Math.log2(Math.min(width / (x1 - x0), height / (y1 - y0)));
  z = Math.round(z / (snap / 100)) * (snap / 100);
  z = Math.max(minZoom, Math.min(maxZoom, Math.floor(z / snap) * snap));
  const [a, b] = project(w, s, z);
  const [c, d] = project(e, n, z);
  return { zoom: z, left: (a + c) / 2 - width / 2, top: (b + d) / 2 - height / 2 };
}

/** An SVG path of rings of [lon, lat], in whole pixels, repeated points dropped. */
function ringsPath(rings, view) {
  let d = '';
  for (const ring of rings) {
    let px = null;
    let py = null;
    let n = 0;
    for (const [lon, lat] of ring) {
      const [x, y] = project(lon, lat, view.zoom);
      const rx = Math.round(x - view.left);
      const ry = Math.round(y - view.top);
      if (rx === px && ry === py) continue;
      d += `${n ? 'L' : 'M'}${rx} ${ry}`;
      px = rx;
      py = ry;
      n += 1;
    }
    if (n) d += 'z';
  }
  return d;
}

function node(tag, attrs, parent) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (parent) parent.append(el);
  return el;
}

function stroke(path, width, color) {
  path.setAttribute('stroke-width', width);
  path.setAttribute('stroke', color);
}

function zoomControl() {
  const box = document.createElement('div');
  box.className = 'leaflet-control-container';
  const corner = document.createElement('div');
  corner.className = 'leaflet-top leaflet-left';
  const bar = document.createElement('div');
  bar.className = 'leaflet-control-zoom leaflet-bar leaflet-control';
  for (const [cls, key, sign] of [['in', 'map.zoom_in', '+'], ['out', 'map.zoom_out', '\u2212']]) {
    const a = document.createElement('a');
    a.className = `leaflet-control-zoom-${cls}`;
    a.href = '#';
    a.title = t(key);
    a.setAttribute('role', 'button');
    a.setAttribute('aria-label', t(key));
    a.dataset.zoom = cls === 'in' ? '1' : '-1';
    const s = document.createElement('span');
    s.setAttribute('aria-hidden', 'true');
    s.textContent = sign;
    a.append(s);
    bar.append(a);
  }
  corner.append(bar);
  box.append(corner);
  return box;
}

/**
 * Draws the light view into el (a map element Leaflet has not taken).
 * shapes: [{ d: rings, className, style: { fillColor, fillOpacity, color, weight } , data }];
 * bounds: the view to fit; tooltip(data): the content of a shape's tooltip
 * (null: none); onClick(data); onUpgrade(action): the real map is wanted,
 * then action(map) is to be done on it. Answers { setPoints, destroy }.
 */
export function drawLight(el, { shapes, bounds, tooltip, onClick, onUpgrade }) {
  const width = el.clientWidth;
  const height = el.clientHeight;
  const view = fitView(bounds, width, height);
  el.classList.add('leaflet-container', 'leaflet-touch', 'map-light');
  el.tabIndex = 0;
  const svg = node('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'map-light-svg', 'aria-hidden': 'true', focusable: 'false' });
  const land = node('g', {}, svg);
  const marks = node('g', {}, svg);
  // one string parsed once: a node and ten attributes a shape cost more
  // (every value is a number, a colour or a class of this file's caller)
  const data = [];
  let markup = '';
  for (const s of shapes) {
    const d = ringsPath(s.rings, view);
    if (!d) continue;
    const st = s.style;
    markup += `<path d="${d}" class="leaflet-interactive ${s.className}" stroke="${st.color}" stroke-width="${st.weight}"`
      + ` stroke-linecap="round" stroke-linejoin="round" fill="${st.fillColor}" fill-opacity="${st.fillOpacity}"`
      + ` fill-rule="evenodd" data-i="${data.length}"/>`;
    data.push(s);
  }
  land.innerHTML = markup;
  const tip = document.createElement('div');
  tip.className = 'leaflet-tooltip leaflet-tooltip-top';
  tip.hidden = true;
  const controls = zoomControl();
  el.append(svg, tip, controls);

  const at = (e) => {
    const r = el.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  const place = (e) => {
    const [x, y] = at(e);
    tip.style.left = `${x - tip.offsetWidth / 2}px`;
    tip.style.top = `${y - tip.offsetHeight - 6}px`; // and leaflet.css's margin: 6 more
  };
  const target = (e) => {
    const p = e.target.closest && e.target.closest('path[data-i], path[data-p]');
    if (!p) return null;
    return p.dataset.i != null ? { p, shape: data[p.dataset.i] } : { p, point: points[p.dataset.p] };
  };
  let points = [];
  const over = (e) => {
    const h = target(e);
    if (!h) return;
    const content = h.shape ? tooltip(h.shape.data) : h.point.title;
    if (!content) return;
    if (h.shape) stroke(h.p, 2, '#1a202c');
    tip.replaceChildren(content);
    tip.hidden = false;
    place(e);
  };
  const out = (e) => {
    const h = target(e);
    if (!h) return;
    if (h.shape) stroke(h.p, h.shape.style.weight, h.shape.style.color);
    tip.hidden = true;
  };
  const click = (e) => {
    const z = e.target.closest && e.target.closest('[data-zoom]');
    if (z) {
      e.preventDefault();
      const by = Number(z.dataset.zoom);
      onUpgrade((map) => map.setZoom(map.getZoom() + by));
      return;
    }
    const h = target(e);
    if (!h) return;
    if (h.shape) onClick(h.shape.data);
    else if (h.point.href) onClick(null, h.point.href);
  };
  // a zoom or a move: the real map, then the same gesture on it
  const around = (e, by) => {
    const [x, y] = at(e);
    onUpgrade((map) => map.setZoomAround([x, y], map.getZoom() + by));
  };
  const wheel = (e) => {
    e.preventDefault();
    around(e, e.deltaY < 0 ? 1 : -1);
  };
  const dbl = (e) => around(e, e.shiftKey ? -1 : 1);
  let down = null;
  const press = (e) => { down = at(e); };
  const drag = (e) => {
    if (!down || !e.buttons) return;
    const [x, y] = at(e);
    if (Math.abs(x - down[0]) + Math.abs(y - down[1]) < 4) return;
    const [dx, dy] = [down[0] - x, down[1] - y];
    down = null;
    onUpgrade((map) => map.panBy([dx, dy], { animate: false }));
  };
  const PAN = { ArrowLeft: [-80, 0], ArrowRight: [80, 0], ArrowUp: [0, -80], ArrowDown: [0, 80] };
  const key = (e) => {
    if (e.target !== el) return;
    const by = { '+': 1, '=': 1, '-': -1, _: -1 }[e.key];
    if (by) onUpgrade((map) => map.setZoom(map.getZoom() + by));
    else if (PAN[e.key]) onUpgrade((map) => map.panBy(PAN[e.key]));
    else return;
    e.preventDefault();
  };
  const on = [['mouseover', over], ['mousemove', (e) => !tip.hidden && place(e)], ['mouseout', out],
    ['click', click], ['wheel', wheel, { passive: false }], ['dblclick', dbl], ['pointerdown', press],
    ['pointermove', drag], ['pointerup', () => { down = null; }], ['keydown', key]];
  for (const [ev, fn, opt] of on) el.addEventListener(ev, fn, opt);

  return {
    shapeCount: data.length,
    width,
    height,
    get points() { return points; },
    /** Draws the points [{ lat, lon, title, href, className }]; answers how many. */
    setPoints(list) {
      points = list;
      let markup = '';
      list.forEach((p, i) => {
        const [x, y] = project(p.lon, p.lat, view.zoom);
        const cx = x - view.left;
        const cy = y - view.top;
        markup += `<path d="M${cx - 5},${cy}a5,5 0 1,0 10,0 a5,5 0 1,0 -10,0" class="leaflet-interactive ${p.className}"`
          + ` stroke="#3388ff" stroke-width="1.5" fill="#3388ff" fill-opacity="0.2" data-p="${i}"/>`;
      });
      marks.innerHTML = markup;
      return list.length;
    },
    destroy() {
      for (const [ev, fn, opt] of on) el.removeEventListener(ev, fn, opt);
      svg.remove();
      tip.remove();
      controls.remove();
      el.classList.remove('leaflet-container', 'leaflet-touch', 'map-light');
      el.removeAttribute('tabindex');
    },
  };
}
