// Tips triage for the receiving organisation: the list with search by
// reference or words, sort, filters (mine, status, overdue, category, area)
// and bulk assign and close; the detail with its reference, the status
// workflow (assignment straight from new), closing with an outcome, a
// duplicate picker that searches and previews, links to problems, alerts and
// activities, internal notes and messages to the sender.
import { html, useState } from './lib.js';
import { t, formatDateTime, formatNumber } from './i18n.js';
import { get, post, getVersioned, request } from './api.js';
import { setQuery } from './router.js';
import {
  PageHeader, Field, TextArea, Select, Checkbox, ProblemAlert, Loading, useAsync, usePagedList, Notice,
  Badge, ExportLinks, FoundPicker, Pending, Outcome,
} from './components.js';
import { ListTable, FilterBar } from './list-page.js';
import { Links } from './links.js';
import { enumOptions } from './labels.js';
import { TIP_CATEGORIES } from './page-report.js';
import { DataMap } from './map-data.js';
import { can } from './can.js';

const STATUSES = ['new', 'triaged', 'assigned', 'actioned', 'closed'];
const OUTCOMES = ['resolved', 'referred', 'no_action_needed', 'insufficient_information', 'duplicate', 'unfounded'];
const NEXT = { new: 'triaged', triaged: 'assigned', assigned: 'actioned', actioned: 'closed' };
const TIP_DISTRIBUTIONS = ['organisation', 'country', 'network'];

/** Reading a sender's contact: only with a reason, which the audit log keeps. */
function Contact({ tip }) {
  const [why, setWhy] = useState('');
  const [contact, setContact] = useState(null);
  const [error, setError] = useState(null);
  const read = async (e) => {
    e.preventDefault();
    setError(null);
    try { setContact((await get(`/tips/${tip.id}/contact`, { justification: why })).contact); } catch (err) { setError(err); }
  };
  return html`
    <section class="card contact-card" aria-labelledby="contact-title">
      <h2 id="contact-title">${t('tips.contact_title')}</h2>
      ${contact ? html`<p class="lead" data-contact>${contact}</p><p class="muted small">${t('tips.contact_audited')}</p>` : html`
        <form onSubmit=${read}>
          <${TextArea} label=${t('tips.contact_why')} name="justification" value=${why} onInput=${setWhy}
            error=${error && error.fields.justification} />
          <p class="hint">${t('tips.contact_audited')}</p>
          <div class="form-actions"><button type="submit" class="btn" disabled=${why.trim().length < 10}>${t('tips.contact_read')}</button></div>
        </form>
        <${ProblemAlert} error=${error && !error.fields.justification ? error : null} />`}
    </section>`;
}

const SORTS = ['newest', 'oldest', 'due'];

/** An organisation's declared area as a box (for ?bbox=). */
const areaBox = (a) => {
  const dlat = a.radius_m / 111320;
  const dlon = a.radius_m / (111320 * Math.max(Math.cos((a.lat * Math.PI) / 180), 0.01));
  const r = (x) => Math.round(x * 10000) / 10000;
  return [r(a.lon - dlon), r(a.lat - dlat), r(a.lon + dlon), r(a.lat + dlat)].join(',');
};

/** Assign or close the chosen tips in one request; says how each went. */
function BulkBar({ me, chosen, people, done }) {
  const [assignee, setAssignee] = useState('');
  const [outcome, setOutcome] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const send = async (change) => {
    setError(null);
    setBusy(true);
    try {
      const r = await post('/tips/bulk', { ids: chosen, ...change });
      done(r);
    } catch (err) { setError(err); }
    setBusy(false);
  };
  return html`
    <section class="card bulk-bar no-print" aria-labelledby="bulk-title" data-bulk>
      <h2 id="bulk-title">${t('tips.bulk_title', { n: formatNumber(chosen.length) })}</h2>
      <${ProblemAlert} error=${error} />
      <div class="filter-row">
        <form class="inline-form" onSubmit=${(e) => { e.preventDefault(); send({ status: 'assigned', assigned_user_id: assignee }); }}>
          <${Select} label=${t('tips.assign_to')} name="bulk_assignee" value=${assignee} onChange=${setAssignee}
            options=${people.filter((u) => !u.disabled).map((u) => ({ value: u.id, label: u.id === me.id ? `${u.name} (${t('receipt.you')})` : u.name }))}
            empty=${t('common.choose')} />
          <button type="submit" class="btn" disabled=${!assignee || busy}>${t('tips.bulk_assign')}</button>
        </form>
        <form class="inline-form" onSubmit=${(e) => { e.preventDefault(); send({ status: 'closed', outcome }); }}>
          <${Select} label=${t('tips.outcome')} name="bulk_outcome" value=${outcome} onChange=${setOutcome}
            options=${enumOptions(OUTCOMES, 'tipoutcome')} empty=${t('common.choose')} />
          <button type="submit" class="btn" disabled=${!outcome || busy}>${t('tips.bulk_close')}</button>
        </form>
      </div>
    </section>`;
}

