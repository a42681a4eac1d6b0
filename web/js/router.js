// History-API router: routes.js lists the pages; links to same-origin paths
// are followed without a reload.
import { useState, useEffect } from './lib.js';

const listeners = new Set();

function current() {
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

export function navigate(to, { replace = false } = {}) {
  if (to === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  listeners.forEach((fn) => fn(current()));
}

/** Replaces the query string (filters) without a new history entry. */
export function setQuery(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  navigate(location.pathname + (s ? `?${s}` : ''), { replace: true });
}

/** The current location; re-renders the caller when it changes. */
export function useLocation() {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const fn = (l) => setLoc(l);
    const pop = () => fn(current());
    listeners.add(fn);
    addEventListener('popstate', pop);
    return () => { listeners.delete(fn); removeEventListener('popstate', pop); };
  }, []);
  return loc;
}

/** The route whose pattern (with :params) matches path, and its params. */
export function matchRoute(routes, path) {
  const parts = path.replace(/\/+$/, '').split('/').slice(1);
  for (const r of routes) {
    const pat = r.path.replace(/\/+$/, '').split('/').slice(1);
    if (pat.length !== parts.length) continue;
    const params = {};
    let ok = true;
    for (let i = 0; i < pat.length && ok; i++) {
      if (pat[i].startsWith(':')) params[pat[i].slice(1)] = decodeURIComponent(parts[i]);
      else ok = pat[i] === parts[i];
    }
    if (ok) return { route: r, params };
  }
  return null;
}

document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest && e.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin) return;
  if (a.hash && a.pathname === location.pathname) return; /* in-page link */
  if (a.pathname.startsWith('/api/') || /\.[a-z0-9]+$/i.test(a.pathname)) return;
  e.preventDefault();
  navigate(a.pathname + a.search);
});
