// Analytics see exactly what the caller may see. A tip received by one
// organisation is shown to others at the centre of a cell of its
// coarsen_m (1000 m here), and counts below TRELLIS_SUPPRESS_BELOW that
// hold another organisation's records are null. A matrix over every
// analytics endpoint (timeseries, aberrations, hotspots, scan, signals) x
// parameters (cell_km, bbox narrow / around the coarse cell / shifted /
// wide, from..to narrow / wide / none), asked by users of two other
// organisations than the receiver's, checks that no answer holds the tip's
// exact point (or a box or centre on it) or a count below the threshold,
// that moving the tip within its coarse cell changes no answer, and that
// two questions differing by less than a week, a grid step or a cell size
// below the grid get the same answer (no differencing).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, client, cli, cliUser, sql } from './lib.mjs';

const N = 5; // TRELLIS_SUPPRESS_BELOW
const GRID = 1000; // the tips' coarsen_m (the default)
const M_PER_DEG = 111320;
const STEP = GRID / M_PER_DEG; // the grid step of boxes, in degrees
const DAY = 86400000, WEEK = 7 * DAY;
const MONDAY = Date.parse('2026-03-02T00:00:00Z');
const T = MONDAY + 2 * DAY + 10 * 3600000 + 17 * 60000; // Wednesday 10:17
const iso = (ms) => new Date(ms).toISOString();
const COUNT_KEYS = ['count', 'records', 'events', 'locations', 'observed'];

// the tips' rule (tip_point_coarsen)
function coarsen(lat, lon, g) {
  const dlat = g / M_PER_DEG;
  const clat = Math.max(-90, Math.min(90, (Math.floor(lat / dlat) + 0.5) * dlat));
  const dlon = g / (M_PER_DEG * Math.max(Math.cos(clat * Math.PI / 180), 0.01));
  return { lat: clat, lon: Math.max(-180, Math.min(180, (Math.floor(lon / dlon) + 0.5) * dlon)), dlat, dlon };
}
// the exact point P: 23 % into its coarse cell, away from every grid line;
// P2: elsewhere in the same coarse cell
const dlat = GRID / M_PER_DEG, k = Math.floor(48.2 / dlat);
const P = { lat: (k + 0.23) * dlat };
const dlon = GRID / (M_PER_DEG * Math.cos((k + 0.5) * dlat * Math.PI / 180));
for (let m = Math.floor(16.37 / dlon); ; m++) {
  const lon = (m + 0.23) * dlon, off = lon / STEP - Math.floor(lon / STEP);
  if (off * STEP > 0.0004 && (1 - off) * STEP > 0.0004) { P.lon = lon; P.m = m; break; }
}
const P2 = { lat: (k + 0.77) * dlat, lon: (P.m + 0.71) * dlon };
const C = coarsen(P.lat, P.lon, GRID);

let srv, receiver, others = {};
const orgs = {};
let tipId;

function insertTip(org, lat, lon, when, category = 'public_drug_use') {
  const id = randomUUID();
  sql(srv, `INSERT INTO tips (id, code, secret_hash, org_id, country, distribution, category, description, status, lat, lon, observed_at, ack_due_at, created_at, updated_at) VALUES ('${id}', '${randomUUID()}', 'x', '${org}', 'AT', 'network', '${category}', 'seen', 'new', ${lat}, ${lon}, ${when}, ${when}, ${when}, ${when})`);
  return id;
}