export default function Tips({ me, query }) {
  const cur = Object.fromEntries(query.entries());
  const filt = {};
  for (const k of ['q', 'status', 'category', 'overdue', 'mine', 'sort', 'bbox']) if (cur[k]) filt[k] = cur[k];
  const list = usePagedList('/tips', filt, [JSON.stringify(filt)]);
  const triager = can(me, 'tip', 'update');
  const people = useAsync(async () => (triager ? (await get('/users', { org_id: me.org_id, limit: 200 })).items : []), [me.org_id]);
  const areas = useAsync(async () => (await get('/tips/areas', { organisation: me.org_id })).items, [me.org_id]);
  const [words, setWords] = useState(cur.q || '');
  const [chosen, setChosen] = useState([]);
  const [result, setResult] = useState(null);
  const change = (k) => (v) => { setChosen([]); setQuery({ ...cur, [k]: v }); };
  const all = list.items.length > 0 && list.items.every((x) => chosen.includes(x.id));
  const toggle = (id, on) => setChosen(on ? [...chosen, id] : chosen.filter((y) => y !== id));
  const bulkDone = (r) => {
    setResult(r);
    setChosen([]);
    list.reload();
  };
  const areaOptions = (areas.data || []).map((a, i) => ({ value: areaBox(a), label: t('tips.area_n', { n: i + 1, km: formatNumber(Math.round(a.radius_m / 100) / 10) }) }));
  return html`
    <${PageHeader} title=${t('tips.title')} subtitle=${t('tips.subtitle')} />
    <form class="card search-form" role="search" aria-label=${t('tips.search')} onSubmit=${(e) => { e.preventDefault(); setChosen([]); setQuery({ ...cur, q: words.trim() }); }}>
      <${Field} label=${t('tips.search')} hint=${t('tips.search_hint')} name="q" type="search" value=${words} onInput=${setWords} />
      <button type="submit" class="btn btn-primary">${t('tips.search_button')}</button>
    </form>
    <${FilterBar} label=${t('tips.filters')}>
      <${Select} label=${t('tips.status')} name="status" value=${cur.status || ''} onChange=${change('status')}
        options=${enumOptions(STATUSES, 'tipstatus')} empty=${t('common.all')} />
      <${Select} label=${t('report.category')} name="category" value=${cur.category || ''} onChange=${change('category')}
        options=${enumOptions(TIP_CATEGORIES, 'tipcat')} empty=${t('common.all')} />
      ${areaOptions.length > 0 && html`<${Select} label=${t('tips.area')} name="bbox" value=${cur.bbox || ''} onChange=${change('bbox')}
        options=${areaOptions} empty=${t('common.all')} />`}
      <${Select} label=${t('tips.sort')} name="sort" value=${cur.sort || 'newest'} onChange=${change('sort')}
        options=${SORTS.map((k) => ({ value: k, label: t(`tips.sort_${k}`) }))} />
      <${Checkbox} label=${t('tips.only_overdue')} name="overdue" checked=${cur.overdue === 'true'}
        onChange=${(on) => change('overdue')(on ? 'true' : '')} />
      <${Checkbox} label=${t('tips.only_mine')} name="mine" checked=${cur.mine === 'true'}
        onChange=${(on) => change('mine')(on ? 'true' : '')} />
    </${FilterBar}>
    ${result && html`<${Notice} kind=${result.failed ? 'warn' : 'ok'}>
      <span data-bulk-result>${t('tips.bulk_done', { done: formatNumber(result.done), failed: formatNumber(result.failed) })}</span>
      ${result.failed > 0 && html`<ul class="plain-list small">${result.results.filter((r) => r.status !== 200).map((r) => html`
        <li key=${r.id}>${(list.items.find((x) => x.id === r.id) || {}).reference || r.id}: ${t(`tips.bulk_${r.code || 'invalid'}`)}</li>`)}</ul>`}
    </${Notice}>`}
    ${triager && chosen.length > 0 && html`<${BulkBar} me=${me} chosen=${chosen} people=${people.data || []} done=${bulkDone} />`}
    <${ProblemAlert} error=${list.error} />
    <${ListTable} list=${list} empty=${cur.q ? t('tips.nothing_found', { q: cur.q }) : t('tips.empty')} caption=${t('tips.title')}
      head=${[
        triager ? html`<input type="checkbox" aria-label=${t('tips.choose_all')} checked=${all} onChange=${(e) => setChosen(e.currentTarget.checked ? list.items.map((x) => x.id) : [])} />` : '',
        t('tips.reference'), t('tips.tip'), t('report.category'), t('tips.status'), t('tips.received'), t('tips.due')]}
      row=${(x) => html`
        <tr key=${x.id} class=${x.overdue ? 'row-overdue' : ''}>
          <td>${triager && html`<input type="checkbox" name="choose" value=${x.id} checked=${chosen.includes(x.id)}
            aria-label=${t('tips.choose', { ref: x.reference || '' })} onChange=${(e) => toggle(x.id, e.currentTarget.checked)} />`}</td>
          <td class="nowrap" data-reference>${x.reference || '—'}</td>
          <td><a href=${`/tips/${x.id}`}>${x.description.length > 80 ? `${x.description.slice(0, 80)}…` : x.description}</a>
            ${x.location && x.location.place && html`<div class="muted small">${x.location.place}</div>`}</td>
          <td>${t(`tipcat.${x.category}`)}</td>
          <td><${Badge} kind=${x.status === 'new' ? 'info' : 'neutral'}>${t(`tipstatus.${x.status}`)}</${Badge}>
            ${x.overdue && html` <${Badge} kind="danger">${t('tips.overdue')}</${Badge}>`}
            ${x.duplicate_of && html` <${Badge}>${t('tips.duplicate')}</${Badge}>`}</td>
          <td>${formatDateTime(x.created_at)}</td>
          <td>${x.acknowledged_at ? t('tips.acknowledged') : formatDateTime(x.ack_due_at)}</td>
        </tr>`} />
    ${triager && html`<${ExportLinks} path="/tips/export" query=${filt} formats=${['csv', 'json', 'geojson']} />`}`;
}

