// Federation of more than alerts: three instances A, B, C on loopback,
// peered A–B and B–C. A's published practices, federated proposals with
// their endorsements, federated activities, and the sightings and comments
// of a federated alert reach C through B, read-only under A's organisation;
// drafts and network records never leave A; an edit arrives; narrowing
// sends a tombstone and B and C drop the record.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cli, client, cliUser, sql } from './lib.mjs';
import { node, peer, link, until, head, alertBody } from './fed_lib.mjs';

let A, B, C;
let publishedPractice;
const orgs = {};
const u = {};

async function addUser(email, org, role = 'analyst', reviewer = false) {
  const r = await A.api.post('/api/v1/users', { body: { email, name: email, org_id: org, role, reviewer } });
  assert.equal(r.status, 201, r.text);
  const token = cli(['token', 'create', '--email', email, '--db', A.db.url]).stdout.trim();
  return client(A.srv.base, { token });
}

before(async () => {
  [A, B, C] = await Promise.all([node('a'), node('b'), node('c')]);
  link(A, B);
  link(B, C);
  const mk = async (name, kind, country) => {
    const r = await A.api.post('/api/v1/organisations', { body: { name, kind, country } });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  };
  orgs.r1 = await mk('Vienna Police', 'police', 'AT');
  orgs.r2 = await mk('Berlin Police', 'police', 'DE');
  u.r1 = await addUser('reviewer@vienna.example', orgs.r1, 'analyst', true);
  u.r2 = await addUser('reviewer@berlin.example', orgs.r2, 'analyst', true);
});
after(async () => { await Promise.all([A, B, C].map((n) => n?.srv.stop())); });

const seen = (n, path, pred = () => true) => async () => {
  const r = await n.api.get(path);
  return r.status === 200 && pred(r.body) ? r.body : null;
};
const gone = (n, path) => async () => (await n.api.get(path)).status === 404;

const practice = (over = {}) => ({
  title: 'Strengthening Families 10-14', summary: 'Seven sessions for parents and children',
  origin_country: 'FR', target_group: 'families with children aged 10 to 14', setting: 'family',
  approach: 'skills training', evidence_level: 'beneficial', evidence_rationale: 'two RCTs',
  evaluation_design: 'rct', evaluation_findings: 'less early alcohol use',
  resources_needed: 'two facilitators', lessons_learned: 'evening sessions failed to recruit fathers',
  language: 'fr', links: ['https://example.org/sfp'], ...over,
});

const activity = (over = {}) => ({
  title: 'School prevention talks', type: 'school_prevention', setting: 'school',
  area_country: 'AT', lat: 48.2, lon: 16.37, radius_km: 5,
  start: '2026-01-01', end: '2026-04-01', status: 'active',
  age_min: 12, age_max: 16, gender: 'all', distribution: 'federation', tlp: 'green', ...over,
});

/* An alert of A made after the others: once it is on C, what A wrote
 * before it has been pulled by B and C. */
async function marker(title) {
  const m = await A.api.post('/api/v1/alerts', { body: alertBody({ title }) });
  assert.equal(m.status, 201, m.text);
  await until(seen(C, `/api/v1/alerts/${m.body.id}`), `${title} on C`);
}

