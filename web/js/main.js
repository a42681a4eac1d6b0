// Start: choose the language, ask who is signed in, render the app.
import { html, render } from './lib.js';
import { initialLanguage, setLanguage } from './i18n.js';
import { request, setCsrfToken } from './api.js';
import { App } from './app.js';

async function start() {
  await setLanguage(initialLanguage());
  let me = null;
  try {
    me = (await request('GET', '/me')).data;
    setCsrfToken(me.csrf_token);
  } catch { /* 401: not signed in */ }
  const root = document.getElementById('app');
  root.textContent = '';
  render(html`<${App} initialMe=${me} />`, root);
}
start();
