// Start: choose the language, ask who is signed in, render the app.
import { html, render } from './lib.js';
import { initialLanguage, setLanguage } from './i18n.js';
import { request, setCsrfToken } from './api.js';
import { App } from './app.js';

async function start() {
  // the dashboard is the first page after sign-in: fetch its module (and the
  // map it starts loading) while the language and the session are asked for
  if (location.pathname === '/') import('./page-dashboard.js').catch(() => {});
  const [, me] = await Promise.all([
    setLanguage(initialLanguage()),
    request('GET', '/me').then((r) => r.data, () => null), // 401: not signed in
  ]);
  if (me) setCsrfToken(me.csrf_token);
  const root = document.getElementById('app');
  root.textContent = '';
  render(html`<${App} initialMe=${me} />`, root);
}
start();
