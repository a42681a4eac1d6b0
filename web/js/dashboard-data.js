// What the dashboard asks the API for its first render, by role: shared by
// the dashboard and by early.js, which asks before the app has loaded.
import { panels } from './dashboard-panels.js';
import { can } from './can.js';

/** The unread inbox items of "What's new". */
export const INBOX = { unread: 'true', limit: 5 };

/** The lists the map's layers are drawn from ([null] for tips the role may not list). */
export const mapAsks = (me) => [['/alerts', { limit: 500 }], can(me, 'tip', 'list') ? ['/tips', { limit: 500 }] : [null],
  ['/activities', { limit: 500 }]];

/** The sources of the weekly chart. */
export const weeklySources = (me) => ['alerts', ...(can(me, 'tip', 'list') ? ['tips'] : [])];

/** The one key of a request by path and query (the dashboard's cache, the list below). */
export const askKey = (path, query) => `${path}?${new URLSearchParams(query)}`;

/** Every [path, query] of the first render but the countries (api.js's countries()): one each. */
export function dashboardAsks(me) {
  const asks = [['/inbox', INBOX]];
  for (const p of panels) if (!p.can || can(me, ...p.can)) asks.push([p.endpoint, { ...p.query, limit: 500 }]);
  for (const a of mapAsks(me)) if (a[0]) asks.push(a);
  for (const source of weeklySources(me)) asks.push(['/analytics/timeseries', { source, interval: 'week' }]);
  const seen = new Set();
  return asks.filter(([path, query]) => {
    const k = askKey(path, query);
    return !seen.has(k) && seen.add(k);
  });
}