test('a published practice of A reaches C through B; a draft never leaves A', async () => {
  const c = await A.api.post('/api/v1/practices', { body: practice() });
  assert.equal(c.status, 201, c.text);
  const id = c.body.id;
  await marker('after the draft practice');
  for (const n of [B, C]) assert.equal((await n.api.get(`/api/v1/practices/${id}`)).status, 404);
  const s = await A.api.patch(`/api/v1/practices/${id}`, { body: { status: 'submitted' }, headers: { 'If-Match': '"1"' } });
  assert.equal(s.status, 200, s.text);
  assert.equal((await u.r1.post(`/api/v1/practices/${id}/reviews`, { body: { verdict: 'verify' } })).status, 201);
  const v2 = await u.r2.post(`/api/v1/practices/${id}/reviews`, { body: { verdict: 'verify' } });
  assert.equal(v2.body.status, 'published', v2.text);
  publishedPractice = id;
  const onC = await until(seen(C, `/api/v1/practices/${id}`), 'the practice on C');
  const onB = await until(seen(B, `/api/v1/practices/${id}`), 'the practice on B');
  for (const p of [onB, onC]) {
    assert.equal(p.title, practice().title);
    assert.equal(p.org_id, A.org);
    assert.equal(p.status, 'published');
    assert.deepEqual(p.links, practice().links);
  }
  // the receiver shows it under A's organisation, as a remote one
  const org = await C.api.get(`/api/v1/organisations/${A.org}`);
  assert.equal(org.status, 200);
  assert.equal(org.body.origin_node, A.id);
  assert.equal((await A.api.get(`/api/v1/organisations/${A.org}`)).body.origin_node, null);
  // read-only there: C's admin cannot change it
  const p = await C.api.patch(`/api/v1/practices/${id}`, { body: { summary: 'changed on C' }, headers: { 'If-Match': `"${onC.version}"` } });
  assert.ok(p.status >= 400 && p.status < 500, p.text);
});

test("C, which does not peer with A, names A's node as B does (the name travels in B's signed bundle)", async () => {
  // B's page of A's practice named A's node; C pinned A's key through B
  const org = await until(seen(C, `/api/v1/organisations/${A.org}`, (x) => x.origin_node_name), "A's node named on C");
  assert.equal(org.origin_node, A.id);
  assert.equal(org.origin_node_name, 'a', "B's name for A");
  // a direct peer is named by this node's operator, not by what peers say
  assert.equal((await B.api.get(`/api/v1/organisations/${A.org}`)).body.origin_node_name, 'a');
  assert.equal(sql(B.srv, `SELECT COUNT(*) FROM fed_nodes WHERE node_id = '${A.id}'`).trim(), '0');
  for (const o of [orgs.r1, orgs.r2]) {
    const r = await until(seen(C, `/api/v1/organisations/${o}`), 'a reviewer organisation on C');
    assert.equal(r.origin_node_name, 'a');
  }
});

test('a federated activity reaches C, an edit arrives, narrowing drops it on B and C; a network one never leaves A', async () => {
  const net = await A.api.post('/api/v1/activities', { body: activity({ title: 'Network only', distribution: 'network' }) });
  assert.equal(net.status, 201, net.text);
  const ring = [[16.3, 48.1], [16.4, 48.1], [16.4, 48.3], [16.3, 48.1]];
  const r = await A.api.post('/api/v1/activities', { body: activity({ polygon: ring }) });
  assert.equal(r.status, 201, r.text);
  const path = `/api/v1/activities/${r.body.id}`;
  const onC = await until(seen(C, path), 'the activity on C');
  assert.equal(onC.org_id, A.org);
  assert.deepEqual(onC.polygon, ring);
  assert.equal(onC.title, activity().title);
  assert.equal(onC.area_country, 'AT');
  for (const n of [B, C]) assert.equal((await n.api.get(`/api/v1/activities/${net.body.id}`)).status, 404);
  const e = await A.api.patch(path, { body: { title: 'School prevention talks, second term', reached_female: 12 }, headers: { 'If-Match': '"1"' } });
  assert.equal(e.status, 200, e.text);
  const edited = await until(seen(C, path, (x) => x.version === 2), 'version 2 on C');
  assert.equal(edited.title, 'School prevention talks, second term');
  assert.equal(edited.reached_female, 12);
  const n = await A.api.patch(path, { body: { distribution: 'network' }, headers: { 'If-Match': '"2"' } });
  assert.equal(n.status, 200, n.text);
  await until(gone(B, path), 'the activity gone from B');
  await until(gone(C, path), 'the activity gone from C');
  const list = await C.api.get('/api/v1/activities?limit=500');
  assert.ok(!list.body.items.some((x) => x.id === r.body.id));
});

