// Events: conferences and meetings with their sessions and minutes, the
// outcomes that arose there and the actions those became (owner, due date,
// status, overdue). What a user may do comes from /me `can`.
import { html, useState } from './lib.js';
import { t, formatDate, formatDateTime } from './i18n.js';
import { get, request, patch, getVersioned, listAll, organisations, createRecord, saveRecord } from './api.js';
import { setQuery, navigate } from './router.js';
import {
  PageHeader, Field, TextArea, Select, ProblemAlert, Loading, Table, useAsync, usePagedList, Notice, Badge,
  Checkbox, MultiSelect, useForm, FormPage, Pending,
} from './components.js';
import { ListTable } from './list-page.js';
import { enumOptions } from './labels.js';
import { pick } from './page-commitments.js';
import { ShareChooser } from './share.js';
import { DeleteButton } from './delete-button.js';

const KINDS = ['recommendation', 'decision', 'commitment'];
const ACTION_STATUSES = ['open', 'in_progress', 'done', 'cancelled'];
const can = (me, res, act) => ((me.can || {})[res] || []).includes(act);
const TYPES = ['conference', 'meeting', 'workshop', 'webinar', 'training', 'other'];
/** Only the creating organisation deletes a record. */
const mayDelete = (me, res, rec) => can(me, res, 'delete') && rec.org_id === me.org_id;
const day = (iso) => (iso ? String(iso).slice(0, 10) : '');

function DueBadge({ a }) {
  if (a.overdue) return html`<${Badge} kind="danger">${t('ev.overdue')}</${Badge}>`;
  if (a.due_soon) return html`<${Badge} kind="warn">${t('ev.due_soon')}</${Badge}>`;
  return null;
}

