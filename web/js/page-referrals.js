// Referrals: the service directory ("where can I send this young person"),
// the referral form with its consent step, the lists (mine, incoming,
// overdue), a referral's page with the moves of each side, and the
// outcomes. What a user may do comes from /me `can` and the referral's
// `sides`, never from a role list.
import { html, useState } from './lib.js';
import { t, formatDateTime } from './i18n.js';
import { get, post, request, organisations, idempotencyKey } from './api.js';
import { setQuery, navigate } from './router.js';
import {
  PageHeader, Field, TextArea, Select, Radios, Checkbox, ProblemAlert, Loading, Table, useAsync,
  usePagedList, Badge, Pending, Outcome,
} from './components.js';
import { ListTable } from './list-page.js';
import { enumOptions } from './labels.js';

export const SERVICE_TYPES = ['treatment', 'harm_reduction', 'psychosocial', 'social_services', 'family_support',
  'education_or_training', 'legal_aid', 'diversion_panel', 'other'];
const PATHWAYS = ['voluntary', 'pre_arrest_diversion', 'pre_trial', 'sentencing_condition', 'other'];
const URGENCIES = ['routine', 'urgent', 'emergency'];
const GENDERS = ['female', 'male', 'other', 'unknown'];
const OUTCOMES = ['attended', 'engaged', 'completed', 'did_not_attend', 'declined', 'other'];
const DIMENSIONS = ['pathway', 'service_type', 'age_band', 'gender'];
const can = (me, res, act) => ((me.can || {})[res] || []).includes(act);
const pct = (v) => (v === null || v === undefined ? '—' : `${Math.round(v * 100)} %`);

/** /services: the directory, searched by place, age and language. */
export function Services({ me, org }) {
  const [f, setF] = useState({ country: (org && org.country) || '', age: '', language: '', type: '' });
  const [res, setRes] = useState(null);
  const [error, setError] = useState(null);
  const search = async (e) => {
    if (e) e.preventDefault();
    setError(null);
    const q = Object.fromEntries(Object.entries(f).filter(([, v]) => v !== ''));
    try { setRes((await get('/services', q)).items); } catch (err) { setError(err); }
  };
  const fe = (error && error.fields) || {};
  return html`
    <${PageHeader} title=${t('svc.title')} subtitle=${t('svc.subtitle')}>
      ${can(me, 'referral', 'create') && html`<a class="btn btn-primary" href="/referrals/new">${t('ref.new')}</a>`}
    </${PageHeader}>
    <form class="filters card" aria-label=${t('svc.search')} onSubmit=${search} novalidate>
      <div class="filter-row">
        <${Field} label=${t('svc.country')} name="country" value=${f.country} onInput=${(v) => setF({ ...f, country: v.toUpperCase() })} error=${fe.country} maxlength="2" />
        <${Field} label=${t('svc.age')} name="age" type="number" value=${f.age} onInput=${(v) => setF({ ...f, age: v })} error=${fe.age} min="0" max="120" />
        <${Field} label=${t('svc.language')} name="language" value=${f.language} onInput=${(v) => setF({ ...f, language: v.toLowerCase() })} error=${fe.language} maxlength="3" />
        <${Select} label=${t('svc.type')} name="type" value=${f.type} onChange=${(v) => setF({ ...f, type: v })} options=${enumOptions(SERVICE_TYPES, 'svctype')} empty=${t('common.all')} />
      </div>
      <button type="submit" class="btn btn-primary">${t('svc.search')}</button>
    </form>
    <${ProblemAlert} error=${error} />
    ${res && (res.length === 0 ? html`<p class="empty">${t('svc.none')}</p>` : html`<${ServiceTable} items=${res} />`)}`;
}

