// Hot spots a reader can act on: Gi* over the cells of the study area only
// (the country's outline), p corrected for the number of cells
// (Benjamini-Hochberg by default, `adjust` to choose), no hot spot from a
// cell with fewer than min_count records, and a cell size and distance band
// chosen from the data (incremental spatial autocorrelation) unless set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cli, cliUser, assertProblem } from './lib.mjs';

const VIENNA = { lat: 48.21, lon: 16.37 };
const PAIR = { lat: 47.8, lon: 13.05 }; // two records at one address near Salzburg
const DAY = 86400000;
const START = Date.parse('2026-03-02T00:00:00Z');
let srv, an;

let seed = 11;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const iso = (ms) => new Date(ms).toISOString();

before(async () => {
  srv = await startServer({ env: { TRELLIS_DETECT_INTERVAL_S: '0' } });
  const root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  an = root;
  const points = [];
  // background over Austria's box, a cluster in Vienna, a pair near Salzburg
  for (let i = 0; i < 50; i++) points.push({ lat: 46.9 + rnd() * 1.1, lon: 13.5 + rnd() * 2.5 });
  for (let i = 0; i < 15; i++) points.push({ lat: VIENNA.lat + (i % 3) * 0.003, lon: VIENNA.lon + Math.floor(i / 3) * 0.003 });
  points.push(PAIR, PAIR);
  for (const [i, location] of points.entries()) {
    const r = await root.post('/api/v1/alerts', { body: {
      title: `hot ${i}`, category: 'new_substance', tlp: 'green', distribution: 'network', status: 'published',
      countries: ['AT'], location, observed_from: iso(START + (i % 50) * DAY),
    } });
    assert.equal(r.status, 201, r.text);
  }
});

after(() => srv.stop());

const hot = (q) => an.get(`/api/v1/analytics/hotspots?source=alerts&country=AT&limit=500${q}`);
const near = (c, p, d = 0.06) => Math.abs(c.centre.lat - p.lat) < d && Math.abs(c.centre.lon - p.lon) < d;

test('BH at 0.05 by default; p and p_adjusted per cell; the total counts hot spots only', async () => {
  const r = await hot('&cell_km=5&distance_km=10');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.adjust, 'bh');
  assert.equal(r.body.alpha, 0.05);
  assert.equal(r.body.min_count, 3);
  for (const c of r.body.items) {
    assert.ok(c.p >= 0 && c.p <= 1 && c.p_adjusted >= c.p - 1e-15, JSON.stringify(c));
    assert.equal(c.significant, c.p_adjusted < 0.05);
    if (c.hot) assert.ok(c.significant && c.gi_star_z > 0 && c.count >= 3, JSON.stringify(c));
  }
  assert.equal(r.body.hot_spots, r.body.items.filter((c) => c.hot).length);
  assert.ok(r.body.hot_spots >= 1 && near(r.body.items[0], VIENNA), JSON.stringify(r.body.items[0]));
  // uncorrected, more cells pass; Bonferroni and Holm fewer or as many as BH
  const none = await hot('&cell_km=5&distance_km=10&adjust=none');
  const bonf = await hot('&cell_km=5&distance_km=10&adjust=bonferroni');
  const holm = await hot('&cell_km=5&distance_km=10&adjust=holm');
  assert.ok(none.body.significant > r.body.significant, `${none.body.significant} vs ${r.body.significant}`);
  assert.ok(bonf.body.significant <= r.body.significant && holm.body.significant >= bonf.body.significant);
  for (const c of none.body.items) assert.equal(c.p_adjusted, c.p);
  // Bonferroni: p times the number of cells of the study area
  const m = bonf.body.area.cells;
  for (const c of bonf.body.items) assert.ok(Math.abs(c.p_adjusted - Math.min(1, c.p * m)) <= 1e-12 * Math.max(1, c.p * m), JSON.stringify(c));
});

test('only cells inside the country are tested', async () => {
  const r = await hot('&cell_km=5&distance_km=10&bbox=9.0,46.0,18.0,49.5');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.area.kind, 'country');
  assert.equal(r.body.area.country, 'AT');
  const all = r.body.grid.rows * r.body.grid.cols;
  // Austria is about 84,000 km2: about 3,400 cells of 25 km2, of the box's 9,000 or so
  assert.ok(r.body.area.cells > 2800 && r.body.area.cells < 4000 && all > 2 * r.body.area.cells, `${r.body.area.cells} of ${all}`);
  const munich = { lat: 48.14, lon: 11.58 }, prague = { lat: 50.08, lon: 14.43 };
  assert.ok(!r.body.items.some((c) => near(c, munich, 0.3) || near(c, prague, 0.3)));
  // the same question without a country: the land, a larger area
  const land = await an.get('/api/v1/analytics/hotspots?source=alerts&cell_km=5&distance_km=10&bbox=9.0,46.0,18.0,49.5');
  assert.equal(land.body.area.kind, 'land');
  assert.ok(land.body.area.cells > r.body.area.cells);
});

