// Deleting documents, commitments, assessments, events, outcomes and
// actions (issue 19): only the creating organisation, with If-Match; a
// record others depend on answers 409 naming what depends; an event's
// minutes and an assessment's comments go with it; the audit keeps the
// record as it was; a record the caller cannot see stays 404.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cli, cliUser, assertProblem, sql } from './lib.mjs';

let srv, root;
const orgs = {};
const u = {};

async function addUser(email, org, role = 'analyst', reviewer = false) {
  const r = await root.post('/api/v1/users', { body: { email, name: email, org_id: org, role, reviewer } });
  assert.equal(r.status, 201, r.text);
  const token = cli(['token', 'create', '--email', email, '--db', srv.db.url]).stdout.trim();
  return client(srv.base, { token });
}

before(async () => {
  srv = await startServer();
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const mk = async (name, kind, country) => (await root.post('/api/v1/organisations', { body: { name, kind, country } })).body.id;
  orgs.al = await mk('Albanian State Police', 'police', 'AL');
  orgs.pl = await mk('Warsaw Police', 'police', 'PL');
  orgs.ngo = await mk('Tirana Youth Voice', 'civil_society', 'AL');
  u.al = await addUser('analyst@al.example', orgs.al);
  u.alOfficer = await addUser('officer@al.example', orgs.al, 'officer');
  u.alViewer = await addUser('viewer@al.example', orgs.al, 'viewer');
  u.pl = await addUser('analyst@pl.example', orgs.pl);
  u.plOfficer = await addUser('officer@pl.example', orgs.pl, 'officer');
  u.ngo = await addUser('partner@ngo.example', orgs.ngo, 'partner');
});
after(async () => {
  if (process.env.TRELLIS_TEST_LOGS) console.log(srv?.logs.slice(-80).join('\n'));
  await srv?.stop();
});

const etag = async (c, path) => (await c.get(path)).headers.get('etag');
async function del(c, path) {
  return c.del(path, { headers: { 'If-Match': await etag(c, path) } });
}

test('the chain document → commitment → assessment is deleted from the leaf up; 409 names what depends', async () => {
  const d = await u.al.post('/api/v1/documents', { body: { title: 'National drug strategy', issuer: 'Government of Albania', distribution: 'network', tlp: 'clear' } });
  assert.equal(d.status, 201, d.text);
  const c = await u.al.post('/api/v1/commitments', { body: { document_id: d.body.id, paragraph: '3', text: { en: 'Prevent drug use in schools' }, theme: 'prevention', distribution: 'network' } });
  assert.equal(c.status, 201, c.text);
  const a = await u.al.post('/api/v1/assessments', { body: { state: 'AL', commitment_id: c.body.id, period: '2024', kind: 'self', status: 'limited', distribution: 'network' } });
  assert.equal(a.status, 201, a.text);
  assert.equal((await u.ngo.post(`/api/v1/assessments/${a.body.id}/comments`, { body: { text: 'Schools in the north see none of it.' } })).status, 201);

  // without If-Match, a stale one, another organisation, a role without the right
  assertProblem(assert, await u.al.del(`/api/v1/assessments/${a.body.id}`), 428);
  assertProblem(assert, await u.al.del(`/api/v1/assessments/${a.body.id}`, { headers: { 'If-Match': '"99"' } }), 412);
  assertProblem(assert, await u.pl.del(`/api/v1/assessments/${a.body.id}`, { headers: { 'If-Match': '"1"' } }), 403);
  assertProblem(assert, await u.alViewer.del(`/api/v1/assessments/${a.body.id}`, { headers: { 'If-Match': '"1"' } }), 403);
  assertProblem(assert, await u.al.del('/api/v1/assessments/not-an-id', { headers: { 'If-Match': '"1"' } }), 404);

  // what depends refuses, naming itself, in the caller's language
  let r = await del(u.al, `/api/v1/documents/${d.body.id}`);
  assertProblem(assert, r, 409, 'commitments');
  r = await u.al.del(`/api/v1/commitments/${c.body.id}`, { headers: { 'If-Match': await etag(u.al, `/api/v1/commitments/${c.body.id}`), 'Accept-Language': 'fr' } });
  assertProblem(assert, r, 409, 'assessments');
  assert.match(r.body.detail, /évaluations/);

  // the leaf goes with its comments, then the rest
  r = await del(u.al, `/api/v1/assessments/${a.body.id}`);
  assert.equal(r.status, 204, r.text);
  assert.equal(sql(srv, `SELECT COUNT(*) FROM policy_assessment_comments WHERE assessment_id = '${a.body.id}'`).trim(), '0');
  assertProblem(assert, await u.al.get(`/api/v1/assessments/${a.body.id}`), 404);
  assert.equal((await del(u.al, `/api/v1/commitments/${c.body.id}`)).status, 204);
  assert.equal((await del(u.al, `/api/v1/documents/${d.body.id}`)).status, 204);
  assertProblem(assert, await u.al.get(`/api/v1/documents/${d.body.id}`), 404);
  // a second delete finds nothing
  assertProblem(assert, await u.al.del(`/api/v1/documents/${d.body.id}`, { headers: { 'If-Match': '"1"' } }), 404);

  // the audit keeps each deletion with the record as it was
  const audit = await root.get('/api/v1/audit?resource_type=document');
  const e = audit.body.items.find((x) => x.action === 'delete' && x.resource_id === d.body.id);
  assert.ok(e, JSON.stringify(audit.body.items.map((x) => x.action)));
  assert.equal(e.detail.title, 'National drug strategy');
});

