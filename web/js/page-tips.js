// Tips triage for the receiving organisation: the list with overdue flags;
// the detail with the status workflow, assignment, closing with an outcome,
// duplicate marking, internal notes and messages to the sender.
import { html, useState } from './lib.js';
import { t, formatDateTime } from './i18n.js';
import { get, post, getVersioned, request } from './api.js';
import { setQuery } from './router.js';
import {
  PageHeader, TextArea, Select, Checkbox, ProblemAlert, Loading, Table, useAsync, usePagedList, MoreButton, Notice, Badge,
} from './components.js';
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
    <section class="card" aria-labelledby="contact-title">
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

export default function Tips({ query }) {
  const cur = Object.fromEntries(query.entries());
  const filt = {};
  for (const k of ['status', 'category', 'overdue']) if (cur[k]) filt[k] = cur[k];
  const list = usePagedList('/tips', filt, [JSON.stringify(filt)]);
  const change = (k) => (v) => setQuery({ ...cur, [k]: v });
  return html`
    <${PageHeader} title=${t('tips.title')} subtitle=${t('tips.subtitle')} />
    <form class="filters card" aria-label=${t('tips.filters')} onSubmit=${(e) => e.preventDefault()}>
      <div class="filter-row">
        <${Select} label=${t('tips.status')} name="status" value=${cur.status || ''} onChange=${change('status')}
          options=${enumOptions(STATUSES, 'tipstatus')} empty=${t('common.all')} />
        <${Select} label=${t('report.category')} name="category" value=${cur.category || ''} onChange=${change('category')}
          options=${enumOptions(TIP_CATEGORIES, 'tipcat')} empty=${t('common.all')} />
        <${Checkbox} label=${t('tips.only_overdue')} name="overdue" checked=${cur.overdue === 'true'}
          onChange=${(on) => setQuery({ ...cur, overdue: on ? 'true' : '' })} />
      </div>
    </form>
    <${ProblemAlert} error=${list.error} />
    ${list.loading && list.items.length === 0 ? html`<${Loading} />`
      : list.items.length === 0 ? html`<p class="empty">${t('tips.empty')}</p>` : html`
      <${Table} caption=${t('tips.title')} head=${[t('tips.tip'), t('report.category'), t('tips.status'), t('tips.received'), t('tips.due')]}>
        ${list.items.map((x) => html`
          <tr key=${x.id} class=${x.overdue ? 'row-overdue' : ''}>
            <td><a href=${`/tips/${x.id}`}>${x.description.length > 80 ? `${x.description.slice(0, 80)}…` : x.description}</a>
              ${x.location && x.location.place && html`<div class="muted small">${x.location.place}</div>`}</td>
            <td>${t(`tipcat.${x.category}`)}</td>
            <td><${Badge} kind=${x.status === 'new' ? 'info' : 'neutral'}>${t(`tipstatus.${x.status}`)}</${Badge}>
              ${x.overdue && html` <${Badge} kind="danger">${t('tips.overdue')}</${Badge}>`}
              ${x.duplicate_of && html` <${Badge}>${t('tips.duplicate')}</${Badge}>`}</td>
            <td>${formatDateTime(x.created_at)}</td>
            <td>${x.acknowledged_at ? t('tips.acknowledged') : formatDateTime(x.ack_due_at)}</td>
          </tr>`)}
      </${Table}>
      <${MoreButton} list=${list} />`}`;
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
  const others = useAsync(async () => (await get('/tips', { limit: 100 })).items.filter((x) => x.id !== params.id), [params.id]);
  const people = useAsync(async () => (can(me, 'tip', 'update') ? (await get('/users', { org_id: me.org_id, limit: 200 })).items : []), [me.org_id]);
  const [assignee, setAssignee] = useState('');
  const [dist, setDist] = useState('');
  const [outcome, setOutcome] = useState('');
  const [dup, setDup] = useState('');
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  if (d.error) return html`<${PageHeader} title=${t('tips.title')} /><${ProblemAlert} error=${d.error} />`;
  if (!d.data) return html`<${Loading} />`;
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
    <${PageHeader} title=${t(`tipcat.${tip.category}`)} subtitle=${t('tips.received_at', { at: formatDateTime(tip.created_at) })}>
      ${((me.can || {}).referral || []).includes('create') && html`<a class="btn" href=${`/referrals/new?tip_id=${tip.id}`}>${t('ref.new')}</a>`}
    </${PageHeader}>
    ${notice && html`<${Notice}>${notice}</${Notice}>`}
    <${ProblemAlert} error=${error} />
    <div class="two-col">
      <section class="card" aria-labelledby="tip-facts">
        <h2 id="tip-facts">${t('tips.what')}</h2>
        <p class="prewrap lead">${tip.description}</p>
        <dl class="facts">
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
          ${next && next !== 'closed' && next !== 'assigned' && html`
            <button type="button" class="btn btn-primary" onClick=${() => change({ status: next }, t('tips.moved', { status: t(`tipstatus.${next}`) }))}>${t(`tips.to_${next}`)}</button>`}
          ${next === 'assigned' && html`
            <button type="button" class="btn btn-primary" onClick=${() => change({ status: 'assigned', assigned_user_id: me.id }, t('tips.moved', { status: t('tipstatus.assigned') }))}>${t('tips.assign_me')}</button>`}
        </div>
        ${['triaged', 'assigned', 'actioned'].includes(tip.status) && html`
          <form class="inline-form" onSubmit=${(e) => { e.preventDefault(); change({ status: tip.status === 'triaged' ? 'assigned' : tip.status, assigned_user_id: assignee }, t('tips.assigned_to', { name: ((people.data || []).find((u) => u.id === assignee) || {}).name || '' })); }}>
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
        <form class="inline-form" onSubmit=${(e) => { e.preventDefault(); change({ duplicate_of: dup }, t('tips.marked_duplicate')); }}>
          <${Select} label=${t('tips.mark_duplicate')} name="duplicate_of" value=${dup} onChange=${setDup}
            options=${(others.data || []).map((x) => ({ value: x.id, label: `${formatDateTime(x.created_at)} · ${x.description.slice(0, 50)}` }))}
            empty=${t('common.choose')} error=${error && error.fields.duplicate_of} />
          <button type="submit" class="btn" disabled=${!dup}>${t('tips.mark')}</button>
        </form>
      </section>`}
    ${own && tip.has_contact && can(me, 'tip_contact', 'read') && html`<${Contact} tip=${tip} />`}
    ${own && can(me, 'tip', 'update') && html`
      <div class="two-col">
        <${Thread} path=${`/tips/${tip.id}/messages`} title=${t('tips.messages')} empty=${t('tips.no_messages')} me=${me}
          mine=${(m) => m.direction === 'to_sender'} label=${t('tips.message_label')} button=${t('tips.send')} canWrite=${tip.status !== 'closed'} />
        <${Thread} path=${`/tips/${tip.id}/notes`} title=${t('tips.notes')} empty=${t('tips.no_notes')} me=${me}
          mine=${(m) => m.user_id === me.id} label=${t('tips.note_label')} button=${t('tips.add_note')} canWrite=${true} />
      </div>`}`;
}
