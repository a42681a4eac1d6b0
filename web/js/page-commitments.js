// Commitments: policy documents and their commitments, the State x
// commitment matrix (a table on a desktop, a list per State on a phone),
// a State's page, an assessment with its evidence and comments, and the
// forms to record each. What a user may do comes from /me `can`.
import { html, useState, useMemo } from './lib.js';
import { t, language, countryName, formatDate, formatDateTime } from './i18n.js';
import { get, post, getVersioned, listAll, countries as loadCountries, organisations, createRecord, saveRecord } from './api.js';
import { setQuery, navigate } from './router.js';
import {
  PageHeader, Field, TextArea, Select, ProblemAlert, Loading, Table, useAsync, usePagedList, Notice, Badge,
  ExportLinks, Checkbox, useForm, FormPage, useSubmit, Pending,
} from './components.js';
import { ListTable, FilterBar } from './list-page.js';
import { countryOptions, enumOptions } from './labels.js';
import { ShareChooser } from './share.js';
import { DeleteButton } from './delete-button.js';

export const THEMES = ['prevention', 'treatment', 'community_policing', 'supply_reduction', 'precursors', 'information_sharing', 'co_operation', 'other'];
export const STATUSES = ['no_evidence', 'not_started', 'limited', 'substantial', 'complete'];
const KINDS = ['self', 'independent'];

const can = (me, res, act) => ((me.can || {})[res] || []).includes(act);
/** Whether the user changes (or deletes) a record: the role's right, and
 * the record is their organisation's. */
const mayDo = (me, res, act, rec) => can(me, res, act) && rec.org_id === me.org_id;
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
  const [docTick, setDocTick] = useState(0);
  const [tick, setTick] = useState(0);
  const docs = useAsync(async () => (await listAll('/documents')).items, [docTick]);
  const list = usePagedList('/commitments', filt, [cur.theme, cur.document_id, tick]);
  const docName = (id) => ((docs.data || []).find((d) => d.id === id) || {}).title || '';
  return html`
    <${PageHeader} title=${t('cmt.title')} subtitle=${t('cmt.subtitle')}>
      <a class="btn" href="/commitments/matrix">${t('cmt.matrix')}</a>
      ${can(me, 'document', 'create') && html`<a class="btn" href="/documents/new">${t('cmt.new_document')}</a>`}
      ${can(me, 'commitment', 'create') && html`<a class="btn btn-primary" href="/commitments/new">${t('cmt.new')}</a>`}
    </${PageHeader}>
    <${FilterBar} label=${t('cmt.filters')}>
      <${Select} label=${t('cmt.theme')} name="theme" value=${cur.theme || ''} onChange=${(v) => setQuery({ ...cur, theme: v })}
        options=${enumOptions(THEMES, 'cmttheme')} empty=${t('common.all')} />
      <${Select} label=${t('cmt.document')} name="document_id" value=${cur.document_id || ''} onChange=${(v) => setQuery({ ...cur, document_id: v })}
        options=${(docs.data || []).map((d) => ({ value: d.id, label: d.title }))} empty=${t('common.all')} />
    </${FilterBar}>
    <${ProblemAlert} error=${list.error || docs.error} />
    <${ListTable} list=${list} empty=${t('cmt.empty')} caption=${t('cmt.title')}
      head=${[t('cmt.paragraph'), t('cmt.text'), t('cmt.theme'), t('cmt.document'), t('common.actions')]}
      row=${(c) => html`<tr key=${c.id} data-commitment=${c.id}>
        <td>${c.paragraph}</td><td lang=${c.text[language()] ? language() : 'en'}>${pick(c.text)}</td>
        <td>${t(`cmttheme.${c.theme}`)}</td><td>${docName(c.document_id)}</td>
        <td class="row-actions">${mayDo(me, 'commitment', 'update', c) && html`<a class="btn btn-small" href=${`/commitments/${c.id}/edit`}>${t('common.edit')}</a>`}
          ${mayDo(me, 'commitment', 'delete', c) && html`<${DeleteButton} small path=${`/commitments/${c.id}`} what=${c.paragraph} onDone=${() => setTick((n) => n + 1)} />`}</td>
      </tr>`} />
    <section class="card">
      <h2>${t('cmt.documents')}</h2>
      <ul class="member-list">${(docs.data || []).map((d) => html`<li key=${d.id} data-document=${d.id}>
        <span>${d.url ? html`<a href=${d.url} rel="noopener noreferrer">${d.title}</a>` : d.title}${d.symbol ? ` (${d.symbol})` : ''}</span>
        <span class="muted small">${d.issuer}${d.adopted_on ? ` · ${formatDate(d.adopted_on)}` : ''}</span>
        <span class="row-actions">${mayDo(me, 'document', 'update', d) && html`<a class="btn btn-small" href=${`/documents/${d.id}/edit`}>${t('common.edit')}</a>`}
          ${mayDo(me, 'document', 'delete', d) && html`<${DeleteButton} small path=${`/documents/${d.id}`} what=${d.title} onDone=${() => setDocTick((n) => n + 1)} />`}</span></li>`)}</ul>
    </section>`;
}

