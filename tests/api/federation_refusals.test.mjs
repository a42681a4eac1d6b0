// Federation refusals: a fake peer F (a node key of the test's own, an
// HTTP server answering the pull) sends a bad signature, another audience,
// an expired bundle, a replay, records claimed by the wrong node and
// records of another node G that G did not sign; the real instance R
// refuses each. And R refuses pulls it cannot trust.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createPublicKey, verify } from 'node:crypto';
import { assertProblem, cli, request, sql } from './lib.mjs';
import { node, peer, until, uuid7, keyPair, requestText, alertBody } from './fed_lib.mjs';

let R, F, fake, answer;
before(async () => {
  R = await node('r');
  F = { name: 'f', id: uuid7(), ...keyPair() };
  fake = createServer((req, res) => {
    const body = JSON.stringify(answer());
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(body);
  });
  await new Promise((r) => fake.listen(0, '127.0.0.1', r));
  F.srv = { base: `http://127.0.0.1:${fake.address().port}` };
  answer = () => bundle({});
  peer(R, F);
});
after(async () => { await R?.srv.stop(); fake?.close(); });

/** A record as it travels: its text signed by its origin (key). */
const wire = (r, key = F, seq = 1) => {
  const text = JSON.stringify(r);
  return { seq, signed: { text, sig: key.sign(text), pk: key.pk } };
};

function bundle({ id = uuid7(), audience = R.id, after = 0, cursor = 0, records = [], expires = Date.now() + 60000, key = F, nodes }) {
  records = records.map((r) => (r.signed || r.unsigned ? r : wire(r)));
  const payload = JSON.stringify({ v: 1, id, from: F.id, audience, created_at: Date.now(), expires_at: expires, after, cursor, more: false, records, nodes });
  return { index: [], payload, signature: key.sign(payload) };
}

const ORG = uuid7();
const record = (over = {}) => ({
  type: 'alert', op: 'upsert', id: over.id, origin_node: F.id, version: 1,
  org: { id: ORG, name: 'Fake Police', kind: 'police', country: 'FR' },
  data: { title: 'From F', category: 'other', status: 'published', tlp: 'green', summary: 'pulled', countries: ['FR', 'ZZ'] },
  ...over,
});

const lastError = async () => (await R.api.get('/api/v1/federation/peers')).body.items[0].last_error;
const errorIs = (text) => until(async () => (await lastError()) === text, text);

test('a bundle with a bad signature is refused', async () => {
  const other = keyPair();
  answer = () => bundle({ key: other });
  await errorIs('bad bundle signature');
});

test('a bundle for another audience is refused', async () => {
  answer = () => bundle({ audience: uuid7() });
  await errorIs('bundle for another audience');
});

test('an expired bundle is refused', async () => {
  answer = () => bundle({ expires: Date.now() - 1000 });
  await errorIs('bundle expired');
});

let fromF;
test('a good bundle is applied once; the same bundle again is refused as a replay', async () => {
  fromF = uuid7();
  const once = bundle({ records: [record({ id: fromF })] });
  answer = () => once;
  await errorIs('bundle replayed');
  const got = await R.api.get(`/api/v1/alerts/${fromF}`);
  assert.equal(got.status, 200, got.text);
  assert.equal(got.body.org_id, ORG);
  assert.deepEqual(got.body.countries, ['FR']);
  assert.equal(got.body.distribution, 'federation');
  const org = await R.api.get(`/api/v1/organisations/${ORG}`);
  assert.equal(org.body.name, 'Fake Police');
});

test('records claimed by a node that is not their origin are refused and logged', async () => {
  const mine = await R.api.post('/api/v1/alerts', { body: alertBody({ title: 'Mine' }) });
  assert.equal(mine.status, 201);
  answer = () => bundle({ records: [record({ id: mine.body.id, version: 9, data: { ...record().data, title: 'Stolen' } })] });
  await errorIs('record refused: claims a record of this node');
  answer = () => bundle({ records: [record({ id: fromF, origin_node: uuid7(), version: 2, data: { ...record().data, title: 'Forged' } })] });
  await errorIs('record refused: claimed by a node that is not its origin');
  answer = () => bundle({ records: [record({ id: uuid7(), origin_node: R.id })] });
  await errorIs('record refused: claims a record of this node');
  assert.equal((await R.api.get(`/api/v1/alerts/${mine.body.id}`)).body.title, 'Mine');
  assert.equal((await R.api.get(`/api/v1/alerts/${fromF}`)).body.title, 'From F');
  assert.ok(R.srv.logs.some((l) => /federation record refused/.test(l) && l.includes(mine.body.id)));
  // bad input in a record: refused, nothing else breaks
  answer = () => bundle({ records: [record({ id: uuid7(), data: { ...record().data, tlp: 'red' } })] });
  await errorIs('record refused: bad tlp');
  answer = () => bundle({ records: [record({ id: uuid7(), data: { ...record().data, drug_form: 'capsule' } })] });
  await errorIs('record refused: bad drug form');
});

