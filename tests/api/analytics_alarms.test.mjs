// Alarms and clusters a reader can trust: no alarm from fewer records than
// min_count, an upper bound never shown below the expected value (a code
// and a sentence instead), Farrington's 5-in-4-weeks rule explained; the
// space-time scan reports only clusters with p < alpha from >= 999
// replications, none overlapping a reported one in space and time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cliUser, assertProblem } from './lib.mjs';

const WEEK = 7 * 86400000, DAY = 86400000;
const MONDAY = Date.parse('2025-01-06T00:00:00Z');
const N = 70;
const SMALL = 60, BIG = 66; // a week of 2 records after zeros, a week of 7
const counts = Array.from({ length: N }, (_, w) => (w === SMALL ? 2 : w === BIG ? 7 : w < 50 ? [1, 0, 2, 0, 1][w % 5] : 0));
const VIENNA = { lat: 48.21, lon: 16.37 }, GRAZ = { lat: 47.07, lon: 15.44 };
const iso = (ms) => new Date(ms).toISOString();
const RANGE = `from=${iso(MONDAY).slice(0, 10)}&to=${iso(MONDAY + (N - 1) * WEEK + 3 * DAY).slice(0, 10)}`;
let srv, an;

let seed = 5;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

before(async () => {
  srv = await startServer({ env: { TRELLIS_DETECT_INTERVAL_S: '0' } });
  an = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const post = async (location, when, i) => {
    const r = await an.post('/api/v1/alerts', { body: {
      title: `a ${i}`, category: 'new_substance', tlp: 'green', distribution: 'network', status: 'published',
      countries: ['AT'], location, observed_from: iso(when),
    } });
    assert.equal(r.status, 201, r.text);
  };
  let i = 0;
  for (let w = 0; w < N; w++)
    for (let k = 0; k < counts[w]; k++)
      await post({ lat: 46.9 + rnd() * 1.2, lon: 13.6 + rnd() * 2.6 }, MONDAY + w * WEEK + Math.floor(rnd() * 7) * DAY + 3600000, i++);
  // two clusters far apart in one fortnight: 14 records in Vienna, 10 in Graz
  const T = MONDAY + 20 * WEEK;
  for (let k = 0; k < 14; k++) await post({ lat: VIENNA.lat + (k % 2) * 0.002, lon: VIENNA.lon }, T + (k % 3) * DAY, i++);
  for (let k = 0; k < 10; k++) await post({ lat: GRAZ.lat, lon: GRAZ.lon + (k % 2) * 0.002 }, T + (k % 2) * DAY, i++);
});

after(() => srv.stop());

const ab = (q) => an.get(`/api/v1/analytics/aberrations?source=alerts&country=AT&interval=week&${RANGE}${q}`);
const week = (r, w) => r.body.items.find((x) => x.period === iso(MONDAY + w * WEEK).replace('.000Z', 'Z'));

test('no alarm from fewer records than min_count; the note says why', async () => {
  const r = await ab('&method=ears_c1');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.min_count, 3);
  const small = week(r, SMALL);
  assert.equal(small.observed, 2);
  assert.equal(small.alarm, false, JSON.stringify(small));
  assert.equal(small.alarm_note.code, 'below_min_count');
  assert.ok(small.alarm_note.message.length > 20);
  assert.equal(week(r, BIG).alarm, true, JSON.stringify(week(r, BIG)));
  const one = await ab('&method=ears_c1&min_count=1');
  assert.equal(week(one, SMALL).alarm, true, JSON.stringify(week(one, SMALL)));
  assert.equal(week(one, SMALL).alarm_note, undefined);
  assert.equal(one.body.alarms, r.body.alarms + 1);
  assertProblem(assert, await ab('&min_count=0'), 400, 'min_count');
});