test('a federated proposal of A and its endorsement reach C; a network one never leaves A', async () => {
  const net = await A.api.post('/api/v1/proposals', { body: { title: 'Network proposal', description: 'x', distribution: 'network' } });
  assert.equal(net.status, 201, net.text);
  const c = await A.api.post('/api/v1/proposals', { body: {
    title: 'Joint family-skills roll-out', description: 'train facilitators together',
    countries: ['FR', 'AT'], distribution: 'federation',
  } });
  assert.equal(c.status, 201, c.text);
  const id = c.body.id;
  const path = `/api/v1/proposals/${id}`;
  await marker('after the draft proposal');
  assert.equal((await C.api.get(path)).status, 404, 'drafts stay home');
  for (const p of [net.body.id]) {
    assert.equal((await A.api.patch(`/api/v1/proposals/${p}`, { body: { status: 'open' }, headers: { 'If-Match': '"1"' } })).status, 200);
  }
  const open = await A.api.patch(path, { body: { status: 'open' }, headers: { 'If-Match': '"1"' } });
  assert.equal(open.status, 200, open.text);
  const onC = await until(seen(C, path), 'the proposal on C');
  assert.equal(onC.org_id, A.org);
  assert.equal(onC.status, 'open');
  assert.deepEqual(onC.countries, ['FR', 'AT']);
  const end = await u.r1.post(`${path}/endorsements`, { body: { comment: 'Vienna will host a session' } });
  assert.equal(end.status, 201, end.text);
  const withE = await until(seen(C, path, (x) => x.endorsements?.length === 1), 'the endorsement on C');
  assert.equal(withE.endorsements[0].org_id, orgs.r1);
  assert.equal((await C.api.get(`/api/v1/organisations/${orgs.r1}`)).status, 200);
  for (const n of [B, C]) assert.equal((await n.api.get(`/api/v1/proposals/${net.body.id}`)).status, 404);
  // C's organisation endorses the copy: the endorsement travels to A
  const onCe = await C.api.post(`${path}/endorsements`, { body: { comment: 'C joins' } });
  assert.equal(onCe.status, 201, onCe.text);
  const onA = await until(seen(A, path, (x) => x.endorsements?.length === 2), "C's endorsement on A");
  assert.ok(onA.endorsements.some((x) => x.org_id === C.org));
  // a copy changes only at its origin: a reviewer on C does not verify it
  const cOrg = (await C.api.post('/api/v1/organisations', { body: { name: 'Rome Police', kind: 'police', country: 'IT' } })).body.id;
  const rev = await C.api.post('/api/v1/users', { body: { email: 'reviewer@rome.example', name: 'r', org_id: cOrg, role: 'analyst', reviewer: true } });
  assert.equal(rev.status, 201, rev.text);
  const revApi = client(C.srv.base, { token: cli(['token', 'create', '--email', 'reviewer@rome.example', '--db', C.db.url]).stdout.trim() });
  const verify = await revApi.post(`${path}/reviews`, { body: { verdict: 'verify' } });
  assert.equal(verify.status, 409, verify.text);
  assert.equal((await C.api.get(path)).body.status, 'open');
  // narrowed: B and C drop it with its endorsement
  const v = (await A.api.get(path)).headers.get('etag');
  const nar = await A.api.patch(path, { body: { distribution: 'network' }, headers: { 'If-Match': v } });
  assert.equal(nar.status, 200, nar.text);
  await until(gone(C, path), 'the proposal gone from C');
  assert.equal((await B.api.get(path)).status, 404);
});

test('a sighting and a comment added on A reach C with their alert', async () => {
  const r = await A.api.post('/api/v1/alerts', { body: alertBody({ title: 'Sighted alert' }) });
  assert.equal(r.status, 201, r.text);
  const path = `/api/v1/alerts/${r.body.id}`;
  await until(seen(C, path), 'the alert on C');
  const s = await u.r1.post(`${path}/sightings`, { body: { type: 'seen', place_name: 'Vienna', count: 3 } });
  assert.equal(s.status, 201, s.text);
  const cm = await A.api.post(`${path}/comments`, { body: { body: 'Also seen in Graz.', distribution: 'federation' } });
  assert.equal(cm.status, 201, cm.text);
  const sC = await until(seen(C, `${path}/sightings`, (x) => x.items?.length === 1), 'the sighting on C');
  assert.equal(sC.items[0].org_id, orgs.r1);
  assert.equal(sC.items[0].count, 3);
  const cC = await until(seen(C, `${path}/comments`, (x) => x.items?.length === 1), 'the comment on C');
  assert.equal(cC.items[0].body, 'Also seen in Graz.');
  // an edit of the alert later does not send them twice
  const e = await A.api.patch(path, { body: { title: 'Sighted alert, edited' }, headers: { 'If-Match': '"1"' } });
  assert.equal(e.status, 200, e.text);
  await until(seen(C, path, (x) => x.version === 2), 'version 2 on C');
  assert.equal((await C.api.get(`${path}/sightings`)).body.items.length, 1);
  assert.equal((await C.api.get(`${path}/comments`)).body.items.length, 1);
});

