// Alerts: the list with filters and full-text search; the detail with
// sightings (counts per country), related alerts with their reasons,
// comments, and the status workflow (publish, retract with a reason).
import { html, useState, useMemo } from './lib.js';
import { t, formatDateTime, countryName, language } from './i18n.js';
import { get, post, patch, getVersioned, countries as loadCountries, organisations, substances } from './api.js';
import { setQuery } from './router.js';
import {
  PageHeader, Field, TextArea, Select, ProblemAlert, Loading, Table, useAsync, usePagedList, MoreButton,
  Notice, Badge, ExportLinks, Pending, Outcome,
} from './components.js';
import { ListTable } from './list-page.js';
import {
  ALERT_CATEGORIES, ALERT_STATUSES, DRUG_FORMS, TLPS, enumOptions, tlpKey, tlpLabel, countryOptions, audience, substanceName,
} from './labels.js';
import { DataMap } from './map-data.js';
import { can } from './can.js';
import { Links } from './links.js';
import { OrgName } from './org-name.js';

const STATUS_KIND = { draft: 'neutral', published: 'ok', retracted: 'warn' };

export function TlpBadge({ tlp }) {
  return html`<span class=${`badge tlp tlp-${tlpKey(tlp)}`}>TLP:${String(tlp).toUpperCase()}</span>`;
}

function Filters({ query, countries }) {
  const [q, setQ] = useState(query.get('q') || '');
  const cur = Object.fromEntries(query.entries());
  const change = (k) => (v) => setQuery({ ...cur, [k]: v });
  return html`
    <form class="filters card" role="search" aria-label=${t('alerts.filters')}
      onSubmit=${(e) => { e.preventDefault(); setQuery({ ...cur, q }); }}>
      <div class="search-row">
        <${Field} label=${t('alerts.search')} name="q" type="search" value=${q} onInput=${setQ} />
        <button type="submit" class="btn btn-primary">${t('alerts.search_button')}</button>
      </div>
      <div class="filter-row">
        <${Select} label=${t('alerts.status')} name="status" value=${cur.status || ''} onChange=${change('status')}
          options=${enumOptions(ALERT_STATUSES, 'alertstatus')} empty=${t('common.all')} />
        <${Select} label=${t('alerts.category')} name="category" value=${cur.category || ''} onChange=${change('category')}
          options=${enumOptions(ALERT_CATEGORIES, 'alertcat')} empty=${t('common.all')} />
        <${Select} label=${t('alerts.country')} name="country" value=${cur.country || ''} onChange=${change('country')}
          options=${countryOptions(countries)} empty=${t('common.all')} />
        <${Select} label=${t('alerts.tlp')} name="tlp" value=${cur.tlp || ''} onChange=${change('tlp')}
          options=${TLPS.map((x) => ({ value: x, label: tlpLabel(x) }))} empty=${t('common.all')} />
        <${Select} label=${t('alerts.drug_form')} name="drug_form" value=${cur.drug_form || ''} onChange=${change('drug_form')}
          options=${enumOptions(DRUG_FORMS, 'drugform')} empty=${t('common.all')} />
      </div>
    </form>`;
}

function SearchResults({ q, byId }) {
  const res = useAsync(() => get('/search', { q, type: 'alert', limit: 50 }), [q]);
  if (res.error) return html`<${ProblemAlert} error=${res.error} />`;
  if (!res.data) return html`<${Loading} />`;
  if (res.data.items.length === 0) return html`<p class="empty">${t('alerts.no_results', { q })}</p>`;
  // the snippet marks matches with <mark>: show them as text with the marks kept
  const parts = (s) => String(s || '').split(/(<mark>.*?<\/mark>)/).map((p) => (p.startsWith('<mark>')
    ? html`<mark>${p.slice(6, -7)}</mark>` : p));
  return html`
    <ul class="results">
      ${res.data.items.map((r) => html`
        <li key=${r.id} data-hit><a href=${`/alerts/${r.id}`}>${r.title}</a>
          <span class="hit-meta"> ${r.tlp && html`<${TlpBadge} tlp=${r.tlp} />`}
            ${r.status && html` <${Badge} kind=${STATUS_KIND[r.status]}>${t(`alertstatus.${r.status}`)}</${Badge}>`}
            ${r.org_id && byId && byId.get(r.org_id) && html` <span class="muted small"><${OrgName} org=${byId.get(r.org_id)} /></span>`}</span>
          <p class="muted small">${parts(r.snippet)}</p></li>`)}
    </ul>`;
}

