// Federation: three instances A, B, C on loopback, peered A–B and B–C.
// What A marks for federation reaches C through B, in order, with its
// retraction and narrowing; nothing else leaves A; a triangle stays quiet.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cli, sql, cliUser, client } from './lib.mjs';
import { node, link, until, head, alertBody } from './fed_lib.mjs';

let A, B, C;
before(async () => {
  [A, B, C] = await Promise.all([node('a'), node('b'), node('c')]);
  link(A, B);
  link(B, C);
});
after(async () => { await Promise.all([A, B, C].map((n) => n?.srv.stop())); });

const seen = (n, id, pred = () => true) => async () => {
  const r = await n.api.get(`/api/v1/alerts/${id}`);
  return r.status === 200 && pred(r.body) ? r.body : null;
};

test('trellis node key prints the node id and public key; peer list shows the peers', () => {
  const r = cli(['node', 'key', '--db', A.db.url]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), `${A.id} ${A.pk}`);
  assert.match(A.pk, /^[0-9a-f]{64}$/);
  const l = cli(['peer', 'list', '--db', B.db.url]);
  assert.match(l.stdout, new RegExp(A.id));
  assert.match(l.stdout, new RegExp(C.id));
  const bad = cli(['peer', 'add', '--name', 'x', '--url', 'ftp://x', '--node-id', A.id, '--public-key', A.pk, '--db', C.db.url]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--url/);
});

test('a federated alert of A reaches C through B, with its remote organisation', async () => {
  const r = await A.api.post('/api/v1/alerts', { body: alertBody({ countries: ['FR'], tags: ['tablets'], drug_form: 'pill-tablet' }) });
  assert.equal(r.status, 201, r.text);
  const onB = await until(seen(B, r.body.id), 'the alert on B');
  const onC = await until(seen(C, r.body.id), 'the alert on C');
  for (const copy of [onB, onC]) {
    assert.equal(copy.title, alertBody().title);
    assert.equal(copy.drug_form, 'pill-tablet', 'its drug form travels');
    assert.equal(copy.org_id, A.org);
    assert.equal(copy.version, 1);
    assert.deepEqual(copy.countries, ['FR']);
    assert.equal(copy.created_by, null);
  }
  const org = await C.api.get(`/api/v1/organisations/${A.org}`);
  assert.equal(org.status, 200, org.text);
  // the owner reads who received it
  const rb = await A.api.get(`/api/v1/alerts/${r.body.id}/received-by`);
  assert.equal(rb.status, 200, rb.text);
  assert.deepEqual(rb.body.items.map((x) => x.node_id), [B.id]);
  assert.equal((await B.api.get(`/api/v1/alerts/${r.body.id}/received-by`)).status, 403);
});

test('a network alert of A never leaves A; a red one cannot be federated', async () => {
  const net = await A.api.post('/api/v1/alerts', { body: alertBody({ distribution: 'network', title: 'Network only' }) });
  assert.equal(net.status, 201);
  const draft = await A.api.post('/api/v1/alerts', { body: alertBody({ status: 'draft', title: 'Draft' }) });
  const red = await A.api.post('/api/v1/alerts', { body: alertBody({ tlp: 'red' }) });
  assert.equal(red.status, 400);
  const marker = await A.api.post('/api/v1/alerts', { body: alertBody({ title: 'After the network one' }) });
  await until(seen(C, marker.body.id), 'the marker on C');
  for (const n of [B, C]) {
    assert.equal((await n.api.get(`/api/v1/alerts/${net.body.id}`)).status, 404);
    assert.equal((await n.api.get(`/api/v1/alerts/${draft.body.id}`)).status, 404);
  }
  const pv = await A.api.get(`/api/v1/federation/peers/${B.id}/preview`);
  assert.equal(pv.status, 200, pv.text);
  assert.ok(pv.body.items.some((x) => x.id === marker.body.id));
  assert.ok(!pv.body.items.some((x) => x.id === net.body.id || x.id === draft.body.id));
});

test('edits arrive in order and end at the origin version', async () => {
  const r = await A.api.post('/api/v1/alerts', { body: alertBody({ title: 'Edit v1' }) });
  let etag = r.headers.get('etag');
  for (let v = 2; v <= 6; v++) {
    const p = await A.api.patch(`/api/v1/alerts/${r.body.id}`, { body: { title: `Edit v${v}` }, headers: { 'If-Match': etag } });
    assert.equal(p.status, 200, p.text);
    etag = p.headers.get('etag');
  }
  const onC = await until(seen(C, r.body.id, (a) => a.version === 6), 'version 6 on C');
  assert.equal(onC.title, 'Edit v6');
  assert.equal((await B.api.get(`/api/v1/alerts/${r.body.id}`)).body.title, 'Edit v6');
});

