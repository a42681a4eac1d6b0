// Line charts; series are [{ label, values }] over x (unix seconds).
// SvgLineChart draws a few hundred points as SVG with no library: the
// dashboard's charts, drawn in its first render. LineChart and
// AberrationChart use uPlot (loaded when first drawn), where a chart is
// read closely.
import { html, useEffect, useLayoutEffect, useRef, useState } from './lib.js';
import { formatDay, formatNumber } from './i18n.js';

const COLOURS = ['#2b6cb0', '#b7791f', '#2f855a', '#c53030'];

let uplot = null;
/** uPlot and its style sheet, loaded with the first chart that uses it. */
function loadUplot() {
  if (!uplot) {
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = '/vendor/uplot.min.css';
    document.head.append(css);
    uplot = import('../vendor/uplot.esm.js').then((m) => m.default);
    uplot.catch(() => { uplot = null; });
  }
  return uplot;
}

/**
 * Draws a uPlot chart into el once uPlot has loaded, as wide as el and kept
 * so: options are uPlot's less the size and what every chart here shares
 * (time on x, dates on the x axis, no drag zoom). Redrawn when deps change.
 */
function useUplot(el, height, options, data, deps) {
  useEffect(() => {
    let plot = null;
    let observer = null;
    let live = true;
    loadUplot().then((UPlot) => {
      if (!live || !el.current) return;
      const width = el.current.clientWidth || 300;
      plot = new UPlot({
        width, height, cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true } },
        axes: [{ stroke: '#4a5568', values: (u, splits) => splits.map((v) => formatDay(v * 1000)) }, { stroke: '#4a5568', grid: { stroke: '#edf0f4' } }],
        ...options,
      }, data, el.current);
      observer = new ResizeObserver(() => plot && plot.setSize({ width: el.current.clientWidth, height }));
      observer.observe(el.current);
      el.current.dataset.ready = '1';
    });
    return () => { live = false; if (observer) observer.disconnect(); if (plot) plot.destroy(); };
  }, deps);
}

/** series may carry a colour; with more than one series the legend shows. */
export function LineChart({ x, series, label, height = 180, className = '' }) {
  const el = useRef(null);
  useUplot(el, height, {
    legend: { show: series.length > 1 },
    series: [{}, ...series.map((s, i) => ({
      label: s.label, stroke: s.colour || COLOURS[i % COLOURS.length], width: 2,
      fill: series.length > 1 ? undefined : 'rgba(43,108,176,0.12)', spanGaps: false,
    }))],
  }, [x, ...series.map((s) => s.values)], [x, series]);
  return html`<div class=${`chart ${className}`} ref=${el} role="img" aria-label=${label}></div>`;
}

/**
 * Observed counts with the expected value, the upper bound and the alarms
 * (red points) of an aberration method; x in unix seconds, nulls leave gaps.
 */
export function AberrationChart({ x, observed, expected, upper, alarms, labels, label, height = 260 }) {
  const el = useRef(null);
  useUplot(el, height, {
    legend: { show: true },
    series: [
      {},
      { label: labels.observed, stroke: '#2b6cb0', width: 2, fill: 'rgba(43,108,176,0.10)' },
      { label: labels.expected, stroke: '#2f855a', width: 2, dash: [6, 4] },
      { label: labels.upper, stroke: '#b7791f', width: 2 },
      { label: labels.alarm, stroke: '#c53030', fill: '#c53030', width: 0, paths: () => null, points: { show: true, size: 10, fill: '#c53030' } },
    ],
  }, [x, observed, expected, upper, alarms], [x, observed]);
  return html`<div class="chart chart-aberration" ref=${el} role="img" aria-label=${label}></div>`;
}

const PAD = { left: 44, right: 10, top: 10, bottom: 26 };

/**
 * Ticks of the y axis of counts: 0 up to max or more, in whole steps of 1,
 * 2 or 5 times a power of ten.
 */
function yTicks(max) {
  const raw = Math.max(max, 1) / 4;
  const pow = 10 ** Math.max(0, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw);
  const ticks = [];
  for (let v = 0; ticks.length < 2 || ticks[ticks.length - 1] < max; v += step) ticks.push(v);
  return ticks;
}

