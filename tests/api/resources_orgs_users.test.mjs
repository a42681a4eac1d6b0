// Organisations and users are declared through the resource mechanism
// (src/api/resource.h): their list filters, cursors, If-Match, ETags and
// Idempotency-Key answer as every other resource's, their refusals keep
// their messages, and no password leaves the server. Runs on SQLite and on
// PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, assertProblem, cliUser, sql } from './lib.mjs';

const PASSWORD = 'a password of some length';
let srv, root, viewer, orgAdmin, spmu, other;
before(async () => {
  srv = await startServer();
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const orgs = (await root.get('/api/v1/organisations?limit=500')).body.items;
  spmu = orgs.find((o) => o.key === 'osce-spmu');
  other = orgs.find((o) => o.id !== spmu.id);
  viewer = { ...cliUser(srv, { email: 'viewer@example.org', role: 'viewer' }) };
  viewer.api = client(srv.base, { token: viewer.token });
  orgAdmin = { ...cliUser(srv, { email: 'orgadmin@example.org', role: 'org_admin' }) };
  orgAdmin.api = client(srv.base, { token: orgAdmin.token });
});
after(async () => { await srv?.stop(); });

const pages = async (api, path) => {
  const seen = [];
  let cursor = null;
  do {
    const r = await api.get(path + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''));
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.items.length <= 2);
    seen.push(...r.body.items.map((x) => x.id));
    cursor = r.body.next_cursor;
  } while (cursor);
  return seen;
};

test('organisation lists check every query parameter and page with the common cursor', async () => {
  assertProblem(assert, await root.get('/api/v1/organisations?colour=red'), 400, 'colour');
  assertProblem(assert, await root.get('/api/v1/organisations?kind=bakery'), 400, 'kind');
  // a country is an upper-case ISO code, as in every other list
  assertProblem(assert, await root.get('/api/v1/organisations?country=fr'), 400, 'country');
  assertProblem(assert, await root.get('/api/v1/organisations?country=FRA'), 400, 'country');
  assertProblem(assert, await root.get('/api/v1/organisations?cursor=nope'), 400, 'cursor');
  assertProblem(assert, await root.get('/api/v1/organisations?limit=0'), 400, 'limit');
  const all = (await root.get('/api/v1/organisations?limit=500')).body.items.map((o) => o.id);
  assert.ok(all.length > 2);
  assert.deepEqual(await pages(viewer.api, '/api/v1/organisations?limit=2'), all);
  const at = (await root.get('/api/v1/organisations?country=AT&kind=police')).body.items;
  assert.ok(at.every((o) => o.country === 'AT' && o.kind === 'police'));
});

test('organisations: created once per Idempotency-Key, with an ETag', async () => {
  const body = { name: 'Idempotent Police', kind: 'police', country: 'LU' };
  const headers = { 'Idempotency-Key': 'org-once' };
  const a = await root.post('/api/v1/organisations', { body, headers });
  assert.equal(a.status, 201, a.text);
  assert.equal(a.headers.get('etag'), `"${a.body.version}"`);
  const b = await root.post('/api/v1/organisations', { body, headers });
  assert.equal(b.status, 201);
  assert.equal(b.headers.get('idempotent-replayed'), 'true');
  assert.equal(b.body.id, a.body.id);
  assert.equal(sql(srv, "SELECT COUNT(*) FROM organisations WHERE name = 'Idempotent Police'").trim(), '1');
  const g = await viewer.api.get(`/api/v1/organisations/${a.body.id}`);
  assert.equal(g.status, 200);
  assert.equal(g.headers.get('etag'), `"${a.body.version}"`);
});

test('organisations: only instance administrators add or change them, before anything else is read', async () => {
  const r = await viewer.api.post('/api/v1/organisations', { body: { name: 'X', kind: 'police', country: 'AT' } });
  assertProblem(assert, r, 403);
  assert.equal(r.body.detail, 'only instance administrators add organisations');
  // a bad body, no If-Match, even a malformed id: the role is refused first
  for (const [id, body, headers] of [[other.id, { nope: 1 }, {}], ['not-an-id', {}, {}], [other.id, { name: 'Y' }, { 'If-Match': '"1"' }]]) {
    const p = await orgAdmin.api.patch(`/api/v1/organisations/${id}`, { body, headers });
    assertProblem(assert, p, 403);
    assert.equal(p.body.detail, 'only instance administrators change organisations');
  }
  const c = await root.post('/api/v1/organisations', { body: { name: 'No Country Police', kind: 'police' } });
  assertProblem(assert, c, 400, 'country');
  assert.match(c.body.errors.find((e) => e.field === 'country').message, /except for international organisations/);
  assert.match(c.body.detail, /except for international organisations/);
});