/** /events: the events, and the actions overdue or due within a week. */
export default function Events({ me, query }) {
  const cur = Object.fromEntries(query.entries());
  const list = usePagedList('/events', cur.series ? { series: cur.series } : {}, [cur.series]);
  const due = useAsync(async () => {
    const [over, soon, orgs] = await Promise.all([get('/actions', { due: 'overdue' }), get('/actions', { due: 'soon' }), organisations()]);
    return { items: [...over.items, ...soon.items], orgs };
  }, []);
  const name = (id) => ((due.data ? due.data.orgs : []).find((o) => o.id === id) || {}).name || '';
  return html`
    <${PageHeader} title=${t('ev.title')} subtitle=${t('ev.subtitle')}>
      ${can(me, 'event', 'create') && html`<a class="btn btn-primary" href="/events/new">${t('ev.new_event')}</a>`}
    </${PageHeader}>
    <${ProblemAlert} error=${list.error || due.error} />
    ${cur.series && html`<p><${Badge}>${cur.series}</${Badge}> <button type="button" class="btn btn-small" onClick=${() => setQuery({})}>${t('common.all')}</button></p>`}
    <${ListTable} list=${list} empty=${t('ev.empty')} caption=${t('ev.title')}
      head=${[t('ev.event'), t('ev.dates'), t('ev.place'), t('ev.series')]}
      row=${(e) => html`<tr key=${e.id}>
        <td><a href=${`/events/${e.id}`}>${e.title}</a>${e.demo ? html` <${Badge}>${t('ev.demo')}</${Badge}>` : ''}</td>
        <td>${formatDate(e.starts_on)}${e.ends_on && e.ends_on !== e.starts_on ? ` – ${formatDate(e.ends_on)}` : ''}</td>
        <td>${e.place || ''}${e.online ? ` · ${t('ev.online')}` : ''}</td>
        <td>${e.series ? html`<a href=${`/events?series=${encodeURIComponent(e.series)}`}>${e.series}</a>` : ''}</td>
      </tr>`} />
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
  if (!d.data) return html`<${Pending} r=${d} title=${t('ev.title')} />`;
  const { ev, orgs, cms } = d.data;
  const name = (id) => (orgs.find((o) => o.id === id) || {}).name || '';
  const reload = (msg) => { setNotice(msg || ''); setTick((n) => n + 1); };
  const sessionTitle = (id) => (ev.sessions.find((s) => s.id === id) || {}).title;
  const mayChange = ev.org_id === me.org_id || (ev.organisers || []).includes(me.org_id);
  return html`
    <p class="breadcrumb"><a href="/events">${t('ev.title')}</a></p>
    <${PageHeader} title=${ev.title} subtitle=${ev.organisers.map(name).join(', ')}>
      ${mayChange && can(me, 'event', 'update') && html`<a class="btn" href=${`/events/${ev.id}/edit`}>${t('common.edit')}</a>`}
      ${mayDelete(me, 'event', ev) && html`<${DeleteButton} path=${`/events/${ev.id}`} what=${ev.title} onDone=${() => navigate('/events')} />`}
    </${PageHeader}>
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
    <${Minutes} key=${ev.minutes ? ev.minutes.version : 0} ev=${ev} name=${name} mayChange=${mayChange && can(me, 'event', 'update')} onSaved=${() => reload(t('ev.minutes_saved'))} />
    <section class="card" aria-labelledby="outcomes-title">
      <h2 id="outcomes-title">${t('ev.outcomes')}</h2>
      ${ev.outcomes.length === 0 ? html`<p class="empty">${t('ev.no_outcomes')}</p>` : ev.outcomes.map((o) => html`
        <article class="outcome" key=${o.id} id=${`outcome-${o.id}`} data-outcome=${o.id}>
          <${OutcomeView} o=${o} ev=${ev} me=${me} sessionTitle=${sessionTitle} onSaved=${(msg) => reload(msg)} />
          <ul class="actions-list">${o.actions.map((a) => html`<${ActionRow} key=${a.id} a=${a} me=${me} name=${name} orgs=${orgs} cms=${cms} onSaved=${(msg) => reload(msg || t('ev.action_saved'))} />`)}</ul>
          ${can(me, 'action', 'create') && html`<${NewAction} outcome=${o} orgs=${orgs} cms=${cms} onSaved=${() => reload(t('ev.action_saved'))} />`}
        </article>`)}
      ${can(me, 'outcome', 'create') && html`<${NewOutcome} ev=${ev} onSaved=${() => reload(t('ev.outcome_saved'))} />`}
    </section>`;
}

function Minutes({ ev, mayChange, onSaved, name }) {
  const [text, setText] = useState(ev.minutes ? ev.minutes.text : '');
  const [open, setOpen] = useState(false);
  const [error, setError] = useState(null);
  const [versions, setVersions] = useState(null);
  const save = async (e) => {
    e.preventDefault();
    setError(null);
    // written from the version shown: a change by someone else in the meantime is refused (412), not overwritten
    const body = { text, base_version: ev.minutes ? ev.minutes.version : 0 };
    try { await request('POST', `/events/${ev.id}/minutes`, { body }); setOpen(false); onSaved(); } catch (err) { setError(err); }
  };
  const history = async () => {
    try { setVersions((await get(`/events/${ev.id}/minutes`)).items); } catch (err) { setError(err); }
  };
  return html`<section class="card" aria-labelledby="minutes-title">
    <h2 id="minutes-title">${t('ev.minutes')}</h2>
    ${ev.minutes ? html`<p class="prewrap">${ev.minutes.text}</p>
      <p class="muted small">${t('ev.minutes_version', { n: ev.minutes.version })} · ${formatDateTime(ev.minutes.created_at)}</p>`
    : html`<p class="empty">${t('ev.no_minutes')}</p>`}
    ${mayChange && !open && html`<button type="button" class="btn" onClick=${() => setOpen(true)}>${t('ev.edit_minutes')}</button>`}
    ${ev.minutes && ev.minutes.version > 1 && !versions && html` <button type="button" class="btn btn-quiet" onClick=${history}>${t('ev.minutes_history')}</button>`}
    ${versions && html`<ol class="minutes-history" reversed data-minutes-history>${versions.map((m) => html`<li key=${m.version}>
      <details><summary>${t('ev.minutes_version', { n: m.version })} · ${name(m.org_id)} · ${formatDateTime(m.created_at)}</summary>
      <p class="prewrap">${m.text}</p></details></li>`)}</ol>`}
    ${open && html`<form onSubmit=${save}><${ProblemAlert} error=${error} />
      <${TextArea} label=${t('ev.minutes')} name="minutes" value=${text} onInput=${setText} rows="8" />
      <button type="submit" class="btn btn-primary">${t('common.save')}</button></form>`}
  </section>`;
}

function ActionRow({ a, me, name, orgs, cms, onSaved }) {
  const [error, setError] = useState(null);
  const [editing, setEditing] = useState(false);
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
    ${a.notes && html`<p class="prewrap small">${a.notes}</p>`}
    <${ProblemAlert} error=${error} />
    ${mine && can(me, 'action', 'update')
    ? html`<${Select} label=${t('ev.status')} name=${`status-${a.id}`} value=${a.status} onChange=${move} options=${enumOptions(ACTION_STATUSES, 'evstatus')} />`
    : html`<p><${Badge}>${t(`evstatus.${a.status}`)}</${Badge}></p>`}
    <p class="row-actions">
      ${mine && can(me, 'action', 'update') && !editing && html`<button type="button" class="btn btn-small" data-edit-action=${a.id} onClick=${() => setEditing(true)}>${t('common.edit')}</button>`}
      ${mayDelete(me, 'action', a) && html`<${DeleteButton} small path=${`/actions/${a.id}`} what=${a.title} onDone=${() => onSaved(t('common.deleted'))} />`}
    </p>
    ${editing && html`<${ActionForm} a=${a} orgs=${orgs} cms=${cms} onDone=${(saved) => { setEditing(false); if (saved) onSaved(); }} />`}
  </li>`;
}

