// Findings of a security test. (1) Roles without the share right (officer,
// partner) create shareable records at distribution organisation or country
// only and change no distribution, sharing group or TLP; analysts and
// organisation administrators do, audited as "share". (2) A record the
// caller may not see is 404 whatever the body of a PATCH or of a POST
// below it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cli, cliUser, request, sql, assertProblem } from './lib.mjs';

let srv, root;
const orgs = {};
const u = {};
let group, awayGroup;

async function addUser(email, org, role, reviewer = false) {
  const r = await root.post('/api/v1/users', { body: { email, name: email, org_id: org, role, reviewer } });
  assert.equal(r.status, 201, r.text);
  const token = cli(['token', 'create', '--email', email, '--db', srv.db.url]).stdout.trim();
  return client(srv.base, { token });
}

before(async () => {
  srv = await startServer({ env: { TRELLIS_TIP_POW_BITS: '0', TRELLIS_TIP_RATE: '0' } });
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const mk = async (name, kind, country) => (await root.post('/api/v1/organisations', { body: { name, kind, country } })).body.id;
  orgs.home = await mk('Vienna Police', 'police', 'AT');
  orgs.away = await mk('Prague Police', 'police', 'CZ');
  for (const role of ['org_admin', 'analyst', 'officer', 'partner', 'viewer'])
    u[role] = await addUser(`${role}@vienna.example`, orgs.home, role);
  u.away = await addUser('analyst@prague.example', orgs.away, 'analyst', true);
  u.awayUserId = (await u.away.get('/api/v1/me')).body.id;
  group = (await u.analyst.post('/api/v1/sharing-groups', { body: { name: 'Vienna and Prague' } })).body.id;
  awayGroup = (await u.away.post('/api/v1/sharing-groups', { body: { name: 'Prague only' } })).body.id;
  assert.ok(group && awayGroup);
});
after(async () => { await srv?.stop(); });

// Each shareable resource: its path, a valid body at a distribution, the
// roles without the share right that may create it, and whether it has a TLP.
const resources = {
  alerts: {
    body: (d) => ({ title: 'Nitazene tablets sold as oxycodone', category: 'new_substance', tlp: 'amber', status: 'draft', ...d }),
    creators: ['officer'], tlp: true,
  },
  activities: {
    body: (d) => ({
      title: 'School prevention talks', type: 'school_prevention', setting: 'school', area_country: 'AT',
      start: '2026-01-01', tlp: 'amber', ...d,
    }),
    creators: ['officer', 'partner'], tlp: true,
  },
  problems: {
    body: (d) => ({ title: 'Stash houses near the station', tlp: 'amber', ...d }),
    creators: ['officer'], tlp: true,
  },
  proposals: {
    body: (d) => ({ title: 'Joint prevention week', ...d }),
    creators: ['officer', 'partner'], tlp: false,
  },
};

const wide = () => [{ distribution: 'network' }, { distribution: 'federation' }, { distribution: 'sharing_group', sharing_group_id: group }];
const narrow = [{ distribution: 'organisation' }, { distribution: 'country' }];

test('officers and partners create at organisation or country only: wider is 403 naming distribution', async () => {
  for (const [name, r] of Object.entries(resources)) {
    for (const role of r.creators) {
      for (const d of wide())
        assertProblem(assert, await u[role].post(`/api/v1/${name}`, { body: r.body(d) }), 403, 'distribution');
      for (const d of narrow) {
        const c = await u[role].post(`/api/v1/${name}`, { body: r.body(d) });
        assert.equal(c.status, 201, `${role} ${name} ${d.distribution}: ${c.text}`);
        assert.equal(c.body.distribution, d.distribution);
      }
    }
    // viewers create nothing; partners no alerts or problems
    for (const role of ['viewer', 'partner'].filter((x) => !r.creators.includes(x)))
      assertProblem(assert, await u[role].post(`/api/v1/${name}`, { body: r.body({ distribution: 'organisation' }) }), 403);
  }
});

test('analysts and organisation administrators create at any distribution', async () => {
  for (const [name, r] of Object.entries(resources))
    for (const role of ['analyst', 'org_admin'])
      for (const d of [...wide(), ...narrow]) {
        const c = await u[role].post(`/api/v1/${name}`, { body: r.body(d) });
        assert.equal(c.status, 201, `${role} ${name} ${d.distribution}: ${c.text}`);
      }
});

test('practices carry no distribution: it is not a field, and a practice starts with its organisation', async () => {
  const body = { title: 'Strengthening Families 10-14', origin_country: 'AT', setting: 'family' };
  for (const role of ['officer', 'partner']) {
    assertProblem(assert, await u[role].post('/api/v1/practices', { body: { ...body, distribution: 'network' } }), 400, 'distribution');
    const c = await u[role].post('/api/v1/practices', { body });
    assert.equal(c.status, 201, c.text);
    assert.equal((await u.away.get(`/api/v1/practices/${c.body.id}`)).status, 404);
  }
});

