// Events: conferences and meetings with their sessions and minutes, the
// outcomes that arose there and the actions those became (owner, due date,
// status, overdue). What a user may do comes from /me `can`.
import { html, useState } from './lib.js';
import { t, formatDate, formatDateTime } from './i18n.js';
import { get, request, patch, getVersioned, listAll, organisations } from './api.js';
import { setQuery } from './router.js';
import {
  PageHeader, Field, TextArea, Select, ProblemAlert, Loading, Table, useAsync, usePagedList, MoreButton, Notice, Badge,
} from './components.js';
import { enumOptions } from './labels.js';
import { pick } from './page-commitments.js';

const KINDS = ['recommendation', 'decision', 'commitment'];
const ACTION_STATUSES = ['open', 'in_progress', 'done', 'cancelled'];
const can = (me, res, act) => ((me.can || {})[res] || []).includes(act);

function DueBadge({ a }) {
  if (a.overdue) return html`<${Badge} kind="danger">${t('ev.overdue')}</${Badge}>`;
  if (a.due_soon) return html`<${Badge} kind="warn">${t('ev.due_soon')}</${Badge}>`;
  return null;
}

/** /events: the events, and the actions overdue or due within a week. */
export default function Events({ query }) {
  const cur = Object.fromEntries(query.entries());
  const list = usePagedList('/events', cur.series ? { series: cur.series } : {}, [cur.series]);
  const due = useAsync(async () => {
    const [over, soon, orgs] = await Promise.all([get('/actions', { due: 'overdue' }), get('/actions', { due: 'soon' }), organisations()]);
    return { items: [...over.items, ...soon.items], orgs };
  }, []);
  const name = (id) => ((due.data ? due.data.orgs : []).find((o) => o.id === id) || {}).name || '';
  return html`
    <${PageHeader} title=${t('ev.title')} subtitle=${t('ev.subtitle')} />
    <${ProblemAlert} error=${list.error || due.error} />
    ${cur.series && html`<p><${Badge}>${cur.series}</${Badge}> <button type="button" class="btn btn-small" onClick=${() => setQuery({})}>${t('common.all')}</button></p>`}
    ${list.loading && list.items.length === 0 ? html`<${Loading} />`
      : list.items.length === 0 ? html`<p class="empty">${t('ev.empty')}</p>` : html`
      <${Table} caption=${t('ev.title')} head=${[t('ev.event'), t('ev.dates'), t('ev.place'), t('ev.series')]}>
        ${list.items.map((e) => html`<tr key=${e.id}>
          <td><a href=${`/events/${e.id}`}>${e.title}</a>${e.demo ? html` <${Badge}>${t('ev.demo')}</${Badge}>` : ''}</td>
          <td>${formatDate(e.starts_on)}${e.ends_on && e.ends_on !== e.starts_on ? ` – ${formatDate(e.ends_on)}` : ''}</td>
          <td>${e.place || ''}${e.online ? ` · ${t('ev.online')}` : ''}</td>
          <td>${e.series ? html`<a href=${`/events?series=${encodeURIComponent(e.series)}`}>${e.series}</a>` : ''}</td>
        </tr>`)}
      </${Table}>
      <${MoreButton} list=${list} />`}
    ${cur.series && html`<${SeriesRollup} series=${cur.series} />`}
    <section class="card" aria-labelledby="due-title">
      <h2 id="due-title">${t('ev.due_actions')}</h2>
      ${!due.data ? html`<${Loading} />` : due.data.items.length === 0 ? html`<p class="empty">${t('ev.nothing_due')}</p>` : html`
        <ul class="member-list" data-due>${due.data.items.map((a) => html`<li key=${a.id}>
          <span><a href=${`/events/${a.event_id}#action-${a.id}`}>${a.title}</a> <${DueBadge} a=${a} /></span>
          <span class="muted small">${name(a.owner_org_id)} · ${formatDate(a.due_on)}</span></li>`)}</ul>`}
    </section>`;
}

/** What became of the outcomes of every event of a series, year by year. */
function SeriesRollup({ series }) {
  const d = useAsync(async () => {
    const evs = (await listAll('/events', { series })).items;
    const full = await Promise.all(evs.map((e) => get(`/events/${e.id}`)));
    return full.sort((a, b) => String(a.starts_on).localeCompare(String(b.starts_on)));
  }, [series]);
  if (!d.data) return html`<${ProblemAlert} error=${d.error} />`;
  const count = (ev, pred) => ev.outcomes.reduce((n, o) => n + o.actions.filter(pred).length, 0);
  return html`<section class="card" aria-labelledby="rollup-title" data-rollup>
    <h2 id="rollup-title">${t('ev.rollup')}</h2>
    <${Table} caption=${t('ev.rollup')} head=${[t('ev.event'), t('ev.outcomes'), t('ev.actions_done'), t('ev.overdue')]}>
      ${d.data.map((ev) => html`<tr key=${ev.id}>
        <td><a href=${`/events/${ev.id}`}>${ev.title}</a> <span class="muted small">${formatDate(ev.starts_on)}</span></td>
        <td>${ev.outcomes.length}</td>
        <td>${count(ev, (a) => a.status === 'done')} / ${count(ev, () => true)}</td>
        <td>${count(ev, (a) => a.overdue)}</td>
      </tr>`)}
    </${Table}>
  </section>`;
}

/** /events/:id: the event, its sessions, minutes, outcomes and actions. */
export function Detail({ me, params }) {
  const [tick, setTick] = useState(0);
  const d = useAsync(async () => {
    const [ev, orgs, cms] = await Promise.all([get(`/events/${params.id}`), organisations(), listAll('/commitments')]);
    return { ev, orgs, cms: cms.items };
  }, [params.id, tick]);
  const [notice, setNotice] = useState('');
  if (d.error) return html`<${PageHeader} title=${t('ev.title')} /><${ProblemAlert} error=${d.error} />`;
  if (!d.data) return html`<${Loading} />`;
  const { ev, orgs, cms } = d.data;
  const name = (id) => (orgs.find((o) => o.id === id) || {}).name || '';
  const reload = (msg) => { setNotice(msg || ''); setTick((n) => n + 1); };
  const sessionTitle = (id) => (ev.sessions.find((s) => s.id === id) || {}).title;
  const mayChange = ev.org_id === me.org_id || (ev.organisers || []).includes(me.org_id);
  return html`
    <p class="breadcrumb"><a href="/events">${t('ev.title')}</a></p>
    <${PageHeader} title=${ev.title} subtitle=${ev.organisers.map(name).join(', ')} />
    ${notice && html`<${Notice}>${notice}</${Notice}>`}
    ${ev.demo && html`<p class="alert">${t('ev.demo_note')}</p>`}
    <section class="card">
      <dl class="facts">
        <div><dt>${t('ev.dates')}</dt><dd>${formatDate(ev.starts_on)}${ev.ends_on && ev.ends_on !== ev.starts_on ? ` – ${formatDate(ev.ends_on)}` : ''}${ev.timezone ? ` (${ev.timezone})` : ''}</dd></div>
        <div><dt>${t('ev.place')}</dt><dd>${ev.place || '—'}${ev.online ? ` · ${t('ev.online')}` : ''}</dd></div>
        <div><dt>${t('ev.type')}</dt><dd>${t(`evtype.${ev.type}`)}</dd></div>
        ${ev.series && html`<div><dt>${t('ev.series')}</dt><dd><a href=${`/events?series=${encodeURIComponent(ev.series)}`}>${ev.series}</a></dd></div>`}
        ${ev.participants.length > 0 && html`<div><dt>${t('ev.participants')}</dt><dd>${ev.participants.map(name).join(', ')}</dd></div>`}
      </dl>
    </section>
    <section class="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">${t('ev.sessions')}</h2>
      <ol class="sessions">${ev.sessions.map((s) => html`<li key=${s.id}><strong>${s.title}</strong>
        ${(s.contributions || []).length > 0 && html`<ul>${s.contributions.map((c) => html`<li key=${c.id}>${c.title}
          ${(c.speakers || []).length > 0 && html`<span class="muted small"> — ${c.speakers.map((p) => `${p.name}${p.org_id ? ` (${name(p.org_id)})` : ''}`).join(', ')}</span>`}</li>`)}</ul>`}
      </li>`)}</ol>
    </section>
    <${Minutes} ev=${ev} mayChange=${mayChange && can(me, 'event', 'update')} onSaved=${() => reload(t('ev.minutes_saved'))} />
    <section class="card" aria-labelledby="outcomes-title">
      <h2 id="outcomes-title">${t('ev.outcomes')}</h2>
      ${ev.outcomes.length === 0 ? html`<p class="empty">${t('ev.no_outcomes')}</p>` : ev.outcomes.map((o) => html`
        <article class="outcome" key=${o.id} id=${`outcome-${o.id}`}>
          <p><${Badge}>${t(`evkind.${o.kind}`)}</${Badge}> ${o.text}</p>
          ${o.session_id && html`<p class="muted small">${t('ev.session')}: ${sessionTitle(o.session_id)}</p>`}
          <ul class="actions-list">${o.actions.map((a) => html`<${ActionRow} key=${a.id} a=${a} me=${me} name=${name} cms=${cms} onSaved=${() => reload(t('ev.action_saved'))} />`)}</ul>
          ${can(me, 'action', 'create') && html`<${NewAction} outcome=${o} orgs=${orgs} cms=${cms} onSaved=${() => reload(t('ev.action_saved'))} />`}
        </article>`)}
      ${can(me, 'outcome', 'create') && html`<${NewOutcome} ev=${ev} onSaved=${() => reload(t('ev.outcome_saved'))} />`}
    </section>`;
}

function Minutes({ ev, mayChange, onSaved }) {
  const [text, setText] = useState(ev.minutes ? ev.minutes.text : '');
  const [open, setOpen] = useState(false);
  const [error, setError] = useState(null);
  const save = async (e) => {
    e.preventDefault();
    setError(null);
    try { await request('POST', `/events/${ev.id}/minutes`, { body: { text } }); setOpen(false); onSaved(); } catch (err) { setError(err); }
  };
  return html`<section class="card" aria-labelledby="minutes-title">
    <h2 id="minutes-title">${t('ev.minutes')}</h2>
    ${ev.minutes ? html`<p class="prewrap">${ev.minutes.text}</p>
      <p class="muted small">${t('ev.minutes_version', { n: ev.minutes.version })} · ${formatDateTime(ev.minutes.created_at)}</p>`
    : html`<p class="empty">${t('ev.no_minutes')}</p>`}
    ${mayChange && !open && html`<button type="button" class="btn" onClick=${() => setOpen(true)}>${t('ev.edit_minutes')}</button>`}
    ${open && html`<form onSubmit=${save}><${ProblemAlert} error=${error} />
      <${TextArea} label=${t('ev.minutes')} name="minutes" value=${text} onInput=${setText} rows="8" />
      <button type="submit" class="btn btn-primary">${t('common.save')}</button></form>`}
  </section>`;
}

function ActionRow({ a, me, name, cms, onSaved }) {
  const [error, setError] = useState(null);
  const mine = a.org_id === me.org_id || a.owner_org_id === me.org_id;
  const cm = cms.find((c) => c.id === a.commitment_id);
  const move = async (status) => {
    setError(null);
    try {
      const cur = await getVersioned(`/actions/${a.id}`);
      await patch(`/actions/${a.id}`, { status }, cur.etag);
      onSaved();
    } catch (err) { setError(err); }
  };
  return html`<li id=${`action-${a.id}`} class="action" data-action=${a.id}>
    <p><strong>${a.title}</strong> <${DueBadge} a=${a} /></p>
    <p class="muted small">${t('ev.owner')}: ${name(a.owner_org_id)} · ${t('ev.due')}: ${formatDate(a.due_on)}
      ${cm && html` · ${t('cmt.commitment')}: ${cm.paragraph} — ${pick(cm.text)}`}</p>
    <${ProblemAlert} error=${error} />
    ${mine && can(me, 'action', 'update')
    ? html`<${Select} label=${t('ev.status')} name=${`status-${a.id}`} value=${a.status} onChange=${move} options=${enumOptions(ACTION_STATUSES, 'evstatus')} />`
    : html`<p><${Badge}>${t(`evstatus.${a.status}`)}</${Badge}></p>`}
  </li>`;
}

function NewOutcome({ ev, onSaved }) {
  const [form, setForm] = useState({ kind: 'recommendation', text: '', session_id: '' });
  const [error, setError] = useState(null);
  const set = (k) => (v) => setForm({ ...form, [k]: v });
  const f = (error && error.fields) || {};
  const save = async (e) => {
    e.preventDefault();
    setError(null);
    const body = { event_id: ev.id, kind: form.kind, text: form.text, distribution: ev.distribution, tlp: ev.tlp };
    if (ev.distribution === 'sharing_group') body.sharing_group_id = ev.sharing_group_id;
    if (form.session_id) body.session_id = form.session_id;
    try { await request('POST', '/outcomes', { body, headers: { 'Idempotency-Key': crypto.randomUUID() } }); setForm({ ...form, text: '' }); onSaved(); } catch (err) { setError(err); }
  };
  return html`<form class="inline-form" onSubmit=${save} aria-label=${t('ev.new_outcome')}>
    <h3>${t('ev.new_outcome')}</h3>
    <${ProblemAlert} error=${error} />
    <div class="two-col">
      <${Select} label=${t('ev.kind')} name="kind" value=${form.kind} onChange=${set('kind')} options=${enumOptions(KINDS, 'evkind')} error=${f.kind} />
      <${Select} label=${t('ev.session')} name="session_id" value=${form.session_id} onChange=${set('session_id')}
        options=${ev.sessions.map((s) => ({ value: s.id, label: s.title }))} empty=${t('common.none')} error=${f.session_id} />
    </div>
    <${TextArea} label=${t('ev.outcome_text')} name="outcome_text" value=${form.text} onInput=${set('text')} error=${f.text} required />
    <button type="submit" class="btn">${t('ev.add_outcome')}</button>
  </form>`;
}

function NewAction({ outcome, orgs, cms, onSaved }) {
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ title: '', owner_org_id: '', due_on: '', commitment_id: '' });
  const [error, setError] = useState(null);
  if (!open) return html`<button type="button" class="btn btn-small" onClick=${() => setOpen(true)}>${t('ev.new_action')}</button>`;
  const set = (k) => (v) => setForm({ ...form, [k]: v });
  const f = (error && error.fields) || {};
  const save = async (e) => {
    e.preventDefault();
    setError(null);
    const body = { outcome_id: outcome.id, title: form.title, owner_org_id: form.owner_org_id || undefined, due_on: form.due_on || undefined,
      distribution: outcome.distribution, tlp: outcome.tlp };
    if (outcome.distribution === 'sharing_group') body.sharing_group_id = outcome.sharing_group_id;
    if (form.commitment_id) body.commitment_id = form.commitment_id;
    try { await request('POST', '/actions', { body, headers: { 'Idempotency-Key': crypto.randomUUID() } }); setOpen(false); onSaved(); } catch (err) { setError(err); }
  };
  return html`<form class="inline-form" onSubmit=${save} aria-label=${t('ev.new_action')}>
    <${ProblemAlert} error=${error} />
    <${Field} label=${t('ev.action_title')} name="action_title" value=${form.title} onInput=${set('title')} error=${f.title} required />
    <div class="two-col">
      <${Select} label=${t('ev.owner')} name="owner_org_id" value=${form.owner_org_id} onChange=${set('owner_org_id')}
        options=${orgs.map((o) => ({ value: o.id, label: o.name }))} empty=${t('common.choose')} error=${f.owner_org_id} required />
      <${Field} label=${t('ev.due')} name="due_on" type="date" value=${form.due_on} onInput=${set('due_on')} error=${f.due_on} required />
      <${Select} label=${t('cmt.commitment')} name="commitment_id" value=${form.commitment_id} onChange=${set('commitment_id')}
        options=${cms.map((c) => ({ value: c.id, label: `${c.paragraph} — ${pick(c.text).slice(0, 60)}` }))} empty=${t('common.none')} error=${f.commitment_id} />
    </div>
    <button type="submit" class="btn btn-primary">${t('common.save')}</button>
  </form>`;
}
