// Every page of the app, one line each: path (with :params), the module that
// renders it (its default export, or `view`), the nav label key and section
// if it is in the menu, and the roles that may open it (all when absent).
// A new page is one more module file and one more line here.
export const routes = [
  { path: '/', load: () => import('./page-dashboard.js'), nav: 'nav.dashboard', section: 'main' },
  { path: '/organisations', load: () => import('./page-organisations.js'), nav: 'nav.organisations', section: 'admin' },
  { path: '/organisations/new', load: () => import('./page-organisations.js'), view: 'Edit', roles: ['admin'] },
  { path: '/organisations/:id', load: () => import('./page-organisations.js'), view: 'Edit' },
  { path: '/users', load: () => import('./page-users.js'), nav: 'nav.users', section: 'admin', roles: ['admin', 'org_admin'] },
  { path: '/users/new', load: () => import('./page-users.js'), view: 'Edit', roles: ['admin', 'org_admin'] },
  { path: '/users/:id', load: () => import('./page-users.js'), view: 'Edit', roles: ['admin', 'org_admin'] },
  { path: '/sharing-groups', load: () => import('./page-groups.js'), nav: 'nav.groups', section: 'admin' },
  { path: '/sharing-groups/new', load: () => import('./page-groups.js'), view: 'Edit' },
  { path: '/sharing-groups/:id', load: () => import('./page-groups.js'), view: 'Edit' },
  { path: '/tokens', load: () => import('./page-tokens.js'), nav: 'nav.tokens', section: 'admin' },
  { path: '/audit', load: () => import('./page-audit.js'), nav: 'nav.audit', section: 'admin', roles: ['admin'] },
];

/** Whether a signed-in user may open the route. */
export function allowed(route, me) {
  return !route.roles || (me && route.roles.includes(me.role));
}
