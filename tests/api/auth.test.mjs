// Authentication: sessions, CSRF, tokens, throttling, disabling, audit chain.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, request, client, assertProblem, cli, cliUser, sql, login } from './lib.mjs';

const PASSWORD = 'correct horse battery staple';
let srv, admin, api;
before(async () => {
  srv = await startServer({ args: ['--session-idle', '2', '--session-max', '6'] });
  admin = cliUser(srv, { email: 'admin@example.org', password: PASSWORD });
  api = client(srv.base, { token: admin.token });
});
after(async () => { await srv?.stop(); });

async function newUser(role = 'officer', extra = {}) {
  const email = `${role}.${Math.random().toString(36).slice(2)}@example.org`;
  const spmu = (await api.get('/api/v1/organisations?limit=500')).body.items.find((o) => o.key === 'osce-spmu');
  const r = await api.post('/api/v1/users', { body: { email, name: 'Someone', org_id: spmu.id, role, password: PASSWORD, ...extra } });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

test('no credentials is 401 with WWW-Authenticate; a bad token too', async () => {
  const r = await request(srv.base, 'GET', '/api/v1/me');
  assertProblem(assert, r, 401);
  assert.equal(r.headers.get('www-authenticate'), 'Bearer');
  assertProblem(assert, await request(srv.base, 'GET', '/api/v1/me', { headers: { Authorization: 'Bearer trl_nope' } }), 401);
});

test('sign-in sets an HttpOnly SameSite=Strict cookie and gives a CSRF token', async () => {
  const s = await login(srv.base, 'ADMIN@example.org', PASSWORD);
  assert.equal(s.status, 200);
  const setCookie = s.res.headers.get('set-cookie');
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);
  assert.ok(s.csrf.length >= 40);
  const me = await client(srv.base, { cookie: s.cookie }).get('/api/v1/me');
  assert.equal(me.status, 200);
  assert.equal(me.body.email, 'admin@example.org');
  assert.equal(me.body.csrf_token, s.csrf);
});