function ServiceTable({ items, onPick }) {
  return html`
    <${Table} caption=${t('svc.title')} head=${[t('svc.name'), t('svc.type'), t('svc.ages'), t('svc.languages'), t('svc.waiting'), t('svc.deadlines'), '']}>
      ${items.map((s) => html`<tr key=${s.id}>
        <td><strong>${s.name}</strong><br /><span class="muted small">${s.org_name}${s.distance_m != null ? ` · ${(s.distance_m / 1000).toFixed(1)} km` : ''}</span></td>
        <td>${t(`svctype.${s.type}`)}</td>
        <td>${s.age_min}–${s.age_max}</td>
        <td>${(s.languages || []).join(', ')}</td>
        <td>${s.waiting_days ?? '—'}</td>
        <td data-deadlines>${s.deadlines ? t('svc.deadlines_value', { hours: s.deadlines.ack_hours, days: s.deadlines.first_contact_days }) : '—'}</td>
        <td>${onPick && html`<button type="button" class="btn" onClick=${() => onPick(s)}>${t('ref.choose')}</button>`}</td>
      </tr>`)}
    </${Table}>`;
}

/** /referrals: mine, incoming, overdue. */
export default function Referrals({ me, query }) {
  const cur = Object.fromEntries(query.entries());
  const box = cur.box || 'mine';
  const filt = box === 'overdue' ? { overdue: 'true' } : { box };
  const list = usePagedList('/referrals', filt, [box]);
  const tabs = ['mine', 'incoming', 'overdue'];
  return html`
    <${PageHeader} title=${t('ref.title')} subtitle=${t('ref.subtitle')}>
      ${can(me, 'referral', 'create') && html`<a class="btn btn-primary" href="/referrals/new">${t('ref.new')}</a>`}
    </${PageHeader}>
    <nav class="tabs" aria-label=${t('ref.boxes')}>
      ${tabs.map((b) => html`<a href=${`/referrals?box=${b}`} aria-current=${b === box ? 'page' : undefined}
        onClick=${(e) => { e.preventDefault(); setQuery({ box: b }); }}>${t(`ref.box_${b}`)}</a>`)}
    </nav>
    <${ProblemAlert} error=${list.error} />
    <${ListTable} list=${list} empty=${t('ref.empty')} caption=${t(`ref.box_${box}`)}
      head=${[t('ref.referral'), t('ref.pathway'), t('ref.status'), t('ref.due')]}
      row=${(r) => html`<tr key=${r.id}>
        <td><a href=${`/referrals/${r.id}`}>${t(`svctype.${r.service_type}`)} · ${t(`ageband.${r.age_band}`)} · ${t(`refgender.${r.gender}`)}</a></td>
        <td>${t(`pathway.${r.pathway}`)}</td>
        <td><${Badge} kind=${r.overdue ? 'warn' : 'neutral'}>${t(`refstatus.${r.status}`)}</${Badge}>${r.overdue ? html` <${Badge} kind="warn">${t('ref.overdue')}</${Badge}>` : ''}</td>
        <td>${r.ack_due_at ? formatDateTime(r.ack_due_at) : '—'}</td>
      </tr>`} />`;
}

/** /referrals/new: choose a service, describe the young person, record
 * consent, send. */