test('no hot spot from fewer records than min_count in its own cell', async () => {
  const q = '&cell_km=5&distance_km=5.1&adjust=none';
  const r = await hot(q);
  assert.equal(r.status, 200, r.text);
  const pair = r.body.items.find((c) => c.count === 2 && near(c, PAIR));
  assert.ok(pair && pair.significant && pair.gi_star_z > 0, JSON.stringify(pair));
  assert.equal(pair.hot, false);
  const two = await hot(`${q}&min_count=2`);
  assert.equal(two.body.min_count, 2);
  assert.equal(two.body.items.find((c) => c.count === 2 && near(c, PAIR)).hot, true);
  assert.ok(two.body.hot_spots >= r.body.hot_spots + 1);
});

test('cell size and distance band from the data unless set, with the candidates', async () => {
  const r = await hot('');
  assert.equal(r.status, 200, r.text);
  const s = r.body.scale;
  assert.equal(s.chosen, 'data');
  assert.equal(s.cell_chosen, 'data');
  assert.ok(['first_peak', 'largest_z', 'no_significant_autocorrelation'].includes(s.reason), s.reason);
  assert.equal(s.candidates.length, 10);
  for (let k = 1; k < 10; k++) assert.ok(s.candidates[k].distance_km > s.candidates[k - 1].distance_km);
  const chosen = s.candidates.find((c) => c.distance_km === r.body.distance_km);
  if (s.reason === 'no_significant_autocorrelation') {
    assert.ok(s.candidates.every((c) => !(c.z >= 1.96)) && r.body.distance_km === 1.5 * s.cell_km, JSON.stringify(s));
  } else assert.ok(chosen && chosen.z >= 1.96, JSON.stringify(s));
  if (s.reason === 'first_peak') {
    const k = s.candidates.indexOf(chosen);
    assert.ok(k > 0 && chosen.z > s.candidates[k - 1].z && !(s.candidates[k + 1].z > chosen.z));
  }
  assert.equal(r.body.grid.cell_km, s.cell_km);
  assert.ok([1, 1.5, 2, 2.5, 3, 4, 5, 6, 8].some((m) => Math.abs(s.cell_km / 10 ** Math.floor(Math.log10(s.cell_km)) - m) < 1e-9), `${s.cell_km}`);
  assert.ok(r.body.items.some((c) => c.hot && near(c, VIENNA, 0.3)), JSON.stringify({ scale: r.body.scale, grid: r.body.grid, top: r.body.items.filter((c) => near(c, VIENNA, 0.3)) }));
  const u = await hot('&cell_km=5&distance_km=12');
  assert.deepEqual([u.body.scale.chosen, u.body.scale.cell_chosen, u.body.distance_km, u.body.grid.cell_km], ['user', 'user', 12, 5]);
  assert.equal(u.body.scale.candidates, undefined);
  const half = await hot('&cell_km=5');
  assert.deepEqual([half.body.scale.chosen, half.body.scale.cell_chosen], ['data', 'user']);
  // over 20,000 cells the autocorrelation is not run: 1.5 cells, said so
  const fine = await hot('&cell_km=1');
  assert.equal(fine.status, 200, fine.text);
  assert.ok(fine.body.area.cells > 20000, `${fine.body.area.cells}`);
  assert.deepEqual([fine.body.scale.reason, fine.body.distance_km], ['too_many_cells', 1.5]);
});

test('bad hot-spot parameters name the field', async () => {
  for (const [q, field] of [['&adjust=fdr2', 'adjust'], ['&alpha=0.9', 'alpha'], ['&alpha=x', 'alpha'], ['&min_count=0', 'min_count'], ['&min_count=2.5', 'min_count']])
    assertProblem(assert, await hot(q), 400, field);
});

test('a hot spot and a cluster say where they are, by name, in the caller\'s language', async () => {
  const g = cli(['seed', '--gazetteer', '--countries', 'AT', '--db', srv.db.url]);
  assert.equal(g.status, 0, g.stderr);
  const fr = { headers: { 'Accept-Language': 'fr' } };
  const r = await an.get('/api/v1/analytics/hotspots?source=alerts&country=AT&limit=500&cell_km=5&distance_km=10', fr);
  assert.equal(r.status, 200, r.text);
  const first = r.body.items.find((c) => c.hot);
  assert.ok(first && near(first, VIENNA), JSON.stringify(first));
  assert.match(first.place.text, /Vienna|Wien/, JSON.stringify(first.place));
  assert.match(first.place.text, /dans un rayon de/, 'the words around the name follow the language');
  assert.ok(r.body.items.filter((c) => !c.hot).every((c) => c.place === undefined), 'only reported hot spots are named');
  const s = await an.get('/api/v1/analytics/scan?source=alerts&country=AT&replications=999&alpha=1', fr);
  assert.equal(s.status, 200, s.text);
  assert.ok(s.body.items.length >= 1);
  for (const k of s.body.items) if (k.place) assert.equal(typeof k.place.text, 'string');
  const v = s.body.items.find((k) => Math.abs(k.centre.lat - VIENNA.lat) < 0.1 && Math.abs(k.centre.lon - VIENNA.lon) < 0.1);
  if (v) assert.match(v.place.text, /Vienna|Wien/);
});
