// Problems are a resource of the one mechanism (src/api/resource.h): the
// generic handlers answer If-Match, Idempotency-Key, the query strings of
// the list, the read and the export, and the OpenAPI operations. Each test
// fails when a problem route is served by a handler of its own again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cli, cliUser, request, assertProblem } from './lib.mjs';

let srv, root, id, etag;
const api = {};

before(async () => {
  srv = await startServer();
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const org = (await root.post('/api/v1/organisations', { body: { name: 'Vienna Police', kind: 'police', country: 'AT' } })).body.id;
  for (const [k, role] of [['analyst', 'analyst'], ['viewer', 'viewer']]) {
    assert.equal((await root.post('/api/v1/users', { body: { email: `${k}@example.org`, name: k, org_id: org, role } })).status, 201);
    api[k] = client(srv.base, { token: cli(['token', 'create', '--email', `${k}@example.org`, '--db', srv.db.url]).stdout.trim() });
  }
  const p = await api.analyst.post('/api/v1/problems', { body: { title: 'Dealing at the Praterstern', distribution: 'network' } });
  assert.equal(p.status, 201, p.text);
  id = p.body.id;
  etag = p.headers.get('etag');
});
after(async () => { await srv?.stop(); });

test('the problem operations are those of the resource: ids, typed bodies and parameters', async () => {
  const doc = (await request(srv.base, 'GET', '/api/v1/openapi.json')).body;
  const list = doc.paths['/api/v1/problems'], one = doc.paths['/api/v1/problems/{id}'];
  assert.deepEqual([list.get.operationId, list.post.operationId, one.get.operationId, one.patch.operationId],
    ['listProblems', 'createProblem', 'getProblem', 'updateProblem']);
  const phase = list.get.parameters.find((x) => x.name === 'phase');
  assert.deepEqual(phase.schema.enum, ['scanning', 'analysis', 'response', 'assessment']);
  const weeks = one.get.parameters.filter((x) => x.name === 'weeks');
  assert.equal(weeks.length, 1);
  assert.deepEqual([weeks[0].schema.type, weeks[0].schema.minimum, weeks[0].schema.maximum], ['integer', 1, 52]);
  assert.ok(one.get.parameters.some((x) => x.$ref === '#/components/parameters/id'));
  const create = doc.components.schemas.ProblemCreate;
  assert.ok(create.properties.title && create.properties.area && create.required.includes('distribution'), JSON.stringify(create));
});

test('a PATCH without If-Match is 428, with a malformed or stale one 412, and changes nothing', async () => {
  assertProblem(assert, await api.analyst.patch(`/api/v1/problems/${id}`, { body: { phase: 'analysis' } }), 428);
  assertProblem(assert, await api.analyst.patch(`/api/v1/problems/${id}`, { body: { phase: 'analysis' }, headers: { 'If-Match': 'W/"x"' } }), 412);
  assertProblem(assert, await api.analyst.patch(`/api/v1/problems/${id}`, { body: { phase: 'analysis' }, headers: { 'If-Match': '"99"' } }), 412);
  const g = await api.analyst.get(`/api/v1/problems/${id}`);
  assert.equal(g.body.phase, 'scanning');
  assert.equal(g.headers.get('etag'), etag);
  // a body error names the field before the version is looked at
  assertProblem(assert, await api.analyst.patch(`/api/v1/problems/${id}`, { body: { area: { lat: 0, lon: 200, radius_m: 100 } } }), 400, 'area.lon');
});

test('the same Idempotency-Key creates one problem and answers the first record again', async () => {
  const body = { title: 'Stairwell dealing in Simmering', distribution: 'organisation' };
  const a = await api.analyst.post('/api/v1/problems', { body, headers: { 'Idempotency-Key': 'simmering-1' } });
  const b = await api.analyst.post('/api/v1/problems', { body, headers: { 'Idempotency-Key': 'simmering-1' } });
  assert.equal(a.status, 201, a.text);
  assert.equal(b.status, 201, b.text);
  assert.equal(b.body.id, a.body.id);
  const all = (await api.analyst.get('/api/v1/problems?limit=500')).body.items;
  assert.equal(all.filter((x) => x.title === body.title).length, 1);
});

test('query strings: unknown parameters and bad values are 400s naming them', async () => {
  assertProblem(assert, await api.analyst.get('/api/v1/problems?stage=scanning'), 400, 'stage');
  assertProblem(assert, await api.analyst.get('/api/v1/problems?phase=done'), 400, 'phase');
  assertProblem(assert, await api.analyst.get('/api/v1/problems?country=at'), 400, 'country');
  assertProblem(assert, await api.analyst.get('/api/v1/problems?cursor=abc'), 400, 'cursor');
  assertProblem(assert, await api.analyst.get(`/api/v1/problems/${id}?week=4`), 400, 'week');
  for (const w of ['0', '53', '4x', ''])
    assertProblem(assert, await api.analyst.get(`/api/v1/problems/${id}?weeks=${w}`), 400, 'weeks');
  assert.equal((await api.analyst.get(`/api/v1/problems/${id}?weeks=52`)).status, 200);
  assertProblem(assert, await api.analyst.get('/api/v1/problems/export?format=csv&country=at'), 400, 'country');
  assertProblem(assert, await api.analyst.get('/api/v1/problems/export?format=csv&cursor=abc'), 400, 'cursor');
  assertProblem(assert, await api.analyst.get('/api/v1/problems/export?sort=title'), 400, 'sort');
  const ok = await api.analyst.get('/api/v1/problems?country=AT&phase=scanning');
  assert.ok(ok.body.items.some((x) => x.id === id));
});

test('a page of problems carries a cursor to the next, each problem once', async () => {
  for (let i = 0; i < 3; i++)
    assert.equal((await api.analyst.post('/api/v1/problems', { body: { title: `Bench dealing ${i}`, distribution: 'organisation' } })).status, 201);
  const seen = [];
  let path = '/api/v1/problems?limit=2';
  for (let n = 0; path && n < 10; n++) {
    const r = await api.analyst.get(path);
    assert.equal(r.status, 200, r.text);
    seen.push(...r.body.items.map((x) => x.id));
    path = r.body.next_cursor ? `/api/v1/problems?limit=2&cursor=${r.body.next_cursor}` : null;
  }
  assert.ok(seen.length >= 4);
  assert.equal(new Set(seen).size, seen.length);
});

test('a viewer may not create, a malformed id is 404, and problems have no DELETE', async () => {
  const v = await api.viewer.post('/api/v1/problems', { body: { title: 'Not mine to open', distribution: 'organisation' } });
  assertProblem(assert, v, 403);
  assert.equal(v.body.detail, 'your role may not create problems');
  assertProblem(assert, await api.analyst.get('/api/v1/problems/not-a-uuid'), 404);
  assertProblem(assert, await api.analyst.patch('/api/v1/problems/not-a-uuid', { body: { phase: 'analysis' }, headers: { 'If-Match': '"1"' } }), 404);
  assert.equal((await api.analyst.del(`/api/v1/problems/${id}`)).status, 405);
});
