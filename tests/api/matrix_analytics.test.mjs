// The access matrix of the analytics: every role in the owning
// organisation, another of the same country, a sharing-group member of
// another country and an outsider, against alerts, sightings and tips of
// every distribution. Each distribution has its own week, place and count,
// so any count reveals which records went into it. A leak is a count,
// event or record id that includes a record the caller may not see; a
// record of another organisation with distribution `organisation` must not
// change anything for anyone outside it. Suppression is off here
// (TRELLIS_SUPPRESS_BELOW=0) so that every count is shown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, client, cli, cliUser, sql } from './lib.mjs';

const ROLES = ['admin', 'org_admin', 'analyst', 'officer', 'partner', 'viewer'];
const RELATIONS = ['own', 'same_country', 'group_member', 'outsider'];
const DISTS = ['organisation', 'country', 'sharing_group', 'network', 'federation', 'draft'];
const WEEK = 7 * 86400000;
const MONDAY = Date.parse('2026-03-02T00:00:00Z');
const RANGE = 'from=2026-01-05&to=2026-04-19';
const iso = (ms) => new Date(ms).toISOString();
let srv, tips = false;
const orgs = {}, users = {};
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
function check(ok, what) {
  stats.cases++;
  if (!ok) { stats.leaks++; leaks.push(what); }
}
// distribution i: i + 1 records in week 8 + i at its own place
const count = (i) => i + 1;
const place = (i) => ({ lat: 47.0 + i * 0.5, lon: 10.0 + i * 1.0 });
// drafts are never counted, not even by their organisation: analytics are
// over published records (tips have no draft)
const expected = (rel, source) => DISTS.map((d, i) => d !== 'draft' && expectVisible(rel, d) ? count(i) : 0);

before(async () => {
  srv = await startServer({ env: { TRELLIS_SUPPRESS_BELOW: '0', TRELLIS_DETECT_INTERVAL_S: '0' } });
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
  tips = (await analyst.get('/api/v1/analytics/timeseries?source=tips')).status === 200;
  for (let i = 0; i < DISTS.length; i++) {
    const dist = DISTS[i];
    for (let k = 0; k < count(i); k++) {
      const when = MONDAY + i * WEEK + k * 3600000;
      const loc = { lat: place(i).lat + k * 0.001, lon: place(i).lon };
      const body = {
        title: `${dist} ${k}`, category: 'street_distribution', tlp: 'amber',
        distribution: dist === 'draft' ? 'network' : dist, status: dist === 'draft' ? 'draft' : 'published',
        location: loc, observed_from: iso(when),
      };
      if (dist === 'sharing_group') body.sharing_group_id = group.id;
      const r = await analyst.post('/api/v1/alerts', { body });
      assert.equal(r.status, 201, r.text);
      if (dist !== 'draft') {
        const s = await analyst.post(`/api/v1/alerts/${r.body.id}/sightings`, { body: { type: 'seen', lat: loc.lat, lon: loc.lon, observed_at: iso(when) } });
        assert.equal(s.status, 201, s.text);
      }
      if (tips && dist !== 'draft') {
        sql(srv, `INSERT INTO tips (id, code, secret_hash, org_id, country, distribution, sharing_group_id, category, description, status, lat, lon, observed_at, ack_due_at, created_at, updated_at) VALUES ('${randomUUID()}', '${randomUUID()}', 'x', '${orgs.own}', 'AT', '${dist}', ${dist === 'sharing_group' ? `'${group.id}'` : 'NULL'}, 'public_drug_use', 'seen', 'new', ${loc.lat}, ${loc.lon}, ${when}, ${when}, ${when}, ${when})`);
      }
    }
  }
});
after(async () => {
  console.log(`access matrix (analytics): ${stats.cases} cases, ${stats.leaks} leaks${tips ? '' : ' (tips table absent: tips not covered)'}`);
  await srv?.stop();
});

const SOURCES = () => ['alerts', 'sightings', ...(tips ? ['tips'] : [])];

// Everything a caller can learn from the four endpoints about one source.
async function snapshot(u, source) {
  const ts = await u.get(`/api/v1/analytics/timeseries?source=${source}&${RANGE}`);
  const ab = await u.get(`/api/v1/analytics/aberrations?source=${source}&method=ears_c1&min_sigma=1&${RANGE}`);
  const hs = await u.get(`/api/v1/analytics/hotspots?source=${source}&bbox=9,46,17,51&distance_km=30&cell_km=10&limit=500`);
  const sc = await u.get(`/api/v1/analytics/scan?source=${source}&${RANGE}&max_radius_km=5&replications=999&alpha=1`);
  for (const r of [ts, ab, hs, sc]) assert.equal(r.status, 200, r.text);
  return {
    weeks: ts.body.items.map((x) => x.count),
    observed: ab.body.items.map((x) => x.observed),
    upper: ab.body.items.map((x) => x.upperbound),
    cells: hs.body.items.filter((c) => c.count > 0).map((c) => [c.centre.lat.toFixed(4), c.centre.lon.toFixed(4), c.count, c.gi_star_z]),
    hotspot_records: hs.body.records,
    events: sc.body.events,
    scan_ids: sc.body.items.flatMap((c) => c.record_ids ?? []).sort(),
    clusters: sc.body.items.map((c) => [c.observed, c.llr]),
  };
}
const before1 = {};

