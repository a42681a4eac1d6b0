// HTTP-level findings of a security test: /metrics behind a token or a
// separate address and without counters that time a tip sender; request
// framing that could smuggle a second request; HSTS behind a TLS proxy.
// Raw sockets where fetch would normalise the request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, client, cliUser, request, assertProblem } from './lib.mjs';

const METRICS_TOKEN = 'metrics-7f3a9c1e5b2d4086';
let srv, root;

before(async () => {
  srv = await startServer({ env: { TRELLIS_METRICS_TOKEN: METRICS_TOKEN, TRELLIS_TIP_POW_BITS: '0', TRELLIS_TIP_RATE: '0' } });
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0, 'the server did not stop cleanly (sanitizer report?)');
});

/** Sends bytes on a fresh connection; resolves with what came back, whether
 * the server closed the connection, and how long it took. */
function raw(port, data, wait = 2000) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    const chunks = [];
    const t0 = Date.now();
    let done = false;
    const finish = (closed) => {
      if (done) return;
      done = true;
      s.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed, ms: Date.now() - t0 });
    };
    s.on('data', (d) => chunks.push(d));
    s.on('end', () => finish(true));
    s.on('error', () => finish(true));
    setTimeout(() => finish(false), wait);
    s.write(data);
  });
}

/** The responses in a raw answer: status, lower-cased headers, body. */
function responses(text) {
  const out = [];
  let rest = text;
  while (rest.startsWith('HTTP/1.')) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const lines = rest.slice(0, end).split('\r\n');
    const headers = {};
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    const len = Number(headers['content-length'] || 0);
    out.push({ status: Number(lines[0].split(' ')[1]), headers, body: rest.slice(end + 4, end + 4 + len) });
    rest = rest.slice(end + 4 + len);
  }
  return out;
}

function assertRawProblem(r, status, field) {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.body}`);
  assert.match(r.headers['content-type'] || '', /application\/problem\+json/);
  const p = JSON.parse(r.body);
  assert.equal(p.status, status);
  if (field) assert.ok(p.errors.some((e) => e.field === field), `no error naming ${field}: ${r.body}`);
}

test('/metrics wants the metrics token or the metrics address, and counts no tip route and no alert', async () => {
  // the main address without, or with a wrong, token: 401
  for (const auth of [undefined, 'Bearer wrong-token-0000000000', `Bearer ${METRICS_TOKEN}x`, `Basic ${METRICS_TOKEN}`]) {
    const r = await request(srv.base, 'GET', '/metrics', { headers: auth ? { Authorization: auth } : {} });
    assertProblem(assert, r, 401);
    assert.match(r.headers.get('www-authenticate') || '', /^Bearer/);
  }
  // a user's API token is not the metrics token
  assertProblem(assert, await root.get('/metrics'), 401);

  // the public tip routes and alerts, then the metrics
  const org = await root.post('/api/v1/organisations', { body: { name: 'Vienna Police', kind: 'police', country: 'AT' } });
  assert.equal(org.status, 201, org.text);
  assert.equal((await request(srv.base, 'GET', '/api/v1/public/tips/challenge')).status, 200);
  const tip = await request(srv.base, 'POST', '/api/v1/public/tips', {
    body: { category: 'dealing_near_school', description: 'A man sells pills at the school gate after class.', country: 'AT', lat: 48.2082, lon: 16.3738 },
  });
  assert.equal(tip.status, 201, tip.text);
  const receipt = await request(srv.base, 'GET', `/api/v1/public/tips/${tip.body.code}`, { headers: { 'X-Receipt-Secret': tip.body.secret } });
  assert.equal(receipt.status, 200, receipt.text);
  const draft = await root.post('/api/v1/alerts', {
    body: { title: 'A draft nobody else sees', summary: 'Not yet published.', category: 'other', status: 'draft', distribution: 'organisation', tlp: 'amber' },
  });
  assert.equal(draft.status, 201, draft.text);
  await root.get('/api/v1/countries/AT');
  const m = await request(srv.base, 'GET', '/metrics', { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
  assert.equal(m.status, 200, m.text);
  assert.match(m.headers.get('content-type'), /^text\/plain/);
  assert.match(m.text, /trellis_http_requests_total\{method="GET",route="\/api\/v1\/countries\/\{iso2\}",status="200"\} \d+/);
  assert.doesNotMatch(m.text, /public\/tips/, 'a counter of a public tip route times its sender');
  assert.doesNotMatch(m.text, /^trellis_alert_model_(alerts|texts) /m, 'a count of alerts counts drafts and organisation-only alerts');

  // no token, a metrics address of its own
  const peer = await startServer({ args: ['--metrics-listen', '127.0.0.1:0'], env: { TRELLIS_METRICS_TOKEN: '' } });
  try {
    await peerMetrics(peer);
  } finally {
    assert.equal((await peer.stop()).code, 0, 'the peer did not stop cleanly');
  }
});

async function peerMetrics(peer) {
  // no token configured: 404 on the main address, as any unknown path
  assertProblem(assert, await request(peer.base, 'GET', '/metrics'), 404);
  assertProblem(assert, await request(peer.base, 'GET', '/metrics', { headers: { Authorization: 'Bearer ' } }), 404);
  // the metrics address: /metrics without a token, and nothing else
  const line = peer.logs.find((l) => l.includes('"msg":"metrics listening"'));
  assert.ok(line, 'no metrics listening line');
  const mbase = `http://127.0.0.1:${JSON.parse(line).port}`;
  const pm = await request(mbase, 'GET', '/metrics');
  assert.equal(pm.status, 200, pm.text);
  assert.match(pm.text, /trellis_http_request_duration_seconds_count \d+/);
  assertProblem(assert, await request(mbase, 'GET', '/healthz'), 404);
  assertProblem(assert, await request(mbase, 'GET', '/api/v1/countries'), 404);
  assertProblem(assert, await request(mbase, 'GET', '/'), 404);
}

