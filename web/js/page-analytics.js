// Analytics: a series with expected value, upper bound and alarms (EARS,
// Farrington, CUSUM); Getis-Ord Gi* hot spots and space-time scan clusters,
// each listed as places first (significant ones only unless asked), then
// on a map zoomed to the area analysed. Every number is over what the
// caller may see; what expected, upper bound, z and p mean is said in one
// sentence each.
import { html, useMemo, useState } from './lib.js';
import { t, formatDate, formatNumber, formatFixed } from './i18n.js';
import { get, countries as loadCountries } from './api.js';
import { setQuery } from './router.js';
import { PageHeader, Select, Checkbox, ProblemAlert, Loading, Table, useAsync } from './components.js';
import { FilterBar } from './list-page.js';
import { countryOptions, enumOptions } from './labels.js';
import { AberrationChart } from './chart.js';
import { DataMap } from './map-data.js';

const SOURCES = ['alerts', 'tips', 'sightings'];
const METHODS = ['ears_c1', 'ears_c2', 'ears_c3', 'farrington', 'cusum'];
const NOTES = ['few_cases', 'no_model', 'no_bound', 'bound_below_expected', 'below_min_count'];

/** The tone of a Gi* z-score: the classes of the map legend. */
export function zTone(z) {
  if (z == null) return 'z0';
  if (z >= 2.58) return 'z3';
  if (z >= 1.96) return 'z2';
  if (z >= 1) return 'z1';
  if (z <= -1.96) return 'zc';
  return 'z0';
}

/** Where a hot spot or cluster is: its place name when the server gives
 * one, else its coordinates. */
export function placeOf(it) {
  if (it.place) return typeof it.place === 'string' ? it.place : it.place.text || it.place.name || '';
  const c = it.centre || {};
  return c.lat == null ? '—' : `${c.lat.toFixed(3)}, ${c.lon.toFixed(3)}`;
}

/** A box [w, s, e, n] as the map's fit [[s, w], [n, e]], or null. */
const fitOf = (b) => (Array.isArray(b) && b.length === 4 ? [[b[1], b[0]], [b[3], b[2]]] : null);
const count = (v, suppressed) => (suppressed ? t('an.suppressed') : formatNumber(v));
const num = (x, d = 1) => (x == null ? '—' : formatFixed(x, d));
const pFmt = (p) => (p == null ? '—' : p < 0.001 ? `< ${formatFixed(0.001, 3)}` : formatFixed(p, 3));
const note = (n) => (n && NOTES.includes(n.code) ? t(`an.note.${n.code}`) : n && n.message);

function Explain({ keys }) {
  return html`<dl class="an-explain">${keys.map((k) => html`<div key=${k}><dt>${t(`an.term.${k}`)}</dt><dd>${t(`an.explain.${k}`)}</dd></div>`)}</dl>`;
}

/** The card of one analysis (id names its heading): what it shows, its
 * terms explained (keys), then its problem or the spinner until r, its
 * request, has answered; children show the answer. */
function AnalysisCard({ id, title, hint, keys, r, children }) {
  return html`
    <section class="card" aria-labelledby=${id}>
      <h2 id=${id}>${title}</h2>
      <p class="muted">${hint}</p>
      <${Explain} keys=${keys} />
      <${ProblemAlert} error=${r.error} />
      ${!r.data && !r.error && html`<${Loading} />`}
      ${children}
    </section>`;
}