test('a sighting made while its alert stayed home goes along when the alert is widened to federation', async () => {
  const r = await A.api.post('/api/v1/alerts', { body: alertBody({ title: 'Home first', distribution: 'network' }) });
  assert.equal(r.status, 201, r.text);
  const path = `/api/v1/alerts/${r.body.id}`;
  const s = await u.r2.post(`${path}/sightings`, { body: { type: 'seen', place_name: 'Berlin', count: 2 } });
  assert.equal(s.status, 201, s.text);
  await marker('after the network alert and its sighting');
  assert.equal((await C.api.get(path)).status, 404);
  const w = await A.api.patch(path, { body: { distribution: 'federation' }, headers: { 'If-Match': '"1"' } });
  assert.equal(w.status, 200, w.text);
  const sC = await until(seen(C, `${path}/sightings`, (x) => x.items?.length === 1), 'the older sighting on C');
  assert.equal(sC.items[0].org_id, orgs.r2);
  assert.equal(sC.items[0].place_name, 'Berlin');
});

test('copies carry who reviewed a practice and who verified a proposal, as remote organisations', async () => {
  const onC = await until(seen(C, `/api/v1/practices/${publishedPractice}`, (x) => x.reviews?.length === 2), 'the reviews on C');
  assert.deepEqual(onC.reviews.map((r) => r.org_id).sort(), [orgs.r1, orgs.r2].sort());
  assert.ok(onC.reviews.every((r) => r.verdict === 'verify' && r.reviewer_id === null));
  for (const o of [orgs.r1, orgs.r2]) {
    const org = await C.api.get(`/api/v1/organisations/${o}`);
    assert.equal(org.status, 200, org.text);
    assert.equal(org.body.origin_node, A.id, 'a remote organisation of A');
  }
  const pr = await A.api.post('/api/v1/proposals', { body: { title: 'To verify', description: 'x', distribution: 'federation', status: 'open' } });
  assert.equal(pr.status, 201, pr.text);
  const path = `/api/v1/proposals/${pr.body.id}`;
  const v = await u.r2.post(`${path}/reviews`, { body: { verdict: 'verify' } });
  assert.equal(v.status, 201, v.text);
  assert.equal(v.body.verified_org_id, orgs.r2);
  const copy = await until(seen(C, path, (x) => x.status === 'verified'), 'the verified proposal on C');
  assert.equal(copy.verified_org_id, orgs.r2);
  assert.equal(copy.verified_by, null, 'the reviewer is a user of A, not known on C');
  assert.equal((await B.api.get(path)).body.verified_org_id, orgs.r2);
});

test('a changed endorsement comment travels again with a new version; the same comment is a no-op', async () => {
  const pr = await A.api.post('/api/v1/proposals', { body: { title: 'Endorsed and changed', description: 'x', distribution: 'federation', status: 'open' } });
  assert.equal(pr.status, 201, pr.text);
  const path = `/api/v1/proposals/${pr.body.id}`;
  assert.equal((await u.r1.post(`${path}/endorsements`, { body: { comment: 'Vienna may host' } })).status, 201);
  const first = await until(seen(C, path, (x) => x.endorsements?.length === 1), 'the endorsement on C');
  assert.equal(first.endorsements[0].comment, 'Vienna may host');
  assert.equal(first.endorsements[0].version, 1);
  const ch = await u.r1.patch(`${path}/endorsements`, { body: { comment: 'Vienna will host in May' } });
  assert.equal(ch.status, 200, ch.text);
  assert.equal(ch.body.endorsements[0].version, 2);
  const onC = await until(seen(C, path, (x) => x.endorsements?.[0]?.comment === 'Vienna will host in May'), 'the changed endorsement on C');
  assert.equal(onC.endorsements[0].version, 2);
  assert.equal((await B.api.get(path)).body.endorsements[0].comment, 'Vienna will host in May');
  // the same comment again: no new version, nothing new to send
  const h = head(A);
  const same = await u.r1.patch(`${path}/endorsements`, { body: { comment: 'Vienna will host in May' } });
  assert.equal(same.status, 200, same.text);
  assert.equal(same.body.endorsements[0].version, 2);
  assert.equal(head(A), h, 'no new change number');
  // an organisation that has not endorsed it has nothing to change; a copy changes at its origin only
  assert.equal((await u.r2.patch(`${path}/endorsements`, { body: { comment: 'x' } })).status, 404);
  assert.equal((await A.api.patch(`${path}/endorsements`, { body: { comment: 'x' } })).status, 404);
});