test('organisations: PATCH needs a current If-Match (428, 412) and keeps its rules', async () => {
  const o = (await root.post('/api/v1/organisations', { body: { name: 'Patched Police', kind: 'police', country: 'AT' } })).body;
  const path = `/api/v1/organisations/${o.id}`;
  assertProblem(assert, await root.patch(path, { body: { name: 'A' } }), 428);
  assertProblem(assert, await root.patch(path, { body: { name: 'A' }, headers: { 'If-Match': '"x"' } }), 412);
  const ok = await root.patch(path, { body: { name: 'Patched Police 2' }, headers: { 'If-Match': `"${o.version}"` } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.name, 'Patched Police 2');
  assert.equal(ok.headers.get('etag'), `"${o.version + 1}"`);
  assertProblem(assert, await root.patch(path, { body: { name: 'Stale' }, headers: { 'If-Match': `"${o.version}"` } }), 412);
  const cur = { 'If-Match': ok.headers.get('etag') };
  assertProblem(assert, await root.patch(path, { body: { key: 'new-key' }, headers: cur }), 400, 'key');
  assertProblem(assert, await root.patch(path, { body: { parent_id: o.id }, headers: cur }), 400, 'parent_id');
  assertProblem(assert, await root.patch(path, { body: { country: 'ZZ' }, headers: cur }), 400, 'country');
  assertProblem(assert, await root.get('/api/v1/organisations/01900000-0000-7000-8000-000000000000'), 404);
  assertProblem(assert, await root.patch('/api/v1/organisations/01900000-0000-7000-8000-000000000000', { body: { nope: 1 }, headers: cur }), 404);
});

test('user lists check every query parameter and page with the common cursor', async () => {
  assertProblem(assert, await root.get('/api/v1/users?colour=red'), 400, 'colour');
  assertProblem(assert, await root.get('/api/v1/users?role=wizard'), 400, 'role');
  assertProblem(assert, await root.get('/api/v1/users?org_id=not-a-uuid'), 400, 'org_id');
  assertProblem(assert, await root.get('/api/v1/users?cursor=nope'), 400, 'cursor');
  const viewers = await root.get(`/api/v1/users?role=viewer&org_id=${spmu.id}&limit=500`);
  assert.deepEqual(viewers.body.items.map((u) => u.id), [viewer.id]);
  const mine = (await orgAdmin.api.get('/api/v1/users?limit=500')).body.items.map((u) => u.id);
  assert.ok(mine.length >= 3);
  assert.deepEqual(await pages(orgAdmin.api, '/api/v1/users?limit=2'), mine);
  // another organisation's users stay invisible, whatever the filter
  assert.deepEqual((await orgAdmin.api.get(`/api/v1/users?org_id=${other.id}`)).body.items, []);
});

test('users: created once per Idempotency-Key; refusals keep their messages', async () => {
  const body = { email: 'once@example.org', name: 'Once', org_id: spmu.id, role: 'analyst', password: PASSWORD };
  const headers = { 'Idempotency-Key': 'user-once' };
  const a = await orgAdmin.api.post('/api/v1/users', { body, headers });
  assert.equal(a.status, 201, a.text);
  assert.equal(a.headers.get('etag'), `"${a.body.version}"`);
  const b = await orgAdmin.api.post('/api/v1/users', { body, headers });
  assert.equal(b.status, 201);
  assert.equal(b.headers.get('idempotent-replayed'), 'true');
  assert.equal(b.body.id, a.body.id);
  assertProblem(assert, await orgAdmin.api.post('/api/v1/users', { body }), 409, 'email');
  const v = await viewer.api.post('/api/v1/users', { body: { ...body, email: 'v@example.org' } });
  assertProblem(assert, v, 403);
  assert.equal(v.body.detail, 'your role may not create users');
  const away = await orgAdmin.api.post('/api/v1/users', { body: { ...body, email: 'away@example.org', org_id: other.id } });
  assertProblem(assert, away, 403);
  assert.equal(away.body.detail, 'you may create users of your own organisation only, and no instance administrators');
});

test('users: PATCH needs a current If-Match; passwords never leave the server', async () => {
  const u = (await root.post('/api/v1/users', { body: { email: 'patched@example.org', name: 'P', org_id: spmu.id, role: 'viewer', password: PASSWORD } })).body;
  const path = `/api/v1/users/${u.id}`;
  assertProblem(assert, await root.patch(path, { body: { name: 'A' } }), 428);
  assertProblem(assert, await root.patch(path, { body: { name: 'A' }, headers: { 'If-Match': '"99"' } }), 412);
  const g = await root.get(path);
  const p = await root.patch(path, { body: { password: 'another long password' }, headers: { 'If-Match': g.headers.get('etag') } });
  assertProblem(assert, p, 403, 'password');
  assert.equal(p.body.detail, 'you may change only your own password here');
  const ok = await root.patch(path, { body: { role: 'analyst' }, headers: { 'If-Match': g.headers.get('etag') } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.headers.get('etag'), `"${u.version + 1}"`);
  const reset = await root.post(`${path}/password-reset`, { body: { password: 'reset by the admin 1' } });
  assert.equal(reset.status, 204);
  const own = await root.post(`/api/v1/users/${(await root.get('/api/v1/me')).body.id}/password-reset`, { body: { password: 'reset by the admin 1' } });
  assertProblem(assert, own, 403, 'password');
  assert.equal(own.body.detail, 'you may not reset your own password');
  const denied = await viewer.api.post(`${path}/password-reset`, { body: { password: 'reset by the viewer 1' } });
  assertProblem(assert, denied, 403);
  assert.match(denied.body.detail, /resets a password/);
  // a malformed body to a user one does not see is 404 (the record first)
  const stranger = client(srv.base, { token: cliUser(srv, { email: 'stranger@example.org', role: 'org_admin', org: other.key || other.id }).token });
  assertProblem(assert, await stranger.post(`${path}/password-reset`, { body: { nope: 1 } }), 404);
  assertProblem(assert, await stranger.patch(path, { body: { nope: 1 }, headers: { 'If-Match': '"1"' } }), 404);
  const texts = [ok.text, (await root.get(path)).text, (await root.get('/api/v1/users?limit=500')).text];
  for (const t of texts) assert.doesNotMatch(t, /password|another long|reset by the admin|\$argon2/);
  assert.doesNotMatch(srv.logs.join('\n'), /another long password|reset by the admin|a password of some length/);
});

test('the OpenAPI document describes both from their declarations', async () => {
  const doc = (await root.get('/api/v1/openapi.json')).body;
  const users = doc.paths['/api/v1/users'];
  assert.equal(users.get.operationId, 'listUsers');
  const params = Object.fromEntries(users.get.parameters.map((p) => [p.name, p.schema]));
  assert.equal(params.org_id.format, 'uuid');
  assert.ok(params.role.enum.includes('org_admin'));
  assert.equal(users.post.operationId, 'createUser');
  const schemaOf = (op) => doc.components.schemas[op.requestBody.content['application/json'].schema.$ref.split('/').pop()];
  assert.ok(schemaOf(users.post).required.includes('email'));
  assert.ok('current_password' in schemaOf(doc.paths['/api/v1/users/{id}'].patch).properties);
  const orgs = doc.paths['/api/v1/organisations'];
  assert.equal(orgs.get.operationId, 'listOrganisations');
  assert.equal(doc.paths['/api/v1/organisations/{id}'].patch.operationId, 'updateOrganisation');
  assert.equal(schemaOf(doc.paths['/api/v1/organisations/{id}'].patch).properties.key, undefined);
  assert.ok(schemaOf(orgs.post).properties.key);
});

test('a user of one\'s own organisation is visible: changing them unasked is 403, another organisation\'s user is 404', async () => {
  const own = (await root.get('/api/v1/users?limit=500')).body.items.find((u) => u.email === 'orgadmin@example.org');
  const seen = await viewer.api.get(`/api/v1/users/${own.id}`);
  assert.equal(seen.status, 200, 'the viewer sees the users of their own organisation');
  const headers = { 'If-Match': seen.headers.get('etag') };
  assertProblem(assert, await viewer.api.patch(`/api/v1/users/${own.id}`, { body: { name: 'Renamed' }, headers }), 403);
  const made = await root.post('/api/v1/users', { body: { email: 'far@example.org', name: 'Far', org_id: other.id, role: 'analyst' } });
  assert.equal(made.status, 201, made.text);
  assertProblem(assert, await viewer.api.patch(`/api/v1/users/${made.body.id}`, { body: { name: 'Renamed' }, headers: { 'If-Match': `"${made.body.version}"` } }), 404);
  assert.equal((await root.get(`/api/v1/users/${own.id}`)).body.name, own.name, 'nothing changed');
});
