// The audit log for people: filters by user, kind of record (every kind the
// log names), record, action and dates, each bad one a 400 naming it in the
// caller's language; the reason given and the acting user's name on each
// entry; an export of what the filters select, as CSV or JSON.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, client, cli, cliUser, request, assertProblem, solve } from './lib.mjs';

const KEY = 'b2'.repeat(32);
let srv, root, officer, rootUser, officerId;
const ids = {};

before(async () => {
  srv = await startServer({ env: { TRELLIS_SECRET_KEY: KEY, TRELLIS_TIP_POW_BITS: '4', TRELLIS_TIP_RATE: '1000' } });
  rootUser = cliUser(srv, { email: 'root@example.org', name: 'Rosa Root' });
  root = client(srv.base, { token: rootUser.token });
  const org = await root.post('/api/v1/organisations', { body: { name: 'Vienna Police', kind: 'police', country: 'AT' } });
  assert.equal(org.status, 201, org.text);
  const u = await root.post('/api/v1/users', { body: { email: 'olga@example.org', name: 'Olga Officer', org_id: org.body.id, role: 'officer' } });
  assert.equal(u.status, 201, u.text);
  officerId = u.body.id;
  officer = client(srv.base, { token: cli(['token', 'create', '--email', 'olga@example.org', '--db', srv.db.url]).stdout.trim() });
  const a = await root.post('/api/v1/alerts', { body: { title: 'Pills sold at schools', category: 'street_distribution', tlp: 'amber', distribution: 'network', status: 'published' } });
  assert.equal(a.status, 201, a.text);
  ids.alert = a.body.id;
  const p = await root.post('/api/v1/problems', { body: { title: 'Dealing at the Favoriten schools', description: 'Repeat dealing.', phase: 'scanning', distribution: 'network', area: { lat: 48.2, lon: 16.37, radius_m: 1000 } } });
  assert.equal(p.status, 201, p.text);
  ids.problem = p.body.id;
  // a public tip with a contact, whose contact the officer reads with a reason
  const tip = await request(srv.base, 'POST', '/api/v1/public/tips', { body: {
    category: 'dealing_near_school', description: 'A man sells pills at the school gate after class.', country: 'AT',
    lat: 48.2082, lon: 16.3738, contact: 'signal: +43 660 000000', ...(await solve(srv.base)) } });
  assert.equal(tip.status, 201, tip.text);
  const list = await officer.get('/api/v1/tips');
  ids.tip = list.body.items[0]?.id;
  assert.ok(ids.tip, list.text);
  const c = await officer.get(`/api/v1/tips/${ids.tip}/contact?justification=${encodeURIComponent('call back about the red car')}`);
  assert.equal(c.status, 200, c.text);
});
after(async () => { await srv?.stop(); });

const audit = (q) => root.get(`/api/v1/audit?${new URLSearchParams(q)}`);

test('each kind of record is a filter; the entries name the user and show the reason', async () => {
  for (const [type, id] of Object.entries(ids)) {
    const r = await audit({ resource_type: type });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.items.length > 0, type);
    assert.ok(r.body.items.every((e) => e.resource_type === type), type);
    assert.ok(r.body.items.some((e) => e.resource_id === id), type);
  }
  const alert = (await audit({ resource_type: 'alert', action: 'create' })).body.items;
  assert.equal(alert.length, 1);
  assert.equal(alert[0].user_name, 'Rosa Root');
  assert.equal(alert[0].actor, 'user');
  const read = (await audit({ resource_id: ids.tip, action: 'read_sensitive' })).body.items;
  assert.equal(read.length, 1);
  assert.equal(read[0].justification, 'call back about the red car');
  assert.equal(read[0].user_name, 'Olga Officer');
  const created = (await audit({ resource_id: ids.tip, action: 'create' })).body.items;
  assert.equal(created[0].actor, 'public');
  assert.ok(!created[0].user_name);
});

test('by user and by dates', async () => {
  const r = await audit({ user_id: officerId });
  assert.equal(r.status, 200, r.text);
  const mine = r.body.items;
  assert.ok(mine.length >= 1 && mine.every((e) => e.user_id === officerId));
  const today = new Date().toISOString().slice(0, 10);
  const all = (await audit({})).body.items.length;
  assert.equal((await audit({ from: `${today}T00:00:00Z`, to: `${today}T23:59:59.999Z` })).body.items.length, all);
  assert.equal((await audit({ from: '2100-01-01' })).body.items.length, 0);
  assert.equal((await audit({ to: '2000-01-01' })).body.items.length, 0);
});

