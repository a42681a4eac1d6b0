// The access matrix of the activities module: every role, in the creating
// organisation, another of the same country, a sharing-group member of
// another country and an outsider, against activities, overlaps, gaps,
// practices, reviews, proposals and endorsements of every distribution. A
// leak is a record (or its trace: an overlap, a covered gap) answered to
// someone who may not see it, or a change accepted from someone who may
// not make it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cli, cliUser } from './lib.mjs';

const ROLES = ['admin', 'org_admin', 'analyst', 'officer', 'partner', 'viewer'];
const RELATIONS = ['own', 'same_country', 'group_member', 'outsider'];
const DISTS = ['organisation', 'country', 'sharing_group', 'network', 'federation'];
let srv, root, group;
const orgs = {};
const users = {};
const acts = {};       // dist -> activity of own
const alerts = {};     // dist -> { lat, lon }
const proposals = {};  // dist or 'draft' -> proposal
let probe, coverCell;
const practices = {};
const stats = { cases: 0, leaks: 0 };
const leaks = [];

function visible(relation, dist) {
  switch (dist) {
    case 'organisation': case 'draft': return relation === 'own';
    case 'country': return relation === 'own' || relation === 'same_country';
    case 'sharing_group': return relation === 'own' || relation === 'group_member';
    default: return true;
  }
}
const canWrite = (relation, role) => relation === 'own' && role !== 'viewer';
function check(ok, what) {
  stats.cases++;
  if (!ok) { stats.leaks++; leaks.push(what); }
}
const each = async (fn) => {
  for (const rel of RELATIONS) for (const role of ROLES) await fn(rel, role, users[`${rel}:${role}`]);
};

const activity = (over) => ({
  title: 'Outreach in Favoriten', type: 'outreach', setting: 'community', area_country: 'AT',
  lat: 48.17, lon: 16.38, radius_km: 3, start: '2026-01-01', end: '2026-12-31', status: 'active',
  age_min: 14, age_max: 20, tlp: 'amber', ...over,
});

before(async () => {
  srv = await startServer();
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const mk = async (name, kind, country) => (await root.post('/api/v1/organisations', { body: { name, kind, country } })).body.id;
  orgs.own = await mk('Vienna Police', 'police', 'AT');
  orgs.same_country = await mk('Austrian Ministry of Health', 'ministry_health', 'AT');
  orgs.group_member = await mk('Lyon Youth Association', 'youth_organisation', 'FR');
  orgs.outsider = await mk('Berlin Police', 'police', 'DE');
  for (const rel of RELATIONS) for (const role of ROLES) {
    const email = `${role}.${rel}@example.org`;
    const r = await root.post('/api/v1/users', { body: { email, name: email, org_id: orgs[rel], role } });
    assert.equal(r.status, 201, r.text);
    const token = cli(['token', 'create', '--email', email, '--db', srv.db.url]).stdout.trim();
    users[`${rel}:${role}`] = { token, api: client(srv.base, { token }) };
  }
  const own = users['own:analyst'].api;
  group = (await own.post('/api/v1/sharing-groups', { body: { name: 'Vienna-Lyon', members: [orgs.group_member] } })).body;
  const now = Date.now();
  for (const [i, dist] of DISTS.entries()) {
    const body = activity({ title: `Outreach (${dist})`, distribution: dist });
    if (dist === 'sharing_group') body.sharing_group_id = group.id;
    const r = await own.post('/api/v1/activities', { body });
    assert.equal(r.status, 201, r.text);
    acts[dist] = r.body;
    // one published alert per distribution, each in its own grid cell
    const a = { lat: 46.6 + i, lon: 10.2 + i * 1.1 };
    const ab = { title: `Pills (${dist})`, category: 'street_distribution', tlp: 'amber', distribution: dist, status: 'published',
      countries: ['AT'], location: a, observed_from: new Date(now - 86400000).toISOString() };
    if (dist === 'sharing_group') ab.sharing_group_id = group.id;
    const ar = await own.post('/api/v1/alerts', { body: ab });
    assert.equal(ar.status, 201, ar.text);
    alerts[dist] = a;
    const pb = { title: `Joint outreach (${dist})`, distribution: dist, status: 'open', partners: [orgs.same_country] };
    if (dist === 'sharing_group') pb.sharing_group_id = group.id;
    const pr = await own.post('/api/v1/proposals', { body: pb });
    assert.equal(pr.status, 201, pr.text);
    proposals[dist] = pr.body;
  }
  proposals.draft = (await own.post('/api/v1/proposals', { body: { title: 'Draft idea', distribution: 'network' } })).body;
  // a network activity of another organisation at the same place: it
  // overlaps every one of own's, and everyone sees it
  probe = (await users['group_member:analyst'].api.post('/api/v1/activities', { body: activity({ title: 'Probe', distribution: 'network' }) })).body;
  // a network alert covered only by an organisation-only activity of own
  const c = { lat: 47.07, lon: 15.44 };
  assert.equal((await own.post('/api/v1/alerts', { body: { title: 'Graz pills', category: 'street_distribution', tlp: 'amber', distribution: 'network', status: 'published', countries: ['AT'], location: c, observed_from: new Date(now - 86400000).toISOString() } })).status, 201);
  assert.equal((await own.post('/api/v1/activities', { body: activity({ title: 'Graz cover', type: 'training', lat: c.lat, lon: c.lon, radius_km: 5, distribution: 'organisation', start: new Date(now - 864e5 * 10).toISOString(), end: new Date(now + 864e5 * 10).toISOString() }) })).status, 201);
  coverCell = c;
  for (const status of ['draft', 'submitted', 'published']) {
    const r = await own.post('/api/v1/practices', { body: { title: `Practice (${status})`, status: status === 'draft' ? 'draft' : 'submitted' } });
    assert.equal(r.status, 201, r.text);
    practices[status] = r.body;
  }
  // publish one through two reviewers of other organisations
  for (const rel of ['same_country', 'outsider']) {
    const email = `reviewer.${rel}@example.org`;
    await root.post('/api/v1/users', { body: { email, name: email, org_id: orgs[rel], role: 'viewer', reviewer: true } });
    const rv = client(srv.base, { token: cli(['token', 'create', '--email', email, '--db', srv.db.url]).stdout.trim() });
    assert.equal((await rv.post(`/api/v1/practices/${practices.published.id}/reviews`, { body: { verdict: 'verify' } })).status, 201);
  }
});
after(async () => {
  console.log(`access matrix (activities): ${stats.cases} cases, ${stats.leaks} leaks`);
  await srv?.stop();
});