before(async () => {
  srv = await startServer({ env: { TRELLIS_SUPPRESS_BELOW: String(N), TRELLIS_DETECT_INTERVAL_S: '0' } });
  const root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const mk = async (name, kind, country) => (await root.post('/api/v1/organisations', { body: { name, kind, country } })).body.id;
  orgs.police = await mk('Vienna Police', 'police', 'AT');
  orgs.ministry = await mk('Austrian Ministry of Health', 'ministry_health', 'AT');
  orgs.berlin = await mk('Berlin Police', 'police', 'DE');
  const user = async (org, email) => {
    const r = await root.post('/api/v1/users', { body: { email, name: email, org_id: org, role: 'analyst' } });
    assert.equal(r.status, 201, r.text);
    return client(srv.base, { token: cli(['token', 'create', '--email', email, '--db', srv.db.url]).stdout.trim() });
  };
  receiver = await user(orgs.police, 'analyst@police.at');
  others.ministry = await user(orgs.ministry, 'analyst@ministry.at');
  others.berlin = await user(orgs.berlin, 'analyst@police.de');
  assert.equal((await receiver.get('/api/v1/analytics/timeseries?source=tips')).status, 200, 'tips must be available');
  tipId = insertTip(orgs.police, P.lat, P.lon, T);
  // what the others see of it: the coarse point, by the tips' own view
  const seen = await others.ministry.get(`/api/v1/tips/${tipId}`);
  assert.equal(seen.status, 200, seen.text);
  assert.ok(Math.abs(seen.body.location.lat - C.lat) < 1e-9 && Math.abs(seen.body.location.lon - C.lon) < 1e-9,
    `the tip view coarsens to ${JSON.stringify(C)}: ${JSON.stringify(seen.body.location)}`);
});
after(async () => { await srv?.stop(); });

// ---- the matrix ----

const box = (a) => a.map((x) => x.toFixed(6)).join(',');
const BOXES = {
  none: null,
  narrow: box([P.lon - 0.001, P.lat - 0.001, P.lon + 0.001, P.lat + 0.001]),
  coarse_cell: box([C.lon - C.dlon / 2, C.lat - C.dlat / 2, C.lon + C.dlon / 2, C.lat + C.dlat / 2]),
  shifted: box([P.lon - 0.0095, P.lat - 0.0095, P.lon + 0.0005, P.lat + 0.0005]),
  wide: box([P.lon - 0.2, P.lat - 0.2, P.lon + 0.2, P.lat + 0.2]),
};
const WINDOWS = {
  none: '',
  narrow: `&from=${iso(T - 3600000)}&to=${iso(T + 3600000)}`,
  wide: '&from=2025-12-01&to=2026-04-26',
};
function matrix() {
  const q = [];
  for (const [w, win] of Object.entries(WINDOWS)) {
    for (const iv of ['week', 'day'])
      q.push(`/api/v1/analytics/timeseries?source=tips&interval=${iv}${win}`);
    for (const m of ['ears_c1', 'cusum'])
      q.push(`/api/v1/analytics/aberrations?source=tips&interval=day&method=${m}&min_sigma=1${win || WINDOWS.wide}`);
    for (const [b, bb] of Object.entries(BOXES)) {
      const bq = bb ? `&bbox=${bb}` : '';
      for (const cell of [0.05, 0.5, 1, 5])
        q.push(`/api/v1/analytics/hotspots?source=tips&cell_km=${cell}&distance_km=2&limit=500${bq}${win}`);
      for (const r of [0.01, 5])
        q.push(`/api/v1/analytics/scan?source=tips&max_radius_km=${r}&max_days=7&replications=999&alpha=1&seed=3${bq}${win}`);
      void b; void w;
    }
  }
  return q;
}

