// Federation under failure: C is offline while A makes 1,000 changes, and B
// is killed (SIGKILL) while it applies them; both come back and converge,
// nothing lost or doubled. (About 30 s on an idle machine; the timeout
// leaves room for a loaded one.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from './lib.mjs';
import { node, link, until, head, halt, serve, uuid7, alertBody } from './fed_lib.mjs';

let A, B, C;
before(async () => {
  // answers of 200 records: B is killed between two of them, or in one
  [A, B, C] = await Promise.all(['a', 'b', 'c'].map((n) => node(n, { env: { TRELLIS_FED_BUNDLE: '200' } })));
  link(A, B);
  link(B, C);
});
after(async () => { await Promise.all([A, B, C].map((n) => n?.srv.stop())); });

const copies = (n) => Number(sql(n.srv, `SELECT COUNT(*) FROM alerts WHERE origin_node = '${A.id}'`).trim());

test('C offline during 1,000 changes of A and B killed mid-bundle: both converge', { timeout: 120000 }, async () => {
  await halt(C);
  const items = Array.from({ length: 1000 }, (_, i) => ({
    ...alertBody({ title: `Batch alert ${i}` }), id: uuid7(), org_id: A.org,
  }));
  const imp = await A.api.post('/api/v1/alerts/import', { body: { items } });
  assert.equal(imp.status, 200, imp.text);
  // kill B as soon as it has applied something but not everything
  let seen = 0;
  await until(() => (seen = copies(B)) > 0, 'a first bundle on B', 30000);
  await halt(B, 'SIGKILL');
  const atKill = copies(B);
  assert.ok(atKill === 0 || atKill % 200 === 0 || atKill === 1000, `a bundle is applied whole (${atKill})`);
  await serve(B);
  await serve(C);
  await until(() => copies(B) === 1000 && copies(C) === 1000, 'B and C to converge', 40000);
  for (const n of [B, C]) {
    assert.equal(Number(sql(n.srv, `SELECT COUNT(DISTINCT id) FROM alerts WHERE origin_node = '${A.id}'`).trim()), 1000);
    assert.equal(sql(n.srv, `SELECT MAX(version) FROM alerts WHERE origin_node = '${A.id}'`).trim(), '1');
  }
  const cursor = Number(sql(B.srv, `SELECT pull_cursor FROM fed_peers WHERE node_id = '${A.id}'`).trim());
  assert.equal(cursor, head(A));
  const list = await C.api.get('/api/v1/alerts?limit=5');
  assert.equal(list.status, 200);
  assert.ok(list.body.items.every((a) => a.org_id === A.org));
  assert.ok(seen > 0);
});
