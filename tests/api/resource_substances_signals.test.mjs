// Substances and signals are declared through the resource mechanism
// (src/api/resource.h): their query strings, cursors, If-Match and
// Idempotency-Key behave as every other resource's, and a route naming a
// record the caller cannot see answers 404 before its body is read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cli, cliUser, assertProblem, sql } from './lib.mjs';

let srv, root, analyst, partner, org;
const missing = '01900000-0000-7000-8000-00000000beef';

async function user(role, email) {
  const r = await root.post('/api/v1/users', { body: { email, name: email, org_id: org, role } });
  assert.equal(r.status, 201, r.text);
  return client(srv.base, { token: cli(['token', 'create', '--email', email, '--db', srv.db.url]).stdout.trim() });
}

before(async () => {
  srv = await startServer({ env: { TRELLIS_DETECT_INTERVAL_S: '0' } });
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  org = (await root.post('/api/v1/organisations', { body: { name: 'Vienna Police', kind: 'police', country: 'AT' } })).body.id;
  analyst = await user('analyst', 'analyst@police.at');
  partner = await user('partner', 'partner@police.at');
});
after(async () => { await srv?.stop(); });

test('substances: the list checks its query string and pages by a cursor the server issued', async () => {
  assertProblem(assert, await analyst.get('/api/v1/substances?colour=blue'), 400, 'colour');
  assertProblem(assert, await analyst.get('/api/v1/substances?class=sweets'), 400, 'class');
  assertProblem(assert, await analyst.get('/api/v1/substances?q='), 400, 'q');
  assertProblem(assert, await analyst.get(`/api/v1/substances?q=${'x'.repeat(201)}`), 400, 'q');
  const forged = Buffer.from('k1:Cocaine').toString('base64url');
  assertProblem(assert, await analyst.get(`/api/v1/substances?cursor=${forged}`), 400, 'cursor');
  const all = (await analyst.get('/api/v1/substances?limit=500')).body.items.map((s) => s.name);
  assert.ok(all.length > 10);
  const paged = [];
  let cursor = null;
  do {
    const r = await analyst.get(`/api/v1/substances?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.items.length <= 7);
    paged.push(...r.body.items.map((s) => s.name));
    cursor = r.body.next_cursor;
  } while (cursor);
  assert.deepEqual(paged, all);
  const pre = await analyst.get('/api/v1/substances?class=precursor&limit=2');
  assert.equal(pre.body.items.length, 2);
  const rest = await analyst.get(`/api/v1/substances?class=precursor&limit=500&cursor=${pre.body.next_cursor}`);
  assert.ok(rest.body.items.every((s) => s.class === 'precursor' && s.name > pre.body.items[1].name));
});

test('substances: a retried create with the same Idempotency-Key makes one substance', async () => {
  const body = { name: 'Nitazene X', class: 'synthetic_opioid', synonyms: [{ lang: 'fr', name: 'Nitazène X' }] };
  const h = { 'Idempotency-Key': 'sub-1' };
  const a = await analyst.post('/api/v1/substances', { body, headers: h });
  assert.equal(a.status, 201, a.text);
  assert.ok(a.headers.get('etag'));
  const b = await analyst.post('/api/v1/substances', { body, headers: h });
  assert.equal(b.status, 201, b.text);
  assert.equal(b.headers.get('idempotent-replayed'), 'true');
  assert.equal(b.body.id, a.body.id);
  assertProblem(assert, await analyst.post('/api/v1/substances', { body }), 409, 'name');
  assertProblem(assert, await analyst.post('/api/v1/substances', { body: { name: 'Y', class: 'other', synonyms: [{ lang: 'fr' }] } }), 400, 'synonyms');
  assertProblem(assert, await partner.post('/api/v1/substances', { body: { name: 'Z', class: 'other' } }), 403);
  assert.equal(sql(srv, "SELECT count(*) FROM substances WHERE name = 'Nitazene X'").trim(), '1');
});

test('substances: PATCH needs If-Match (428), a stale one is 412, a role without the right 403', async () => {
  const s = (await analyst.get(`/api/v1/substances?q=${encodeURIComponent('Nitazene X')}`)).body.items[0];
  const g = await analyst.get(`/api/v1/substances/${s.id}`);
  const etag = g.headers.get('etag');
  assert.equal(etag, `"${s.version}"`);
  assertProblem(assert, await analyst.patch(`/api/v1/substances/${s.id}`, { body: { description: 'blue tablets' } }), 428);
  assertProblem(assert, await partner.patch(`/api/v1/substances/${s.id}`, { body: { description: 'x' }, headers: { 'If-Match': etag } }), 403);
  assertProblem(assert, await analyst.patch(`/api/v1/substances/${s.id}`, { body: { class: 'sweets' }, headers: { 'If-Match': etag } }), 400, 'class');
  const ok = await analyst.patch(`/api/v1/substances/${s.id}`, { body: { description: 'blue tablets' }, headers: { 'If-Match': etag } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.description, 'blue tablets');
  assert.equal(ok.headers.get('etag'), `"${s.version + 1}"`);
  assertProblem(assert, await analyst.patch(`/api/v1/substances/${s.id}`, { body: { description: 'again' }, headers: { 'If-Match': etag } }), 412);
  assertProblem(assert, await analyst.patch(`/api/v1/substances/${missing}`, { body: { description: 'x' }, headers: { 'If-Match': '"1"' } }), 404);
  assertProblem(assert, await analyst.get('/api/v1/substances/not-a-uuid'), 404);
});

test('signals: the list checks its query string as every resource does', async () => {
  assert.equal((await analyst.get('/api/v1/signals')).status, 200);
  assertProblem(assert, await analyst.get('/api/v1/signals?colour=blue'), 400, 'colour');
  assertProblem(assert, await analyst.get('/api/v1/signals?country=at'), 400, 'country');
  assertProblem(assert, await analyst.get('/api/v1/signals?country=AUT'), 400, 'country');
  assertProblem(assert, await analyst.get('/api/v1/signals?method=guess'), 400, 'method');
  assertProblem(assert, await analyst.get('/api/v1/signals?state=half'), 400, 'state');
  assertProblem(assert, await analyst.get('/api/v1/signals?source=rumour'), 400, 'source');
  assertProblem(assert, await analyst.get('/api/v1/signals?limit=0'), 400, 'limit');
  const forged = Buffer.from('k1:123').toString('base64url');
  assertProblem(assert, await analyst.get(`/api/v1/signals?cursor=${forged}`), 400, 'cursor');
  const r = await analyst.get('/api/v1/signals?country=AT&state=open&method=ears_c3&source=alerts&status=new');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.items, []);
});

test('signals: a signal the caller cannot see is 404 whatever the body, and PATCH needs If-Match', async () => {
  assertProblem(assert, await analyst.get(`/api/v1/signals/${missing}`), 404);
  assertProblem(assert, await analyst.get('/api/v1/signals/nope'), 404);
  assertProblem(assert, await analyst.patch(`/api/v1/signals/${missing}`, { body: { status: 'closed' }, headers: { 'If-Match': '"1"' } }), 404);
  assertProblem(assert, await analyst.patch(`/api/v1/signals/${missing}`, { body: { status: 'acknowledged', comment: 'x' } }), 404);
  assertProblem(assert, await analyst.post('/api/v1/signals', { body: {} }), 405);
});
