// Proposals for co-operation: the list; the detail with endorsements, and
// an endorse button for other organisations' admins and analysts.
import { html, useState, useMemo } from './lib.js';
import { t, formatDateTime, countryName } from './i18n.js';
import { get, post, listAll, countries as loadCountries, organisations, createRecord } from './api.js';
import { setQuery, navigate } from './router.js';
import {
  PageHeader, Field, TextArea, Select, MultiSelect, ProblemAlert, useAsync, usePagedList, Badge, ExportLinks,
  FormPage, useSubmit, Pending, Outcome,
} from './components.js';
import { ListTable, FilterBar } from './list-page.js';
import { countryOptions, enumOptions } from './labels.js';
import { ShareChooser } from './share.js';
import { can } from './can.js';
import { OrgName } from './org-name.js';

const STATUSES = ['draft', 'open', 'verified', 'agreed', 'implemented', 'closed'];
// partner accounts endorse for civil-society and youth organisations
const ENDORSING_KINDS = ['civil_society', 'youth_organisation'];

export default function Proposals({ me, query }) {
  const cur = Object.fromEntries(query.entries());
  const filt = cur.status ? { status: cur.status } : {};
  const list = usePagedList('/proposals', filt, [cur.status]);
  const orgs = useAsync(organisations, []);
  const byId = useMemo(() => new Map((orgs.data || []).map((o) => [o.id, o])), [orgs.data]);
  return html`
    <${PageHeader} title=${t('prop.title')} subtitle=${t('prop.subtitle')}>
      ${can(me, 'proposal', 'create') && html`<a class="btn btn-primary" href="/proposals/new">${t('prop.new')}</a>`}
    </${PageHeader}>
    <${FilterBar} label=${t('prop.filters')}>
      <${Select} label=${t('prop.status')} name="status" value=${cur.status || ''} onChange=${(v) => setQuery({ ...cur, status: v })}
        options=${enumOptions(STATUSES, 'propstatus')} empty=${t('common.all')} />
    </${FilterBar}>
    <${ProblemAlert} error=${list.error} />
    <${ListTable} list=${list} empty=${t('prop.empty')} caption=${t('prop.title')}
      head=${[t('prop.proposal'), t('prop.organisation'), t('alerts.countries'), t('prop.endorsements'), t('prop.status')]}
      row=${(p) => html`<tr key=${p.id}>
        <td><a href=${`/proposals/${p.id}`}>${p.title}</a></td>
        <td><${OrgName} org=${byId.get(p.org_id)} /></td>
        <td>${(p.countries || []).map(countryName).join(', ')}</td>
        <td>${p.endorsement_count ?? (p.endorsements || []).length}</td>
        <td><${Badge}>${t(`propstatus.${p.status}`)}</${Badge}></td>
      </tr>`} />
    <${ExportLinks} path="/proposals/export" query=${filt} formats=${['csv', 'json']} />`;
}

export function Detail({ me, params }) {
  const [tick, setTick] = useState(0);
  const d = useAsync(async () => ({ p: await get(`/proposals/${params.id}`), orgs: await organisations() }), [params.id, tick]);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  if (!d.data) return html`<${Pending} r=${d} title=${t('prop.title')} />`;
  const { p, orgs } = d.data;
  const name = (id) => (orgs.find((o) => o.id === id) || {}).name || '';
  const endorsed = (p.endorsements || []).some((e) => e.org_id === me.org_id);
  const myKind = (orgs.find((o) => o.id === me.org_id) || {}).kind;
  const speaks = can(me, 'proposal', 'share') || (me.role === 'partner' && ENDORSING_KINDS.includes(myKind));
  const canEndorse = p.org_id !== me.org_id && speaks && !endorsed && !['draft', 'closed'].includes(p.status);
  // why there is no endorse button, when it is not obvious
  const why = p.org_id === me.org_id ? 'prop.why_own' : endorsed ? 'prop.why_done'
    : ['draft', 'closed'].includes(p.status) ? 'prop.why_status' : !speaks ? 'prop.why_role' : null;
  const endorse = async () => {
    setError(null);
    try { await post(`/proposals/${p.id}/endorsements`, {}); setNotice(t('prop.endorsed')); setTick((n) => n + 1); } catch (err) { setError(err); }
  };
  return html`
    <p class="breadcrumb"><a href="/proposals">${t('prop.title')}</a></p>
    <${PageHeader} title=${p.title} subtitle=${html`<${OrgName} org=${orgs.find((o) => o.id === p.org_id)} />`}>
      ${canEndorse && html`<button type="button" class="btn btn-primary" onClick=${endorse}>${t('prop.endorse')}</button>`}
    </${PageHeader}>
    <${Outcome} notice=${notice} error=${error} />
    <section class="card">
      <dl class="facts">
        <div><dt>${t('prop.status')}</dt><dd><${Badge}>${t(`propstatus.${p.status}`)}</${Badge}></dd></div>
        <div><dt>${t('alerts.countries')}</dt><dd>${(p.countries || []).map(countryName).join(', ')}</dd></div>
        ${p.verified_org_id && html`<div><dt>${t('prop.verified_by')}</dt><dd data-verified-by><${OrgName} org=${orgs.find((o) => o.id === p.verified_org_id)} /></dd></div>`}
      </dl>
      ${p.description && html`<p class="prewrap">${p.description}</p>`}
    </section>
    <section class="card" aria-labelledby="endorse-title">
      <h2 id="endorse-title">${t('prop.endorsements')}</h2>
      ${!canEndorse && why && html`<p class="muted small" data-why-not>${t(why)}</p>`}
      ${(p.endorsements || []).length === 0 ? html`<p class="empty">${t('prop.no_endorsements')}</p>` : html`
        <ul class="member-list">${p.endorsements.map((e) => html`<li><span><${OrgName} org=${orgs.find((o) => o.id === e.org_id)} /></span><span class="muted small">${formatDateTime(e.created_at)}</span></li>`)}</ul>`}
    </section>`;
}

