// Findings of a security test on authentication and the audit log: what is
// audited (sign-ins, tokens, role changes, the public's tips), changing and
// resetting passwords, throttling that never locks the owner out, an exact
// idle limit, and a proof-of-work challenge spent once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, request, client, assertProblem, cli, cliUser, solve } from './lib.mjs';

const PASSWORD = 'correct horse battery staple';
const IDLE_S = 3;
let srv, admin, api, spmu;
let nextAddr = 1;
// every test signs in from its own address (the server trusts
// X-Forwarded-For here), so that the per-address throttle of one test does
// not reach another
const freshAddr = () => `192.0.2.${nextAddr++}`;

before(async () => {
  srv = await startServer({
    args: ['--session-idle', String(IDLE_S)],
    env: { TRELLIS_TRUST_PROXY: '1', TRELLIS_TIP_POW_BITS: '4', TRELLIS_TIP_RATE: '1000' },
  });
  admin = cliUser(srv, { email: 'admin@example.org', password: PASSWORD });
  api = client(srv.base, { token: admin.token });
  spmu = (await api.get('/api/v1/organisations?limit=500')).body.items.find((o) => o.key === 'osce-spmu');
  // tips from Luxembourg go to its police
  assert.equal((await api.post('/api/v1/organisations', { body: { name: 'Police Grand-Ducale', kind: 'police', country: 'LU' } })).status, 201);
});
after(async () => { await srv?.stop(); });

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

function signIn(email, password, addr) {
  return request(srv.base, 'POST', '/api/v1/auth/login', { body: { email, password }, headers: { 'X-Forwarded-For': `10.9.8.7, ${addr}` } });
}

async function session(email, password, addr = freshAddr()) {
  const r = await signIn(email, password, addr);
  assert.equal(r.status, 200, r.text);
  return { cookie: r.headers.get('set-cookie').split(';')[0], csrf: r.body.csrf_token, user: r.body.user };
}

async function newUser(role = 'officer', org = spmu.id) {
  const email = `${role}.${Math.random().toString(36).slice(2)}@example.org`;
  const r = await api.post('/api/v1/users', { body: { email, name: 'Someone', org_id: org, role, password: PASSWORD } });
  assert.equal(r.status, 201, r.text);
  const token = cli(['token', 'create', '--email', email, '--db', srv.db.url]).stdout.trim();
  return { ...r.body, token, api: client(srv.base, { token }) };
}

async function auditOf(query) {
  const r = await api.get(`/api/v1/audit?limit=500&${query}`);
  assert.equal(r.status, 200, r.text);
  return r.body.items;
}

test('sign-ins are audited, success and failure, never with the password or an unknown email', async () => {
  const u = await newUser('viewer');
  const addr = freshAddr();
  assert.equal((await signIn(u.email, 'a wrong password 123', addr)).status, 401);
  const ghost = `ghost.${Date.now()}@example.org`;
  assert.equal((await signIn(ghost, 'another secret 456', addr)).status, 401);
  assert.equal((await signIn(u.email, PASSWORD, addr)).status, 200);
  const mine = await auditOf(`resource_id=${u.id}`);
  const ok = mine.find((e) => e.action === 'login');
  assert.ok(ok, 'a sign-in is audited');
  assert.equal(ok.user_id, u.id);
  assert.equal(ok.actor, 'user');
  const failed = mine.find((e) => e.action === 'login_failed');
  assert.ok(failed, 'a failed sign-in is audited against the account');
  assert.equal(failed.user_id, null);
  assert.equal(failed.actor, 'anonymous');
  const all = await auditOf('resource_type=user');
  assert.ok(all.some((e) => e.action === 'login_failed' && !e.resource_id), 'a failed sign-in with an unknown email is audited');
  const text = JSON.stringify(all);
  for (const secret of ['a wrong password 123', 'another secret 456', PASSWORD, ghost]) assert.ok(!text.includes(secret), `${secret} written to the audit log`);
});