test('a refused record is written to the audit log, naming the peer, its node, the record and the reason', async () => {
  const entries = () => until(async () => {
    const r = await R.api.get('/api/v1/audit?resource_type=peer&action=fed_refused&limit=500');
    assert.equal(r.status, 200, r.text);
    return r.body.items.length ? r.body.items : null;
  }, 'refusals in the audit log');
  const forged = (await entries()).find((e) => e.detail?.reason === 'claimed by a node that is not its origin');
  assert.ok(forged, 'the forged record');
  assert.equal(forged.resource_id, F.id);
  assert.equal(forged.user_id, null);
  assert.deepEqual(forged.detail, { peer: 'f', node: F.id, reason: 'claimed by a node that is not its origin', record_id: fromF });
  assert.ok((await entries()).some((e) => e.detail?.reason === 'bad tlp'));
  // a record id that is not one is not repeated into the log
  answer = () => bundle({ records: [record({ id: 'x\u0001y', data: { ...record().data } })] });
  await errorIs('record refused: malformed record');
  const bad = (await entries()).find((e) => e.detail?.reason === 'malformed record');
  assert.ok(bad && !('record_id' in bad.detail), JSON.stringify(bad));
  // at most FED_REFUSALS_AUDITED (20) of one bundle
  const ids = Array.from({ length: 30 }, () => uuid7());
  const many = bundle({ records: ids.map((id) => record({ id, data: { ...record().data, tlp: 'red' } })) });
  answer = () => many;
  await errorIs('bundle replayed');
  const logged = (await R.api.get('/api/v1/audit?resource_type=peer&action=fed_refused&limit=500')).body.items
    .filter((e) => ids.includes(e.detail?.record_id));
  assert.deepEqual(logged.map((e) => e.detail.record_id).sort(), ids.slice(0, 20).sort());
  const v = cli(['audit', 'verify', '--db', R.db.url], { env: { ...process.env, ...R.env } });
  assert.equal(v.status, 0, v.stderr + v.stdout);
});

test('a peer that answers refused records at once is asked again only after the retry pause', async () => {
  // F answers every pull at once with a record R refuses: R waits
  // TRELLIS_FED_RETRY_MS (200 ms here) between such pulls, instead of
  // pulling again at once and writing a refusal to the audit log each time
  let pulls = 0;
  answer = () => { pulls++; return bundle({ records: [record({ id: uuid7(), data: { ...record().data, tlp: 'red' } })] }); };
  await errorIs('record refused: bad tlp');
  const from = pulls;
  await new Promise((r) => setTimeout(r, 1000));
  const n = pulls - from;
  assert.ok(n >= 2 && n <= 8, `${n} pulls in a second`);
});

test('a record of another node is taken only as its origin signed it', async () => {
  const G = { id: uuid7(), ...keyPair() };
  const ofG = uuid7();
  const gOrg = { id: uuid7(), name: 'G Police', kind: 'police', country: 'AT' };
  const byG = (over) => record({ id: ofG, origin_node: G.id, org: gOrg, ...over });
  // passed along by F, signed by G: taken, and G's key is pinned
  answer = () => bundle({ records: [wire(byG({ data: { ...record().data, title: 'By G' } }), G)] });
  await until(async () => (await R.api.get(`/api/v1/alerts/${ofG}`)).status === 200, 'the record of G');
  assert.equal(sql(R.srv, `SELECT public_key FROM fed_nodes WHERE node_id = '${G.id}'`).trim(), G.pk);
  // F makes up a new version in G's name, offering its own key: refused
  answer = () => bundle({ records: [wire(byG({ version: 2, data: { ...record().data, title: 'Forged by F' } }), { ...F, pk: F.pk })] });
  await errorIs('record refused: not signed by its origin');
  // F changes the text G signed: refused
  const good = wire(byG({ version: 3, data: { ...record().data, title: 'G again' } }), G);
  good.signed.text = good.signed.text.replace('G again', 'Changed');
  answer = () => bundle({ records: [good] });
  await errorIs('record refused: not signed by its origin');
  // a record without its origin's signature: refused
  answer = () => bundle({ records: [{ unsigned: true, ...byG({ version: 4 }) }] });
  await errorIs('record refused: record not signed by its origin');
  // a record of a node whose key no one offers: refused
  answer = () => bundle({ records: [{ seq: 1, signed: { text: JSON.stringify(record({ id: uuid7(), origin_node: uuid7() })), sig: F.sign('x') } }] });
  await errorIs('record refused: the key of its origin is unknown');
  assert.equal((await R.api.get(`/api/v1/alerts/${ofG}`)).body.title, 'By G');
});

