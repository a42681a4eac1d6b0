// Deleting a record: a button, then a question in words, then DELETE with
// the record's current ETag. A refusal (409: what still depends on the
// record; 412: someone changed it) is shown as the server words it.
import { html, useState } from './lib.js';
import { t } from './i18n.js';
import { request, getVersioned } from './api.js';
import { ProblemAlert } from './components.js';

/** path: the record's API path ("/documents/ID"); what: its name in the
 * question; onDone after it is gone. */
export function DeleteButton({ path, what, onDone, small }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const go = async () => {
    setBusy(true);
    setError(null);
    try {
      const cur = await getVersioned(path);
      await request('DELETE', path, { etag: cur.etag });
      setAsking(false);
      onDone();
    } catch (err) {
      // no form here: what the server names is said in the message alone
      err.fields = {};
      setError(err);
    }
    setBusy(false);
  };
  const cls = small ? 'btn btn-small btn-danger' : 'btn btn-danger';
  if (!asking) {
    return html`<button type="button" class=${cls} data-delete=${path} onClick=${() => setAsking(true)}>${t('common.delete')}</button>`;
  }
  return html`<div class="confirm-delete" role="group" aria-label=${t('common.delete')} data-confirm-delete=${path}>
    <${ProblemAlert} error=${error} />
    <p>${t('common.delete_question', { what })}</p>
    <button type="button" class=${cls} disabled=${busy} onClick=${go}>${t('common.delete_confirm')}</button>
    <button type="button" class="btn btn-quiet" onClick=${() => { setAsking(false); setError(null); }}>${t('common.cancel')}</button>
  </div>`;
}
