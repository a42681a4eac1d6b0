// Regression tests for the holes a black-box security test found. Each
// case failed on the main it was written against. The rest of the findings
// live beside this file in security_*.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cliUser, assertProblem } from './lib.mjs';

let srv, root, a, c, aOfficer;
before(async () => {
  srv = await startServer();
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const orgA = (await root.post('/api/v1/organisations', { body: { name: 'Vienna Police', kind: 'police', country: 'AT' } })).body;
  const orgC = (await root.post('/api/v1/organisations', { body: { name: 'Lyon Police', kind: 'police', country: 'FR' } })).body;
  a = { org: orgA, api: client(srv.base, { token: cliUser(srv, { email: 'a@example.org', role: 'analyst', org: orgA.id }).token }) };
  c = { org: orgC, api: client(srv.base, { token: cliUser(srv, { email: 'c@example.org', role: 'analyst', org: orgC.id }).token }) };
  aOfficer = client(srv.base, { token: cliUser(srv, { email: 'ao@example.org', role: 'officer', org: orgA.id }).token });
});
after(async () => { await srv?.stop(); });

const alert = (over = {}) => ({
  title: 'Nitazene tablets sold as oxycodone', category: 'new_substance', distribution: 'federation', tlp: 'amber',
  summary: 'Counterfeit tablets.', status: 'published', ...over,
});

async function exported(api, id) {
  const items = (await api.get('/api/v1/alerts/export?format=json')).body.items;
  return items.find((x) => x.id === id);
}

test('import: another organisation\'s alert cannot be rewritten (critical)', async () => {
  const made = await a.api.post('/api/v1/alerts', { body: alert() });
  assert.equal(made.status, 201, made.text);
  const theirs = await exported(c.api, made.body.id);
  assert.ok(theirs, 'C sees the federated alert in its export');
  const forged = { ...theirs, title: 'Nothing to see', status: 'retracted', retraction_reason: 'forged', tlp: 'clear' };
  const r = await c.api.post('/api/v1/alerts/import', { body: { items: [forged] } });
  assert.ok(r.status >= 400 && r.status < 500, `refused, got ${r.status}: ${r.text}`);
  assert.match(r.body.errors[0].field, /^items\[0\]\.org_id$/);
  const after = (await a.api.get(`/api/v1/alerts/${made.body.id}`)).body;
  assert.equal(after.title, made.body.title);
  assert.equal(after.status, 'published');
  assert.equal(after.tlp, 'amber');
  assert.equal(after.version, 1);
});

test('import: no alert can be created in another organisation\'s name (critical)', async () => {
  const made = await a.api.post('/api/v1/alerts', { body: alert({ title: 'Original federated alert' }) });
  const theirs = await exported(c.api, made.body.id);
  const fresh = { ...theirs, id: '01900000-0000-7000-8000-00000000abcd', title: 'Forged in A\'s name' };
  const r = await c.api.post('/api/v1/alerts/import', { body: { items: [fresh] } });
  assertProblem(assert, r, 400, 'items[0].org_id');
  assertProblem(assert, await a.api.get(`/api/v1/alerts/${fresh.id}`), 404);
});

test('import: another organisation\'s id cannot be taken over under one\'s own organisation', async () => {
  const made = await a.api.post('/api/v1/alerts', { body: alert({ title: 'Alert with a known id' }) });
  const theirs = await exported(c.api, made.body.id);
  const taken = { ...theirs, org_id: c.org.id, title: 'Taken over' };
  const r = await c.api.post('/api/v1/alerts/import', { body: { items: [taken] } });
  assertProblem(assert, r, 409, 'items[0].id');
  assert.equal((await a.api.get(`/api/v1/alerts/${made.body.id}`)).body.title, 'Alert with a known id');
});

