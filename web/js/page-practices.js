// The good-practice registry: search and filters; the detail with its
// reviews; authors submit, reviewers of other organisations verify or reject
// (two verifying reviews publish a practice).
import { html, useState, useMemo } from './lib.js';
import { t, formatDateTime, countryName } from './i18n.js';
import { post, getVersioned, request, countries as loadCountries, organisations, createRecord } from './api.js';
import { setQuery, navigate } from './router.js';
import {
  PageHeader, Field, TextArea, Select, ProblemAlert, useAsync, usePagedList, Badge, ExportLinks, FormPage,
  useSubmit, Pending, Outcome,
} from './components.js';
import { ListTable } from './list-page.js';
import { SETTINGS, countryOptions, enumOptions } from './labels.js';
import { can } from './can.js';
import { OrgName } from './org-name.js';

const STATUSES = ['draft', 'submitted', 'in_review', 'verified', 'published', 'rejected'];
const LEVELS = ['beneficial', 'likely_beneficial', 'unknown', 'likely_ineffective', 'possibly_harmful'];
const DESIGNS = ['rct', 'quasi_experimental', 'pre_post', 'qualitative', 'none'];

export default function Practices({ me, query }) {
  const countries = useAsync(loadCountries, []);
  const cur = Object.fromEntries(query.entries());
  const [q, setQ] = useState(cur.q || '');
  const filt = {};
  for (const k of ['status', 'country', 'evidence_level', 'q']) if (cur[k]) filt[k] = cur[k];
  const list = usePagedList('/practices', filt, [JSON.stringify(filt)]);
  const orgs = useAsync(organisations, []);
  const byId = useMemo(() => new Map((orgs.data || []).map((o) => [o.id, o])), [orgs.data]);
  const change = (k) => (v) => setQuery({ ...cur, [k]: v });
  return html`
    <${PageHeader} title=${t('prac.title')} subtitle=${t('prac.subtitle')}>
      ${can(me, 'practice', 'create') && html`<a class="btn btn-primary" href="/practices/new">${t('prac.new')}</a>`}
    </${PageHeader}>
    <form class="filters card" role="search" aria-label=${t('prac.filters')} onSubmit=${(e) => { e.preventDefault(); setQuery({ ...cur, q }); }}>
      <div class="search-row">
        <${Field} label=${t('alerts.search')} name="q" type="search" value=${q} onInput=${setQ} />
        <button type="submit" class="btn btn-primary">${t('alerts.search_button')}</button>
      </div>
      <div class="filter-row">
        <${Select} label=${t('prac.status')} name="status" value=${cur.status || ''} onChange=${change('status')} options=${enumOptions(STATUSES, 'pracstatus')} empty=${t('common.all')} />
        <${Select} label=${t('alerts.country')} name="country" value=${cur.country || ''} onChange=${change('country')} options=${countryOptions(countries.data)} empty=${t('common.all')} />
        <${Select} label=${t('prac.evidence')} name="evidence_level" value=${cur.evidence_level || ''} onChange=${change('evidence_level')} options=${enumOptions(LEVELS, 'evidence')} empty=${t('common.all')} />
      </div>
    </form>
    <${ProblemAlert} error=${list.error} />
    <${ListTable} list=${list} empty=${t('prac.empty')} caption=${t('prac.title')}
      head=${[t('prac.practice'), t('prac.organisation'), t('alerts.country'), t('prac.evidence'), t('prac.status')]}
      row=${(p) => html`<tr key=${p.id}>
        <td><a href=${`/practices/${p.id}`}>${p.title}</a>${p.summary && html`<div class="muted small">${p.summary}</div>`}</td>
        <td><${OrgName} org=${byId.get(p.org_id)} /></td>
        <td>${countryName(p.origin_country)}</td>
        <td>${t(`evidence.${p.evidence_level}`)}</td>
        <td><${Badge}>${t(`pracstatus.${p.status}`)}</${Badge}></td>
      </tr>`} />
    <${ExportLinks} path="/practices/export" query=${filt} formats=${['csv', 'json']} />`;
}