test('a key its operator pinned decides, not the one a record offers; --replace takes a new one', async () => {
  const H = { id: uuid7(), ...keyPair() };
  const node = (...args) => cli(['node', ...args, '--db', R.db.url]);
  // bad values, this node and a peer are refused, naming what is wrong
  assert.match(node('trust', '--node-id', 'nope', '--public-key', H.pk).stderr, /bad --node-id/);
  assert.match(node('trust', '--node-id', H.id, '--public-key', 'abcd').stderr, /bad --public-key/);
  assert.match(node('trust', '--node-id', R.id, '--public-key', H.pk).stderr, /bad --node-id/);
  const peerPin = node('trust', '--node-id', F.id, '--public-key', H.pk);
  assert.equal(peerPin.status, 2);
  assert.match(peerPin.stderr, /is a peer/);
  assert.equal(node('trust', '--node-id', H.id, '--public-key', H.pk).status, 0);
  assert.equal(node('trust', '--node-id', H.id, '--public-key', H.pk).status, 0, 'the same key again: nothing to do');
  const pinned = node('list').stdout.split('\n').find((l) => l.startsWith(H.id));
  assert.match(pinned, new RegExp(`^${H.id} ${H.pk} operator \\d{4}-`));

  const ofH = uuid7();
  const hOrg = { id: uuid7(), name: 'H Police', kind: 'police', country: 'DE' };
  const byH = (version, title) => record({ id: ofH, origin_node: H.id, org: hOrg, version, data: { ...record().data, title } });
  // the first record of H comes signed by someone else, offering that key:
  // without the pin it would have been trusted on first use
  const impostor = keyPair();
  answer = () => bundle({ records: [wire(byH(1, 'Impostor'), impostor)] });
  await errorIs('record refused: not signed by its origin');
  assert.equal((await R.api.get(`/api/v1/alerts/${ofH}`)).status, 404);
  answer = () => bundle({ records: [wire(byH(1, 'By H'), H)] });
  await until(async () => (await R.api.get(`/api/v1/alerts/${ofH}`)).body?.title === 'By H', 'the record of H');

  // H changes its key: refused until its operator's new key is pinned
  const H2 = keyPair();
  answer = () => bundle({ records: [wire(byH(2, 'H, new key'), H2)] });
  await errorIs('record refused: not signed by its origin');
  const again = node('trust', '--node-id', H.id, '--public-key', H2.pk);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /pinned to another key; --replace/);
  assert.equal(node('trust', '--node-id', H.id, '--public-key', H2.pk, '--replace').status, 0);
  await until(async () => (await R.api.get(`/api/v1/alerts/${ofH}`)).body?.title === 'H, new key', 'the record under the new key');
  assert.equal(sql(R.srv, `SELECT public_key FROM fed_nodes WHERE node_id = '${H.id}'`).trim(), H2.pk);

  // forgotten: the next record pins on first proof again
  assert.equal(node('forget', H.id).status, 0);
  assert.match(node('forget', H.id).stderr, /no key is pinned/);
  assert.ok(!node('list').stdout.includes(H.id));
});

test('a peer is removed by its name or its node id', () => {
  const peerCli = (...args) => cli(['peer', ...args, '--db', R.db.url]);
  const X = { id: uuid7(), ...keyPair() };
  const Y = { id: uuid7(), ...keyPair() };
  for (const [n, who] of [['x', X], ['y', Y]]) {
    assert.equal(peerCli('add', '--name', n, '--url', 'http://127.0.0.1:9', '--node-id', who.id, '--public-key', who.pk).status, 0);
  }
  assert.match(peerCli('list').stdout, new RegExp(`^x\t${X.id}`, 'm'));
  assert.equal(peerCli('remove', 'x').status, 0);
  assert.equal(peerCli('remove', Y.id).status, 0);
  const list = peerCli('list').stdout;
  assert.ok(!list.includes(X.id) && !list.includes(Y.id), list);
  assert.ok(list.includes(F.id), 'the other peer stays');
  const gone = peerCli('remove', 'x');
  assert.equal(gone.status, 2);
  assert.match(gone.stderr, /no such peer/);
});

