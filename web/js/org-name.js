// An organisation's name as the pages show it: a remote organisation (one of
// another node, received through federation) carries a visible marker with
// the name of its node (the peer's name, else the start of its node id).
import { html } from './lib.js';
import { t } from './i18n.js';

/** The node a remote organisation comes from, for people. */
export const nodeName = (org) => org.origin_node_name || org.origin_node.slice(0, 8);

/** The "remote" marker of a remote organisation (nothing for one of here). */
export function RemoteBadge({ org }) {
  if (!org || !org.origin_node) return '';
  const node = nodeName(org);
  return html`<span class="badge badge-remote" data-remote=${org.origin_node}
    title=${t('org.remote_title', { node })}>${t('org.remote', { node })}</span>`;
}

/** The organisation's name, and its "remote" marker when it is one. */
export function OrgName({ org }) {
  if (!org) return '';
  if (!org.origin_node) return org.name;
  return html`${org.name} <${RemoteBadge} org=${org} />`;
}
