// Commitments: policy documents and their commitments, the State x
// commitment matrix (a table on a desktop, a list per State on a phone),
// a State's page, an assessment with its evidence and comments, and the
// forms to record each. What a user may do comes from /me `can`.
import { html, useState, useMemo } from './lib.js';
import { t, language, countryName, formatDate, formatDateTime } from './i18n.js';
import { get, post, request, listAll, countries as loadCountries, organisations } from './api.js';
import { setQuery, navigate } from './router.js';
import {
  PageHeader, Field, TextArea, Select, ProblemAlert, Loading, Table, useAsync, usePagedList, MoreButton, Notice, Badge, ExportLinks, Checkbox,
} from './components.js';
import { countryOptions, enumOptions } from './labels.js';
import { ShareChooser } from './share.js';

export const THEMES = ['prevention', 'treatment', 'community_policing', 'supply_reduction', 'precursors', 'information_sharing', 'co_operation', 'other'];
export const STATUSES = ['no_evidence', 'not_started', 'limited', 'substantial', 'complete'];
const KINDS = ['self', 'independent'];

const can = (me, res, act) => ((me.can || {})[res] || []).includes(act);
/** A text in several languages, in the reader's if there. */
export const pick = (texts) => (typeof texts === 'string' ? texts
  : texts ? texts[language()] || texts.en || Object.values(texts)[0] || '' : '');
const statusBadge = (s) => (s ? html`<${Badge} kind=${`cmt-${s}`}>${t(`cmtstatus.${s}`)}</${Badge}>` : html`<span class="muted">—</span>`);
const change = (c) => (c && c !== 'new' ? html` <span class=${`change change-${c}`}>${t(`cmtchange.${c}`)}</span>` : '');

function Cell({ cell }) {
  if (!cell) return html`<span class="muted">—</span>`;
  return html`<a href=${`/assessments/${cell.assessment_id}`}>${statusBadge(cell.status)}</a>
    <span class="muted small"> ${cell.period}</span>${change(cell.change)}`;
}

/** /commitments: documents and commitments. */
export default function Commitments({ me, query }) {
  const cur = Object.fromEntries(query.entries());
  const filt = Object.fromEntries(['theme', 'document_id'].filter((k) => cur[k]).map((k) => [k, cur[k]]));
  const docs = useAsync(async () => (await listAll('/documents')).items, []);
  const list = usePagedList('/commitments', filt, [cur.theme, cur.document_id]);
  const docName = (id) => ((docs.data || []).find((d) => d.id === id) || {}).title || '';
  return html`
    <${PageHeader} title=${t('cmt.title')} subtitle=${t('cmt.subtitle')}>
      <a class="btn" href="/commitments/matrix">${t('cmt.matrix')}</a>
      ${can(me, 'document', 'create') && html`<a class="btn" href="/documents/new">${t('cmt.new_document')}</a>`}
      ${can(me, 'commitment', 'create') && html`<a class="btn btn-primary" href="/commitments/new">${t('cmt.new')}</a>`}
    </${PageHeader}>
    <form class="filters card" aria-label=${t('cmt.filters')} onSubmit=${(e) => e.preventDefault()}>
      <div class="filter-row">
        <${Select} label=${t('cmt.theme')} name="theme" value=${cur.theme || ''} onChange=${(v) => setQuery({ ...cur, theme: v })}
          options=${enumOptions(THEMES, 'cmttheme')} empty=${t('common.all')} />
        <${Select} label=${t('cmt.document')} name="document_id" value=${cur.document_id || ''} onChange=${(v) => setQuery({ ...cur, document_id: v })}
          options=${(docs.data || []).map((d) => ({ value: d.id, label: d.title }))} empty=${t('common.all')} />
      </div>
    </form>
    <${ProblemAlert} error=${list.error || docs.error} />
    ${list.loading && list.items.length === 0 ? html`<${Loading} />`
      : list.items.length === 0 ? html`<p class="empty">${t('cmt.empty')}</p>` : html`
      <${Table} caption=${t('cmt.title')} head=${[t('cmt.paragraph'), t('cmt.text'), t('cmt.theme'), t('cmt.document')]}>
        ${list.items.map((c) => html`<tr key=${c.id}>
          <td>${c.paragraph}</td><td lang=${c.text[language()] ? language() : 'en'}>${pick(c.text)}</td>
          <td>${t(`cmttheme.${c.theme}`)}</td><td>${docName(c.document_id)}</td>
        </tr>`)}
      </${Table}>
      <${MoreButton} list=${list} />`}
    <section class="card">
      <h2>${t('cmt.documents')}</h2>
      <ul class="member-list">${(docs.data || []).map((d) => html`<li key=${d.id}>
        <span>${d.url ? html`<a href=${d.url} rel="noopener noreferrer">${d.title}</a>` : d.title}${d.symbol ? ` (${d.symbol})` : ''}</span>
        <span class="muted small">${d.issuer}${d.adopted_on ? ` · ${formatDate(d.adopted_on)}` : ''}</span></li>`)}</ul>
    </section>`;
}