/** Marking a duplicate: a search by reference or words, with a preview of each. */
function DuplicatePicker({ tip, error, mark }) {
  const [words, setWords] = useState('');
  const [found, setFound] = useState(null);
  const [dup, setDup] = useState('');
  const [failed, setFailed] = useState(null);
  const search = async (e) => {
    e.preventDefault();
    setFailed(null);
    setDup('');
    try {
      const r = await get('/tips', { q: words.trim() || undefined, limit: 10 });
      setFound(r.items.filter((x) => x.id !== tip.id));
    } catch (err) { setFailed(err); }
  };
  return html`
    <div class="dup-picker" data-duplicate-picker>
      <form class="inline-form" onSubmit=${search}>
        <${Field} label=${t('tips.mark_duplicate')} hint=${t('tips.dup_hint')} name="dup_search" type="search" value=${words} onInput=${setWords} />
        <button type="submit" class="btn">${t('tips.search_button')}</button>
      </form>
      <${ProblemAlert} error=${failed} />
      <${FoundPicker} found=${found} empty=${t('tips.dup_none')} legend=${t('tips.dup_choose')} name="duplicate_of" idPrefix="dup"
        chosen=${dup} onChoose=${setDup} label=${(x) => html`<strong>${x.reference || ''}</strong> · ${t(`tipcat.${x.category}`)} · ${formatDateTime(x.created_at)}
          <span class="hint">${x.description.length > 200 ? `${x.description.slice(0, 200)}…` : x.description}${x.location && x.location.place ? ` — ${x.location.place}` : ''}</span>`}>
        ${error && error.fields.duplicate_of && html`<p class="field-error">${error.fields.duplicate_of}</p>`}
        <button type="button" class="btn" disabled=${!dup} onClick=${() => mark(dup)}>${t('tips.mark')}</button>
      </${FoundPicker}>
    </div>`;
}

