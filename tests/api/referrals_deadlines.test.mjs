// Deadlines per service (issue 18): a service carries its own time to
// acknowledge and to make first contact, validated, shown in the
// directory beside the defaults of its type (72 hours, 7 days; a diversion
// panel 36 hours), fixed on a referral when it is sent (urgent and
// emergency keep their shorter ones), and the deadline job escalates by
// them with the clock moved.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cli, cliUser, assertProblem } from './lib.mjs';

const KEY = 'c4'.repeat(32);
const env = { TRELLIS_SECRET_KEY: KEY, TRELLIS_REFERRAL_JOB_INTERVAL_S: '0' };
const cliEnv = { env: { ...process.env, ...env } };
let srv, root;
const orgs = {}, u = {}, svc = {};
const hdr = (v) => ({ 'If-Match': `"${v}"` });
const HOUR = 3600e3, DAY = 86400e3;

before(async () => {
  srv = await startServer({ env });
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const mk = async (name, kind, country) => (await root.post('/api/v1/organisations', { body: { name, kind, country } })).body.id;
  orgs.police = await mk('Braga Police', 'police', 'PT');
  orgs.clinic = await mk('Braga Youth Clinic', 'treatment_provider', 'PT');
  orgs.panel = await mk('Braga Dissuasion Commission', 'diversion_panel', 'PT');
  const add = async (key, org, role) => {
    const email = `${key}@example.org`;
    const r = await root.post('/api/v1/users', { body: { email, name: key, org_id: orgs[org], role } });
    assert.equal(r.status, 201, r.text);
    u[key] = client(srv.base, { token: cli(['token', 'create', '--email', email, '--db', srv.db.url]).stdout.trim() });
  };
  await add('officer', 'police', 'officer');
  await add('clinic', 'clinic', 'org_admin');
  await add('panel', 'panel', 'org_admin');
});
after(async () => { await srv?.stop(); });

test('a service declares its deadlines, validated; the directory shows those in force', async () => {
  let r = await u.clinic.post('/api/v1/services', { body: { name: 'Fast-track outpatient', type: 'treatment', ack_hours: 24, first_contact_days: 3 } });
  assert.equal(r.status, 201, r.text);
  svc.fast = r.body;
  assert.deepEqual([r.body.ack_hours, r.body.first_contact_days], [24, 3]);
  assert.deepEqual(r.body.deadlines, { ack_hours: 24, first_contact_days: 3, set_by: 'service' });
  r = await u.clinic.post('/api/v1/services', { body: { name: 'Family counselling', type: 'family_support' } });
  svc.plain = r.body;
  assert.equal(r.body.ack_hours, null);
  assert.deepEqual(r.body.deadlines, { ack_hours: 72, first_contact_days: 7, set_by: 'type' });
  r = await u.panel.post('/api/v1/services', { body: { name: 'Commission hearing', type: 'other' } });
  svc.panel = r.body;
  assert.deepEqual(r.body.deadlines, { ack_hours: 36, first_contact_days: 7, set_by: 'type' }, 'a diversion panel receives within 36 hours');

  // validated: ranges, first contact after acknowledgement, a panel within its 36 hours
  for (const [body, field] of [
    [{ ack_hours: 0 }, 'ack_hours'], [{ ack_hours: 721 }, 'ack_hours'], [{ ack_hours: 'soon' }, 'ack_hours'], [{ ack_hours: 1.5 }, 'ack_hours'],
    [{ first_contact_days: 0 }, 'first_contact_days'], [{ first_contact_days: 91 }, 'first_contact_days'],
    [{ ack_hours: 48, first_contact_days: 1 }, 'first_contact_days'], [{ ack_hours: 200 }, 'first_contact_days'],
    [{ type: 'diversion_panel', ack_hours: 48 }, 'ack_hours'],
  ]) {
    assertProblem(assert, await u.clinic.post('/api/v1/services', { body: { name: 'Bad deadlines', type: 'treatment', ...body } }), 400, field);
  }
  assertProblem(assert, await u.panel.post('/api/v1/services', { body: { name: 'Slow hearing', type: 'other', ack_hours: 48 } }), 400, 'ack_hours');
  assertProblem(assert, await u.panel.patch(`/api/v1/services/${svc.panel.id}`, { body: { ack_hours: 40 }, headers: hdr(1) }), 400, 'ack_hours');
  r = await u.panel.patch(`/api/v1/services/${svc.panel.id}`, { body: { ack_hours: 24 }, headers: hdr(1) });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.deadlines, { ack_hours: 24, first_contact_days: 7, set_by: 'service' });
  // the message in the caller's language
  r = await u.panel.patch(`/api/v1/services/${svc.panel.id}`, { body: { ack_hours: 40 }, headers: { ...hdr(2), 'Accept-Language': 'fr' } });
  assertProblem(assert, r, 400, 'ack_hours');
  assert.match(r.body.errors[0].message, /36 heures/);
  // in the directory as in the record
  const list = await u.officer.get('/api/v1/services?country=PT');
  const fast = list.body.items.find((s) => s.id === svc.fast.id);
  assert.deepEqual(fast.deadlines, { ack_hours: 24, first_contact_days: 3, set_by: 'service' });
  // null gives the type's back
  const tmp = (await u.clinic.post('/api/v1/services', { body: { name: 'Short-lived', type: 'treatment', ack_hours: 12 } })).body;
  r = await u.clinic.patch(`/api/v1/services/${tmp.id}`, { body: { ack_hours: null }, headers: hdr(tmp.version) });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.deadlines, { ack_hours: 72, first_contact_days: 7, set_by: 'type' });
  assert.equal((await u.clinic.patch(`/api/v1/services/${tmp.id}`, { body: { active: false }, headers: hdr(r.body.version) })).status, 200);
});

