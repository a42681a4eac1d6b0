// Activities: CRUD with ETags and idempotency, bad input, overlaps on
// hand-built cases with known answers, gaps, and the CSV+HXL import and
// export (round trip into an empty instance, bad files, all or nothing).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, client, cli, cliUser, assertProblem, sql } from './lib.mjs';

let srv, root;
const orgs = {};
const api = {};
const tmp = mkdtempSync(join(tmpdir(), 'trellis-act-'));

const base = (over = {}) => ({
  title: 'School prevention talks', type: 'school_prevention', setting: 'school',
  area_country: 'AT', lat: 48.2, lon: 16.37, radius_km: 5,
  start: '2026-01-01', end: '2026-04-01', status: 'active',
  age_min: 12, age_max: 16, gender: 'all', distribution: 'network', tlp: 'green', ...over,
});

async function addUser(email, org, role = 'analyst') {
  const r = await root.post('/api/v1/users', { body: { email, name: email, org_id: org, role } });
  assert.equal(r.status, 201, r.text);
  const token = cli(['token', 'create', '--email', email, '--db', srv.db.url]).stdout.trim();
  return client(srv.base, { token });
}

before(async () => {
  srv = await startServer();
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const mk = async (name, kind, country) => (await root.post('/api/v1/organisations', { body: { name, kind, country } })).body.id;
  orgs.vienna = await mk('Vienna Police', 'police', 'AT');
  orgs.ngo = await mk('Vienna Youth NGO', 'youth_organisation', 'AT');
  orgs.berlin = await mk('Berlin Police', 'police', 'DE');
  api.vienna = await addUser('a@vienna.example', orgs.vienna);
  api.ngo = await addUser('a@ngo.example', orgs.ngo);
  api.berlin = await addUser('a@berlin.example', orgs.berlin);
  api.viewer = await addUser('v@vienna.example', orgs.vienna, 'viewer');
});
after(async () => {
  if (process.env.TRELLIS_TEST_LOGS) console.log(srv?.logs.slice(-60).join('\n'));
  await srv?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test('create, read, change with If-Match, idempotent create, audited', async () => {
  const r = await api.vienna.post('/api/v1/activities', { body: base({ partners: [orgs.ngo], planned_female: 40, planned_male: 35, budget: 12000, currency: 'EUR' }) });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.headers.get('etag'), '"1"');
  assert.equal(r.body.org_id, orgs.vienna);
  assert.deepEqual(r.body.partners, [orgs.ngo]);
  const g = await api.berlin.get(`/api/v1/activities/${r.body.id}`);
  assert.equal(g.status, 200);
  assertProblem(assert, await api.vienna.patch(`/api/v1/activities/${r.body.id}`, { body: { reached_female: 10 } }), 428);
  const p = await api.vienna.patch(`/api/v1/activities/${r.body.id}`, { body: { reached_female: 10, status: 'completed' }, headers: { 'If-Match': '"1"' } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.body.reached_female, 10);
  assert.equal(p.body.version, 2);
  assertProblem(assert, await api.vienna.patch(`/api/v1/activities/${r.body.id}`, { body: { title: 'Stale' }, headers: { 'If-Match': '"1"' } }), 412);
  assertProblem(assert, await api.ngo.patch(`/api/v1/activities/${r.body.id}`, { body: { title: 'Not mine' }, headers: { 'If-Match': '"2"' } }), 403);
  assertProblem(assert, await api.viewer.post('/api/v1/activities', { body: base() }), 403);
  const k = { 'Idempotency-Key': 'act-1' };
  const i1 = await api.vienna.post('/api/v1/activities', { body: base({ title: 'Idempotent one' }), headers: k });
  const i2 = await api.vienna.post('/api/v1/activities', { body: base({ title: 'Idempotent one' }), headers: k });
  assert.equal(i1.status, 201);
  assert.equal(i2.body.id, i1.body.id);
  const audited = sql(srv, `SELECT COUNT(*) FROM audit_log WHERE resource_type = 'activity' AND resource_id = '${r.body.id}'`).trim();
  assert.equal(audited, '2');
});

test('bad input answers 400 naming the field, never 500', async () => {
  const cases = [
    [{ lat: 200 }, 'lat'], [{ type: 'juggling' }, 'type'], [{ end: '2025-12-01' }, 'end'],
    [{ lon: null }, 'lon'], [{ age_min: 18, age_max: 12 }, 'age_max'], [{ gender: 'x' }, 'gender'],
    [{ partners: [orgs.vienna] }, 'partners'], [{ distribution: 'sharing_group' }, 'sharing_group_id'],
    [{ area_country: 'XX' }, 'area_country'], [{ currency: 'eur' }, 'currency'], [{ start: 'soon' }, 'start'],
    [{ polygon: [[16, 48], [17, 48], [17, 49]] }, 'polygon'], [{ tlp: 'red', distribution: 'federation' }, 'tlp'],
    [{ radius_km: 0 }, 'radius_km'], [{ practice_id: '01890000-0000-7000-8000-000000000000' }, 'practice_id'],
  ];
  for (const [over, field] of cases) {
    assertProblem(assert, await api.vienna.post('/api/v1/activities', { body: base(over) }), 400, field);
  }
  assertProblem(assert, await api.vienna.post('/api/v1/activities', { body: { ...base(), extra: 1 } }), 400, 'extra');
  assertProblem(assert, await api.vienna.get('/api/v1/activities?country=austria'), 400, 'country');
  assertProblem(assert, await api.vienna.get('/api/v1/activities?bbox=1,2'), 400, 'bbox');
  assertProblem(assert, await api.vienna.get('/api/v1/activities/overlaps'), 400, 'country');
  assertProblem(assert, await api.vienna.get('/api/v1/activities/gaps?country=AT&weeks=0'), 400, 'weeks');
  assert.equal((await api.vienna.get('/api/v1/activities/not-an-id')).status, 404);
});

test('a polygon without a point gets its bounding circle', async () => {
  const r = await api.vienna.post('/api/v1/activities', { body: base({ lat: undefined, lon: undefined, radius_km: undefined, type: 'training', polygon: [[16, 48], [16.2, 48], [16.2, 48.2], [16, 48.2], [16, 48]] }) });
  assert.equal(r.status, 201, r.text);
  assert.ok(Math.abs(r.body.lat - 48.1) < 1e-9 && Math.abs(r.body.lon - 16.1) < 1e-9);
  assert.ok(r.body.radius_km > 10 && r.body.radius_km < 15);
});

test('list filters: country, type, status, organisation, period, bbox', async () => {
  const mk = async (u, over) => (await u.post('/api/v1/activities', { body: base(over) })).body;
  const a = await mk(api.berlin, { title: 'Berlin family skills', type: 'family_skills', setting: 'family', area_country: 'DE', lat: 52.52, lon: 13.4, start: '2025-01-01', end: '2025-06-01', status: 'completed' });
  const ids = async (q) => new Set((await api.vienna.get(`/api/v1/activities?limit=500&${q}`)).body.items.map((x) => x.id));
  assert.ok((await ids('country=DE')).has(a.id));
  assert.ok(!(await ids('country=AT')).has(a.id));
  assert.ok((await ids('type=family_skills')).has(a.id));
  assert.ok((await ids('status=completed')).has(a.id));
  assert.ok((await ids(`organisation=${orgs.berlin}`)).has(a.id));
  assert.ok(!(await ids(`organisation=${orgs.vienna}`)).has(a.id));
  assert.ok((await ids('from=2025-05-01&to=2025-05-02')).has(a.id));
  assert.ok(!(await ids('from=2025-06-01')).has(a.id));
  assert.ok((await ids('bbox=13,52,14,53')).has(a.id));
  assert.ok(!(await ids('bbox=16,48,17,49')).has(a.id));
  const page = await api.vienna.get('/api/v1/activities?limit=1');
  assert.equal(page.body.items.length, 1);
  const next = await api.vienna.get(`/api/v1/activities?limit=1&cursor=${page.body.next_cursor}`);
  assert.notEqual(next.body.items[0].id, page.body.items[0].id);
});

test('overlaps: hand-built cases with known answers', async () => {
  // all outreach in Graz, so other tests' activities stay out of the way
  const g = { type: 'outreach', setting: 'community', lat: 47.07, lon: 15.44, radius_km: 5, area_country: 'AT' };
  const mk = async (u, title, over = {}) => {
    const r = await u.post('/api/v1/activities', { body: base({ ...g, title, ...over }) });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };
  const a = await mk(api.vienna, 'A: Graz outreach');
  const same = await mk(api.ngo, 'B: same place, time and group');
  const adjacent = await mk(api.ngo, 'C: adjacent circle', { lat: 47.07 + 10.0 / 111.195, radius_km: 4.99 });
  const touching = await mk(api.ngo, 'D: starts when A ends', { start: '2026-04-01', end: '2026-06-01' });
  const older = await mk(api.ngo, 'E: ages 17 to 25', { age_min: 17, age_max: 25 });
  const own = await mk(api.vienna, 'F: same organisation');
  const half = await mk(api.berlin, 'G: women only, one month, 3 km away', { gender: 'female', lat: 47.07 + 3 / 111.195, start: '2026-02-01', end: '2026-03-01' });
  const admin = await mk(api.berlin, 'H: same district by code, no point', { lat: null, lon: null, radius_km: null, admin_code: 'AT601' });
  const adminA = await mk(api.ngo, 'I: the state containing it', { lat: null, lon: null, radius_km: null, admin_code: 'AT6' });
  const r = await api.vienna.get(`/api/v1/activities/${a.id}/overlaps`);
  assert.equal(r.status, 200);
  const found = new Map(r.body.items.map((x) => [x.activity.id, x]));
  assert.ok(found.has(same.id), 'identical activity of another organisation');
  assert.ok(found.has(half.id), 'partial overlap');
  for (const [x, why] of [[adjacent, 'adjacent areas'], [touching, 'touching periods'], [older, 'disjoint ages'], [own, 'same organisation'], [admin, 'point against code only'], [adminA, 'point against code only']]) {
    assert.ok(!found.has(x.id), why);
  }
  const full = found.get(same.id), part = found.get(half.id);
  assert.equal(full.score, 1);
  assert.ok(part.score > 0 && part.score < full.score);
  assert.ok(part.reasons.some((x) => x.kind === 'area') && part.reasons.some((x) => x.kind === 'period') && part.reasons.some((x) => x.kind === 'target'));
  // admin codes: a district inside its state
  const h = await api.berlin.get(`/api/v1/activities/${admin.id}/overlaps`);
  assert.deepEqual(h.body.items.map((x) => x.activity.id), [adminA.id]);
  assert.equal(h.body.items[0].components.area, 0.75);
  // the country-wide list has the same pairs for A, and each pair once
  const c = await api.vienna.get('/api/v1/activities/overlaps?country=AT&limit=500');
  assert.equal(c.status, 200);
  const pairs = c.body.items.map((x) => [x.a.id, x.b.id].sort().join('|'));
  assert.equal(new Set(pairs).size, pairs.length);
  const withA = c.body.items.filter((x) => x.a.id === a.id || x.b.id === a.id).map((x) => (x.a.id === a.id ? x.b.id : x.a.id));
  assert.deepEqual(new Set(withA), new Set([same.id, half.id]));
  assert.equal(c.body.total, c.body.items.length);
  for (const x of c.body.items) assert.ok(x.score > 0 && x.score <= 1 && x.a.org_id !== x.b.org_id);
  // a period window that misses A's period
  const later = await api.vienna.get('/api/v1/activities/overlaps?country=AT&from=2026-05-01&to=2026-05-02&limit=500');
  assert.ok(!later.body.items.some((x) => x.a.id === a.id || x.b.id === a.id));
  // a cancelled activity no longer overlaps
  const p = await api.ngo.patch(`/api/v1/activities/${same.id}`, { body: { status: 'cancelled' }, headers: { 'If-Match': '"1"' } });
  assert.equal(p.status, 200, p.text);
  const r2 = await api.vienna.get(`/api/v1/activities/${a.id}/overlaps`);
  assert.ok(!r2.body.items.some((x) => x.activity.id === same.id));
  assertProblem(assert, await api.ngo.patch(`/api/v1/activities/${same.id}`, { body: { status: 'active' }, headers: { 'If-Match': '"2"' } }), 409, 'status');
});

test('gaps: cells with recent alerts and no active activity covering them', async () => {
  const now = Date.now();
  const iso = (ms) => new Date(ms).toISOString();
  const alert = async (lat, lon, days) => {
    const r = await api.vienna.post('/api/v1/alerts', { body: {
      title: 'Pills sold near a school', category: 'street_distribution', tlp: 'green', distribution: 'network', status: 'published',
      countries: ['AT'], location: { lat, lon }, observed_from: iso(now - days * 86400000), observed_to: iso(now - days * 86400000),
    } });
    assert.equal(r.status, 201, r.text);
  };
  await alert(47.26, 11.39, 3);  // Innsbruck, twice: no activity there
  await alert(47.27, 11.40, 10);
  await alert(47.80, 13.04, 5);  // Salzburg, once
  await alert(47.80, 13.05, 200); // Salzburg, too long ago for 12 weeks
  await alert(48.21, 16.37, 2);  // Vienna, covered below
  const cover = await api.vienna.post('/api/v1/activities', { body: base({ title: 'Vienna cover', start: iso(now - 30 * 86400000), end: iso(now + 30 * 86400000), radius_km: 10 }) });
  assert.equal(cover.status, 201, cover.text);
  const r = await api.vienna.get('/api/v1/activities/gaps?country=AT');
  assert.equal(r.status, 200, r.text);
  const near = (x, lat, lon) => Math.abs(x.centroid.lat - lat) < 0.1 && Math.abs(x.centroid.lon - lon) < 0.1;
  assert.ok(near(r.body.items[0], 47.265, 11.395), JSON.stringify(r.body.items[0]));
  assert.equal(r.body.items[0].incidents, 2);
  assert.equal(r.body.items[0].rank, 1);
  assert.ok(r.body.items.some((x) => near(x, 47.80, 13.04) && x.incidents === 1));
  assert.ok(!r.body.items.some((x) => near(x, 48.21, 16.37)), 'Vienna is covered');
  const long = await api.vienna.get('/api/v1/activities/gaps?country=AT&weeks=52');
  assert.ok(long.body.items.some((x) => near(x, 47.80, 13.045) && x.incidents === 2));
});

function csvOf(rows) {
  return rows.map((r) => r.map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',')).join('\n') + '\n';
}
const HEAD = ['Organisation', 'Type', 'Activity', 'Start', 'End', 'Status', 'Lat', 'Lon', 'Women planned', 'Men planned'];
const TAGS = ['#org', '#sector', '#activity', '#date+start', '#date+end', '#status', '#geo +lat', '#geo+lon', '#targeted+f', '#targeted +m'];
const good = (i) => ['Vienna Police', 'outreach', `Street work ${i}`, '2026-03-01', '2026-09-01', 'planned', '48.2', '16.37', '10', '12'];

test('import: bad files name each row and column; nothing is half-imported', async () => {
  const count = () => sql(srv, "SELECT COUNT(*) FROM activities").trim();
  const before = count();
  const post = (text) => api.vienna.post('/api/v1/activities/import', { raw: text, headers: { 'Content-Type': 'text/csv' } });
  const bad = async (rows, field, head = HEAD, tags = TAGS) => {
    const r = await post(csvOf([head, tags, ...rows]));
    assertProblem(assert, r, 400, field);
    assert.equal(count(), before, `half-imported (${field})`);
    return r;
  };
  await bad([good(1), ['Vienna Police', 'outreach', 'Bad date', '2026-02-30', '', 'planned', '48', '16', '', '']], 'row 4 #date+start');
  await bad([good(1), good(2), ['Vienna Police', 'outreach', 'Bad status', '2026-03-01', '', 'ongoing-ish', '48', '16', '', '']], 'row 5 #status');
  await bad([['Vienna Police', 'outreach', 'Far north', '2026-03-01', '', 'planned', '200', '16', '', ''], good(2)], 'row 3 #geo+lat');
  await bad([good(1)], '#sector', HEAD, TAGS.map((t) => (t === '#sector' ? '#cluster' : t)));
  await bad([['Vienna Police', 'outreach', 'Ends early', '2026-03-01', '2026-01-01', 'planned', '48', '16', '', '']], 'row 3 #date+end');
  await bad([['Berlin Police', 'outreach', 'Not ours', '2026-03-01', '', 'planned', '48', '16', '', '']], 'row 3 #org');
  await bad([['Vienna Police', 'outreach', 'Negative', '2026-03-01', '', 'planned', '48', '16', '-3', '']], 'row 3 #targeted+f');
  const r = await bad([['a', 'b']], 'hxl', ['no', 'tags'], ['at', 'all']);
  assert.match(r.body.detail, /nothing was imported/);
  assertProblem(assert, await api.vienna.post('/api/v1/activities/import', { raw: 'x', headers: { 'Content-Type': 'text/plain' } }), 415);
  assertProblem(assert, await api.viewer.post('/api/v1/activities/import', { raw: csvOf([HEAD, TAGS, good(1)]), headers: { 'Content-Type': 'text/csv' } }), 403);
  // a body over the 1 MiB cap is refused before it is read
  const big = csvOf([HEAD, TAGS, ...Array.from({ length: 15000 }, (_, i) => good(i))]);
  assert.equal((await post(big)).status, 413);
  const ok = await post(csvOf([['Some title row'], HEAD, TAGS, good(1), good(2), ['', '', '', '', '', '', '', '', '', '']]));
  assert.equal(ok.status, 201, ok.text);
  assert.deepEqual(ok.body, { rows: 2, imported: 2 });
  assert.equal(Number(count()), Number(before) + 2);
});

test('export as csv, hxl, geojson and json; round trip into an empty instance', async () => {
  const mine = (await api.vienna.get(`/api/v1/activities/export?format=json&organisation=${orgs.vienna}`)).body;
  assert.ok(mine.length >= 5);
  const hxl = await api.vienna.get(`/api/v1/activities/export?format=hxl&organisation=${orgs.vienna}`);
  assert.equal(hxl.status, 200);
  assert.match(hxl.headers.get('content-type'), /text\/csv/);
  assert.equal(hxl.text.split('\r\n')[1].split(',')[0], '#org');
  const plain = await api.vienna.get('/api/v1/activities/export?format=csv');
  assert.ok(!plain.text.includes('#org'));
  const geo = await api.vienna.get('/api/v1/activities/export?format=geojson');
  assert.equal(geo.body.type, 'FeatureCollection');
  assert.ok(geo.body.features.some((f) => f.geometry?.type === 'Point' && f.geometry.coordinates[0] === 16.37));
  assertProblem(assert, await api.vienna.get('/api/v1/activities/export?format=xlsx'), 400, 'format');
  // an empty instance with the same organisations by name
  const srv2 = await startServer();
  try {
    const root2 = client(srv2.base, { token: cliUser(srv2, { email: 'root@example.org' }).token });
    const o1 = (await root2.post('/api/v1/organisations', { body: { name: 'Vienna Police', kind: 'police', country: 'AT' } })).body.id;
    await root2.post('/api/v1/organisations', { body: { name: 'Vienna Youth NGO', kind: 'youth_organisation', country: 'AT' } });
    await root2.post('/api/v1/users', { body: { email: 'a@vienna.example', name: 'A', org_id: o1, role: 'analyst' } });
    const api2 = client(srv2.base, { token: cli(['token', 'create', '--email', 'a@vienna.example', '--db', srv2.db.url]).stdout.trim() });
    const imp = await api2.post('/api/v1/activities/import', { raw: hxl.text, headers: { 'Content-Type': 'text/csv' } });
    assert.equal(imp.status, 201, imp.text);
    assert.equal(imp.body.imported, mine.length);
    const back = (await api2.get('/api/v1/activities/export?format=json')).body;
    const names1 = new Map((await root.get('/api/v1/organisations?limit=500')).body.items.map((o) => [o.id, o.name]));
    const names2 = new Map((await root2.get('/api/v1/organisations?limit=500')).body.items.map((o) => [o.id, o.name]));
    const skip = new Set(['id', 'org_id', 'created_by', 'created_at', 'updated_at', 'version', 'partners', 'polygon', 'practice_id', 'sharing_group_id']);
    const norm = (a, names) => {
      const o = Object.fromEntries(Object.entries(a).filter(([k]) => !skip.has(k)));
      o.partners = a.partners.map((p) => names.get(p)).sort();
      return JSON.stringify(o, Object.keys(o).sort());
    };
    assert.deepEqual(back.map((a) => norm(a, names2)).sort(), mine.map((a) => norm(a, names1)).sort());
  } finally {
    await srv2.stop();
  }
});

// last: the server sits idle meanwhile, and a kept-alive socket would go stale
test('import on the command line: a 50 MB file with one bad row imports nothing', async () => {
  const count = () => sql(srv, "SELECT COUNT(*) FROM activities").trim();
  const before = count();
  const rows = [HEAD.join(','), TAGS.join(',')];
  // long titles keep the row count (and the time under the sanitizers) down
  const line = ['Vienna Police', 'outreach', `"Street work, ${'x'.repeat(280)}"`, '2026-03-01', '2026-09-01', 'planned', '48.2', '16.37', '10', '12'].join(',');
  const n = Math.ceil(50e6 / (line.length + 1));
  for (let i = 0; i < n; i++) rows.push(line);
  const badAt = rows.length - 10;
  rows.splice(badAt, 0, ['Vienna Police', 'outreach', 'Bad', '2026-03-01', '', 'planned', '200', '16', '', ''].join(','));
  const file = join(tmp, 'big.csv');
  writeFileSync(file, rows.join('\n') + '\n');
  const vienna = orgs.vienna;
  const t0 = Date.now();
  const r = cli(['import', 'activities', file, '--org', vienna, '--db', srv.db.url], { maxBuffer: 1 << 26 });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`row ${badAt + 1}, #geo\\+lat: must be a number`));
  assert.match(r.stderr, /nothing was imported/);
  assert.equal(count(), before);
  console.log(`50 MB import check: ${n + 1} rows in ${Date.now() - t0} ms`);
  const small = join(tmp, 'small.csv');
  writeFileSync(small, [HEAD.join(','), TAGS.join(','), good(1).join(','), good(2).join(',')].join('\n'));
  const ok = cli(['import', 'activities', small, '--org', vienna, '--db', srv.db.url]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /imported 2 activities/);
  assert.equal(cli(['import', 'activities', '--db', srv.db.url]).status, 2);
});