// Every problem found in one answer: a coordinate on the exact point, a
// count below the threshold, a suppressed item that still counts.
function problems(body, where) {
  const out = [];
  const near = (lat, lon) => Math.abs(lat - P.lat) * M_PER_DEG < 20 && Math.abs(lon - P.lon) * M_PER_DEG * Math.cos(P.lat * Math.PI / 180) < 20;
  const walk = (v, path) => {
    if (Array.isArray(v)) {
      if (path.endsWith('bbox') && v.length === 4 && near((v[1] + v[3]) / 2, (v[0] + v[2]) / 2))
        out.push(`${where} ${path}: box centred on the exact point ${JSON.stringify(v)}`);
      if (path.endsWith('record_ids') && v.length > 0 && v.length < N)
        out.push(`${where} ${path}: ${v.length} record ids`);
      v.forEach((x, i) => walk(x, `${path}[${i}]`));
      return;
    }
    if (v && typeof v === 'object') {
      if (typeof v.lat === 'number' && typeof v.lon === 'number' && near(v.lat, v.lon))
        out.push(`${where} ${path}: the exact point ${JSON.stringify(v)}`);
      for (const key of COUNT_KEYS)
        if (typeof v[key] === 'number' && v[key] > 0 && v[key] < N) out.push(`${where} ${path}.${key} = ${v[key]}`);
      if (v.suppressed === true) {
        if (!COUNT_KEYS.some((key) => key in v && v[key] === null)) out.push(`${where} ${path}: suppressed with every count shown`);
        for (const key of ['llr', 'score', 'record_ids'])
          if (key in v && v[key] !== null) out.push(`${where} ${path}.${key} shown beside a suppressed count`);
      }
      for (const [key, x] of Object.entries(v)) walk(x, `${path}.${key}`);
      return;
    }
    if (typeof v === 'number' && (Math.abs(v - P.lat) < 1e-7 || Math.abs(v - P.lon) < 1e-7))
      out.push(`${where} ${path}: the exact coordinate ${v}`);
  };
  walk(body, '');
  return out;
}

async function ask(u, path) {
  const r = await u.get(path);
  if (r.status === 400) {
    assert.match(r.headers.get('content-type') || '', /application\/problem\+json/, path);
    assert.ok(r.body.errors?.length > 0 && r.body.errors[0].field, `${path}: a 400 names a field`);
    return { status: 400, errors: r.body.errors.map((e) => e.field) };
  }
  assert.equal(r.status, 200, `${path}: ${r.text}`);
  return r.body;
}

async function snapshot(u) {
  const out = {};
  for (const path of matrix()) out[path] = await ask(u, path);
  return out;
}

test('no analytics answer to another organisation holds the exact point or a count below the threshold', async () => {
  const found = [];
  for (const [name, u] of Object.entries(others)) {
    const snap = await snapshot(u);
    for (const [path, body] of Object.entries(snap)) found.push(...problems(body, `${name} ${path}`));
  }
  assert.deepEqual(found.slice(0, 40), [], `${found.length} problems`);
});

test('a cell below the coarsening grid is raised to it for other organisations', async () => {
  const r = await others.ministry.get(`/api/v1/analytics/hotspots?source=tips&cell_km=0.05&bbox=${BOXES.wide}`);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.grid.cell_km >= GRID / 1000, JSON.stringify(r.body.grid));
  assert.equal(r.body.records, null);
  assert.equal(r.body.suppressed, true);
});

test('moving the tip within its coarse cell changes no answer', async () => {
  const was = {};
  for (const [name, u] of Object.entries(others)) was[name] = await snapshot(u);
  sql(srv, `UPDATE tips SET lat = ${P2.lat}, lon = ${P2.lon} WHERE id = '${tipId}'`);
  const changed = [];
  try {
    for (const [name, u] of Object.entries(others)) {
      const now = await snapshot(u);
      for (const path of Object.keys(now))
        if (JSON.stringify(now[path]) !== JSON.stringify(was[name][path]))
          changed.push(`${name} ${path}: ${JSON.stringify(was[name][path]).slice(0, 300)} -> ${JSON.stringify(now[path]).slice(0, 300)}`);
    }
  } finally {
    sql(srv, `UPDATE tips SET lat = ${P.lat}, lon = ${P.lon} WHERE id = '${tipId}'`);
  }
  assert.deepEqual(changed.slice(0, 10), [], `${changed.length} answers changed`);
});