/** The runs of a series without nulls, as SVG point lists. */
function runs(values, px, py) {
  const out = [];
  let cur = [];
  values.forEach((v, i) => {
    if (v == null) {
      if (cur.length) out.push(cur);
      cur = [];
    } else cur.push([px(i), py(v)]);
  });
  if (cur.length) out.push(cur);
  return out;
}

const pointList = (pts) => pts.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ');

/**
 * A line chart in SVG, as LineChart's props: the container is an image
 * named by label; pointing at it shows the values of the nearest period.
 */
export function SvgLineChart({ x, series, label, height = 180, className = '' }) {
  const el = useRef(null);
  const [width, setWidth] = useState(0);
  const [at, setAt] = useState(null);
  useLayoutEffect(() => {
    const measure = () => el.current && setWidth(el.current.clientWidth || 300);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el.current);
    return () => observer.disconnect();
  }, []);
  useEffect(() => {
    if (width && el.current) el.current.dataset.ready = '1';
  }, [width]);
  const n = x.length;
  const max = Math.max(0, ...series.flatMap((s) => s.values.filter((v) => v != null)));
  const ticks = yTicks(max);
  const top = ticks[ticks.length - 1];
  const w = Math.max(width - PAD.left - PAD.right, 10);
  const h = height - PAD.top - PAD.bottom;
  const px = (i) => PAD.left + (n > 1 ? (i * w) / (n - 1) : w / 2);
  const py = (v) => PAD.top + h - (v / top) * h;
  // about one date label per 90 pixels
  const every = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(w / 90))));
  const pick = (e) => {
    const r = e.currentTarget.getBoundingClientRect();
    const i = Math.round(((e.clientX - r.left - PAD.left) / w) * (n - 1));
    setAt(i >= 0 && i < n ? i : null);
  };
  const chart = width > 0 && html`
    <svg width=${width} height=${height} aria-hidden="true" onPointerMove=${pick} onPointerLeave=${() => setAt(null)}>
      ${ticks.map((v) => html`<g key=${`y${v}`}>
        <line class="chart-grid" x1=${PAD.left} x2=${PAD.left + w} y1=${py(v)} y2=${py(v)} />
        <text class="chart-label" x=${PAD.left - 6} y=${py(v) + 4} text-anchor="end">${formatNumber(v)}</text>
      </g>`)}
      ${x.map((t, i) => (i % every === 0 ? html`<text key=${`x${i}`} class="chart-label" x=${px(i)} y=${height - 8}
        text-anchor="middle">${formatDay(t * 1000)}</text>` : null))}
      ${series.length === 1 && runs(series[0].values, px, py).map((pts, k) => html`<polygon key=${`f${k}`} class="chart-fill"
        points=${pointList([[pts[0][0], py(0)], ...pts, [pts[pts.length - 1][0], py(0)]])} />`)}
      ${series.map((s, j) => runs(s.values, px, py).map((pts, k) => html`<polyline key=${`s${j}-${k}`} fill="none"
        stroke=${s.colour || COLOURS[j % COLOURS.length]} stroke-width="2" points=${pointList(pts)} />`))}
      ${at != null && html`<line class="chart-cursor" x1=${px(at)} x2=${px(at)} y1=${PAD.top} y2=${PAD.top + h} />`}
    </svg>`;
  return html`
    <div class=${`chart chart-svg ${className}`} ref=${el} role="img" aria-label=${label}>
      ${chart}
      <p class="chart-readout small" aria-hidden="true">${at != null
        ? `${formatDay(x[at] * 1000)}: ${series.map((s) => `${s.label} ${s.values[at] == null ? '—' : formatNumber(s.values[at])}`).join(' · ')}`
        : '\u00a0'}</p>
      ${series.length > 1 && html`<ul class="chart-legend small" aria-hidden="true">
        ${series.map((s, j) => html`<li key=${s.label}><svg class="chart-swatch" width="12" height="12">
          <rect width="12" height="12" rx="2" fill=${s.colour || COLOURS[j % COLOURS.length]} /></svg>${s.label}</li>`)}
      </ul>`}
    </div>`;
}
