// Analytics over alerts and sightings: counts per period, aberrations equal
// to `trellis analyze ears` on the same series, Gi* hot spots, the
// space-time scan, small-count suppression, and bad input named.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startServer, client, cli, cliUser, assertProblem, sql } from './lib.mjs';

const WEEK = 7 * 86400000;
const MONDAY = Date.parse('2026-01-05T00:00:00Z'); // week 0
const COUNTS = [2, 1, 3, 2, 1, 2, 3, 1, 2, 2, 1, 3, 2, 1, 2, 3, 2, 1, 12, 25];
const SPIKE = 18; // weeks 18 and 19: C3 (as R's earsC) alarms once the two previous C2s exceed
const VIENNA = { lat: 48.21, lon: 16.37 };
let srv, own, outsider, atOrg;
const dir = mkdtempSync(join(tmpdir(), 'trellis-analytics-'));

// a deterministic scatter over Austria for the background
let seed = 7;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const iso = (ms) => new Date(ms).toISOString();

async function user(root, org, role, email) {
  const r = await root.post('/api/v1/users', { body: { email, name: email, org_id: org, role } });
  assert.equal(r.status, 201, r.text);
  return client(srv.base, { token: cli(['token', 'create', '--email', email, '--db', srv.db.url]).stdout.trim() });
}

before(async () => {
  srv = await startServer({ env: { TRELLIS_DETECT_INTERVAL_S: '0' } });
  const root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const mk = async (name, kind, country) => (await root.post('/api/v1/organisations', { body: { name, kind, country } })).body.id;
  const at = await mk('Vienna Police', 'police', 'AT');
  const de = await mk('Berlin Police', 'police', 'DE');
  atOrg = at;
  own = await user(root, at, 'analyst', 'analyst.at@example.org');
  outsider = await user(root, de, 'analyst', 'analyst.de@example.org');
  for (let w = 0; w < COUNTS.length; w++) {
    for (let i = 0; i < COUNTS[w]; i++) {
      const spike = w >= SPIKE;
      const location = spike
        ? { lat: VIENNA.lat + (i % 4) * 0.004, lon: VIENNA.lon + Math.floor(i / 4) * 0.004 }
        : { lat: 46.6 + rnd() * 2.1, lon: 9.7 + rnd() * 7.2 };
      const when = MONDAY + w * WEEK + (spike ? (i % 2) * 86400000 : Math.floor(rnd() * 7) * 86400000) + 3600000;
      const r = await own.post('/api/v1/alerts', { body: {
        title: `alert ${w}/${i}`, category: 'new_substance', tlp: 'green', distribution: 'network',
        status: 'published', location, observed_from: iso(when),
      } });
      assert.equal(r.status, 201, r.text);
      if (w === 3 && i === 0) {
        for (let k = 0; k < 3; k++) {
          const s = await own.post(`/api/v1/alerts/${r.body.id}/sightings`, { body: { type: 'seen', observed_at: iso(MONDAY + 5 * WEEK + k * 3600000) } });
          assert.equal(s.status, 201, s.text);
        }
      }
    }
  }
});
after(async () => { await srv?.stop(); });

const RANGE = `from=${iso(MONDAY).slice(0, 10)}&to=2026-05-24`;