test('the receiving organisation still sees its own tip exactly', async () => {
  const r = await receiver.get(`/api/v1/analytics/hotspots?source=tips&cell_km=0.05&distance_km=0.1&limit=500&bbox=${BOXES.narrow}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.grid.cell_km, 0.05);
  assert.equal(r.body.records, 1);
  const cell = r.body.items.find((c) => c.count === 1);
  assert.ok(cell, JSON.stringify(r.body.items));
  const [w, s, e, n] = cell.bbox;
  assert.ok(w <= P.lon && P.lon < e && s <= P.lat && P.lat < n, `${JSON.stringify(cell.bbox)} holds ${JSON.stringify(P)}`);
});

// ---- differencing, with enough other tips that totals are shown ----

test('two questions differing by less than a week, a grid step or a cell size give the same answer', async () => {
  // six tips in the two weeks before, north-west of the point, each in its own cell
  for (let i = 0; i < 6; i++)
    insertTip(orgs.police, P.lat + 0.012 * (i + 1), P.lon - 0.03, MONDAY - (1 + (i % 2)) * WEEK + i * 3600000);
  const start = iso(MONDAY - 2 * WEEK), end = '2026-04-26';
  const wbox = box([P.lon - 0.1, P.lat - 0.05, P.lon + 0.1, P.lat + 0.1]);
  // the east edge just west of the exact point, then just east of it
  const edge = (d) => box([P.lon - 0.06, P.lat - 0.02, P.lon + d, P.lat + 0.08]);
  const hot = (q) => `/api/v1/analytics/hotspots?source=tips&distance_km=3&limit=500${q}`;
  const scan = (q) => `/api/v1/analytics/scan?source=tips&max_radius_km=3&max_days=7&replications=999&alpha=1&seed=5${q}`;
  const series = (q) => `/api/v1/analytics/timeseries?source=tips&interval=day${q}`;
  const pairs = [];
  for (const f of [hot, scan, series]) {
    pairs.push([f(`&from=${start}&to=${iso(T - 60000)}`), f(`&from=${start}&to=${iso(T + 60000)}`)]);
    pairs.push([f(`&from=${iso(T + 60000)}&to=${end}`), f(`&from=${iso(T - 60000)}&to=${end}`)]);
  }
  for (const f of [hot, scan]) pairs.push([f(`&bbox=${edge(-0.00015)}`), f(`&bbox=${edge(0.00015)}`)]);
  pairs.push([hot(`&bbox=${edge(-0.00015)}&cell_km=1`), hot(`&bbox=${edge(0.00015)}&cell_km=1`)]);
  for (const cell of [0.05, 0.3]) pairs.push([hot(`&bbox=${wbox}&cell_km=${cell}`), hot(`&bbox=${wbox}&cell_km=1`)]);
  const differ = [], found = [];
  for (const [name, u] of Object.entries(others)) {
    for (const [a, b] of pairs) {
      const x = await ask(u, a), y = await ask(u, b);
      found.push(...problems(x, `${name} ${a}`), ...problems(y, `${name} ${b}`));
      if (JSON.stringify(x) !== JSON.stringify(y))
        differ.push(`${name}\n  ${a}: ${JSON.stringify(x).slice(0, 240)}\n  ${b}: ${JSON.stringify(y).slice(0, 240)}`);
    }
  }
  // the totals are shown here (seven tips): the pairs must not tell them apart
  const shown = await ask(others.ministry, hot(`&bbox=${wbox}&cell_km=1`));
  assert.equal(shown.records, 7, JSON.stringify(shown));
  assert.deepEqual(found.slice(0, 20), [], `${found.length} problems`);
  assert.deepEqual(differ, [], `${differ.length} pairs tell the tip apart`);
});

test('windows are whole ISO weeks and boxes are on the grid', async () => {
  const r = await ask(others.ministry, `/api/v1/analytics/hotspots?source=tips&cell_km=1&from=${iso(T - 60000)}&to=${iso(T + 60000)}&bbox=${BOXES.wide}`);
  assert.equal(r.from, '2026-03-02T00:00:00Z');
  assert.equal(r.to, '2026-03-09T00:00:00Z');
  for (const x of r.grid.bbox) assert.ok(Math.abs(x / STEP - Math.round(x / STEP)) < 1e-6, `${x} is on the grid`);
  const s = await ask(others.ministry, `/api/v1/analytics/scan?source=tips&replications=999&from=${iso(T - 60000)}&to=${iso(T + 60000)}`);
  assert.equal(s.from, '2026-03-02T00:00:00Z');
  assert.equal(s.to, '2026-03-09T00:00:00Z');
});

// ---- early-warning signals ----

test('a signal with a suppressed count shows neither its score nor its record ids', async () => {
  const week = Date.parse('2026-05-11T00:00:00Z'); // weeks after the others: a history of zeros
  // three, then four: EARS C3 (minimum sigma 1) alarms on the four
  for (let i = 0; i < 7; i++) insertTip(orgs.police, 47.07 + i * 0.01, 15.44, week - (i < 3 ? WEEK : 0) + i * 3600000, 'dealing_near_school');
  const run = cli(['detect', '--db', srv.db.url, '--at', '2026-05-13T12:00:00Z']);
  assert.equal(run.status, 0, run.stderr);
  const list = await others.ministry.get('/api/v1/signals?source=tips&limit=500');
  assert.equal(list.status, 200, list.text);
  const sig = list.body.items.find((s) => s.category === 'dealing_near_school');
  assert.ok(sig, `the burst raises a signal: ${cli(['detect', '--db', srv.db.url, '--at', '2026-05-13T12:00:00Z']).stdout} ${list.text}`);
  assert.equal(sig.suppressed, true, JSON.stringify(sig));
  assert.deepEqual(problems(list.body, 'signals'), []);
  const one = await others.ministry.get(`/api/v1/signals/${sig.id}`);
  assert.equal(one.status, 200, one.text);
  assert.deepEqual(problems(one.body, 'signal'), []);
  // the receiver's own records are shown to it
  const own = await receiver.get(`/api/v1/signals/${sig.id}`);
  assert.equal(own.status, 200, own.text);
  assert.equal(own.body.observed, 4);
  assert.equal(own.body.record_ids.length, 4);
});

test('activity gaps place another organisation\'s tips at their coarse point: no cell centre gives the tip back', async () => {
  for (const [name, api] of Object.entries(others)) {
    const r = await api.get('/api/v1/activities/gaps?country=AT&weeks=520&limit=500');
    assert.equal(r.status, 200, `${name}: ${r.text}`);
    for (const g of r.body.items) {
      const far = Math.hypot((g.centroid.lat - P.lat) * M_PER_DEG, (g.centroid.lon - P.lon) * M_PER_DEG * Math.cos(P.lat * Math.PI / 180));
      assert.ok(far > 100, `${name}: a gap centred ${far.toFixed(1)} m from the exact tip: ${JSON.stringify(g)}`);
    }
  }
  // the receiver still sees its own tips where they are
  const own = await receiver.get('/api/v1/activities/gaps?country=AT&weeks=520&limit=500');
  assert.ok(own.body.items.some((g) => g.tips > 0), JSON.stringify(own.body.items.slice(0, 3)));
});

test('problem indicators count another organisation\'s tips at their coarse point: a tiny area around the exact point counts nothing', async () => {
  const body = {
    title: 'Probe around a guessed point', description: 'An area of 30 m around the exact point of a tip.', phase: 'response',
    distribution: 'organisation', area: { lat: P.lat, lon: P.lon, radius_m: 30 },
    responses: [{ text: 'started', started_at: iso(T + WEEK) }],
  };
  const own = await receiver.post('/api/v1/problems', { body });
  assert.equal(own.status, 201, own.text);
  assert.ok(own.body.indicators.before.weekly.reduce((a, b) => a + b, 0) >= 1, 'the receiver counts its own tip');
  for (const [name, api] of Object.entries(others)) {
    const p = await api.post('/api/v1/problems', { body });
    assert.equal(p.status, 201, `${name}: ${p.text}`);
    assert.equal(p.body.indicators.before.weekly.reduce((a, b) => a + b, 0), 0, `${name}: ${JSON.stringify(p.body.indicators)}`);
  }
});