test('behind a TLS proxy the session cookie is Secure', async () => {
  const r = await request(srv.base, 'POST', '/api/v1/auth/login', { body: { email: 'admin@example.org', password: PASSWORD }, headers: { 'X-Forwarded-Proto': 'https' } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('set-cookie'), /; Secure/);
});

test('unsafe methods with a session need the CSRF token', async () => {
  const s = await login(srv.base, 'admin@example.org', PASSWORD);
  const body = { name: 'csrf test', kind: 'police', country: 'AT' };
  assertProblem(assert, await client(srv.base, { cookie: s.cookie }).post('/api/v1/organisations', { body }), 403);
  assertProblem(assert, await client(srv.base, { cookie: s.cookie, csrf: 'x'.repeat(43) }).post('/api/v1/organisations', { body }), 403);
  const ok = await client(srv.base, { cookie: s.cookie, csrf: s.csrf }).post('/api/v1/organisations', { body });
  assert.equal(ok.status, 201, ok.text);
});

test('logout ends the session', async () => {
  const s = await login(srv.base, 'admin@example.org', PASSWORD);
  const c = client(srv.base, { cookie: s.cookie, csrf: s.csrf });
  assert.equal((await c.post('/api/v1/auth/logout')).status, 204);
  assertProblem(assert, await c.get('/api/v1/me'), 401);
});

test('a session ends after the idle timeout', async () => {
  const s = await login(srv.base, 'admin@example.org', PASSWORD);
  const c = client(srv.base, { cookie: s.cookie });
  assert.equal((await c.get('/api/v1/me')).status, 200);
  await new Promise((ok) => setTimeout(ok, 2600));
  assertProblem(assert, await c.get('/api/v1/me'), 401);
});

test('a session ends after the absolute timeout even when in use', async () => {
  const s = await login(srv.base, 'admin@example.org', PASSWORD);
  const c = client(srv.base, { cookie: s.cookie });
  // keep it busy; the idle clock is refreshed at most once a minute, so move it by hand
  sql(srv, `UPDATE sessions SET created_at = created_at - 7000`);
  assertProblem(assert, await c.get('/api/v1/me'), 401);
});

test('API tokens: shown once, hashed at rest, read-only scope, revocation, expiry', async () => {
  const r = await api.post('/api/v1/tokens', { body: { name: 'script', read_only: true, expires_in_days: 10 } });
  assert.equal(r.status, 201);
  assert.match(r.body.token, /^trl_[A-Za-z0-9_-]{43}$/);
  const stored = sql(srv, `SELECT token_hash FROM api_tokens WHERE id = '${r.body.id}'`).trim();
  assert.match(stored, /^[0-9a-f]{64}$/);
  assert.ok(!stored.includes(r.body.token));
  const list = await api.get('/api/v1/tokens');
  assert.ok(!JSON.stringify(list.body).includes(r.body.token));
  const ro = client(srv.base, { token: r.body.token });
  assert.equal((await ro.get('/api/v1/me')).status, 200);
  assertProblem(assert, await ro.post('/api/v1/tokens', { body: { name: 'x' } }), 403);
  assert.equal((await api.del(`/api/v1/tokens/${r.body.id}`)).status, 204);
  assertProblem(assert, await ro.get('/api/v1/me'), 401);
  assertProblem(assert, await api.del(`/api/v1/tokens/${r.body.id}`), 404);
  const t2 = await api.post('/api/v1/tokens', { body: { name: 'short' } });
  sql(srv, `UPDATE api_tokens SET expires_at = 1000 WHERE id = '${t2.body.id}'`);
  assertProblem(assert, await client(srv.base, { token: t2.body.token }).get('/api/v1/me'), 401);
});

test('a user revokes only their own tokens', async () => {
  const u = await newUser('viewer');
  const t = cli(['token', 'create', '--email', u.email, '--db', srv.db.url]).stdout.trim();
  const mine = await api.post('/api/v1/tokens', { body: { name: 'mine' } });
  assertProblem(assert, await client(srv.base, { token: t }).del(`/api/v1/tokens/${mine.body.id}`), 404);
});

test('disabling a user ends all their sessions and tokens at once', async () => {
  const u = await newUser('officer');
  const s = await login(srv.base, u.email, PASSWORD);
  const t = cli(['token', 'create', '--email', u.email, '--db', srv.db.url]).stdout.trim();
  assert.equal((await client(srv.base, { token: t }).get('/api/v1/me')).status, 200);
  const cur = await api.get(`/api/v1/users/${u.id}`);
  const r = await api.patch(`/api/v1/users/${u.id}`, { body: { disabled: true }, headers: { 'If-Match': cur.headers.get('etag') } });
  assert.equal(r.status, 200, r.text);
  assertProblem(assert, await client(srv.base, { cookie: s.cookie }).get('/api/v1/me'), 401);
  assertProblem(assert, await client(srv.base, { token: t }).get('/api/v1/me'), 401);
  assert.equal((await login(srv.base, u.email, PASSWORD)).status, 401);
  assert.equal(sql(srv, `SELECT count(*) FROM sessions WHERE user_id = '${u.id}'`).trim(), '0');
});

test('after 20 failed sign-ins from one address in 15 minutes it gets 429 with Retry-After, for any account', async () => {
  // its own server: the address of every test here is 127.0.0.1
  const s = await startServer();
  cliUser(s, { email: 'u@example.org', password: PASSWORD });
  for (let i = 0; i < 5; i++) assert.equal((await login(s.base, 'u@example.org', 'wrong password!')).status, 401);
  for (let i = 0; i < 15; i++) assert.equal((await login(s.base, `nobody${i}@example.org`, 'x')).status, 401);
  const blocked = await login(s.base, 'u@example.org', PASSWORD);
  assert.equal(blocked.status, 429);
  assert.ok(Number(blocked.res.headers.get('retry-after')) > 0);
  assertProblem(assert, blocked.res, 429);
  assert.equal((await login(s.base, 'nobody@example.org', 'x')).status, 429);
  await s.stop();
});

test('unknown email and wrong password get the same answer and similar time', async () => {
  const u = await newUser('viewer');
  const time = async (email) => {
    const t0 = process.hrtime.bigint();
    const r = await login(srv.base, email, 'not the password');
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, r };
  };
  const a = await time(u.email);
  const b = await time(`ghost.${Date.now()}@example.org`);
  assert.equal(a.r.status, 401);
  assert.equal(b.r.status, 401);
  assert.equal(a.r.res.body.detail, b.r.res.body.detail);
  // both do one argon2id verification (tens of ms); skipping it for unknown
  // addresses would answer in well under a tenth of the time
  assert.ok(b.ms > a.ms / 10 && a.ms > b.ms / 10, `${a.ms} vs ${b.ms}`);
});

