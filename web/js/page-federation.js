// Federation (admins): this node's identity, and per peer its status, lag,
// last success and last error, and what it would receive now.
import { html, useState } from './lib.js';
import { t, formatDateTime } from './i18n.js';
import { get } from './api.js';
import { PageHeader, ProblemAlert, Loading, Table, useAsync } from './components.js';

function Preview({ peer }) {
  const list = useAsync(() => get(`/federation/peers/${peer.node_id}/preview`), [peer.node_id]);
  if (list.loading) return html`<${Loading} />`;
  if (list.error) return html`<${ProblemAlert} error=${list.error} />`;
  const items = list.data.items;
  return html`
    <div class="card" data-preview=${peer.node_id}>
      <h2>${t('fed.preview_title', { name: peer.name })}</h2>
      ${items.length === 0 ? html`<p class="empty">${t('fed.preview_empty')}</p>` : html`
        <ul>${items.map((x) => html`<li key=${x.id}><a href=${`/alerts/${x.id}`}>${x.title}</a>
          <span class="muted small"> v${x.version}${x.op === 'retract' ? ` · ${t('fed.op_retract')}` : ''}</span></li>`)}</ul>`}
    </div>`;
}

export default function Federation() {
  const node = useAsync(() => get('/federation/node'), []);
  const peers = useAsync(() => get('/federation/peers'), []);
  const [open, setOpen] = useState(null);
  const when = (v) => (v ? formatDateTime(v) : t('fed.never'));
  return html`
    <${PageHeader} title=${t('fed.title')} subtitle=${t('fed.subtitle')}>
      <button type="button" class="btn" onClick=${() => peers.reload()}>${t('fed.refresh')}</button>
    <//>
    <${ProblemAlert} error=${node.error || peers.error} />
    ${node.data && html`
      <dl class="card" data-node>
        <dt>${t('fed.node_id')}</dt><dd class="mono">${node.data.enabled ? node.data.node_id : t('fed.off')}</dd>
        ${node.data.enabled && html`<dt>${t('fed.public_key')}</dt><dd class="mono small">${node.data.public_key}</dd>`}
      </dl>`}
    ${peers.loading && !peers.data ? html`<${Loading} />`
      : peers.data && peers.data.items.length === 0 ? html`<p class="empty">${t('fed.no_peers')}</p>`
        : peers.data && html`
      <${Table} caption=${t('fed.peers')} head=${[t('fed.peer'), t('fed.status'), t('fed.last_success'), t('fed.lag'), t('fed.last_error'), t('fed.pass_along'), '']}>
        ${peers.data.items.map((p) => html`
          <tr key=${p.node_id} data-peer=${p.name}>
            <td>${p.name}<div class="muted small mono">${p.node_id.slice(0, 8)}… · ${p.url}</div></td>
            <td data-status=${p.status}>${t(`fed.status_${p.status}`)}</td>
            <td class="nowrap">${when(p.last_success_at)}</td>
            <td>${p.lag_s === null ? '—' : t('fed.seconds', { n: p.lag_s })}
              <div class="muted small">${t('fed.behind', { n: p.served_lag })}</div></td>
            <td>${p.last_error ? html`${p.last_error}<div class="muted small">${when(p.last_error_at)}</div>` : '—'}</td>
            <td>${p.pass_along ? t('fed.yes') : t('fed.no')}</td>
            <td><button type="button" class="btn btn-small" onClick=${() => setOpen(open === p.node_id ? null : p.node_id)}>${t('fed.preview')}</button></td>
          </tr>`)}
      <//>`}
    ${open && peers.data && html`<${Preview} peer=${peers.data.items.find((p) => p.node_id === open)} />`}`;
}