test('import: an own record is changed only at its version, as with If-Match', async () => {
  const made = await a.api.post('/api/v1/alerts', { body: alert({ title: 'Versioned', distribution: 'country' }) });
  const old = await exported(a.api, made.body.id);
  // someone edits it after the export
  const p = await a.api.patch(`/api/v1/alerts/${made.body.id}`, { body: { title: 'Edited since' }, headers: { 'If-Match': '"1"' } });
  assert.equal(p.status, 200, p.text);
  const stale = await a.api.post('/api/v1/alerts/import', { body: { items: [{ ...old, title: 'From an old file' }] } });
  assertProblem(assert, stale, 412, 'items[0].version');
  const noVersion = { ...old, title: 'No version' };
  delete noVersion.version;
  assertProblem(assert, await a.api.post('/api/v1/alerts/import', { body: { items: [noVersion] } }), 400, 'items[0].version');
  assert.equal((await a.api.get(`/api/v1/alerts/${made.body.id}`)).body.title, 'Edited since');
  const cur = await exported(a.api, made.body.id);
  const ok = await a.api.post('/api/v1/alerts/import', { body: { items: [{ ...cur, title: 'From the current file' }] } });
  assert.equal(ok.status, 200, ok.text);
  const now = (await a.api.get(`/api/v1/alerts/${made.body.id}`)).body;
  assert.equal(now.title, 'From the current file');
  assert.equal(now.version, 3);
  // and never widened, even at the right version
  const wider = await a.api.post('/api/v1/alerts/import', { body: { items: [{ ...now, distribution: 'network' }] } });
  assertProblem(assert, wider, 400, 'items[0].distribution');
  // a retraction is final through an import too
  const r1 = await a.api.patch(`/api/v1/alerts/${made.body.id}`, { body: { status: 'retracted', retraction_reason: 'wrong lab result' }, headers: { 'If-Match': '"3"' } });
  assert.equal(r1.status, 200, r1.text);
  const back = await a.api.post('/api/v1/alerts/import', { body: { items: [{ ...now, version: 4, status: 'published' }] } });
  assertProblem(assert, back, 409, 'items[0].status');
});

test('import: every imported record is audited with its id', async () => {
  const id1 = '01900000-0000-7000-8000-0000000a0001', id2 = '01900000-0000-7000-8000-0000000a0002';
  const items = [id1, id2].map((id, i) => ({ ...alert({ title: `Imported ${i}`, distribution: 'organisation' }), id, org_id: a.org.id }));
  const r = await a.api.post('/api/v1/alerts/import', { body: { items } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.imported, 2);
  for (const id of [id1, id2]) {
    const log = (await root.get(`/api/v1/audit?resource_id=${id}`)).body.items;
    assert.equal(log.length, 1, `audit of ${id}: ${JSON.stringify(log)}`);
    assert.equal(log[0].action, 'create');
    assert.match(JSON.stringify(log[0].detail), /import/);
  }
});

test('import: items are validated as a POST body, field by field', async () => {
  const good = { ...alert(), id: '01900000-0000-7000-8000-0000000b0001', org_id: a.org.id };
  const cases = [
    [{ ...good, status: 5 }, 'items[0].status'],
    [(({ tlp, ...x }) => x)(good), 'items[0].tlp'],
    [{ ...good, category: 'rumour' }, 'items[0].category'],
    [{ ...good, id: 'not-a-uuid' }, 'items[0].id'],
    [{ ...good, location: { lat: 200, lon: 1 } }, 'items[0].location.lat'],
    [{ ...good, owner: 'x' }, 'items[0].owner'],
    [{ ...good, version: 'two' }, 'items[0].version'],
  ];
  for (const [item, field] of cases)
    assertProblem(assert, await a.api.post('/api/v1/alerts/import', { body: { items: [item] } }), 400, field);
  assertProblem(assert, await a.api.post('/api/v1/alerts/import', { body: { items: [good, 7] } }), 400, 'items[1]');
  assertProblem(assert, await a.api.post('/api/v1/alerts/import', { body: { items: [] } }), 400, 'items');
  assertProblem(assert, await a.api.get(`/api/v1/alerts/${good.id}`), 404);
});

test('import: a role without the share right imports at organisation or country only, as it creates', async () => {
  const mk = (dist, n) => ({ ...alert({ title: `Officer import ${n}`, distribution: dist }), id: `01900000-0000-7000-8000-0000000c000${n}`, org_id: a.org.id });
  const wide = await aOfficer.post('/api/v1/alerts/import', { body: { items: [mk('network', 1)] } });
  assertProblem(assert, wide, 403, 'items[0].distribution');
  const ok = await aOfficer.post('/api/v1/alerts/import', { body: { items: [mk('country', 2)] } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await a.api.get(`/api/v1/alerts/${mk('country', 2).id}`)).body.distribution, 'country');
});

test('GET /me says what the role may do, so the app offers only what will work', async () => {
  const officer = (await aOfficer.get('/api/v1/me')).body;
  const analyst = (await a.api.get('/api/v1/me')).body;
  assert.ok(officer.can.alert.includes('create') && !officer.can.alert.includes('share'), JSON.stringify(officer.can.alert));
  assert.ok(analyst.can.alert.includes('share'), JSON.stringify(analyst.can.alert));
  assert.ok(!officer.can.audit.includes('list') && (await root.get('/api/v1/me')).body.can.audit.includes('list'));
  for (const res of ['activity', 'problem', 'proposal', 'tip', 'practice', 'user', 'organisation'])
    assert.ok(Array.isArray(officer.can[res]), res);
});
