// The signals inbox: early-warning signals addressed to the caller's
// organisation (and country for analysts), each saying where (a named place,
// or the whole country), which methods found it and whether it is new,
// continuing or closed. The detail lists the records behind it that the
// reader may see and draws the place on the map; Acknowledge (with a
// comment) and Dismiss (with a reason) show only when the answer's `can`
// allows them.
import { html, useState } from './lib.js';
import { t, formatDate, formatDateTime, countryName, formatNumber } from './i18n.js';
import { get, getVersioned, request } from './api.js';
import { setQuery } from './router.js';
import { PageHeader, TextArea, Select, ProblemAlert, useAsync, usePagedList, Badge, Pending, Outcome } from './components.js';
import { ListTable, FilterBar } from './list-page.js';
import { enumOptions } from './labels.js';
import { DataMap } from './map-data.js';

const STATUSES = ['new', 'acknowledged', 'dismissed'];
const STATES = ['open', 'closed'];
const KIND = { new: 'info', acknowledged: 'ok', dismissed: 'neutral' };
const num = (v) => (v == null ? '—' : formatNumber(Math.round(v * 10) / 10));
const pval = (v) => (v == null ? '—' : v < 0.001 ? `< ${formatNumber(0.001)}` : formatNumber(Math.round(v * 1000) / 1000));

/** A signal's category by its label: alert categories for alerts and sightings, tip categories for tips. */
function categoryLabel(s) {
  if (!s.category) return '';
  const key = `${s.source === 'tips' ? 'tipcat' : 'alertcat'}.${s.category}`;
  const label = t(key);
  return label === key ? s.category : label;
}

/** Where: the named place, else the whole country. */
export function where(s) {
  if (s.place && s.place.text) return s.place.text;
  return t('sig.whole_country', { country: countryName(s.country) });
}

function what(s) {
  return `${t(`source.${s.source}`)}${s.category ? ` · ${categoryLabel(s)}` : ''}`;
}

function stateText(s) {
  if (s.state === 'continuing') return t('sig.state.continuing', { n: s.weeks });
  return t(`sig.state.${s.state || 'new'}`);
}

const methodsText = (s) => (s.methods && s.methods.length ? s.methods : [s.method]).map((m) => t(`method.${m}`)).join(', ');

export default function Signals({ query }) {
  const cur = Object.fromEntries(query.entries());
  const status = cur.status ?? 'new';
  const state = cur.state ?? '';
  const filter = { ...(status ? { status } : {}), ...(state ? { state } : {}) };
  const list = usePagedList('/signals', filter, [status, state]);
  return html`
    <${PageHeader} title=${t('sig.title')} subtitle=${t('sig.subtitle')} />
    <${FilterBar} label=${t('sig.filters')}>
      <${Select} label=${t('sig.status')} name="status" value=${status} onChange=${(v) => setQuery({ ...cur, status: v })}
        options=${enumOptions(STATUSES, 'sigstatus')} empty=${t('common.all')} />
      <${Select} label=${t('sig.state_filter')} name="state" value=${state} onChange=${(v) => setQuery({ ...cur, state: v })}
        options=${STATES.map((v) => ({ value: v, label: t(v === 'open' ? 'sig.state.open' : 'sig.state.closed_short') }))} empty=${t('common.all')} />
    </${FilterBar}>
    <${ProblemAlert} error=${list.error} />
    <${ListTable} list=${list} empty=${t('sig.empty')} caption=${t('sig.title')}
      head=${[t('sig.where'), t('sig.signal'), t('an.week'), t('sig.methods'), t('sig.state'), t('an.observed'), t('sig.status')]}
      row=${(s) => html`<tr key=${s.id}>
        <td><a href=${`/signals/${s.id}`}>${where(s)}</a></td>
        <td>${what(s)}</td>
        <td>${formatDate(s.period_start)}</td>
        <td>${methodsText(s)}</td>
        <td>${stateText(s)}</td>
        <td>${s.suppressed ? t('an.suppressed') : num(s.observed)}</td>
        <td><${Badge} kind=${KIND[s.status]}>${t(`sigstatus.${s.status}`)}</${Badge}></td>
      </tr>`} />`;
}