test('R refuses pulls it cannot trust and signs what it answers', async () => {
  const path = '/fed/v1/changes?after=0&wait=0';
  assertProblem(assert, await request(R.srv.base, 'GET', path), 401);
  const signed = (who, time = Date.now(), text) => ({
    'Trellis-Node': who.id, 'Trellis-Time': String(time),
    'Trellis-Signature': who.sign(text ?? requestText(0, 0, time, who.id, R.id)),
  });
  const stranger = { id: uuid7(), ...keyPair() };
  assertProblem(assert, await request(R.srv.base, 'GET', path, { headers: signed(stranger) }), 401);
  const stale = Date.now() - 3600 * 1000;
  assertProblem(assert, await request(R.srv.base, 'GET', path, { headers: signed(F, stale) }), 401);
  const t = Date.now();
  assertProblem(assert, await request(R.srv.base, 'GET', path, { headers: signed(F, t, requestText(5, 0, t, F.id, R.id)) }), 401);
  assertProblem(assert, await request(R.srv.base, 'GET', '/fed/v1/changes?after=-1', { headers: signed(F) }), 400, 'after');
  const ok = await request(R.srv.base, 'GET', path, { headers: signed(F) });
  assert.equal(ok.status, 200, ok.text);
  const pub = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(R.pk, 'hex').toString('base64url') }, format: 'jwk' });
  assert.ok(verify(null, Buffer.from(ok.body.payload), pub, Buffer.from(ok.body.signature, 'hex')));
  const b = JSON.parse(ok.body.payload);
  assert.equal(b.audience, F.id);
  assert.equal(b.from, R.id);
  // R's own federated alert goes to F; F's record never goes back to F
  const recs = b.records.map((r) => JSON.parse(r.signed.text));
  const ids = recs.map((r) => r.id);
  assert.ok(recs.some((r) => r.origin_node === R.id && r.op === 'upsert'));
  for (const r of b.records) assert.ok(verify(null, Buffer.from(r.signed.text), pub, Buffer.from(r.signed.sig, 'hex')), 'each record signed by R');
  assert.ok(!ids.includes(fromF));
  assert.deepEqual(ok.body.index.map((x) => x.id), ids);
});

test('records of the other types: a practice is taken, bad fields, unknown types and this node\'s records are refused', async () => {
  const now = new Date().toISOString();
  const practiceData = (over = {}) => ({
    title: 'Practice from F', summary: 's', description: 'd', origin_country: 'FR', target_group: 'pupils',
    setting: 'school', approach: 'talks', evidence_level: 'unknown', evidence_rationale: '',
    evaluation_design: 'none', evaluation_findings: '', resources_needed: '', lessons_learned: '',
    language: 'en', links: [], status: 'published', submitted_at: null, published_at: now,
    created_at: now, updated_at: now, ...over,
  });
  const pid = uuid7();
  answer = () => bundle({ records: [record({ type: 'practice', id: pid, data: practiceData() })] });
  const got = await until(async () => {
    const r = await R.api.get(`/api/v1/practices/${pid}`);
    return r.status === 200 ? r.body : null;
  }, 'the practice of F');
  assert.equal(got.org_id, ORG);
  assert.equal(got.status, 'published');
  answer = () => bundle({ records: [record({ type: 'practice', id: uuid7(), data: practiceData({ evidence_level: 'miracle' }) })] });
  await errorIs('record refused: bad field');
  answer = () => bundle({ records: [record({ type: 'practice', id: uuid7(), data: practiceData({ status: 'draft' }) })] });
  await errorIs('record refused: bad field');
  answer = () => bundle({ records: [record({ type: 'tip', id: uuid7() })] });
  await errorIs('record refused: unknown record type');
  const mine = await R.api.post('/api/v1/activities', { body: {
    title: 'Mine', type: 'school_prevention', setting: 'school', area_country: 'AT', start: '2026-01-01',
    status: 'active', age_min: 12, age_max: 16, gender: 'all', distribution: 'federation', tlp: 'green',
  } });
  assert.equal(mine.status, 201, mine.text);
  answer = () => bundle({ records: [record({ type: 'activity', id: mine.body.id, version: 5, data: { title: 'Stolen' } })] });
  await errorIs('record refused: claims a record of this node');
  assert.equal((await R.api.get(`/api/v1/activities/${mine.body.id}`)).body.title, 'Mine');
  // an endorsement's id is its proposal's and its organisation's
  answer = () => bundle({ records: [record({ type: 'endorsement', id: `${uuid7()}:${uuid7()}`, data: { proposal_id: uuid7(), comment: '', created_at: now } })] });
  const p = await R.api.post('/api/v1/proposals', { body: { title: 'Open one', description: 'x', distribution: 'federation', status: 'open' } });
  assert.equal(p.status, 201, p.text);
  answer = () => bundle({ records: [record({ type: 'endorsement', id: `${p.body.id}:${uuid7()}`, data: { proposal_id: p.body.id, comment: '', created_at: now } })] });
  await errorIs('record refused: malformed record');
});

