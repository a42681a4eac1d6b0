// Referrals end to end: the service directory and its search, a referral
// from a police officer to a treatment provider through consent, the
// workflow and its deadlines, the person's fields read with a reason and
// audited, what a third organisation, a viewer, an analyst and the
// instance administrator see (nothing personal), the consent gate and the
// org_admin's audited override, retention (personal fields gone from the
// database file, outcomes unchanged), and outcomes with small counts
// suppressed. No name, birth date or contact reaches the database file, its
// WAL or a log line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { startServer, client, cli, cliUser, assertProblem, sql, ENGINE } from './lib.mjs';

const KEY = 'c3'.repeat(32);
const env = { TRELLIS_SECRET_KEY: KEY, TRELLIS_REFERRAL_JOB_INTERVAL_S: '0' };
let srv, root;
const orgs = {}, u = {};
let service, panelService;
const NAMES = ['Zoltanka', 'Brzeczyszczykiewicz', '2011-04-17', 'zoltanka.b@example.net', 'Guardian Marzena'];

const hdr = (v) => ({ 'If-Match': `"${v}"` });
const person = (i = 0) => ({ given_name: NAMES[0] + (i || ''), family_name: NAMES[1], birth_date: NAMES[2], contact: NAMES[3], guardian: NAMES[4] });
const cliEnv = { env: { ...process.env, ...env } };

before(async () => {
  srv = await startServer({ env });
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const mk = async (name, kind, country) => {
    const r = await root.post('/api/v1/organisations', { body: { name, kind, country } });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  };
  orgs.police = await mk('Porto Police', 'police', 'PT');
  orgs.clinic = await mk('Porto Youth Clinic', 'treatment_provider', 'PT');
  orgs.panel = await mk('Porto Dissuasion Commission', 'diversion_panel', 'PT');
  orgs.other = await mk('Lisbon Police', 'police', 'PT');
  const add = async (key, org, role) => {
    const email = `${key}@example.org`;
    const r = await root.post('/api/v1/users', { body: { email, name: key, org_id: orgs[org], role } });
    assert.equal(r.status, 201, r.text);
    u[key] = client(srv.base, { token: cli(['token', 'create', '--email', email, '--db', srv.db.url]).stdout.trim() });
  };
  await add('officer', 'police', 'officer');
  await add('police_admin', 'police', 'org_admin');
  await add('police_viewer', 'police', 'viewer');
  await add('police_analyst', 'police', 'analyst');
  await add('clinic_admin', 'clinic', 'org_admin');
  await add('clinic_worker', 'clinic', 'partner');
  await add('panel_admin', 'panel', 'org_admin');
  await add('other_officer', 'other', 'officer');
  await add('other_admin', 'other', 'org_admin');
});

after(async () => { if (process.env.REF_DEBUG) console.error(srv.logs.slice(-60).join('\n')); await srv?.stop(); });

