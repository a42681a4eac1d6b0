// The signals inbox: early-warning signals addressed to the caller's
// organisation (and country for analysts); the detail shows the country and
// the records behind the signal on the map; acknowledge, or dismiss with a
// reason.
import { html, useState } from './lib.js';
import { t, formatDate, formatDateTime, countryName, formatNumber } from './i18n.js';
import { get, getVersioned, request } from './api.js';
import { setQuery } from './router.js';
import { PageHeader, TextArea, Select, ProblemAlert, Loading, Table, useAsync, usePagedList, MoreButton, Notice, Badge } from './components.js';
import { enumOptions } from './labels.js';
import { DataMap } from './map-data.js';

const STATUSES = ['new', 'acknowledged', 'dismissed'];
const KIND = { new: 'info', acknowledged: 'ok', dismissed: 'neutral' };
const num = (v) => (v == null ? '—' : formatNumber(Math.round(v * 10) / 10));

/** A signal's category by its label: alert categories for alerts and sightings, tip categories for tips. */
function categoryLabel(s) {
  if (!s.category) return '';
  const key = `${s.source === 'tips' ? 'tipcat' : 'alertcat'}.${s.category}`;
  const label = t(key);
  return label === key ? s.category : label;
}

function what(s) {
  return `${t(`source.${s.source}`)}${s.category ? ` · ${categoryLabel(s)}` : ''} · ${countryName(s.country)}`;
}

export default function Signals({ query }) {
  const cur = Object.fromEntries(query.entries());
  const status = cur.status ?? 'new';
  const list = usePagedList('/signals', status ? { status } : {}, [status]);
  return html`
    <${PageHeader} title=${t('sig.title')} subtitle=${t('sig.subtitle')} />
    <form class="filters card" aria-label=${t('sig.filters')} onSubmit=${(e) => e.preventDefault()}>
      <div class="filter-row">
        <${Select} label=${t('sig.status')} name="status" value=${status} onChange=${(v) => setQuery({ ...cur, status: v })}
          options=${enumOptions(STATUSES, 'sigstatus')} empty=${t('common.all')} />
      </div>
    </form>
    <${ProblemAlert} error=${list.error} />
    ${list.loading && list.items.length === 0 ? html`<${Loading} />`
      : list.items.length === 0 ? html`<p class="empty">${t('sig.empty')}</p>` : html`
      <${Table} caption=${t('sig.title')} head=${[t('sig.signal'), t('an.week'), t('an.method'), t('an.observed'), t('an.upper'), t('sig.status')]}>
        ${list.items.map((s) => html`<tr key=${s.id}>
          <td><a href=${`/signals/${s.id}`}>${what(s)}</a></td>
          <td>${formatDate(s.period_start)}</td>
          <td>${t(`method.${s.method}`)}</td>
          <td>${s.suppressed ? t('an.suppressed') : num(s.observed)}</td>
          <td>${num(s.upperbound)}</td>
          <td><${Badge} kind=${KIND[s.status]}>${t(`sigstatus.${s.status}`)}</${Badge}></td>
        </tr>`)}
      </${Table}>
      <${MoreButton} list=${list} />`}`;
}

export function Detail({ params }) {
  const [tick, setTick] = useState(0);
  const d = useAsync(async () => {
    const r = await getVersioned(`/signals/${params.id}`);
    const s = r.data;
    const points = [];
    if (s.source === 'alerts') {
      await Promise.all((s.record_ids || []).slice(0, 40).map(async (id) => {
        try {
          const a = await get(`/alerts/${id}`);
          if (a.location && a.location.lat != null) points.push({ kind: 'point', lat: a.location.lat, lon: a.location.lon, label: a.title, tone: 'hot' });
        } catch { /* not visible */ }
      }));
    }
    return { s, etag: r.etag, points };
  }, [params.id, tick]);
  const [reason, setReason] = useState('');
  const [dismissing, setDismissing] = useState(false);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  if (d.error) return html`<${PageHeader} title=${t('sig.title')} /><${ProblemAlert} error=${d.error} />`;
  if (!d.data) return html`<${Loading} />`;
  const { s, etag, points } = d.data;
  const change = async (body, msg) => {
    setError(null);
    try { await request('PATCH', `/signals/${s.id}`, { body, etag }); setNotice(msg); setDismissing(false); setTick((n) => n + 1); } catch (err) { setError(err); }
  };
  return html`
    <p class="breadcrumb"><a href="/signals">${t('sig.title')}</a></p>
    <${PageHeader} title=${what(s)} subtitle=${t('sig.week_of', { date: formatDate(s.period_start) })}>
      ${s.status === 'new' && html`
        <button type="button" class="btn btn-primary" onClick=${() => change({ status: 'acknowledged' }, t('sig.acknowledged'))}>${t('sig.acknowledge')}</button>
        <button type="button" class="btn" onClick=${() => setDismissing(true)}>${t('sig.dismiss')}</button>`}
    </${PageHeader}>
    ${notice && html`<${Notice}>${notice}</${Notice}>`}
    <${ProblemAlert} error=${error} />
    ${dismissing && html`
      <form class="card" onSubmit=${(e) => { e.preventDefault(); change({ status: 'dismissed', dismissal_reason: reason }, t('sig.dismissed')); }}>
        <${TextArea} label=${t('sig.reason')} name="dismissal_reason" value=${reason} onInput=${setReason} required error=${error && error.fields.dismissal_reason} />
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled=${!reason.trim()}>${t('sig.confirm_dismiss')}</button>
          <button type="button" class="btn" onClick=${() => setDismissing(false)}>${t('common.cancel')}</button>
        </div>
      </form>`}
    <div class="two-col">
      <section class="card" aria-labelledby="sig-facts">
        <h2 id="sig-facts">${t('sig.facts')}</h2>
        <dl class="facts">
          <div><dt>${t('sig.status')}</dt><dd><${Badge} kind=${KIND[s.status]}>${t(`sigstatus.${s.status}`)}</${Badge}></dd></div>
          <div><dt>${t('an.method')}</dt><dd>${t(`method.${s.method}`)}</dd></div>
          <div><dt>${t('an.period')}</dt><dd>${formatDate(s.period_start)} – ${formatDate(s.period_end)}</dd></div>
          <div><dt>${t('an.observed')}</dt><dd>${s.suppressed ? t('an.suppressed') : num(s.observed)}</dd></div>
          <div><dt>${t('an.expected')}</dt><dd>${num(s.expected)}</dd></div>
          <div><dt>${t('an.upper')}</dt><dd>${num(s.upperbound)}</dd></div>
          <div><dt>${t('sig.first_seen')}</dt><dd>${formatDateTime(s.first_seen)}</dd></div>
          ${s.dismissal_reason && html`<div><dt>${t('sig.reason')}</dt><dd>${s.dismissal_reason}</dd></div>`}
          ${s.continues && html`<div><dt>${t('sig.continues')}</dt><dd><a href=${`/signals/${s.continues}`}>${t('sig.previous')}</a></dd></div>`}
        </dl>
        <p class="muted small">${t('sig.records', { n: formatNumber((s.record_ids || []).length) })}</p>
      </section>
      <section class="card" aria-labelledby="sig-map">
        <h2 id="sig-map">${t('sig.map')}</h2>
        <${DataMap} items=${points} highlight=${[s.country]} label=${t('sig.map')} />
      </section>
    </div>`;
}