test('creating and revoking an API token are audited', async () => {
  const u = await newUser('analyst');
  const t = await u.api.post('/api/v1/tokens', { body: { name: 'script', read_only: true } });
  assert.equal(t.status, 201, t.text);
  assert.equal((await u.api.del(`/api/v1/tokens/${t.body.id}`)).status, 204);
  const log = await auditOf(`resource_id=${t.body.id}`);
  const made = log.find((e) => e.action === 'create' && e.resource_type === 'token');
  assert.ok(made, 'token creation audited');
  assert.equal(made.user_id, u.id);
  assert.equal(made.detail.read_only, true);
  assert.ok(!JSON.stringify(log).includes(t.body.token), 'the secret is never audited');
  const revoked = log.find((e) => e.action === 'revoke' && e.resource_type === 'token');
  assert.ok(revoked, 'token revocation audited');
  assert.equal(revoked.user_id, u.id);
  // the command line's tokens too, as the system
  const cliTokens = (await auditOf('resource_type=token')).filter((e) => e.actor === 'system' && e.detail?.user_id === u.id);
  assert.ok(cliTokens.length >= 1, 'a token made on the command line is audited');
});

test('a role change is audited with the old and the new role', async () => {
  const u = await newUser('viewer');
  const cur = await api.get(`/api/v1/users/${u.id}`);
  const r = await api.patch(`/api/v1/users/${u.id}`, { body: { role: 'analyst' }, headers: { 'If-Match': cur.headers.get('etag') } });
  assert.equal(r.status, 200, r.text);
  const e = (await auditOf(`resource_id=${u.id}`)).find((x) => x.action === 'update');
  assert.ok(e, 'role change audited');
  assert.equal(e.user_id, admin.id);
  assert.deepEqual(e.detail.fields, ['role']);
  assert.equal(e.detail.old?.role, 'viewer');
  assert.equal(e.detail.new?.role, 'analyst');
});

const tip = { category: 'public_drug_use', description: 'People use drugs in the park every evening.', country: 'LU', place: 'Parc municipal' };

test('a tip and a sender\'s message are attributed to the public, not to the command line', async () => {
  const r = await request(srv.base, 'POST', '/api/v1/public/tips', { body: { ...tip, ...(await solve(srv.base)) } });
  assert.equal(r.status, 201, r.text);
  const m = await request(srv.base, 'POST', `/api/v1/public/tips/${r.body.code}/messages`, { body: { body: 'It happened again.' }, headers: { 'X-Receipt-Secret': r.body.secret } });
  assert.equal(m.status, 201, m.text);
  const log = await auditOf('resource_type=tip');
  const made = log.find((e) => e.action === 'create');
  assert.ok(made);
  assert.equal(made.user_id, null);
  assert.equal(made.actor, 'public');
  const said = log.find((e) => e.action === 'message_from_sender' && e.resource_id === made.resource_id);
  assert.ok(said);
  assert.equal(said.actor, 'public');
});

test('changing one\'s own password needs the current one', async () => {
  const u = await newUser('officer');
  const etag = async () => (await u.api.get(`/api/v1/users/${u.id}`)).headers.get('etag');
  const next = 'a brand new passphrase';
  assertProblem(assert, await u.api.patch(`/api/v1/users/${u.id}`, { body: { password: next }, headers: { 'If-Match': await etag() } }), 400, 'current_password');
  assertProblem(assert, await u.api.patch(`/api/v1/users/${u.id}`, { body: { password: next, current_password: 'not my password!' }, headers: { 'If-Match': await etag() } }), 403, 'current_password');
  assertProblem(assert, await u.api.patch(`/api/v1/users/${u.id}`, { body: { name: 'X', current_password: PASSWORD }, headers: { 'If-Match': await etag() } }), 400, 'current_password');
  const ok = await u.api.patch(`/api/v1/users/${u.id}`, { body: { password: next, current_password: PASSWORD }, headers: { 'If-Match': await etag() } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await signIn(u.email, next, freshAddr())).status, 200);
  assert.ok((await auditOf(`resource_id=${u.id}`)).some((e) => e.action === 'password_change_refused'), 'a wrong current password is audited');
});

