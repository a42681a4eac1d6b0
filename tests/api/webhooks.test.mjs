// Webhooks: registration by an org_admin (the secret answered once), SSRF
// targets refused, signed deliveries to a receiver on loopback (allowed
// through TRELLIS_WEBHOOK_ALLOW) of the alerts the organisation may see,
// retries then disabling when the receiver fails, and the attempt log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import crypto from 'node:crypto';
import { startServer, client, cli, cliUser, sql, assertProblem, request, solve } from './lib.mjs';

let srv, root, good, bad;
const orgs = {};
const u = {};

function receiver(status) {
  const got = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      got.push({ headers: req.headers, body, path: req.url });
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    got, port: server.address().port, stop: () => new Promise((r) => server.close(r)),
  })));
}

async function until(fn, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function verify(secret, header, body) {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header || '');
  if (!m) return false;
  const mac = crypto.createHmac('sha256', secret).update(`${m[1]}.${body}`).digest('hex');
  return crypto.timingSafeEqual(Buffer.from(mac), Buffer.from(m[2]));
}

async function addUser(email, org, role) {
  const r = await root.post('/api/v1/users', { body: { email, name: email, org_id: org, role, password: 'a long passphrase 1' } });
  assert.equal(r.status, 201, r.text);
  const token = cli(['token', 'create', '--email', email, '--db', srv.db.url]).stdout.trim();
  return Object.assign(client(srv.base, { token }), { id: r.body.id, email });
}

const alert = (over = {}) => ({
  title: 'Nitazene tablets sold as oxycodone', summary: 'Blue tablets marked M30',
  category: 'new_substance', tlp: 'green', status: 'published', distribution: 'network', ...over,
});

before(async () => {
  good = await receiver(204);
  bad = await receiver(500);
  srv = await startServer({
    env: {
      TRELLIS_WEBHOOK_ALLOW: `127.0.0.1:${good.port}, 127.0.0.1:${bad.port}`,
      TRELLIS_NOTIFY_POLL_MS: '50',
      TRELLIS_WEBHOOK_RETRY_MS: '20',
      TRELLIS_SECRET_KEY: 'c3'.repeat(32),
      TRELLIS_TIP_POW_BITS: '0',
      TRELLIS_TIP_RATE: '0',
    },
  });
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const mk = async (name, kind, country) => (await root.post('/api/v1/organisations', { body: { name, kind, country } })).body.id;
  orgs.vienna = await mk('Vienna Police', 'police', 'AT');
  orgs.prague = await mk('Prague Police', 'police', 'CZ');
  orgs.oslo = await mk('Oslo Police', 'police', 'NO');
  u.admin = await addUser('admin@vienna.example', orgs.vienna, 'org_admin');
  u.analyst = await addUser('analyst@vienna.example', orgs.vienna, 'analyst');
  u.author = await addUser('author@prague.example', orgs.prague, 'analyst');
  u.oslo = await addUser('admin@oslo.example', orgs.oslo, 'org_admin');
});
after(async () => { await srv?.stop(); await good?.stop(); await bad?.stop(); });

let hook, secret;

test('an org_admin registers a webhook; the secret is answered once', async () => {
  const r = await u.admin.post('/api/v1/webhooks', { body: { url: `http://127.0.0.1:${good.port}/hook`, event_types: ['alert.published', 'alert.updated'] } });
  assert.equal(r.status, 201, r.text);
  assert.match(r.body.secret, /^whsec_[0-9a-f]{64}$/);
  assert.equal(r.body.active, true);
  hook = r.body.id;
  secret = r.body.secret;
  const one = await u.admin.get(`/api/v1/webhooks/${hook}`);
  assert.equal(one.status, 200);
  assert.equal(one.body.secret, undefined);
  assert.ok(!one.text.includes(secret));
  const list = await u.admin.get('/api/v1/webhooks');
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.items.map((w) => w.id), [hook]);
  assert.ok(!list.text.includes(secret));
  // sealed with the data key at rest
  const stored = sql(srv, `SELECT secret_enc FROM webhooks WHERE id = '${hook}'`);
  assert.ok(stored.trim().length > 0 && !stored.includes(secret.slice(6)));
  assert.equal((await u.analyst.post('/api/v1/webhooks', { body: { url: `http://127.0.0.1:${good.port}/x`, event_types: ['tip.new'] } })).status, 403);
  assert.equal((await u.oslo.get(`/api/v1/webhooks/${hook}`)).status, 404);
  assertProblem(assert, await u.admin.post('/api/v1/webhooks', { body: { url: `http://127.0.0.1:${good.port}/x`, event_types: ['alert.deleted'] } }), 400, 'event_types');
});