export default function Alerts({ me, query }) {
  const countries = useAsync(loadCountries, []);
  const orgs = useAsync(organisations, []);
  const byId = useMemo(() => new Map((orgs.data || []).map((o) => [o.id, o])), [orgs.data]);
  const filt = {};
  for (const k of ['status', 'category', 'country', 'tlp', 'drug_form']) if (query.get(k)) filt[k] = query.get(k);
  const q = query.get('q');
  const list = usePagedList('/alerts', filt, [JSON.stringify(filt)]);
  return html`
    <${PageHeader} title=${t('alerts.title')} subtitle=${t('alerts.subtitle')}>
      ${can(me, 'alert', 'create') && html`<a class="btn btn-primary" href="/alerts/new">${t('alerts.new')}</a>`}
    </${PageHeader}>
    <${Filters} query=${query} countries=${countries.data} />
    ${!q && html`<${ExportLinks} path="/alerts/export" query=${filt} formats=${['csv', 'json', 'geojson']} />`}
    ${q ? html`<${SearchResults} q=${q} byId=${byId} />` : html`
      <${ProblemAlert} error=${list.error} />
      <${ListTable} list=${list} empty=${t('alerts.empty')} caption=${t('alerts.title')}
        head=${[t('alerts.alert'), t('alerts.category'), t('alerts.status'), t('alerts.tlp'), t('alerts.organisation'), t('alerts.updated')]}
        row=${(a) => html`
          <tr key=${a.id}>
            <td><a href=${`/alerts/${a.id}`}>${a.title}</a>${a.location && a.location.place_name && html`<div class="muted small">${a.location.place_name}</div>`}</td>
            <td>${t(`alertcat.${a.category}`)}</td>
            <td><${Badge} kind=${STATUS_KIND[a.status]}>${t(`alertstatus.${a.status}`)}</${Badge}></td>
            <td><${TlpBadge} tlp=${a.tlp} /></td>
            <td><${OrgName} org=${byId.get(a.org_id)} /> <span class="muted">${a.country ? `(${a.country})` : ''}</span></td>
            <td>${formatDateTime(a.updated_at)}</td>
          </tr>`} />`}`;
}

function Sightings({ alert, me }) {
  const s = useAsync(() => get(`/alerts/${alert.id}/sightings`), [alert.id]);
  const [form, setForm] = useState({ type: 'seen', place_name: '', count: '' });
  const [error, setError] = useState(null);
  const [done, setDone] = useState('');
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const body = { type: form.type };
      if (form.place_name) body.place_name = form.place_name;
      if (form.count) body.count = Number(form.count);
      await post(`/alerts/${alert.id}/sightings`, body);
      setDone(t('alerts.sighting_added'));
      s.reload();
    } catch (err) { setError(err); }
  };
  const by = (s.data && s.data.by_country) || {};
  const f = (error && error.fields) || {};
  return html`
    <section class="card" aria-labelledby="sightings-title">
      <h2 id="sightings-title">${t('alerts.sightings')}</h2>
      ${Object.keys(by).length === 0 ? html`<p class="empty">${t('alerts.no_sightings')}</p>` : html`
        <${Table} caption=${t('alerts.sightings_by_country')} head=${[t('alerts.country'), t('alerts.seen'), t('alerts.false_positive')]}>
          ${Object.entries(by).map(([c, n]) => html`<tr key=${c}><td>${countryName(c)}</td><td>${n.seen}</td><td>${n.false_positive}</td></tr>`)}
        </${Table}>`}
      ${alert.status === 'published' && me.role !== 'viewer' && html`
        <form class="inline-form" onSubmit=${submit}>
          <${Select} label=${t('alerts.sighting_type')} name="sighting-type" value=${form.type} onChange=${(v) => setForm({ ...form, type: v })}
            options=${[{ value: 'seen', label: t('alerts.seen') }, { value: 'false_positive', label: t('alerts.false_positive') }]} />
          <${Field} label=${t('alerts.place')} name="sighting-place" value=${form.place_name} onInput=${(v) => setForm({ ...form, place_name: v })} error=${f.place_name} />
          <${Field} label=${t('alerts.count')} name="sighting-count" type="number" min="1" value=${form.count} onInput=${(v) => setForm({ ...form, count: v })} error=${f.count} />
          <button type="submit" class="btn">${t('alerts.report_sighting')}</button>
        </form>`}
      <${ProblemAlert} error=${error} />
      ${done && html`<${Notice}>${done}</${Notice}>`}
    </section>`;
}

