// Notifications: subscriptions and the e-mail they cause, through a real
// SMTP server on loopback (tests/smtp_sink.py); the inbox; invitations and
// password resets by e-mail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cli, cliUser, login, request, sql, assertProblem } from './lib.mjs';
import { startSink, mailEnv } from './smtp.mjs';

let srv, sink, root, env;
const orgs = {};
const u = {};

async function addUser(email, org, role, password) {
  const body = { email, name: email, org_id: org, role };
  if (password) body.password = password;
  const r = await root.post('/api/v1/users', { body });
  assert.equal(r.status, 201, r.text);
  const token = cli(['token', 'create', '--email', email, '--db', srv.db.url]).stdout.trim();
  return Object.assign(client(srv.base, { token }), { id: r.body.id, email });
}

const alert = (over = {}) => ({
  title: 'Nitazene tablets sold as oxycodone', summary: 'Blue tablets marked M30',
  category: 'new_substance', tlp: 'green', status: 'published', distribution: 'network', ...over,
});

const forUser = (email) => (all) => all.filter((m) => m.to.includes(email));

before(async () => {
  sink = await startSink();
  env = mailEnv(sink);
  srv = await startServer({ env });
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const mk = async (name, kind, country) => (await root.post('/api/v1/organisations', { body: { name, kind, country } })).body.id;
  orgs.vienna = await mk('Vienna Police', 'police', 'AT');
  orgs.prague = await mk('Prague Police', 'police', 'CZ');
  u.author = await addUser('author@prague.example', orgs.prague, 'analyst', 'a long passphrase 1');
  u.analyst = await addUser('analyst@vienna.example', orgs.vienna, 'analyst', 'a long passphrase 2');
});
after(async () => { await srv?.stop(); await sink?.stop(); });