test('the directory: services declared by the organisations that offer them, found by place, age and language', async () => {
  let r = await u.clinic_admin.post('/api/v1/services', { body: {
    name: 'Youth outpatient treatment', type: 'treatment', age_min: 12, age_max: 21, languages: ['pt', 'en', 'ru'],
    lat: 41.15, lon: -8.61, radius_m: 30000, opening_hours: 'Mo-Fr 09:00-18:00', waiting_days: 5 } });
  assert.equal(r.status, 201, r.text);
  service = r.body;
  assert.equal(service.country, 'PT');
  assert.equal(r.headers.get('etag'), '"1"');
  r = await u.panel_admin.post('/api/v1/services', { body: { name: 'Dissuasion commission hearing', type: 'diversion_panel', languages: ['pt'] } });
  assert.equal(r.status, 201, r.text);
  panelService = r.body;
  // a police organisation offers no services
  assertProblem(assert, await u.police_admin.post('/api/v1/services', { body: { name: 'Not ours', type: 'other' } }), 403, 'org_id');
  assertProblem(assert, await u.officer.post('/api/v1/services', { body: { name: 'Not ours', type: 'other' } }), 403);
  assertProblem(assert, await u.clinic_admin.post('/api/v1/services', { body: { name: 'Bad', type: 'other', age_min: 20, age_max: 10 } }), 400, 'age_max');
  assertProblem(assert, await u.clinic_admin.post('/api/v1/services', { body: { name: 'Bad', type: 'other', lat: 41 } }), 400, 'lon');
  assertProblem(assert, await u.clinic_admin.post('/api/v1/services', { body: { name: 'Bad', type: 'nope' } }), 400, 'type');
  // search: near Porto, a 15-year-old speaking Russian
  r = await u.officer.get('/api/v1/services?country=PT&lat=41.16&lon=-8.62&age=15&language=ru');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.items.map((s) => s.id), [service.id]);
  assert.ok(r.body.items[0].distance_m > 0 && r.body.items[0].distance_m < 3000);
  // out of its radius (Lisbon), too old, another language
  r = await u.officer.get('/api/v1/services?lat=38.72&lon=-9.14&type=treatment');
  assert.equal(r.body.items.length, 0);
  assert.equal((await u.officer.get('/api/v1/services?age=30&type=treatment')).body.items.length, 0);
  assert.equal((await u.officer.get('/api/v1/services?language=fr')).body.items.length, 0);
  r = await u.officer.get('/api/v1/services?lat=41.16&lon=-8.62');
  assert.deepEqual(r.body.items.map((s) => s.id), [service.id, panelService.id], 'the country-wide service after the near one');
  assertProblem(assert, await u.officer.get('/api/v1/services?lat=91&lon=0'), 400, 'lat');
  assertProblem(assert, await u.officer.get('/api/v1/services?lat=41'), 400, 'lon');
  assertProblem(assert, await u.officer.get('/api/v1/services?age=x'), 400, 'age');
  assertProblem(assert, await u.officer.get('/api/v1/services?language=R1'), 400, 'language');
  assertProblem(assert, await u.officer.get('/api/v1/services?colour=red'), 400, 'colour');
  // kept by its organisation only
  r = await u.clinic_admin.patch(`/api/v1/services/${service.id}`, { body: { waiting_days: 9 }, headers: hdr(1) });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.waiting_days, 9);
  assertProblem(assert, await u.panel_admin.patch(`/api/v1/services/${service.id}`, { body: { waiting_days: 1 }, headers: hdr(2) }), 403);
  assertProblem(assert, await u.clinic_admin.patch(`/api/v1/services/${service.id}`, { body: { waiting_days: 1 }, headers: hdr(1) }), 412);
});