test('an administrator\'s reset of another user\'s password is a separate, audited action that ends their sessions', async () => {
  const u = await newUser('viewer');
  const s = await session(u.email, PASSWORD);
  const cur = await api.get(`/api/v1/users/${u.id}`);
  // not through PATCH any more
  assertProblem(assert, await api.patch(`/api/v1/users/${u.id}`, { body: { password: 'set by the admin 1' }, headers: { 'If-Match': cur.headers.get('etag') } }), 403, 'password');
  const officer = await newUser('officer');
  assertProblem(assert, await officer.api.post(`/api/v1/users/${u.id}/password-reset`, { body: { password: 'set by an officer' } }), 403);
  const other = await api.post('/api/v1/organisations', { body: { name: 'Elsewhere', kind: 'police', country: 'MT' } });
  const outsider = await newUser('org_admin', other.body.id);
  assertProblem(assert, await outsider.api.post(`/api/v1/users/${u.id}/password-reset`, { body: { password: 'set from outside' } }), 404);
  assertProblem(assert, await api.post(`/api/v1/users/${admin.id}/password-reset`, { body: { password: 'my own, reset' } }), 403, 'password');
  assertProblem(assert, await api.post(`/api/v1/users/${u.id}/password-reset`, { body: { password: 'short' } }), 400, 'password');
  const r = await api.post(`/api/v1/users/${u.id}/password-reset`, { body: { password: 'set by the admin 2' } });
  assert.equal(r.status, 204, r.text);
  assertProblem(assert, await client(srv.base, { cookie: s.cookie }).get('/api/v1/me'), 401);
  assertProblem(assert, await u.api.get('/api/v1/me'), 401);
  assert.equal((await signIn(u.email, 'set by the admin 2', freshAddr())).status, 200);
  const e = (await auditOf(`resource_id=${u.id}`)).find((x) => x.action === 'password_reset');
  assert.ok(e, 'the reset is audited');
  assert.equal(e.user_id, admin.id);
  const orgAdmin = await newUser('org_admin');
  assert.equal((await orgAdmin.api.post(`/api/v1/users/${u.id}/password-reset`, { body: { password: 'set by the org admin' } })).status, 204);
});

test('failures from one address never lock the owner out: a clean address with the right password gets in', async () => {
  const u = await newUser('analyst');
  const attacker = freshAddr();
  const answers = [];
  for (let batch = 0; batch < 5; batch++) {
    const rs = await Promise.all(Array.from({ length: 10 }, () => signIn(u.email, 'guess guess guess', attacker)));
    answers.push(...rs.map((r) => r.status));
  }
  assert.ok(answers.every((s) => s === 401 || s === 429), answers.join());
  const t0 = Date.now();
  const owner = await signIn(u.email, PASSWORD, freshAddr());
  assert.equal(owner.status, 200, owner.text);
  // slowed down, by a bounded delay only (plus the machine's own time)
  assert.ok(Date.now() - t0 < 15000);
  // the attacker's address is what is throttled: 20 failures, then 429
  assert.equal(answers.filter((s) => s === 401).length, 20, answers.join());
  const blocked = await signIn(u.email, PASSWORD, attacker);
  assertProblem(assert, blocked, 429);
  assert.ok(Number(blocked.headers.get('retry-after')) > 0);
});

test('the idle limit is exact: requests every 2 s keep a 3 s session, 4 s idle ends it', async () => {
  const u = await newUser('viewer');
  const s = await session(u.email, PASSWORD);
  const c = client(srv.base, { cookie: s.cookie });
  for (let i = 0; i < 4; i++) {
    await sleep(2000);
    assert.equal((await c.get('/api/v1/me')).status, 200, `request ${i + 1} after 2 s idle`);
  }
  await sleep((IDLE_S + 1) * 1000);
  assertProblem(assert, await c.get('/api/v1/me'), 401);
});

test('a solved proof-of-work challenge is accepted once', async () => {
  const pow = await solve(srv.base);
  const first = await request(srv.base, 'POST', '/api/v1/public/tips', { body: { ...tip, ...pow } });
  assert.equal(first.status, 201, first.text);
  assertProblem(assert, await request(srv.base, 'POST', '/api/v1/public/tips', { body: { ...tip, ...pow } }), 400, 'challenge');
});
