// Every page of the app, one line each: path (with :params), the module that
// renders it (its default export, or `view`), the nav label key and section
// if it is in the menu, and the roles that may open it (all when absent).
// A new page is one more module file and one more line here.
export const routes = [
  { path: '/', load: () => import('./page-dashboard.js'), nav: 'nav.dashboard', section: 'main' },
  { path: '/report', load: () => import('./page-report.js'), public: true },
  { path: '/report/receipt', load: () => import('./page-report.js'), view: 'Receipt', public: true },
  { path: '/password', load: () => import('./page-password.js'), public: true },
  { path: '/alerts', load: () => import('./page-alerts.js'), nav: 'nav.alerts', section: 'main' },
  { path: '/alerts/new', load: () => import('./page-alert-edit.js'), roles: ['admin', 'org_admin', 'analyst', 'officer'] },
  { path: '/alerts/:id', load: () => import('./page-alerts.js'), view: 'Detail' },
  { path: '/alerts/:id/edit', load: () => import('./page-alert-edit.js'), roles: ['admin', 'org_admin', 'analyst', 'officer'] },
  { path: '/tips', load: () => import('./page-tips.js'), nav: 'nav.tips', section: 'main', roles: ['admin', 'org_admin', 'analyst', 'officer', 'partner'] },
  { path: '/tips/:id', load: () => import('./page-tips.js'), view: 'Detail', roles: ['admin', 'org_admin', 'analyst', 'officer', 'partner'] },
  { path: '/problems', load: () => import('./page-problems.js'), nav: 'nav.problems', section: 'main' },
  { path: '/problems/new', load: () => import('./page-problems.js'), view: 'New', roles: ['admin', 'org_admin', 'analyst', 'officer'] },
  { path: '/problems/:id', load: () => import('./page-problems.js'), view: 'Detail' },
  { path: '/activities', load: () => import('./page-activities.js'), nav: 'nav.activities', section: 'main' },
  { path: '/activities/new', load: () => import('./page-activity-edit.js'), roles: ['admin', 'org_admin', 'analyst', 'officer', 'partner'] },
  { path: '/activities/:id', load: () => import('./page-activities.js'), view: 'Detail' },
  { path: '/practices', load: () => import('./page-practices.js'), nav: 'nav.practices', section: 'main' },
  { path: '/practices/new', load: () => import('./page-practices.js'), view: 'New', roles: ['admin', 'org_admin', 'analyst', 'officer', 'partner'] },
  { path: '/practices/:id', load: () => import('./page-practices.js'), view: 'Detail' },
  { path: '/proposals', load: () => import('./page-proposals.js'), nav: 'nav.proposals', section: 'main' },
  { path: '/proposals/new', load: () => import('./page-proposals.js'), view: 'New', roles: ['admin', 'org_admin', 'analyst', 'officer', 'partner'] },
  { path: '/proposals/:id', load: () => import('./page-proposals.js'), view: 'Detail' },
  { path: '/analytics', load: () => import('./page-analytics.js'), nav: 'nav.analytics', section: 'main' },
  { path: '/signals', load: () => import('./page-signals.js'), nav: 'nav.signals', section: 'main' },
  { path: '/signals/:id', load: () => import('./page-signals.js'), view: 'Detail' },
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
