// A small uPlot line chart; series are [{ label, values }] over x (unix seconds).
import { html, useEffect, useRef } from './lib.js';
import { formatDay } from './i18n.js';

const COLOURS = ['#2b6cb0', '#b7791f', '#2f855a', '#c53030'];

/** series may carry a colour; with more than one series the legend shows. */
export function LineChart({ x, series, label, height = 180, className = '' }) {
  const el = useRef(null);
  useEffect(() => {
    let plot = null;
    let observer = null;
    let live = true;
    import('../vendor/uplot.esm.js').then(({ default: UPlot }) => {
      if (!live || !el.current) return;
      const width = el.current.clientWidth || 300;
      plot = new UPlot({
        width, height, legend: { show: series.length > 1 }, cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true } },
        axes: [{ stroke: '#4a5568', values: (u, splits) => splits.map((v) => formatDay(v * 1000)) }, { stroke: '#4a5568', grid: { stroke: '#edf0f4' } }],
        series: [{}, ...series.map((s, i) => ({
          label: s.label, stroke: s.colour || COLOURS[i % COLOURS.length], width: 2,
          fill: series.length > 1 ? undefined : 'rgba(43,108,176,0.12)', spanGaps: false,
        }))],
      }, [x, ...series.map((s) => s.values)], el.current);
      observer = new ResizeObserver(() => plot && plot.setSize({ width: el.current.clientWidth, height }));
      observer.observe(el.current);
      el.current.dataset.ready = '1';
    });
    return () => { live = false; if (observer) observer.disconnect(); if (plot) plot.destroy(); };
  }, [x, series]);
  return html`<div class=${`chart ${className}`} ref=${el} role="img" aria-label=${label}></div>`;
}

/**
 * Observed counts with the expected value, the upper bound and the alarms
 * (red points) of an aberration method; x in unix seconds, nulls leave gaps.
 */
export function AberrationChart({ x, observed, expected, upper, alarms, labels, label, height = 260 }) {
  const el = useRef(null);
  useEffect(() => {
    let plot = null;
    let observer = null;
    let live = true;
    import('../vendor/uplot.esm.js').then(({ default: UPlot }) => {
      if (!live || !el.current) return;
      const width = el.current.clientWidth || 300;
      plot = new UPlot({
        width, height, legend: { show: true }, cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true } },
        axes: [{ stroke: '#4a5568', values: (u, splits) => splits.map((v) => formatDay(v * 1000)) }, { stroke: '#4a5568', grid: { stroke: '#edf0f4' } }],
        series: [
          {},
          { label: labels.observed, stroke: '#2b6cb0', width: 2, fill: 'rgba(43,108,176,0.10)' },
          { label: labels.expected, stroke: '#2f855a', width: 2, dash: [6, 4] },
          { label: labels.upper, stroke: '#b7791f', width: 2 },
          { label: labels.alarm, stroke: '#c53030', fill: '#c53030', width: 0, paths: () => null, points: { show: true, size: 10, fill: '#c53030' } },
        ],
      }, [x, observed, expected, upper, alarms], el.current);
      observer = new ResizeObserver(() => plot && plot.setSize({ width: el.current.clientWidth, height }));
      observer.observe(el.current);
      el.current.dataset.ready = '1';
    });
    return () => { live = false; if (observer) observer.disconnect(); if (plot) plot.destroy(); };
  }, [x, observed]);
  return html`<div class="chart chart-aberration" ref=${el} role="img" aria-label=${label}></div>`;
}
