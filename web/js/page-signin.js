// Sign-in form: email and password, checked against the server's rules
// before sending; a wrong one shows the server's detail in the user's
// language.
import { html, useState, useEffect } from './lib.js';
import { t, language } from './i18n.js';
import { request } from './api.js';
import { check, loadSchema } from './check.js';
import { Field, ProblemAlert } from './components.js';

export default function SignIn({ onSignIn }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { loadSchema('login'); }, [language()]);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const local = await check('login', { email, password });
    if (local) {
      setError(local);
      setBusy(false);
      return;
    }
    try {
      const r = await request('POST', '/auth/login', { body: { email, password } });
      onSignIn(r.data.user, r.data.csrf_token);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const [forgot, setForgot] = useState(false);
  const [sent, setSent] = useState(false);
  const askReset = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      await request('POST', '/auth/forgot', { body: { email } });
      setSent(true);
    } catch (err) {
      setError(err);
    }
  };
  const f = (error && error.fields) || {};
  return html`
    <div class="signin">
      <section class="signin-intro" aria-labelledby="intro-title">
        <h2 id="intro-title">${t('signin.intro_title')}</h2>
        <p>${t('signin.intro')}</p>
        <p class="report-link"><a class="btn btn-report" href="/report">${t('signin.report')}</a></p>
        <p class="muted small"><a href="/report/receipt">${t('signin.have_receipt')}</a></p>
      </section>
      <section class="card signin-card" aria-labelledby="page-title">
        <h1 id="page-title" tabindex="-1">${t('signin.title')}</h1>
        <${ProblemAlert} error=${error} />
        <form onSubmit=${submit} novalidate>
          <${Field} label=${t('signin.email')} name="email" type="email" autocomplete="username"
            value=${email} onInput=${setEmail} error=${f.email} required />
          <${Field} label=${t('signin.password')} name="password" type="password" autocomplete="current-password"
            value=${password} onInput=${setPassword} error=${f.password} required />
          <button type="submit" class="btn btn-primary btn-block" disabled=${busy}>
            ${busy ? t('signin.signing_in') : t('signin.submit')}
          </button>
        </form>
        <p class="muted small"><button type="button" class="btn-link" onClick=${() => setForgot(!forgot)}>${t('signin.forgot')}</button></p>
        ${forgot && (sent
          ? html`<p role="status" class="forgot-sent">${t('signin.forgot_sent')}</p>`
          : html`<form class="forgot" onSubmit=${askReset} novalidate>
              <button type="submit" class="btn btn-block" disabled=${!email}>${t('signin.forgot_send')}</button>
            </form>`)}
      </section>
    </div>`;
}