export function Detail({ me, params }) {
  const [tick, setTick] = useState(0);
  const d = useAsync(async () => ({ r: await getVersioned(`/practices/${params.id}`), orgs: await organisations() }), [params.id, tick]);
  const [verdict, setVerdict] = useState('');
  const [comments, setComments] = useState('');
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  if (!d.data) return html`<${Pending} r=${d} title=${t('prac.title')} />`;
  const p = d.data.r.data;
  const org = d.data.orgs.find((o) => o.id === p.org_id);
  const own = p.org_id === me.org_id && me.role !== 'viewer';
  const act = async (fn, msg) => {
    setError(null);
    try { await fn(); setNotice(msg); setTick((n) => n + 1); } catch (err) { setError(err); }
  };
  const reviewable = !own && me.reviewer && ['submitted', 'in_review'].includes(p.status);
  return html`
    <p class="breadcrumb"><a href="/practices">${t('prac.title')}</a></p>
    <${PageHeader} title=${p.title} subtitle=${html`<${OrgName} org=${org} /> · ${countryName(p.origin_country)}`}>
      ${own && ['draft', 'rejected'].includes(p.status) && html`<button type="button" class="btn btn-primary"
        onClick=${() => act(() => request('PATCH', `/practices/${p.id}`, { body: { status: 'submitted' }, etag: d.data.r.etag }), t('prac.submitted'))}>${t('prac.submit')}</button>`}
      <button type="button" class="btn btn-quiet no-print" onClick=${() => window.print()}>${t('common.print')}</button>
    </${PageHeader}>
    <${Outcome} notice=${notice} error=${error} />
    <section class="card">
      <dl class="facts">
        <div><dt>${t('prac.status')}</dt><dd><${Badge}>${t(`pracstatus.${p.status}`)}</${Badge}></dd></div>
        <div><dt>${t('prac.evidence')}</dt><dd>${t(`evidence.${p.evidence_level}`)}</dd></div>
        ${p.target_group && html`<div><dt>${t('prac.target')}</dt><dd>${p.target_group}</dd></div>`}
      </dl>
      ${p.summary && html`<p class="lead">${p.summary}</p>`}
      ${p.description && html`<p class="prewrap">${p.description}</p>`}
      ${p.rejection_reasons && html`<p class="alert alert-warn">${p.rejection_reasons}</p>`}
    </section>
    <section class="card" aria-labelledby="reviews-title">
      <h2 id="reviews-title">${t('prac.reviews')}</h2>
      ${(p.reviews || []).length === 0 ? html`<p class="empty">${t('prac.no_reviews')}</p>` : html`
        <ul class="thread">${p.reviews.map((r) => html`<li class="msg"><span class="msg-who"><${OrgName} org=${d.data.orgs.find((o) => o.id === r.org_id)} /> · ${t(`verdict.${r.verdict}`)} · ${formatDateTime(r.created_at)}</span><p>${r.comments}</p></li>`)}</ul>`}
      ${reviewable && html`
        <form onSubmit=${(e) => { e.preventDefault(); act(() => post(`/practices/${p.id}/reviews`, { verdict, comments }), t('prac.reviewed')); }}>
          <${Select} label=${t('prac.verdict')} name="verdict" value=${verdict} onChange=${setVerdict}
            options=${enumOptions(['verify', 'reject'], 'verdict')} empty=${t('common.choose')} required />
          <${TextArea} label=${t('prac.comments')} name="comments" value=${comments} onInput=${setComments} error=${error && error.fields.comments} />
          <div class="form-actions"><button type="submit" class="btn btn-primary" disabled=${!verdict}>${t('prac.send_review')}</button></div>
        </form>`}
    </section>`;
}

/** /practices/new: describe a practice, keep it as a draft or submit it for
 * review by other organisations. */
export function New({ org }) {
  const countries = useAsync(loadCountries, []);
  const [form, setForm] = useState({
    title: '', summary: '', description: '', origin_country: (org && org.country) || '', target_group: '', setting: '',
    approach: '', evidence_level: 'unknown', evidence_rationale: '', evaluation_design: 'none', evaluation_findings: '',
    resources_needed: '', lessons_learned: '', links: '',
  });
  const { busy, error, f, submit } = useSubmit();
  const set = (k) => (v) => setForm({ ...form, [k]: v });
  const save = (status) => submit(async () => {
    const body = { ...form, status, origin_country: form.origin_country || null, setting: form.setting || null,
      links: form.links.split(/\s+/).map((x) => x.trim()).filter(Boolean) };
    const r = await createRecord('/practices', body);
    navigate(`/practices/${r.id}`, { replace: true });
  });
  const text = (k, label, rows) => html`<${TextArea} label=${t(label)} name=${k} value=${form[k]} onInput=${set(k)} error=${f[k]} rows=${rows || 3} />`;
  return html`
    <${FormPage} back="/practices" backLabel=${t('prac.title')} title=${t('prac.new')} subtitle=${t('prac.form_hint')}
      onSubmit=${save('draft')} error=${error}>
      <${Field} label=${t('act.activity_title')} name="title" value=${form.title} onInput=${set('title')} error=${f.title} required />
      ${text('summary', 'prac.summary')}
      ${text('description', 'act.description', 5)}
      <div class="three-col">
        <${Select} label=${t('alerts.country')} name="origin_country" value=${form.origin_country} onChange=${set('origin_country')}
          options=${countryOptions(countries.data)} empty=${t('common.choose')} error=${f.origin_country} />
        <${Select} label=${t('act.setting')} name="setting" value=${form.setting} onChange=${set('setting')}
          options=${enumOptions(SETTINGS, 'actsetting')} empty=${t('common.choose')} error=${f.setting} />
        <${Field} label=${t('prac.target')} name="target_group" value=${form.target_group} onInput=${set('target_group')} error=${f.target_group} />
      </div>
      ${text('approach', 'prac.approach', 4)}
      <div class="two-col">
        <${Select} label=${t('prac.evidence')} name="evidence_level" value=${form.evidence_level} onChange=${set('evidence_level')}
          options=${enumOptions(LEVELS, 'evidence')} error=${f.evidence_level} />
        <${Select} label=${t('prac.design')} name="evaluation_design" value=${form.evaluation_design} onChange=${set('evaluation_design')}
          options=${enumOptions(DESIGNS, 'design')} error=${f.evaluation_design} />
      </div>
      ${text('evidence_rationale', 'prac.rationale')}
      ${text('evaluation_findings', 'prac.findings')}
      ${text('resources_needed', 'prac.resources')}
      ${text('lessons_learned', 'prac.lessons')}
      <${Field} label=${t('prac.links')} name="links" value=${form.links} onInput=${set('links')} hint=${t('prac.links_hint')} error=${f.links} />
      <div class="form-actions">
        <button type="button" class="btn btn-primary" disabled=${busy} onClick=${save('submitted')}>${t('prac.submit')}</button>
        <button type="submit" class="btn" disabled=${busy}>${t('alerts.save_draft')}</button>
        <a class="btn btn-quiet" href="/practices">${t('common.cancel')}</a>
      </div>
    </${FormPage}>`;
}