test('A retracts one alert and narrows another: B and C learn both', async () => {
  const one = await A.api.post('/api/v1/alerts', { body: alertBody({ title: 'To retract' }) });
  const two = await A.api.post('/api/v1/alerts', { body: alertBody({ title: 'To narrow' }) });
  await until(seen(C, two.body.id), 'both on C');
  const ret = await A.api.patch(`/api/v1/alerts/${one.body.id}`, {
    body: { status: 'retracted', retraction_reason: 'laboratory result was wrong' }, headers: { 'If-Match': '"1"' } });
  assert.equal(ret.status, 200, ret.text);
  const nar = await A.api.patch(`/api/v1/alerts/${two.body.id}`, { body: { distribution: 'network' }, headers: { 'If-Match': '"1"' } });
  assert.equal(nar.status, 200, nar.text);
  for (const n of [B, C]) {
    const r = await until(seen(n, one.body.id, (a) => a.status === 'retracted'), `retraction on ${n.name}`);
    assert.equal(r.retraction_reason, 'laboratory result was wrong');
    await until(async () => (await n.api.get(`/api/v1/alerts/${two.body.id}`)).status === 404, `narrowing on ${n.name}`);
    // the copy is emptied and seen by nobody here, so its tombstone can go on
    await until(() => sql(n.srv, `SELECT distribution || '|' || title FROM alerts WHERE id = '${two.body.id}'`).trim() === 'organisation|',
      `the emptied copy on ${n.name}`);
  }
  const rb = await A.api.get(`/api/v1/alerts/${two.body.id}/received-by`);
  assert.equal(rb.body.items[0].op, 'tombstone');
  // widened again, it comes back
  const wide = await A.api.patch(`/api/v1/alerts/${two.body.id}`, { body: { distribution: 'federation' }, headers: { 'If-Match': '"2"' } });
  assert.equal(wide.status, 200, wide.text);
  await until(seen(C, two.body.id, (a) => a.version === 3 && a.title === 'To narrow'), 'the widened alert on C');
});

test('an A→B→C→A triangle stays quiet when nothing changes', async () => {
  link(C, A);
  const r = await A.api.post('/api/v1/alerts', { body: alertBody({ title: 'Round the triangle' }) });
  await until(seen(C, r.body.id), 'the alert on C');
  await new Promise((res) => setTimeout(res, 2500));
  const heads = [A, B, C].map(head);
  await new Promise((res) => setTimeout(res, 3000));
  assert.deepEqual([A, B, C].map(head), heads, 'no new change anywhere');
  for (const n of [B, C]) assert.equal((await n.api.get(`/api/v1/alerts/${r.body.id}`)).body.version, 1);
  const peers = await C.api.get('/api/v1/federation/peers');
  assert.equal(peers.status, 200);
  // (a peer may have failed once while the other side was not yet peered)
  assert.ok(peers.body.items.every((p) => p.status === 'ok'), JSON.stringify(peers.body.items));
  assert.equal((await B.api.get('/api/v1/federation/node')).body.node_id, B.id);
});

test('a sharing group with an organisation on C and not on B: its alert is visible on C to that organisation only', async () => {
  // C's organisation becomes known on A as a remote organisation
  const hello = await C.api.post('/api/v1/alerts', { body: alertBody({ title: 'Hello from C' }) });
  await until(seen(A, hello.body.id), 'C\'s alert on A');
  const g = await A.api.post('/api/v1/sharing-groups', { body: { name: 'A and C', members: [C.org] } });
  assert.equal(g.status, 201, g.text);
  const only = await A.api.post('/api/v1/sharing-groups', { body: { name: 'A alone', members: [] } });
  assert.equal(only.status, 201, only.text);
  const grouped = await A.api.post('/api/v1/alerts', { body: alertBody({ title: 'For the group', distribution: 'sharing_group', sharing_group_id: g.body.id }) });
  assert.equal(grouped.status, 201, grouped.text);
  const alone = await A.api.post('/api/v1/alerts', { body: alertBody({ title: 'For nobody else', distribution: 'sharing_group', sharing_group_id: only.body.id }) });
  assert.equal(alone.status, 201, alone.text);
  const marker = await A.api.post('/api/v1/alerts', { body: alertBody({ title: 'After the group ones' }) });
  const onC = await until(seen(C, grouped.body.id), 'the group\'s alert on C');
  assert.equal(onC.distribution, 'sharing_group');
  assert.equal(onC.sharing_group_id, g.body.id);
  await until(seen(B, marker.body.id), 'the marker on B');
  await until(seen(C, marker.body.id), 'the marker on C');
  assert.equal((await B.api.get(`/api/v1/alerts/${grouped.body.id}`)).status, 404, 'never on B');
  assert.equal(sql(B.srv, `SELECT COUNT(*) FROM alerts WHERE id = '${grouped.body.id}'`).trim(), '0');
  for (const n of [B, C]) assert.equal(sql(n.srv, `SELECT COUNT(*) FROM alerts WHERE id = '${alone.body.id}'`).trim(), '0', 'an empty group shares with nobody');
  // another organisation on C does not see it
  const other = cliUser(C.srv, { email: 'viewer@c.example.org', role: 'viewer', org: 'unodc' });
  const viewer = client(C.srv.base, { token: other.token });
  assert.equal((await viewer.get(`/api/v1/alerts/${grouped.body.id}`)).status, 404);
  assert.equal((await viewer.get(`/api/v1/alerts/${marker.body.id}`)).status, 200);
  groupCase = { only: only.body.id, alone: alone.body.id };
});

let groupCase;
test('a member added to a sharing group receives what the group already holds; removed, it loses it', async () => {
  const { only, alone } = groupCase;
  const change = async (body) => {
    const g = await A.api.get(`/api/v1/sharing-groups/${only}`);
    const r = await A.api.patch(`/api/v1/sharing-groups/${only}`, { body, headers: { 'If-Match': g.headers.get('etag') } });
    assert.equal(r.status, 200, r.text);
  };
  await change({ add_members: [C.org] });
  const got = await until(seen(C, alone), 'the group\'s earlier alert on C after C joined');
  assert.equal(got.title, 'For nobody else');
  assert.equal(sql(B.srv, `SELECT COUNT(*) FROM alerts WHERE id = '${alone}'`).trim(), '0', 'never through B');
  await change({ remove_members: [C.org] });
  await until(async () => (await C.api.get(`/api/v1/alerts/${alone}`)).status === 404, 'the alert gone from C after C left');
  assert.equal(sql(C.srv, `SELECT title FROM alerts WHERE id = '${alone}'`).trim(), '', 'the copy on C is emptied');
});
