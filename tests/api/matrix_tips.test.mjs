// The access matrix of tips, their notes, messages and contact, and
// problems: every role in the receiving organisation, another of the same
// country, a sharing-group member of another country and an outsider,
// against tips and problems of every distribution. A leak is a record
// answered to someone who may not see it, or a change accepted from
// someone who may not make it. Also: a receipt opens only its own tip.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cli, cliUser, request } from './lib.mjs';

const ROLES = ['admin', 'org_admin', 'analyst', 'officer', 'partner', 'viewer'];
const RELATIONS = ['own', 'same_country', 'group_member', 'outsider'];
const DISTS = ['organisation', 'country', 'sharing_group', 'network'];
const TRIAGE = ['admin', 'org_admin', 'analyst', 'officer'];
const CONTACT = ['org_admin', 'analyst', 'officer'];
let srv;
const orgs = {}, users = {}, tips = {}, problems = {}, receipts = {};
const stats = { cases: 0, leaks: 0 };
const leaks = [];

const visible = (rel, dist) => dist === 'network' || rel === 'own' || (dist === 'country' && rel === 'same_country') || (dist === 'sharing_group' && rel === 'group_member');
function check(ok, what) {
  stats.cases++;
  if (!ok) { stats.leaks++; leaks.push(what); }
}

before(async () => {
  srv = await startServer({ env: { TRELLIS_TIP_POW_BITS: '0', TRELLIS_TIP_RATE: '0', TRELLIS_SECRET_KEY: 'b2'.repeat(32) } });
  const root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const mk = async (name, kind, country) => (await root.post('/api/v1/organisations', { body: { name, kind, country } })).body.id;
  orgs.own = await mk('Vienna Police', 'police', 'AT');
  orgs.same_country = await mk('Austrian Ministry of Health', 'ministry_health', 'AT');
  orgs.group_member = await mk('Lyon Youth Association', 'youth_organisation', 'FR');
  orgs.outsider = await mk('Berlin Police', 'police', 'DE');
  for (const rel of RELATIONS) for (const role of ROLES) {
    const email = `${role}.${rel}@example.org`;
    const r = await root.post('/api/v1/users', { body: { email, name: email, org_id: orgs[rel], role } });
    assert.equal(r.status, 201, r.text);
    users[`${rel}:${role}`] = client(srv.base, { token: cli(['token', 'create', '--email', email, '--db', srv.db.url]).stdout.trim() });
  }
  const analyst = users['own:analyst'];
  const group = (await analyst.post('/api/v1/sharing-groups', { body: { name: 'Vienna-Lyon', members: [orgs.group_member] } })).body;
  for (const dist of DISTS) {
    const text = `Matrix tip with distribution ${dist}.`;
    const r = await request(srv.base, 'POST', '/api/v1/public/tips', { body: { category: 'other', description: text, country: 'AT', lat: 48.2, lon: 16.37, contact: 'mail me' } });
    assert.equal(r.status, 201, r.text);
    receipts[dist] = r.body;
    const t = (await analyst.get('/api/v1/tips?limit=500')).body.items.find((x) => x.description === text);
    const body = { distribution: dist };
    if (dist === 'sharing_group') body.sharing_group_id = group.id;
    if (dist !== 'organisation') {
      const p = await analyst.patch(`/api/v1/tips/${t.id}`, { body, headers: { 'If-Match': `"${t.version}"` } });
      assert.equal(p.status, 200, p.text);
    }
    tips[dist] = t;
    assert.equal((await analyst.post(`/api/v1/tips/${t.id}/notes`, { body: { body: `note ${dist}` } })).status, 201);
    assert.equal((await analyst.post(`/api/v1/tips/${t.id}/messages`, { body: { body: `question ${dist}` } })).status, 201);
    const pb = { title: `Problem ${dist}`, ...body, tips: [t.id] };
    const pr = await analyst.post('/api/v1/problems', { body: pb });
    assert.equal(pr.status, 201, pr.text);
    problems[dist] = pr.body;
  }
});
after(async () => {
  console.log(`access matrix (tips): ${stats.cases} cases, ${stats.leaks} leaks`);
  await srv?.stop();
});

