// Every route answers bad input with a 4xx problem, never a 500 or a crash:
// each documented route gets malformed JSON, wrong types, nulls, deep and
// huge values, odd ids and odd query strings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, request, cliUser } from './lib.mjs';

let srv, token;
before(async () => {
  srv = await startServer({ env: { TRELLIS_TIP_POW_BITS: '0', TRELLIS_TIP_RATE: '0' } });
  token = cliUser(srv, { email: 'root@example.org' }).token;
});
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0, 'the server did not stop cleanly (sanitizer report?)');
});

const doc = JSON.parse(readFileSync('docs/openapi.json', 'utf8'));
const weird = [null, true, -1, 1e308, -1e308, 3.5, '', ' ', 'x'.repeat(5000), '\u0000', '../../etc/passwd',
  "' OR 1=1 --", '<script>', '😀', [], [null], {}, { a: { b: { c: [] } } }, '2026-13-45T99:99:99Z', 'NaN'];
const ids = ['x', '00000000-0000-0000-0000-000000000000', '01900000-0000-7000-8000-000000000000', '%00', '..', 'a'.repeat(300)];

function bodiesFor(op) {
  const schema = op.requestBody?.content?.['application/json']?.schema;
  const resolve = (s) => (s && s.$ref ? doc.components.schemas[s.$ref.split('/').pop()] : s);
  const props = Object.keys(resolve(schema)?.properties || { title: 1, name: 1, type: 1, status: 1 });
  const out = [];
  for (const p of props) for (const v of weird) out.push({ [p]: v });
  out.push(Object.fromEntries(props.map((p) => [p, null])));
  out.push(Object.fromEntries(props.map((p, i) => [p, weird[i % weird.length]])));
  return out;
}

test('no route answers 500 or dies on bad input', async () => {
  let sent = 0;
  const headers = { Authorization: `Bearer ${token}` };
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      for (const id of path.includes('{') ? ids : ['']) {
        const p = path.replace(/\{[^}]+\}/g, encodeURIComponent(id));
        const qs = ['', '?limit=-1&cursor=%ff', '?limit=99999999999999999999', '?q=%22%27%5C&type=alert,x', '?bbox=1,2,3,NaN&from=x&to=y&format=zz'];
        for (const q of qs) {
          const r = await request(srv.base, method.toUpperCase(), p + q, { headers });
          sent++;
          assert.ok(r.status < 500, `${method.toUpperCase()} ${p}${q}: ${r.status} ${r.text.slice(0, 200)}`);
        }
        if (method === 'get' || method === 'delete') continue;
        for (const raw of ['{', '[]', '{"a":', 'null', '"x"', '{"a":1,"a":2}', '\u00ff\u00fe', '{'.repeat(100)]) {
          const r = await request(srv.base, method.toUpperCase(), p, { raw, headers: { ...headers, 'Content-Type': 'application/json' } });
          sent++;
          assert.ok(r.status < 500, `${method.toUpperCase()} ${p} raw ${raw.slice(0, 10)}: ${r.status}`);
        }
        for (const body of bodiesFor(op)) {
          const r = await request(srv.base, method.toUpperCase(), p, { body, headers: { ...headers, 'If-Match': '"1"' } });
          sent++;
          assert.ok(r.status < 500, `${method.toUpperCase()} ${p} ${JSON.stringify(body).slice(0, 120)}: ${r.status} ${r.text.slice(0, 200)}`);
        }
      }
    }
  }
  const h = await request(srv.base, 'GET', '/healthz');
  assert.equal(h.status, 200);
  console.log(`robustness: ${sent} bad requests, no 500`);
});
