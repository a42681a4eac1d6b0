// The audit log (admins): newest first, filtered by user, resource and time.
import { html, useMemo } from './lib.js';
import { t, formatDateTime } from './i18n.js';
import { listAll } from './api.js';
import { setQuery } from './router.js';
import {
  PageHeader, Field, Select, ProblemAlert, Loading, Table, useAsync, usePagedList, MoreButton,
} from './components.js';

const RESOURCES = ['alert', 'tip', 'problem', 'activity', 'practice', 'proposal', 'signal', 'substance',
  'organisation', 'user', 'token', 'session', 'sharing_group'];

// where a record of each type is read in the app
const PAGES = {
  alert: '/alerts/', tip: '/tips/', problem: '/problems/', activity: '/activities/', practice: '/practices/',
  proposal: '/proposals/', signal: '/signals/', organisation: '/organisations/', user: '/users/',
  sharing_group: '/sharing-groups/',
};

// a label from the locale, or the code made readable
const label = (prefix, code) => {
  const s = t(`${prefix}.${code}`);
  return s === `${prefix}.${code}` ? String(code).replace(/_/g, ' ') : s;
};

/** The entry's detail in words: "distribution: organisation → network". */
function details(d) {
  if (!d || typeof d !== 'object') return [];
  return Object.entries(d).filter(([k]) => k !== 'actor').map(([k, v]) => {
    const name = label('auditkey', k);
    if (Array.isArray(v) && v.length === 2) return `${name}: ${v[0] ?? '—'} → ${v[1] ?? '—'}`;
    return `${name}: ${typeof v === 'object' ? JSON.stringify(v) : label('auditval', v)}`;
  });
}
// who acted when no user did: a tip's sender, a failed sign-in, or the system
const ACTORS = { public: 'audit.public', anonymous: 'audit.anonymous', system: 'audit.system' };

// a date input's day, as the start (or end) of that day in UTC
const dayStart = (d) => (d ? `${d}T00:00:00Z` : '');
const dayEnd = (d) => (d ? `${d}T23:59:59.999Z` : '');

export default function Audit({ query }) {
  const q = {
    user_id: query.get('user_id') || '',
    resource_type: query.get('resource_type') || '',
    resource_id: query.get('resource_id') || '',
    from: query.get('from') || '',
    to: query.get('to') || '',
  };
  const key = JSON.stringify(q);
  const users = useAsync(async () => (await listAll('/users', {}, 2000)).items, []);
  const names = useMemo(() => new Map((users.data || []).map((u) => [u.id, u.name])), [users.data]);
  const list = usePagedList('/audit', { ...q, from: dayStart(q.from), to: dayEnd(q.to) }, [key]);
  const set = (k) => (v) => setQuery({ ...q, [k]: v });
  return html`
    <${PageHeader} title=${t('audit.title')} subtitle=${t('audit.subtitle')} />
    <form class="filters" role="search" aria-label=${t('common.filters')} onSubmit=${(e) => e.preventDefault()}>
      <${Select} label=${t('audit.user')} name="user_id" value=${q.user_id} empty=${t('common.all')}
        options=${(users.data || []).map((u) => ({ value: u.id, label: `${u.name} <${u.email}>` }))} onChange=${set('user_id')} />
      <${Select} label=${t('audit.resource_type')} name="resource_type" value=${q.resource_type} empty=${t('common.all')}
        options=${RESOURCES.map((r) => ({ value: r, label: t(`resource.${r}`) }))} onChange=${set('resource_type')} />
      <${Field} label=${t('audit.from')} name="from" type="date" value=${q.from} onChange=${(e) => set('from')(e.currentTarget.value)} />
      <${Field} label=${t('audit.to')} name="to" type="date" value=${q.to} onChange=${(e) => set('to')(e.currentTarget.value)} />
    </form>
    <${ProblemAlert} error=${list.error} />
    ${list.loading && list.items.length === 0 ? html`<${Loading} />`
      : list.items.length === 0 ? html`<p class="empty">${t('audit.empty')}</p>` : html`
      <${Table} caption=${t('audit.title')} head=${[t('audit.at'), t('audit.user'), t('audit.action'), t('audit.resource'), t('audit.request')]}>
        ${list.items.map((e) => html`
          <tr key=${e.seq}>
            <td class="nowrap">${formatDateTime(e.at)}</td>
            <td>${e.user_id ? (names.get(e.user_id) || e.user_id) : html`<span class="muted">${t(ACTORS[e.actor] || 'audit.system')}</span>`}</td>
            <td>${label('action', e.action)}
              ${e.justification && html`<div class="small" data-reason>${t('audit.reason')}: ${e.justification}</div>`}
              ${details(e.detail).map((d) => html`<div class="muted small">${d}</div>`)}</td>
            <td>${label('resource', e.resource_type)}
              ${e.resource_id && (PAGES[e.resource_type]
    ? html`<div class="small"><a class="mono" href=${PAGES[e.resource_type] + e.resource_id}>${e.resource_id.slice(0, 8)}…</a>
                <a class="muted" href=${`/audit?${new URLSearchParams({ resource_id: e.resource_id })}`}>${t('audit.history')}</a></div>`
    : html`<div class="muted small mono">${e.resource_id}</div>`)}</td>
            <td class="mono small">${e.request_id || ''}</td>
          </tr>`)}
      </${Table}>
      <${MoreButton} list=${list} />`}`;
}