/** An action's change: title, owner, due date, notes, the commitment it
 * serves. */
function ActionForm({ a, orgs, cms, onDone }) {
  const { form, set, error, setError, f } = useForm({ title: a.title, owner_org_id: a.owner_org_id, due_on: day(a.due_on), notes: a.notes || '', commitment_id: a.commitment_id || '' });
  const save = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      await patch(`/actions/${a.id}`, { title: form.title, owner_org_id: form.owner_org_id, due_on: form.due_on || undefined, notes: form.notes,
        commitment_id: form.commitment_id || null }, `"${a.version}"`);
      onDone(true);
    } catch (err) { setError(err); }
  };
  return html`<form class="inline-form" onSubmit=${save} aria-label=${t('ev.edit_action')} data-action-form=${a.id}>
    <${ProblemAlert} error=${error} />
    <${Field} label=${t('ev.action_title')} name="action_title" value=${form.title} onInput=${set('title')} error=${f.title} required />
    <div class="two-col">
      <${Select} label=${t('ev.owner')} name="owner_org_id" value=${form.owner_org_id} onChange=${set('owner_org_id')}
        options=${orgs.map((o) => ({ value: o.id, label: o.name }))} error=${f.owner_org_id} required />
      <${Field} label=${t('ev.due')} name="due_on" type="date" value=${form.due_on} onInput=${set('due_on')} error=${f.due_on} required />
      <${Select} label=${t('cmt.commitment')} name="commitment_id" value=${form.commitment_id} onChange=${set('commitment_id')}
        options=${cms.map((c) => ({ value: c.id, label: `${c.paragraph} — ${pick(c.text).slice(0, 60)}` }))} empty=${t('common.none')} error=${f.commitment_id} />
    </div>
    <${TextArea} label=${t('ev.notes')} name="notes" value=${form.notes} onInput=${set('notes')} error=${f.notes} />
    <button type="submit" class="btn btn-primary">${t('common.save')}</button>
    <button type="button" class="btn btn-quiet" onClick=${() => onDone(false)}>${t('common.cancel')}</button>
  </form>`;
}

/** The fields of an outcome: its kind, its session of ev, its text. */
function OutcomeFields({ ev, form, set, f }) {
  return html`<div class="two-col">
      <${Select} label=${t('ev.kind')} name="kind" value=${form.kind} onChange=${set('kind')} options=${enumOptions(KINDS, 'evkind')} error=${f.kind} />
      <${Select} label=${t('ev.session')} name="session_id" value=${form.session_id} onChange=${set('session_id')}
        options=${ev.sessions.map((s) => ({ value: s.id, label: s.title }))} empty=${t('common.none')} error=${f.session_id} />
    </div>
    <${TextArea} label=${t('ev.outcome_text')} name="outcome_text" value=${form.text} onInput=${set('text')} error=${f.text} required />`;
}