test('activities: list, get, export, update and delete follow distribution and role', async () => {
  await each(async (rel, role, u) => {
    const listed = new Set((await u.api.get('/api/v1/activities?limit=500')).body.items.map((a) => a.id));
    const exported = new Set((await u.api.get('/api/v1/activities/export?format=json')).body.map((a) => a.id));
    const hxl = (await u.api.get('/api/v1/activities/export?format=hxl')).text;
    for (const dist of DISTS) {
      const a = acts[dist];
      const vis = visible(rel, dist);
      const tag = `${rel}/${role}/${dist}`;
      check(listed.has(a.id) === vis, `list ${tag}`);
      check(exported.has(a.id) === vis, `export ${tag}`);
      check(hxl.includes(`Outreach (${dist})`) === vis, `hxl export ${tag}`);
      const g = await u.api.get(`/api/v1/activities/${a.id}`);
      check(g.status === (vis ? 200 : 404), `get ${tag}: ${g.status}`);
      const etag = vis ? g.headers.get('etag') : '"1"';
      const p = await u.api.patch(`/api/v1/activities/${a.id}`, { body: { description: `seen by ${tag}` }, headers: { 'If-Match': etag } });
      const want = !vis ? 404 : canWrite(rel, role) ? 200 : 403;
      check(p.status === want, `update ${tag}: ${p.status} not ${want}`);
      check((await u.api.del(`/api/v1/activities/${a.id}`)).status === 405, `delete ${tag}`);
      const o = await u.api.get(`/api/v1/activities/${a.id}/overlaps`);
      check(o.status === (vis ? 200 : 404), `overlaps of ${tag}: ${o.status}`);
    }
  });
  assert.deepEqual(leaks, []);
});

test('overlaps never report an activity the caller cannot see', async () => {
  await each(async (rel, role, u) => {
    const r = await u.api.get(`/api/v1/activities/${probe.id}/overlaps?limit=500`);
    const ids = new Set(r.body.items.map((x) => x.activity.id));
    const c = await u.api.get('/api/v1/activities/overlaps?country=AT&limit=500');
    const pairs = c.body.items.map((x) => [x.a.id, x.b.id]);
    for (const dist of DISTS) {
      const vis = visible(rel, dist);
      const tag = `${rel}/${role}/${dist}`;
      check(ids.has(acts[dist].id) === vis, `overlap with probe ${tag}`);
      check(pairs.some((p) => p.includes(acts[dist].id)) === vis, `country overlaps ${tag}`);
    }
  });
  assert.deepEqual(leaks, []);
});