/** The records behind the signal that the reader may see. */
function Records({ s }) {
  const recs = s.records || [];
  return html`
    <section class="card" aria-labelledby="sig-records">
      <h2 id="sig-records">${t('sig.records_title')}</h2>
      ${s.suppressed ? html`<p class="muted">${t('an.suppressed')}</p>`
        : recs.length === 0 ? html`<p class="muted">${t('sig.records_none')}</p>` : html`
        <ul class="signal-records">
          ${recs.map((r) => html`<li key=${r.id}><a href=${r.link}>${r.label || r.id}</a> <span class="muted">${formatDateTime(r.time)}</span></li>`)}
        </ul>
        ${(s.record_ids || []).length > recs.length && html`<p class="muted small">${t('sig.records_more', { n: formatNumber(recs.length) })}</p>`}`}
    </section>`;
}

/** Acknowledge (with a comment) or dismiss (with a reason). */
function ActionForm({ mode, error, onSubmit, onCancel }) {
  const [text, setText] = useState('');
  const ack = mode === 'ack';
  const field = ack ? 'comment' : 'dismissal_reason';
  return html`
    <form class="card" aria-label=${ack ? t('sig.confirm_ack') : t('sig.confirm_dismiss')}
      onSubmit=${(e) => { e.preventDefault(); onSubmit(ack ? { status: 'acknowledged', comment: text.trim() } : { status: 'dismissed', dismissal_reason: text.trim() }); }}>
      ${ack && html`<p class="hint">${t('sig.comment_hint')}</p>`}
      <${TextArea} label=${ack ? t('sig.comment') : t('sig.reason')} name=${field} value=${text} onInput=${setText} required
        error=${error && error.fields && error.fields[field]} />
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled=${!text.trim()}>${ack ? t('sig.confirm_ack') : t('sig.confirm_dismiss')}</button>
        <button type="button" class="btn" onClick=${onCancel}>${t('common.cancel')}</button>
      </div>
    </form>`;
}

