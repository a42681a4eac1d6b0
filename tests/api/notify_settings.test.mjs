// A user's own notification settings (the language of their e-mail, the
// hour of their digest) through PATCH /api/v1/users/{id}, checked field by
// field; and the purge of the outbox and of old read inbox items
// (TRELLIS_OUTBOX_KEEP_DAYS, TRELLIS_INBOX_KEEP_DAYS) with the clock moved,
// by `trellis notify purge --at` and by the scheduler of `trellis serve`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, client, cli, cliUser, request, sql, assertProblem } from './lib.mjs';
import { startSink, mailEnv } from './smtp.mjs';

const DAY = 86400000;
let srv, sink, root, env, me, other;
const orgs = {};
const iso = (ms) => new Date(ms).toISOString();
const count = (text) => Number(sql(srv, text).trim());

async function addUser(email, org, role) {
  const r = await root.post('/api/v1/users', { body: { email, name: email, org_id: org, role, password: 'a long passphrase 9' } });
  assert.equal(r.status, 201, r.text);
  const token = cli(['token', 'create', '--email', email, '--db', srv.db.url]).stdout.trim();
  return Object.assign(client(srv.base, { token }), { id: r.body.id, email });
}

const patchMe = async (who, body, headers = {}) => {
  const g = await who.get(`/api/v1/users/${who.id}`);
  assert.equal(g.status, 200, g.text);
  return who.patch(`/api/v1/users/${who.id}`, { body, headers: { 'If-Match': g.headers.get('etag'), ...headers } });
};

before(async () => {
  sink = await startSink();
  env = mailEnv(sink);
  srv = await startServer({ env });
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const mk = async (name, kind, country) => (await root.post('/api/v1/organisations', { body: { name, kind, country } })).body.id;
  orgs.lyon = await mk('Lyon Police', 'police', 'FR');
  orgs.riga = await mk('Riga Police', 'police', 'LV');
  me = await addUser('agent@lyon.example', orgs.lyon, 'officer');
  other = await addUser('analyst@riga.example', orgs.riga, 'analyst');
});
after(async () => { await srv?.stop(); await sink?.stop(); });

