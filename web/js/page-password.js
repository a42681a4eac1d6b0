// Choosing a password from an invitation or reset link: the token comes in
// the fragment (/password#token=...), so it never reaches a server log.
import { html, useState } from './lib.js';
import { t } from './i18n.js';
import { request } from './api.js';
import { Field, ProblemAlert, useSubmit } from './components.js';

export default function Password() {
  const token = new URLSearchParams(location.hash.slice(1)).get('token') || '';
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const { busy, error, f, submit } = useSubmit();
  const send = submit(async () => {
    await request('POST', '/auth/password', { body: { token, password } });
    history.replaceState(null, '', '/password');
    setDone(true);
  });
  return html`
    <section class="card signin-card" aria-labelledby="page-title">
      <h1 id="page-title" tabindex="-1">${t('password.title')}</h1>
      ${!token && !done && html`<p role="alert">${t('password.no_token')}</p>`}
      ${done
        ? html`<p role="status" data-done="1">${t('password.done')}</p><p><a class="btn btn-primary" href="/">${t('password.signin')}</a></p>`
        : html`
          <${ProblemAlert} error=${error} />
          <form onSubmit=${send} novalidate>
            <${Field} label=${t('password.new')} name="password" type="password" autocomplete="new-password"
              value=${password} onInput=${setPassword} error=${f.password || f.token} required />
            <button type="submit" class="btn btn-primary btn-block" disabled=${busy || !token}>${t('password.submit')}</button>
          </form>`}
    </section>`;
}