function useShareData(me) {
  return useAsync(async () => {
    const [orgs, groups] = await Promise.all([organisations(), listAll('/sharing-groups')]);
    return { orgs, groups: groups.items, org: orgs.find((o) => o.id === me.org_id) };
  }, []);
}

async function create(path, body, setError, setBusy) {
  setBusy(true);
  setError(null);
  try {
    return (await request('POST', path, { body, headers: { 'Idempotency-Key': crypto.randomUUID() } })).data;
  } catch (err) { setError(err); setBusy(false); return null; }
}

const cleanShare = (form) => ({ distribution: form.distribution || undefined, tlp: form.tlp || undefined,
  sharing_group_id: form.distribution === 'sharing_group' ? (form.sharing_group_id || null) : undefined });

/** /documents/new */
export function NewDocument({ me }) {
  const d = useShareData(me);
  const [form, setForm] = useState({ title: '', issuer: '', symbol: '', adopted_on: '', url: '', distribution: '', tlp: 'clear', sharing_group_id: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  if (!d.data) return html`<${ProblemAlert} error=${d.error} /><${Loading} />`;
  const set = (k) => (v) => setForm({ ...form, [k]: v });
  const f = (error && error.fields) || {};
  const save = async (e) => {
    e.preventDefault();
    const body = { title: form.title, issuer: form.issuer, ...cleanShare(form) };
    for (const k of ['symbol', 'adopted_on', 'url']) if (form[k]) body[k] = form[k];
    if (await create('/documents', body, setError, setBusy)) navigate('/commitments');
  };
  return html`
    <p class="breadcrumb"><a href="/commitments">${t('cmt.title')}</a></p>
    <${PageHeader} title=${t('cmt.new_document')} />
    <form class="card form-card wide" onSubmit=${save} novalidate>
      <${ProblemAlert} error=${error} />
      <${Field} label=${t('cmt.doc_title')} name="title" value=${form.title} onInput=${set('title')} error=${f.title} required />
      <div class="two-col">
        <${Field} label=${t('cmt.issuer')} name="issuer" value=${form.issuer} onInput=${set('issuer')} error=${f.issuer} required />
        <${Field} label=${t('cmt.symbol')} name="symbol" value=${form.symbol} onInput=${set('symbol')} error=${f.symbol} />
        <${Field} label=${t('cmt.adopted_on')} name="adopted_on" type="date" value=${form.adopted_on} onInput=${set('adopted_on')} error=${f.adopted_on} />
        <${Field} label=${t('cmt.url')} name="url" type="url" value=${form.url} onInput=${set('url')} error=${f.url} />
      </div>
      <${ShareChooser} canShare=${can(me, 'document', 'share')} form=${form} set=${set} org=${d.data.org} groups=${d.data.groups} errors=${f} />
      <div class="form-actions"><button type="submit" class="btn btn-primary" disabled=${busy}>${t('common.save')}</button>
        <a class="btn btn-quiet" href="/commitments">${t('common.cancel')}</a></div>
    </form>`;
}

/** /commitments/new: a commitment of a document, its text in en, fr, ru. */
export function NewCommitment({ me }) {
  const d = useShareData(me);
  const docs = useAsync(async () => (await listAll('/documents')).items, []);
  const [form, setForm] = useState({ document_id: '', paragraph: '', en: '', fr: '', ru: '', theme: '', definition: '', unit: '', arq_module: '', distribution: '', tlp: 'clear', sharing_group_id: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  if (!d.data || !docs.data) return html`<${ProblemAlert} error=${d.error || docs.error} /><${Loading} />`;
  const set = (k) => (v) => setForm({ ...form, [k]: v });
  const f = (error && error.fields) || {};
  const save = async (e) => {
    e.preventDefault();
    const text = Object.fromEntries(['en', 'fr', 'ru'].filter((l) => form[l].trim()).map((l) => [l, form[l].trim()]));
    const body = { document_id: form.document_id || undefined, paragraph: form.paragraph, text, theme: form.theme || undefined, ...cleanShare(form) };
    if (form.definition) body.indicators = [{ definition: form.definition, unit: form.unit, arq_module: form.arq_module }];
    if (await create('/commitments', body, setError, setBusy)) navigate('/commitments');
  };
  return html`
    <p class="breadcrumb"><a href="/commitments">${t('cmt.title')}</a></p>
    <${PageHeader} title=${t('cmt.new')} />
    <form class="card form-card wide" onSubmit=${save} novalidate>
      <${ProblemAlert} error=${error} />
      <div class="two-col">
        <${Select} label=${t('cmt.document')} name="document_id" value=${form.document_id} onChange=${set('document_id')}
          options=${docs.data.map((x) => ({ value: x.id, label: x.title }))} empty=${t('common.choose')} error=${f.document_id} required />
        <${Field} label=${t('cmt.paragraph')} name="paragraph" value=${form.paragraph} onInput=${set('paragraph')} error=${f.paragraph} required />
        <${Select} label=${t('cmt.theme')} name="theme" value=${form.theme} onChange=${set('theme')}
          options=${enumOptions(THEMES, 'cmttheme')} empty=${t('common.choose')} error=${f.theme} required />
      </div>
      ${f.text && html`<p class="field-error">${f.text}</p>`}
      <${TextArea} label=${`${t('cmt.text')} (English)`} name="text_en" value=${form.en} onInput=${set('en')} lang="en" />
      <${TextArea} label=${`${t('cmt.text')} (Français)`} name="text_fr" value=${form.fr} onInput=${set('fr')} lang="fr" />
      <${TextArea} label=${`${t('cmt.text')} (Русский)`} name="text_ru" value=${form.ru} onInput=${set('ru')} lang="ru" />
      <fieldset class="card"><legend>${t('cmt.indicator')}</legend>
        ${f['indicators[0]'] && html`<p class="field-error">${f['indicators[0]']}</p>`}
        <${Field} label=${t('cmt.definition')} name="definition" value=${form.definition} onInput=${set('definition')} />
        <div class="two-col">
          <${Field} label=${t('cmt.unit')} name="unit" value=${form.unit} onInput=${set('unit')} />
          <${Field} label=${t('cmt.arq')} name="arq_module" value=${form.arq_module} onInput=${set('arq_module')} />
        </div>
      </fieldset>
      <${ShareChooser} canShare=${can(me, 'commitment', 'share')} form=${form} set=${set} org=${d.data.org} groups=${d.data.groups} errors=${f} />
      <div class="form-actions"><button type="submit" class="btn btn-primary" disabled=${busy}>${t('common.save')}</button>
        <a class="btn btn-quiet" href="/commitments">${t('common.cancel')}</a></div>
    </form>`;
}

/** /commitments/matrix: States x commitments, filters, CSV and JSON. */
export function Matrix({ query }) {
  const cur = Object.fromEntries(query.entries());
  const filt = Object.fromEntries(['theme', 'document_id', 'period', 'state'].filter((k) => cur[k]).map((k) => [k, cur[k]]));
  const d = useAsync(async () => {
    const [m, docs, countries] = await Promise.all([get('/assessments/matrix', filt), listAll('/documents'), loadCountries()]);
    return { m, docs: docs.items, countries };
  }, [cur.theme, cur.document_id, cur.period, cur.state]);
  const [period, setPeriod] = useState(cur.period || '');
  return html`
    <p class="breadcrumb"><a href="/commitments">${t('cmt.title')}</a></p>
    <${PageHeader} title=${t('cmt.matrix')} subtitle=${t('cmt.matrix_hint')} />
    <form class="filters card" aria-label=${t('cmt.filters')} onSubmit=${(e) => { e.preventDefault(); setQuery({ ...cur, period }); }}>
      <div class="filter-row">
        <${Select} label=${t('cmt.state')} name="state" value=${cur.state || ''} onChange=${(v) => setQuery({ ...cur, state: v })}
          options=${countryOptions(d.data ? d.data.countries : [])} empty=${t('common.all')} />
        <${Select} label=${t('cmt.theme')} name="theme" value=${cur.theme || ''} onChange=${(v) => setQuery({ ...cur, theme: v })}
          options=${enumOptions(THEMES, 'cmttheme')} empty=${t('common.all')} />
        <${Select} label=${t('cmt.document')} name="document_id" value=${cur.document_id || ''} onChange=${(v) => setQuery({ ...cur, document_id: v })}
          options=${(d.data ? d.data.docs : []).map((x) => ({ value: x.id, label: x.title }))} empty=${t('common.all')} />
        <${Field} label=${t('cmt.period')} name="period" value=${period} onInput=${setPeriod} hint=${t('cmt.period_hint')} onBlur=${() => setQuery({ ...cur, period })} />
      </div>
    </form>
    <${ExportLinks} path="/assessments/matrix" query=${filt} formats=${['csv', 'json']} />
    <${ProblemAlert} error=${d.error} />
    ${!d.data ? html`<${Loading} />` : d.data.m.states.length === 0 ? html`<p class="empty">${t('cmt.matrix_empty')}</p>` : html`
      <div class="matrix-wide">
        <${Table} caption=${t('cmt.matrix')} head=${[t('cmt.state'), ...d.data.m.commitments.map((c) => `${c.paragraph} · ${t(`cmttheme.${c.theme}`)}`)]}>
          ${d.data.m.states.map((s) => html`<tr key=${s.state}>
            <th scope="row"><a href=${`/states/${s.state}`}>${countryName(s.state)}</a></th>
            ${d.data.m.commitments.map((c) => html`<td>
              <div><span class="muted small">${t('cmtkind.self')}: </span><${Cell} cell=${(s.cells[c.id] || {}).self} /></div>
              <div><span class="muted small">${t('cmtkind.independent')}: </span><${Cell} cell=${(s.cells[c.id] || {}).independent} /></div>
            </td>`)}
          </tr>`)}
        </${Table}>
      </div>
      <div class="matrix-narrow">
        ${d.data.m.states.map((s) => html`<section class="card" key=${s.state} data-state=${s.state}>
          <h2><a href=${`/states/${s.state}`}>${countryName(s.state)}</a></h2>
          <ul class="member-list">${d.data.m.commitments.filter((c) => s.cells[c.id]).map((c) => html`<li>
            <span>${c.paragraph} — ${pick(c.text)}</span>
            <span><${Cell} cell=${s.cells[c.id].self} /> / <${Cell} cell=${s.cells[c.id].independent} /></span></li>`)}</ul>
        </section>`)}
      </div>`}`;
}

/** /states/:iso2: where a State stands, and recording an assessment with evidence. */
export function State({ me, params }) {
  const iso2 = params.iso2;
  const [tick, setTick] = useState(0);
  const d = useAsync(async () => get(`/countries/${iso2}/commitments`), [iso2, tick]);
  const [adding, setAdding] = useState(false);
  const mayAssess = can(me, 'assessment', 'create');
  return html`
    <p class="breadcrumb"><a href="/commitments/matrix">${t('cmt.matrix')}</a></p>
    <${PageHeader} title=${countryName(iso2)} subtitle=${t('cmt.state_hint')}>
      ${mayAssess && !adding && html`<button type="button" class="btn btn-primary" onClick=${() => setAdding(true)}>${t('cmt.assess')}</button>`}
    </${PageHeader}>
    <${ProblemAlert} error=${d.error} />
    ${adding && html`<${AssessmentForm} me=${me} state=${iso2} onDone=${() => { setAdding(false); setTick((n) => n + 1); }} />`}
    <${ExportLinks} path=${`/countries/${iso2}/commitments`} formats=${['csv', 'json']} />
    ${!d.data ? html`<${Loading} />` : html`
      <ul class="state-list">
        ${d.data.commitments.map((c) => {
    const cell = (d.data.states[0] && d.data.states[0].cells[c.id]) || {};
    return html`<li class="card" key=${c.id}>
            <p><strong>${c.paragraph}</strong> <span class="muted small">${t(`cmttheme.${c.theme}`)}</span></p>
            <p>${pick(c.text)}</p>
            <dl class="facts">
              <div><dt>${t('cmtkind.self')}</dt><dd><${Cell} cell=${cell.self} /></dd></div>
              <div><dt>${t('cmtkind.independent')}</dt><dd><${Cell} cell=${cell.independent} /></dd></div>
            </dl>
          </li>`;
  })}
      </ul>`}`;
}

/** The form of an assessment: commitment, period, kind, status, narrative,
 * evidence suggested by the server and confirmed by the author. */
function AssessmentForm({ me, state, onDone }) {
  const d = useAsync(async () => {
    const [cms, orgs, groups] = await Promise.all([listAll('/commitments'), organisations(), listAll('/sharing-groups')]);
    return { cms: cms.items, orgs, groups: groups.items, org: orgs.find((o) => o.id === me.org_id) };
  }, []);
  const [form, setForm] = useState({ commitment_id: '', period: String(new Date().getFullYear()), kind: '', status: '', narrative: '', lead_org_id: '', distribution: '', tlp: 'green', sharing_group_id: '' });
  const [chosen, setChosen] = useState([]);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const sugg = useAsync(async () => (form.commitment_id ? (await get('/assessments/suggestions', { state, commitment_id: form.commitment_id })).items : []), [form.commitment_id]);
  const kinds = useMemo(() => KINDS.map((k) => ({ value: k, label: t(`cmtkind.${k}`) })), []);
  if (!d.data) return html`<${ProblemAlert} error=${d.error} /><${Loading} />`;
  const set = (k) => (v) => setForm({ ...form, [k]: v });
  const f = (error && error.fields) || {};
  const toggle = (s) => (on) => setChosen(on ? [...chosen, s] : chosen.filter((x) => x.id !== s.id));
  const save = async (e) => {
    e.preventDefault();
    const body = { state, commitment_id: form.commitment_id || undefined, period: form.period, kind: form.kind || undefined, status: form.status || undefined,
      narrative: form.narrative, evidence: chosen.map((s) => ({ type: s.type, id: s.id })), ...cleanShare(form) };
    if (form.lead_org_id) body.lead_org_id = form.lead_org_id;
    const r = await create('/assessments', body, setError, setBusy);
    if (r) navigate(`/assessments/${r.id}`);
  };
  return html`
    <form class="card form-card wide" onSubmit=${save} novalidate aria-label=${t('cmt.assess')}>
      <h2>${t('cmt.assess')}</h2>
      <${ProblemAlert} error=${error} />
      <${Select} label=${t('cmt.commitment')} name="commitment_id" value=${form.commitment_id} onChange=${set('commitment_id')}
        options=${d.data.cms.map((c) => ({ value: c.id, label: `${c.paragraph} — ${pick(c.text).slice(0, 80)}` }))} empty=${t('common.choose')} error=${f.commitment_id} required />
      <div class="two-col">
        <${Field} label=${t('cmt.period')} name="period" value=${form.period} onInput=${set('period')} hint=${t('cmt.period_hint')} error=${f.period} required />
        <${Select} label=${t('cmt.kind')} name="kind" value=${form.kind} onChange=${set('kind')} options=${kinds} empty=${t('common.choose')} error=${f.kind} required />
        <${Select} label=${t('cmt.status')} name="status" value=${form.status} onChange=${set('status')} options=${enumOptions(STATUSES, 'cmtstatus')} empty=${t('common.choose')} error=${f.status} required />
        <${Select} label=${t('cmt.lead')} name="lead_org_id" value=${form.lead_org_id} onChange=${set('lead_org_id')}
          options=${d.data.orgs.filter((o) => o.country === state).map((o) => ({ value: o.id, label: o.name }))} empty=${t('common.none')} error=${f.lead_org_id} />
      </div>
      <${TextArea} label=${t('cmt.narrative')} name="narrative" value=${form.narrative} onInput=${set('narrative')} error=${f.narrative} rows="4" />
      <fieldset class="evidence" data-suggestions>
        <legend>${t('cmt.evidence')}</legend>
        <p class="hint">${t('cmt.suggest_hint')}</p>
        ${f.evidence && html`<p class="field-error">${f.evidence}</p>`}
        ${(sugg.data || []).length === 0 ? html`<p class="muted small">${t('cmt.no_suggestions')}</p>`
    : sugg.data.map((s) => html`<${Checkbox} key=${s.id} name=${`ev-${s.id}`} label=${`${t(`cmtev.${s.type}`)}: ${s.title}`}
            checked=${chosen.some((x) => x.id === s.id)} onChange=${toggle(s)} />`)}
      </fieldset>
      <${ShareChooser} canShare=${can(me, 'assessment', 'share')} form=${form} set=${set} org=${d.data.org} groups=${d.data.groups} errors=${f} />
      <div class="form-actions"><button type="submit" class="btn btn-primary" disabled=${busy}>${t('common.save')}</button>
        <button type="button" class="btn btn-quiet" onClick=${onDone}>${t('common.cancel')}</button></div>
    </form>`;
}

/** /assessments/:id */
export function Assessment({ me, params }) {
  const [tick, setTick] = useState(0);
  const d = useAsync(async () => {
    const a = await get(`/assessments/${params.id}`);
    const [cm, orgs] = await Promise.all([get(`/commitments/${a.commitment_id}`), organisations()]);
    return { a, cm, orgs };
  }, [params.id, tick]);
  const [comment, setComment] = useState('');
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  if (d.error) return html`<${PageHeader} title=${t('cmt.assessment')} /><${ProblemAlert} error=${d.error} />`;
  if (!d.data) return html`<${Loading} />`;
  const { a, cm, orgs } = d.data;
  const name = (id) => (orgs.find((o) => o.id === id) || {}).name || '';
  const hrefOf = (e) => ({ activity: '/activities/', practice: '/practices/', proposal: '/proposals/', alert: '/alerts/', event: '/events/' }[e.type]);
  const send = async (e) => {
    e.preventDefault();
    setError(null);
    try { await post(`/assessments/${a.id}/comments`, { text: comment }); setComment(''); setNotice(t('cmt.commented')); setTick((n) => n + 1); } catch (err) { setError(err); }
  };
  return html`
    <p class="breadcrumb"><a href=${`/states/${a.state}`}>${countryName(a.state)}</a></p>
    <${PageHeader} title=${`${cm.paragraph} — ${countryName(a.state)} ${a.period}`} subtitle=${pick(cm.text)} />
    ${notice && html`<${Notice}>${notice}</${Notice}>`}
    <section class="card">
      <dl class="facts">
        <div><dt>${t('cmt.kind')}</dt><dd>${t(`cmtkind.${a.kind}`)}</dd></div>
        <div><dt>${t('cmt.status')}</dt><dd>${statusBadge(a.status)}${change(a.change)}</dd></div>
        <div><dt>${t('cmt.previous')}</dt><dd>${a.previous ? html`${a.previous.period}: ${statusBadge(a.previous.status)}` : t('cmtchange.new')}</dd></div>
        <div><dt>${t('cmt.lead')}</dt><dd>${name(a.lead_org_id) || '—'}</dd></div>
        <div><dt>${t('cmt.by')}</dt><dd>${name(a.org_id)}</dd></div>
      </dl>
      ${a.narrative && html`<p class="prewrap">${a.narrative}</p>`}
    </section>
    <section class="card" aria-labelledby="ev-title">
      <h2 id="ev-title">${t('cmt.evidence')}</h2>
      ${a.evidence.length === 0 ? html`<p class="empty">${t('cmt.no_evidence')}</p>` : html`<ul class="member-list" data-evidence>
        ${a.evidence.map((e) => html`<li key=${e.id}><span>${t(`cmtev.${e.type}`)}</span>
          <span>${hrefOf(e) ? html`<a href=${hrefOf(e) + e.id}>${e.title}</a>` : e.title}</span></li>`)}</ul>`}
    </section>
    <section class="card" aria-labelledby="cm-title">
      <h2 id="cm-title">${t('cmt.comments')}</h2>
      ${(a.comments || []).map((c) => html`<blockquote key=${c.id}><p class="prewrap">${c.text}</p><footer class="muted small">${name(c.org_id)} · ${formatDateTime(c.created_at)}</footer></blockquote>`)}
      ${can(me, 'assessment_comment', 'create') && html`<form onSubmit=${send}>
        <${ProblemAlert} error=${error} />
        <${TextArea} label=${t('cmt.comment')} name="comment" value=${comment} onInput=${setComment} />
        <button type="submit" class="btn">${t('cmt.send_comment')}</button></form>`}
    </section>`;
}
