// Analytics: a series with expected value, upper bound and alarms (EARS,
// Farrington, CUSUM); Getis-Ord Gi* hot spots as coloured cells; space-time
// scan clusters as circles. Every number is over what the caller may see.
import { html, useMemo } from './lib.js';
import { t, formatDate, formatNumber } from './i18n.js';
import { get, countries as loadCountries } from './api.js';
import { setQuery } from './router.js';
import { PageHeader, Select, ProblemAlert, Loading, Table, useAsync } from './components.js';
import { countryOptions, enumOptions } from './labels.js';
import { AberrationChart } from './chart.js';
import { DataMap } from './map-data.js';

const SOURCES = ['alerts', 'tips', 'sightings'];
const METHODS = ['ears_c1', 'ears_c2', 'ears_c3', 'farrington', 'cusum'];

/** The tone of a Gi* z-score: the classes of the map legend. */
export function zTone(z) {
  if (z == null) return 'z0';
  if (z >= 2.58) return 'z3';
  if (z >= 1.96) return 'z2';
  if (z >= 1) return 'z1';
  if (z <= -1.96) return 'zc';
  return 'z0';
}

const count = (v, suppressed) => (suppressed ? t('an.suppressed') : formatNumber(v));

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
  return html`
    <section class="card" aria-labelledby="series-title">
      <h2 id="series-title">${t('an.series')}</h2>
      <p class="muted">${t('an.series_hint')}</p>
      <${ProblemAlert} error=${r.error} />
      ${!r.data && !r.error && html`<${Loading} />`}
      ${data && html`
        <${AberrationChart} ...${data} label=${t('an.series_label', { n: alarms.length })}
          labels=${{ observed: t('an.observed'), expected: t('an.expected'), upper: t('an.upper'), alarm: t('an.alarm') }} />
        <p class="an-summary" role="status">${t('an.alarms', { n: formatNumber(alarms.length) })}</p>
        ${alarms.length > 0 && html`
          <${Table} caption=${t('an.alarm_weeks')} head=${[t('an.week'), t('an.observed'), t('an.expected'), t('an.upper')]}>
            ${alarms.map((p) => html`<tr key=${p.period}><td>${formatDate(p.period)}</td><td>${count(p.observed, p.suppressed)}</td>
              <td>${p.expected == null ? '—' : p.expected.toFixed(1)}</td><td>${p.upperbound == null ? '—' : p.upperbound.toFixed(1)}</td></tr>`)}
          </${Table}>`}`}
    </section>`;
}

function Hotspots({ f }) {
  const r = useAsync(() => get('/analytics/hotspots', { source: f.source, country: f.country, cell_km: f.cell_km, distance_km: Number(f.cell_km) * 5, limit: 500 }), [f.source, f.country, f.cell_km]);
  const items = useMemo(() => ((r.data && r.data.items) || []).map((c) => ({
    kind: 'cell', bbox: c.bbox, tone: zTone(c.gi_star_z),
    label: t('an.cell_label', { z: c.gi_star_z == null ? '—' : c.gi_star_z.toFixed(2), n: count(c.count, c.suppressed) }),
  })), [r.data]);
  const hot = r.data ? r.data.items.filter((c) => c.hot).length : 0;
  return html`
    <section class="card" aria-labelledby="hot-title">
      <h2 id="hot-title">${t('an.hotspots')}</h2>
      <p class="muted">${t('an.hotspots_hint')}</p>
      <${ProblemAlert} error=${r.error} />
      <${DataMap} items=${items} highlight=${f.country ? [f.country] : []} label=${t('an.hotspots')} />
      <ul class="legend" aria-label=${t('map.legend')}>
        <li><span class="swatch swatch-z3" aria-hidden="true"></span>${t('an.z3')}</li>
        <li><span class="swatch swatch-z2" aria-hidden="true"></span>${t('an.z2')}</li>
        <li><span class="swatch swatch-z1" aria-hidden="true"></span>${t('an.z1')}</li>
        <li><span class="swatch swatch-z0" aria-hidden="true"></span>${t('an.z0')}</li>
      </ul>
      ${r.data && html`<p role="status">${t('an.hot_count', { n: formatNumber(hot) })}</p>`}
    </section>`;
}

function Scan({ f }) {
  const r = useAsync(() => get('/analytics/scan', { source: f.source, country: f.country, replications: 99 }), [f.source, f.country]);
  const items = useMemo(() => ((r.data && r.data.items) || []).map((k) => ({
    kind: 'circle', lat: k.centre.lat, lon: k.centre.lon, radius_km: Math.max(k.radius_km, 0.5), tone: k.p_value < 0.05 ? 'hot' : 'b',
    label: t('an.cluster_label', { rank: k.rank, p: k.p_value.toFixed(3) }),
  })), [r.data]);
  return html`
    <section class="card" aria-labelledby="scan-title">
      <h2 id="scan-title">${t('an.scan')}</h2>
      <p class="muted">${t('an.scan_hint')}</p>
      <${ProblemAlert} error=${r.error} />
      <${DataMap} items=${items} highlight=${f.country ? [f.country] : []} label=${t('an.scan')} />
      ${r.data && (r.data.items.length === 0 ? html`<p class="empty">${t('an.no_clusters')}</p>` : html`
        <${Table} caption=${t('an.scan')} head=${[t('an.rank'), t('an.period'), t('an.radius'), t('an.observed'), t('an.expected'), 'p']}>
          ${r.data.items.map((k) => html`<tr key=${k.rank}><td>${k.rank}</td><td>${formatDate(k.start)} – ${formatDate(k.end)}</td>
            <td>${k.radius_km.toFixed(1)} km</td><td>${count(k.observed, k.suppressed)}</td><td>${k.expected.toFixed(1)}</td><td>${k.p_value.toFixed(3)}</td></tr>`)}
        </${Table}>`)}
    </section>`;
}

export default function Analytics({ me, org, query }) {
  const countries = useAsync(loadCountries, []);
  const cur = Object.fromEntries(query.entries());
  const f = { source: cur.source || 'alerts', country: cur.country ?? (me.country || (org && org.country) || ''), method: cur.method || 'ears_c3', cell_km: cur.cell_km || '5' };
  const change = (k) => (v) => setQuery({ ...cur, ...f, [k]: v });
  return html`
    <${PageHeader} title=${t('an.title')} subtitle=${t('an.subtitle')} />
    <form class="filters card" aria-label=${t('an.filters')} onSubmit=${(e) => e.preventDefault()}>
      <div class="filter-row">
        <${Select} label=${t('an.source')} name="source" value=${f.source} onChange=${change('source')} options=${enumOptions(SOURCES, 'source')} />
        <${Select} label=${t('alerts.country')} name="country" value=${f.country} onChange=${change('country')} options=${countryOptions(countries.data)} empty=${t('common.all')} />
        <${Select} label=${t('an.method')} name="method" value=${f.method} onChange=${change('method')} options=${enumOptions(METHODS, 'method')} />
        <${Select} label=${t('an.cell_km')} name="cell_km" value=${f.cell_km} onChange=${change('cell_km')}
          options=${['1', '2', '5', '10', '25'].map((v) => ({ value: v, label: `${v} km` }))} />
      </div>
    </form>
    <${Series} f=${f} />
    <div class="two-col">
      <${Hotspots} f=${f} />
      <${Scan} f=${f} />
    </div>`;
}