export function New({ me, org, query }) {
  const [step, setStep] = useState(1);
  const [svc, setSvc] = useState(null);
  const [found, setFound] = useState(null);
  const [search, setSearch] = useState({ age: '', language: '' });
  const [form, setForm] = useState({ given_name: '', family_name: '', birth_date: '', contact: '', guardian: '',
    gender: '', pathway: '', urgency: 'routine', area: '', facts: '' });
  const [consent, setConsent] = useState({ subject: '', service: false, sharing: false, statistics: false });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  // a refused send leaves the draft and its consents: a retry goes on from them
  const [made, setMade] = useState({ id: null, consented: false });
  const set = (k) => (v) => setForm({ ...form, [k]: v });
  const fe = (error && error.fields) || {};
  const find = async (e) => {
    e.preventDefault();
    setError(null);
    const q = { country: (org && org.country) || undefined, age: search.age || undefined, language: search.language || undefined };
    try { setFound((await get('/services', q)).items); } catch (err) { setError(err); }
  };
  const send = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const links = {};
    for (const k of ['tip_id', 'problem_id', 'alert_id']) if (query && query.get(k)) links[k] = query.get(k);
    const person = { given_name: form.given_name, family_name: form.family_name, birth_date: form.birth_date };
    if (form.contact) person.contact = form.contact;
    if (form.guardian) person.guardian = form.guardian;
    const body = { service_id: svc.id, pathway: form.pathway, urgency: form.urgency, gender: form.gender, person, ...links };
    if (form.area) body.area = form.area;
    if (form.facts) body.facts = form.facts;
    let { id, consented } = made;
    try {
      if (!id) {
        id = (await request('POST', '/referrals', { body, headers: { 'Idempotency-Key': idempotencyKey() } })).data.id;
        setMade({ id, consented });
      }
      const scopes = ['service', 'sharing', 'statistics'].filter((s) => consent[s]);
      if (!consented && consent.subject && scopes.length) {
        await post(`/referrals/${id}/consents`, { subject: consent.subject, scopes, decision: 'given' });
        consented = true;
        setMade({ id, consented });
      }
      const cur = await request('GET', `/referrals/${id}`);
      await request('PATCH', `/referrals/${id}`, { body: { status: 'sent' }, etag: cur.etag });
      navigate(`/referrals/${id}`, { replace: true });
    } catch (err) { setError(err); setBusy(false); }
  };
  return html`
    <p class="breadcrumb"><a href="/referrals">${t('ref.title')}</a></p>
    <${PageHeader} title=${t('ref.new')} subtitle=${t(`ref.step${step}`)} />
    <${ProblemAlert} error=${error} />
    ${step === 1 && html`
      <form class="card form-card" onSubmit=${find} novalidate>
        <${Field} label=${t('svc.age')} name="age" type="number" value=${search.age} onInput=${(v) => setSearch({ ...search, age: v })} error=${fe.age} min="0" max="120" />
        <${Field} label=${t('svc.language')} name="language" value=${search.language} onInput=${(v) => setSearch({ ...search, language: v.toLowerCase() })} error=${fe.language} maxlength="3" />
        <button type="submit" class="btn btn-primary">${t('svc.search')}</button>
      </form>
      ${found && (found.length === 0 ? html`<p class="empty">${t('svc.none')}</p>`
        : html`<${ServiceTable} items=${found} onPick=${(s) => { setSvc(s); setStep(2); }} />`)}`}
    ${step === 2 && html`
      <form class="card form-card" onSubmit=${(e) => { e.preventDefault(); setStep(3); }} novalidate>
        <p><strong>${svc.name}</strong> · ${svc.org_name}</p>
        <p class="hint">${t('ref.sealed_hint')}</p>
        <${Field} label=${t('ref.given_name')} name="given_name" value=${form.given_name} onInput=${set('given_name')} error=${fe['person.given_name']} required autocomplete="off" />
        <${Field} label=${t('ref.family_name')} name="family_name" value=${form.family_name} onInput=${set('family_name')} error=${fe['person.family_name']} required autocomplete="off" />
        <${Field} label=${t('ref.birth_date')} name="birth_date" type="date" value=${form.birth_date} onInput=${set('birth_date')} error=${fe['person.birth_date']} required />
        <${Field} label=${t('ref.contact')} name="contact" value=${form.contact} onInput=${set('contact')} error=${fe['person.contact']} autocomplete="off" />
        <${Field} label=${t('ref.guardian')} name="guardian" value=${form.guardian} onInput=${set('guardian')} error=${fe['person.guardian']} autocomplete="off" />
        <${Select} label=${t('ref.gender')} name="gender" value=${form.gender} onChange=${set('gender')} options=${enumOptions(GENDERS, 'refgender')} empty="" error=${fe.gender} required />
        <${Select} label=${t('ref.pathway')} name="pathway" value=${form.pathway} onChange=${set('pathway')} options=${enumOptions(PATHWAYS, 'pathway')} empty="" error=${fe.pathway} required />
        <${Select} label=${t('ref.urgency')} name="urgency" value=${form.urgency} onChange=${set('urgency')} options=${enumOptions(URGENCIES, 'urgency')} error=${fe.urgency} />
        <${Field} label=${t('ref.area')} name="area" value=${form.area} onInput=${set('area')} error=${fe.area} />
        <${TextArea} label=${t('ref.facts')} name="facts" value=${form.facts} onInput=${set('facts')} error=${fe.facts} rows="4" />
        <div class="form-actions">
          <button type="submit" class="btn btn-primary">${t('ref.next')}</button>
          <button type="button" class="btn btn-quiet" onClick=${() => setStep(1)}>${t('ref.back')}</button>
        </div>
      </form>`}
    ${step === 3 && html`
      <form class="card form-card" onSubmit=${send} novalidate>
        <p class="hint">${t('ref.consent_hint')}</p>
        <${Radios} legend=${t('ref.consent_by')} name="subject" value=${consent.subject} onChange=${(v) => setConsent({ ...consent, subject: v })}
          options=${[{ value: 'person', label: t('ref.subject_person') }, { value: 'guardian', label: t('ref.subject_guardian') }]} error=${fe.consent} />
        <${Checkbox} label=${t('ref.scope_service')} name="scope_service" checked=${consent.service} onChange=${(v) => setConsent({ ...consent, service: v })} />
        <${Checkbox} label=${t('ref.scope_sharing')} name="scope_sharing" checked=${consent.sharing} onChange=${(v) => setConsent({ ...consent, sharing: v })} />
        <${Checkbox} label=${t('ref.scope_statistics')} name="scope_statistics" checked=${consent.statistics} onChange=${(v) => setConsent({ ...consent, statistics: v })} />
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled=${busy}>${t('ref.send')}</button>
          <button type="button" class="btn btn-quiet" onClick=${() => setStep(2)}>${t('ref.back')}</button>
        </div>
      </form>`}`;
}

