// Good practices (workflow, reviewer rules, the q filter) and proposals for
// co-operation (status moves, endorsements once per organisation,
// verification by a reviewer of another organisation).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cli, cliUser, assertProblem } from './lib.mjs';

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
  orgs.author = await mk('Lyon Prevention Network', 'youth_organisation', 'FR');
  orgs.r1 = await mk('Vienna Police', 'police', 'AT');
  orgs.r2 = await mk('Berlin Police', 'police', 'DE');
  orgs.other = await mk('Warsaw NGO', 'youth_organisation', 'PL');
  u.author = await addUser('writer@lyon.example', orgs.author);
  u.authorViewer = await addUser('viewer@lyon.example', orgs.author, 'viewer');
  u.sameOrgReviewer = await addUser('reviewer@lyon.example', orgs.author, 'analyst', true);
  u.r1 = await addUser('reviewer@vienna.example', orgs.r1, 'officer', true);
  u.r2 = await addUser('reviewer@berlin.example', orgs.r2, 'viewer', true);
  u.nonReviewer = await addUser('analyst@berlin.example', orgs.r2);
  u.other = await addUser('analyst@warsaw.example', orgs.other);
  u.otherViewer = await addUser('viewer@warsaw.example', orgs.other, 'viewer');
});
after(async () => { await srv?.stop(); });

const practice = (over = {}) => ({
  title: 'Strengthening Families 10-14', summary: 'Seven sessions for parents and children',
  origin_country: 'FR', target_group: 'families with children aged 10 to 14', setting: 'family',
  approach: 'skills training', evidence_level: 'beneficial', evidence_rationale: 'two RCTs',
  evaluation_design: 'rct', evaluation_findings: 'less early alcohol use',
  resources_needed: 'two facilitators', lessons_learned: 'evening sessions failed to recruit fathers',
  language: 'fr', links: ['https://example.org/sfp'], ...over,
});

test('practice workflow: draft, submitted, in review, published by two verifying reviews', async () => {
  const c = await u.author.post('/api/v1/practices', { body: practice() });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.body.status, 'draft');
  const id = c.body.id;
  // drafts: the organisation only, even for reviewers
  assert.equal((await u.authorViewer.get(`/api/v1/practices/${id}`)).status, 200);
  assert.equal((await u.r1.get(`/api/v1/practices/${id}`)).status, 404);
  assert.equal((await u.other.get(`/api/v1/practices/${id}`)).status, 404);
  assertProblem(assert, await u.r1.post(`/api/v1/practices/${id}/reviews`, { body: { verdict: 'verify' } }), 404);
  // the author cannot publish; submits
  assertProblem(assert, await u.author.patch(`/api/v1/practices/${id}`, { body: { status: 'published' }, headers: { 'If-Match': '"1"' } }), 409, 'status');
  const s = await u.author.patch(`/api/v1/practices/${id}`, { body: { status: 'submitted' }, headers: { 'If-Match': '"1"' } });
  assert.equal(s.status, 200, s.text);
  assert.equal(s.body.status, 'submitted');
  // content is frozen while under review
  assertProblem(assert, await u.author.patch(`/api/v1/practices/${id}`, { body: { summary: 'changed' }, headers: { 'If-Match': '"2"' } }), 409, 'status');
  // reviewers see it now; others do not
  assert.equal((await u.r1.get(`/api/v1/practices/${id}`)).status, 200);
  assert.equal((await u.other.get(`/api/v1/practices/${id}`)).status, 404);
  // reviewer rules
  assertProblem(assert, await u.sameOrgReviewer.post(`/api/v1/practices/${id}/reviews`, { body: { verdict: 'verify' } }), 403, 'reviewer');
  assertProblem(assert, await u.nonReviewer.post(`/api/v1/practices/${id}/reviews`, { body: { verdict: 'verify' } }), 404);
  assertProblem(assert, await u.r1.post(`/api/v1/practices/${id}/reviews`, { body: { verdict: 'maybe' } }), 400, 'verdict');
  const v1 = await u.r1.post(`/api/v1/practices/${id}/reviews`, { body: { verdict: 'verify', comments: 'sound evidence' } });
  assert.equal(v1.status, 201, v1.text);
  assert.equal(v1.body.status, 'in_review');
  assertProblem(assert, await u.r1.post(`/api/v1/practices/${id}/reviews`, { body: { verdict: 'verify' } }), 409, 'reviewer');
  const v2 = await u.r2.post(`/api/v1/practices/${id}/reviews`, { body: { verdict: 'verify' } });
  assert.equal(v2.status, 201, v2.text);
  assert.equal(v2.body.status, 'published');
  assert.ok(v2.body.published_at);
  assert.equal(v2.body.reviews.length, 2);
  // published: every signed-in user reads it
  for (const x of [u.other, u.otherViewer, u.nonReviewer]) assert.equal((await x.get(`/api/v1/practices/${id}`)).status, 200);
  assert.equal((await client(srv.base).get(`/api/v1/practices/${id}`)).status, 401);
  assertProblem(assert, await u.r1.post(`/api/v1/practices/${id}/reviews`, { body: { verdict: 'reject', comments: 'late' } }), 409, 'status');
});

