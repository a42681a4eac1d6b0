// A known API token is answered from memory while nothing is written, yet
// every change that bears on it (revoked, user disabled, role changed)
// takes effect with the next request: made here, made by a second server
// process on the same database, or (outside Trellis, SQLite only) within
// the cache's one-second bound.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { startServer, client, assertProblem, cliUser, sql, ENGINE } from './lib.mjs';

let a, b, adminA, adminB;
before(async () => {
  a = await startServer();
  // a second server process on the same database (SQLite file or PostgreSQL)
  b = await startServer({ seed: false, db: { url: a.db.url, cleanup() {} } });
  const admin = cliUser(a, { email: 'admin@example.org' });
  adminA = client(a.base, { token: admin.token });
  adminB = client(b.base, { token: admin.token });
});
after(async () => { await b?.stop(); await a?.stop(); });

async function user(role) {
  const u = cliUser(a, { email: `${role}.${Math.random().toString(36).slice(2)}@example.org`, role });
  return { ...u, onA: client(a.base, { token: u.token }) };
}

async function patchUser(api, id, body) {
  const cur = await api.get(`/api/v1/users/${id}`);
  assert.equal(cur.status, 200, cur.text);
  const r = await api.patch(`/api/v1/users/${id}`, { body, headers: { 'If-Match': cur.headers.get('etag') } });
  assert.equal(r.status, 200, r.text);
}

test('a token revoked on another server process is refused by this one at the next request', async () => {
  const u = await user('analyst');
  const made = await u.onA.post('/api/v1/tokens', { body: { name: 'second' } });
  assert.equal(made.status, 201, made.text);
  const t = client(a.base, { token: made.body.token });
  for (let i = 0; i < 3; i++) assert.equal((await t.get('/api/v1/alerts')).status, 200); // now known
  const onB = client(b.base, { token: made.body.token });
  assert.equal((await onB.del(`/api/v1/tokens/${made.body.id}`)).status, 204);
  assertProblem(assert, await t.get('/api/v1/alerts'), 401);
});

test('a user disabled, or their role changed, on either process: the next request of their token knows it', async () => {
  const u = await user('analyst');
  assert.equal((await u.onA.get('/api/v1/me')).body.role, 'analyst');
  await patchUser(adminB, u.id, { role: 'viewer' });
  assert.equal((await u.onA.get('/api/v1/me')).body.role, 'viewer');
  await patchUser(adminA, u.id, { role: 'officer' });
  assert.equal((await u.onA.get('/api/v1/me')).body.role, 'officer');
  await patchUser(adminB, u.id, { disabled: true });
  assertProblem(assert, await u.onA.get('/api/v1/me'), 401);
});

test('a token revoked on this process is refused at the next request', async () => {
  const u = await user('viewer');
  for (let i = 0; i < 3; i++) assert.equal((await u.onA.get('/api/v1/me')).status, 200);
  const list = await u.onA.get('/api/v1/tokens');
  const id = list.body.items[0].id;
  assert.equal((await u.onA.del(`/api/v1/tokens/${id}`)).status, 204);
  assertProblem(assert, await u.onA.get('/api/v1/me'), 401);
});

test('SQLite: the write counter is a file beside the database; a change made outside Trellis is seen within a second', { skip: ENGINE !== 'sqlite' }, async () => {
  assert.ok(existsSync(`${a.db.url.slice(7)}-gen`));
  const u = await user('viewer');
  assert.equal((await u.onA.get('/api/v1/me')).status, 200);
  sql(a, `UPDATE users SET disabled = 1 WHERE id = '${u.id}'`); // the sqlite3 shell: no counter
  await new Promise((r) => setTimeout(r, 1100));
  assertProblem(assert, await u.onA.get('/api/v1/me'), 401);
});