function useShareData(me) {
  return useAsync(async () => {
    const [orgs, groups] = await Promise.all([organisations(), listAll('/sharing-groups')]);
    return { orgs, groups: groups.items, org: orgs.find((o) => o.id === me.org_id) };
  }, []);
}

const cleanShare = (form) => ({ distribution: form.distribution || undefined, tlp: form.tlp || undefined,
  sharing_group_id: form.distribution === 'sharing_group' ? (form.sharing_group_id || null) : undefined });

/** Reads the record of an edit page (params.id) with its ETag, or none
 * on a new one. */
function useRecord(path, id) {
  return useAsync(async () => (id ? getVersioned(`${path}/${id}`) : { data: null, etag: null }), [id]);
}

const day = (iso) => (iso ? String(iso).slice(0, 10) : '');
const shareOf = (r, tlp) => ({ distribution: r ? r.distribution : '', tlp: r ? r.tlp : tlp, sharing_group_id: (r && r.sharing_group_id) || '' });

/** /documents/new and /documents/:id/edit */
export function NewDocument({ me, params = {} }) {
  const d = useShareData(me);
  const rec = useRecord('/documents', params.id);
  if (!d.data || !rec.data) return html`<${ProblemAlert} error=${d.error || rec.error} /><${Loading} />`;
  return html`<${DocumentForm} me=${me} d=${d} rec=${rec.data} />`;
}
export const EditDocument = NewDocument;

function DocumentForm({ me, d, rec }) {
  const r = rec.data;
  const { form, set, error, f, busy, submit } = useForm({ title: r ? r.title : '', issuer: r ? r.issuer : '', symbol: (r && r.symbol) || '', adopted_on: day(r && r.adopted_on),
    url: (r && r.url) || '', ...shareOf(r, 'clear') });
  const save = submit(async () => {
    const body = { title: form.title, issuer: form.issuer, ...cleanShare(form) };
    if (r) Object.assign(body, { symbol: form.symbol, adopted_on: form.adopted_on || null, url: form.url || null });
    else for (const k of ['symbol', 'adopted_on', 'url']) if (form[k]) body[k] = form[k];
    await saveRecord('/documents', rec, body);
    navigate('/commitments');
  });
  return html`
    <${FormPage} back="/commitments" backLabel=${t('cmt.title')} title=${r ? t('cmt.edit_document', { title: r.title }) : t('cmt.new_document')}
      onSubmit=${save} error=${error}>
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
    </${FormPage}>`;
}

/** /commitments/new and /commitments/:id/edit: a commitment of a
 * document, its text in en, fr, ru, its first indicator (the others are
 * kept as they are). */
export function NewCommitment({ me, params = {} }) {
  const d = useShareData(me);
  const docs = useAsync(async () => (await listAll('/documents')).items, []);
  const rec = useRecord('/commitments', params.id);
  if (!d.data || !docs.data || !rec.data) return html`<${ProblemAlert} error=${d.error || docs.error || rec.error} /><${Loading} />`;
  return html`<${CommitmentForm} me=${me} d=${d} docs=${docs} rec=${rec.data} />`;
}
export const EditCommitment = NewCommitment;