test('the owner reads "received by" for practices, proposals and activities as for alerts', async () => {
  const act = await A.api.post('/api/v1/activities', { body: activity({ title: 'Received activity' }) });
  assert.equal(act.status, 201, act.text);
  const pr = await A.api.post('/api/v1/proposals', { body: { title: 'Received proposal', description: 'x', distribution: 'federation' } });
  assert.equal(pr.status, 201, pr.text);
  assert.equal((await A.api.patch(`/api/v1/proposals/${pr.body.id}`, { body: { status: 'open' }, headers: { 'If-Match': '"1"' } })).status, 200);
  await until(seen(C, `/api/v1/activities/${act.body.id}`), 'the activity on C');
  await until(seen(C, `/api/v1/proposals/${pr.body.id}`), 'the proposal on C');
  for (const path of [`/api/v1/practices/${publishedPractice}`, `/api/v1/proposals/${pr.body.id}`, `/api/v1/activities/${act.body.id}`]) {
    const rb = await A.api.get(`${path}/received-by`);
    assert.equal(rb.status, 200, rb.text);
    assert.deepEqual(rb.body.items.map((x) => x.node_id), [B.id], path);
    assert.equal(rb.body.items[0].op, 'upsert');
    assert.equal(rb.body.items[0].name, 'b');
    // B holds a copy of A's organisation's record: not B's to read
    assert.equal((await B.api.get(`${path}/received-by`)).status, 403, path);
    // another organisation on A, which sees the record, is not its owner
    assert.equal((await u.r1.get(`${path}/received-by`)).status, 403, path);
  }
  assert.equal((await A.api.get('/api/v1/activities/00000000-0000-7000-8000-000000000000/received-by')).status, 404);
  assert.equal((await A.api.get('/api/v1/proposals/nope/received-by')).status, 404);
  assert.ok((await A.api.get('/api/v1/me')).body.can.delivery.includes('read'));
  // narrowed, the ledger says tombstone
  const v = (await A.api.get(`/api/v1/activities/${act.body.id}`)).headers.get('etag');
  assert.equal((await A.api.patch(`/api/v1/activities/${act.body.id}`, { body: { distribution: 'network' }, headers: { 'If-Match': v } })).status, 200);
  await until(gone(C, `/api/v1/activities/${act.body.id}`), 'the narrowed activity gone from C');
  const after = await A.api.get(`/api/v1/activities/${act.body.id}/received-by`);
  assert.equal(after.body.items[0].op, 'tombstone');
});

/* Sharing groups, for every type alike: A–C peered directly too (a
 * group's records go from their origin to the nodes of its members). */
