// Street maps: TRELLIS_TILES names an XYZ template (the policy lets the
// browser load images from its origin, nothing more) or a local PMTiles file
// that GET /api/v1/map/tiles serves by byte ranges: 206 with Content-Range,
// 416 naming Range for a range it cannot serve, ETag, If-None-Match and
// If-Range; no request names another file; bad ranges never crash it.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, request, cli, assertProblem } from './lib.mjs';
import { pngTile, pmtilesArchive } from '../web/pmtiles.mjs';

const dir = mkdtempSync(join(tmpdir(), 'trellis-tiles-'));
const file = join(dir, 'streets.pmtiles');
const archive = pmtilesArchive(pngTile([200, 30, 160]), 3);
writeFileSync(file, archive);
after(() => rmSync(dir, { recursive: true, force: true }));

/** A GET with raw header values (fetch refuses some); answers the bytes. */
function raw(base, path, headers = {}, method = 'GET') {
  const u = new URL(path, base);
  return new Promise((ok, fail) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers }, (res) => {
      const parts = [];
      res.on('data', (b) => parts.push(b));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts) }));
    });
    req.on('error', fail);
    req.end();
  });
}

const csp = (r) => r.headers.get('content-security-policy');
const directive = (policy, name) => policy.split(';').map((d) => d.trim()).find((d) => d.startsWith(`${name} `));

describe('without TRELLIS_TILES', () => {
  let srv;
  before(async () => { srv = await startServer(); });
  after(async () => { await srv?.stop(); });

  test('the app is told there are no tiles, none are served, and the policy loads nothing from elsewhere', async () => {
    const m = await request(srv.base, 'GET', '/api/v1/map');
    assert.equal(m.status, 200, m.text);
    assert.deepEqual(m.body, { tiles: null });
    assert.equal(directive(csp(m), 'img-src'), "img-src 'self' data:");
    assert.equal(directive(csp(m), 'connect-src'), "connect-src 'self'");
    assertProblem(assert, await request(srv.base, 'GET', '/api/v1/map/tiles'), 404);
    assertProblem(assert, await request(srv.base, 'GET', '/api/v1/map?x=1'), 400, 'x');
  });
});