export function Detail({ params }) {
  const [tick, setTick] = useState(0);
  const d = useAsync(async () => {
    const r = await getVersioned(`/signals/${params.id}`);
    const s = r.data;
    // the alerts behind it, as far as the reader may see them, on the map
    const points = [];
    if (s.source === 'alerts') {
      await Promise.all((s.records || []).slice(0, 40).map(async (rec) => {
        try {
          const a = await get(`/alerts/${rec.id}`);
          if (a.location && a.location.lat != null) points.push({ kind: 'point', lat: a.location.lat, lon: a.location.lon, label: a.title, tone: 'hot' });
        } catch { /* not visible */ }
      }));
    }
    return { s, etag: r.etag, points };
  }, [params.id, tick]);
  const [mode, setMode] = useState(null);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  if (!d.data) return html`<${Pending} r=${d} title=${t('sig.title')} />`;
  const { s, etag, points } = d.data;
  const can = s.can || {};
  const change = async (body) => {
    setError(null);
    try {
      await request('PATCH', `/signals/${s.id}`, { body, etag });
      setNotice(body.status === 'dismissed' ? t('sig.dismissed') : t('sig.acknowledged'));
      setMode(null);
      setTick((n) => n + 1);
    } catch (err) { setError(err); }
  };
  const placed = s.lat != null && s.lon != null;
  const items = [...(placed ? [{ kind: 'circle', lat: s.lat, lon: s.lon, radius_km: (s.radius_m || 500) / 1000, tone: 'hot', label: where(s) }] : []), ...points];
  // the place and its surroundings: at least 3 km either side
  const span = Math.max(s.radius_m || 0, 3000) / 111320;
  const fit = placed ? [[s.lat - span, s.lon - span * 1.5], [s.lat + span, s.lon + span * 1.5]] : null;
  return html`
    <p class="breadcrumb"><a href="/signals">${t('sig.title')}</a></p>
    <${PageHeader} title=${where(s)} subtitle=${`${what(s)} · ${t('sig.week_of', { date: formatDate(s.period_start) })}`}>
      ${can.acknowledge && html`<button type="button" class="btn btn-primary" onClick=${() => setMode('ack')}>${t('sig.acknowledge')}</button>`}
      ${can.dismiss && html`<button type="button" class="btn" onClick=${() => setMode('dismiss')}>${t('sig.dismiss')}</button>`}
    </${PageHeader}>
    <${Outcome} notice=${notice} error=${error} />
    ${!can.acknowledge && !can.dismiss && s.status !== 'dismissed' && html`<p class="muted">${t('sig.no_actions')}</p>`}
    ${mode && html`<${ActionForm} key=${mode} mode=${mode} error=${error} onSubmit=${change} onCancel=${() => setMode(null)} />`}
    <div class="two-col">
      <section class="card" aria-labelledby="sig-facts">
        <h2 id="sig-facts">${t('sig.facts')}</h2>
        <dl class="facts">
          <div><dt>${t('sig.where')}</dt><dd>${where(s)}</dd></div>
          <div><dt>${t('sig.state')}</dt><dd>${stateText(s)}</dd></div>
          <div><dt>${t('sig.status')}</dt><dd><${Badge} kind=${KIND[s.status]}>${t(`sigstatus.${s.status}`)}</${Badge}></dd></div>
          <div><dt>${t('sig.methods')}</dt><dd>${methodsText(s)}</dd></div>
          <div><dt>${t('an.period')}</dt><dd>${formatDate(s.period_start)} – ${formatDate(s.period_end)}</dd></div>
          <div><dt>${t('an.observed')}</dt><dd>${s.suppressed ? t('an.suppressed') : num(s.observed)}</dd></div>
          <div><dt>${t('an.expected')}</dt><dd>${num(s.expected)}</dd></div>
          ${s.upperbound != null && html`<div><dt>${t('an.upper')}</dt><dd>${num(s.upperbound)}</dd></div>`}
          ${s.statistic != null && html`<div><dt>${t('sig.statistic')}</dt><dd>${num(s.statistic)}</dd></div>`}
          ${s.p_adjusted != null && html`<div><dt>${t('sig.p_adjusted')}</dt><dd>${pval(s.p_adjusted)}</dd></div>`}
          <div><dt>${t('sig.first_seen')}</dt><dd>${formatDateTime(s.first_seen)}</dd></div>
          ${s.status_comment && html`<div><dt>${t('sig.status_comment')}</dt><dd>${s.status_comment}</dd></div>`}
          ${s.dismissal_reason && html`<div><dt>${t('sig.reason')}</dt><dd>${s.dismissal_reason}</dd></div>`}
          ${s.continues && html`<div><dt>${t('sig.continues')}</dt><dd><a href=${`/signals/${s.continues}`}>${t('sig.previous')}</a></dd></div>`}
          ${s.continued_by && html`<div><dt>${t('sig.continued_by')}</dt><dd><a href=${`/signals/${s.continued_by}`}>${t('sig.next')}</a></dd></div>`}
        </dl>
        <ul class="muted small explain">
          <li>${t('sig.explain_expected')}</li>
          ${s.upperbound != null && html`<li>${t('sig.explain_upper')}</li>`}
          ${s.statistic != null && html`<li>${t('sig.explain_z')}</li>`}
          ${s.p_adjusted != null && html`<li>${t('sig.explain_p')}</li>`}
        </ul>
      </section>
      <section class="card" aria-labelledby="sig-map">
        <h2 id="sig-map">${t('sig.map')}</h2>
        <${DataMap} items=${items} fit=${fit} highlight=${[s.country]} label=${t('sig.map')} />
        ${placed && html`<p class="map-credit">${t('place.credit')}</p>`}
      </section>
    </div>
    <${Records} s=${s} />`;
}