/** The moves of each side, in the order of the workflow. */
const MOVES = {
  referring: { draft: ['sent', 'revoked'], sent: ['revoked'], acknowledged: ['revoked'], accepted: ['revoked'], first_contact: ['revoked'], engaged: ['revoked'] },
  receiving: { sent: ['acknowledged', 'accepted', 'rejected'], acknowledged: ['accepted', 'rejected'], accepted: ['first_contact'],
    first_contact: ['engaged', 'completed', 'disengaged'], engaged: ['completed', 'disengaged'] },
};

/** /referrals/:id: status, deadlines, outcome; the moves of the caller's side. */
export function Detail({ me, params }) {
  const [tick, setTick] = useState(0);
  const d = useAsync(async () => ({ r: await request('GET', `/referrals/${params.id}`), orgs: await organisations() }), [params.id, tick]);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  const [extra, setExtra] = useState({ reason: '', outcome: '', why: '' });
  const [person, setPerson] = useState(null);
  if (!d.data) return html`<${Pending} r=${d} title=${t('ref.title')} />`;
  const r = d.data.r.data;
  const name = (id) => (d.data.orgs.find((o) => o.id === id) || {}).name || '';
  const moves = can(me, 'referral', 'update') ? (r.sides || []).flatMap((s) => (MOVES[s][r.status] || [])) : [];
  const move = async (status) => {
    setError(null);
    const body = { status };
    if (status === 'rejected') body.reason = extra.reason;
    if (status === 'completed' || status === 'disengaged') body.outcome = extra.outcome;
    try { await request('PATCH', `/referrals/${r.id}`, { body, etag: d.data.r.etag }); setNotice(t(`refstatus.${status}`)); setTick((n) => n + 1); } catch (err) { setError(err); }
  };
  const read = async (e) => {
    e.preventDefault();
    setError(null);
    try { setPerson((await get(`/referrals/${r.id}/person`, { reason: extra.why })).person); } catch (err) { setError(err); }
  };
  const fe = (error && error.fields) || {};
  const row = (k, v) => html`<div><dt>${t(k)}</dt><dd>${v}</dd></div>`;
  return html`
    <p class="breadcrumb"><a href="/referrals">${t('ref.title')}</a></p>
    <${PageHeader} title=${`${t(`svctype.${r.service_type}`)} · ${t(`ageband.${r.age_band}`)}`} subtitle=${`${name(r.ref_org_id)} → ${name(r.recv_org_id)}`} />
    <${Outcome} notice=${notice} error=${error} />
    <section class="card">
      <dl class="facts">
        ${row('ref.status', html`<${Badge} kind=${r.overdue ? 'warn' : 'neutral'}>${t(`refstatus.${r.status}`)}</${Badge}>${r.overdue ? html` <${Badge} kind="warn">${t('ref.overdue')}</${Badge}>` : ''}`)}
        ${row('ref.pathway', t(`pathway.${r.pathway}`))}
        ${row('ref.urgency', t(`urgency.${r.urgency}`))}
        ${row('ref.gender', t(`refgender.${r.gender}`))}
        ${row('ref.due', r.ack_due_at ? formatDateTime(r.ack_due_at) : '—')}
        ${row('ref.contact_due', r.contact_due_at ? formatDateTime(r.contact_due_at) : '—')}
        ${r.outcome && row('ref.outcome', t(`refoutcome.${r.outcome}`))}
        ${r.reject_reason && row('ref.reason', r.reject_reason)}
      </dl>
    </section>
    ${moves.length > 0 && html`
      <section class="card" aria-labelledby="moves-title">
        <h2 id="moves-title">${t('ref.actions')}</h2>
        ${moves.includes('rejected') && html`<${Field} label=${t('ref.reason')} name="reason" value=${extra.reason} onInput=${(v) => setExtra({ ...extra, reason: v })} error=${fe.reason} />`}
        ${(moves.includes('completed') || moves.includes('disengaged')) && html`
          <${Select} label=${t('ref.outcome')} name="outcome" value=${extra.outcome} onChange=${(v) => setExtra({ ...extra, outcome: v })} options=${enumOptions(OUTCOMES, 'refoutcome')} empty="" error=${fe.outcome} />`}
        <div class="form-actions">
          ${moves.map((m) => html`<button type="button" class="btn" onClick=${() => move(m)}>${t(`refmove.${m}`)}</button>`)}
        </div>
      </section>`}
    ${can(me, 'referral_person', 'read') && r.has_person && html`
      <form class="card form-card" onSubmit=${read} novalidate>
        <h2>${t('ref.person')}</h2>
        <${Field} label=${t('ref.why')} name="why" value=${extra.why} onInput=${(v) => setExtra({ ...extra, why: v })} error=${fe.reason} hint=${t('ref.why_hint')} />
        <button type="submit" class="btn">${t('ref.read_person')}</button>
        ${person && html`<dl class="facts">${Object.entries(person).map(([k, v]) => row(`ref.${k}`, v ?? '—'))}</dl>`}
      </form>`}`;
}

