// The foundation: health, metrics, countries, organisations, bad input,
// headers, logs and shutdown. Runs on SQLite and on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, request, assertProblem, cli, cliUser } from './lib.mjs';

let srv, admin;
const METRICS_TOKEN = 'foundation-metrics-token';
before(async () => {
  srv = await startServer({ env: { TRELLIS_METRICS_TOKEN: METRICS_TOKEN } });
  admin = cliUser(srv, { email: 'admin@example.org' });
});
after(async () => { await srv?.stop(); });

const get = (path, opts = {}) => request(srv.base, 'GET', path,
  { ...opts, headers: { Authorization: `Bearer ${admin.token}`, ...(opts.headers || {}) } });

test('healthz answers ok', async () => {
  const r = await get('/healthz');
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ok');
});

test('readyz checks the database', async () => {
  const r = await get('/readyz');
  assert.equal(r.status, 200);
  assert.equal(r.body.database, 'ok');
});

test('every response carries the security headers', async () => {
  for (const path of ['/healthz', '/api/v1/countries', '/nope/api', '/api/v1/nothing']) {
    const r = await get(path);
    const csp = r.headers.get('content-security-policy');
    assert.match(csp, /frame-ancestors 'none'/, path);
    assert.match(csp, /default-src 'self'/, path);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', path);
    assert.equal(r.headers.get('referrer-policy'), 'no-referrer', path);
    assert.ok(r.headers.get('x-request-id'), path);
  }
});

test('countries lists the 68 OSCE participating States and Partners', async () => {
  const r = await get('/api/v1/countries?limit=500');
  assert.equal(r.status, 200);
  assert.equal(r.body.items.length, 68);
  assert.equal(r.body.next_cursor, null);
  const fr = r.body.items.find((c) => c.iso2 === 'FR');
  assert.deepEqual(fr, { iso2: 'FR', iso3: 'FRA', name_en: 'France', name_fr: 'France', osce_status: 'participating_state' });
});

test('countries filter by osce_status', async () => {
  const counts = {};
  for (const s of ['participating_state', 'asian_partner', 'mediterranean_partner']) {
    const r = await get(`/api/v1/countries?osce_status=${s}&limit=500`);
    assert.equal(r.status, 200);
    assert.ok(r.body.items.every((c) => c.osce_status === s));
    counts[s] = r.body.items.length;
  }
  assert.deepEqual(counts, { participating_state: 57, asian_partner: 5, mediterranean_partner: 6 });
});

test('countries paginate with cursors, default page 50, no duplicates', async () => {
  const first = await get('/api/v1/countries');
  assert.equal(first.body.items.length, 50);
  assert.ok(first.body.next_cursor);
  const seen = new Set();
  let cursor = null;
  let pages = 0;
  do {
    const r = await get('/api/v1/countries?limit=7' + (cursor ? `&cursor=${cursor}` : ''));
    assert.equal(r.status, 200);
    for (const c of r.body.items) { assert.ok(!seen.has(c.iso2)); seen.add(c.iso2); }
    cursor = r.body.next_cursor;
    pages++;
  } while (cursor);
  assert.equal(seen.size, 68);
  assert.equal(pages, 10);
});

test('a country by code, in either case', async () => {
  const r = await get('/api/v1/countries/de');
  assert.equal(r.status, 200);
  assert.equal(r.body.name_fr, 'Allemagne');
  assertProblem(assert, await get('/api/v1/countries/XX'), 404);
  assertProblem(assert, await get('/api/v1/countries/FRA'), 404);
});

test('organisations: the OSCE structures and UNODC are seeded', async () => {
  const r = await get('/api/v1/organisations?limit=500');
  assert.equal(r.status, 200);
  const keys = r.body.items.map((o) => o.key);
  assert.ok(keys.includes('osce-spmu'));
  assert.ok(keys.includes('unodc'));
  const spmu = r.body.items.find((o) => o.key === 'osce-spmu');
  assert.equal(spmu.kind, 'international_organisation');
  const tntd = r.body.items.find((o) => o.key === 'osce-tntd');
  assert.equal(spmu.parent_id, tntd.id);
  const one = await get(`/api/v1/organisations/${spmu.id}`);
  assert.equal(one.status, 200);
  assert.equal(one.body.name, 'Strategic Police Matters Unit');
});

