// Runs before the app: index.html loads it, small and async, ahead of the
// app's own script. On "/" it asks who is signed in and, for a signed-in
// user, everything the dashboard's first render shows, while the app still
// loads; api.js then takes each answer once instead of asking again
// (api.js's takeEarly). Elsewhere, or once the app runs, it does nothing.
import { dashboardAsks } from './dashboard-data.js';
import { withQuery } from './url.js';

if (location.pathname === '/' && !globalThis.trellisEarly) {
  const answers = new Map();
  const json = { headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  globalThis.trellisEarly = { at: Date.now(), answers };
  const ask = (url) => {
    const p = fetch(url, json);
    p.catch(() => {}); // the app sees the failure when it takes the answer
    answers.set(url, p);
    return p;
  };
  // what main.js asks for on "/" signed in or not: the map's shapes and street tiles (map.js)
  ask('/vendor/countries-overview.json');
  ask('/api/v1/map');
  // the app reads /me again: it takes a copy, handed over once the asks
  // below are made, so that it never asks first for what is asked here
  const me = fetch('/api/v1/me', json);
  const copy = me.then((r) => r.clone()); // before the body is read below
  const asked = me.then((r) => (r.ok ? r.json() : null)).then((who) => {
    if (!who) return;
    ask(withQuery('/api/v1/countries', { limit: 500 })); // api.js countries()'s first page
    for (const [path, query] of dashboardAsks(who)) ask(withQuery(`/api/v1${path}`, query));
  }).catch(() => {});
  const handed = asked.then(() => copy);
  handed.catch(() => {});
  answers.set('/api/v1/me', handed);
}
