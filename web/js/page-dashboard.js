// The dashboard: who and where the caller is, the OSCE area on a map with the
// visible alerts, tips and activities as layers, count panels (open signals,
// overdue tips), the overdue tips themselves and the counts by week.
import { html, useMemo, useState } from './lib.js';
import { t, tn, countryName, formatNumber, formatDateTime, language } from './i18n.js';
import { get, countries as loadCountries } from './api.js';
import { PageHeader, useAsync, remember, outcome } from './components.js';
import { CountryMap, loadOverview, loadStreets } from './map.js';
import { SvgLineChart } from './chart.js';
import { panels } from './dashboard-panels.js';
import { routes, allowed } from './routes.js';
import { matchRoute } from './router.js';
import { can } from './can.js';
import { InboxItem } from './page-inbox.js';
import { INBOX, mapAsks, weeklySources, dashboardAsks, askKey } from './dashboard-data.js';

function StatCard({ value, label, href }) {
  const body = html`<span class="stat-value">${value}</span><span class="stat-label">${label}</span>`;
  return html`<li class="stat">${href ? html`<a href=${href}>${body}</a>` : body}</li>`;
}

/**
 * Starts the map's shapes (not Leaflet: the first view is drawn without it)
 * alongside the API requests rather than after
 * them: the first render is what users wait for. main.js calls it at start
 * on "/", the dashboard when it is drawn.
 */
export function warm() {
  loadOverview().catch(() => {});
  loadStreets();
}

/**
 * A getter that asks once per path and query, answers from cache after;
 * its peek(path, query) answers the request if it was made, and asks nothing.
 */
function shared(cache) {
  const fetch = (path, query) => {
    const k = askKey(path, query);
    if (!cache.has(k)) cache.set(k, remember(get(path, query)));
    return cache.get(k);
  };
  fetch.peek = (path, query) => cache.get(askKey(path, query));
  return fetch;
}

/** An outcome ({ data } or { error }, or undefined) with its data passed through f. */
const mapOutcome = (o, f) => o && (o.error ? o : { data: f(o.data) });

// The first dashboard's requests, asked for by main.js as soon as the session
// is known, before the app is drawn; the first Dashboard to mount soon after
// takes them, any later one asks again. Answers a promise that settles when
// every one of them (and the map's shapes) has: main.js draws the app then,
// so that the dashboard is drawn once, whole, rather than panel by panel.
let early = null;
export function prefetchEarly(me) {
  const cache = new Map();
  const asked = prefetch(me, shared(cache));
  early = { id: me.id, cache, at: Date.now() };
  return Promise.allSettled([...asked, loadOverview(), loadStreets()]);
}

/** One request per path and query for the whole dashboard: panels and map share them. */
function useShared(me) {
  return useMemo(() => {
    const fresh = early && early.id === me.id && Date.now() - early.at < 10000;
    const cache = fresh ? early.cache : new Map();
    early = null;
    return shared(cache);
  }, []);
}

/**
 * Asks for everything the first render shows at once, while the dashboard is
 * first drawn: the panels, map layers and charts then find their answers on
 * the way instead of each asking from its own effect, which runs only after
 * the map's shapes are read (the longest task of the page).
 */
function prefetch(me, fetch) {
  const asked = [remember(loadCountries()), ...dashboardAsks(me).map(([path, query]) => fetch(path, query))];
  for (const p of asked) p.catch(() => {});
  return asked;
}

