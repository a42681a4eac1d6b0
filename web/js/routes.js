import { can } from './can.js';

// Every page of the app, one line each: path (with :params), the module that
// renders it (its default export, or `view`), the nav label key and section
// if it is in the menu, and the right (resource, action of GET /api/v1/me's
// `can`) needed to open it (every signed-in user when absent).
// A new page is one more module file and one more line here.
export const routes = [
  { path: '/', load: () => import('./page-dashboard.js'), nav: 'nav.dashboard', section: 'main' },
  { path: '/inbox', load: () => import('./page-inbox.js'), nav: 'nav.inbox', section: 'main' },
  { path: '/subscriptions', load: () => import('./page-subscriptions.js'), nav: 'nav.subscriptions', section: 'main', can: ['subscription', 'list'] },
  { path: '/report', load: () => import('./page-report.js'), public: true },
  { path: '/report/receipt', load: () => import('./page-report.js'), view: 'Receipt', public: true },
  { path: '/password', load: () => import('./page-password.js'), public: true },
  { path: '/alerts', load: () => import('./page-alerts.js'), nav: 'nav.alerts', section: 'main' },
  { path: '/alerts/new', load: () => import('./page-alert-edit.js'), can: ['alert', 'create'] },
  { path: '/alerts/:id', load: () => import('./page-alerts.js'), view: 'Detail' },
  { path: '/alerts/:id/edit', load: () => import('./page-alert-edit.js'), can: ['alert', 'update'] },
  { path: '/tips', load: () => import('./page-tips.js'), nav: 'nav.tips', section: 'main', can: ['tip', 'list'] },
  { path: '/tips/:id', load: () => import('./page-tips.js'), view: 'Detail', can: ['tip', 'read'] },
  { path: '/problems', load: () => import('./page-problems.js'), nav: 'nav.problems', section: 'main' },
  { path: '/problems/new', load: () => import('./page-problems.js'), view: 'New', can: ['problem', 'create'] },
  { path: '/problems/:id', load: () => import('./page-problems.js'), view: 'Detail' },
  { path: '/activities', load: () => import('./page-activities.js'), nav: 'nav.activities', section: 'main' },
  { path: '/activities/new', load: () => import('./page-activity-edit.js'), can: ['activity', 'create'] },
  { path: '/activities/:id', load: () => import('./page-activities.js'), view: 'Detail' },
  { path: '/practices', load: () => import('./page-practices.js'), nav: 'nav.practices', section: 'main' },
  { path: '/practices/new', load: () => import('./page-practices.js'), view: 'New', can: ['practice', 'create'] },
  { path: '/practices/:id', load: () => import('./page-practices.js'), view: 'Detail' },
  { path: '/proposals', load: () => import('./page-proposals.js'), nav: 'nav.proposals', section: 'main' },
  { path: '/proposals/new', load: () => import('./page-proposals.js'), view: 'New', can: ['proposal', 'create'] },
  { path: '/proposals/:id', load: () => import('./page-proposals.js'), view: 'Detail' },
  { path: '/analytics', load: () => import('./page-analytics.js'), nav: 'nav.analytics', section: 'main' },
  { path: '/signals', load: () => import('./page-signals.js'), nav: 'nav.signals', section: 'main' },
  { path: '/signals/:id', load: () => import('./page-signals.js'), view: 'Detail' },
  { path: '/commitments', load: () => import('./page-commitments.js'), nav: 'nav.commitments', section: 'main' },
  { path: '/commitments/new', load: () => import('./page-commitments.js'), view: 'NewCommitment' },
  { path: '/commitments/matrix', load: () => import('./page-commitments.js'), view: 'Matrix' },
  { path: '/documents/new', load: () => import('./page-commitments.js'), view: 'NewDocument' },
  { path: '/documents/:id/edit', load: () => import('./page-commitments.js'), view: 'EditDocument' },
  { path: '/commitments/:id/edit', load: () => import('./page-commitments.js'), view: 'EditCommitment' },
  { path: '/states/:iso2', load: () => import('./page-commitments.js'), view: 'State' },
  { path: '/assessments/:id', load: () => import('./page-commitments.js'), view: 'Assessment' },
  { path: '/events', load: () => import('./page-events.js'), nav: 'nav.events', section: 'main' },
  { path: '/events/new', load: () => import('./page-events.js'), view: 'EventForm', can: ['event', 'create'] },
  { path: '/events/:id/edit', load: () => import('./page-events.js'), view: 'EventForm' },
  { path: '/events/:id', load: () => import('./page-events.js'), view: 'Detail' },
  { path: '/services', load: () => import('./page-referrals.js'), view: 'Services', nav: 'nav.services', section: 'main', can: ['service', 'list'] },
  { path: '/referrals', load: () => import('./page-referrals.js'), nav: 'nav.referrals', section: 'main', can: ['referral', 'list'] },
  { path: '/referrals/new', load: () => import('./page-referrals.js'), view: 'New', can: ['referral', 'create'] },
  { path: '/referrals/outcomes', load: () => import('./page-referrals.js'), view: 'Outcomes', nav: 'nav.outcomes', section: 'main', can: ['referral_outcome', 'list'] },
  { path: '/referrals/:id', load: () => import('./page-referrals.js'), view: 'Detail', can: ['referral', 'read'] },
  { path: '/organisations', load: () => import('./page-organisations.js'), nav: 'nav.organisations', section: 'admin' },
  { path: '/organisations/new', load: () => import('./page-organisations.js'), view: 'Edit', can: ['organisation', 'create'] },
  { path: '/organisations/:id', load: () => import('./page-organisations.js'), view: 'Edit' },
  { path: '/users', load: () => import('./page-users.js'), nav: 'nav.users', section: 'admin', can: ['user', 'create'] },
  { path: '/users/new', load: () => import('./page-users.js'), view: 'Edit', can: ['user', 'create'] },
  { path: '/users/:id', load: () => import('./page-users.js'), view: 'Edit', can: ['user', 'create'] },
  { path: '/sharing-groups', load: () => import('./page-groups.js'), nav: 'nav.groups', section: 'admin' },
  { path: '/sharing-groups/new', load: () => import('./page-groups.js'), view: 'Edit' },
  { path: '/sharing-groups/:id', load: () => import('./page-groups.js'), view: 'Edit' },
  { path: '/tokens', load: () => import('./page-tokens.js'), nav: 'nav.tokens', section: 'admin' },
  { path: '/audit', load: () => import('./page-audit.js'), nav: 'nav.audit', section: 'admin', can: ['audit', 'list'] },
  { path: '/federation', load: () => import('./page-federation.js'), nav: 'nav.federation', section: 'admin', can: ['peer', 'list'] },
];

/** Whether a signed-in user may open the route: by its roles, or by the
 * right it names ([resource, action]) in /me `can`. */
export function allowed(route, me) {
  return !route.can || can(me, ...route.can);
}
