// The dashboard: who and where the caller is, the OSCE area on a map, and
// count panels that the later modules (alerts, tips, activities) fill.
import { html, useMemo } from './lib.js';
import { t, countryName, formatNumber, language } from './i18n.js';
import { get, countries as loadCountries } from './api.js';
import { PageHeader, useAsync } from './components.js';
import { CountryMap } from './map.js';
import { LineChart } from './chart.js';
import { panels } from './dashboard-panels.js';
import { routes, allowed } from './routes.js';
import { matchRoute } from './router.js';

function StatCard({ value, label, href }) {
  const body = html`<span class="stat-value">${value}</span><span class="stat-label">${label}</span>`;
  return html`<li class="stat">${href ? html`<a href=${href}>${body}</a>` : body}</li>`;
}

function Panel({ panel, me }) {
  const { data, error, loading } = useAsync(async () => {
    const page = await get(panel.endpoint, { ...panel.query, limit: 500 });
    return { n: page.items.length, more: Boolean(page.next_cursor) };
  }, [panel.id]);
  const missing = error && (error.status === 404 || error.status === 405);
  const m = matchRoute(routes, (panel.href || '').split('?')[0]);
  const href = m && allowed(m.route, me) ? panel.href : null;
  let value = '…';
  if (data) value = `${formatNumber(data.n)}${data.more ? '+' : ''}`;
  else if (missing) value = '—';
  else if (error) value = '!';
  return html`
    <li class=${`panel${missing ? ' panel-coming' : ''}`} aria-busy=${loading ? 'true' : 'false'}>
      <span class="panel-title">${href && !missing ? html`<a href=${href}>${t(panel.title)}</a>` : t(panel.title)}</span>
      <span class="panel-value">${value}</span>
      <span class="panel-note">${missing ? t('panel.coming') : error ? t('panel.error') : ''}</span>
    </li>`;
}

function AuditChart() {
  const days = 14;
  const { data } = useAsync(async () => {
    const since = new Date(Date.now() - days * 86400e3);
    since.setUTCHours(0, 0, 0, 0);
    const counts = new Array(days + 1).fill(0);
    let cursor = null;
    let pages = 0;
    do {
      const p = await get('/audit', { from: since.toISOString(), limit: 500, cursor });
      for (const e of p.items) {
        const i = Math.floor((Date.parse(e.at) - since.getTime()) / 86400e3);
        if (i >= 0 && i <= days) counts[i] += 1;
      }
      cursor = p.next_cursor;
    } while (cursor && ++pages < 10);
    const x = counts.map((_, i) => since.getTime() / 1000 + i * 86400);
    return { x, series: [{ label: t('dash.audit_events'), values: counts }] };
  }, []);
  return html`
    <section class="card" aria-labelledby="audit-chart-title">
      <h2 id="audit-chart-title">${t('dash.audit_chart', { days })}</h2>
      ${data && html`<${LineChart} x=${data.x} series=${data.series} label=${t('dash.audit_chart', { days })} />`}
    </section>`;
}

export default function Dashboard({ me, org }) {
  const countries = useAsync(loadCountries, []);
  const list = countries.data || [];
  const ps = list.filter((c) => c.osce_status === 'participating_state').length;
  const partners = list.length - ps;
  const visible = useMemo(() => panels.filter((p) => !p.roles || p.roles.includes(me.role)), [me.role]);
  const lang = language();
  return html`
    <${PageHeader} title=${t('dash.welcome', { name: me.name })}
      subtitle=${[org && org.name, me.country && countryName(me.country), t(`role.${me.role}`)].filter(Boolean).join(' · ')} />
    <ul class="stats" aria-label=${t('dash.area')}>
      <${StatCard} value=${countries.data ? formatNumber(ps) : '…'} label=${t('dash.participating')} />
      <${StatCard} value=${countries.data ? formatNumber(partners) : '…'} label=${t('dash.partners')} />
    </ul>
    <div class="dash-grid">
      <section class="card map-card" aria-labelledby="map-title">
        <h2 id="map-title">${t('dash.map_title')}</h2>
        <p class="muted">${t('dash.map_hint')}</p>
        ${countries.data && html`<${CountryMap} countries=${countries.data} lang=${lang} />`}
      </section>
      <section class="card" aria-labelledby="panels-title">
        <h2 id="panels-title">${t('dash.overview')}</h2>
        <ul class="panels">${visible.map((p) => html`<${Panel} key=${p.id} panel=${p} me=${me} />`)}</ul>
      </section>
    </div>
    ${me.role === 'admin' && html`<${AuditChart} />`}`;
}