test('a request whose framing is ambiguous gets one 400 and the connection closes; oversize targets and headers get 414 and 431 problems', async () => {
  const next = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';
  const smuggles = {
    'two different Content-Length': ['Content-Length', 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 0\r\nContent-Length: ' + next.length + '\r\n\r\n' + next],
    'Content-Length and Transfer-Encoding': ['Transfer-Encoding', 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n' + next],
    'a coding after chunked': ['Transfer-Encoding', 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n' + next],
    'two Transfer-Encoding': ['Transfer-Encoding', 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n' + next],
  };
  for (const [name, [field, data]] of Object.entries(smuggles)) {
    const r = await raw(srv.port, data);
    const rs = responses(r.text);
    assert.equal(rs.length, 1, `${name}: ${rs.length} responses: ${r.text.slice(0, 300)}`);
    assertRawProblem(rs[0], 400, field);
    assert.equal(rs[0].headers.connection, 'close', name);
    assert.ok(r.closed, `${name}: the connection stayed open`);
    assert.ok(r.ms < 2000, `${name}: ${r.ms} ms`);
  }
  // the same connection still serves a well-framed request and what follows it
  const ok = responses((await raw(srv.port, 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}' + next, 500)).text);
  assert.deepEqual(ok.map((x) => x.status), [400, 200]);

  const long = responses((await raw(srv.port, `GET /api/v1/countries?q=${'a'.repeat(9 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`)).text);
  assert.equal(long.length, 1);
  assertRawProblem(long[0], 414);
  const big = await raw(srv.port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(32 * 1024)}\r\n\r\n`);
  assert.ok(big.ms < 2000, `a 32 kB header took ${big.ms} ms`);
  const bigs = responses(big.text);
  assert.equal(bigs.length, 1, big.text.slice(0, 300));
  assertRawProblem(bigs[0], 431);
});

test('Strict-Transport-Security is sent behind a TLS proxy, and only then', async () => {
  const hsts = 'max-age=31536000; includeSubDomains';
  const https = { 'X-Forwarded-Proto': 'https' };
  for (const path of ['/healthz', '/api/v1/countries/AT', '/api/v1/no-such-route', '/']) {
    const r = await request(srv.base, 'GET', path, { headers: https });
    assert.equal(r.headers.get('strict-transport-security'), hsts, path);
    const plain = await request(srv.base, 'GET', path);
    assert.equal(plain.headers.get('strict-transport-security'), null, path);
    const http = await request(srv.base, 'GET', path, { headers: { 'X-Forwarded-Proto': 'http' } });
    assert.equal(http.headers.get('strict-transport-security'), null, path);
  }
  const unauth = await request(srv.base, 'GET', '/api/v1/me', { headers: https });
  assert.equal(unauth.status, 401);
  assert.equal(unauth.headers.get('strict-transport-security'), hsts);
});