test('organisations filter by country and kind, and paginate', async () => {
  const at = await get('/api/v1/organisations?country=AT&limit=500');
  assert.ok(at.body.items.length >= 5);
  assert.ok(at.body.items.every((o) => o.country === 'AT'));
  const police = await get('/api/v1/organisations?kind=police');
  assert.equal(police.status, 200);
  const ids = new Set();
  let cursor = null;
  do {
    const r = await get('/api/v1/organisations?limit=3' + (cursor ? `&cursor=${cursor}` : ''));
    r.body.items.forEach((o) => ids.add(o.id));
    cursor = r.body.next_cursor;
  } while (cursor);
  const all = await get('/api/v1/organisations?limit=500');
  assert.equal(ids.size, all.body.items.length);
});

test('bad list input names the field', async () => {
  assertProblem(assert, await get('/api/v1/countries?osce_status=member'), 400, 'osce_status');
  assertProblem(assert, await get('/api/v1/countries?limit=0'), 400, 'limit');
  assertProblem(assert, await get('/api/v1/countries?limit=501'), 400, 'limit');
  assertProblem(assert, await get('/api/v1/countries?limit=ten'), 400, 'limit');
  assertProblem(assert, await get('/api/v1/countries?cursor=not-a-cursor'), 400, 'cursor');
  assertProblem(assert, await get('/api/v1/countries?cursor='), 400, 'cursor');
  assertProblem(assert, await get('/api/v1/countries?colour=red'), 400, 'colour');
  assertProblem(assert, await get('/api/v1/organisations?kind=bakery'), 400, 'kind');
  assertProblem(assert, await get('/api/v1/organisations/not-an-id'), 404);
  assertProblem(assert, await get('/api/v1/organisations/01900000-0000-7000-8000-000000000000'), 404);
});

test('unknown route is 404 and wrong method is 405, both problem+json', async () => {
  assertProblem(assert, await get('/api/v1/unknown'), 404);
  const r = await request(srv.base, 'DELETE', '/api/v1/countries');
  assertProblem(assert, r, 405);
  assert.match(r.headers.get('allow'), /GET/);
});

