// Signals from every method (issue 14): a planted cluster of alerts in
// Favoriten raises one signal at that place for the police whose declared
// area holds it, from the hot spot (Gi*, BH) and the space-time scan
// together; the next week it continues ("continuing for 2 weeks"), and
// when the alarm stops it is closed. One or two records raise nothing.
// Only the addressed organisation's officers may acknowledge (with a
// comment) or dismiss, and the answer says so in `can`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cli, cliUser, assertProblem } from './lib.mjs';

const WEEK = 7 * 86400000;
const MONDAY = Date.parse('2026-01-05T00:00:00Z');
const iso = (ms) => new Date(ms).toISOString();
const FAVORITEN = { lat: 48.1600, lon: 16.3800 };
let srv, root, orgs = {}, u = {};

async function user(org, role, email) {
  const r = await root.post('/api/v1/users', { body: { email, name: email, org_id: org, role } });
  assert.equal(r.status, 201, r.text);
  return client(srv.base, { token: cli(['token', 'create', '--email', email, '--db', srv.db.url]).stdout.trim() });
}
let seedN = 7;
const rand = () => { seedN = (seedN * 1103515245 + 12345) % 2147483648; return seedN / 2147483648; };
async function alert(who, w, hour, loc, category = 'street_distribution', distribution = 'network') {
  const r = await who.post('/api/v1/alerts', { body: {
    title: `w${w} h${hour}`, category, tlp: 'amber', distribution, status: 'published',
    location: loc, observed_from: iso(MONDAY + w * WEEK + hour * 3600000) } });
  assert.equal(r.status, 201, r.text);
  return r.body.id;
}
// three alerts a week spread over Austria, of other categories
async function noise(w) {
  for (let i = 0; i < 3; i++)
    await alert(u.ministry, w, 10 + i * 30, { lat: 46.6 + rand() * 2.1, lon: 9.8 + rand() * 7 }, i % 2 ? 'overdose_cluster' : 'online_sales');
}
const planted = {};
async function plant(w, n) {
  planted[w] = [];
  for (let i = 0; i < n; i++)
    planted[w].push(await alert(u.ministry, w, 1 + i * 5, { lat: FAVORITEN.lat + (i % 4) * 0.0006, lon: FAVORITEN.lon + Math.floor(i / 4) * 0.0008 }));
}
const detect = (at) => {
  const r = cli(['detect', '--db', srv.db.url, '--at', at]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
};
const placed = (items) => items.filter((s) => s.lat != null);

before(async () => {
  srv = await startServer({ env: { TRELLIS_DETECT_INTERVAL_S: '0' } });
  const g = cli(['seed', '--gazetteer', '--countries', 'AT', '--db', srv.db.url]);
  assert.equal(g.status, 0, g.stderr);
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const mk = async (name, kind, country) => (await root.post('/api/v1/organisations', { body: { name, kind, country } })).body.id;
  orgs.vienna = await mk('Vienna Police', 'police', 'AT');
  orgs.graz = await mk('Graz Police', 'police', 'AT');
  orgs.ministry = await mk('Ministry of Health', 'ministry_health', 'AT');
  u.vadmin = await user(orgs.vienna, 'org_admin', 'admin@vienna.at');
  u.vofficer = await user(orgs.vienna, 'officer', 'officer@vienna.at');
  u.vviewer = await user(orgs.vienna, 'viewer', 'viewer@vienna.at');
  u.gadmin = await user(orgs.graz, 'org_admin', 'admin@graz.at');
  u.gofficer = await user(orgs.graz, 'officer', 'officer@graz.at');
  u.ministry = await user(orgs.ministry, 'analyst', 'analyst@ministry.at');
  assert.equal((await u.vadmin.post('/api/v1/tips/areas', { body: { lat: 48.2082, lon: 16.3738, radius_m: 15000 } })).status, 201);
  assert.equal((await u.gadmin.post('/api/v1/tips/areas', { body: { lat: 47.0707, lon: 15.4395, radius_m: 20000 } })).status, 201);
  for (let w = 0; w < 16; w++) await noise(w);
  await plant(13, 12);
  await plant(14, 12);
  // one or two records never alarm: two alerts in Graz this week
  await alert(u.ministry, 13, 30, { lat: 47.07, lon: 15.44 }, 'youth_recruitment');
  await alert(u.ministry, 13, 31, { lat: 47.0705, lon: 15.4405 }, 'youth_recruitment');
});
after(async () => { await srv?.stop(); });

let first;
test('a planted cluster becomes one signal at its place, for the police of that area, from both methods', async () => {
  const run = detect('2026-04-08T12:00:00Z'); // week 13
  assert.ok(run.hotspots >= 1 && run.clusters >= 1, JSON.stringify(run));
  const list = await u.vofficer.get('/api/v1/signals');
  assert.equal(list.status, 200, list.text);
  const mine = placed(list.body.items);
  assert.equal(mine.length, 1, JSON.stringify(list.body.items, null, 1));
  first = mine[0];
  assert.deepEqual([...first.methods].sort(), ['gistar', 'stscan'], 'deduplicated across methods');
  assert.equal(first.org_id, orgs.vienna);
  assert.equal(first.state, 'new');
  assert.equal(first.weeks, 1);
  assert.equal(first.period_start, '2026-04-06T00:00:00Z');
  assert.ok(first.observed >= 12, JSON.stringify(first));
  assert.ok(first.p_adjusted < 0.05);
  assert.ok(first.radius_m >= 100 && first.radius_m < 2000, String(first.radius_m));
  assert.equal(first.place.name, 'Favoriten');
  assert.equal(first.place.parent, 'Vienna');
  assert.match(first.place.text, /^Favoriten, Vienna — \d+ m around$/);
  assert.deepEqual(first.can, { acknowledge: true, dismiss: true });
  // named in the reader's language
  const fr = await u.vofficer.get(`/api/v1/signals/${first.id}`, { headers: { 'Accept-Language': 'fr-FR,fr;q=0.9' } });
  assert.match(fr.body.place.text, /^Favoriten, Vienna — dans un rayon de \d+ m$/);
  const ru = await u.vofficer.get(`/api/v1/signals/${first.id}`, { headers: { 'Accept-Language': 'ru' } });
  assert.match(ru.body.place.text, /в радиусе \d+ м$/);
  // the police of Graz are not responsible for Favoriten: their officers
  // see nothing there, their administrators see it as their country's
  assert.deepEqual(placed((await u.gofficer.get('/api/v1/signals')).body.items), []);
  const gview = await u.gadmin.get(`/api/v1/signals/${first.id}`);
  assert.equal(gview.status, 200);
  assert.deepEqual(gview.body.can, { acknowledge: false, dismiss: false });
  // two records in Graz raised nothing anywhere
  const all = (await u.ministry.get('/api/v1/signals')).body.items;
  assert.ok(!all.some((s) => s.category === 'youth_recruitment'), 'no signal from two records');
  assert.ok(all.every((s) => s.observed == null || s.observed >= 3));
});

test('the signal page lists the records behind it as far as the reader may see them', async () => {
  const g = await u.vofficer.get(`/api/v1/signals/${first.id}`);
  assert.equal(g.status, 200, g.text);
  const ids = g.body.records.map((r) => r.id).sort();
  assert.deepEqual(ids, [...planted[13]].sort());
  assert.ok(g.body.records.every((r) => r.link === `/alerts/${r.id}` && r.label.startsWith('w13') && r.time));
  // the list carries the count, not the records
  const l = await u.vofficer.get('/api/v1/signals?method=gistar');
  assert.ok(l.body.items.every((s) => s.records === undefined && s.methods.includes('gistar')));
});

test('a ministry analyst sees it but may not act: no buttons, 403', async () => {
  const m = await u.ministry.get(`/api/v1/signals/${first.id}`);
  assert.equal(m.status, 200);
  assert.deepEqual(m.body.can, { acknowledge: false, dismiss: false });
  const etag = m.headers.get('etag');
  assertProblem(assert, await u.ministry.patch(`/api/v1/signals/${first.id}`, { body: { status: 'acknowledged', comment: 'seen' }, headers: { 'If-Match': etag } }), 403);
  const v = await u.vviewer.get(`/api/v1/signals/${first.id}`);
  assert.deepEqual(v.body.can, { acknowledge: false, dismiss: false });
  assert.equal((await u.gofficer.get(`/api/v1/signals/${first.id}`)).status, 404);
});

let second;
test('the next week it continues, and says for how many weeks', async () => {
  const run = detect('2026-04-15T12:00:00Z'); // week 14
  assert.ok(run.hotspots >= 1, JSON.stringify(run));
  const mine = placed((await u.vofficer.get('/api/v1/signals?state=open')).body.items);
  assert.equal(mine.length, 1, JSON.stringify(mine, null, 1));
  second = mine[0];
  assert.equal(second.period_start, '2026-04-13T00:00:00Z');
  assert.equal(second.continues, first.id);
  assert.equal(second.weeks, 2);
  assert.equal(second.state, 'continuing');
  assert.equal(second.place.name, 'Favoriten');
  const prev = await u.vofficer.get(`/api/v1/signals/${first.id}`);
  assert.equal(prev.body.continued_by, second.id);
  // detecting again the same week changes nothing
  const again = detect('2026-04-16T12:00:00Z');
  assert.equal(again.created, 0, JSON.stringify(again));
});

test('when the alarm stops the signal is closed', async () => {
  const run = detect('2026-04-22T12:00:00Z'); // week 15: noise only
  assert.ok(run.closed >= 1, JSON.stringify(run));
  const g = await u.vofficer.get(`/api/v1/signals/${second.id}`);
  assert.equal(g.body.state, 'closed');
  assert.ok(g.body.closed_at);
  const closed = placed((await u.vofficer.get('/api/v1/signals?state=closed')).body.items);
  assert.ok(closed.some((s) => s.id === second.id));
  assert.ok(!placed((await u.vofficer.get('/api/v1/signals?state=open')).body.items).some((s) => s.id === second.id));
  assertProblem(assert, await u.vofficer.get('/api/v1/signals?state=shut'), 400, 'state');
});

test('only the addressed organisation acts; acknowledging takes a comment', async () => {
  const g = await u.vofficer.get(`/api/v1/signals/${first.id}`);
  const etag = g.headers.get('etag');
  assertProblem(assert, await u.vofficer.patch(`/api/v1/signals/${first.id}`, { body: { status: 'acknowledged' }, headers: { 'If-Match': etag } }), 400, 'comment');
  assertProblem(assert, await u.vofficer.patch(`/api/v1/signals/${first.id}`, { body: { status: 'dismissed', dismissal_reason: 'known', comment: 'x' }, headers: { 'If-Match': etag } }), 400, 'comment');
  const ack = await u.vofficer.patch(`/api/v1/signals/${first.id}`, { body: { status: 'acknowledged', comment: 'school liaison informed' }, headers: { 'If-Match': etag } });
  assert.equal(ack.status, 200, ack.text);
  assert.equal(ack.body.status_comment, 'school liaison informed');
  assert.deepEqual(ack.body.can, { acknowledge: false, dismiss: true });
});