test('events: an event with outcomes, an outcome with actions, a commitment linked by an action refuse; minutes go with the event', async () => {
  const d = await u.al.post('/api/v1/documents', { body: { title: 'Concept', issuer: 'OSCE', distribution: 'network' } });
  const c = await u.al.post('/api/v1/commitments', { body: { document_id: d.body.id, paragraph: '1', text: { en: 'Co-operate' }, theme: 'co_operation', distribution: 'network' } });
  const e = await u.al.post('/api/v1/events', { body: { title: 'Regional meeting', type: 'meeting', starts_on: '2024-05-01', organisers: [orgs.pl], distribution: 'network' } });
  assert.equal(e.status, 201, e.text);
  assert.equal((await u.al.post(`/api/v1/events/${e.body.id}/minutes`, { body: { text: 'Opened.' } })).status, 201);
  const o = await u.al.post('/api/v1/outcomes', { body: { event_id: e.body.id, kind: 'decision', text: 'Meet again', distribution: 'network' } });
  assert.equal(o.status, 201, o.text);
  const a = await u.al.post('/api/v1/actions', { body: { outcome_id: o.body.id, title: 'Book a room', owner_org_id: orgs.pl, due_on: '2030-01-01', commitment_id: c.body.id, distribution: 'network' } });
  assert.equal(a.status, 201, a.text);

  assertProblem(assert, await del(u.al, `/api/v1/events/${e.body.id}`), 409, 'outcomes');
  assertProblem(assert, await del(u.al, `/api/v1/outcomes/${o.body.id}`), 409, 'actions');
  assertProblem(assert, await del(u.al, `/api/v1/commitments/${c.body.id}`), 409, 'actions');
  // an organiser and an owner change the records, but only the creating organisation deletes
  assertProblem(assert, await del(u.plOfficer, `/api/v1/events/${e.body.id}`), 403);
  assertProblem(assert, await del(u.plOfficer, `/api/v1/actions/${a.body.id}`), 403);

  assert.equal((await del(u.al, `/api/v1/actions/${a.body.id}`)).status, 204);
  assert.equal((await del(u.al, `/api/v1/outcomes/${o.body.id}`)).status, 204);
  assert.equal((await del(u.al, `/api/v1/events/${e.body.id}`)).status, 204);
  assert.equal(sql(srv, `SELECT COUNT(*) FROM conf_event_minutes WHERE event_id = '${e.body.id}'`).trim(), '0');
  assert.equal((await del(u.al, `/api/v1/commitments/${c.body.id}`)).status, 204);
});

test('access: a record the caller cannot see is 404 on delete, and me.can names delete by role', async () => {
  const e = await u.pl.post('/api/v1/events', { body: { title: 'Internal', type: 'meeting', starts_on: '2024-02-01', distribution: 'organisation' } });
  assertProblem(assert, await u.al.del(`/api/v1/events/${e.body.id}`, { headers: { 'If-Match': '"1"' } }), 404);
  assert.equal((await u.pl.get(`/api/v1/events/${e.body.id}`)).status, 200);
  const can = async (c) => (await c.get('/api/v1/me')).body.can;
  const analyst = await can(u.al), officer = await can(u.alOfficer), viewer = await can(u.alViewer), partner = await can(u.ngo);
  for (const r of ['document', 'commitment', 'assessment', 'event', 'outcome', 'action']) {
    assert.ok(analyst[r].includes('delete'), r);
    assert.ok(!viewer[r].includes('delete'), r);
    assert.ok(!partner[r].includes('delete'), r);
  }
  for (const r of ['event', 'outcome', 'action']) assert.ok(officer[r].includes('delete'), r);
  for (const r of ['document', 'commitment', 'assessment']) assert.ok(!officer[r].includes('delete'), r);
  assertProblem(assert, await u.alOfficer.del(`/api/v1/documents/${e.body.id}`, { headers: { 'If-Match': '"1"' } }), 403);
  // an officer deletes an event of their own organisation
  const mine = await u.alOfficer.post('/api/v1/events', { body: { title: 'Patrol briefing', type: 'meeting', starts_on: '2024-03-01', distribution: 'country' } });
  assert.equal(mine.status, 201, mine.text);
  assert.equal((await del(u.alOfficer, `/api/v1/events/${mine.body.id}`)).status, 204);
});
