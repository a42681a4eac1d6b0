// The access matrix: every role, in the creating organisation, another of
// the same country, a sharing-group member of another country, and an
// outsider, against records of every distribution: list, get, update,
// delete, and the paths that reveal records indirectly (sightings,
// comments, related). A leak is any record answered to someone who may not
// see it, or a change accepted from someone who may not make it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cli, cliUser } from './lib.mjs';

const ROLES = ['admin', 'org_admin', 'analyst', 'officer', 'partner', 'viewer'];
const RELATIONS = ['own', 'same_country', 'group_member', 'outsider'];
const DISTS = ['organisation', 'country', 'sharing_group', 'network', 'federation', 'draft'];
let srv, root;
const orgs = {};
const users = {};        // `${relation}:${role}` -> { id, token, api }
const alerts = {};       // dist -> alert
let group, substance;
const stats = { cases: 0, leaks: 0 };
const leaks = [];

function expectVisible(relation, dist) {
  switch (dist) {
    case 'organisation': case 'draft': return relation === 'own';
    case 'country': return relation === 'own' || relation === 'same_country';
    case 'sharing_group': return relation === 'own' || relation === 'group_member';
    default: return true;
  }
}
const canUpdate = (relation, role) => relation === 'own' && ['admin', 'org_admin', 'analyst', 'officer'].includes(role);

function check(ok, what) {
  stats.cases++;
  if (!ok) { stats.leaks++; leaks.push(what); }
}

before(async () => {
  srv = await startServer();
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const mk = async (name, kind, country) => (await root.post('/api/v1/organisations', { body: { name, kind, country } })).body.id;
  orgs.own = await mk('Vienna Police', 'police', 'AT');
  orgs.same_country = await mk('Austrian Ministry of Health', 'ministry_health', 'AT');
  orgs.group_member = await mk('Lyon Youth Association', 'youth_organisation', 'FR');
  orgs.outsider = await mk('Berlin Police', 'police', 'DE');
  for (const rel of RELATIONS) {
    for (const role of ROLES) {
      const email = `${role}.${rel}@example.org`;
      const r = await root.post('/api/v1/users', { body: { email, name: `${role} ${rel}`, org_id: orgs[rel], role } });
      assert.equal(r.status, 201, r.text);
      const token = cli(['token', 'create', '--email', email, '--db', srv.db.url]).stdout.trim();
      users[`${rel}:${role}`] = { id: r.body.id, token, api: client(srv.base, { token }) };
    }
  }
  const analyst = users['own:analyst'].api;
  const g = await analyst.post('/api/v1/sharing-groups', { body: { name: 'Vienna-Lyon', members: [orgs.group_member] } });
  assert.equal(g.status, 201, g.text);
  group = g.body;
  substance = (await analyst.get('/api/v1/substances?q=Fentanyl')).body.items[0];
  for (const dist of DISTS) {
    const body = {
      title: `Fentanyl in pills (${dist})`, category: 'new_substance', tlp: 'amber',
      distribution: dist === 'draft' ? 'network' : dist, status: dist === 'draft' ? 'draft' : 'published',
      substances: [substance.id], location: { lat: 48.2, lon: 16.37, place_name: 'Vienna' },
      observed_from: '2026-10-01T00:00:00Z', observed_to: '2026-10-03T00:00:00Z',
    };
    if (dist === 'sharing_group') body.sharing_group_id = group.id;
    const r = await analyst.post('/api/v1/alerts', { body });
    assert.equal(r.status, 201, r.text);
    alerts[dist] = r.body;
    if (dist !== 'draft') {
      assert.equal((await analyst.post(`/api/v1/alerts/${r.body.id}/sightings`, { body: { type: 'seen', place_name: 'Graz' } })).status, 201);
      assert.equal((await analyst.post(`/api/v1/alerts/${r.body.id}/comments`, { body: { body: `note on ${dist}` } })).status, 201);
    }
  }
});
after(async () => {
  console.log(`access matrix: ${stats.cases} cases, ${stats.leaks} leaks`);
  await srv?.stop();
});

test('alerts: list, get, update and delete follow distribution and role', async () => {
  for (const rel of RELATIONS) {
    for (const role of ROLES) {
      const u = users[`${rel}:${role}`];
      const list = await u.api.get('/api/v1/alerts?limit=500');
      assert.equal(list.status, 200);
      const listed = new Set(list.body.items.map((a) => a.id));
      for (const dist of DISTS) {
        const a = alerts[dist];
        const vis = expectVisible(rel, dist);
        const tag = `${rel}/${role}/${dist}`;
        check(listed.has(a.id) === vis, `list ${tag}`);
        const g = await u.api.get(`/api/v1/alerts/${a.id}`);
        check(g.status === (vis ? 200 : 404), `get ${tag}: ${g.status}`);
        const etag = vis ? g.headers.get('etag') : '"1"';
        const p = await u.api.patch(`/api/v1/alerts/${a.id}`, { body: { summary: `seen by ${tag}` }, headers: { 'If-Match': etag } });
        const want = !vis ? 404 : canUpdate(rel, role) ? 200 : 403;
        check(p.status === want, `update ${tag}: ${p.status} not ${want}`);
        const d = await u.api.del(`/api/v1/alerts/${a.id}`);
        check(d.status === 405, `delete ${tag}: ${d.status}`);
      }
    }
  }
  assert.deepEqual(leaks, []);
});