test('password hashes are never returned by any endpoint', async () => {
  const u = await newUser('analyst');
  const bodies = [];
  for (const path of ['/api/v1/users?limit=500', `/api/v1/users/${u.id}`, '/api/v1/me', '/api/v1/audit?limit=500']) {
    bodies.push((await api.get(path)).text);
  }
  bodies.push((await login(srv.base, u.email, PASSWORD)).res.text);
  for (const b of bodies) {
    assert.ok(!b.includes('$argon2'), 'a password hash leaked');
    assert.ok(!b.includes('password_hash'));
  }
});

test('no one raises their own role or moves organisation; org_admin cannot make admins', async () => {
  const u = await newUser('officer');
  const t = cli(['token', 'create', '--email', u.email, '--db', srv.db.url]).stdout.trim();
  const me = client(srv.base, { token: t });
  const cur = await me.get(`/api/v1/users/${u.id}`);
  const etag = cur.headers.get('etag');
  assertProblem(assert, await me.patch(`/api/v1/users/${u.id}`, { body: { role: 'admin' }, headers: { 'If-Match': etag } }), 403, 'role');
  assertProblem(assert, await me.patch(`/api/v1/users/${u.id}`, { body: { role: 'analyst' }, headers: { 'If-Match': etag } }), 403, 'role');
  const ok = await me.patch(`/api/v1/users/${u.id}`, { body: { name: 'New Name' }, headers: { 'If-Match': etag } });
  assert.equal(ok.status, 200);
  const oa = await newUser('org_admin');
  const ot = client(srv.base, { token: cli(['token', 'create', '--email', oa.email, '--db', srv.db.url]).stdout.trim() });
  const made = await ot.post('/api/v1/users', { body: { email: `x${Date.now()}@example.org`, name: 'X', org_id: oa.org_id, role: 'admin' } });
  assertProblem(assert, made, 403);
});

test('PATCH needs If-Match and refuses a stale one', async () => {
  const u = await newUser('viewer');
  assertProblem(assert, await api.patch(`/api/v1/users/${u.id}`, { body: { name: 'A' } }), 428);
  const cur = await api.get(`/api/v1/users/${u.id}`);
  const etag = cur.headers.get('etag');
  assert.equal((await api.patch(`/api/v1/users/${u.id}`, { body: { name: 'B' }, headers: { 'If-Match': etag } })).status, 200);
  assertProblem(assert, await api.patch(`/api/v1/users/${u.id}`, { body: { name: 'C' }, headers: { 'If-Match': etag } }), 412);
});

test('unknown fields are refused, naming them; values are checked against allow-lists', async () => {
  const spmu = (await api.get('/api/v1/organisations?limit=500')).body.items.find((o) => o.key === 'osce-spmu');
  assertProblem(assert, await api.post('/api/v1/users', { body: { email: 'a@b.org', name: 'A', org_id: spmu.id, role: 'viewer', is_admin: true } }), 400, 'is_admin');
  assertProblem(assert, await api.post('/api/v1/users', { body: { email: 'a@b.org', name: 'A', org_id: spmu.id, role: 'superuser' } }), 400, 'role');
  assertProblem(assert, await api.post('/api/v1/users', { body: { email: 'not-an-email', name: 'A', org_id: spmu.id, role: 'viewer' } }), 400, 'email');
  assertProblem(assert, await api.post('/api/v1/organisations', { body: { name: 'X', kind: 'bakery', country: 'AT' } }), 400, 'kind');
  assertProblem(assert, await api.post('/api/v1/organisations', { body: { name: 'X', kind: 'police' } }), 400, 'country');
  assertProblem(assert, await api.post('/api/v1/organisations', { body: { name: 'X', kind: 'police', country: 'ZZ' } }), 400, 'country');
  const intl = await api.post('/api/v1/organisations', { body: { name: 'Intl', kind: 'international_organisation' } });
  assert.equal(intl.status, 201);
});