test('tips: list, get, triage, notes, messages and contact follow distribution, role and the receiving organisation', async () => {
  for (const rel of RELATIONS) for (const role of ROLES) {
    const u = users[`${rel}:${role}`];
    const list = await u.get('/api/v1/tips?limit=500');
    check(list.status === (role === 'viewer' ? 403 : 200), `list ${rel}/${role}: ${list.status}`);
    const listed = new Set((list.body.items || []).map((t) => t.id));
    for (const dist of DISTS) {
      const t = tips[dist], vis = visible(rel, dist), tag = `${rel}/${role}/${dist}`;
      const home = rel === 'own';
      if (role !== 'viewer') check(listed.has(t.id) === vis, `list ${tag}`);
      const g = await u.get(`/api/v1/tips/${t.id}`);
      check(g.status === (role === 'viewer' ? 403 : vis ? 200 : 404), `get ${tag}: ${g.status}`);
      if (g.status === 200 && !home) check(g.body.location.coarsened === true && g.body.has_contact === false, `coarse ${tag}`);
      const p = await u.patch(`/api/v1/tips/${t.id}`, { body: { status: 'new' }, headers: { 'If-Match': g.headers.get('etag') || '"1"' } });
      const wantP = role === 'viewer' ? 403 : !vis ? 404 : home && TRIAGE.includes(role) ? 200 : 403;
      check(p.status === wantP, `patch ${tag}: ${p.status} not ${wantP}`);
      for (const child of ['notes', 'messages']) {
        const want = !vis ? 404 : home && TRIAGE.includes(role) ? 200 : 403;
        const l = await u.get(`/api/v1/tips/${t.id}/${child}`);
        check(l.status === want, `${child} ${tag}: ${l.status} not ${want}`);
        if (l.status === 200) check(l.body.items.length >= 1, `${child} count ${tag}`);
        const c = await u.post(`/api/v1/tips/${t.id}/${child}`, { body: { body: 'x' } });
        check(c.status === (want === 200 ? 201 : want), `${child} add ${tag}: ${c.status}`);
      }
      const ct = await u.get(`/api/v1/tips/${t.id}/contact?justification=matrix%20check%20only`);
      const wantC = !CONTACT.includes(role) ? 403 : !vis ? 404 : home ? 200 : 403;
      check(ct.status === wantC, `contact ${tag}: ${ct.status} not ${wantC}`);
      if (ct.status === 200) check(ct.body.contact === 'mail me', `contact value ${tag}`);
      check((await u.del(`/api/v1/tips/${t.id}`)).status === 405, `delete ${tag}`);
    }
  }
  assert.deepEqual(leaks, []);
});

test('problems: list, get and update follow distribution and role; linked tips only when visible', async () => {
  for (const rel of RELATIONS) for (const role of ROLES) {
    const u = users[`${rel}:${role}`];
    const list = await u.get('/api/v1/problems?limit=500');
    const listed = new Set(list.body.items.map((p) => p.id));
    for (const dist of DISTS) {
      const pr = problems[dist], vis = visible(rel, dist), tag = `${rel}/${role}/${dist}`;
      check(listed.has(pr.id) === vis, `problem list ${tag}`);
      const g = await u.get(`/api/v1/problems/${pr.id}`);
      check(g.status === (vis ? 200 : 404), `problem get ${tag}: ${g.status}`);
      // a link shows only when the reader may see its other end: a viewer reads no tips
      if (g.status === 200) check(g.body.tips.length === (visible(rel, dist) && role !== 'viewer' ? 1 : 0), `problem tips ${tag}`);
      const p = await u.patch(`/api/v1/problems/${pr.id}`, { body: { description: tag }, headers: { 'If-Match': g.headers.get('etag') || '"1"' } });
      const want = !vis ? 404 : rel === 'own' && TRIAGE.includes(role) ? 200 : 403;
      check(p.status === want, `problem patch ${tag}: ${p.status} not ${want}`);
      check((await u.del(`/api/v1/problems/${pr.id}`)).status === 405, `problem delete ${tag}`);
    }
  }
  assert.deepEqual(leaks, []);
});

test('a receipt opens only its own tip', async () => {
  for (const a of DISTS) for (const b of DISTS) {
    const r = await request(srv.base, 'GET', `/api/v1/public/tips/${receipts[a].code}`, { headers: { 'X-Receipt-Secret': receipts[b].secret } });
    check(r.status === (a === b ? 200 : 404), `receipt ${a} with secret of ${b}: ${r.status}`);
    if (r.status === 200) check(!JSON.stringify(r.body).includes('note '), `receipt shows notes ${a}`);
  }
  assert.deepEqual(leaks, []);
});