/** An outcome, changed in place (kind, session, text) or deleted. */
function OutcomeView({ o, ev, me, sessionTitle, onSaved }) {
  const [editing, setEditing] = useState(false);
  const { form, set, error, setError, f } = useForm({ kind: o.kind, text: o.text, session_id: o.session_id || '' });
  const mine = o.org_id === me.org_id && can(me, 'outcome', 'update');
  const save = async (e) => {
    e.preventDefault();
    setError(null);
    const body = { kind: form.kind, text: form.text, session_id: form.session_id || null };
    if (!form.session_id) body.contribution_id = null;
    try { await patch(`/outcomes/${o.id}`, body, `"${o.version}"`); setEditing(false); onSaved(t('common.saved')); } catch (err) { setError(err); }
  };
  if (editing) {
    return html`<form class="inline-form" onSubmit=${save} aria-label=${t('ev.edit_outcome')}>
      <${ProblemAlert} error=${error} />
      <${OutcomeFields} ev=${ev} form=${form} set=${set} f=${f} />
      <button type="submit" class="btn btn-primary">${t('common.save')}</button>
      <button type="button" class="btn btn-quiet" onClick=${() => { setEditing(false); setError(null); }}>${t('common.cancel')}</button>
    </form>`;
  }
  return html`
    <p><${Badge}>${t(`evkind.${o.kind}`)}</${Badge}> ${o.text}</p>
    ${o.session_id && html`<p class="muted small">${t('ev.session')}: ${sessionTitle(o.session_id)}</p>`}
    <p class="row-actions">
      ${mine && html`<button type="button" class="btn btn-small" data-edit-outcome=${o.id} onClick=${() => setEditing(true)}>${t('common.edit')}</button>`}
      ${mayDelete(me, 'outcome', o) && html`<${DeleteButton} small path=${`/outcomes/${o.id}`} what=${o.text.slice(0, 60)} onDone=${() => onSaved(t('common.deleted'))} />`}
    </p>`;
}

/** /events/new and /events/:id/edit: the event, its sessions (title and
 * description; contributions and speakers are kept as they are) and who
 * sees it. */
export function EventForm({ me, params = {} }) {
  const d = useAsync(async () => {
    const [orgs, groups, rec] = await Promise.all([organisations(), listAll('/sharing-groups'),
      params.id ? getVersioned(`/events/${params.id}`) : Promise.resolve({ data: null, etag: null })]);
    return { orgs, groups: groups.items, rec };
  }, [params.id]);
  if (!d.data) return html`<${ProblemAlert} error=${d.error} /><${Loading} />`;
  return html`<${EventFormBody} me=${me} ...${d.data} />`;
}