test('an upper bound is never shown below the expected value; a missing one is explained', async () => {
  for (const m of ['ears_c1', 'ears_c2', 'ears_c3', 'farrington&b=1&w=2', 'cusum']) {
    const r = await ab(`&method=${m}`);
    assert.equal(r.status, 200, `${m}: ${r.text}`);
    const evaluated = r.body.items.filter((x) => x.period >= r.body.evaluated_from);
    assert.ok(evaluated.length > 5, m);
    for (const x of evaluated) {
      if (x.upperbound != null && x.expected != null) assert.ok(x.upperbound >= x.expected, `${m} ${JSON.stringify(x)}`);
      if (x.upperbound == null) assert.ok(x.bound_note && x.bound_note.code && x.bound_note.message.length > 20, `${m} ${JSON.stringify(x)}`);
      if (m.startsWith('ears')) assert.ok(Number.isFinite(x.expected), `${m}: EARS's expected is its baseline mean`);
    }
  }
  // Farrington: 2 records in the last 4 weeks is below its 5-in-4-weeks rule
  const f = await ab('&method=farrington&b=1&w=2');
  const small = week(f, SMALL);
  assert.equal(small.alarm, false);
  assert.equal(small.upperbound, null);
  assert.equal(small.bound_note.code, 'few_cases');
  // EARS C3 lowers its bound after high weeks: hidden where below expected
  const c3 = await ab('&method=ears_c3&min_count=1');
  const below = c3.body.items.filter((x) => x.bound_note && x.bound_note.code === 'bound_below_expected');
  for (const x of below) assert.equal(x.upperbound, null);
});

const scan = (q) => an.get(`/api/v1/analytics/scan?source=alerts&${RANGE}&max_radius_km=5&max_days=7${q}`);
const km = (a, b) => 6371 * 2 * Math.asin(Math.sqrt(Math.sin((b.lat - a.lat) * Math.PI / 360) ** 2 + Math.cos(a.lat * Math.PI / 180) * Math.cos(b.lat * Math.PI / 180) * Math.sin((b.lon - a.lon) * Math.PI / 360) ** 2));

test('the scan reports only clusters with p below alpha, from 999 replications, none overlapping', async () => {
  const r = await scan('');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.replications, 999);
  assert.equal(r.body.alpha, 0.05);
  const items = r.body.items;
  assert.ok(items.length >= 2, JSON.stringify(items));
  for (const k of items) {
    assert.ok(k.p < 0.05 && k.p === k.p_value, JSON.stringify(k));
    for (const f of ['observed', 'expected', 'relative_risk', 'radius_km', 'start', 'end', 'centre']) assert.ok(k[f] != null, f);
    assert.ok(k.relative_risk > 1 && k.observed > k.expected);
  }
  assert.ok(items.some((k) => km(k.centre, VIENNA) < 1) && items.some((k) => km(k.centre, GRAZ) < 1), JSON.stringify(items.map((k) => k.centre)));
  for (let i = 0; i < items.length; i++)
    for (let j = 0; j < i; j++) {
      const a = items[i], b = items[j];
      const meet = km(a.centre, b.centre) <= (a.radius_km + b.radius_km) * 1.01 && a.start <= b.end && b.start <= a.end;
      assert.ok(!meet, `${JSON.stringify(a)} overlaps ${JSON.stringify(b)}`);
    }
  // alpha = 1 lists every cluster with p < 1: the reported ones first, by
  // decreasing LLR; below the smallest Monte Carlo p (1 / 1000) none
  const all = await scan('&alpha=1');
  assert.ok(all.body.items.length >= items.length);
  assert.deepEqual(all.body.items.slice(0, items.length).map((k) => k.record_ids), items.map((k) => k.record_ids));
  const none = await scan('&alpha=0.0009');
  assert.equal(none.status, 200, none.text);
  assert.deepEqual(none.body.items, []);
});

test('bad scan parameters name the field', async () => {
  for (const [q, field] of [['&replications=99', 'replications'], ['&replications=10000', 'replications'], ['&alpha=0', 'alpha'], ['&alpha=1.5', 'alpha']])
    assertProblem(assert, await scan(q), 400, field);
});