function Thread({ path, title, empty, me, mine, label, button, canWrite }) {
  const list = useAsync(() => get(path, { limit: 200 }), [path]);
  const [body, setBody] = useState('');
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    try { await post(path, { body }); setBody(''); list.reload(); } catch (err) { setError(err); }
  };
  const id = `${title.replace(/\W+/g, '-')}-title`;
  return html`
    <section class="card" aria-labelledby=${id}>
      <h2 id=${id}>${title}</h2>
      ${list.error ? html`<${ProblemAlert} error=${list.error} />` : !list.data ? html`<${Loading} />`
        : list.data.items.length === 0 ? html`<p class="empty">${empty}</p>` : html`
        <ol class="thread">
          ${list.data.items.map((m) => html`
            <li key=${m.id} class=${`msg ${mine(m) ? 'msg-mine' : 'msg-theirs'}`}>
              <span class="msg-who">${m.direction ? t(`tips.dir_${m.direction}`) : (m.user_id === me.id ? t('receipt.you') : t('tips.colleague'))} · ${formatDateTime(m.at || m.created_at)}</span>
              <p>${m.body}</p>
            </li>`)}
        </ol>`}
      ${canWrite && html`
        <form onSubmit=${submit}>
          <${TextArea} label=${label} name=${id} value=${body} onInput=${setBody} error=${error && error.fields.body} />
          <div class="form-actions"><button type="submit" class="btn btn-primary" disabled=${!body.trim()}>${button}</button></div>
        </form>
        <${ProblemAlert} error=${error} />`}
    </section>`;
}

