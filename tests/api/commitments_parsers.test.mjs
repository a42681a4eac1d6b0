// What the fuzz targets of the commitments and events module found (issue
// 19), through the API: assessment periods in time, not by their text
// (tests/fuzz/fuzz_policy.c): the period before December 2024 is the first
// half of 2024, not nothing ("2024-H1" > "2024-12" as text), and the matrix
// at or before a quarter leaves out the whole year, which ends later; an
// event's sessions (tests/fuzz/fuzz_event_sessions.c): an id twice is
// refused, naming sessions. And minutes written from an older version than
// the latest are refused (412), so two editors lose nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cli, cliUser } from './lib.mjs';

let srv, root, al;

before(async () => {
  srv = await startServer();
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const org = (await root.post('/api/v1/organisations', { body: { name: 'Albanian State Police', kind: 'police', country: 'AL' } })).body.id;
  assert.equal((await root.post('/api/v1/users', { body: { email: 'a@al.example', name: 'A', org_id: org, role: 'analyst' } })).status, 201);
  al = client(srv.base, { token: cli(['token', 'create', '--email', 'a@al.example', '--db', srv.db.url]).stdout.trim() });
});
after(async () => { await srv?.stop(); });

test('the period before, and the matrix at or before a period, follow time', async () => {
  const d = await al.post('/api/v1/documents', { body: { title: 'Strategy', issuer: 'Government', distribution: 'network' } });
  const c = await al.post('/api/v1/commitments', { body: { document_id: d.body.id, paragraph: '1', text: { en: 'Act' }, theme: 'prevention', distribution: 'network' } });
  const add = async (period, status) => {
    const r = await al.post('/api/v1/assessments', { body: { state: 'AL', commitment_id: c.body.id, period, kind: 'self', status, distribution: 'network' } });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };
  await add('2024-H1', 'not_started');
  const dec = await add('2024-12', 'limited');
  assert.deepEqual(dec.previous, { period: '2024-H1', status: 'not_started' });
  assert.equal(dec.change, 'improved');
  // ending together, the longer period comes first
  const q2 = await add('2024-Q2', 'no_evidence');
  assert.deepEqual(q2.previous, { period: '2024-H1', status: 'not_started' });
  const year = await add('2024', 'substantial');
  assert.deepEqual(year.previous, { period: '2024-Q2', status: 'no_evidence' }, 'the year ends with December, after the second quarter');
  // at or before the second quarter: the first half and the quarter, not the year nor December
  let m = await al.get('/api/v1/assessments/matrix?state=AL&period=2024-Q2');
  assert.equal(m.status, 200, m.text);
  assert.equal(m.body.states[0].cells[c.body.id].self.period, '2024-Q2');
  m = await al.get('/api/v1/assessments/matrix?state=AL&period=2024-11');
  assert.equal(m.body.states[0].cells[c.body.id].self.period, '2024-Q2');
  m = await al.get('/api/v1/assessments/matrix?state=AL');
  assert.equal(m.body.states[0].cells[c.body.id].self.period, '2024-12', 'December is the latest');
});

test('an event whose sessions or contributions name an id twice is refused, naming sessions', async () => {
  const id = '0190a0b1-7c2e-7d3f-8a4b-5c6d7e8f9a0b';
  let r = await al.post('/api/v1/events', { body: { title: 'Twice', type: 'meeting', starts_on: '2024-01-01', distribution: 'network',
    sessions: [{ id, title: 'A' }, { id, title: 'B' }] } });
  assert.equal(r.status, 400, r.text);
  assert.ok(r.body.errors.some((e) => e.field === 'sessions'), r.text);
  r = await al.post('/api/v1/events', { body: { title: 'Twice', type: 'meeting', starts_on: '2024-01-01', distribution: 'network',
    sessions: [{ id, title: 'A', contributions: [{ id, title: 'C' }] }] } });
  assert.equal(r.status, 400, r.text);
  r = await al.post('/api/v1/events', { body: { title: 'Once', type: 'meeting', starts_on: '2024-01-01', distribution: 'network',
    sessions: [{ id, title: 'A', contributions: [{ title: 'C' }] }, { title: 'B' }] } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.sessions[0].id, id);
  assert.notEqual(r.body.sessions[1].id, id);
  assertSessionsKept(r.body);
});

test('minutes: a version written from the latest is added; from an older one, 412; without a base, added', async () => {
  const e = await al.post('/api/v1/events', { body: { title: 'Minutes', type: 'meeting', starts_on: '2024-01-01', distribution: 'network' } });
  const add = (body) => al.post(`/api/v1/events/${e.body.id}/minutes`, { body });
  let r = await add({ text: 'First.', base_version: 0 });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.minutes.version, 1);
  r = await add({ text: 'Second, from the first.', base_version: 1 });
  assert.equal(r.status, 201, r.text);
  r = await add({ text: 'Also from the first.', base_version: 1 });
  assert.equal(r.status, 412, r.text);
  assert.match(r.body.detail, /changed since you read it/);
  r = await add({ text: 'x', base_version: -1 });
  assert.equal(r.status, 400, r.text);
  assert.ok(r.body.errors.some((x) => x.field === 'base_version'));
  r = await add({ text: 'Third, no base.' });
  assert.equal(r.status, 201, r.text);
  const all = await al.get(`/api/v1/events/${e.body.id}/minutes`);
  assert.deepEqual(all.body.items.map((m) => m.text), ['Third, no base.', 'Second, from the first.', 'First.']);
});

function assertSessionsKept(ev) {
  const ids = ev.sessions.flatMap((s) => [s.id, ...(s.contributions || []).map((c) => c.id)]);
  assert.equal(new Set(ids).size, ids.length, 'the ids given by the server are distinct too');
}
