// The dashboard's count panels, one line each. A module whose API is not
// there yet (404) shows as "coming"; when its endpoint lands the panel fills.
export const panels = [
  { id: 'alerts', title: 'panel.alerts', endpoint: '/alerts', href: '/alerts' },
  { id: 'tips', title: 'panel.tips', endpoint: '/tips', href: '/tips', can: ['tip', 'list'] },
  { id: 'overdue', title: 'panel.overdue', endpoint: '/tips', query: { overdue: 'true' }, href: '/tips?overdue=true', can: ['tip', 'list'] },
  { id: 'activities', title: 'panel.activities', endpoint: '/activities', href: '/activities' },
  { id: 'signals', title: 'panel.signals', endpoint: '/signals', query: { status: 'new' }, href: '/signals' },
  { id: 'organisations', title: 'panel.organisations', endpoint: '/organisations', href: '/organisations' },
  { id: 'users', title: 'panel.users', endpoint: '/users', href: '/users', can: ['user', 'create'] },
  { id: 'groups', title: 'panel.groups', endpoint: '/sharing-groups', href: '/sharing-groups' },
];
