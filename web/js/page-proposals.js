// Proposals for co-operation: the list; the detail with endorsements, and
// an endorse button for other organisations' admins and analysts.
import { html, useState } from './lib.js';
import { t, formatDateTime, countryName } from './i18n.js';
import { get, post, organisations } from './api.js';
import { setQuery } from './router.js';
import { PageHeader, Select, ProblemAlert, Loading, Table, useAsync, usePagedList, MoreButton, Notice, Badge } from './components.js';
import { enumOptions } from './labels.js';

const STATUSES = ['draft', 'open', 'verified', 'agreed', 'implemented', 'closed'];
const ENDORSERS = ['admin', 'org_admin', 'analyst'];

export default function Proposals({ query }) {
  const cur = Object.fromEntries(query.entries());
  const filt = cur.status ? { status: cur.status } : {};
  const list = usePagedList('/proposals', filt, [cur.status]);
  return html`
    <${PageHeader} title=${t('prop.title')} subtitle=${t('prop.subtitle')} />
    <form class="filters card" aria-label=${t('prop.filters')} onSubmit=${(e) => e.preventDefault()}>
      <div class="filter-row">
        <${Select} label=${t('prop.status')} name="status" value=${cur.status || ''} onChange=${(v) => setQuery({ ...cur, status: v })}
          options=${enumOptions(STATUSES, 'propstatus')} empty=${t('common.all')} />
      </div>
    </form>
    <${ProblemAlert} error=${list.error} />
    ${list.loading && list.items.length === 0 ? html`<${Loading} />`
      : list.items.length === 0 ? html`<p class="empty">${t('prop.empty')}</p>` : html`
      <${Table} caption=${t('prop.title')} head=${[t('prop.proposal'), t('alerts.countries'), t('prop.endorsements'), t('prop.status')]}>
        ${list.items.map((p) => html`<tr key=${p.id}>
          <td><a href=${`/proposals/${p.id}`}>${p.title}</a></td>
          <td>${(p.countries || []).map(countryName).join(', ')}</td>
          <td>${(p.endorsements || []).length}</td>
          <td><${Badge}>${t(`propstatus.${p.status}`)}</${Badge}></td>
        </tr>`)}
      </${Table}>
      <${MoreButton} list=${list} />`}`;
}

export function Detail({ me, params }) {
  const [tick, setTick] = useState(0);
  const d = useAsync(async () => ({ p: await get(`/proposals/${params.id}`), orgs: await organisations() }), [params.id, tick]);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  if (d.error) return html`<${PageHeader} title=${t('prop.title')} /><${ProblemAlert} error=${d.error} />`;
  if (!d.data) return html`<${Loading} />`;
  const { p, orgs } = d.data;
  const name = (id) => (orgs.find((o) => o.id === id) || {}).name || '';
  const endorsed = (p.endorsements || []).some((e) => e.org_id === me.org_id);
  const canEndorse = p.org_id !== me.org_id && ENDORSERS.includes(me.role) && !endorsed && !['draft', 'closed'].includes(p.status);
  const endorse = async () => {
    setError(null);
    try { await post(`/proposals/${p.id}/endorsements`, {}); setNotice(t('prop.endorsed')); setTick((n) => n + 1); } catch (err) { setError(err); }
  };
  return html`
    <p class="breadcrumb"><a href="/proposals">${t('prop.title')}</a></p>
    <${PageHeader} title=${p.title} subtitle=${name(p.org_id)}>
      ${canEndorse && html`<button type="button" class="btn btn-primary" onClick=${endorse}>${t('prop.endorse')}</button>`}
    </${PageHeader}>
    ${notice && html`<${Notice}>${notice}</${Notice}>`}
    <${ProblemAlert} error=${error} />
    <section class="card">
      <dl class="facts">
        <div><dt>${t('prop.status')}</dt><dd><${Badge}>${t(`propstatus.${p.status}`)}</${Badge}></dd></div>
        <div><dt>${t('alerts.countries')}</dt><dd>${(p.countries || []).map(countryName).join(', ')}</dd></div>
      </dl>
      ${p.description && html`<p class="prewrap">${p.description}</p>`}
    </section>
    <section class="card" aria-labelledby="endorse-title">
      <h2 id="endorse-title">${t('prop.endorsements')}</h2>
      ${(p.endorsements || []).length === 0 ? html`<p class="empty">${t('prop.no_endorsements')}</p>` : html`
        <ul class="member-list">${p.endorsements.map((e) => html`<li><span>${name(e.org_id)}</span><span class="muted small">${formatDateTime(e.created_at)}</span></li>`)}</ul>`}
    </section>`;
}