function Related({ alert }) {
  const r = useAsync(() => get(`/alerts/${alert.id}/related`, { limit: 10 }), [alert.id]);
  return html`
    <section class="card" aria-labelledby="related-title">
      <h2 id="related-title">${t('alerts.related')}</h2>
      ${r.error ? html`<${ProblemAlert} error=${r.error} />` : !r.data ? html`<${Loading} />`
        : r.data.items.length === 0 ? html`<p class="empty">${t('alerts.no_related')}</p>` : html`
        <ul class="related">
          ${r.data.items.map((x) => html`
            <li key=${x.alert.id}>
              <a href=${`/alerts/${x.alert.id}`}>${x.alert.title}</a> <span class="muted small">${t('alerts.score', { score: Math.round(x.score * 100) })}</span>
              <ul class="reasons">${x.reasons.map((why) => html`<li>${t(`reason.${why.kind}`)}: ${why.detail}</li>`)}</ul>
            </li>`)}
        </ul>`}
    </section>`;
}

function Comments({ alert, me, byId }) {
  const c = usePagedList(`/alerts/${alert.id}/comments`, {}, [alert.id]);
  const [body, setBody] = useState('');
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const b = { body, distribution: alert.distribution };
      if (alert.distribution === 'sharing_group') b.sharing_group_id = alert.sharing_group_id;
      await post(`/alerts/${alert.id}/comments`, b);
      setBody('');
      c.reload();
    } catch (err) { setError(err); }
  };
  return html`
    <section class="card" aria-labelledby="comments-title">
      <h2 id="comments-title">${t('alerts.comments')}</h2>
      ${c.items.length === 0 && !c.loading ? html`<p class="empty">${t('alerts.no_comments')}</p>` : html`
        <ol class="thread">
          ${c.items.map((x) => html`
            <li class="msg" key=${x.id}>
              <span class="msg-who"><${OrgName} org=${byId.get(x.org_id)} /> · ${formatDateTime(x.created_at)}</span>
              <p>${x.body}</p>
            </li>`)}
        </ol>`}
      <${MoreButton} list=${c} />
      ${me.role !== 'viewer' && alert.status !== 'draft' && html`
        <form onSubmit=${submit}>
          <${TextArea} label=${t('alerts.add_comment')} name="comment" value=${body} onInput=${setBody} error=${error && error.fields.body} />
          <p class="hint">${t('alerts.comment_audience')}</p>
          <div class="form-actions"><button type="submit" class="btn btn-primary" disabled=${!body.trim()}>${t('alerts.comment')}</button></div>
        </form>`}
      <${ProblemAlert} error=${error} />
    </section>`;
}