/** /proposals/new: a proposal for co-operation, kept as a draft or opened
 * for other organisations to endorse. */
export function New({ me, query }) {
  const d = useAsync(async () => {
    const [countries, orgs, groups] = await Promise.all([loadCountries(), organisations(), listAll('/sharing-groups')]);
    return { countries, orgs, groups: groups.items };
  }, []);
  // an overlap of activities opens this form filled in (page-activities.js)
  const pre = (k) => ((query && query.get(k)) || '');
  const listOf = (k) => pre(k).split(',').filter(Boolean);
  const [form, setForm] = useState({ title: pre('title'), description: pre('description'), countries: listOf('countries'),
    partners: listOf('partners'), distribution: '', sharing_group_id: '' });
  const activities = listOf('activities');
  const { busy, error, f, submit } = useSubmit();
  const org = useMemo(() => (d.data ? d.data.orgs.find((o) => o.id === me.org_id) : null), [d.data]);
  if (!d.data) return html`<${Pending} r=${d} title=${t('prop.new')} />`;
  const set = (k) => (v) => setForm({ ...form, [k]: v });
  const save = (status) => submit(async () => {
    const body = { ...form, status, distribution: form.distribution || undefined,
      activities: activities.length ? activities : undefined,
      sharing_group_id: form.distribution === 'sharing_group' ? (form.sharing_group_id || null) : null };
    const r = await createRecord('/proposals', body);
    navigate(`/proposals/${r.id}`, { replace: true });
  });
  return html`
    <${FormPage} back="/proposals" backLabel=${t('prop.title')} title=${t('prop.new')} subtitle=${t('prop.form_hint')}
      onSubmit=${save('draft')} error=${error}>
      <${Field} label=${t('act.activity_title')} name="title" value=${form.title} onInput=${set('title')} error=${f.title} required />
      <${TextArea} label=${t('act.description')} name="description" value=${form.description} onInput=${set('description')} error=${f.description} rows="6" />
      <div class="two-col">
        <${MultiSelect} label=${t('alerts.countries')} name="countries" value=${form.countries} onChange=${set('countries')}
          options=${countryOptions(d.data.countries)} hint=${t('prop.many_hint')} error=${f.countries} />
        <${MultiSelect} label=${t('prop.partners')} name="partners" value=${form.partners} onChange=${set('partners')}
          options=${d.data.orgs.filter((o) => o.id !== me.org_id).map((o) => ({ value: o.id, label: o.name }))}
          hint=${t('prop.many_hint')} error=${f.partners} />
      </div>
      <${ShareChooser} canShare=${((me.can || {}).proposal || []).includes('share')} form=${form} set=${set} org=${org} groups=${d.data.groups} errors=${f} tlp=${false} />
      <div class="form-actions">
        <button type="button" class="btn btn-primary" disabled=${busy} onClick=${save('open')}>${t('prop.open')}</button>
        <button type="submit" class="btn" disabled=${busy}>${t('alerts.save_draft')}</button>
        <a class="btn btn-quiet" href="/proposals">${t('common.cancel')}</a>
      </div>
    </${FormPage}>`;
}