async function sent(service, urgency = 'routine') {
  const d = await u.officer.post('/api/v1/referrals', { body: { service_id: service.id, pathway: 'voluntary', gender: 'male', urgency,
    person: { given_name: 'Test', family_name: 'Person', birth_date: '2000-01-01' } } });
  assert.equal(d.status, 201, d.text);
  const c = await u.officer.post(`/api/v1/referrals/${d.body.id}/consents`, { body: { subject: 'person', scopes: ['service', 'sharing'], decision: 'given' } });
  assert.equal(c.status, 201, c.text);
  const v = (await u.officer.get(`/api/v1/referrals/${d.body.id}`)).body.version;
  const r = await u.officer.patch(`/api/v1/referrals/${d.body.id}`, { body: { status: 'sent' }, headers: hdr(v) });
  assert.equal(r.status, 200, r.text);
  return r.body;
}
const due = (r) => [(Date.parse(r.ack_due_at) - Date.parse(r.sent_at)) / HOUR, (Date.parse(r.contact_due_at) - Date.parse(r.sent_at)) / DAY];

test('the workflow takes the service\'s deadlines when a referral is sent; urgency shortens them; the job escalates by them with the clock moved', async () => {
  const fast = await sent(svc.fast);
  assert.deepEqual(due(fast), [24, 3]);
  const plain = await sent(svc.plain);
  assert.deepEqual(due(plain), [72, 7]);
  const panel = await sent(svc.panel);
  assert.deepEqual(due(panel), [24, 7]);
  const urgent = await sent(svc.plain, 'urgent');
  assert.deepEqual(due(urgent), [24, 3]);
  const emergency = await sent(svc.fast, 'emergency');
  assert.deepEqual(due(emergency), [4, 1]);

  // a later change of the service does not move a referral already sent
  const cur = (await u.clinic.get(`/api/v1/services/${svc.fast.id}`)).body;
  assert.equal((await u.clinic.patch(`/api/v1/services/${svc.fast.id}`, { body: { ack_hours: 48 }, headers: hdr(cur.version) })).status, 200);
  assert.deepEqual(due((await u.officer.get(`/api/v1/referrals/${fast.id}`)).body), [24, 3]);

  // 25 hours on: the fast-track, the panel and the urgent one are overdue (and the emergency), the plain one is not
  const at = (h) => new Date(Date.parse(plain.sent_at) + h * HOUR).toISOString();
  let j = cli(['referrals', 'deadlines', '--at', at(25), '--db', srv.db.url], cliEnv);
  assert.equal(j.status, 0, j.stderr);
  assert.deepEqual(JSON.parse(j.stdout), { escalated: 4, expired: 0 });
  // 73 hours on: the plain one too, once
  j = cli(['referrals', 'deadlines', '--at', at(73), '--db', srv.db.url], cliEnv);
  assert.deepEqual(JSON.parse(j.stdout), { escalated: 1, expired: 0 });
  const audit = await root.get('/api/v1/audit?resource_type=referral&limit=500');
  assert.equal(audit.status, 200, audit.text);
  assert.ok(audit.body.items.some((e) => e.action === 'escalate' && e.resource_id === plain.id));
});
