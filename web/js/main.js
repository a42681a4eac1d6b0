// Start: choose the language, ask who is signed in, render the app.
import { html, render } from './lib.js';
import { initialLanguage, setLanguage } from './i18n.js';
import { request, setCsrfToken } from './api.js';
import { App, pageLoaded } from './app.js';
import * as dashboard from './page-dashboard.js';

const EARLY_WAIT = 1000;

async function start() {
  const who = request('GET', '/me').then((r) => r.data, () => null); // 401: not signed in
  const session = Promise.all([setLanguage(initialLanguage()), who]);
  let data = null;
  if (location.pathname === '/') {
    // the dashboard is the first page after sign-in: start its map's shapes
    // now, and its data as soon as the session is known, while the language
    // is still being read; the app is drawn when that data is in (or after
    // EARLY_WAIT ms at most), so the dashboard is drawn once, whole, rather
    // than a frame, a layout and a paint for each answer
    dashboard.warm();
    data = who.then((me) => me && Promise.race([dashboard.prefetchEarly(me),
      new Promise((ok) => { setTimeout(ok, EARLY_WAIT); })]));
  }
  pageLoaded('/', dashboard);
  const [[, me]] = await Promise.all([session, data]);
  if (me) setCsrfToken(me.csrf_token);
  const root = document.getElementById('app');
  root.textContent = '';
  render(html`<${App} initialMe=${me} />`, root);
}
start();