test('gaps count only visible alerts and are covered only by visible activities', async () => {
  const near = (x, p) => Math.abs(x.centroid.lat - p.lat) < 0.01 && Math.abs(x.centroid.lon - p.lon) < 0.01;
  await each(async (rel, role, u) => {
    const r = await u.api.get('/api/v1/activities/gaps?country=AT&limit=500');
    for (const dist of DISTS) {
      check(r.body.items.some((x) => near(x, alerts[dist])) === visible(rel, dist), `gap ${rel}/${role}/${dist}`);
    }
    check(r.body.items.some((x) => near(x, coverCell)) === (rel !== 'own'), `covered gap ${rel}/${role}`);
  });
  assert.deepEqual(leaks, []);
});

test('practices: drafts and reviews stay with the organisation; published for all', async () => {
  await each(async (rel, role, u) => {
    const listed = new Set((await u.api.get('/api/v1/practices?limit=500')).body.items.map((p) => p.id));
    for (const [status, p] of Object.entries(practices)) {
      const vis = rel === 'own' || status === 'published';
      const tag = `${rel}/${role}/${status}`;
      check(listed.has(p.id) === vis, `practice list ${tag}`);
      const g = await u.api.get(`/api/v1/practices/${p.id}`);
      check(g.status === (vis ? 200 : 404), `practice get ${tag}: ${g.status}`);
      const etag = vis ? g.headers.get('etag') : '"1"';
      const patch = await u.api.patch(`/api/v1/practices/${p.id}`, { body: { summary: tag }, headers: { 'If-Match': etag } });
      const want = !vis ? 404 : !canWrite(rel, role) ? 403 : status === 'draft' ? 200 : 409;
      check(patch.status === want, `practice update ${tag}: ${patch.status} not ${want}`);
      const rv = await u.api.post(`/api/v1/practices/${p.id}/reviews`, { body: { verdict: 'verify' } });
      check(rv.status === (vis ? 403 : 404), `review ${tag}: ${rv.status}`);
    }
  });
  assert.deepEqual(leaks, []);
});

test('proposals and endorsements follow distribution, drafts and role', async () => {
  const endorsed = {};
  await each(async (rel, role, u) => {
    const listed = new Set((await u.api.get('/api/v1/proposals?limit=500')).body.items.map((p) => p.id));
    for (const [dist, p] of Object.entries(proposals)) {
      const vis = visible(rel, dist);
      const tag = `${rel}/${role}/${dist}`;
      check(listed.has(p.id) === vis, `proposal list ${tag}`);
      const g = await u.api.get(`/api/v1/proposals/${p.id}`);
      check(g.status === (vis ? 200 : 404), `proposal get ${tag}: ${g.status}`);
      const etag = vis ? g.headers.get('etag') : '"1"';
      const patch = await u.api.patch(`/api/v1/proposals/${p.id}`, { body: { description: tag }, headers: { 'If-Match': etag } });
      check(patch.status === (!vis ? 404 : canWrite(rel, role) ? 200 : 403), `proposal update ${tag}: ${patch.status}`);
      const e = await u.api.post(`/api/v1/proposals/${p.id}/endorsements`, { body: {} });
      // partner accounts of civil-society and youth organisations endorse too (issue 16)
      const speaks = ['admin', 'org_admin', 'analyst'].includes(role) || (role === 'partner' && rel === 'group_member');
      let want;
      if (!vis) want = [404];
      else if (!speaks) want = [403];
      else if (rel === 'own' || dist === 'draft') want = [409];
      else want = endorsed[`${rel}:${dist}`] ? [409] : [201];
      if (e.status === 201) endorsed[`${rel}:${dist}`] = true;
      check(want.includes(e.status), `endorse ${tag}: ${e.status} not ${want}`);
      const rv = await u.api.post(`/api/v1/proposals/${p.id}/reviews`, { body: { verdict: 'verify' } });
      check(rv.status === (vis ? 403 : 404), `proposal review ${tag}: ${rv.status}`);
    }
  });
  assert.deepEqual(leaks, []);
});