test('a body over 1 MiB is refused with 413 before it is read', async () => {
  const big = 'x'.repeat(1024 * 1024 + 10);
  const r = await request(srv.base, 'POST', '/api/v1/organisations', { raw: big,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${admin.token}` } });
  assertProblem(assert, r, 413);
});

const post = (path, opts = {}) => request(srv.base, 'POST', path,
  { ...opts, headers: { Authorization: `Bearer ${admin.token}`, ...(opts.headers || {}) } });

test('malformed JSON is 400 naming the position', async () => {
  const r = await post('/api/v1/organisations', { raw: '{"name": "x",\n "kind": }', headers: { 'Content-Type': 'application/json' } });
  assertProblem(assert, r, 400);
  assert.match(r.body.detail, /line 2, column \d+/);
});

test('JSON nested deeper than 32 levels is 400', async () => {
  const deep = '{"a":' + '['.repeat(40) + ']'.repeat(40) + '}';
  const r = await post('/api/v1/organisations', { raw: deep, headers: { 'Content-Type': 'application/json' } });
  assertProblem(assert, r, 400);
  assert.match(r.body.detail, /nested too deeply/);
});

test('a body that is not application/json is 415', async () => {
  const r = await post('/api/v1/organisations', { raw: 'name=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assertProblem(assert, r, 415);
  const none = await post('/api/v1/organisations', { raw: '{}' });
  assertProblem(assert, none, 415);
});

test('a JSON array or duplicate keys are refused', async () => {
  assertProblem(assert, await post('/api/v1/organisations', { raw: '[1]', headers: { 'Content-Type': 'application/json' } }), 400);
  assertProblem(assert, await post('/api/v1/organisations', { raw: '{"name":"a","name":"b"}', headers: { 'Content-Type': 'application/json' } }), 400);
});

test('metrics count requests by route and status and time them', async () => {
  await get('/api/v1/countries/FR');
  const r = await get('/metrics', { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/plain/);
  assert.match(r.text, /trellis_http_requests_total\{method="GET",route="\/api\/v1\/countries\/\{iso2\}",status="200"\} \d+/);
  assert.match(r.text, /trellis_http_request_duration_seconds_bucket\{le="\+Inf"\} \d+/);
  assert.match(r.text, /trellis_db_errors_total 0/);
});

test('the OpenAPI document is served and is version 3.1', async () => {
  const r = await get('/api/v1/openapi.json');
  assert.equal(r.status, 200);
  assert.match(r.body.openapi, /^3\.1/);
  assert.ok(r.body.paths['/api/v1/countries'].get);
});

test('one JSON log line per request with route, status, duration and request id', async () => {
  const r = await get('/api/v1/countries/AT');
  const id = r.headers.get('x-request-id');
  await new Promise((ok) => setTimeout(ok, 100));
  const line = srv.logs.find((l) => l.includes(id));
  assert.ok(line, 'no log line for the request');
  const entry = JSON.parse(line);
  assert.equal(entry.method, 'GET');
  assert.equal(entry.route, '/api/v1/countries/{iso2}');
  assert.equal(entry.status, 200);
  assert.equal(typeof entry.duration_ms, 'number');
  assert.match(entry.time, /^\d{4}-\d\d-\d\dT/);
});

test('seeding twice changes nothing', async () => {
  const before = await get('/api/v1/organisations?limit=500');
  const r = cli(['seed', '--reference', '--db', srv.db.url]);
  assert.equal(r.status, 0, r.stderr);
  const afterSeed = await get('/api/v1/organisations?limit=500');
  assert.deepEqual(afterSeed.body.items, before.body.items);
});

test('bad flags, an unreachable database and a port in use exit 2 with one line', async () => {
  for (const args of [['serve', '--bogus'], ['serve', '--threads', 'many'],
    ['serve', '--db', 'mysql://x'], ['serve', '--db', 'postgres://nobody@127.0.0.1:1/x'],
    ['serve', '--listen', `127.0.0.1:${srv.port}`, '--db', srv.db.url], ['frobnicate']]) {
    const r = cli(args);
    assert.equal(r.status, 2, args.join(' '));
    const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('usage') && !l.startsWith(' '));
    assert.ok(lines.length >= 1 && lines[lines.length - 1].length > 0, args.join(' '));
  }
  assert.match(cli(['serve', '--listen', `127.0.0.1:${srv.port}`, '--db', srv.db.url]).stderr, /port in use/);
});

test('every subcommand has --help', () => {
  for (const c of ['serve', 'migrate', 'seed']) {
    const r = cli([c, '--help']);
    assert.equal(r.status, 0, c);
    assert.match(r.stdout, /usage: trellis/);
  }
  assert.match(cli(['version']).stdout, /^trellis \d+\.\d+\.\d+/);
});

test('SIGTERM finishes the request in flight, then exits 0', async () => {
  const net = await import('node:net');
  const s = await startServer();
  const sock = net.connect(s.port, '127.0.0.1');
  await new Promise((ok) => sock.on('connect', ok));
  let answer = '';
  sock.on('data', (d) => { answer += d; });
  const closed = new Promise((ok) => sock.on('close', ok));
  // the request has begun (headers and half the body) when the signal comes
  sock.write('GET /api/v1/countries/FR HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: 6\r\n\r\nabc');
  await new Promise((ok) => setTimeout(ok, 200));
  const stopped = s.stop();
  await new Promise((ok) => setTimeout(ok, 300));
  sock.write('def');
  await closed;
  assert.match(answer, /^HTTP\/1\.1 200/);
  assert.match(answer, /"iso2":"FR"/);
  const { code } = await stopped;
  assert.equal(code, 0);
  // and nothing new is accepted after the stop
  await assert.rejects(fetch(s.base + '/healthz'));
});