describe('with a PMTiles file', () => {
  let srv;
  before(async () => { srv = await startServer({ env: { TRELLIS_TILES: file } }); });
  after(async () => {
    const r = await srv?.stop();
    assert.equal(r.code, 0, 'the server stops cleanly (no sanitizer abort)');
  });

  test('the app is pointed at the file, and the policy needs nothing more', async () => {
    const m = await request(srv.base, 'GET', '/api/v1/map');
    assert.deepEqual(m.body, { tiles: { type: 'pmtiles', url: '/api/v1/map/tiles' } });
    assert.equal(directive(csp(m), 'img-src'), "img-src 'self' data:");
  });

  test('the whole file, then ranges of it, with an ETag', async () => {
    const all = await raw(srv.base, '/api/v1/map/tiles');
    assert.equal(all.status, 200);
    assert.ok(all.body.equals(archive));
    assert.equal(all.headers['accept-ranges'], 'bytes');
    const etag = all.headers.etag;
    assert.match(etag, /^"[0-9a-f-]+"$/);
    const n = archive.length;
    const cases = [
      ['bytes=0-126', 0, 126], ['bytes=127-', 127, n - 1], ['bytes=-10', n - 10, n - 1],
      ['bytes=0-16383', 0, n - 1], ['bytes=5-5', 5, 5], [`bytes=-${n + 50}`, 0, n - 1], ['BYTES=1-2', 1, 2],
    ];
    for (const [range, first, last] of cases) {
      const r = await raw(srv.base, '/api/v1/map/tiles', { Range: range });
      assert.equal(r.status, 206, range);
      assert.equal(r.headers['content-range'], `bytes ${first}-${last}/${n}`, range);
      assert.equal(Number(r.headers['content-length']), last - first + 1, range);
      assert.ok(r.body.equals(archive.subarray(first, last + 1)), range);
      assert.equal(r.headers.etag, etag);
    }
    const head = await raw(srv.base, '/api/v1/map/tiles', { Range: 'bytes=0-9' }, 'HEAD');
    assert.equal(head.status, 206);
    assert.equal(head.body.length, 0);
    assert.equal((await raw(srv.base, '/api/v1/map/tiles', { 'If-None-Match': etag })).status, 304);
    const stale = await raw(srv.base, '/api/v1/map/tiles', { Range: 'bytes=0-9', 'If-Range': '"old"' });
    assert.equal(stale.status, 200, 'an If-Range of another version gets the whole file');
    assert.equal(stale.body.length, n);
    const fresh = await raw(srv.base, '/api/v1/map/tiles', { Range: 'bytes=0-9', 'If-Range': etag });
    assert.equal(fresh.status, 206);
  });

  test('a range it cannot serve is 416 with the size, as problem+json naming Range', async () => {
    const n = archive.length;
    for (const range of [`bytes=${n}-`, `bytes=${n + 10}-${n + 20}`, 'bytes=-0', 'bytes=', 'bytes=a-b', 'bytes=5-2',
      'bytes=0-1,3-4', 'items=0-1', 'bytes=99999999999999999999-', 'bytes= 0-1', 'bytes=--1', 'bytes=1--2',
      'bytes=0x10-', 'bytes=-', 'bytes=+1-2', 'bytes=18446744073709551615-18446744073709551616']) {
      const r = await request(srv.base, 'GET', '/api/v1/map/tiles', { headers: { Range: range, 'Accept-Language': 'fr' } });
      assertProblem(assert, r, 416, 'Range');
      assert.equal(r.headers.get('content-range'), `bytes */${n}`, range);
      assert.match(r.body.detail, /plage/, 'in the language asked for');
    }
  });

  test('fuzz-like ranges: every answer is 206 with the bytes it says, or 416; the server lives on', async () => {
    const n = archive.length;
    let seed = 7;
    const rnd = (k) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % k; };
    const alphabet = ['bytes=', 'bytes', '=', '-', ',', ' ', '0', '1', '9', '0-', '2-7', '-3', String(n), String(n - 1), '18446744073709551615', '*', 'x', '\t', ';'];
    const got = new Set();
    for (let i = 0; i < 300; i++) {
      let range = rnd(3) ? 'bytes=' : '';
      for (let k = rnd(6) + 1; k > 0; k--) range += alphabet[rnd(alphabet.length)];
      const r = await raw(srv.base, '/api/v1/map/tiles', { Range: range });
      got.add(r.status);
      assert.ok(r.status === 206 || r.status === 416 || (r.status === 200 && range.trim() === ''), `${JSON.stringify(range)}: ${r.status}`);
      if (r.status === 206) {
        const m = r.headers['content-range'].match(/^bytes (\d+)-(\d+)\/(\d+)$/);
        assert.ok(m, range);
        const [first, last] = [Number(m[1]), Number(m[2])];
        assert.ok(first <= last && last < n && Number(m[3]) === n, range);
        assert.ok(r.body.equals(archive.subarray(first, last + 1)), range);
      }
    }
    assert.ok(got.has(206) && got.has(416), [...got].join(','));
    assert.equal((await request(srv.base, 'GET', '/healthz')).status, 200);
  });

  test('no request reaches another file', async () => {
    for (const path of ['/api/v1/map/tiles/../../../etc/passwd', '/api/v1/map/tiles/%2e%2e/%2e%2e/etc/passwd',
      '/api/v1/map/tiles/streets.pmtiles', '/api/v1/map/tiles%00']) {
      const r = await raw(srv.base, path);
      // at most the one file again (a NUL cuts the path where the route ends)
      assert.ok(r.status === 404 || r.status === 400 || r.body.equals(archive), `${path}: ${r.status}`);
      assert.ok(!r.body.includes('root:'), path);
    }
    assertProblem(assert, await request(srv.base, 'GET', `/api/v1/map/tiles?file=${encodeURIComponent('/etc/passwd')}`), 400, 'file');
  });
});