test('sightings, comments and related alerts never reveal what the caller may not see', async () => {
  for (const rel of RELATIONS) {
    for (const role of ROLES) {
      const u = users[`${rel}:${role}`];
      for (const dist of DISTS.filter((d) => d !== 'draft')) {
        const a = alerts[dist];
        const vis = expectVisible(rel, dist);
        const tag = `${rel}/${role}/${dist}`;
        const s = await u.api.get(`/api/v1/alerts/${a.id}/sightings`);
        check(s.status === (vis ? 200 : 404), `sightings ${tag}: ${s.status}`);
        const c = await u.api.get(`/api/v1/alerts/${a.id}/comments`);
        check(c.status === (vis ? 200 : 404), `comments ${tag}: ${c.status}`);
        if (vis) check(c.body.items.length === 1, `comment count ${tag}`);
      }
      // from the network alert, which everyone sees, every other alert is related by substance
      const rel2 = await u.api.get(`/api/v1/alerts/${alerts.network.id}/related?limit=500`);
      assert.equal(rel2.status, 200);
      const ids = new Set(rel2.body.items.map((x) => x.alert.id));
      for (const dist of DISTS.filter((d) => d !== 'network')) {
        check(ids.has(alerts[dist].id) === expectVisible(rel, dist), `related ${rel}/${role}/${dist}`);
      }
      for (const item of rel2.body.items) check(item.reasons.length >= 1, 'related without a reason');
    }
  }
  assert.deepEqual(leaks, []);
});

test('search and export find exactly the alerts the caller may see', async () => {
  const ours = new Set(DISTS.map((d) => alerts[d].id));
  for (const rel of RELATIONS) {
    for (const role of ROLES) {
      const u = users[`${rel}:${role}`];
      const tag = `${rel}/${role}`;
      const hits = await u.api.get('/api/v1/search?q=pills&type=alert&limit=500');
      assert.equal(hits.status, 200);
      const found = new Set(hits.body.items.map((h) => h.id));
      const exp = await u.api.get('/api/v1/alerts/export?format=json');
      assert.equal(exp.status, 200);
      const exported = new Set(exp.body.items.map((a) => a.id).filter((id) => ours.has(id)));
      for (const dist of DISTS) {
        const vis = expectVisible(rel, dist);
        check(found.has(alerts[dist].id) === vis, `search ${tag}/${dist}`);
        check(exported.has(alerts[dist].id) === vis, `export ${tag}/${dist}`);
      }
    }
  }
  assert.deepEqual(leaks, []);
});

test('sharing groups: visible to owner and members, changed by the owner', async () => {
  for (const rel of RELATIONS) {
    for (const role of ROLES) {
      const u = users[`${rel}:${role}`];
      const vis = rel === 'own' || rel === 'group_member';
      const tag = `${rel}/${role}`;
      const list = await u.api.get('/api/v1/sharing-groups');
      check(list.body.items.some((g) => g.id === group.id) === vis, `group list ${tag}`);
      const g = await u.api.get(`/api/v1/sharing-groups/${group.id}`);
      check(g.status === (vis ? 200 : 404), `group get ${tag}: ${g.status}`);
      const etag = vis ? g.headers.get('etag') : '"1"';
      const p = await u.api.patch(`/api/v1/sharing-groups/${group.id}`, { body: { description: tag }, headers: { 'If-Match': etag } });
      const want = !vis ? 404 : rel === 'own' && ['admin', 'org_admin', 'analyst'].includes(role) ? 200 : 403;
      check(p.status === want, `group update ${tag}: ${p.status} not ${want}`);
      check((await u.api.del(`/api/v1/sharing-groups/${group.id}`)).status === 405, `group delete ${tag}`);
    }
  }
  assert.deepEqual(leaks, []);
});