async function draft(i = 0, extra = {}) {
  const r = await u.officer.post('/api/v1/referrals', { body: {
    service_id: service.id, pathway: 'voluntary', gender: 'female', area: 'Bonfim', urgency: 'routine',
    facts: `Met at the bus station ${NAMES[0]} ${i}`, substances: ['cannabis'], person: person(i), ...extra } });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

async function consent(who, id, subject, scopes = ['service', 'sharing'], decision = 'given') {
  return u[who].post(`/api/v1/referrals/${id}/consents`, { body: { subject, scopes, decision } });
}

let ref;
test('a referral: drafted with the person sealed, sent only with consent, worked through by the receiving service', async () => {
  assertProblem(assert, await u.officer.post('/api/v1/referrals', { body: { service_id: service.id, pathway: 'voluntary', gender: 'female', person: { given_name: 'A' } } }), 400, 'person.family_name');
  assertProblem(assert, await u.officer.post('/api/v1/referrals', { body: { service_id: service.id, pathway: 'voluntary', gender: 'female', person: { ...person(), birth_date: '2090-01-01' } } }), 400, 'person.birth_date');
  assertProblem(assert, await u.officer.post('/api/v1/referrals', { body: { service_id: service.id, pathway: 'voluntary', gender: 'female', person: { ...person(), nickname: 'x' } } }), 400, 'person.nickname');
  assertProblem(assert, await u.officer.post('/api/v1/referrals', { body: { service_id: orgs.clinic, pathway: 'voluntary', gender: 'female', person: person() } }), 400, 'service_id');
  assertProblem(assert, await u.officer.post('/api/v1/referrals', { body: { service_id: service.id, pathway: 'bribe', gender: 'female', person: person() } }), 400, 'pathway');
  assertProblem(assert, await u.police_viewer.post('/api/v1/referrals', { body: { service_id: service.id, pathway: 'voluntary', gender: 'female', person: person() } }), 403);
  ref = await draft();
  assert.equal(ref.status, 'draft');
  assert.equal(ref.age_band, '15_17');
  assert.equal(ref.minor, true);
  assert.equal(ref.recv_org_id, orgs.clinic);
  assert.equal(ref.has_person, true);
  assert.ok(!JSON.stringify(ref).includes(NAMES[0]) && !('person' in ref) && !('facts' in ref), 'the record carries no personal field');
  // a draft is the referrer's alone
  assertProblem(assert, await u.clinic_worker.get(`/api/v1/referrals/${ref.id}`), 404);
  // no consent: not sent
  assertProblem(assert, await u.officer.patch(`/api/v1/referrals/${ref.id}`, { body: { status: 'sent' }, headers: hdr(ref.version) }), 409, 'consent');
  // a minor's own consent is not enough for a voluntary referral: a guardian's
  let c = await consent('officer', ref.id, 'person');
  assert.equal(c.status, 201, c.text);
  assert.equal(c.body.items.length, 2);
  let cur = (await u.officer.get(`/api/v1/referrals/${ref.id}`)).body;
  assertProblem(assert, await u.officer.patch(`/api/v1/referrals/${ref.id}`, { body: { status: 'sent' }, headers: hdr(cur.version) }), 409, 'consent');
  assertProblem(assert, await consent('officer', ref.id, 'guardian', ['everything']), 400, 'scopes');
  c = await consent('officer', ref.id, 'guardian', ['service', 'sharing', 'statistics']);
  assert.equal(c.status, 201, c.text);
  assert.deepEqual(c.body.items.map((x) => x.version), [1, 2, 3, 4, 5], 'consent records are versioned, appended');
  cur = (await u.officer.get(`/api/v1/referrals/${ref.id}`)).body;
  assert.equal(cur.consent.sharing.subject, 'guardian');
  let r = await u.officer.patch(`/api/v1/referrals/${ref.id}`, { body: { status: 'sent' }, headers: hdr(cur.version) });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'sent');
  const sent = Date.parse(r.body.sent_at);
  assert.equal(Date.parse(r.body.ack_due_at) - sent, 72 * 3600e3);
  assert.equal(Date.parse(r.body.contact_due_at) - sent, 7 * 86400e3);
  // a stale version is refused
  assertProblem(assert, await u.officer.patch(`/api/v1/referrals/${ref.id}`, { body: { status: 'revoked' }, headers: hdr(cur.version) }), 412);
  // the receiving service's moves are not the referrer's, and back
  assertProblem(assert, await u.officer.patch(`/api/v1/referrals/${ref.id}`, { body: { status: 'accepted' }, headers: hdr(r.body.version) }), 409, 'status');
  let inc = await u.clinic_worker.get('/api/v1/referrals?box=incoming');
  assert.deepEqual(inc.body.items.map((x) => x.id), [ref.id]);
  assert.deepEqual(inc.body.items[0].sides, ['receiving']);
  let v = inc.body.items[0].version;
  assertProblem(assert, await u.clinic_worker.patch(`/api/v1/referrals/${ref.id}`, { body: { status: 'rejected' }, headers: hdr(v) }), 400, 'reason');
  for (const status of ['acknowledged', 'accepted', 'first_contact', 'engaged']) {
    r = await u.clinic_worker.patch(`/api/v1/referrals/${ref.id}`, { body: { status }, headers: hdr(v) });
    assert.equal(r.status, 200, r.text);
    v = r.body.version;
  }
  r = await u.clinic_worker.patch(`/api/v1/referrals/${ref.id}`, { body: { notes: 'Clinical: attends with mother, motivated.' }, headers: hdr(v) });
  assert.equal(r.status, 200, r.text);
  v = r.body.version;
  assertProblem(assert, await u.clinic_worker.patch(`/api/v1/referrals/${ref.id}`, { body: { status: 'completed' }, headers: hdr(v) }), 400, 'outcome');
  r = await u.clinic_worker.patch(`/api/v1/referrals/${ref.id}`, { body: { status: 'completed', outcome: 'completed' }, headers: hdr(v) });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.closed_at && r.body.first_contact_at);
  // the outcome reaches the referring officer; the clinic's notes do not
  const mine = (await u.officer.get('/api/v1/referrals?box=mine')).body.items.find((x) => x.id === ref.id);
  assert.equal(mine.status, 'completed');
  assert.equal(mine.outcome, 'completed');
  assertProblem(assert, await u.officer.patch(`/api/v1/referrals/${ref.id}`, { body: { notes: 'x' }, headers: hdr(mine.version) }), 403, 'notes');
  assertProblem(assert, await u.officer.get(`/api/v1/referrals/${ref.id}/person?reason=follow-up+of+the+case&fields=notes`), 403);
  r = await u.clinic_worker.get(`/api/v1/referrals/${ref.id}/person?reason=first+appointment+call&fields=notes,contact`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.person.notes, 'Clinical: attends with mother, motivated.');
  assert.equal(r.body.person.contact, NAMES[3]);
  // closed: no further move
  assertProblem(assert, await u.officer.patch(`/api/v1/referrals/${ref.id}`, { body: { status: 'revoked' }, headers: hdr(r.body.version ?? mine.version) }), 409, 'status');
});