test('every count is over visible records only', async () => {
  for (const rel of RELATIONS) for (const role of ROLES) for (const source of SOURCES()) {
    const tag = `${rel}/${role}/${source}`;
    const snap = await snapshot(users[`${rel}:${role}`], source);
    before1[tag] = snap;
    const want = expected(rel, source);
    // weeks 8..13 of the range hold the distributions, every other week is empty
    for (let i = 0; i < DISTS.length; i++) check(snap.weeks[8 + i] === want[i], `week of ${DISTS[i]} ${tag}: ${snap.weeks[8 + i]} not ${want[i]}`);
    check(snap.weeks.reduce((a, b) => a + b, 0) === want.reduce((a, b) => a + b, 0), `total ${tag}`);
    check(JSON.stringify(snap.observed) === JSON.stringify(snap.weeks), `aberrations ${tag}`);
    const total = want.reduce((a, b) => a + b, 0);
    check(snap.hotspot_records === total, `hotspot records ${tag}: ${snap.hotspot_records} not ${total}`);
    check(snap.cells.reduce((a, c) => a + c[2], 0) === total, `hotspot cells ${tag}`);
    check(snap.events === total, `scan events ${tag}: ${snap.events} not ${total}`);
  }
  assert.deepEqual(leaks, []);
});

test("another organisation's record with distribution organisation changes nothing for anyone else", async () => {
  const ministry = users['same_country:analyst'];
  const r = await ministry.post('/api/v1/alerts', { body: {
    title: 'ministry only', category: 'street_distribution', tlp: 'amber', distribution: 'organisation', status: 'published',
    location: { lat: 48.2, lon: 16.37 }, observed_from: iso(MONDAY + 2 * WEEK),
  } });
  assert.equal(r.status, 201, r.text);
  assert.equal((await ministry.post(`/api/v1/alerts/${r.body.id}/sightings`, { body: { type: 'seen', lat: 48.2, lon: 16.37, observed_at: iso(MONDAY + 2 * WEEK) } })).status, 201);
  if (tips) sql(srv, `INSERT INTO tips (id, code, secret_hash, org_id, country, distribution, category, description, status, lat, lon, observed_at, ack_due_at, created_at, updated_at) VALUES ('${randomUUID()}', '${randomUUID()}', 'x', '${orgs.same_country}', 'AT', 'organisation', 'public_drug_use', 'seen', 'new', 48.2, 16.37, ${MONDAY + 2 * WEEK}, 1, 1, 1)`);
  for (const rel of RELATIONS) for (const role of ROLES) for (const source of SOURCES()) {
    const tag = `${rel}/${role}/${source}`;
    const snap = await snapshot(users[`${rel}:${role}`], source);
    const was = before1[tag];
    if (rel === 'same_country') {
      check(snap.weeks[10] === was.weeks[10] + 1, `own record not counted ${tag}`);
      continue;
    }
    for (const k of Object.keys(was)) check(JSON.stringify(snap[k]) === JSON.stringify(was[k]), `${k} changed for ${tag}`);
  }
  assert.deepEqual(leaks, []);
});

test('signals show only the record ids the caller may see', async () => {
  // a burst of the ministry's records, two weeks running, after quiet weeks
  const ministry = users['same_country:analyst'];
  const ids = [];
  for (let w = 0; w < 2; w++) for (let k = 0; k < 8; k++) {
    const dist = k % 2 ? 'organisation' : 'network';
    const r = await ministry.post('/api/v1/alerts', { body: {
      title: `burst ${w}/${k}`, category: 'youth_recruitment', tlp: 'amber', distribution: dist, status: 'published',
      observed_from: iso(Date.parse('2026-06-01T00:00:00Z') + w * WEEK + k * 3600000),
    } });
    assert.equal(r.status, 201, r.text);
    if (w === 1) ids.push({ id: r.body.id, dist });
  }
  const run = cli(['detect', '--db', srv.db.url, '--at', '2026-06-10T00:00:00Z']);
  assert.equal(run.status, 0, run.stderr);
  for (const rel of RELATIONS) for (const role of ROLES) {
    const list = await users[`${rel}:${role}`].get('/api/v1/signals?limit=500');
    assert.equal(list.status, 200);
    const seesSignals = rel === 'own' || (rel === 'same_country' && ['admin', 'org_admin', 'analyst'].includes(role));
    const sig = list.body.items.find((s) => s.category === 'youth_recruitment');
    check(Boolean(sig) === seesSignals, `signal listed ${rel}/${role}`);
    if (!sig) continue;
    const want = ids.filter((x) => x.dist === 'network' || rel === 'same_country').map((x) => x.id).sort();
    check(JSON.stringify([...sig.record_ids].sort()) === JSON.stringify(want), `record ids ${rel}/${role}`);
  }
  assert.deepEqual(leaks, []);
});