test('timeseries counts each week of the visible alerts, zero periods included', async () => {
  const r = await own.get(`/api/v1/analytics/timeseries?source=alerts&country=AT&interval=week&${RANGE}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.items.map((x) => x.count), COUNTS);
  assert.equal(r.body.items[0].period, '2026-01-05T00:00:00Z');
  const d = await own.get(`/api/v1/analytics/timeseries?source=alerts&interval=day&${RANGE}`);
  assert.equal(d.status, 200, d.text);
  assert.equal(d.body.items.length, 20 * 7);
  assert.ok(d.body.items.some((x) => x.count === 0));
  assert.equal(d.body.items.reduce((a, x) => a + x.count, 0), COUNTS.reduce((a, b) => a + b, 0) - 0);
  const s = await own.get(`/api/v1/analytics/timeseries?source=sightings&${RANGE}`);
  assert.equal(s.body.items[5].count, 3);
  assert.equal(s.body.items.reduce((a, x) => a + x.count, 0), 3);
  const none = await own.get(`/api/v1/analytics/timeseries?source=alerts&country=DE&${RANGE}`);
  assert.ok(none.body.items.every((x) => x.count === 0));
});

test('aberrations flag the spike with the numbers of `trellis analyze ears`', async () => {
  const r = await own.get(`/api/v1/analytics/aberrations?source=alerts&country=AT&method=ears_c3&${RANGE}`);
  assert.equal(r.status, 200, r.text);
  const items = r.body.items;
  assert.equal(items.at(-1).alarm, true, JSON.stringify(items.slice(-4)));
  assert.ok(r.body.items.slice(0, SPIKE).every((x) => x.alarm !== true));
  const input = join(dir, 'series.csv');
  writeFileSync(input, 'period,count\n' + items.map((x) => `${x.period},${x.observed}`).join('\n') + '\n');
  const out = cli(['analyze', 'ears', '--method', 'C3', '--input', input]);
  assert.equal(out.status, 0, out.stderr);
  const rows = out.stdout.trim().split('\n').slice(1).map((l) => l.split(','));
  assert.equal(rows.length, items.filter((x) => x.alarm !== null || x.period >= r.body.evaluated_from).length);
  for (const [period, , , ub, alarm] of rows) {
    const it = items.find((x) => x.period === period);
    if (ub === 'NA') { assert.equal(it.upperbound, null); continue; }
    assert.ok(Math.abs(it.upperbound - Number(ub)) <= 1e-9 * Math.max(1, Math.abs(Number(ub))), `${period}: ${it.upperbound} vs ${ub}`);
    assert.equal(it.alarm, alarm === '1');
  }
  for (const m of ['ears_c1', 'ears_c2', 'cusum']) {
    const x = await own.get(`/api/v1/analytics/aberrations?source=alerts&method=${m}&${RANGE}`);
    assert.equal(x.status, 200, `${m}: ${x.text}`);
    assert.equal(x.body.items.at(-1).alarm, true, m);
  }
});

test('too short a history answers 400 naming from, with the reason', async () => {
  const r = await own.get('/api/v1/analytics/aberrations?source=alerts&method=ears_c3&from=2026-05-04&to=2026-05-18');
  assertProblem(assert, r, 400, 'from');
  assert.match(r.body.detail, /history too short/);
  const f = await own.get(`/api/v1/analytics/aberrations?source=alerts&method=farrington&${RANGE}`);
  assertProblem(assert, f, 400, 'from');
  assert.match(f.body.detail, /history too short/);
});

test('hotspots find the planted cluster', async () => {
  const r = await own.get('/api/v1/analytics/hotspots?source=alerts&bbox=9.5,46.3,17.2,49.1&distance_km=10&cell_km=5');
  assert.equal(r.status, 200, r.text);
  const top = r.body.items[0];
  assert.ok(top.hot && top.p_value < 0.05, JSON.stringify(top));
  const near = (c) => Math.abs(c.centre.lat - VIENNA.lat) < 0.15 && Math.abs(c.centre.lon - VIENNA.lon) < 0.15;
  assert.ok(near(top), JSON.stringify(top));
  // the cell of the cluster itself is a hot spot; its neighbours within the band too
  const cells = r.body.items.filter((c) => c.count > 0 && near(c));
  assert.ok(cells.reduce((a, c) => a + c.count, 0) >= 37 && cells.some((c) => c.hot), JSON.stringify(cells));
  assert.ok(r.body.items.slice(0, 3).every(near));
});

test('the space-time scan returns the planted cluster', async () => {
  const r = await own.get(`/api/v1/analytics/scan?source=alerts&${RANGE}&max_radius_km=5&max_days=7&replications=999`);
  assert.equal(r.status, 200, r.text);
  const c = r.body.items[0];
  assert.ok(c.p_value < 0.05, JSON.stringify(c));
  assert.ok(Math.abs(c.centre.lat - VIENNA.lat) < 0.05 && Math.abs(c.centre.lon - VIENNA.lon) < 0.05);
  assert.ok(c.observed >= 20 && c.record_ids.length === c.observed);
  assert.ok(c.start >= '2026-05-11' && c.end <= '2026-05-24', `${c.start}..${c.end}`);
});

test('counts of other organisations below 5 are shown as null', async () => {
  const r = await outsider.get(`/api/v1/analytics/timeseries?source=alerts&country=AT&${RANGE}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.suppress_below, 5);
  for (let i = 0; i < COUNTS.length; i++) {
    const it = r.body.items[i];
    assert.equal(it.suppressed, COUNTS[i] < 5);
    assert.equal(it.count, COUNTS[i] < 5 ? null : COUNTS[i]);
  }
  const s = await outsider.get(`/api/v1/analytics/scan?source=alerts&${RANGE}&replications=999&alpha=1`);
  for (const c of s.body.items) if (c.suppressed) assert.equal(c.record_ids, null);
});