test('the person\'s fields: read one by one with a reason, each read audited; no one else reads them', async () => {
  assertProblem(assert, await u.officer.get(`/api/v1/referrals/${ref.id}/person`), 400, 'reason');
  assertProblem(assert, await u.officer.get(`/api/v1/referrals/${ref.id}/person?reason=short`), 400, 'reason');
  assertProblem(assert, await u.officer.get(`/api/v1/referrals/${ref.id}/person?reason=checking+the+name&fields=shoe_size`), 400, 'fields');
  const r = await u.officer.get(`/api/v1/referrals/${ref.id}/person?reason=checking+the+name+spelling&fields=given_name,family_name`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.person, { given_name: NAMES[0], family_name: NAMES[1] });
  assert.equal(r.headers.get('cache-control'), 'no-store');
  const audit = await root.get(`/api/v1/audit?resource_type=referral&resource_id=${ref.id}`);
  assert.equal(audit.status, 200, audit.text);
  const reads = audit.body.items.filter((e) => e.action === 'read_sensitive');
  assert.ok(reads.some((e) => e.justification === 'checking the name spelling' && JSON.stringify(e.detail).includes('family_name')), JSON.stringify(reads));
  assert.ok(!JSON.stringify(audit.body).includes(NAMES[0]), 'the audit keeps that a field was read, not its value');
  // a viewer of the referring organisation sees the status, not the person
  assert.equal((await u.police_viewer.get(`/api/v1/referrals/${ref.id}`)).status, 200);
  assertProblem(assert, await u.police_viewer.get(`/api/v1/referrals/${ref.id}/person?reason=just+curious+about+it`), 403);
  // a third organisation, an analyst, the instance administrator: nothing
  for (const who of ['other_officer', 'other_admin', 'panel_admin']) {
    assertProblem(assert, await u[who].get(`/api/v1/referrals/${ref.id}`), 404);
    assertProblem(assert, await u[who].get(`/api/v1/referrals/${ref.id}/consents`), 404);
    assert.equal((await u[who].get('/api/v1/referrals')).body.items.length, 0);
  }
  assertProblem(assert, await u.other_officer.get(`/api/v1/referrals/${ref.id}/person?reason=i+want+to+know+it`), 404);
  assertProblem(assert, await u.police_analyst.get('/api/v1/referrals'), 403);
  assertProblem(assert, await u.police_analyst.get(`/api/v1/referrals/${ref.id}`), 404);
  assertProblem(assert, await root.get(`/api/v1/referrals/${ref.id}`), 404);
  assertProblem(assert, await root.get(`/api/v1/referrals/${ref.id}/person?reason=administrator+check`), 403);
  // me.can carries the rows, so the web app holds no role list
  const me = (await u.clinic_worker.get('/api/v1/me')).body;
  assert.ok(JSON.stringify(me.can).includes('referral'), JSON.stringify(me.can));
});