test('the names a bundle gives nodes: a node pinned through the sender is named, a peer keeps its operator\'s name, a bad name is left out', async () => {
  const H = { id: uuid7(), ...keyPair() };
  const hOrg = { id: uuid7(), name: 'H Police', kind: 'police', country: 'SI' };
  const byH = (id, nodes) => bundle({ nodes, records: [wire(record({ id, origin_node: H.id, org: hOrg }), H)] });
  const first = uuid7();
  answer = () => byH(first, { [H.id]: 'Ljubljana node', [F.id]: 'not f', [R.id]: 'me', 'not-a-node': 'x' });
  await until(async () => (await R.api.get(`/api/v1/alerts/${first}`)).status === 200, 'the record of H');
  const org = await until(async () => {
    const o = (await R.api.get(`/api/v1/organisations/${hOrg.id}`)).body;
    return o.origin_node_name ? o : null;
  }, "H's node named");
  assert.equal(org.origin_node, H.id);
  assert.equal(org.origin_node_name, 'Ljubljana node');
  assert.equal((await R.api.get(`/api/v1/organisations/${ORG}`)).body.origin_node_name, 'f', "a peer's name is its operator's");
  assert.equal(sql(R.srv, `SELECT COUNT(*) FROM fed_nodes WHERE node_id IN ('${F.id}', '${R.id}')`).trim(), '0', 'no node is pinned by a name');
  const n = cli(['node', 'list', '--db', R.db.url]);
  assert.ok(n.stdout.split('\n').some((l) => l.startsWith(H.id) && l.endsWith(' Ljubljana node')), n.stdout);
  for (const bad of ['bell\u0007', 'x'.repeat(101), '', 42]) {
    const next = uuid7();
    answer = () => byH(next, { [H.id]: bad });
    await until(async () => (await R.api.get(`/api/v1/alerts/${next}`)).status === 200, 'the next record of H');
    assert.equal((await R.api.get(`/api/v1/organisations/${hOrg.id}`)).body.origin_node_name, 'Ljubljana node', JSON.stringify(bad));
  }
  // a malformed list of names is no reason to refuse the records
  const last = uuid7();
  answer = () => byH(last, ['Ljubljana']);
  await until(async () => (await R.api.get(`/api/v1/alerts/${last}`)).status === 200, 'a record beside a malformed list');
});

test('an organisation only listed as a member of F\'s group, under a node that is not its own, gives way to the first record its node signs', async () => {
  const G = { id: uuid7(), ...keyPair() };
  const M = { id: uuid7(), name: 'Listed Police', kind: 'police', country: 'AT' };
  const wrong = uuid7();
  const grouped = uuid7();
  const group = {
    id: uuid7(), name: 'F, R and M', owner: ORG,
    members: [{ id: R.org, name: 'R', kind: 'police', country: null, node: R.id }, { ...M, node: wrong }],
  };
  answer = () => bundle({ records: [record({ id: grouped, group, data: { ...record().data, title: 'For the group', distribution: 'sharing_group' } })] });
  await until(async () => (await R.api.get(`/api/v1/alerts/${grouped}`)).status === 200, 'the group\'s alert on R');
  assert.equal(sql(R.srv, `SELECT origin_node || ' ' || listed_by FROM organisations WHERE id = '${M.id}'`).trim(), `${wrong} ${F.id}`);
  // G's own record, passed along by F and signed by G, names M: taken, and M is G's now
  const ofG = uuid7();
  answer = () => bundle({ records: [wire(record({ id: ofG, origin_node: G.id, org: { ...M, name: 'Graz Police' } }), G)] });
  await until(async () => (await R.api.get(`/api/v1/alerts/${ofG}`)).status === 200, 'the record G signed');
  const org = (await R.api.get(`/api/v1/organisations/${M.id}`)).body;
  assert.equal(org.origin_node, G.id);
  assert.equal(org.name, 'Graz Police');
  assert.equal(sql(R.srv, `SELECT COUNT(*) FROM organisations WHERE id = '${M.id}' AND listed_by IS NULL`).trim(), '1');
});