test('a retried create with the same Idempotency-Key returns the first result', async () => {
  const key = `k-${Date.now()}`;
  const body = { name: 'Idempotent Police', kind: 'police', country: 'FR' };
  const a = await api.post('/api/v1/organisations', { body, headers: { 'Idempotency-Key': key } });
  const b = await api.post('/api/v1/organisations', { body, headers: { 'Idempotency-Key': key } });
  assert.equal(a.status, 201);
  assert.equal(b.status, 201);
  assert.equal(a.body.id, b.body.id);
  const all = await api.get('/api/v1/organisations?limit=500&country=FR');
  assert.equal(all.body.items.filter((o) => o.name === 'Idempotent Police').length, 1);
});

test('the audit log records changes and verify detects edits, deletions and reordering', async () => {
  await newUser('viewer');
  const log = await api.get('/api/v1/audit?resource_type=user');
  assert.equal(log.status, 200);
  assert.ok(log.body.items.length >= 1);
  assert.ok(log.body.items.every((e) => e.resource_type === 'user' && e.hash));
  let v = cli(['audit', 'verify', '--db', srv.db.url]);
  assert.equal(v.status, 0, v.stdout + v.stderr);
  assert.match(v.stdout, /verified: \d+ entries/);
  const n = Number(v.stdout.match(/(\d+) entries/)[1]);
  assert.ok(n >= 3);
  // edit one entry
  const orig = sql(srv, 'SELECT action FROM audit_log WHERE seq = 2').trim();
  sql(srv, `UPDATE audit_log SET action = 'nothing' WHERE seq = 2`);
  v = cli(['audit', 'verify', '--db', srv.db.url]);
  assert.equal(v.status, 1);
  assert.match(v.stdout, /entry 2 was changed/);
  sql(srv, `UPDATE audit_log SET action = '${orig}' WHERE seq = 2`);
  assert.equal(cli(['audit', 'verify', '--db', srv.db.url]).status, 0);
  // swap two entries' contents (a reordering)
  sql(srv, 'UPDATE audit_log SET seq = -1 WHERE seq = 2');
  sql(srv, 'UPDATE audit_log SET seq = 2 WHERE seq = 3');
  sql(srv, 'UPDATE audit_log SET seq = 3 WHERE seq = -1');
  v = cli(['audit', 'verify', '--db', srv.db.url]);
  assert.equal(v.status, 1);
  assert.match(v.stdout, /entry 2/);
  sql(srv, 'UPDATE audit_log SET seq = -1 WHERE seq = 2');
  sql(srv, 'UPDATE audit_log SET seq = 2 WHERE seq = 3');
  sql(srv, 'UPDATE audit_log SET seq = 3 WHERE seq = -1');
  assert.equal(cli(['audit', 'verify', '--db', srv.db.url]).status, 0);
  // delete one in the middle, then the last one
  sql(srv, 'DELETE FROM audit_log WHERE seq = 2');
  v = cli(['audit', 'verify', '--db', srv.db.url]);
  assert.equal(v.status, 1);
  assert.match(v.stdout, /entry 2 is missing/);
});

test('deleting the newest audit entry is detected too', async () => {
  const s = await startServer();
  cliUser(s, { email: 'a@example.org' });
  cliUser(s, { email: 'b@example.org' });
  assert.equal(cli(['audit', 'verify', '--db', s.db.url]).status, 0);
  sql(s, 'DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)');
  const v = cli(['audit', 'verify', '--db', s.db.url]);
  assert.equal(v.status, 1);
  assert.match(v.stdout, /removed/);
  await s.stop();
});

test('the audit log is for admins only', async () => {
  const u = await newUser('org_admin');
  const t = cli(['token', 'create', '--email', u.email, '--db', srv.db.url]).stdout.trim();
  assertProblem(assert, await client(srv.base, { token: t }).get('/api/v1/audit'), 403);
  assertProblem(assert, await api.get('/api/v1/audit?from=yesterday'), 400, 'from');
});
