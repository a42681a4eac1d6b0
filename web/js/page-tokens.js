// The caller's API tokens: create (the secret is shown once) and revoke.
import { html, useState } from './lib.js';
import { t, formatDateTime } from './i18n.js';
import { post, del } from './api.js';
import { PageHeader, Field, Checkbox, usePagedList, Badge, Outcome } from './components.js';
import { ListTable } from './list-page.js';

function status(tok) {
  if (tok.revoked_at) return html`<${Badge} kind="danger">${t('tokens.revoked')}</${Badge}>`;
  if (tok.expires_at && Date.parse(tok.expires_at) < Date.now()) return html`<${Badge} kind="warn">${t('tokens.expired')}</${Badge}>`;
  return html`<${Badge} kind="ok">${t('tokens.active')}</${Badge}>`;
}

function Secret({ created, onDone }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try { await navigator.clipboard.writeText(created.token); setCopied(true); } catch { setCopied(false); }
  };
  return html`
    <section class="card secret" aria-labelledby="secret-title">
      <h2 id="secret-title">${t('tokens.created', { name: created.name })}</h2>
      <p>${t('tokens.secret_once')}</p>
      <p><label for="token-secret" class="visually-hidden">${t('tokens.secret')}</label>
        <input id="token-secret" class="secret-value" readonly value=${created.token}
          onFocus=${(e) => e.currentTarget.select()} /></p>
      <div class="form-actions">
        <button type="button" class="btn" onClick=${copy}>${copied ? t('tokens.copied') : t('tokens.copy')}</button>
        <button type="button" class="btn btn-primary" onClick=${onDone}>${t('tokens.stored')}</button>
      </div>
    </section>`;
}

export default function Tokens({ me }) {
  const list = usePagedList('/tokens', {}, []);
  const [form, setForm] = useState({ name: '', expires_in_days: '90', read_only: false });
  const [error, setError] = useState(null);
  const [created, setCreated] = useState(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const f = (error && error.fields) || {};
  const create = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setNotice('');
    try {
      const body = { name: form.name, read_only: form.read_only };
      if (form.expires_in_days) body.expires_in_days = Number(form.expires_in_days);
      setCreated(await post('/tokens', body));
      setForm({ name: '', expires_in_days: '90', read_only: false });
      list.reload();
    } catch (err) {
      setError(err);
    }
    setBusy(false);
  };
  const revoke = async (tok) => {
    if (!window.confirm(t('tokens.confirm_revoke', { name: tok.name }))) return;
    setError(null);
    try {
      await del(`/tokens/${tok.id}`);
      setNotice(t('tokens.revoked_notice', { name: tok.name }));
      list.reload();
    } catch (err) {
      setError(err);
    }
  };
  return html`
    <${PageHeader} title=${t('tokens.title')} subtitle=${t('tokens.subtitle')} />
    ${created && html`<${Secret} created=${created} onDone=${() => setCreated(null)} />`}
    <${Outcome} notice=${notice} error=${error} />
    <div class="two-col">
      <section class="card" aria-labelledby="new-token-title">
        <h2 id="new-token-title">${t('tokens.new')}</h2>
        <form onSubmit=${create} novalidate>
          <${Field} label=${t('tokens.name')} name="name" value=${form.name} onInput=${(v) => setForm({ ...form, name: v })}
            error=${f.name} required hint=${t('tokens.name_hint')} />
          <${Field} label=${t('tokens.expires_in_days')} name="expires_in_days" type="number" min="1" max="366"
            value=${form.expires_in_days} onInput=${(v) => setForm({ ...form, expires_in_days: v })} error=${f.expires_in_days} />
          <${Checkbox} label=${t('tokens.read_only')} name="read_only" checked=${form.read_only}
            onChange=${(v) => setForm({ ...form, read_only: v })} />
          <div class="form-actions"><button type="submit" class="btn btn-primary" disabled=${busy || me.read_only}>${t('tokens.create')}</button></div>
        </form>
      </section>
      <section class="card" aria-labelledby="tokens-list-title">
        <h2 id="tokens-list-title">${t('tokens.yours')}</h2>
        <${ListTable} list=${list} empty=${t('tokens.empty')} caption=${t('tokens.yours')}
          head=${[t('tokens.name'), t('tokens.created_at'), t('tokens.expires_at'), t('tokens.status'), t('common.actions')]}
          row=${(tok) => html`
            <tr key=${tok.id}>
              <td>${tok.name}${tok.read_only ? html` <${Badge}>${t('tokens.read_only_short')}</${Badge}>` : ''}</td>
              <td>${formatDateTime(tok.created_at)}</td>
              <td>${tok.expires_at ? formatDateTime(tok.expires_at) : t('tokens.never')}</td>
              <td>${status(tok)}</td>
              <td>${!tok.revoked_at && html`<button type="button" class="btn btn-small btn-danger"
                aria-label=${t('tokens.revoke_named', { name: tok.name })} onClick=${() => revoke(tok)}>${t('tokens.revoke')}</button>`}</td>
            </tr>`} />
      </section>
    </div>`;
}
