// Start: choose the language, ask who is signed in, render the app.
import { html, render } from './lib.js';
import { initialLanguage, setLanguage } from './i18n.js';
import { request, setCsrfToken } from './api.js';
import { App, pageLoaded } from './app.js';
import * as dashboard from './page-dashboard.js';

async function start() {
  const who = request('GET', '/me').then((r) => r.data, () => null); // 401: not signed in
  const session = Promise.all([setLanguage(initialLanguage()), who]);
  if (location.pathname === '/') {
    // the dashboard is the first page after sign-in: start its map and
    // chart library now, and its data as soon as the session is known,
    // while the language is still being read
    dashboard.warm();
    who.then((me) => me && dashboard.prefetchEarly(me));
  }
  pageLoaded('/', dashboard);
  const [, me] = await session;
  if (me) setCsrfToken(me.csrf_token);
  const root = document.getElementById('app');
  root.textContent = '';
  render(html`<${App} initialMe=${me} />`, root);
}
start();
