// A small uPlot line chart; series are [{ label, values }] over x (unix seconds).
import { html, useEffect, useRef } from './lib.js';
import { formatDay } from './i18n.js';

export function LineChart({ x, series, label, height = 180 }) {
  const el = useRef(null);
  useEffect(() => {
    let plot = null;
    let observer = null;
    let live = true;
    import('../vendor/uplot.esm.js').then(({ default: UPlot }) => {
      if (!live || !el.current) return;
      const width = el.current.clientWidth || 300;
      plot = new UPlot({
        width, height, legend: { show: false }, cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true } },
        axes: [{ stroke: '#4a5568', values: (u, splits) => splits.map((v) => formatDay(v * 1000)) }, { stroke: '#4a5568', grid: { stroke: '#edf0f4' } }],
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: '#2b6cb0', width: 2, fill: 'rgba(43,108,176,0.12)' }))],
      }, [x, ...series.map((s) => s.values)], el.current);
      observer = new ResizeObserver(() => plot && plot.setSize({ width: el.current.clientWidth, height }));
      observer.observe(el.current);
    });
    return () => { live = false; if (observer) observer.disconnect(); if (plot) plot.destroy(); };
  }, [x, series]);
  return html`<div class="chart" ref=${el} role="img" aria-label=${label}></div>`;
}
