// Start: choose the language, ask who is signed in, render the app.
import { html, render } from './lib.js';
import { initialLanguage, setLanguage } from './i18n.js';
import { request, setCsrfToken } from './api.js';
import { App } from './app.js';
import { warm, prefetchEarly } from './page-dashboard.js';

async function start() {
  const session = Promise.all([
    setLanguage(initialLanguage()),
    request('GET', '/me').then((r) => r.data, () => null), // 401: not signed in
  ]);
  // the dashboard is the first page after sign-in: start its map and chart
  // library while the language and the session are asked for
  if (location.pathname === '/') warm();
  const [, me] = await session;
  if (me) setCsrfToken(me.csrf_token);
  // and its data, now rather than once the app is drawn
  if (me && location.pathname === '/') prefetchEarly(me);
  const root = document.getElementById('app');
  root.textContent = '';
  render(html`<${App} initialMe=${me} />`, root);
}
start();