test('a member adds members only when the owner allows it', async () => {
  const member = users['group_member:analyst'].api;
  let g = await member.get(`/api/v1/sharing-groups/${group.id}`);
  const add = { add_members: [orgs.outsider] };
  check((await member.patch(`/api/v1/sharing-groups/${group.id}`, { body: add, headers: { 'If-Match': g.headers.get('etag') } })).status === 403, 'member added without leave');
  const owner = users['own:org_admin'].api;
  g = await owner.get(`/api/v1/sharing-groups/${group.id}`);
  assert.equal((await owner.patch(`/api/v1/sharing-groups/${group.id}`, { body: { members_can_add: true }, headers: { 'If-Match': g.headers.get('etag') } })).status, 200);
  g = await member.get(`/api/v1/sharing-groups/${group.id}`);
  check((await member.patch(`/api/v1/sharing-groups/${group.id}`, { body: { name: 'renamed' }, headers: { 'If-Match': g.headers.get('etag') } })).status === 403, 'member renamed the group');
  const ok = await member.patch(`/api/v1/sharing-groups/${group.id}`, { body: add, headers: { 'If-Match': g.headers.get('etag') } });
  check(ok.status === 200, `member could not add: ${ok.status}`);
  // now the outsider's organisation sees the sharing-group alert; take it back out
  check((await users['outsider:viewer'].api.get(`/api/v1/alerts/${alerts.sharing_group.id}`)).status === 200, 'added member cannot see');
  g = await owner.get(`/api/v1/sharing-groups/${group.id}`);
  assert.equal((await owner.patch(`/api/v1/sharing-groups/${group.id}`, { body: { remove_members: [orgs.outsider], members_can_add: false }, headers: { 'If-Match': g.headers.get('etag') } })).status, 200);
  check((await users['outsider:viewer'].api.get(`/api/v1/alerts/${alerts.sharing_group.id}`)).status === 404, 'removed member still sees');
  assert.deepEqual(leaks, []);
});

test('users, organisations and the audit log follow the role table', async () => {
  const target = users['own:viewer'];
  for (const rel of RELATIONS) {
    for (const role of ROLES) {
      const u = users[`${rel}:${role}`];
      const tag = `${rel}/${role}`;
      const vis = role === 'admin' || rel === 'own';
      const list = await u.api.get('/api/v1/users?limit=500');
      check(list.body.items.some((x) => x.id === target.id) === vis, `user list ${tag}`);
      check(list.body.items.every((x) => role === 'admin' || x.org_id === orgs[rel]), `user list scope ${tag}`);
      const g = await u.api.get(`/api/v1/users/${target.id}`);
      check(g.status === (vis ? 200 : 404), `user get ${tag}: ${g.status}`);
      const etag = vis ? g.headers.get('etag') : '"1"';
      const p = await u.api.patch(`/api/v1/users/${target.id}`, { body: { name: `named by ${tag}` }, headers: { 'If-Match': etag } });
      const self = u.id === target.id;
      const want = !vis ? 404 : role === 'admin' || (rel === 'own' && role === 'org_admin') || self ? 200 : 404;
      check(p.status === want || (vis && !self && p.status === 403), `user update ${tag}: ${p.status}`);
      check(!(p.status === 200 && want !== 200), `user update accepted ${tag}`);
      check((await u.api.del(`/api/v1/users/${target.id}`)).status === 405, `user delete ${tag}`);
      const o = await u.api.get(`/api/v1/organisations/${orgs.own}`);
      check(o.status === 200, `org get ${tag}`);
      const op = await u.api.patch(`/api/v1/organisations/${orgs.own}`, { body: { name: 'Vienna Police' }, headers: { 'If-Match': o.headers.get('etag') } });
      check(op.status === (role === 'admin' ? 200 : 403), `org update ${tag}: ${op.status}`);
      check((await u.api.del(`/api/v1/organisations/${orgs.own}`)).status === 405, `org delete ${tag}`);
      const au = await u.api.get('/api/v1/audit');
      check(au.status === (role === 'admin' ? 200 : 403), `audit ${tag}: ${au.status}`);
    }
  }
  assert.deepEqual(leaks, []);
});

test('distribution changes: only the owning analysts and org admins, audited; red never federated', async () => {
  const a = alerts.network;
  for (const role of ROLES) {
    const u = users[`own:${role}`].api;
    const g = await u.get(`/api/v1/alerts/${a.id}`);
    const p = await u.patch(`/api/v1/alerts/${a.id}`, { body: { tlp: g.body.tlp === 'amber' ? 'green' : 'amber' }, headers: { 'If-Match': g.headers.get('etag') } });
    check(p.status === (['admin', 'org_admin', 'analyst'].includes(role) ? 200 : 403), `share ${role}: ${p.status}`);
  }
  const log = await client(srv.base, { token: users['own:admin'].token }).get(`/api/v1/audit?resource_id=${a.id}`);
  check(log.body.items.some((e) => e.action === 'share'), 'distribution change not audited');
  const u = users['own:analyst'].api;
  const g = await u.get(`/api/v1/alerts/${alerts.federation.id}`);
  const red = await u.patch(`/api/v1/alerts/${alerts.federation.id}`, { body: { tlp: 'red' }, headers: { 'If-Match': g.headers.get('etag') } });
  check(red.status === 400 && red.body.errors.some((e) => e.field === 'tlp'), `red+federation: ${red.status}`);
  assert.deepEqual(leaks, []);
});