/** /tips/:id */
export function Detail({ me, params }) {
  const [tick, setTick] = useState(0);
  const d = useAsync(() => getVersioned(`/tips/${params.id}`), [params.id, tick]);
  const people = useAsync(async () => (can(me, 'tip', 'update') ? (await get('/users', { org_id: me.org_id, limit: 200 })).items : []), [me.org_id]);
  const [assignee, setAssignee] = useState('');
  const [dist, setDist] = useState('');
  const [outcome, setOutcome] = useState('');
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  if (!d.data) return html`<${Pending} r=${d} title=${t('tips.title')} />`;
  const tip = d.data.data;
  const own = tip.org_id === me.org_id;
  const canTriage = own && can(me, 'tip', 'update');
  const change = async (body, msg) => {
    setError(null);
    setNotice('');
    try {
      await request('PATCH', `/tips/${tip.id}`, { body, etag: d.data.etag });
      setNotice(msg);
      setTick((n) => n + 1);
    } catch (err) { setError(err); }
  };
  const next = NEXT[tip.status];
  const loc = tip.location || {};
  return html`
    <p class="breadcrumb"><a href="/tips">${t('tips.title')}</a></p>
    <${PageHeader} title=${`${tip.reference ? `${tip.reference} · ` : ''}${t(`tipcat.${tip.category}`)}`} subtitle=${t('tips.received_at', { at: formatDateTime(tip.created_at) })}>
      ${can(me, 'referral', 'create') && html`<a class="btn" href=${`/referrals/new?tip_id=${tip.id}`}>${t('ref.new')}</a>`}
    </${PageHeader}>
    <${Outcome} notice=${notice} error=${error} />
    <div class="two-col">
      <section class="card" aria-labelledby="tip-facts">
        <h2 id="tip-facts">${t('tips.what')}</h2>
        <p class="prewrap lead">${tip.description}</p>
        <dl class="facts">
          ${tip.reference && html`<div><dt>${t('tips.reference')}</dt><dd data-reference>${tip.reference}</dd></div>`}
          <div><dt>${t('tips.status')}</dt><dd><${Badge} kind="info">${t(`tipstatus.${tip.status}`)}</${Badge}>
            ${tip.overdue && html` <${Badge} kind="danger">${t('tips.overdue')}</${Badge}>`}</dd></div>
          <div><dt>${t('tips.due')}</dt><dd>${tip.acknowledged_at ? t('tips.acknowledged_at', { at: formatDateTime(tip.acknowledged_at) }) : formatDateTime(tip.ack_due_at)}</dd></div>
          ${loc.place && html`<div><dt>${t('report.place')}</dt><dd>${loc.place}</dd></div>`}
          ${tip.observed_at && html`<div><dt>${t('report.when')}</dt><dd>${formatDateTime(tip.observed_at)}</dd></div>`}
          ${tip.assigned_user_id && (people.data || []).some((u) => u.id === tip.assigned_user_id) && html`
            <div><dt>${t('tips.assignee')}</dt><dd>${people.data.find((u) => u.id === tip.assigned_user_id).name}</dd></div>`}
          <div><dt>${t('tips.contact')}</dt><dd>${tip.has_contact ? t('tips.has_contact') : t('tips.no_contact')}</dd></div>
          ${tip.outcome && html`<div><dt>${t('tips.outcome')}</dt><dd>${t(`tipoutcome.${tip.outcome}`)}</dd></div>`}
          ${tip.duplicate_of && html`<div><dt>${t('tips.duplicate_of')}</dt><dd><a href=${`/tips/${tip.duplicate_of}`}>${t('tips.open_original')}</a></dd></div>`}
        </dl>
      </section>
      ${loc.lat != null && html`
        <section class="card" aria-labelledby="tip-map">
          <h2 id="tip-map">${t('alerts.where')}</h2>
          <${DataMap} items=${[loc.precision_m || loc.coarsened ? { kind: 'circle', lat: loc.lat, lon: loc.lon, radius_km: (loc.precision_m || 1000) / 1000 } : { kind: 'point', lat: loc.lat, lon: loc.lon }]} highlight=${[tip.country]} height="small" />
        </section>`}
    </div>
    ${canTriage && tip.status !== 'closed' && html`
      <section class="card" aria-labelledby="triage-title">
        <h2 id="triage-title">${t('tips.triage')}</h2>
        <div class="actions-row">
          ${tip.status === 'new' && html`
            <button type="button" class="btn btn-primary" onClick=${() => change({ status: 'assigned', assigned_user_id: me.id }, t('tips.moved', { status: t('tipstatus.assigned') }))}>${t('tips.assign_me')}</button>`}
          ${next && next !== 'closed' && next !== 'assigned' && html`
            <button type="button" class="btn btn-primary" onClick=${() => change({ status: next }, t('tips.moved', { status: t(`tipstatus.${next}`) }))}>${t(`tips.to_${next}`)}</button>`}
          ${next === 'assigned' && html`
            <button type="button" class="btn btn-primary" onClick=${() => change({ status: 'assigned', assigned_user_id: me.id }, t('tips.moved', { status: t('tipstatus.assigned') }))}>${t('tips.assign_me')}</button>`}
        </div>
        ${['new', 'triaged', 'assigned', 'actioned'].includes(tip.status) && html`
          <form class="inline-form" onSubmit=${(e) => { e.preventDefault(); change({ status: ['new', 'triaged'].includes(tip.status) ? 'assigned' : tip.status, assigned_user_id: assignee }, t('tips.assigned_to', { name: ((people.data || []).find((u) => u.id === assignee) || {}).name || '' })); }}>
            <${Select} label=${t('tips.assign_to')} name="assignee" value=${assignee} onChange=${setAssignee}
              options=${(people.data || []).filter((u) => !u.disabled).map((u) => ({ value: u.id, label: u.name }))}
              empty=${t('common.choose')} error=${error && error.fields.assigned_user_id} />
            <button type="submit" class="btn" disabled=${!assignee}>${t('tips.assign')}</button>
          </form>`}
        ${can(me, 'tip', 'share') && html`
          <form class="inline-form" onSubmit=${(e) => { e.preventDefault(); change({ distribution: dist, sharing_group_id: null }, t('tips.shared', { dist: t(`dist.${dist}`) })); }}>
            <${Select} label=${t('tips.share_with')} name="distribution" value=${dist || tip.distribution} onChange=${setDist}
              options=${enumOptions(TIP_DISTRIBUTIONS, 'dist')} error=${error && error.fields.distribution} />
            <button type="submit" class="btn" disabled=${!dist || dist === tip.distribution}>${t('tips.share')}</button>
          </form>`}
        <form class="inline-form" onSubmit=${(e) => { e.preventDefault(); change({ status: 'closed', outcome }, t('tips.moved', { status: t('tipstatus.closed') })); }}>
          <${Select} label=${t('tips.outcome')} name="outcome" value=${outcome} onChange=${setOutcome}
            options=${enumOptions(OUTCOMES, 'tipoutcome')} empty=${t('common.choose')} error=${error && error.fields.outcome} />
          <button type="submit" class="btn" disabled=${!outcome}>${t('tips.close')}</button>
        </form>
        <${DuplicatePicker} tip=${tip} error=${error} mark=${(dup) => change({ duplicate_of: dup }, t('tips.marked_duplicate'))} />
      </section>`}
    <${Links} me=${me} type="tip" id=${tip.id} canChange=${canTriage} />
    ${own && tip.has_contact && can(me, 'tip_contact', 'read') && html`<${Contact} tip=${tip} />`}
    ${own && can(me, 'tip', 'update') && html`
      <div class="two-col">
        <${Thread} path=${`/tips/${tip.id}/messages`} title=${t('tips.messages')} empty=${t('tips.no_messages')} me=${me}
          mine=${(m) => m.direction === 'to_sender'} label=${t('tips.message_label')} button=${t('tips.send')} canWrite=${tip.status !== 'closed'} />
        <${Thread} path=${`/tips/${tip.id}/notes`} title=${t('tips.notes')} empty=${t('tips.no_notes')} me=${me}
          mine=${(m) => m.user_id === me.id} label=${t('tips.note_label')} button=${t('tips.add_note')} canWrite=${true} />
      </div>`}`;
}