test('loopback, private and link-local targets are refused', async () => {
  for (const url of ['http://127.0.0.1:9/hook', 'http://10.0.0.1/hook', 'http://169.254.169.254/latest/meta-data',
    `http://[::1]:${good.port}/hook`, 'http://192.168.1.10/', 'http://[fd00::1]/', 'http://localhost:9/',
    'ftp://example.org/hook', 'not a url', 'http://user:pw@example.org/', 'http://[::ffff:127.0.0.1]/',
    'http://0.0.0.0/', 'http://2130706433/', 'http://[fe80::1]/', 'http://172.16.0.1/', 'http://100.64.0.1/']) {
    const r = await u.admin.post('/api/v1/webhooks', { body: { url, event_types: ['alert.published'] } });
    assertProblem(assert, r, 400, 'url');
  }
  const r = await u.admin.patch(`/api/v1/webhooks/${hook}`, { body: { url: 'http://10.1.2.3/' }, headers: { 'if-match': '"1"' } });
  assert.equal(r.status, 400, r.text);
});

test('a visible alert is delivered, signed; an invisible one is not', async () => {
  const hidden = await u.author.post('/api/v1/alerts', { body: alert({ title: 'Prague only', distribution: 'organisation' }) });
  assert.equal(hidden.status, 201, hidden.text);
  const seen = await u.author.post('/api/v1/alerts', { body: alert() });
  assert.equal(seen.status, 201, seen.text);
  const d = await until(() => good.got.find((x) => x.body.includes(seen.body.id)));
  const body = JSON.parse(d.body);
  assert.equal(body.event, 'alert.published');
  assert.equal(body.ref_id, seen.body.id);
  assert.equal(body.data.title, 'Nitazene tablets sold as oxycodone');
  assert.equal(d.headers['content-type'], 'application/json');
  assert.ok(verify(secret, d.headers['x-trellis-signature'], d.body), 'the signature verifies with the secret');
  assert.ok(!verify('whsec_' + '0'.repeat(64), d.headers['x-trellis-signature'], d.body), 'and fails with another');
  assert.ok(!verify(secret, d.headers['x-trellis-signature'], d.body + ' '), 'and with another body');
  const t = Number(/t=(\d+)/.exec(d.headers['x-trellis-signature'])[1]);
  assert.ok(Math.abs(t - Date.now() / 1000) < 60);
  await new Promise((r) => setTimeout(r, 400));
  assert.ok(!good.got.some((x) => x.body.includes(hidden.body.id)), 'the invisible alert is not delivered');
  assert.ok(!good.got.some((x) => x.body.includes('Prague only')));
  // red: only that there is something new, with the link
  const red = await u.author.post('/api/v1/alerts', { body: alert({ title: 'Red secret title', tlp: 'red' }) });
  assert.equal(red.status, 201, red.text);
  const rd = await until(() => good.got.find((x) => x.body.includes(red.body.id)));
  assert.ok(!rd.body.includes('Red secret title'));
  assert.deepEqual(JSON.parse(rd.body).data, { id: red.body.id, tlp: 'red' });
  assert.match(JSON.parse(rd.body).url, new RegExp(`/alerts/${red.body.id}$`));
  // an update of a published alert is an alert.updated event
  const cur = await u.author.get(`/api/v1/alerts/${seen.body.id}`);
  const up = await u.author.patch(`/api/v1/alerts/${seen.body.id}`, { body: { summary: 'Now also in Brno' }, headers: { 'if-match': cur.headers.get('etag') } });
  assert.equal(up.status, 200, up.text);
  await until(() => good.got.find((x) => x.headers['x-trellis-event'] === 'alert.updated' && x.body.includes(seen.body.id)));
  const log = await u.admin.get(`/api/v1/webhooks/${hook}/deliveries`);
  assert.equal(log.status, 200, log.text);
  assert.ok(log.body.items.some((a) => a.status === 204 && a.attempt === 1 && a.delivery_status === 'delivered' && a.event_type === 'alert.published'));
  assert.equal((await u.oslo.get(`/api/v1/webhooks/${hook}/deliveries`)).status, 404);
});