test('every kind the server names is accepted, and the web app offers exactly those', async () => {
  const bad = await request(srv.base, 'GET', '/api/v1/audit?resource_type=bogus', { headers: { Authorization: `Bearer ${rootUser.token}` } });
  assertProblem(assert, bad, 400, 'resource_type');
  const named = bad.body.errors[0].message.replace(/^.*: /, '').split(/,\s*/);
  assert.ok(named.length >= 20 && ['alert', 'tip', 'problem', 'referral', 'activity', 'practice', 'proposal', 'signal'].every((k) => named.includes(k)), named.join());
  for (const k of named) assert.equal((await audit({ resource_type: k })).status, 200, k);
  const page = readFileSync(new URL('../../web/js/page-audit.js', import.meta.url), 'utf8');
  const web = JSON.parse(page.match(/export const RESOURCES = (\[[^\]]*\])/)[1].replace(/'/g, '"'));
  assert.deepEqual([...web].sort(), [...named].sort(), 'the web app filters by every kind, and by no other');
});

test('a bad filter is a 400 naming it, in the language asked for', async () => {
  const h = { Authorization: `Bearer ${rootUser.token}`, 'Accept-Language': 'fr' };
  for (const [q, field] of [['user_id=nope', 'user_id'], ['resource_type=alerts', 'resource_type'],
    ['resource_id=%27%3Bdrop', 'resource_id'], [`resource_id=${'x'.repeat(65)}`, 'resource_id'], ['action=DROP', 'action'],
    ['action=', 'action'], ['from=yesterday', 'from'], ['to=31.12.2026', 'to'], ['from=2026-02-01&to=2026-01-01', 'to'],
    ['sort=at', 'sort'], ['limit=0', 'limit'], ['cursor=zzz', 'cursor']]) {
    // the export reads no page: limit and cursor are the list's
    for (const path of field === 'limit' || field === 'cursor' ? ['/api/v1/audit'] : ['/api/v1/audit', '/api/v1/audit/export']) {
      const r = await request(srv.base, 'GET', `${path}?${q}`, { headers: h });
      assertProblem(assert, r, 400, field);
      assert.equal(r.headers.get('content-language'), 'fr');
    }
  }
  const fr = await request(srv.base, 'GET', '/api/v1/audit?action=DROP', { headers: h });
  assert.match(fr.body.errors[0].message, /nom d'une action/);
  assertProblem(assert, await request(srv.base, 'GET', '/api/v1/audit/export?format=geojson', { headers: h }), 400, 'format');
});

test('only instance administrators read or export it', async () => {
  assertProblem(assert, await officer.get('/api/v1/audit'), 403);
  assertProblem(assert, await officer.get('/api/v1/audit/export?format=csv'), 403);
  assertProblem(assert, await request(srv.base, 'GET', '/api/v1/audit/export?format=csv'), 401);
});

test('the export holds what the filters select, as CSV or JSON', async () => {
  const q = { resource_type: 'tip' };
  const listed = (await audit(q)).body.items;
  const csv = await root.get(`/api/v1/audit/export?${new URLSearchParams({ ...q, format: 'csv' })}`);
  assert.equal(csv.status, 200, csv.text);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  assert.match(csv.headers.get('content-disposition'), /filename="audit\.csv"/);
  const lines = csv.text.trim().split('\r\n');
  assert.equal(lines[0], 'seq,at,user_id,user_name,actor,org_id,action,resource_type,resource_id,justification,detail,request_id,hash');
  assert.equal(lines.length - 1, listed.length);
  assert.ok(lines.slice(1).every((l) => l.split(',')[7] === 'tip'), csv.text);
  assert.ok(csv.text.includes('call back about the red car') && csv.text.includes('Olga Officer'));
  const json = await root.get(`/api/v1/audit/export?${new URLSearchParams({ ...q, action: 'read_sensitive', format: 'json' })}`);
  const body = JSON.parse(json.text);
  assert.equal(body.items.length, 1);
  assert.equal(body.items[0].justification, 'call back about the red car');
  // many pages: the export walks the whole log
  const all = (await root.get('/api/v1/audit?limit=500')).body.items.length;
  const every = await root.get('/api/v1/audit/export?format=csv');
  assert.equal(every.text.trim().split('\r\n').length - 1, all);
});