function Panel({ panel, me, fetch }) {
  const query = { ...panel.query, limit: 500 };
  const count = (page) => ({ n: page.items.length, more: Boolean(page.next_cursor) });
  const { data, error, loading } = useAsync(async () => count(await fetch(panel.endpoint, query)), [panel.id],
    mapOutcome(outcome(fetch.peek(panel.endpoint, query)), count));
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
      ${data && html`<${SvgLineChart} x=${data.x} series=${data.series} label=${t('dash.audit_chart', { days })} />`}
    </section>`;
}

const LAYERS = ['alerts', 'tips', 'activities'];

/** The points of the map: the visible records with a location; a list that fails is left out quietly. */
function useMapLayers(me, fetch) {
  const asks = mapAsks(me);
  const known = asks.map(([path, query]) => (path ? outcome(fetch.peek(path, query)) : { data: null }));
  const items = (o) => (o.error ? [] : o.data && o.data.items);
  return useAsync(async () => {
    const quiet = (p) => p.then((r) => r.items, () => []);
    return mapLayers(...await Promise.all(asks.map(([path, query]) => (path ? quiet(fetch(path, query)) : null))));
  }, [me.role, language()], () => known.every(Boolean) && { data: mapLayers(...known.map(items)) });
}

/** The layers of the map from the lists (tipItems null: the role may not list tips). */
function mapLayers(alerts, tipItems, activities) {
  const has = (l) => l && l.lat != null && l.lon != null;
  const layers = [
    { id: 'alerts', label: t('dash.layer_alerts'), points: alerts.filter((a) => has(a.location))
      .map((a) => ({ lat: a.location.lat, lon: a.location.lon, label: a.title, href: `/alerts/${a.id}` })) },
    tipItems && { id: 'tips', label: t('dash.layer_tips'), points: tipItems.filter((x) => has(x.location))
      .map((x) => ({ lat: x.location.lat, lon: x.location.lon, label: t(`tipcat.${x.category}`), href: `/tips/${x.id}` })) },
    { id: 'activities', label: t('dash.layer_activities'), points: activities.filter((a) => has(a))
      .map((a) => ({ lat: a.lat, lon: a.lon, label: a.title, href: `/activities/${a.id}` })) },
  ].filter(Boolean);
  return layers;
}

function LayerToggles({ layers, shown, setShown }) {
  return html`
    <fieldset class="layer-toggles">
      <legend>${t('dash.layers')}</legend>
      ${layers.map((l) => html`
        <span class="check-inline" key=${l.id}>
          <input type="checkbox" id=${`layer-${l.id}`} checked=${shown.includes(l.id)}
            onChange=${(e) => setShown(e.currentTarget.checked ? [...shown, l.id] : shown.filter((x) => x !== l.id))} />
          <label for=${`layer-${l.id}`}><span class=${`swatch swatch-dot swatch-${l.id}`} aria-hidden="true"></span>
            ${l.label} (${formatNumber(l.points.length)})</label>
        </span>`)}
    </fieldset>`;
}

/** The weekly chart's lines from [{ source, items }] (null: that source failed). */
function weeklyLines(all) {
  const got = all.filter(Boolean);
  if (!got.length) return null;
  const x = got[0].items.map((i) => Date.parse(i.period) / 1000);
  return { x, series: got.map((g) => ({ label: t(`source.${g.source}`), values: g.items.map((i) => i.count) })) };
}

/** Counts by week over the last year: alerts, and tips for the roles that may see them. */
function WeeklyChart({ me, fetch }) {
  const sources = weeklySources(me);
  const query = (source) => ({ source, interval: 'week' });
  const known = sources.map((source) => outcome(fetch.peek('/analytics/timeseries', query(source))));
  const { data, error } = useAsync(async () => weeklyLines(await Promise.all(sources.map((source) =>
    fetch('/analytics/timeseries', query(source)).then((r) => ({ source, items: r.items }), () => null)))),
  [me.role, language()], () => known.every(Boolean)
    && { data: weeklyLines(known.map((o, i) => (o.error ? null : { source: sources[i], items: o.data.items }))) });
  return html`
    <section class="card" aria-labelledby="weekly-title">
      <h2 id="weekly-title">${t('dash.weekly')}</h2>
      <p class="muted small">${t('dash.weekly_hint')}</p>
      ${data ? html`<${SvgLineChart} x=${data.x} series=${data.series} label=${t('dash.weekly')} className="chart-weekly" />`
        : error || data === null ? html`<p class="empty">${t('dash.weekly_none')}</p>` : ''}
    </section>`;
}

function OverdueTips({ fetch }) {
  const query = { overdue: 'true', limit: 500 };
  const o = outcome(fetch.peek('/tips', query));
  const { data } = useAsync(() => fetch('/tips', query).then((p) => p.items, () => []), [],
    o && { data: o.error ? [] : o.data.items });
  if (!data || data.length === 0) return null;
  return html`
    <section class="card" aria-labelledby="overdue-title">
      <h2 id="overdue-title">${tn('dash.overdue_n', data.length)}</h2>
      <ul class="plain-list">
        ${data.slice(0, 8).map((x) => html`<li key=${x.id}>
          <a href=${`/tips/${x.id}`}>${t(`tipcat.${x.category}`)}</a>
          <span class="muted small"> · ${formatDateTime(x.created_at)}${x.location && x.location.place ? ` · ${x.location.place}` : ''}</span>
        </li>`)}
      </ul>
      ${data.length > 8 && html`<p><a href="/tips?overdue=true">${t('dash.all_overdue')}</a></p>`}
    </section>`;
}

/** "What's new for you": the latest unread inbox items and a link to the inbox. */
function WhatsNew({ onUnread, fetch }) {
  // the first run may take the dashboard's early answer; a reload asks again
  const { data, reload } = useAsync(() => get('/inbox', INBOX), [], outcome(fetch.peek('/inbox', INBOX)));
  const read = () => { reload(); onUnread && onUnread(); };
  return html`
    <section class="card whats-new" aria-labelledby="new-title" data-whats-new>
      <h2 id="new-title">${t('dash.whats_new')}</h2>
      ${!data ? html`<p class="muted">${t('common.loading')}</p>`
        : data.items.length === 0 ? html`<p class="empty">${t('dash.whats_new_empty')}</p>` : html`
        <ul class="plain-list inbox-list">
          ${data.items.map((i) => html`<${InboxItem} key=${i.id} item=${i} onRead=${read} />`)}
        </ul>`}
      <p><a href="/inbox">${data && data.unread > data.items.length
        ? tn('dash.whats_new_all', data.unread) : t('dash.open_inbox')}</a></p>
    </section>`;
}

export default function Dashboard({ me, org, onUnread }) {
  const fetch = useShared(me);
  useMemo(() => {
    warm();
    prefetch(me, fetch);
  }, [me.id]);
  const countries = useAsync(loadCountries, [], outcome(loadCountries()));
  const layers = useMapLayers(me, fetch);
  const [shown, setShown] = useState(LAYERS);
  const list = countries.data || [];
  const ps = list.filter((c) => c.osce_status === 'participating_state').length;
  const partners = list.length - ps;
  const visible = useMemo(() => panels.filter((p) => !p.can || can(me, ...p.can)), [me]);
  const lang = language();
  const tips = can(me, 'tip', 'list');
  return html`
    <${PageHeader} title=${t('dash.welcome', { name: me.name })}
      subtitle=${[org && org.name, me.country && countryName(me.country), t(`role.${me.role}`)].filter(Boolean).join(' · ')} />
    <${WhatsNew} onUnread=${onUnread} fetch=${fetch} />
    <ul class="stats" aria-label=${t('dash.area')}>
      <${StatCard} value=${countries.data ? formatNumber(ps) : '…'} label=${t('dash.participating')} />
      <${StatCard} value=${countries.data ? formatNumber(partners) : '…'} label=${t('dash.partners')} />
    </ul>
    <div class="dash-grid">
      <section class="card map-card" aria-labelledby="map-title">
        <h2 id="map-title">${t('dash.map_title')}</h2>
        <p class="muted">${t(tips ? 'dash.map_hint_records' : 'dash.map_hint_records_no_tips')}</p>
        ${layers.data && html`<${LayerToggles} layers=${layers.data} shown=${shown} setShown=${setShown} />`}
        ${countries.data && html`<${CountryMap} countries=${countries.data} lang=${lang} layers=${layers.data} shown=${shown} light />`}
      </section>
      <section class="card" aria-labelledby="panels-title">
        <h2 id="panels-title">${t('dash.overview')}</h2>
        <ul class="panels">${visible.map((p) => html`<${Panel} key=${p.id} panel=${p} me=${me} fetch=${fetch} />`)}</ul>
      </section>
    </div>
    ${tips && html`<${OverdueTips} fetch=${fetch} />`}
    <${WeeklyChart} me=${me} fetch=${fetch} />
    ${can(me, 'audit', 'list') && html`<${AuditChart} />`}`;
}