test('consent override: only an org_admin, with a written reason, audited; withdrawal ends an open referral', async () => {
  const d = await draft(1, { pathway: 'pre_arrest_diversion', service_id: panelService.id, urgency: 'routine' });
  assertProblem(assert, await u.officer.patch(`/api/v1/referrals/${d.id}`, { body: { status: 'sent', override_reason: 'urgent risk to the young person' }, headers: hdr(d.version) }), 403, 'override_reason');
  assertProblem(assert, await u.police_admin.patch(`/api/v1/referrals/${d.id}`, { body: { status: 'sent', override_reason: 'short' }, headers: hdr(d.version) }), 400, 'override_reason');
  const r = await u.police_admin.patch(`/api/v1/referrals/${d.id}`, { body: { status: 'sent', override_reason: 'court order 123/26 for assessment' }, headers: hdr(d.version) });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.consent_override, 'court order 123/26 for assessment');
  // a diversion panel receives within 36 hours
  assert.equal(Date.parse(r.body.ack_due_at) - Date.parse(r.body.sent_at), 36 * 3600e3);
  const audit = await root.get(`/api/v1/audit?resource_type=referral&resource_id=${d.id}`);
  assert.ok(audit.body.items.some((e) => e.action === 'consent_override' && e.justification === 'court order 123/26 for assessment'));
  // a withdrawal recorded by the panel ends it
  const w = await consent('panel_admin', d.id, 'guardian', ['sharing'], 'withdrawn');
  assert.equal(w.status, 201, w.text);
  const after = (await u.officer.get(`/api/v1/referrals/${d.id}`)).body;
  assert.equal(after.status, 'consent_withdrawn');
  assert.ok(after.closed_at);
});

test('deadlines: overdue in the list when the clock passes them, escalated once by the job, expired after 30 days', async () => {
  const d = await draft(2);
  await consent('officer', d.id, 'guardian');
  const cur = (await u.officer.get(`/api/v1/referrals/${d.id}`)).body;
  const s = await u.officer.patch(`/api/v1/referrals/${d.id}`, { body: { status: 'sent' }, headers: hdr(cur.version) });
  assert.equal(s.status, 200, s.text);
  let over = await u.officer.get('/api/v1/referrals?overdue=true');
  assert.ok(!over.body.items.some((x) => x.id === d.id));
  const past = Date.now() - 80 * 3600e3;
  sql(srv, `UPDATE referrals SET sent_at = ${past}, ack_due_at = ${past + 72 * 3600e3} WHERE id = '${d.id}'`);
  over = await u.clinic_worker.get('/api/v1/referrals?overdue=true&box=incoming');
  assert.deepEqual(over.body.items.map((x) => x.id), [d.id]);
  assert.equal(over.body.items[0].overdue, true);
  let j = cli(['referrals', 'deadlines', '--db', srv.db.url], cliEnv);
  assert.equal(j.status, 0, j.stderr);
  assert.deepEqual(JSON.parse(j.stdout), { escalated: 1, expired: 0 });
  j = cli(['referrals', 'deadlines', '--db', srv.db.url], cliEnv);
  assert.deepEqual(JSON.parse(j.stdout), { escalated: 0, expired: 0 }, 'escalated once');
  const at = new Date(Date.now() + 31 * 86400e3).toISOString();
  j = cli(['referrals', 'deadlines', '--at', at, '--db', srv.db.url], cliEnv);
  assert.equal(JSON.parse(j.stdout).expired, 1);
  assert.equal((await u.officer.get(`/api/v1/referrals/${d.id}`)).body.status, 'expired');
  assertProblem(assert, await u.officer.get('/api/v1/referrals?overdue=maybe'), 400, 'overdue');
});