test('a user sets the language of their e-mail and the hour of their digest', async () => {
  const start = (await me.get('/api/v1/me')).body;
  assert.equal(start.language, 'en');
  assert.equal(start.digest_hour, 7);
  const r = await patchMe(me, { language: 'fr', digest_hour: 5 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.language, 'fr');
  assert.equal(r.body.digest_hour, 5);
  const now = (await me.get('/api/v1/me')).body;
  assert.equal(now.language, 'fr');
  assert.equal(now.digest_hour, 5);
  // the audit names the fields changed
  assert.match(sql(srv, `SELECT detail FROM audit_log WHERE resource_id = '${me.id}' AND action = 'update'`), /digest_hour/);
  // the reset link now comes in French
  const forgot = await request(srv.base, 'POST', '/api/v1/auth/forgot', { body: { email: me.email } });
  assert.equal(forgot.status, 202);
  const all = await sink.until((m) => m.some((x) => x.to.includes(me.email)));
  const mail = all.find((x) => x.to.includes(me.email));
  assert.equal(mail.subject, 'Réinitialiser votre mot de passe Trellis');
  assert.match(mail.html, /<html lang="fr">/);
});

test('bad settings are refused with the field named, in the caller\'s language', async () => {
  assertProblem(assert, await patchMe(me, { language: 'de' }), 400, 'language');
  assertProblem(assert, await patchMe(me, { digest_hour: 24 }), 400, 'digest_hour');
  assertProblem(assert, await patchMe(me, { digest_hour: -1 }), 400, 'digest_hour');
  assertProblem(assert, await patchMe(me, { digest_hour: '6' }), 400, 'digest_hour');
  assertProblem(assert, await patchMe(me, { digest_hour: 6.5 }), 400, 'digest_hour');
  const fr = await patchMe(me, { language: 'es' }, { 'Accept-Language': 'fr' });
  assertProblem(assert, fr, 400, 'language');
  assert.notEqual(fr.body.errors[0].message, 'is not one of the allowed values');
  // nobody sets another organisation's user's settings; the values stayed
  const g = await root.get(`/api/v1/users/${me.id}`);
  assert.equal((await other.patch(`/api/v1/users/${me.id}`, { body: { language: 'ru' }, headers: { 'If-Match': g.headers.get('etag') } })).status, 404);
  const now = (await me.get('/api/v1/me')).body;
  assert.equal(now.language, 'fr');
  assert.equal(now.digest_hour, 5);
});

test('purge: mail sent or failed over 30 days ago and items read over 180 days ago go, the rest stays', async () => {
  await sink.until((m) => m.length >= 1);
  // wait until the outbox marks it sent
  for (let i = 0; i < 100 && count("SELECT COUNT(*) FROM mail_outbox WHERE status = 'sent'") === 0; i++) await new Promise((r) => setTimeout(r, 50));
  const now = Date.now();
  const queued = randomUUID(), failed = randomUUID();
  sql(srv, `INSERT INTO mail_outbox (id, user_id, rcpt, kind, status, next_at, created_at) VALUES ('${queued}', '${me.id}', '${me.email}', 'digest', 'queued', ${now + 365 * DAY}, ${now})`);
  sql(srv, `INSERT INTO mail_outbox (id, user_id, rcpt, kind, status, next_at, created_at, last_error) VALUES ('${failed}', '${me.id}', '${me.email}', 'reset', 'failed', ${now}, ${now}, 'gave up')`);
  const item = (id, readAt) => sql(srv, `INSERT INTO inbox_items (id, user_id, kind, created_at, read_at) VALUES ('${id}', '${me.id}', 'tip_routed', ${now}, ${readAt})`);
  const read = randomUUID(), unread = randomUUID();
  item(read, now);
  item(unread, 'NULL');
  const purge = (at, extra = {}) => {
    const r = cli(['notify', 'purge', '--db', srv.db.url, '--at', iso(at)], { env: { ...process.env, ...extra } });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  assert.deepEqual(purge(now + 29 * DAY), { mail: 0, inbox: 0 });
  const done = count("SELECT COUNT(*) FROM mail_outbox WHERE status <> 'queued'");
  assert.ok(done >= 2);
  assert.deepEqual(purge(now + 31 * DAY), { mail: done, inbox: 0 });
  assert.equal(count(`SELECT COUNT(*) FROM mail_outbox WHERE id = '${queued}'`), 1, 'queued mail is never purged');
  assert.equal(count('SELECT COUNT(*) FROM mail_outbox'), 1);
  assert.deepEqual(purge(now + 181 * DAY), { mail: 0, inbox: 1 });
  assert.equal(count(`SELECT COUNT(*) FROM inbox_items WHERE id = '${unread}'`), 1, 'unread items stay');
  assert.equal(count(`SELECT COUNT(*) FROM inbox_items WHERE id = '${read}'`), 0);
  // the periods are the operator's, checked once at start
  item(randomUUID(), now);
  assert.deepEqual(purge(now + 2 * DAY, { TRELLIS_INBOX_KEEP_DAYS: '1' }), { mail: 0, inbox: 1 });
  assert.deepEqual(purge(now + 900 * DAY, { TRELLIS_INBOX_KEEP_DAYS: '0' }), { mail: 0, inbox: 0 });
  for (const bad of [{ TRELLIS_OUTBOX_KEEP_DAYS: '0' }, { TRELLIS_OUTBOX_KEEP_DAYS: 'month' }, { TRELLIS_INBOX_KEEP_DAYS: '-3' }]) {
    const r = cli(['notify', 'purge', '--db', srv.db.url], { env: { ...process.env, ...bad } });
    assert.equal(r.status, 2, JSON.stringify(bad));
    assert.match(r.stderr, new RegExp(Object.keys(bad)[0]));
  }
});

test('the scheduler of serve purges at start, with the periods it was given', async () => {
  const old = randomUUID(), recent = randomUUID();
  const now = Date.now();
  sql(srv, `INSERT INTO mail_outbox (id, user_id, rcpt, kind, status, next_at, created_at, sent_at) VALUES ('${old}', '${me.id}', '${me.email}', 'reset', 'sent', ${now - 10 * DAY}, ${now - 10 * DAY}, ${now - 10 * DAY})`);
  sql(srv, `INSERT INTO mail_outbox (id, user_id, rcpt, kind, status, next_at, created_at, sent_at) VALUES ('${recent}', '${me.id}', '${me.email}', 'reset', 'sent', ${now - 2 * DAY}, ${now - 2 * DAY}, ${now - 2 * DAY})`);
  // a second server on the same database, keeping mail for 7 days
  const second = await startServer({ db: { ...srv.db, cleanup() {} }, seed: false, env: { ...env, TRELLIS_OUTBOX_KEEP_DAYS: '7' } });
  try {
    const said = () => second.logs.some((l) => /"msg":"notify purge","mail":1,/.test(l));
    for (let i = 0; i < 200 && !said(); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(count(`SELECT COUNT(*) FROM mail_outbox WHERE id = '${old}'`), 0, 'purged by the scheduler');
    assert.equal(count(`SELECT COUNT(*) FROM mail_outbox WHERE id = '${recent}'`), 1);
    assert.ok(said(), second.logs.join('\n'));
  } finally {
    await second.stop();
  }
});