function Series({ f }) {
  const r = useAsync(() => get('/analytics/aberrations', { source: f.source, country: f.country, method: f.method, interval: 'week' }), [f.source, f.country, f.method]);
  const data = useMemo(() => {
    if (!r.data) return null;
    const it = r.data.items;
    return {
      x: it.map((p) => Date.parse(p.period) / 1000),
      observed: it.map((p) => p.observed),
      expected: it.map((p) => p.expected),
      upper: it.map((p) => p.upperbound),
      alarms: it.map((p) => (p.alarm ? p.observed ?? p.upperbound : null)),
    };
  }, [r.data]);
  const alarms = r.data ? r.data.items.filter((p) => p.alarm) : [];
  const noted = r.data ? r.data.items.filter((p) => p.alarm_note || (p.bound_note && p.observed)) : [];
  return html`
    <${AnalysisCard} id="series-title" title=${t('an.series')} hint=${t('an.series_hint')} keys=${['expected', 'upper']} r=${r}>
      ${data && html`
        <${AberrationChart} ...${data} label=${t('an.series_label', { n: alarms.length })}
          labels=${{ observed: t('an.observed'), expected: t('an.expected'), upper: t('an.upper'), alarm: t('an.alarm') }} />
        <p class="an-summary" role="status">${t('an.alarms', { n: formatNumber(alarms.length) })}
          ${' '}${t('an.min_count_rule', { n: r.data.min_count ?? 3 })}</p>
        ${alarms.length > 0 && html`
          <${Table} caption=${t('an.alarm_weeks')} head=${[t('an.week'), t('an.observed'), t('an.expected'), t('an.upper')]}>
            ${alarms.map((p) => html`<tr key=${p.period}><td>${formatDate(p.period)}</td><td>${count(p.observed, p.suppressed)}</td>
              <td>${num(p.expected)}</td><td>${p.upperbound == null ? note(p.bound_note) || '—' : formatFixed(p.upperbound, 1)}</td></tr>`)}
          </${Table}>`}
        ${noted.length > 0 && html`
          <details class="an-notes"><summary>${t('an.notes', { n: formatNumber(noted.length) })}</summary>
            <ul>${noted.map((p) => html`<li key=${p.period}>${formatDate(p.period)}: ${note(p.alarm_note || p.bound_note)}</li>`)}</ul>
          </details>`}`}
    </${AnalysisCard}>`;
}

function Hotspots({ f }) {
  const [all, setAll] = useState(false);
  const q = { source: f.source, country: f.country, limit: 500 };
  if (f.cell_km !== 'auto') q.cell_km = f.cell_km;
  const r = useAsync(() => get('/analytics/hotspots', q), [f.source, f.country, f.cell_km]);
  const cells = (r.data && r.data.items) || [];
  const items = useMemo(() => cells.map((c) => ({
    kind: 'cell', bbox: c.bbox, tone: c.hot ? zTone(c.gi_star_z) : 'z0',
    label: t('an.cell_label', { z: num(c.gi_star_z, 2), n: count(c.count, c.suppressed) }),
  })), [r.data]);
  const rows = all ? cells : cells.filter((c) => c.hot);
  const d = r.data;
  return html`
    <${AnalysisCard} id="hot-title" title=${t('an.hotspots')} hint=${t('an.hotspots_hint')} keys=${['z', 'p', 'p_adjusted']} r=${r}>
      ${d && html`<p role="status">${t('an.hot_count', { n: formatNumber(d.hot_spots ?? 0) })}</p>`}
      ${d && d.scale && html`<p class="muted an-scale">${t(d.scale.chosen === 'data' ? 'an.scale_data' : 'an.scale_user',
        { cell: formatNumber(d.scale.cell_km), d: formatNumber(Math.round(d.scale.distance_km * 10) / 10) })}
        ${d.area && d.area.kind === 'box' ? ` ${t('an.area_box')}` : ''}</p>`}
      <${Checkbox} name="hot_all" label=${t('an.show_all')} checked=${all} onChange=${setAll} />
      ${d && (rows.length === 0 ? html`<p class="empty">${t('an.no_hotspots')}</p>` : html`
        <${Table} caption=${t('an.hotspots')} head=${[t('an.place'), t('an.observed'), 'z', 'p', t('an.p_adjusted')]}>
          ${rows.map((c, i) => html`<tr key=${i} class=${c.hot ? 'an-hot' : ''}><td>${placeOf(c)}</td><td>${count(c.count, c.suppressed)}</td>
            <td>${num(c.gi_star_z, 2)}</td><td>${pFmt(c.p)}</td><td>${pFmt(c.p_adjusted)}</td></tr>`)}
        </${Table}>`)}
      <${DataMap} items=${items} highlight=${f.country ? [f.country] : []} fit=${fitOf(d && d.grid && d.grid.bbox)} label=${t('an.hotspots')} />
      <ul class="legend" aria-label=${t('map.legend')}>
        <li><span class="swatch swatch-z3" aria-hidden="true"></span>${t('an.z3')}</li>
        <li><span class="swatch swatch-z2" aria-hidden="true"></span>${t('an.z2')}</li>
        <li><span class="swatch swatch-z0" aria-hidden="true"></span>${t('an.z0')}</li>
      </ul>
    </${AnalysisCard}>`;
}