test('an invitation goes to a user made without a password and ends in a working sign-in', async () => {
  const r = await root.post('/api/v1/users', { body: { email: 'New.Officer@vienna.example', name: 'New', org_id: orgs.vienna, role: 'officer' } });
  assert.equal(r.status, 201, r.text);
  const [m] = await sink.until((all) => forUser('new.officer@vienna.example')(all).length === 1);
  assert.match(m.subject, /invited/i);
  const token = m.text.match(/https:\/\/trellis\.example\.org\/password#token=([A-Za-z0-9_-]+)/)?.[1];
  assert.ok(token, m.text);
  assert.match(m.html, /<a href="https:\/\/trellis\.example\.org\/password#token=/);
  assert.match(m.message_id, /^<[0-9a-f-]{36}@example\.org>$/);
  // the token is stored only as its hash
  const stored = sql(srv, "SELECT token_hash FROM password_tokens WHERE kind = 'invitation'");
  assert.ok(!stored.includes(token));
  // no password yet: no sign-in
  assert.equal((await login(srv.base, 'new.officer@vienna.example', 'chosen passphrase 1')).status, 401);
  let res = await request(srv.base, 'POST', '/api/v1/auth/password', { body: { token, password: 'chosen passphrase 1' } });
  assert.equal(res.status, 204, res.text);
  assert.equal((await login(srv.base, 'new.officer@vienna.example', 'chosen passphrase 1')).status, 200);
  // single use
  res = await request(srv.base, 'POST', '/api/v1/auth/password', { body: { token, password: 'another passphrase 2' } });
  assertProblem(assert, res, 400, 'token');
  assert.equal((await login(srv.base, 'new.officer@vienna.example', 'another passphrase 2')).status, 401);
  const audit = sql(srv, "SELECT action FROM audit_log WHERE resource_id = '" + r.body.id + "' ORDER BY seq");
  assert.match(audit, /invite/);
  assert.match(audit, /password_set/);
});

test('forgot password: a reset link for a known address, the same answer for an unknown one', async () => {
  const before = sink.messages().length;
  const known = await request(srv.base, 'POST', '/api/v1/auth/forgot', { body: { email: 'ANALYST@vienna.example' } });
  const unknown = await request(srv.base, 'POST', '/api/v1/auth/forgot', { body: { email: 'nobody@vienna.example' } });
  assert.equal(known.status, 202);
  assert.equal(unknown.status, 202);
  assert.equal(known.text, unknown.text);
  const mine = await sink.until((all) => forUser('analyst@vienna.example')(all).some((m) => /password/i.test(m.subject)));
  const m = mine.filter((x) => /password/i.test(x.subject)).at(-1);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(sink.messages().length, before + 1, 'one message only: none for the unknown address');
  const token = m.text.match(/password#token=([A-Za-z0-9_-]+)/)[1];
  const res = await request(srv.base, 'POST', '/api/v1/auth/password', { body: { token, password: 'a new passphrase 22' } });
  assert.equal(res.status, 204, res.text);
  assert.equal((await login(srv.base, 'analyst@vienna.example', 'a long passphrase 2')).status, 401);
  assert.equal((await login(srv.base, 'analyst@vienna.example', 'a new passphrase 22')).status, 200);
  assertProblem(assert, await request(srv.base, 'POST', '/api/v1/auth/password', { body: { token: 'x'.repeat(43), password: 'a new passphrase 33' } }), 400, 'token');
  assertProblem(assert, await request(srv.base, 'POST', '/api/v1/auth/password', { body: { token, password: 'short' } }), 400, 'password');
  assertProblem(assert, await request(srv.base, 'POST', '/api/v1/auth/forgot', { body: { email: 'not an address' } }), 400, 'email');
  // the analyst's API token was revoked with the reset: a new one for the next tests
  u.analyst = Object.assign(client(srv.base, { token: cli(['token', 'create', '--email', 'analyst@vienna.example', '--db', srv.db.url]).stdout.trim() }), { id: u.analyst.id, email: u.analyst.email });
});

test('a subscribed analyst gets the e-mail for a visible alert and none for an invisible one', async () => {
  const s = await u.analyst.post('/api/v1/subscriptions', { body: { record_type: 'alert', categories: ['new_substance'], delivery: 'email' } });
  assert.equal(s.status, 201, s.text);
  assert.match(s.body.unsubscribe_url, /\/subscriptions\?unsubscribe=/);
  const hidden = await u.author.post('/api/v1/alerts', { body: alert({ title: 'Prague only: stash', distribution: 'organisation' }) });
  assert.equal(hidden.status, 201, hidden.text);
  const other = await u.author.post('/api/v1/alerts', { body: alert({ title: 'Another category', category: 'overdose_cluster' }) });
  assert.equal(other.status, 201, other.text);
  const seen = await u.author.post('/api/v1/alerts', { body: alert({ title: 'Visible nitazene alert' }) });
  assert.equal(seen.status, 201, seen.text);
  const mine = await sink.until((all) => forUser('analyst@vienna.example')(all).some((m) => m.text.includes('Visible nitazene alert')));
  const m = mine.find((x) => x.text.includes('Visible nitazene alert'));
  assert.match(m.subject, /Visible nitazene alert/);
  assert.ok(m.text.includes(`https://trellis.example.org/alerts/${seen.body.id}`));
  assert.ok(m.text.includes(`/subscriptions?unsubscribe=${s.body.id}`));
  assert.match(m.data, /List-Unsubscribe: <https:\/\/trellis\.example\.org\/subscriptions\?unsubscribe=/);
  await new Promise((r) => setTimeout(r, 400));
  const all = JSON.stringify(sink.messages());
  assert.ok(!all.includes('Prague only'), 'nothing of the invisible alert left');
  assert.ok(!all.includes('Another category'));
  // the inbox holds the visible alert, unread, and /me counts it
  const inbox = await u.analyst.get('/api/v1/inbox');
  assert.equal(inbox.status, 200, inbox.text);
  assert.deepEqual(inbox.body.items.map((i) => i.ref_id), [seen.body.id]);
  assert.equal(inbox.body.items[0].read, false);
  assert.equal(inbox.body.items[0].link, `/alerts/${seen.body.id}`);
  assert.equal((await u.analyst.get('/api/v1/me')).body.unread, 1);
});

test('red and amber+strict alerts arrive without their content', async () => {
  for (const tlp of ['red', 'amber+strict']) {
    const a = await u.author.post('/api/v1/alerts', { body: alert({ title: `Secret ${tlp} title`, summary: `secret ${tlp} summary`, tlp, distribution: 'network' }) });
    assert.equal(a.status, 201, a.text);
    const mine = await sink.until((all) => forUser('analyst@vienna.example')(all).some((m) => m.text.includes(a.body.id)));
    const m = mine.find((x) => x.text.includes(a.body.id));
    assert.ok(!m.data.includes('Secret') && !m.text.includes('Secret') && !m.text.includes('secret') && !m.html.includes('ecret'), m.text);
    assert.match(m.subject, /something new/i);
  }
});

test('the inbox: unread first, filters, mark one and all read; someone else\'s item is 404', async () => {
  let r = await u.analyst.get('/api/v1/inbox?unread=true&kind=alert');
  assert.equal(r.status, 200);
  assert.ok(r.body.items.length >= 3);
  const first = r.body.items[0].id;
  assert.equal((await u.author.post(`/api/v1/inbox/${first}/read`)).status, 404);
  assert.equal((await u.analyst.post(`/api/v1/inbox/${first}/read`)).status, 204);
  r = await u.analyst.get('/api/v1/inbox');
  assert.equal(r.body.items.at(-1).id, first, 'read items come after the unread');
  assert.equal(r.body.unread, r.body.items.length - 1);
  r = await u.analyst.get('/api/v1/inbox?limit=1');
  assert.equal(r.body.items.length, 1);
  const next = await u.analyst.get(`/api/v1/inbox?limit=1&cursor=${encodeURIComponent(r.body.next_cursor)}`);
  assert.equal(next.status, 200, next.text);
  assert.notEqual(next.body.items[0].id, r.body.items[0].id);
  assertProblem(assert, await u.analyst.get('/api/v1/inbox?kind=nonsense'), 400, 'kind');
  assertProblem(assert, await u.analyst.get('/api/v1/inbox?unread=maybe'), 400, 'unread');
  r = await u.analyst.post('/api/v1/inbox/read-all');
  assert.equal(r.status, 200);
  assert.equal((await u.analyst.get('/api/v1/me')).body.unread, 0);
});

test('subscriptions: validated, listed, ended by their owner only', async () => {
  assertProblem(assert, await u.analyst.post('/api/v1/subscriptions', { body: { record_type: 'alert', delivery: 'pigeon' } }), 400, 'delivery');
  assertProblem(assert, await u.analyst.post('/api/v1/subscriptions', { body: { record_type: 'alert', delivery: 'inbox', categories: ['nope'] } }), 400, 'categories');
  assertProblem(assert, await u.analyst.post('/api/v1/subscriptions', { body: { record_type: 'alert', delivery: 'inbox', countries: ['at'] } }), 400, 'countries');
  assertProblem(assert, await u.analyst.post('/api/v1/subscriptions', { body: { record_type: 'alert', delivery: 'inbox', area: { lat: 99, lon: 0, radius_m: 10 } } }), 400, 'area');
  const s = await u.analyst.post('/api/v1/subscriptions', { body: { record_type: 'alert', delivery: 'inbox', countries: ['AT'], area: { lat: 48.2, lon: 16.37, radius_m: 5000 }, tlp_max: 'amber' } });
  assert.equal(s.status, 201, s.text);
  assert.deepEqual(s.body.countries, ['AT']);
  assert.deepEqual(s.body.area, { lat: 48.2, lon: 16.37, radius_m: 5000 });
  const list = await u.analyst.get('/api/v1/subscriptions');
  assert.ok(list.body.items.some((x) => x.id === s.body.id));
  assert.equal((await u.author.get(`/api/v1/subscriptions/${s.body.id}`)).status, 404);
  assert.equal((await u.author.del(`/api/v1/subscriptions/${s.body.id}`)).status, 404);
  assert.equal((await u.analyst.del(`/api/v1/subscriptions/${s.body.id}`)).status, 204);
  assert.equal((await u.analyst.get(`/api/v1/subscriptions/${s.body.id}`)).status, 404);
});

test('a digest groups a day in one message, in the recipient\'s language', async () => {
  const reader = await addUser('digest@vienna.example', orgs.vienna, 'viewer', 'a long passphrase 4');
  sql(srv, `UPDATE users SET language = 'fr' WHERE id = '${reader.id}'`);
  const s = await reader.post('/api/v1/subscriptions', { body: { record_type: 'alert', categories: ['online_sales'], delivery: 'digest' } });
  assert.equal(s.status, 201, s.text);
  const ids = [];
  for (const title of ['Digest one', 'Digest two', 'Digest three']) {
    const a = await u.author.post('/api/v1/alerts', { body: alert({ title, category: 'online_sales' }) });
    ids.push(a.body.id);
  }
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(forUser('digest@vienna.example')(sink.messages()).filter((m) => !/invit/i.test(m.subject)).length, 0, 'nothing before the digest');
  const at = new Date(Date.now() + 60000).toISOString();
  const run = cli(['notify', 'digest', '--at', at, '--db', srv.db.url], { env: { ...process.env, ...env } });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), { queued: 1 });
  const mine = await sink.until((all) => forUser('digest@vienna.example')(all).some((m) => /résumé/i.test(m.subject)));
  const digests = mine.filter((m) => /résumé/i.test(m.subject));
  assert.equal(digests.length, 1);
  for (const id of ids) assert.ok(digests[0].text.includes(`/alerts/${id}`), digests[0].text);
  assert.match(digests[0].text, /Digest one[\s\S]*Digest two[\s\S]*Digest three/);
  // a second run has nothing left to send
  const again = cli(['notify', 'digest', '--at', at, '--db', srv.db.url], { env: { ...process.env, ...env } });
  assert.deepEqual(JSON.parse(again.stdout), { queued: 0 });
});
