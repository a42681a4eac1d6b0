// The audit log (admins): newest first, in words: who did what to which
// record (a link to it), the reason given, filtered by user, kind of record,
// action and dates, and downloadable as CSV or JSON with those filters.
import { html, useMemo } from './lib.js';
import { t, formatDateTime } from './i18n.js';
import { listAll } from './api.js';
import { setQuery } from './router.js';
import { PageHeader, Field, Select, ProblemAlert, useAsync, usePagedList, ExportLinks } from './components.js';
import { ListTable } from './list-page.js';

// every kind of record the log names: the server takes no other filter
// (src/domain/audit.c audit_resource_types; tests/api/audit.test.mjs holds
// the two lists equal)
export const RESOURCES = ['alert', 'tip', 'problem', 'activity', 'practice', 'proposal', 'signal', 'substance', 'referral', 'service', 'commitment', 'document', 'assessment', 'event', 'outcome', 'action', 'organisation', 'org_area', 'user', 'token', 'session', 'sharing_group', 'subscription', 'webhook', 'peer'];

// the actions the log records, for the action filter
const ACTIONS = ['create', 'update', 'share', 'delete', 'link', 'unlink', 'import', 'read_sensitive', 'note',
  'message_from_sender', 'message_to_sender', 'review', 'submitted', 'in_review', 'verified', 'published', 'rejected',
  'draft', 'endorse', 'comment', 'minutes', 'acknowledge', 'dismiss', 'close', 'consent', 'consent_override',
  'erase', 'retention', 'escalate', 'expire', 'login', 'login_failed', 'invite', 'password_set',
  'password_reset_requested', 'password_reset', 'password_change_refused', 'revoke', 'fed_refused'];

// where a record of each type is read in the app
const PAGES = {
  alert: '/alerts/', tip: '/tips/', problem: '/problems/', activity: '/activities/', practice: '/practices/',
  proposal: '/proposals/', signal: '/signals/', organisation: '/organisations/', user: '/users/',
  sharing_group: '/sharing-groups/', referral: '/referrals/', event: '/events/', assessment: '/assessments/',
};

// a label from the locale, or the code made readable
const label = (prefix, code) => {
  const s = t(`${prefix}.${code}`);
  return s === `${prefix}.${code}` ? String(code).replace(/_/g, ' ') : s;
};

/** The entry's detail in words: "distribution: organisation → network". */
function details(d) {
  if (!d || typeof d !== 'object') return [];
  return Object.entries(d).filter(([k]) => k !== 'actor' && k !== 'reason').map(([k, v]) => {
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
const byLabel = (a, b) => a.label.localeCompare(b.label);

/** The reason given for an entry: its justification, or a reason in its detail. */
const reasonOf = (e) => e.justification || (e.detail && typeof e.detail.reason === 'string' ? e.detail.reason : '');

function Who({ e, names }) {
  if (!e.user_id) return html`<span class="muted">${t(ACTORS[e.actor] || 'audit.system')}</span>`;
  return html`<a href=${`/users/${e.user_id}`}>${e.user_name || names.get(e.user_id) || e.user_id}</a>`;
}

function Record({ e }) {
  const kind = label('resource', e.resource_type);
  if (!e.resource_id) return kind;
  const page = PAGES[e.resource_type];
  const short = `${e.resource_id.slice(0, 8)}…`;
  return html`
    ${page ? html`<a href=${page + e.resource_id} aria-label=${t('audit.open', { kind: `${kind} ${e.resource_id}` })}>${kind} <span class="mono">${short}</span></a>`
    : html`${kind} <span class="mono muted">${short}</span>`}
    <div class="small"><a class="muted" href=${`/audit?${new URLSearchParams({ resource_id: e.resource_id })}`}>${t('audit.history')}</a></div>`;
}

export default function Audit({ query }) {
  const q = {
    user_id: query.get('user_id') || '',
    resource_type: query.get('resource_type') || '',
    resource_id: query.get('resource_id') || '',
    action: query.get('action') || '',
    from: query.get('from') || '',
    to: query.get('to') || '',
  };
  const key = JSON.stringify(q);
  const badRange = q.from && q.to && q.to < q.from;
  const users = useAsync(async () => (await listAll('/users', {}, 2000)).items, []);
  const names = useMemo(() => new Map((users.data || []).map((u) => [u.id, u.name])), [users.data]);
  const api = { ...q, from: dayStart(q.from), to: dayEnd(q.to) };
  // an end before the start is said by the field, and not asked for
  const sent = badRange ? { ...api, to: '' } : api;
  const list = usePagedList('/audit', sent, [key]);
  const set = (k) => (v) => setQuery({ ...q, [k]: v });
  const kinds = RESOURCES.map((r) => ({ value: r, label: label('resource', r) })).sort(byLabel);
  const actions = ACTIONS.map((a) => ({ value: a, label: label('action', a) })).sort(byLabel);
  return html`
    <${PageHeader} title=${t('audit.title')} subtitle=${t('audit.subtitle')} />
    <form class="filters" role="search" aria-label=${t('common.filters')} onSubmit=${(e) => e.preventDefault()}>
      <${Select} label=${t('audit.user')} name="user_id" value=${q.user_id} empty=${t('common.all')}
        options=${(users.data || []).map((u) => ({ value: u.id, label: `${u.name} <${u.email}>` }))} onChange=${set('user_id')} />
      <${Select} label=${t('audit.resource_type')} name="resource_type" value=${q.resource_type} empty=${t('common.all')}
        options=${kinds} onChange=${set('resource_type')} />
      <${Select} label=${t('audit.action_filter')} name="action" value=${q.action} empty=${t('common.all')}
        options=${actions} onChange=${set('action')} />
      <${Field} label=${t('audit.from')} name="from" type="date" value=${q.from} onChange=${(e) => set('from')(e.currentTarget.value)} />
      <${Field} label=${t('audit.to')} name="to" type="date" value=${q.to} min=${q.from || undefined}
        error=${badRange ? t('audit.range_bad') : undefined} onChange=${(e) => set('to')(e.currentTarget.value)} />
    </form>
    ${q.resource_id && html`<p class="alert alert-warn" data-record-filter>${t('audit.record_only', { id: q.resource_id })}
      <button type="button" class="btn btn-small" onClick=${() => setQuery({ ...q, resource_id: '' })}>${t('audit.record_all')}</button></p>`}
    <${ExportLinks} path="/audit/export" query=${Object.fromEntries(Object.entries(sent).filter(([, v]) => v))} formats=${['csv', 'json']} />
    <${ProblemAlert} error=${list.error} />
    <${ListTable} list=${list} empty=${t('audit.empty')} caption=${t('audit.title')}
      head=${[t('audit.at'), t('audit.user'), t('audit.action'), t('audit.resource'), t('audit.request')]}
      row=${(e) => html`
        <tr key=${e.seq} data-action=${e.action}>
          <td class="nowrap">${formatDateTime(e.at)}</td>
          <td><${Who} e=${e} names=${names} /></td>
          <td>${label('action', e.action)}
            ${reasonOf(e) && html`<div class="small" data-reason><strong>${t('audit.reason')}:</strong> ${reasonOf(e)}</div>`}
            ${details(e.detail).map((d) => html`<div class="muted small">${d}</div>`)}</td>
          <td><${Record} e=${e} /></td>
          <td class="mono small">${e.request_id || ''}</td>
        </tr>`} />`;
}