test('outcomes: by pathway, age band, gender and service type, small counts suppressed', async () => {
  // five more sent referrals reach first contact (voluntary, female, 15_17)
  for (let i = 10; i < 15; i++) {
    const d = await draft(i);
    await consent('officer', d.id, 'guardian');
    let v = (await u.officer.get(`/api/v1/referrals/${d.id}`)).body.version;
    let r = await u.officer.patch(`/api/v1/referrals/${d.id}`, { body: { status: 'sent' }, headers: hdr(v) });
    v = r.body.version;
    for (const status of ['accepted', 'first_contact']) {
      r = await u.clinic_worker.patch(`/api/v1/referrals/${d.id}`, { body: { status }, headers: hdr(v) });
      assert.equal(r.status, 200, r.text);
      v = r.body.version;
    }
  }
  const o = await u.police_analyst.get('/api/v1/referrals/outcomes?by=pathway');
  assert.equal(o.status, 200, o.text);
  const g = Object.fromEntries(o.body.groups.map((x) => [x.value, x]));
  // the first (completed), the expired one, the five
  assert.equal(g.voluntary.referrals, 7);
  assert.equal(g.voluntary.first_contact, 0.857);
  assert.equal(g.voluntary.completed, 0.143);
  assert.equal(typeof g.voluntary.median_days_to_first_contact, 'number');
  assert.equal(g.pre_arrest_diversion.suppressed, true);
  assert.equal(g.pre_arrest_diversion.referrals, null);
  assert.equal(g.pre_trial.referrals, 0);
  assert.equal(o.body.total.referrals, null, 'the total would give back the hidden group');
  const a = await u.police_analyst.get('/api/v1/referrals/outcomes?by=age_band');
  assert.equal(a.body.groups.find((x) => x.value === '15_17').referrals, 8);
  assert.equal(a.body.total.referrals, 8);
  assertProblem(assert, await u.police_analyst.get('/api/v1/referrals/outcomes?by=name'), 400, 'by');
  assertProblem(assert, await u.police_analyst.get('/api/v1/referrals/outcomes?country=pt'), 400, 'country');
  stats = a.body;
});

let stats;
test('retention: personal fields erased after the period, gone from the database file; outcomes unchanged', async () => {
  sql(srv, `UPDATE referrals SET closed_at = ${Date.now() - 400 * 86400e3} WHERE id = '${ref.id}'`);
  const r = cli(['retention', 'run', '--db', srv.db.url], cliEnv);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { erased: 1, days: 365 });
  const rec = (await u.officer.get(`/api/v1/referrals/${ref.id}`)).body;
  assert.equal(rec.has_person, false);
  assert.ok(rec.personal_erased_at);
  assert.equal(rec.outcome, 'completed');
  const p = await u.officer.get(`/api/v1/referrals/${ref.id}/person?reason=after+the+retention+period`);
  assert.equal(p.status, 200, p.text);
  assert.equal(p.body.person.given_name, null);
  const again = cli(['retention', 'run', '--db', srv.db.url], cliEnv);
  assert.deepEqual(JSON.parse(again.stdout), { erased: 0, days: 365 });
  const a = await u.police_analyst.get('/api/v1/referrals/outcomes?by=age_band');
  assert.deepEqual(a.body, stats, 'the outcomes count the erased referral as before');
  const audit = await root.get('/api/v1/audit?resource_type=referral');
  assert.ok(audit.body.items.some((e) => e.action === 'retention'));
});

test('the access matrix: who reads the referral, the person, the consents and the outcomes (0 leaks)', async () => {
  const d = await draft(30);
  await consent('officer', d.id, 'guardian');
  const v = (await u.officer.get(`/api/v1/referrals/${d.id}`)).body.version;
  assert.equal((await u.officer.patch(`/api/v1/referrals/${d.id}`, { body: { status: 'sent' }, headers: hdr(v) })).status, 200);
  // who: [record, person, consents, outcomes]
  const expect = {
    officer: [200, 200, 200, 200], police_admin: [200, 200, 200, 200], police_viewer: [200, 403, 200, 200],
    police_analyst: [404, 403, 404, 200], clinic_admin: [200, 200, 200, 200], clinic_worker: [200, 200, 200, 200],
    panel_admin: [404, 404, 404, 200], other_officer: [404, 404, 404, 200], other_admin: [404, 404, 404, 200], root: [404, 403, 404, 200],
  };
  const who = (k) => (k === 'root' ? root : u[k]);
  let cases = 0;
  const leaks = [];
  for (const [k, want] of Object.entries(expect)) {
    const got = [
      (await who(k).get(`/api/v1/referrals/${d.id}`)).status,
      (await who(k).get(`/api/v1/referrals/${d.id}/person?reason=matrix+check+of+access&fields=given_name`)).status,
      (await who(k).get(`/api/v1/referrals/${d.id}/consents`)).status,
      (await who(k).get('/api/v1/referrals/outcomes')).status,
    ];
    const list = await who(k).get('/api/v1/referrals?limit=500');
    const listed = list.status === 200 && list.body.items.some((x) => x.id === d.id);
    got.forEach((g, i) => { cases++; if (g !== want[i]) leaks.push(`${k}[${i}] ${g} != ${want[i]}`); });
    cases++;
    if (listed !== (want[0] === 200)) leaks.push(`${k} list ${listed}`);
    // a change from outside the two organisations is refused as not found
    if (want[0] === 404) {
      cases++;
      const p = await who(k).patch(`/api/v1/referrals/${d.id}`, { body: { status: 'accepted' }, headers: hdr(v + 1) });
      if (p.status !== 404 && p.status !== 403) leaks.push(`${k} patch ${p.status}`);
    }
  }
  assert.deepEqual(leaks, [], `${leaks.length} leaks in ${cases} cases`);
});

