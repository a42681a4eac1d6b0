// The inbox: what happened that concerns the caller (a tip routed to their
// organisation, a message on a tip they handle, a deadline, an alert of a
// subscription, a signal, a proposal or practice waiting for you, a referral
// or action deadline…), unread first, filtered by kind and by read or
// unread. Each item names its record as the reader sees it now and links to
// it; "Mark read" and "Mark all read" update the
// unread count of the navigation through onUnread.
import { html } from './lib.js';
import { t, formatDateTime } from './i18n.js';
import { post } from './api.js';
import { setQuery } from './router.js';
import { PageHeader, Select, ProblemAlert, Loading, usePagedList, MoreButton, Badge } from './components.js';
import { FilterBar } from './list-page.js';

export const KINDS = ['alert', 'practice_published', 'proposal_open', 'activity_new', 'tip_routed', 'tip_message', 'tip_assigned', 'tip_deadline', 'tip_overdue',
  'tip_escalated', 'signal', 'proposal_endorse', 'practice_review', 'webhook_disabled',
  'referral_deadline', 'referral_overdue', 'referral_escalated', 'referral_expired', 'action_due', 'action_overdue'];

/** The pages the app has for an item's record; others open the inbox. */
const PAGES = ['alert', 'tip', 'signal', 'proposal', 'practice', 'referral', 'activity'];
export const itemLink = (i) => (PAGES.includes(i.ref_type) ? i.link : '/inbox');

/** What an item says: its kind and, when the reader still sees the record,
 * the record's name (a tip's reference, an alert's title, a signal's place). */
const itemText = (item) => (item.title ? t('inbox.named', { kind: t(`inbox.kind.${item.kind}`), title: item.title })
  : t(`inbox.kind.${item.kind}`));

/** One inbox item: what happened, about what, when, a link to the record and "Mark read". */
export function InboxItem({ item, onRead }) {
  const read = async () => {
    await post(`/inbox/${item.id}/read`);
    onRead && onRead(item.id);
  };
  return html`
    <li class=${`inbox-item${item.read ? '' : ' unread'}`} data-item=${item.id}>
      <a href=${itemLink(item)} onClick=${() => { if (!item.read) read().catch(() => {}); }}
        data-title=${item.title || undefined}>${itemText(item)}</a>
      ${!item.read && html` <${Badge} kind="info">${t('inbox.new')}</${Badge}>`}
      <span class="muted small"> · ${formatDateTime(item.created_at)}</span>
      ${!item.read && onRead && html`
        <button type="button" class="btn btn-quiet" onClick=${() => read().catch(() => {})}
          aria-label=${t('inbox.mark_read_label', { what: itemText(item) })}>${t('inbox.mark_read')}</button>`}
    </li>`;
}

export default function Inbox({ query, onUnread }) {
  const cur = Object.fromEntries(query.entries());
  const kind = cur.kind ?? '';
  const state = cur.state ?? '';
  const filter = { ...(kind ? { kind } : {}), ...(state ? { unread: state === 'unread' ? 'true' : 'false' } : {}) };
  const list = usePagedList('/inbox', filter, [kind, state]);
  const items = state === 'read' ? list.items.filter((i) => i.read) : list.items;
  const changed = () => { list.reload(); onUnread && onUnread(); };
  const readAll = async () => {
    await post('/inbox/read-all');
    changed();
  };
  const unread = list.items.some((i) => !i.read);
  return html`
    <${PageHeader} title=${t('inbox.title')} subtitle=${t('inbox.subtitle')}>
      ${unread && html`<button type="button" class="btn" onClick=${() => readAll().catch(() => {})}>${t('inbox.mark_all')}</button>`}
    </${PageHeader}>
    <${FilterBar} label=${t('inbox.filters')}>
      <${Select} label=${t('inbox.kind')} name="kind" value=${kind} onChange=${(v) => setQuery({ ...cur, kind: v })}
        options=${KINDS.map((k) => ({ value: k, label: t(`inbox.kind.${k}`) }))} empty=${t('common.all')} />
      <${Select} label=${t('inbox.state')} name="state" value=${state} onChange=${(v) => setQuery({ ...cur, state: v })}
        options=${['unread', 'read'].map((s) => ({ value: s, label: t(`inbox.state.${s}`) }))} empty=${t('common.all')} />
    </${FilterBar}>
    <${ProblemAlert} error=${list.error} />
    ${list.loading && list.items.length === 0 ? html`<${Loading} />`
      : items.length === 0 ? html`<p class="empty">${t('inbox.empty')}</p>` : html`
      <ul class="plain-list inbox-list" aria-label=${t('inbox.title')}>
        ${items.map((i) => html`<${InboxItem} key=${i.id} item=${i} onRead=${changed} />`)}
      </ul>
      <${MoreButton} list=${list} />`}`;
}
