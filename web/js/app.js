// The shell: top bar (who is signed in, navigation, language, sign-out) and
// the page of the current route.
import { html, useState, useEffect, useRef } from './lib.js';
import { t, tn, LANGUAGES, language, setLanguage } from './i18n.js';
import { request, post, get, setCsrfToken, setUnauthorizedHandler } from './api.js';
import { useLocation, matchRoute, navigate } from './router.js';
import { routes, allowed } from './routes.js';
import { Loading, ProblemAlert } from './components.js';
import SignIn from './page-signin.js';
import NotFound from './page-notfound.js';

export function LanguageSelect({ onChange, id = 'lang' }) {
  return html`
    <div class="lang">
      <label for=${id}>${t('app.language')}</label>
      <select id=${id} value=${language()} onChange=${(e) => onChange(e.currentTarget.value)}>
        ${LANGUAGES.map((l) => html`<option value=${l.code} lang=${l.code} selected=${l.code === language()}>${l.name}</option>`)}
      </select>
    </div>`;
}

/** The unread count beside the inbox entry, with a label a screen reader reads. */
function UnreadBadge({ n }) {
  if (!n) return null;
  return html`<span class="badge badge-info nav-count" data-unread=${n}><span aria-hidden="true">${n > 99 ? '99+' : n}</span><span
    class="visually-hidden">${tn('inbox.unread_n', n)}</span></span>`;
}

function TopBar({ me, org, path, unread, onLang, onSignOut }) {
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [path]);
  const items = me ? routes.filter((r) => r.nav && allowed(r, me)) : [];
  const active = (r) => (r.path === '/' ? path === '/' : path === r.path || path.startsWith(`${r.path}/`));
  return html`
    <header class="topbar">
      <a class="skip-link" href="#main">${t('app.skip')}</a>
      <div class="topbar-row">
        <a class="brand" href="/" aria-label=${t('app.home')}>
          <span class="brand-mark" aria-hidden="true"></span>
          <span class="brand-name">Trellis</span>
        </a>
        <span class="brand-tag">${t('app.tagline')}</span>
        <div class="topbar-tools">
          ${me && html`
            <div class="userbox">
              <span class="user-name">${me.name}</span>
              <span class="user-meta">${org ? org.name : ''}${org ? ' · ' : ''}${t(`role.${me.role}`)}</span>
            </div>`}
          <${LanguageSelect} onChange=${onLang} />
          ${me && html`<button type="button" class="btn btn-quiet signout" onClick=${onSignOut}>${t('app.sign_out')}</button>`}
          ${me && html`
            <button type="button" class="btn btn-quiet menu-toggle" aria-expanded=${open ? 'true' : 'false'}
              aria-controls="main-nav" onClick=${() => setOpen(!open)}>${t('app.menu')}${unread > 0 && html` <${UnreadBadge} n=${unread} />`}</button>`}
        </div>
      </div>
      ${me && html`
        <nav id="main-nav" class=${`mainnav${open ? ' open' : ''}`} aria-label=${t('app.nav_label')}>
          <ul>
            ${items.map((r) => html`
              <li><a href=${r.path} aria-current=${active(r) ? 'page' : undefined}>${t(r.nav)}${r.path === '/inbox' && html` <${UnreadBadge} n=${unread} />`}</a></li>`)}
          </ul>
        </nav>`}
    </header>`;
}

// The modules of the pages loaded so far, by route: a page whose module is
// here is drawn in the same render as the shell, not a frame of "Loading"
// and an effect later (main.js hands over the dashboard's, which it has).
const loadedPages = new Map();
export function pageLoaded(path, module) {
  for (const r of routes) if (r.path === path) loadedPages.set(r, module);
}

function Page({ me, loc, org, onMe, onUnread }) {
  const m = matchRoute(routes, loc.path);
  const [mod, setMod] = useState(null);
  const [err, setErr] = useState(null);
  const route = m && m.route;
  useEffect(() => {
    if (!route || !allowed(route, me) || loadedPages.has(route)) return;
    let live = true;
    setErr(null);
    route.load().then((x) => {
      loadedPages.set(route, x);
      if (live) setMod({ route, Comp: x[route.view || 'default'] });
    }, (e) => live && setErr(e));
    return () => { live = false; };
  }, [route]);
  if (!m || !allowed(m.route, me) || (!me && !m.route.public)) return html`<${NotFound} />`;
  const known = loadedPages.get(route);
  const cur = known ? { route, Comp: known[route.view || 'default'] } : mod;
  if (err && !known) return html`<${ProblemAlert} error=${{ message: t('error.load_page'), fields: {} }} />`;
  if (!cur || cur.route !== route) return html`<${Loading} />`;
  const { Comp } = cur;
  return html`<${Comp} me=${me} org=${org} params=${m.params} query=${loc.query} onMe=${onMe} onUnread=${onUnread} />`;
}

export function App({ initialMe }) {
  const [me, setMe] = useState(initialMe);
  const [org, setOrg] = useState(null);
  const [, setLangTick] = useState(0);
  const loc = useLocation();
  const first = useRef(true);
  const [unread, setUnread] = useState(initialMe ? initialMe.unread : 0);
  // the unread count of the navigation: from /me, then after each navigation and marking read
  const onUnread = () => get('/inbox', { unread: 'true', limit: 1 }).then((p) => setUnread(p.unread), () => {});
  useEffect(() => { if (me) onUnread(); }, [loc.path, Boolean(me)]);

  useEffect(() => {
    setUnauthorizedHandler(() => { setCsrfToken(null); setMe(null); });
  }, []);
  useEffect(() => {
    setOrg(null);
    if (me && me.org_id) get(`/organisations/${me.org_id}`).then(setOrg, () => setOrg(null));
  }, [me && me.org_id]);
  // After navigation, move focus to the new page's heading and name the tab.
  useEffect(() => {
    const id = setTimeout(() => {
      const h1 = document.getElementById('page-title');
      document.title = h1 ? `${h1.textContent} · Trellis` : 'Trellis';
      if (!first.current && h1) h1.focus();
      first.current = false;
    }, 60);
    return () => clearTimeout(id);
  }, [loc.path, Boolean(me)]);

  const onLang = async (code) => {
    await setLanguage(code);
    setLangTick((n) => n + 1);
  };
  // the sign-in answers the user; /me adds what the role may do (can)
  const onSignIn = async (user, csrf) => {
    setCsrfToken(csrf);
    try { setMe((await request('GET', '/me')).data); } catch { setMe(user); }
  };
  const onSignOut = async () => {
    try { await post('/auth/logout'); } catch { /* the session may be gone already */ }
    setCsrfToken(null);
    setMe(null);
    navigate('/');
  };
  const onMe = async () => {
    const r = await request('GET', '/me');
    setMe(r.data);
  };

  // public pages (the tip form and its receipt) need no sign-in
  const m = matchRoute(routes, loc.path);
  const open = Boolean(me) || Boolean(m && m.route.public);
  return html`
    <${TopBar} me=${me} org=${org} path=${loc.path} unread=${unread} onLang=${onLang} onSignOut=${onSignOut} />
    <main id="main" tabindex="-1" class=${open ? 'page' : 'page page-signin'}>
      ${open ? html`<${Page} me=${me} org=${org} loc=${loc} onMe=${onMe} onUnread=${onUnread} />` : html`<${SignIn} onSignIn=${onSignIn} />`}
    </main>
    <footer class="footer"><p>${t('app.footer')}</p></footer>`;
}
