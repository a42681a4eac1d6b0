// The inbox raised by tips: a tip routed to my organisation, a message from
// its sender, a tip assigned to me; the deadline scheduler (due within 24
// hours, overdue with escalation to the org_admins), each raised once.
// Inbox items carry no content of the tip, only its link.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cli, cliUser, request, sql, solve } from './lib.mjs';

let srv, root, org, officer, admin, tipId, receipt;

const inbox = async (c, q = '') => (await c.get(`/api/v1/inbox${q}`)).body.items;

before(async () => {
  srv = await startServer({ env: { TRELLIS_TIP_POW_BITS: '0', TRELLIS_TIP_RATE: '0' } });
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  org = (await root.post('/api/v1/organisations', { body: { name: 'Vienna Police', kind: 'police', country: 'AT' } })).body.id;
  const add = async (email, role) => {
    const r = await root.post('/api/v1/users', { body: { email, name: email, org_id: org, role } });
    assert.equal(r.status, 201, r.text);
    return Object.assign(client(srv.base, { token: cli(['token', 'create', '--email', email, '--db', srv.db.url]).stdout.trim() }), { id: r.body.id });
  };
  officer = await add('officer@vienna.example', 'officer');
  admin = await add('chief@vienna.example', 'org_admin');
});
after(async () => { await srv?.stop(); });

test('a tip routed to my organisation is in every member\'s inbox, without its content', async () => {
  const r = await request(srv.base, 'POST', '/api/v1/public/tips', { body: { category: 'dealing_near_school', description: 'A man sells pills at the school gate.', country: 'AT', lat: 48.2082, lon: 16.3738, ...(await solve(srv.base)) } });
  assert.equal(r.status, 201, r.text);
  receipt = r.body;
  tipId = (await officer.get('/api/v1/tips')).body.items[0].id;
  const items = await inbox(officer);
  assert.equal(items.length, 1);
  assert.equal(items[0].kind, 'tip_routed');
  assert.equal(items[0].link, `/tips/${tipId}`);
  assert.ok(!JSON.stringify(items).includes('school gate'));
  assert.equal((await inbox(admin)).length, 1);
  assert.equal((await officer.get('/api/v1/me')).body.unread, 1);
});

test('a tip assigned to me and a message from its sender reach my inbox', async () => {
  let t = await admin.get(`/api/v1/tips/${tipId}`);
  let p = await admin.patch(`/api/v1/tips/${tipId}`, { body: { status: 'triaged' }, headers: { 'If-Match': t.headers.get('etag') } });
  assert.equal(p.status, 200, p.text);
  p = await admin.patch(`/api/v1/tips/${tipId}`, { body: { status: 'assigned', assigned_user_id: officer.id }, headers: { 'If-Match': p.headers.get('etag') } });
  assert.equal(p.status, 200, p.text);
  assert.ok((await inbox(officer, '?kind=tip_assigned')).some((i) => i.ref_id === tipId));
  const m = await request(srv.base, 'POST', `/api/v1/public/tips/${receipt.code}/messages`, { body: { body: 'He is there again today.' }, headers: { 'X-Receipt-Secret': receipt.secret } });
  assert.ok(m.status === 201 || m.status === 204, m.text);
  const mine = await inbox(officer, '?kind=tip_message');
  assert.equal(mine.length, 1);
  assert.equal((await inbox(admin, '?kind=tip_message')).length, 0, 'the assignee, not the whole organisation');
});

test('deadlines: due within 24 hours, then overdue and escalated to the org_admins, once each', async () => {
  // a tip not yet acknowledged, due in an hour
  sql(srv, `UPDATE tips SET acknowledged_at = NULL, ack_due_at = ${Date.now() + 3600 * 1000} WHERE id = '${tipId}'`);
  let run = cli(['notify', 'deadlines', '--db', srv.db.url]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal((await inbox(officer, '?kind=tip_deadline')).length, 1);
  cli(['notify', 'deadlines', '--db', srv.db.url]);
  assert.equal((await inbox(officer, '?kind=tip_deadline')).length, 1, 'raised once');
  run = cli(['notify', 'deadlines', '--at', new Date(Date.now() + 2 * 3600 * 1000).toISOString(), '--db', srv.db.url]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal((await inbox(officer, '?kind=tip_overdue')).length, 1);
  assert.equal((await inbox(admin, '?kind=tip_escalated')).length, 1);
  assert.equal((await inbox(officer, '?kind=tip_escalated')).length, 0);
});

test('deadlines: a tip is reached however many older ones wait unacknowledged', async () => {
  const r = await request(srv.base, 'POST', '/api/v1/public/tips', { body: { category: 'dealing_near_school', description: 'Pills again at the gate.', country: 'AT', lat: 48.21, lon: 16.37, ...(await solve(srv.base)) } });
  assert.equal(r.status, 201, r.text);
  const fresh = (await officer.get('/api/v1/tips')).body.items.find((t) => t.id !== tipId).id;
  sql(srv, `UPDATE tips SET ack_due_at = ${Date.now() + 3600 * 1000} WHERE id = '${fresh}'`);
  // 5,001 tips of an organisation without users, overdue for a day: more
  // than one reading of the scheduler took at once
  const quiet = (await root.post('/api/v1/organisations', { body: { name: 'Quiet Police', kind: 'police', country: 'AT' } })).body.id;
  sql(srv, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5001)
    INSERT INTO tips (id, code, secret_hash, org_id, country, category, description, ack_due_at, created_at, updated_at)
    SELECT 'old-' || i, 'OLD' || i, t.secret_hash, '${quiet}', t.country, t.category, t.description,
      ${Date.now() - 86400000}, t.created_at, t.updated_at FROM n, tips t WHERE t.id = '${fresh}'`);
  const run = cli(['notify', 'deadlines', '--db', srv.db.url]);
  assert.equal(run.status, 0, run.stderr);
  const due = (await inbox(officer, '?kind=tip_deadline')).filter((i) => i.link === `/tips/${fresh}`);
  assert.equal(due.length, 1, 'the newest deadline is raised too');
});
