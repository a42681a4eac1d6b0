// The inbox items of the remaining domain events: a signal for my
// organisation (only those who may act on it), a proposal waiting for my
// organisation's endorsement, a practice waiting for my review; the deadline
// scheduler's referral items (due, overdue and escalated to the receiving
// organisation's org_admins, expired to the referring officer) and action
// items (due within 7 days, overdue) for the owner organisation, each once.
// Every item is named by its record's title as the reader sees it now, and
// by nothing once the reader can no longer see the record.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, client, cli, cliUser, sql, request, solve } from './lib.mjs';

const WEEK = 7 * 86400000;
const DAY = 86400000;
const MONDAY = Date.parse('2026-01-05T00:00:00Z');
const iso = (ms) => new Date(ms).toISOString();
let srv, root;
const orgs = {};
const u = {};

const inbox = async (c, q = '') => {
  const r = await c.get(`/api/v1/inbox${q}`);
  assert.equal(r.status, 200, r.text + srv.logs.slice(-5).join('\n'));
  return r.body.items;
};
const deadlines = (at) => {
  const r = cli(['notify', 'deadlines', '--db', srv.db.url, ...(at ? ['--at', iso(at)] : [])]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
};

async function user(org, role, email, extra = {}) {
  const r = await root.post('/api/v1/users', { body: { email, name: email, org_id: org, role } });
  assert.equal(r.status, 201, r.text);
  if (extra.reviewer) {
    const g = await root.get(`/api/v1/users/${r.body.id}`);
    const p = await root.patch(`/api/v1/users/${r.body.id}`, { body: { reviewer: true }, headers: { 'If-Match': g.headers.get('etag') } });
    assert.equal(p.status, 200, p.text);
  }
  const token = cli(['token', 'create', '--email', email, '--db', srv.db.url]).stdout.trim();
  return Object.assign(client(srv.base, { token }), { id: r.body.id });
}

before(async () => {
  srv = await startServer({ env: { TRELLIS_DETECT_INTERVAL_S: '0', TRELLIS_TIP_POW_BITS: '0', TRELLIS_TIP_RATE: '0', TRELLIS_DEADLINE_INTERVAL_S: '0' } });
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const mk = async (name, kind, country) => {
    const r = await root.post('/api/v1/organisations', { body: { name, kind, country } });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  };
  orgs.police = await mk('Vienna Police', 'police', 'AT');
  orgs.ministry = await mk('Austrian Ministry of Health', 'ministry_health', 'AT');
  orgs.clinic = await mk('Vienna Youth Clinic', 'treatment_provider', 'AT');
  orgs.berlin = await mk('Berlin Police', 'police', 'DE');
  u.officer = await user(orgs.police, 'officer', 'officer@police.at');
  u.chief = await user(orgs.police, 'org_admin', 'chief@police.at');
  u.partner = await user(orgs.police, 'partner', 'partner@police.at');
  u.analyst = await user(orgs.ministry, 'analyst', 'analyst@ministry.at', { reviewer: true });
  u.nurse = await user(orgs.clinic, 'officer', 'nurse@clinic.at');
  u.clinicHead = await user(orgs.clinic, 'org_admin', 'head@clinic.at');
  u.reviewer = await user(orgs.berlin, 'analyst', 'reviewer@police.de', { reviewer: true });
  u.berlin = await user(orgs.berlin, 'analyst', 'analyst@police.de');
});
after(async () => { await srv?.stop(); });

test('a signal for my organisation reaches those of it who may act on it, named by its place', async () => {
  // weekly alerts of the ministry, then a jump: an alarm for Austria
  const counts = [1, 2, 1, 1, 2, 1, 2, 1, 1, 2, 1, 2, 9, 12];
  for (let w = 0; w < counts.length; w++) {
    for (let i = 0; i < counts[w]; i++) {
      const r = await u.analyst.post('/api/v1/alerts', { body: {
        title: `w${w} #${i}`, category: 'overdose_cluster', tlp: 'amber', distribution: 'network', status: 'published',
        location: { lat: 48.2 + i * 0.001, lon: 16.37 }, observed_from: iso(MONDAY + w * WEEK + 3600000 * (i + 1)),
      } });
      assert.equal(r.status, 201, r.text);
    }
  }
  const run = cli(['detect', '--db', srv.db.url, '--at', '2026-04-08T12:00:00Z']);
  assert.equal(run.status, 0, run.stderr);
  const signals = (await u.officer.get('/api/v1/signals')).body.items;
  assert.ok(signals.length >= 1, 'a signal for the police');
  const mine = await inbox(u.officer, '?kind=signal');
  assert.equal(mine.length, signals.length);
  assert.deepEqual(mine.map((i) => i.ref_id).sort(), signals.map((s) => s.id).sort());
  assert.equal(mine[0].ref_type, 'signal');
  assert.equal(mine[0].link, `/signals/${mine[0].ref_id}`);
  const s = signals.find((x) => x.id === mine[0].ref_id);
  assert.equal(mine[0].title, s.place ? s.place.text : 'Austria', 'named by its place');
  if (!s.place) {
    const fr = await u.officer.get('/api/v1/inbox?kind=signal', { headers: { 'Accept-Language': 'fr' } });
    assert.equal(fr.body.items[0].title, 'Autriche');
  }
  assert.equal((await inbox(u.chief, '?kind=signal')).length, signals.length);
  // a partner of the police sees signals but may not act on them; the
  // ministry's analyst sees the country's signals, addressed to the police
  assert.equal((await inbox(u.partner, '?kind=signal')).length, 0);
  assert.equal((await inbox(u.analyst, '?kind=signal')).length, 0);
  assert.equal((await inbox(u.berlin, '?kind=signal')).length, 0);
  // the same week again: no second item
  cli(['detect', '--db', srv.db.url, '--at', '2026-04-09T12:00:00Z']);
  assert.equal((await inbox(u.officer, '?kind=signal')).length, signals.length);
});

test('a proposal naming my organisation waits for the endorsement of those who speak for it', async () => {
  const draft = await u.analyst.post('/api/v1/proposals', { body: { title: 'Joint school prevention days', partners: [orgs.police, orgs.berlin], distribution: 'network' } });
  assert.equal(draft.status, 201, draft.text);
  assert.equal((await inbox(u.chief, '?kind=proposal_endorse')).length, 0, 'a draft waits for nobody');
  const g = await u.analyst.get(`/api/v1/proposals/${draft.body.id}`);
  const open = await u.analyst.patch(`/api/v1/proposals/${draft.body.id}`, { body: { status: 'open' }, headers: { 'If-Match': g.headers.get('etag') } });
  assert.equal(open.status, 200, open.text);
  const items = await inbox(u.chief, '?kind=proposal_endorse');
  assert.equal(items.length, 1);
  assert.equal(items[0].ref_id, draft.body.id);
  assert.equal(items[0].title, 'Joint school prevention days');
  assert.equal((await inbox(u.berlin, '?kind=proposal_endorse')).length, 1);
  // an officer does not endorse; the proposer's own organisation is not asked
  assert.equal((await inbox(u.officer, '?kind=proposal_endorse')).length, 0);
  assert.equal((await inbox(u.analyst, '?kind=proposal_endorse')).length, 0);
  // endorsed by the police: a later change asks no one again
  assert.equal((await u.chief.post(`/api/v1/proposals/${draft.body.id}/endorsements`, { body: { comment: 'Yes' } })).status, 201);
  const g2 = await u.analyst.get(`/api/v1/proposals/${draft.body.id}`);
  const edit = await u.analyst.patch(`/api/v1/proposals/${draft.body.id}`, { body: { description: 'Two days a term' }, headers: { 'If-Match': g2.headers.get('etag') } });
  assert.equal(edit.status, 200, edit.text);
  assert.equal((await inbox(u.chief, '?kind=proposal_endorse')).length, 1);
  assert.equal((await inbox(u.berlin, '?kind=proposal_endorse')).length, 1, 'once');
  // narrowed to its organisation: Berlin's item no longer names it
  const g3 = await u.analyst.get(`/api/v1/proposals/${draft.body.id}`);
  const narrow = await u.analyst.patch(`/api/v1/proposals/${draft.body.id}`, { body: { distribution: 'organisation' }, headers: { 'If-Match': g3.headers.get('etag') } });
  assert.equal(narrow.status, 200, narrow.text);
  const [gone] = await inbox(u.berlin, '?kind=proposal_endorse');
  assert.equal(gone.title, null, 'a record the reader cannot see is not named');
  assert.equal((await u.berlin.get(`/api/v1/proposals/${draft.body.id}`)).status, 404);
});

test('a submitted practice waits for the review of reviewers of other organisations', async () => {
  const p = await u.officer.post('/api/v1/practices', { body: { title: 'Peer mentors in vocational schools', summary: 'Older pupils mentor younger ones', status: 'submitted' } });
  assert.equal(p.status, 201, p.text);
  for (const reviewer of [u.reviewer, u.analyst]) {
    const items = await inbox(reviewer, '?kind=practice_review');
    assert.equal(items.length, 1);
    assert.equal(items[0].ref_id, p.body.id);
    assert.equal(items[0].title, 'Peer mentors in vocational schools');
    assert.equal(items[0].link, `/practices/${p.body.id}`);
  }
  // no reviewer flag, or the author's organisation: not asked
  assert.equal((await inbox(u.berlin, '?kind=practice_review')).length, 0);
  assert.equal((await inbox(u.chief, '?kind=practice_review')).length, 0);
  // rejected and submitted again: a new round, asked again
  assert.equal((await u.reviewer.post(`/api/v1/practices/${p.body.id}/reviews`, { body: { verdict: 'reject', comments: 'No evaluation yet' } })).status, 201);
  let g = await u.officer.get(`/api/v1/practices/${p.body.id}`);
  let r = await u.officer.patch(`/api/v1/practices/${p.body.id}`, { body: { status: 'submitted' }, headers: { 'If-Match': g.headers.get('etag') } });
  assert.equal(r.status, 200, r.text);
  assert.equal((await inbox(u.analyst, '?kind=practice_review')).length, 2);
  // back to draft: the reviewers' items no longer name it
  g = await u.officer.get(`/api/v1/practices/${p.body.id}`);
  r = await u.officer.patch(`/api/v1/practices/${p.body.id}`, { body: { status: 'draft' }, headers: { 'If-Match': g.headers.get('etag') } });
  assert.equal(r.status, 200, r.text);
  assert.ok((await inbox(u.analyst, '?kind=practice_review')).every((i) => i.title === null));
});

test('referral deadlines: the receiving organisation told before and after, escalated, the referrer told of expiry', async () => {
  const now = Date.now();
  const svc = randomUUID(), ref = randomUUID();
  sql(srv, `INSERT INTO services (id, org_id, country, name, type, created_at, updated_at) VALUES ('${svc}', '${orgs.clinic}', 'AT', 'Youth counselling Favoriten', 'treatment', ${now}, ${now})`);
  sql(srv, `INSERT INTO referrals (id, ref_org_id, ref_user_id, recv_org_id, service_id, service_type, pathway, urgency, status, age_band, minor, gender, country, person_enc, sent_at, ack_due_at, contact_due_at, created_at, updated_at) VALUES ('${ref}', '${orgs.police}', '${u.officer.id}', '${orgs.clinic}', '${svc}', 'treatment', 'voluntary', 'routine', 'sent', '15_17', 1, 'female', 'AT', 'sealed-person-data', ${now}, ${now + 3600000}, ${now + 10 * DAY}, ${now}, ${now})`);
  const run = deadlines();
  assert.ok(run.raised >= 1, JSON.stringify(run));
  const due = await inbox(u.nurse, '?kind=referral_deadline');
  assert.equal(due.length, 1);
  assert.equal(due[0].ref_type, 'referral');
  assert.equal(due[0].link, `/referrals/${ref}`);
  assert.equal(due[0].title, `Youth counselling Favoriten · ${iso(now).slice(0, 10)}`);
  assert.ok(!JSON.stringify(due).includes('sealed'), 'no personal data');
  assert.equal((await inbox(u.clinicHead, '?kind=referral_deadline')).length, 1);
  assert.equal((await inbox(u.officer, '?kind=referral_deadline')).length, 0, 'the receiving side acts');
  deadlines();
  assert.equal((await inbox(u.nurse, '?kind=referral_deadline')).length, 1, 'once');
  // two hours on: overdue, and escalated to the clinic's org_admins
  deadlines(now + 2 * 3600000);
  assert.equal((await inbox(u.nurse, '?kind=referral_overdue')).length, 1);
  assert.equal((await inbox(u.clinicHead, '?kind=referral_escalated')).length, 1);
  assert.equal((await inbox(u.nurse, '?kind=referral_escalated')).length, 0);
  deadlines(now + 3 * 3600000);
  assert.equal((await inbox(u.clinicHead, '?kind=referral_escalated')).length, 1, 'escalated once');
  // it expires unanswered: the referring officer is told, once
  sql(srv, `UPDATE referrals SET status = 'expired', closed_at = ${now} WHERE id = '${ref}'`);
  deadlines();
  deadlines();
  const expired = await inbox(u.officer, '?kind=referral_expired');
  assert.equal(expired.length, 1);
  assert.equal(expired[0].title, `Youth counselling Favoriten · ${iso(now).slice(0, 10)}`);
  assert.equal((await inbox(u.nurse, '?kind=referral_expired')).length, 0);
});

test('action deadlines: due within 7 days, then overdue, for the owner organisation, each once', async () => {
  const e = await u.analyst.post('/api/v1/events', { body: { title: 'Regional prevention meeting', type: 'conference', starts_on: '2026-10-06', distribution: 'network' } });
  assert.equal(e.status, 201, e.text);
  const o = await u.analyst.post('/api/v1/outcomes', { body: { event_id: e.body.id, kind: 'recommendation', text: 'Exchange early warnings', distribution: 'network' } });
  assert.equal(o.status, 201, o.text);
  const a = await u.analyst.post('/api/v1/actions', { body: { outcome_id: o.body.id, title: 'Name contact points', owner_org_id: orgs.police, due_on: iso(Date.now() + 3 * DAY), distribution: 'network' } });
  assert.equal(a.status, 201, a.text);
  const later = await u.analyst.post('/api/v1/actions', { body: { outcome_id: o.body.id, title: 'Draft the protocol', owner_org_id: orgs.police, due_on: iso(Date.now() + 30 * DAY), distribution: 'network' } });
  assert.equal(later.status, 201, later.text);
  deadlines();
  let due = await inbox(u.officer, '?kind=action_due');
  assert.deepEqual(due.map((i) => i.ref_id), [a.body.id], 'only the action due within 7 days');
  assert.equal(due[0].title, 'Name contact points');
  assert.equal(due[0].ref_type, 'action');
  assert.equal((await inbox(u.analyst, '?kind=action_due')).length, 0, 'the owner organisation follows it up');
  deadlines();
  assert.equal((await inbox(u.officer, '?kind=action_due')).length, 1, 'once');
  deadlines(Date.now() + 5 * DAY);
  const over = await inbox(u.chief, '?kind=action_overdue');
  assert.deepEqual(over.map((i) => i.ref_id), [a.body.id]);
  deadlines(Date.now() + 6 * DAY);
  assert.equal((await inbox(u.chief, '?kind=action_overdue')).length, 1, 'once');
  assert.equal((await u.officer.get('/api/v1/inbox?ref_type=action')).status, 200);
  // the action deleted: its items go with it, from every inbox
  const cur = await u.analyst.get(`/api/v1/actions/${a.body.id}`);
  const del = await u.analyst.del(`/api/v1/actions/${a.body.id}`, { headers: { 'If-Match': cur.headers.get('etag') } });
  assert.equal(del.status, 204, del.text);
  for (const who of [u.officer, u.chief]) {
    const left = (await who.get('/api/v1/inbox?ref_type=action&limit=500')).body.items;
    assert.deepEqual(left.filter((i) => i.ref_id === a.body.id), [], 'no item of a deleted action');
  }
});

test('every item is named: a tip by its reference, an alert by its title; filters accept the new kinds', async () => {
  const t = await request(srv.base, 'POST', '/api/v1/public/tips', { body: { category: 'public_drug_use', description: 'Used needles near the playground in the park.', country: 'AT', lat: 48.2082, lon: 16.3738, ...(await solve(srv.base)) } });
  assert.equal(t.status, 201, t.text);
  const [item] = await inbox(u.officer, '?kind=tip_routed');
  assert.ok(item, 'the tip reaches the police');
  const tip = await u.officer.get(`/api/v1/tips/${item.ref_id}`);
  assert.match(tip.body.reference, /^AT-\d{4}-\d{6}$/);
  assert.equal(item.title, tip.body.reference);
  assert.ok(!JSON.stringify(item).includes('playground'));
  // an alert of a subscription: its title, until the reader may no longer see it
  assert.equal((await u.officer.post('/api/v1/subscriptions', { body: { record_type: 'alert', categories: ['new_substance'], delivery: 'inbox' } })).status, 201);
  const a = await u.analyst.post('/api/v1/alerts', { body: { title: 'Nitazene tablets sold as oxycodone', category: 'new_substance', tlp: 'green', distribution: 'network', status: 'published' } });
  assert.equal(a.status, 201, a.text);
  let [al] = await inbox(u.officer, '?kind=alert');
  assert.equal(al.ref_id, a.body.id);
  assert.equal(al.title, 'Nitazene tablets sold as oxycodone');
  const narrowed = await u.analyst.patch(`/api/v1/alerts/${a.body.id}`, { body: { distribution: 'organisation' }, headers: { 'If-Match': a.headers.get('etag') } });
  assert.equal(narrowed.status, 200, narrowed.text);
  [al] = await inbox(u.officer, '?kind=alert');
  assert.equal(al.title, null);
  assert.equal(al.link, `/alerts/${a.body.id}`);
  // an item of a kind or type the server does not know is a 400 naming it
  const bad = await u.officer.get('/api/v1/inbox?kind=referral_lost');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.errors[0].field, 'kind');
  for (const k of ['referral_deadline', 'referral_overdue', 'referral_escalated', 'referral_expired', 'action_due', 'action_overdue']) {
    assert.equal((await u.officer.get(`/api/v1/inbox?kind=${k}`)).status, 200, k);
  }
});