test('a rejection says why; the author revises and resubmits for a new round', async () => {
  const c = await u.author.post('/api/v1/practices', { body: practice({ title: 'Scare tactics assembly', status: 'submitted', evidence_level: 'possibly_harmful' }) });
  assert.equal(c.status, 201, c.text);
  const id = c.body.id;
  assertProblem(assert, await u.r1.post(`/api/v1/practices/${id}/reviews`, { body: { verdict: 'reject' } }), 400, 'comments');
  const r = await u.r1.post(`/api/v1/practices/${id}/reviews`, { body: { verdict: 'reject', comments: 'fear appeals raise use' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.status, 'rejected');
  assert.equal((await u.r2.get(`/api/v1/practices/${id}`)).status, 404, 'rejected practices go back to their organisation');
  const mine = await u.author.get(`/api/v1/practices/${id}`);
  assert.equal(mine.body.rejection_reasons, 'fear appeals raise use');
  const e = mine.headers.get('etag');
  const p = await u.author.patch(`/api/v1/practices/${id}`, { body: { summary: 'now with peer leaders', status: 'submitted' }, headers: { 'If-Match': e } });
  assert.equal(p.status, 200, p.text);
  // the same reviewer may review the new round; one verify is not enough
  const v = await u.r1.post(`/api/v1/practices/${id}/reviews`, { body: { verdict: 'verify' } });
  assert.equal(v.status, 201, v.text);
  assert.equal(v.body.status, 'in_review');
});

test('practice list: visibility, filters and the q text match', async () => {
  const list = async (x, q = '') => (await x.get(`/api/v1/practices?limit=500${q}`)).body.items;
  const titles = (items) => items.map((p) => p.title);
  assert.deepEqual(titles(await list(u.other)), ['Strengthening Families 10-14']);
  assert.ok((await list(u.author)).length >= 2);
  assert.deepEqual(titles(await list(u.other, '&q=FAMILIES')), ['Strengthening Families 10-14']);
  assert.deepEqual(titles(await list(u.other, '&q=seven%20SESSIONS')), ['Strengthening Families 10-14']);
  assert.deepEqual(await list(u.other, '&q=100%25'), []);
  assert.deepEqual(titles(await list(u.author, '&status=in_review')), ['Scare tactics assembly']);
  assert.equal((await list(u.author, '&evidence_level=beneficial')).length, 1);
  assertProblem(assert, await u.other.get('/api/v1/practices?status=secret'), 400, 'status');
  assertProblem(assert, await u.other.get('/api/v1/practices?sort=x'), 400, 'sort');
  assertProblem(assert, await u.author.post('/api/v1/practices', { body: practice({ evidence_level: 'great' }) }), 400, 'evidence_level');
  assertProblem(assert, await u.author.post('/api/v1/practices', { body: practice({ origin_country: 'XX' }) }), 400, 'origin_country');
  assertProblem(assert, await u.authorViewer.post('/api/v1/practices', { body: practice() }), 403);
  assertProblem(assert, await u.author.post('/api/v1/practices', { body: practice({ status: 'published' }) }), 400, 'status');
});

test('proposals: status moves, endorsements once per organisation, verification by a reviewer', async () => {
  const pub = (await u.other.get('/api/v1/practices?limit=500')).body.items[0];
  const c = await u.author.post('/api/v1/proposals', { body: {
    title: 'Joint family-skills roll-out in Lyon and Vienna', description: 'train facilitators together',
    partners: [orgs.r1], countries: ['FR', 'AT'], practices: [pub.id], distribution: 'network',
  } });
  assert.equal(c.status, 201, c.text);
  const id = c.body.id;
  assert.equal(c.body.status, 'draft');
  assert.equal((await u.other.get(`/api/v1/proposals/${id}`)).status, 404, 'drafts stay home');
  assertProblem(assert, await u.other.post(`/api/v1/proposals/${id}/endorsements`, { body: {} }), 404);
  const open = await u.author.patch(`/api/v1/proposals/${id}`, { body: { status: 'open' }, headers: { 'If-Match': '"1"' } });
  assert.equal(open.status, 200, open.text);
  assertProblem(assert, await u.author.patch(`/api/v1/proposals/${id}`, { body: { status: 'verified' }, headers: { 'If-Match': '"2"' } }), 409, 'status');
  // endorsements
  assertProblem(assert, await u.author.post(`/api/v1/proposals/${id}/endorsements`, { body: {} }), 409, 'org_id');
  assertProblem(assert, await u.otherViewer.post(`/api/v1/proposals/${id}/endorsements`, { body: {} }), 403);
  const e1 = await u.other.post(`/api/v1/proposals/${id}/endorsements`, { body: { comment: 'we will host a session' } });
  assert.equal(e1.status, 201, e1.text);
  assertProblem(assert, await u.other.post(`/api/v1/proposals/${id}/endorsements`, { body: {} }), 409, 'endorsement');
  assert.equal((await u.nonReviewer.post(`/api/v1/proposals/${id}/endorsements`, { body: {} })).status, 201);
  // the list counts the endorsements the page lists
  const page = (await u.author.get(`/api/v1/proposals/${id}`)).body;
  const row = (await u.author.get('/api/v1/proposals?limit=500')).body.items.find((x) => x.id === id);
  assert.equal(page.endorsements.length, 2);
  assert.equal(page.endorsement_count, 2);
  assert.equal(row.endorsement_count, 2, JSON.stringify(row));
  // verification
  assertProblem(assert, await u.sameOrgReviewer.post(`/api/v1/proposals/${id}/reviews`, { body: { verdict: 'verify' } }), 403, 'reviewer');
  assertProblem(assert, await u.other.post(`/api/v1/proposals/${id}/reviews`, { body: { verdict: 'verify' } }), 403, 'reviewer');
  const v = await u.r1.post(`/api/v1/proposals/${id}/reviews`, { body: { verdict: 'verify' } });
  assert.equal(v.status, 201, v.text);
  assert.equal(v.body.status, 'verified');
  assert.equal(v.body.endorsements.length, 2);
  assert.equal(v.body.reviews.length, 1);
  const etag = v.headers.get('etag');
  const agreed = await u.author.patch(`/api/v1/proposals/${id}`, { body: { status: 'agreed' }, headers: { 'If-Match': etag } });
  assert.equal(agreed.status, 200, agreed.text);
  const list = await u.other.get('/api/v1/proposals?status=agreed');
  assert.deepEqual(list.body.items.map((p) => p.id), [id]);
  assertProblem(assert, await u.author.post('/api/v1/proposals', { body: { title: 'x y z', distribution: 'network', practices: ['01890000-0000-7000-8000-000000000000'] } }), 400, 'practices');
  assertProblem(assert, await u.author.post('/api/v1/proposals', { body: { title: 'x y z', distribution: 'network', partners: [orgs.author] } }), 400, 'partners');
  assertProblem(assert, await u.author.post('/api/v1/proposals', { body: { title: 'x y z', distribution: 'network', countries: ['QQ'] } }), 400, 'countries');
});
