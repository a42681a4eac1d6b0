// Early-warning signals: `trellis detect` stores a signal for the
// organisations responsible for the area when the latest week alarms, marks
// the next week's as continuing it, shows record ids only to those who may
// see the records; acknowledge / dismiss with If-Match; the scheduler of
// `trellis serve` runs the same detection.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cli, cliUser, assertProblem } from './lib.mjs';

const WEEK = 7 * 86400000;
const MONDAY = Date.parse('2026-01-05T00:00:00Z');
const iso = (ms) => new Date(ms).toISOString();
let srv, root, police, ministry, partner, berlin, orgs = {};
const created = {}; // week -> [{id, distribution}]

async function user(org, role, email) {
  const r = await root.post('/api/v1/users', { body: { email, name: email, org_id: org, role } });
  assert.equal(r.status, 201, r.text);
  return client(srv.base, { token: cli(['token', 'create', '--email', email, '--db', srv.db.url]).stdout.trim() });
}

// n alerts of the ministry in week w (0 = 2026-01-05), every third one
// visible to its organisation only
async function seed(w, n, base = MONDAY) {
  created[w] = [];
  for (let i = 0; i < n; i++) {
    const distribution = i % 3 === 2 ? 'organisation' : 'network';
    const r = await ministry.post('/api/v1/alerts', { body: {
      title: `w${w} #${i}`, category: 'overdose_cluster', tlp: 'amber', distribution, status: 'published',
      location: { lat: 48.2 + i * 0.001, lon: 16.37 }, observed_from: iso(base + w * WEEK + 3600000 * (i + 1)),
    } });
    assert.equal(r.status, 201, r.text);
    created[w].push({ id: r.body.id, distribution });
  }
}
const detect = (at) => {
  const r = cli(['detect', '--db', srv.db.url, '--at', at]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
};

before(async () => {
  srv = await startServer({ env: { TRELLIS_DETECT_INTERVAL_S: '0' } });
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const mk = async (name, kind, country) => (await root.post('/api/v1/organisations', { body: { name, kind, country } })).body.id;
  orgs.police = await mk('Vienna Police', 'police', 'AT');
  orgs.ministry = await mk('Austrian Ministry of Health', 'ministry_health', 'AT');
  orgs.berlin = await mk('Berlin Police', 'police', 'DE');
  police = await user(orgs.police, 'officer', 'officer@police.at');
  partner = await user(orgs.police, 'partner', 'partner@police.at');
  ministry = await user(orgs.ministry, 'analyst', 'analyst@ministry.at');
  berlin = await user(orgs.berlin, 'analyst', 'analyst@police.de');
  const base = [1, 2, 1, 1, 2, 1, 2, 1, 1, 2, 1, 2];
  for (let w = 0; w < base.length; w++) await seed(w, base[w]);
  await seed(12, 9);
  await seed(13, 12);
});
after(async () => { await srv?.stop(); });

let first;
test('detect stores a signal for the police of the area, with the records behind it', async () => {
  const run = detect('2026-04-08T12:00:00Z'); // week 13 (2026-04-06)
  assert.ok(run.created >= 1 && run.alarms >= 1, JSON.stringify(run));
  const list = await police.get('/api/v1/signals');
  assert.equal(list.status, 200, list.text);
  assert.equal(list.body.items.length, 1, list.text);
  first = list.body.items[0];
  assert.equal(first.method, 'ears_c3');
  assert.equal(first.source, 'alerts');
  assert.equal(first.country, 'AT');
  assert.equal(first.category, 'overdose_cluster');
  assert.equal(first.org_id, orgs.police);
  assert.equal(first.period_start, '2026-04-06T00:00:00Z');
  assert.equal(first.observed, 12);
  assert.equal(first.status, 'new');
  assert.equal(first.continues, null);
  assert.ok(first.upperbound < 12 && first.score > 0);
  // the police see only the records they may see; the ministry all of them
  const visible = created[13].filter((a) => a.distribution === 'network').map((a) => a.id).sort();
  assert.deepEqual([...first.record_ids].sort(), visible);
  const m = await ministry.get(`/api/v1/signals/${first.id}`);
  assert.equal(m.status, 200, 'analysts see the signals of their country');
  assert.deepEqual([...m.body.record_ids].sort(), created[13].map((a) => a.id).sort());
  assert.equal((await berlin.get(`/api/v1/signals/${first.id}`)).status, 404);
  assert.equal((await berlin.get('/api/v1/signals')).body.items.length, 0);
  // the same week again: nothing new
  const again = detect('2026-04-09T12:00:00Z');
  assert.equal(again.created, 0, JSON.stringify(again));
  assert.equal((await police.get('/api/v1/signals')).body.items.length, 1);
});

test('the next week alarming continues the signal', async () => {
  await seed(14, 14);
  const run = detect('2026-04-15T12:00:00Z');
  assert.ok(run.created >= 1 && run.continued >= 1, JSON.stringify(run));
  const list = await police.get('/api/v1/signals?method=ears_c3');
  assert.equal(list.body.items.length, 2);
  const next = list.body.items.find((s) => s.id !== first.id);
  assert.equal(next.continues, first.id);
  assert.equal(next.period_start, '2026-04-13T00:00:00Z');
});

test('acknowledge and dismiss with If-Match and a reason', async () => {
  let g = await police.get(`/api/v1/signals/${first.id}`);
  const etag = g.headers.get('etag');
  assertProblem(assert, await police.patch(`/api/v1/signals/${first.id}`, { body: { status: 'acknowledged' } }), 428);
  // acknowledging says what is being done (issue 14)
  assertProblem(assert, await police.patch(`/api/v1/signals/${first.id}`, { body: { status: 'acknowledged' }, headers: { 'If-Match': etag } }), 400, 'comment');
  assertProblem(assert, await police.patch(`/api/v1/signals/${first.id}`, { body: { status: 'acknowledged', comment: '' }, headers: { 'If-Match': etag } }), 400, 'comment');
  const ack = await police.patch(`/api/v1/signals/${first.id}`, { body: { status: 'acknowledged', comment: 'patrols near the station this week' }, headers: { 'If-Match': etag } });
  assert.equal(ack.status, 200, ack.text);
  assert.equal(ack.body.status, 'acknowledged');
  assert.equal(ack.body.status_comment, 'patrols near the station this week');
  assert.deepEqual(ack.body.can, { acknowledge: false, dismiss: true });
  assertProblem(assert, await police.patch(`/api/v1/signals/${first.id}`, { body: { status: 'dismissed', dismissal_reason: 'x y z' }, headers: { 'If-Match': etag } }), 412);
  const etag2 = ack.headers.get('etag');
  assertProblem(assert, await police.patch(`/api/v1/signals/${first.id}`, { body: { status: 'dismissed' }, headers: { 'If-Match': etag2 } }), 400, 'dismissal_reason');
  assertProblem(assert, await police.patch(`/api/v1/signals/${first.id}`, { body: { status: 'closed' }, headers: { 'If-Match': etag2 } }), 400, 'status');
  assertProblem(assert, await partner.patch(`/api/v1/signals/${first.id}`, { body: { status: 'acknowledged', comment: 'x' }, headers: { 'If-Match': etag2 } }), 403);
  assertProblem(assert, await ministry.patch(`/api/v1/signals/${first.id}`, { body: { status: 'acknowledged', comment: 'x' }, headers: { 'If-Match': etag2 } }), 403);
  assertProblem(assert, await berlin.patch(`/api/v1/signals/${first.id}`, { body: { status: 'acknowledged', comment: 'x' }, headers: { 'If-Match': etag2 } }), 404);
  const dis = await police.patch(`/api/v1/signals/${first.id}`, { body: { status: 'dismissed', dismissal_reason: 'a festival weekend, known' }, headers: { 'If-Match': etag2 } });
  assert.equal(dis.status, 200, dis.text);
  assert.equal(dis.body.dismissal_reason, 'a festival weekend, known');
  assertProblem(assert, await police.patch(`/api/v1/signals/${first.id}`, { body: { status: 'acknowledged', comment: 'x' }, headers: { 'If-Match': dis.headers.get('etag') } }), 409, 'status');
  const dismissed = await police.get('/api/v1/signals?status=dismissed');
  assert.deepEqual(dismissed.body.items.map((s) => s.id), [first.id]);
  assertProblem(assert, await police.get('/api/v1/signals?status=gone'), 400, 'status');
  const audit = await root.get(`/api/v1/audit?resource_id=${first.id}`);
  if (audit.status === 200) assert.ok(audit.body.items.some((e) => e.action === 'dismiss'));
});

test('the scheduler of serve runs the detection', async () => {
  const s2 = await startServer({ env: { TRELLIS_DETECT_INTERVAL_S: '1' } });
  try {
    const r2 = client(s2.base, { token: cliUser(s2, { email: 'root@example.org' }).token });
    const org = (await r2.post('/api/v1/organisations', { body: { name: 'Lyon Police', kind: 'police', country: 'FR' } })).body.id;
    assert.equal((await r2.post('/api/v1/users', { body: { email: 'o@police.fr', name: 'o', org_id: org, role: 'officer' } })).status, 201);
    const officer = client(s2.base, { token: cli(['token', 'create', '--email', 'o@police.fr', '--db', s2.db.url]).stdout.trim() });
    const now = Date.now(), week = (k) => now - k * WEEK;
    const counts = [1, 1, 2, 1, 1, 2, 1, 1, 1, 2, 10, 12]; // oldest first; the last is this week
    for (let k = 0; k < counts.length; k++)
      for (let i = 0; i < counts[k]; i++) {
        const r = await officer.post('/api/v1/alerts', { body: {
          title: `fr ${k}/${i}`, category: 'street_distribution', tlp: 'green', distribution: 'country', status: 'published',
          observed_from: iso(Math.min(week(counts.length - 1 - k), now - 60000)) } });
        assert.equal(r.status, 201, r.text);
      }
    let items = [];
    for (let i = 0; i < 40 && items.length === 0; i++) {
      await new Promise((res) => setTimeout(res, 250));
      items = (await officer.get('/api/v1/signals')).body.items;
    }
    assert.ok(items.length >= 1, 'no signal from the scheduler');
    assert.equal(items[0].country, 'FR');
  } finally {
    await s2.stop();
  }
});