function CommitmentForm({ me, d, docs, rec }) {
  const r = rec.data;
  const text0 = (r && r.text) || {};
  const ind = ((r && r.indicators) || [])[0] || {};
  const { form, set, error, f, busy, submit } = useForm({ document_id: r ? r.document_id : '', paragraph: r ? r.paragraph : '', en: text0.en || '', fr: text0.fr || '', ru: text0.ru || '',
    theme: r ? r.theme : '', definition: pick(ind.definition), unit: ind.unit || '', arq_module: ind.arq_module || '', ...shareOf(r, 'clear') });
  const save = submit(async () => {
    const text = Object.fromEntries(['en', 'fr', 'ru'].filter((l) => form[l].trim()).map((l) => [l, form[l].trim()]));
    const body = { paragraph: form.paragraph, text, theme: form.theme || undefined, ...cleanShare(form) };
    if (!r) body.document_id = form.document_id || undefined;
    // the first indicator is the form's (a definition in several languages
    // stays as it was unless its text changed); the others are kept
    const rest = ((r && r.indicators) || []).slice(1);
    const def = r && pick(ind.definition) === form.definition ? ind.definition : form.definition;
    const first = form.definition ? [{ definition: def, unit: form.unit, arq_module: form.arq_module }] : [];
    if (r || first.length) body.indicators = [...first, ...rest];
    await saveRecord('/commitments', rec, body);
    navigate('/commitments');
  });
  return html`
    <${FormPage} back="/commitments" backLabel=${t('cmt.title')} title=${r ? t('cmt.edit_commitment', { paragraph: r.paragraph }) : t('cmt.new')}
      onSubmit=${save} error=${error}>
      <div class="two-col">
        <${Select} label=${t('cmt.document')} name="document_id" value=${form.document_id} onChange=${set('document_id')} disabled=${Boolean(r)}
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
    </${FormPage}>`;
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
  const { busy, error, f, submit } = useSubmit();
  const sugg = useAsync(async () => (form.commitment_id ? (await get('/assessments/suggestions', { state, commitment_id: form.commitment_id })).items : []), [form.commitment_id]);
  const kinds = useMemo(() => KINDS.map((k) => ({ value: k, label: t(`cmtkind.${k}`) })), []);
  if (!d.data) return html`<${ProblemAlert} error=${d.error} /><${Loading} />`;
  const set = (k) => (v) => setForm({ ...form, [k]: v });
  const toggle = (s) => (on) => setChosen(on ? [...chosen, s] : chosen.filter((x) => x.id !== s.id));
  const save = submit(async () => {
    const body = { state, commitment_id: form.commitment_id || undefined, period: form.period, kind: form.kind || undefined, status: form.status || undefined,
      narrative: form.narrative, evidence: chosen.map((s) => ({ type: s.type, id: s.id })), ...cleanShare(form) };
    if (form.lead_org_id) body.lead_org_id = form.lead_org_id;
    const r = await createRecord('/assessments', body);
    navigate(`/assessments/${r.id}`);
  });
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

/** The change of an assessment (status, lead, narrative, evidence, who
 * sees it); the State, commitment, period and kind stay. */
function AssessmentEdit({ me, a, orgs, onDone }) {
  const rec = useAsync(async () => getVersioned(`/assessments/${a.id}`), [a.id]);
  const groups = useAsync(async () => (await listAll('/sharing-groups')).items, []);
  const sugg = useAsync(async () => (await get('/assessments/suggestions', { state: a.state, commitment_id: a.commitment_id })).items, [a.id]);
  const [form, setForm] = useState({ status: a.status, narrative: a.narrative || '', lead_org_id: a.lead_org_id || '', ...shareOf(a, 'green') });
  const [chosen, setChosen] = useState(a.evidence.map((e) => ({ type: e.type, id: e.id, title: e.title })));
  const { busy, error, f, submit } = useSubmit();
  if (!rec.data || !groups.data) return html`<${ProblemAlert} error=${rec.error || groups.error} /><${Loading} />`;
  const set = (k) => (v) => setForm({ ...form, [k]: v });
  const toggle = (s) => (on) => setChosen(on ? [...chosen, s] : chosen.filter((x) => x.id !== s.id));
  const offered = [...a.evidence, ...(sugg.data || []).filter((s) => !a.evidence.some((e) => e.id === s.id))];
  const save = submit(async () => {
    const body = { status: form.status, narrative: form.narrative, lead_org_id: form.lead_org_id || null, ...cleanShare(form) };
    const ids = (l) => l.map((x) => x.id).sort().join();
    // the links are sent only when they changed: a link to a record the
    // editor cannot see is never dropped by a change of the status
    if (ids(chosen) !== ids(a.evidence)) body.evidence = chosen.map((x) => ({ type: x.type, id: x.id }));
    await saveRecord('/assessments', rec.data, body);
    onDone(true);
  });
  return html`
    <form class="card form-card wide" onSubmit=${save} novalidate aria-label=${t('cmt.edit_assessment')}>
      <h2>${t('cmt.edit_assessment')}</h2>
      <${ProblemAlert} error=${error} />
      <div class="two-col">
        <${Select} label=${t('cmt.status')} name="status" value=${form.status} onChange=${set('status')} options=${enumOptions(STATUSES, 'cmtstatus')} error=${f.status} required />
        <${Select} label=${t('cmt.lead')} name="lead_org_id" value=${form.lead_org_id} onChange=${set('lead_org_id')}
          options=${orgs.filter((o) => o.country === a.state).map((o) => ({ value: o.id, label: o.name }))} empty=${t('common.none')} error=${f.lead_org_id} />
      </div>
      <${TextArea} label=${t('cmt.narrative')} name="narrative" value=${form.narrative} onInput=${set('narrative')} error=${f.narrative} rows="4" />
      <fieldset class="evidence">
        <legend>${t('cmt.evidence')}</legend>
        ${f.evidence && html`<p class="field-error">${f.evidence}</p>`}
        ${offered.length === 0 ? html`<p class="muted small">${t('cmt.no_suggestions')}</p>`
    : offered.map((s) => html`<${Checkbox} key=${s.id} name=${`ev-${s.id}`} label=${`${t(`cmtev.${s.type}`)}: ${s.title}`}
            checked=${chosen.some((x) => x.id === s.id)} onChange=${toggle(s)} />`)}
      </fieldset>
      <${ShareChooser} canShare=${can(me, 'assessment', 'share')} form=${form} set=${set} org=${orgs.find((o) => o.id === me.org_id)} groups=${groups.data} errors=${f} />
      <div class="form-actions"><button type="submit" class="btn btn-primary" disabled=${busy}>${t('common.save')}</button>
        <button type="button" class="btn btn-quiet" onClick=${() => onDone(false)}>${t('common.cancel')}</button></div>
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
  const [editing, setEditing] = useState(false);
  if (!d.data) return html`<${Pending} r=${d} title=${t('cmt.assessment')} />`;
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
    <${PageHeader} title=${`${cm.paragraph} — ${countryName(a.state)} ${a.period}`} subtitle=${pick(cm.text)}>
      ${mayDo(me, 'assessment', 'update', a) && !editing && html`<button type="button" class="btn" onClick=${() => setEditing(true)}>${t('common.edit')}</button>`}
      ${mayDo(me, 'assessment', 'delete', a) && html`<${DeleteButton} path=${`/assessments/${a.id}`} what=${`${cm.paragraph} ${a.period}`} onDone=${() => navigate(`/states/${a.state}`)} />`}
    </${PageHeader}>
    ${notice && html`<${Notice}>${notice}</${Notice}>`}
    ${editing && html`<${AssessmentEdit} me=${me} a=${a} orgs=${orgs} onDone=${(saved) => { setEditing(false); if (saved) { setNotice(t('common.saved')); setTick((n) => n + 1); } }} />`}
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