test('bad input names the field', async () => {
  const cases = [
    ['/api/v1/analytics/timeseries?source=rumours', 'source'],
    ['/api/v1/analytics/timeseries', 'source'],
    ['/api/v1/analytics/timeseries?source=alerts&interval=month', 'interval'],
    ['/api/v1/analytics/timeseries?source=alerts&from=yesterday', 'from'],
    ['/api/v1/analytics/timeseries?source=alerts&country=austria', 'country'],
    ['/api/v1/analytics/timeseries?source=alerts&category=weather', 'category'],
    ['/api/v1/analytics/timeseries?source=alerts&colour=red', 'colour'],
    ['/api/v1/analytics/timeseries?source=alerts&from=1990-01-01&interval=day', 'from'],
    ['/api/v1/analytics/aberrations?source=alerts&method=magic', 'method'],
    ['/api/v1/analytics/aberrations?source=alerts&baseline=2', 'baseline'],
    ['/api/v1/analytics/hotspots?source=alerts&bbox=1,2,3', 'bbox'],
    ['/api/v1/analytics/hotspots?source=alerts&bbox=10,50,5,40', 'bbox'],
    ['/api/v1/analytics/hotspots?source=alerts&distance_km=-1', 'distance_km'],
    ['/api/v1/analytics/hotspots?source=alerts&bbox=-180,-90,180,90&cell_km=1', 'cell_km'],
    ['/api/v1/analytics/scan?source=alerts&replications=10000', 'replications'],
    ['/api/v1/analytics/scan?source=alerts&replications=99', 'replications'],
    ['/api/v1/analytics/scan?source=alerts&prospective=maybe', 'prospective'],
  ];
  for (const [path, field] of cases) assertProblem(assert, await own.get(path), 400, field);
  assert.equal((await client(srv.base).get('/api/v1/analytics/timeseries?source=alerts')).status, 401);
});

test('tips: counted when the tips table exists, else refused naming source', async () => {
  const r = await own.get(`/api/v1/analytics/timeseries?source=tips&${RANGE}`);
  if (r.status !== 200) return assertProblem(assert, r, 400, 'source');
  const org = atOrg;
  const when = MONDAY + 2 * WEEK + 3600000;
  for (let i = 0; i < 3; i++)
    sql(srv, `INSERT INTO tips (id, code, secret_hash, org_id, country, distribution, category, description, status, lat, lon, observed_at, ack_due_at, created_at, updated_at) VALUES ('${randomUUID()}', '${randomUUID()}', 'x', '${org}', 'AT', 'network', 'public_drug_use', 'seen', 'new', 48.2, 16.37, ${when}, ${when}, ${when}, ${when})`);
  const t = await own.get(`/api/v1/analytics/timeseries?source=tips&country=AT&category=public_drug_use&${RANGE}`);
  assert.equal(t.status, 200, t.text);
  assert.equal(t.body.items[2].count, 3);
  assert.equal(t.body.items.reduce((a, x) => a + x.count, 0), 3);
  assertProblem(assert, await own.get('/api/v1/analytics/timeseries?source=tips&category=new_substance'), 400, 'category');
});