function EventFormBody({ me, orgs, groups, rec }) {
  const e0 = rec.data;
  const { form, set, error, f, busy, submit } = useForm({
    title: e0 ? e0.title : '', type: e0 ? e0.type : 'conference', series: (e0 && e0.series) || '', starts_on: day(e0 && e0.starts_on),
    ends_on: day(e0 && e0.ends_on), timezone: (e0 && e0.timezone) || '', place: (e0 && e0.place) || '', online: Boolean(e0 && e0.online),
    organisers: (e0 && e0.organisers) || [], distribution: e0 ? e0.distribution : '', tlp: e0 ? e0.tlp : 'green', sharing_group_id: (e0 && e0.sharing_group_id) || '',
  });
  const [sessions, setSessions] = useState(e0 ? e0.sessions.map((s) => ({ ...s })) : []);
  const setSession = (i, k) => (v) => setSessions(sessions.map((s, j) => (j === i ? { ...s, [k]: v } : s)));
  const save = submit(async () => {
    const body = { title: form.title, type: form.type, series: form.series || null, starts_on: form.starts_on || undefined, ends_on: form.ends_on || null,
      timezone: form.timezone || null, place: form.place || null, online: form.online, organisers: form.organisers,
      sessions: sessions.map((s) => Object.fromEntries(Object.entries(s).filter(([k, v]) => !(k === 'description' && !v)))),
      distribution: form.distribution || undefined, tlp: form.tlp || undefined,
      sharing_group_id: form.distribution === 'sharing_group' ? (form.sharing_group_id || null) : (e0 ? null : undefined) };
    const r = await saveRecord('/events', rec, body);
    navigate(`/events/${r.id}`, { replace: true });
  });
  const mine = !e0 || e0.org_id === me.org_id;
  return html`
    <${FormPage} back="/events" backLabel=${t('ev.title')} title=${e0 ? t('ev.edit_event', { title: e0.title }) : t('ev.new_event')}
      onSubmit=${save} error=${error}>
      <${Field} label=${t('ev.event')} name="title" value=${form.title} onInput=${set('title')} error=${f.title} required />
      <div class="two-col">
        <${Select} label=${t('ev.type')} name="type" value=${form.type} onChange=${set('type')} options=${enumOptions(TYPES, 'evtype')} error=${f.type} required />
        <${Field} label=${t('ev.series')} name="series" value=${form.series} onInput=${set('series')} error=${f.series} />
        <${Field} label=${t('ev.starts_on')} name="starts_on" type="date" value=${form.starts_on} onInput=${set('starts_on')} error=${f.starts_on} required />
        <${Field} label=${t('ev.ends_on')} name="ends_on" type="date" value=${form.ends_on} onInput=${set('ends_on')} error=${f.ends_on} />
        <${Field} label=${t('ev.timezone')} name="timezone" value=${form.timezone} onInput=${set('timezone')} error=${f.timezone} hint="Europe/Vienna" />
        <${Field} label=${t('ev.place')} name="place" value=${form.place} onInput=${set('place')} error=${f.place} />
      </div>
      <${Checkbox} label=${t('ev.online')} name="online" checked=${form.online} onChange=${set('online')} />
      <${MultiSelect} label=${t('ev.organisers')} name="organisers" options=${orgs.map((o) => ({ value: o.id, label: o.name }))} value=${form.organisers}
        onChange=${set('organisers')} error=${f.organisers} />
      <fieldset class="sessions-edit" data-sessions>
        <legend>${t('ev.sessions')}</legend>
        ${f.sessions && html`<p class="field-error">${f.sessions}</p>`}
        ${sessions.map((s, i) => html`<div class="card" key=${s.id || `new-${i}`} data-session=${i}>
          ${f[`sessions[${i}]`] && html`<p class="field-error">${f[`sessions[${i}]`]}</p>`}
          <${Field} label=${t('ev.session_title', { n: i + 1 })} name=${`session-${i}`} value=${s.title || ''} onInput=${setSession(i, 'title')} required />
          <${TextArea} label=${t('ev.session_description')} name=${`session-${i}-description`} value=${s.description || ''} onInput=${setSession(i, 'description')} />
          ${(s.contributions || []).length > 0 && html`<p class="muted small">${t('ev.contributions_kept', { n: s.contributions.length })}</p>`}
          <button type="button" class="btn btn-small btn-quiet" onClick=${() => setSessions(sessions.filter((_, j) => j !== i))}>${t('ev.remove_session')}</button>
        </div>`)}
        <button type="button" class="btn btn-small" onClick=${() => setSessions([...sessions, { title: '' }])}>${t('ev.add_session')}</button>
      </fieldset>
      ${mine ? html`<${ShareChooser} canShare=${can(me, 'event', 'share')} form=${form} set=${set} org=${orgs.find((o) => o.id === me.org_id)} groups=${groups} errors=${f} />`
    : html`<p class="muted small">${t('ev.share_by_owner')}</p>`}
      <div class="form-actions"><button type="submit" class="btn btn-primary" disabled=${busy}>${t('common.save')}</button>
        <a class="btn btn-quiet" href=${e0 ? `/events/${e0.id}` : '/events'}>${t('common.cancel')}</a></div>
    </${FormPage}>`;
}

function NewOutcome({ ev, onSaved }) {
  const { form, setForm, set, error, setError, f } = useForm({ kind: 'recommendation', text: '', session_id: '' });
  const save = async (e) => {
    e.preventDefault();
    setError(null);
    const body = { event_id: ev.id, kind: form.kind, text: form.text, distribution: ev.distribution, tlp: ev.tlp };
    if (ev.distribution === 'sharing_group') body.sharing_group_id = ev.sharing_group_id;
    if (form.session_id) body.session_id = form.session_id;
    try { await createRecord('/outcomes', body); setForm({ ...form, text: '' }); onSaved(); } catch (err) { setError(err); }
  };
  return html`<form class="inline-form" onSubmit=${save} aria-label=${t('ev.new_outcome')}>
    <h3>${t('ev.new_outcome')}</h3>
    <${ProblemAlert} error=${error} />
    <${OutcomeFields} ev=${ev} form=${form} set=${set} f=${f} />
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
    try { await createRecord('/actions', body); setOpen(false); onSaved(); } catch (err) { setError(err); }
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