test('a proposal and an activity of a sharing group with an organisation on C and not on B reach C only, seen there by that organisation; an empty group shares with nobody until a member joins', async () => {
  link(C, A);
  const hello = await C.api.post('/api/v1/alerts', { body: alertBody({ title: 'C says hello' }) });
  assert.equal(hello.status, 201, hello.text);
  await until(seen(A, `/api/v1/alerts/${hello.body.id}`), "C's alert on A");
  const g = await A.api.post('/api/v1/sharing-groups', { body: { name: 'A and C', members: [C.org] } });
  assert.equal(g.status, 201, g.text);
  const empty = await A.api.post('/api/v1/sharing-groups', { body: { name: 'A alone', members: [] } });
  assert.equal(empty.status, 201, empty.text);
  const p = await A.api.post('/api/v1/proposals', { body: {
    title: 'Group proposal', description: 'for A and C only', distribution: 'sharing_group', sharing_group_id: g.body.id,
  } });
  assert.equal(p.status, 201, p.text);
  const pPath = `/api/v1/proposals/${p.body.id}`;
  assert.equal((await A.api.patch(pPath, { body: { status: 'open' }, headers: { 'If-Match': '"1"' } })).status, 200);
  const act = await A.api.post('/api/v1/activities', { body: activity({ title: 'Group activity', distribution: 'sharing_group', sharing_group_id: g.body.id }) });
  assert.equal(act.status, 201, act.text);
  const lone = await A.api.post('/api/v1/activities', { body: activity({ title: 'Lone activity', distribution: 'sharing_group', sharing_group_id: empty.body.id }) });
  assert.equal(lone.status, 201, lone.text);
  const aPath = `/api/v1/activities/${act.body.id}`;
  const onC = await until(seen(C, pPath), 'the group proposal on C');
  assert.equal(onC.distribution, 'sharing_group');
  assert.equal(onC.sharing_group_id, g.body.id);
  const actC = await until(seen(C, aPath), 'the group activity on C');
  assert.equal(actC.sharing_group_id, g.body.id);
  await marker('after the group records');
  await until(seen(B, `/api/v1/alerts/${hello.body.id}`), 'the hello on B');
  for (const id of [p.body.id, act.body.id, lone.body.id]) {
    for (const t of ['proposals', 'activities']) assert.equal(sql(B.srv, `SELECT COUNT(*) FROM ${t} WHERE id = '${id}'`).trim(), '0', 'never on B');
  }
  assert.equal(sql(C.srv, `SELECT COUNT(*) FROM activities WHERE id = '${lone.body.id}'`).trim(), '0', 'an empty group shares with nobody');
  // another organisation on C does not see them
  const other = cliUser(C.srv, { email: 'viewer2@c.example.org', role: 'viewer', org: 'unodc' });
  const viewer = client(C.srv.base, { token: other.token });
  assert.equal((await viewer.get(pPath)).status, 404);
  assert.equal((await viewer.get(aPath)).status, 404);
  assert.ok(!(await viewer.get('/api/v1/activities?limit=500')).body.items.some((x) => x.id === act.body.id));
  // C's organisation endorses the group proposal there: the endorsement goes to A
  const e = await C.api.post(`${pPath}/endorsements`, { body: { comment: 'C is in' } });
  assert.equal(e.status, 201, e.text);
  await until(seen(A, pPath, (x) => x.endorsements?.some((y) => y.org_id === C.org)), "C's endorsement on A");
  // C joins the empty group: it receives what the group holds; leaves: it loses it
  const change = async (body) => {
    const cur = await A.api.get(`/api/v1/sharing-groups/${empty.body.id}`);
    const r = await A.api.patch(`/api/v1/sharing-groups/${empty.body.id}`, { body, headers: { 'If-Match': cur.headers.get('etag') } });
    assert.equal(r.status, 200, r.text);
  };
  const lPath = `/api/v1/activities/${lone.body.id}`;
  await change({ add_members: [C.org] });
  assert.equal((await until(seen(C, lPath), 'the lone activity on C after C joined')).title, 'Lone activity');
  await change({ remove_members: [C.org] });
  await until(gone(C, lPath), 'the lone activity gone from C after C left');
  assert.equal(sql(B.srv, `SELECT COUNT(*) FROM activities WHERE id = '${lone.body.id}'`).trim(), '0', 'never through B');
  // the group proposal narrowed to A's organisation: C drops it
  const v = (await A.api.get(pPath)).headers.get('etag');
  assert.equal((await A.api.patch(pPath, { body: { distribution: 'organisation', sharing_group_id: null }, headers: { 'If-Match': v } })).status, 200);
  await until(gone(C, pPath), 'the group proposal gone from C');
});

/* "Received by" of a part of a record is read by the organisation that
 * made the part (it chose to share it), not by the owner of its alert or
 * proposal: each reads its own. */