test('erasure on request: an org_admin of either organisation, with a reason, audited', async () => {
  const d = await draft(40);
  assertProblem(assert, await u.officer.del(`/api/v1/referrals/${d.id}/person?reason=asked+by+the+family`), 403);
  assertProblem(assert, await u.police_admin.del(`/api/v1/referrals/${d.id}/person`), 400, 'reason');
  assertProblem(assert, await u.clinic_admin.del(`/api/v1/referrals/${d.id}/person?reason=asked+by+the+family`), 404, undefined);
  const r = await u.police_admin.del(`/api/v1/referrals/${d.id}/person?reason=asked+by+the+family`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.has_person, false);
  const p = await u.officer.get(`/api/v1/referrals/${d.id}/person?reason=after+the+erasure+now`);
  assert.deepEqual(p.body.person, { given_name: null, family_name: null, birth_date: null, contact: null, guardian: null, facts: null });
  const audit = await root.get(`/api/v1/audit?resource_type=referral&resource_id=${d.id}`);
  assert.ok(audit.body.items.some((e) => e.action === 'erase' && e.justification === 'asked by the family'));
});

test('a referral links a problem its officer sees, never one of another organisation', async () => {
  const mine = await u.officer.post('/api/v1/problems', { body: { title: 'Dealing near the Bonfim school', distribution: 'organisation' } });
  assert.equal(mine.status, 201, mine.text);
  const theirs = await u.other_officer.post('/api/v1/problems', { body: { title: 'Lisbon station', distribution: 'organisation' } });
  assert.equal(theirs.status, 201, theirs.text);
  const d = await draft(50, { problem_id: mine.body.id });
  assert.equal(d.problem_id, mine.body.id);
  assertProblem(assert, await u.officer.post('/api/v1/referrals', { body: { service_id: service.id, pathway: 'voluntary', gender: 'male', person: person(51), problem_id: theirs.body.id } }), 400, 'problem_id');
  assertProblem(assert, await u.officer.post('/api/v1/referrals', { body: { service_id: service.id, pathway: 'voluntary', gender: 'male', person: person(52), tip_id: theirs.body.id } }), 400, 'tip_id');
});

test('no name, birth date or contact in the database file, its WAL or any log line', async () => {
  const logs = srv.logs.join('\n');
  for (const n of NAMES) assert.ok(!logs.includes(n), `log holds ${n}`);
  if (ENGINE !== 'sqlite') return;
  const path = srv.db.url.slice(7);
  for (const f of [path, path + '-wal']) {
    if (!existsSync(f)) continue;
    const bytes = readFileSync(f).toString('latin1');
    for (const n of NAMES) assert.ok(!bytes.includes(n), `${f} holds ${n}`);
    assert.ok(!bytes.includes('Clinical: attends'), `${f} holds the notes`);
  }
});

test('outcomes leave out a referral whose consent to anonymous statistics is withdrawn', async () => {
  const before = (await u.police_analyst.get('/api/v1/referrals/outcomes?by=gender')).body;
  const w = await consent('clinic_admin', ref.id, 'guardian', ['statistics'], 'withdrawn');
  assert.equal(w.status, 201, w.text);
  const after = (await u.police_analyst.get('/api/v1/referrals/outcomes?by=gender')).body;
  const female = (b) => b.groups.find((g) => g.value === 'female').referrals;
  assert.equal(female(after), female(before) - 1);
  assert.equal((await u.officer.get(`/api/v1/referrals/${ref.id}`)).body.status, 'completed', 'a statistics withdrawal ends nothing');
});