async function patch(api, path, body) {
  const g = await api.get(path);
  assert.equal(g.status, 200, g.text);
  return api.patch(path, { body, headers: { 'If-Match': g.headers.get('etag') } });
}

async function auditOf(id) {
  const r = await root.get(`/api/v1/audit?resource_id=${id}`);
  assert.equal(r.status, 200, r.text);
  return r.body.items;
}

test('a partner does not widen its proposal from organisation to network', async () => {
  const c = await u.partner.post('/api/v1/proposals', { body: resources.proposals.body({ distribution: 'organisation' }) });
  assert.equal(c.status, 201, c.text);
  const path = `/api/v1/proposals/${c.body.id}`;
  assertProblem(assert, await patch(u.partner, path, { distribution: 'network' }), 403, 'distribution');
  assert.equal((await u.partner.get(path)).body.distribution, 'organisation');
  assert.ok(!(await auditOf(c.body.id)).some((e) => e.action === 'update' || e.action === 'share'));
});

test('officers and partners change no distribution or TLP; analysts and org admins do, audited as share', async () => {
  for (const [name, r] of Object.entries(resources)) {
    for (const role of r.creators) {
      const c = await u[role].post(`/api/v1/${name}`, { body: r.body({ distribution: 'organisation' }) });
      assert.equal(c.status, 201, c.text);
      const path = `/api/v1/${name}/${c.body.id}`;
      assertProblem(assert, await patch(u[role], path, { distribution: 'network' }), 403, 'distribution');
      assertProblem(assert, await patch(u[role], path, { distribution: 'country' }), 403, 'distribution');
      assertProblem(assert, await patch(u[role], path, { distribution: 'sharing_group', sharing_group_id: group }), 403, 'distribution');
      if (r.tlp) assertProblem(assert, await patch(u[role], path, { tlp: 'clear' }), 403, 'tlp');
      // the same values are no change: other fields still change
      const same = await patch(u[role], path, { distribution: 'organisation', title: 'A better title here' });
      assert.equal(same.status, 200, same.text);
      assert.equal((await u.away.get(path)).status, 404);
      assert.ok(!(await auditOf(c.body.id)).some((e) => e.action === 'share'));

      const sharer = role === 'officer' ? u.analyst : u.org_admin;
      const ok = await patch(sharer, path, { distribution: 'network' });
      assert.equal(ok.status, 200, `${name}: ${ok.text}`);
      assert.equal(ok.body.distribution, 'network');
      assert.equal((await u.away.get(path)).status, name === 'alerts' || name === 'proposals' ? 404 : 200); // drafts stay home
      const log = await auditOf(c.body.id);
      const share = log.find((e) => e.action === 'share');
      assert.ok(share, `${name}: no share in ${JSON.stringify(log)}`);
      assert.deepEqual(share.detail.distribution, ['organisation', 'network']);
      if (r.tlp) {
        const t = await patch(sharer, path, { tlp: 'green' });
        assert.equal(t.status, 200, t.text);
        const shares = (await auditOf(c.body.id)).filter((e) => e.action === 'share');
        assert.ok(shares.some((e) => e.detail.tlp && e.detail.tlp[0] === 'amber' && e.detail.tlp[1] === 'green'), JSON.stringify(shares));
      }
    }
  }
});

test('activities imported by a partner stay at organisation or country', async () => {
  const csv = (dist) => [
    'Organisation,Type,Activity,Start,Status,Distribution,TLP',
    '#org,#sector,#activity,#date+start,#status,#meta+distribution,#meta+tlp',
    `Vienna Police,outreach,Night outreach ${dist},2026-02-01,planned,${dist},amber`,
  ].join('\n') + '\n';
  const post = (api, dist) => api.post('/api/v1/activities/import', { raw: csv(dist), headers: { 'Content-Type': 'text/csv' } });
  assertProblem(assert, await post(u.partner, 'network'), 400, 'row 3 #meta+distribution');
  assertProblem(assert, await post(u.officer, 'federation'), 400, 'row 3 #meta+distribution');
  assert.equal((await post(u.partner, 'country')).status, 201);
  assert.equal((await post(u.analyst, 'network')).status, 201);
  const titles = (await u.away.get('/api/v1/activities?limit=500')).body.items.map((a) => a.title);
  assert.deepEqual(titles.filter((t) => t.startsWith('Night outreach')), ['Night outreach network']);
});

// ---- (2) invisible records are 404 whatever the body ----