/** /alerts/:id */
export function Detail({ me, params }) {
  const [tick, setTick] = useState(0);
  const a = useAsync(async () => {
    const r = await getVersioned(`/alerts/${params.id}`);
    const [orgs, subs] = await Promise.all([organisations(), r.data.substances.length ? substances() : []]);
    let group = null;
    if (r.data.sharing_group_id) { try { group = await get(`/sharing-groups/${r.data.sharing_group_id}`); } catch { /* not a member */ } }
    return { alert: r.data, etag: r.etag, orgs, group, subs: new Map(subs.map((x) => [x.id, x])) };
  }, [params.id, tick]);
  const [reason, setReason] = useState('');
  const [retracting, setRetracting] = useState(false);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  const byId = useMemo(() => new Map(((a.data && a.data.orgs) || []).map((o) => [o.id, o])), [a.data]);
  if (!a.data) return html`<${Pending} r=${a} title=${t('alerts.title')} />`;
  const { alert, etag, group, subs } = a.data;
  const org = byId.get(alert.org_id);
  const own = alert.org_id === me.org_id && can(me, 'alert', 'update');
  const change = async (body, msg) => {
    setError(null);
    try {
      await patch(`/alerts/${alert.id}`, body, etag);
      setNotice(msg);
      setRetracting(false);
      setTick((n) => n + 1);
    } catch (err) { setError(err); }
  };
  const loc = alert.location;
  return html`
    <p class="breadcrumb"><a href="/alerts">${t('alerts.title')}</a></p>
    <${PageHeader} title=${alert.title} subtitle=${html`${t(`alertcat.${alert.category}`)} · <${OrgName} org=${org} />`}>
      ${own && alert.status !== 'retracted' && html`<a class="btn" href=${`/alerts/${alert.id}/edit`}>${t('common.edit')}</a>`}
      ${own && alert.status === 'draft' && html`<button type="button" class="btn btn-primary" onClick=${() => change({ status: 'published' }, t('alerts.published'))}>${t('alerts.publish')}</button>`}
      ${own && alert.status === 'published' && html`<button type="button" class="btn btn-danger" onClick=${() => setRetracting(true)}>${t('alerts.retract')}</button>`}
    </${PageHeader}>
    <${Outcome} notice=${notice} error=${error} />
    ${retracting && html`
      <form class="card" onSubmit=${(e) => { e.preventDefault(); change({ status: 'retracted', retraction_reason: reason }, t('alerts.retracted')); }}>
        <${TextArea} label=${t('alerts.retraction_reason')} name="retraction_reason" value=${reason} onInput=${setReason} required
          error=${error && error.fields.retraction_reason} />
        <div class="form-actions">
          <button type="submit" class="btn btn-danger" disabled=${!reason.trim()}>${t('alerts.confirm_retract')}</button>
          <button type="button" class="btn" onClick=${() => setRetracting(false)}>${t('common.cancel')}</button>
        </div>
      </form>`}
    <div class="two-col">
      <section class="card" aria-labelledby="facts-title">
        <h2 id="facts-title" class="visually-hidden">${t('alerts.facts')}</h2>
        <dl class="facts">
          <div><dt>${t('alerts.status')}</dt><dd><${Badge} kind=${STATUS_KIND[alert.status]}>${t(`alertstatus.${alert.status}`)}</${Badge}></dd></div>
          <div><dt>${t('alerts.tlp')}</dt><dd><${TlpBadge} tlp=${alert.tlp} /> ${t(`tlpdesc.${tlpKey(alert.tlp)}`)}</dd></div>
          <div><dt>${t('alerts.visible_to')}</dt><dd>${audience({ distribution: alert.distribution, org, group })}</dd></div>
          ${alert.retraction_reason && html`<div><dt>${t('alerts.retraction_reason')}</dt><dd>${alert.retraction_reason}</dd></div>`}
          ${loc && loc.place_name && html`<div><dt>${t('alerts.place')}</dt><dd>${loc.place_name}</dd></div>`}
          ${alert.observed_from && html`<div><dt>${t('alerts.observed')}</dt><dd>${formatDateTime(alert.observed_from)}${alert.observed_to ? ` – ${formatDateTime(alert.observed_to)}` : ''}</dd></div>`}
          ${alert.drug_form && html`<div data-drug-form><dt>${t('alerts.drug_form')}</dt><dd>${t(`drugform.${alert.drug_form}`)}</dd></div>`}
          ${alert.substances.length > 0 && html`<div><dt>${t('alerts.substances')}</dt><dd>${alert.substances.map((id) => (subs.get(id) ? substanceName(subs.get(id), language()) : id)).join(', ')}</dd></div>`}
          ${alert.countries.length > 0 && html`<div><dt>${t('alerts.countries')}</dt><dd>${alert.countries.map(countryName).join(', ')}</dd></div>`}
          ${alert.tags.length > 0 && html`<div><dt>${t('alerts.tags')}</dt><dd>${alert.tags.map((x) => html`<${Badge}>${x}</${Badge}> `)}</dd></div>`}
          <div><dt>${t('alerts.updated')}</dt><dd>${formatDateTime(alert.updated_at)}</dd></div>
        </dl>
        ${alert.summary && html`<p class="lead">${alert.summary}</p>`}
        ${alert.body && html`<p class="prewrap">${alert.body}</p>`}
      </section>
      ${loc && loc.lat != null && html`
        <section class="card" aria-labelledby="alert-map-title">
          <h2 id="alert-map-title">${t('alerts.where')}</h2>
          <${DataMap} items=${[{ kind: 'point', lat: loc.lat, lon: loc.lon, label: loc.place_name || alert.title }]} highlight=${alert.countries.length ? alert.countries : [alert.country]} height="small" />
        </section>`}
    </div>
    <div class="two-col">
      <${Sightings} alert=${alert} me=${me} />
      <${Related} alert=${alert} />
    </div>
    <${Links} me=${me} type="alert" id=${alert.id} canChange=${own && ((me.can || {}).alert || []).includes('update')} />
    <${Comments} alert=${alert} me=${me} byId=${byId} />`;
}