describe('with an XYZ template', () => {
  let srv;
  before(async () => {
    srv = await startServer({ env: { TRELLIS_TILES: 'https://{s}.tiles.example.org:8443/osm/{z}/{x}/{y}.png',
      TRELLIS_TILES_ATTRIBUTION: '© OpenStreetMap contributors <ODbL>' } });
  });
  after(async () => { await srv?.stop(); });

  test('the app gets the template, and images from its origin only are allowed', async () => {
    const m = await request(srv.base, 'GET', '/api/v1/map');
    assert.deepEqual(m.body, { tiles: { type: 'xyz', url: 'https://{s}.tiles.example.org:8443/osm/{z}/{x}/{y}.png',
      attribution: '© OpenStreetMap contributors <ODbL>' } });
    const p = csp(m);
    assert.equal(directive(p, 'img-src'), "img-src 'self' data: https://*.tiles.example.org:8443");
    assert.equal(directive(p, 'connect-src'), "connect-src 'self'");
    assert.equal(directive(p, 'script-src'), "script-src 'self'");
    assertProblem(assert, await request(srv.base, 'GET', '/api/v1/map/tiles'), 404);
    // the same policy on the app's pages
    assert.equal(csp(await request(srv.base, 'GET', '/healthz')), p);
  });
});

test('a TRELLIS_TILES that is neither a safe template nor raster PMTiles stops the server', () => {
  const notPm = join(dir, 'not.pmtiles');
  writeFileSync(notPm, 'hello, this is not a tile archive'.repeat(10));
  const vector = Buffer.from(archive);
  vector[99] = 1;
  const vec = join(dir, 'vector.pmtiles');
  writeFileSync(vec, vector);
  for (const bad of ["https://tiles.example.org/{z}/{x}/{y}.png; script-src 'unsafe-inline'",
    'https://tiles.example.org/{z}/{x}/{y}.png *', 'http://tiles.example.org/{z}/{x}/{y}.png',
    'https://tiles.example.org/{z}/{x}.png', 'https://tiles.example.org/{z}/{x}/{y}/{evil}.png',
    "https://tiles.example.org'/{z}/{x}/{y}.png", 'https://{z}/{x}/{y}', 'https:///{z}/{x}/{y}.png',
    'https://a.{s}.example.org/{z}/{x}/{y}.png', join(dir, 'missing.pmtiles'), notPm, vec, dir]) {
    const r = cli(['serve', '--listen', '127.0.0.1:0', '--db', `sqlite:${join(dir, 'never.db')}`],
      { env: { ...process.env, TRELLIS_TILES: bad }, timeout: 15000 });
    assert.equal(r.status, 2, `${bad}: ${r.status} ${r.stderr}`);
    assert.match(r.stderr, /TRELLIS_TILES/, bad);
  }
});

test('a tiles credit that is too long, holds a control character or comes without tiles stops the server', () => {
  const xyz = 'https://tiles.example.org/{z}/{x}/{y}.png';
  for (const [tiles, credit] of [[xyz, 'x'.repeat(201)], [xyz, '© OSM\ncontributors'], [xyz, 'tab\there'], [undefined, '© OSM']]) {
    const env = { ...process.env, TRELLIS_TILES_ATTRIBUTION: credit };
    if (tiles) env.TRELLIS_TILES = tiles; else delete env.TRELLIS_TILES;
    const r = cli(['serve', '--listen', '127.0.0.1:0', '--db', `sqlite:${join(dir, 'never.db')}`], { env, timeout: 15000 });
    assert.equal(r.status, 2, `${JSON.stringify(credit)}: ${r.status} ${r.stderr}`);
    assert.match(r.stderr, /TRELLIS_TILES_ATTRIBUTION/);
  }
});