test('the organisation of a sighting, a comment or an endorsement reads who received it; narrowed, the ledger says tombstone', async () => {
  const r = await A.api.post('/api/v1/alerts', { body: alertBody({ title: 'Parts received' }) });
  assert.equal(r.status, 201, r.text);
  const path = `/api/v1/alerts/${r.body.id}`;
  const s = await u.r1.post(`${path}/sightings`, { body: { type: 'seen', place_name: 'Linz', count: 1 } });
  assert.equal(s.status, 201, s.text);
  const cm = await u.r2.post(`${path}/comments`, { body: { body: 'Seen in Munich too.', distribution: 'federation' } });
  assert.equal(cm.status, 201, cm.text);
  const home = await u.r2.post(`${path}/comments`, { body: { body: 'Berlin only.', distribution: 'organisation' } });
  assert.equal(home.status, 201, home.text);
  const pr = await A.api.post('/api/v1/proposals', { body: { title: 'Endorsed, received', description: 'x', distribution: 'federation', status: 'open' } });
  assert.equal(pr.status, 201, pr.text);
  const pPath = `/api/v1/proposals/${pr.body.id}`;
  assert.equal((await u.r1.post(`${pPath}/endorsements`, { body: { comment: 'Vienna in' } })).status, 201);
  await until(seen(C, `${path}/sightings`, (x) => x.items?.length === 1), 'the sighting on C');
  await until(seen(C, `${path}/comments`, (x) => x.items?.length === 1), 'the comment on C');
  await until(seen(C, pPath, (x) => x.endorsements?.length === 1), 'the endorsement on C');
  const sRb = `${path}/sightings/${s.body.id}/received-by`;
  const cRb = `${path}/comments/${cm.body.id}/received-by`;
  const eRb = `${pPath}/endorsements/${orgs.r1}/received-by`;
  // every peer of A (B, and C when an earlier test peered it with A) pulls them
  const peersOf = async (n) => (await n.api.get('/api/v1/federation/peers')).body.items.map((x) => x.node_id).sort();
  const aPeers = await peersOf(A);
  assert.ok(aPeers.includes(B.id));
  const ledger = (who, p, op) => until(async () => {
    const x = await who.get(p);
    assert.equal(x.status, 200, `${p}: ${x.text}`);
    return x.body.items.length === aPeers.length && x.body.items.every((y) => y.op === op) ? x.body.items : null;
  }, `${op} of ${p} in the ledger`);
  for (const [who, p] of [[u.r1, sRb], [u.r2, cRb], [u.r1, eRb]]) {
    const items = await ledger(who, p, 'upsert');
    assert.deepEqual(items.map((x) => x.node_id), aPeers, p);
    assert.equal(items.find((x) => x.node_id === B.id).name, 'b', p);
    assert.ok(items.every((x) => x.version === 1), p);
  }
  // the owner of the alert or proposal, another organisation, a copy's holder: not theirs
  for (const [who, p] of [[A.api, sRb], [u.r2, sRb], [A.api, cRb], [u.r1, cRb], [A.api, eRb], [u.r2, eRb], [B.api, sRb], [C.api, eRb]]) {
    assert.equal((await who.get(p)).status, 403, p);
  }
  // what the caller does not see, or that is not there, is 404 (no existence leak)
  assert.equal((await A.api.get(`${path}/comments/${home.body.id}/received-by`)).status, 404);
  assert.equal((await u.r2.get(`${path}/comments/${home.body.id}/received-by`)).body.items.length, 0, 'never sent');
  assert.equal((await u.r2.get(`${pPath}/endorsements/${orgs.r2}/received-by`)).status, 404);
  assert.equal((await u.r1.get(`${path}/sightings/${cm.body.id}/received-by`)).status, 404);
  assert.equal((await u.r1.get(`/api/v1/alerts/${pr.body.id}/sightings/${s.body.id}/received-by`)).status, 404);
  assert.equal((await u.r1.get(`${path}/sightings/nope/received-by`)).status, 404);
  // C's organisation endorses the copy on C: C's ledger says B received it
  assert.equal((await C.api.post(`${pPath}/endorsements`, { body: { comment: 'C too' } })).status, 201);
  await until(seen(A, pPath, (x) => x.endorsements?.length === 2), "C's endorsement on A");
  const cPeers = await peersOf(C);
  const cE = await until(async () => {
    const x = await C.api.get(`${pPath}/endorsements/${C.org}/received-by`);
    assert.equal(x.status, 200, x.text);
    return x.body.items.length === cPeers.length ? x.body.items : null;
  }, "C's endorsement in C's ledger");
  assert.deepEqual(cE.map((x) => x.node_id), cPeers);
  assert.ok(cE.every((x) => x.op === 'upsert'));
  // narrowed: the parts go as tombstones with their parent
  const v = (await A.api.get(path)).headers.get('etag');
  assert.equal((await A.api.patch(path, { body: { distribution: 'network' }, headers: { 'If-Match': v } })).status, 200);
  const pv = (await A.api.get(pPath)).headers.get('etag');
  assert.equal((await A.api.patch(pPath, { body: { distribution: 'network' }, headers: { 'If-Match': pv } })).status, 200);
  await until(gone(C, path), 'the narrowed alert gone from C');
  await until(gone(C, pPath), 'the narrowed proposal gone from C');
  for (const [who, p] of [[u.r1, sRb], [u.r2, cRb], [u.r1, eRb]]) {
    assert.deepEqual((await ledger(who, p, 'tombstone')).map((x) => x.node_id), aPeers, p);
  }
});