test('a target that became private is refused at delivery too', async () => {
  const r = await u.admin.post('/api/v1/webhooks', { body: { url: `http://127.0.0.1:${good.port}/moved`, event_types: ['alert.published'] } });
  assert.equal(r.status, 201, r.text);
  // as if its name now resolved to a private address
  sql(srv, `UPDATE webhooks SET url = 'http://10.0.0.1:${good.port}/moved' WHERE id = '${r.body.id}'`);
  const a = await u.author.post('/api/v1/alerts', { body: alert({ title: 'Moved target' }) });
  assert.equal(a.status, 201, a.text);
  const log = await until(async () => {
    const l = await u.admin.get(`/api/v1/webhooks/${r.body.id}/deliveries`);
    return l.body.items.length ? l : null;
  });
  assert.equal(log.body.items[0].status, null);
  assert.match(log.body.items[0].error, /not a public address/);
  assert.ok(!good.got.some((x) => x.path === '/moved'));
  assert.equal((await u.admin.del(`/api/v1/webhooks/${r.body.id}`)).status, 204);
});

test('a tip says only that something new arrived', async () => {
  const r = await u.admin.post('/api/v1/webhooks', { body: { url: `http://127.0.0.1:${good.port}/tips`, event_types: ['tip.new'] } });
  assert.equal(r.status, 201, r.text);
  const t = await request(srv.base, 'POST', '/api/v1/public/tips', { body: { category: 'dealing_near_school', description: 'A man sells pills at the school gate.', country: 'AT', lat: 48.2082, lon: 16.3738, ...(await solve(srv.base)) } });
  assert.equal(t.status, 201, t.text);
  const d = await until(() => good.got.find((x) => x.path === '/tips'));
  const body = JSON.parse(d.body);
  assert.equal(body.event, 'tip.new');
  assert.equal(body.data, null);
  assert.equal(body.ref_id, null);
  assert.ok(!d.body.includes('pills'));
  assert.ok(verify(r.body.secret, d.headers['x-trellis-signature'], d.body));
  assert.equal((await u.admin.del(`/api/v1/webhooks/${r.body.id}`)).status, 204);
});

test('a failing receiver gets retries, then the webhook is disabled and the owner told', async () => {
  const r = await u.admin.post('/api/v1/webhooks', { body: { url: `http://127.0.0.1:${bad.port}/fail`, event_types: ['alert.published'] } });
  assert.equal(r.status, 201, r.text);
  const id = r.body.id;
  const a = await u.author.post('/api/v1/alerts', { body: alert({ title: 'Retry me' }) });
  assert.equal(a.status, 201);
  await until(async () => (await u.admin.get(`/api/v1/webhooks/${id}`)).body.active === false, 20000);
  assert.equal(bad.got.filter((x) => x.body.includes(a.body.id)).length, 8);
  const log = await u.admin.get(`/api/v1/webhooks/${id}/deliveries?limit=100`);
  assert.equal(log.body.items.length, 8);
  assert.deepEqual(log.body.items.map((x) => x.attempt).sort((p, q) => p - q), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.ok(log.body.items.every((x) => x.status === 500 && x.delivery_status === 'failed' && x.at));
  // the attempts were spaced by a growing backoff
  const times = log.body.items.map((x) => Date.parse(x.at)).sort((p, q) => p - q);
  assert.ok(times[7] - times[6] > times[1] - times[0]);
  const inbox = await u.admin.get('/api/v1/inbox?kind=webhook_disabled');
  assert.equal(inbox.status, 200, inbox.text);
  assert.equal(inbox.body.items.length, 1);
  assert.equal(inbox.body.items[0].ref_id, id);
  assert.equal((await u.analyst.get('/api/v1/inbox?kind=webhook_disabled')).body.items.length, 0);
  // disabled: no more deliveries; turned on again by PATCH active
  const cur = await u.admin.get(`/api/v1/webhooks/${id}`);
  const on = await u.admin.patch(`/api/v1/webhooks/${id}`, { body: { active: true }, headers: { 'if-match': cur.headers.get('etag') } });
  assert.equal(on.status, 200, on.text);
  assert.equal(on.body.active, true);
  assert.equal(on.body.failures, 0);
  // removed with its log
  assert.equal((await u.admin.del(`/api/v1/webhooks/${id}`)).status, 204);
  assert.equal((await u.admin.get(`/api/v1/webhooks/${id}`)).status, 404);
  assert.equal(sql(srv, `SELECT count(*) FROM webhook_attempts WHERE webhook_id = '${id}'`).trim(), '0');
});