async function awayRecords() {
  const rec = {};
  const mk = async (path, body) => {
    const r = await u.away.post(path, { body });
    assert.equal(r.status, 201, `${path}: ${r.text}`);
    return r.body.id;
  };
  rec.alert = await mk('/api/v1/alerts', resources.alerts.body({ distribution: 'organisation', status: 'published' }));
  rec.activity = await mk('/api/v1/activities', { ...resources.activities.body({ distribution: 'organisation' }), area_country: 'CZ' });
  rec.problem = await mk('/api/v1/problems', resources.problems.body({ distribution: 'organisation' }));
  rec.proposal = await mk('/api/v1/proposals', resources.proposals.body({ distribution: 'organisation', status: 'open' }));
  rec.practice = await mk('/api/v1/practices', { title: 'A practice of Prague', origin_country: 'CZ', setting: 'school' });
  const tip = await request(srv.base, 'POST', '/api/v1/public/tips', { body: { category: 'other', description: 'Dealing behind the station in Prague.', country: 'CZ', lat: 50.08, lon: 14.43 } });
  assert.equal(tip.status, 201, tip.text);
  rec.tip = (await u.away.get('/api/v1/tips?limit=500')).body.items.find((t) => t.description.includes('Prague')).id;
  rec.signal = '0190f000-0000-7000-8000-00000000a001';
  const now = Date.now();
  sql(srv, `INSERT INTO signals (id, org_id, org_key, country, method, source, category, period_start, period_end, observed, first_seen, last_seen, created_at, updated_at)
    VALUES ('${rec.signal}', '${orgs.away}', '${orgs.away}', 'CZ', 'ears_c2', 'alerts', 'new_substance', ${now - 86400000}, ${now}, 9, ${now}, ${now}, ${now}, ${now})`);
  return rec;
}

test('a PATCH or POST below a record the caller cannot see is 404 whatever the body', async () => {
  const rec = await awayRecords();
  const missing = '0190f000-0000-7000-8000-00000000dead';
  const routes = [
    ['patch', `/api/v1/alerts/${rec.alert}`],
    ['post', `/api/v1/alerts/${rec.alert}/sightings`],
    ['post', `/api/v1/alerts/${rec.alert}/comments`],
    ['patch', `/api/v1/activities/${rec.activity}`],
    ['patch', `/api/v1/problems/${rec.problem}`],
    ['patch', `/api/v1/proposals/${rec.proposal}`],
    ['post', `/api/v1/proposals/${rec.proposal}/endorsements`],
    ['post', `/api/v1/proposals/${rec.proposal}/reviews`],
    ['patch', `/api/v1/practices/${rec.practice}`],
    ['post', `/api/v1/practices/${rec.practice}/reviews`],
    ['patch', `/api/v1/tips/${rec.tip}`],
    ['post', `/api/v1/tips/${rec.tip}/notes`],
    ['post', `/api/v1/tips/${rec.tip}/messages`],
    ['patch', `/api/v1/signals/${rec.signal}`],
    ['patch', `/api/v1/sharing-groups/${awayGroup}`],
    ['patch', `/api/v1/users/${u.awayUserId}`],
    ['patch', `/api/v1/organisations/${missing}`],
    ['patch', `/api/v1/substances/${missing}`],
  ];
  const bodies = [{ body: { no_such_field: 1 } }, { body: {} }, { raw: '{"title":', headers: { 'Content-Type': 'application/json' } }];
  for (const [method, path] of routes)
    for (const b of bodies) {
      const api = path.includes('/organisations/') || path.includes('/substances/') ? root : u.analyst;
      const r = await api[method](path, { ...b, headers: { 'If-Match': '"1"', ...(b.headers || {}) } });
      assertProblem(assert, r, 404);
    }
  // the owner still gets its 400 naming the field
  assertProblem(assert, await u.away.patch(`/api/v1/alerts/${rec.alert}`, { body: { no_such_field: 1 }, headers: { 'If-Match': '"1"' } }), 400, 'no_such_field');
  assertProblem(assert, await u.away.post(`/api/v1/alerts/${rec.alert}/comments`, { body: {} }), 400, 'body');
});

test('a PATCH sending null for a distribution, a TLP or any field that is not nullable is 400 naming it, never a crash', async () => {
  for (const [name, r] of Object.entries(resources)) {
    const c = await u.analyst.post(`/api/v1/${name}`, { body: r.body({ distribution: 'organisation' }) });
    assert.equal(c.status, 201, c.text);
    const path = `/api/v1/${name}/${c.body.id}`;
    for (const k of ['distribution', 'title', ...(r.tlp ? ['tlp'] : []), ...(name === 'problems' ? [] : ['status'])])
      assertProblem(assert, await patch(u.analyst, path, { [k]: null }), 400, k);
    assert.equal((await u.analyst.get(path)).body.distribution, 'organisation');
  }
});