function Scan({ f }) {
  const [all, setAll] = useState(false);
  const q = { source: f.source, country: f.country };
  if (all) q.alpha = 1;
  const r = useAsync(() => get('/analytics/scan', q), [f.source, f.country, all]);
  const list = (r.data && r.data.items) || [];
  const items = useMemo(() => list.map((k) => ({
    kind: 'circle', lat: k.centre.lat, lon: k.centre.lon, radius_km: Math.max(k.radius_km, 0.5), tone: k.p < 0.05 ? 'hot' : 'b',
    label: t('an.cluster_label', { rank: k.rank, p: pFmt(k.p) }),
  })), [r.data]);
  return html`
    <${AnalysisCard} id="scan-title" title=${t('an.scan')} hint=${t('an.scan_hint')} keys=${['expected', 'relative_risk', 'p_scan']} r=${r}>
      <${Checkbox} name="scan_all" label=${t('an.show_all')} checked=${all} onChange=${setAll} />
      ${r.data && (list.length === 0 ? html`<p class="empty">${t('an.no_clusters')}</p>` : html`
        <${Table} caption=${t('an.scan')} head=${[t('an.place'), t('an.period'), t('an.radius'), t('an.observed'), t('an.expected'), t('an.relative_risk'), 'p']}>
          ${list.map((k) => html`<tr key=${k.rank}><td>${placeOf(k)}</td><td>${formatDate(k.start)} – ${formatDate(k.end)}</td>
            <td>${formatFixed(k.radius_km, 1)} km</td><td>${count(k.observed, k.suppressed)}</td><td>${num(k.expected)}</td>
            <td>${num(k.relative_risk)}</td><td>${pFmt(k.p)}</td></tr>`)}
        </${Table}>`)}
      <${DataMap} items=${items} highlight=${f.country ? [f.country] : []} fit=${fitOf(r.data && r.data.bbox)} label=${t('an.scan')} />
    </${AnalysisCard}>`;
}

export default function Analytics({ me, org, query }) {
  const countries = useAsync(loadCountries, []);
  const cur = Object.fromEntries(query.entries());
  const f = { source: cur.source || 'alerts', country: cur.country ?? (me.country || (org && org.country) || ''), method: cur.method || 'ears_c3', cell_km: cur.cell_km || 'auto' };
  const change = (k) => (v) => setQuery({ ...cur, ...f, [k]: v });
  return html`
    <${PageHeader} title=${t('an.title')} subtitle=${t('an.subtitle')} />
    <${FilterBar} label=${t('an.filters')}>
      <${Select} label=${t('an.source')} name="source" value=${f.source} onChange=${change('source')} options=${enumOptions(SOURCES, 'source')} />
      <${Select} label=${t('alerts.country')} name="country" value=${f.country} onChange=${change('country')} options=${countryOptions(countries.data)} empty=${t('common.all')} />
      <${Select} label=${t('an.method')} name="method" value=${f.method} onChange=${change('method')} options=${enumOptions(METHODS, 'method')} />
      <${Select} label=${t('an.cell_km')} name="cell_km" value=${f.cell_km} onChange=${change('cell_km')}
        options=${[{ value: 'auto', label: t('an.cell_auto') }, ...['1', '2', '5', '10', '25'].map((v) => ({ value: v, label: `${v} km` }))]} />
    </${FilterBar}>
    <${Series} f=${f} />
    <div class="two-col">
      <${Hotspots} f=${f} />
      <${Scan} f=${f} />
    </div>`;
}
