// An organisation's name as the pages show it: a remote organisation (one of
// another node, received through federation) carries a visible marker with
// the name of its node (the peer's name, else the start of its node id).
import { html } from './lib.js';
import { t } from './i18n.js';

/** The node a remote organisation comes from, for people. */
export const nodeName = (org) => org.origin_node_name || org.origin_node.slice(0, 8);

/** The organisation's name, and its "remote" marker when it is one. */
export function OrgName({ org }) {
  if (!org) return '';
  if (!org.origin_node) return org.name;
  const node = nodeName(org);
  return html`${org.name} <span class="badge badge-remote" data-remote=${org.origin_node}
    title=${t('org.remote_title', { node })}>${t('org.remote', { node })}</span>`;
}