/* Nodes of their own: X peers with Y and with Z, Y and Z do not peer, and
 * what X gets from Y goes no further, so Z gets no record of Y's and learns
 * Y's organisation and node only as a member of X's group. */
test("a group's member organisation of a node the receiver does not peer with shows that node as the group's origin names it", async () => {
  const [X, Y, Z] = await Promise.all([node('x'), node('y'), node('z')]);
  try {
    peer(X, { ...Y, name: 'yankee' }, ['--no-pass-along']); // X's own name for Y
    peer(Y, X);
    link(X, Z);
    // the organisations of Y and Z become known on X as remote ones
    const hello = await Y.api.post('/api/v1/alerts', { body: alertBody({ title: 'Y says hello' }) });
    assert.equal(hello.status, 201, hello.text);
    const helloZ = await Z.api.post('/api/v1/alerts', { body: alertBody({ title: 'Z says hello' }) });
    assert.equal(helloZ.status, 201, helloZ.text);
    await until(seen(X, `/api/v1/alerts/${hello.body.id}`), "Y's alert on X");
    await until(seen(X, `/api/v1/alerts/${helloZ.body.id}`), "Z's alert on X");
    const g = await X.api.post('/api/v1/sharing-groups', { body: { name: 'X, Y and Z', members: [Y.org, Z.org] } });
    assert.equal(g.status, 201, g.text);
    const grouped = await X.api.post('/api/v1/alerts', { body: alertBody({ title: 'For the group', distribution: 'sharing_group', sharing_group_id: g.body.id }) });
    assert.equal(grouped.status, 201, grouped.text);
    await until(seen(Y, `/api/v1/alerts/${grouped.body.id}`), 'the group alert on Y');
    await until(seen(Z, `/api/v1/alerts/${grouped.body.id}`), 'the group alert on Z');
    assert.equal(sql(Z.srv, `SELECT COUNT(*) FROM alerts WHERE id = '${hello.body.id}'`).trim(), '0', 'no record of Y on Z');
    const members = (await Z.api.get(`/api/v1/sharing-groups/${g.body.id}`)).body.members;
    assert.ok(members.includes(Y.org) && members.includes(Z.org), JSON.stringify(members));
    const org = await until(seen(Z, `/api/v1/organisations/${Y.org}`), "Y's organisation on Z");
    assert.equal(org.origin_node, Y.id);
    assert.equal(org.origin_node_name, 'yankee', "X's name for Y");
    // Z's own organisation is not remote there, and Y names itself nothing
    assert.equal((await Z.api.get(`/api/v1/organisations/${Z.org}`)).body.origin_node, null);
  } finally {
    await Promise.all([X, Y, Z].map((n) => n?.srv.stop()));
  }
});
