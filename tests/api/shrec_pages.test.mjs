// The lists of shared records (documents here; commitments, assessments,
// events, outcomes and actions alike) page newest change first with the
// keyset of row.c: each record once, in the order of one long page, a
// changed record moving to the front.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cliUser } from './lib.mjs';

let srv, api;

before(async () => {
  srv = await startServer();
  api = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
});
after(async () => { await srv?.stop(); });

async function all(path) {
  const ids = [];
  let next = `${path}?limit=2`;
  for (let n = 0; next && n < 20; n++) {
    const r = await api.get(next);
    assert.equal(r.status, 200, r.text);
    ids.push(...r.body.items.map((x) => x.id));
    next = r.body.next_cursor ? `${path}?limit=2&cursor=${r.body.next_cursor}` : null;
  }
  return ids;
}

test('documents page two at a time, each once, newest change first', async () => {
  const made = [];
  for (let i = 0; i < 5; i++) {
    const r = await api.post('/api/v1/documents', { body: { title: `Declaration number ${i}`, issuer: 'CND', distribution: 'network' } });
    assert.equal(r.status, 201, r.text);
    made.push(r.body);
  }
  // the pages hold what one long page holds, in its order, each once
  const ids = await all('/api/v1/documents');
  const whole = (await api.get('/api/v1/documents?limit=500')).body.items.map((x) => x.id);
  assert.deepEqual(ids, whole);
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(made.every((d) => ids.includes(d.id)));
  const first = made[0];
  const ch = await api.patch(`/api/v1/documents/${first.id}`, { body: { title: 'Declaration number 0, amended' }, headers: { 'If-Match': `"${first.version}"` } });
  assert.equal(ch.status, 200, ch.text);
  const again = await all('/api/v1/documents');
  assert.equal(again[0], first.id);
  assert.deepEqual([...again].sort(), [...ids].sort());
});