/** /referrals/outcomes: the figures a ministry asks for, small counts hidden. */
export function Outcomes({ query }) {
  const by = (query && query.get('by')) || 'pathway';
  const d = useAsync(() => get('/referrals/outcomes', { by }), [by]);
  const label = (v) => t(`${{ pathway: 'pathway', service_type: 'svctype', age_band: 'ageband', gender: 'refgender' }[by]}.${v}`);
  return html`
    <${PageHeader} title=${t('out.title')} subtitle=${t('out.subtitle')} />
    <form class="filters card" onSubmit=${(e) => e.preventDefault()}>
      <${Select} label=${t('out.by')} name="by" value=${by} onChange=${(v) => setQuery({ by: v })} options=${enumOptions(DIMENSIONS, 'outdim')} />
    </form>
    <${ProblemAlert} error=${d.error} />
    ${!d.data ? html`<${Loading} />` : html`
      <${Table} caption=${t('out.title')} head=${[t('out.group'), t('out.referrals'), t('out.ack'), t('out.first_contact'), t('out.completed'), t('out.median')]}>
        ${d.data.groups.map((g) => html`<tr key=${g.value}>
          <td>${label(g.value)}</td>
          <td>${g.suppressed ? html`<span class="muted">${t('out.suppressed')}</span>` : g.referrals}</td>
          <td>${pct(g.acknowledged_in_time)}</td><td>${pct(g.first_contact)}</td><td>${pct(g.completed)}</td>
          <td>${g.median_days_to_first_contact ?? '—'}</td>
        </tr>`)}
      </${Table}>`}`;
}
