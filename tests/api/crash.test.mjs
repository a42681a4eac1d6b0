// Crash safety of tip intake: the server is killed with SIGKILL 20 times
// while 16 clients submit tips; after each restart every tip whose 201 was
// received is in the database and SQLite's integrity check passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, freshDb, cli, sql, request, ENGINE } from './lib.mjs';

const KILLS = 20, CLIENTS = 16;
const ENV = { TRELLIS_TIP_POW_BITS: '0', TRELLIS_TIP_RATE: '0', TRELLIS_TIP_PENDING_MAX: '0' };
const body = { category: 'public_drug_use', description: 'People using in the stairwell every night.', country: 'AT', lat: 48.2, lon: 16.37 };

test('every acknowledged tip survives SIGKILL', { skip: ENGINE !== 'sqlite' && 'SIGKILL durability is tested on SQLite' }, async () => {
  const db = freshDb();
  const seeded = cli(['seed', '--reference', '--db', db.url]);
  assert.equal(seeded.status, 0, seeded.stderr);
  const acked = new Set();
  let srv = await startServer({ seed: false, db, env: ENV });
  sql(srv, "INSERT INTO organisations (id, name, kind, country, created_at, updated_at) VALUES ('0190f000-0000-7000-8000-00000000c0de', 'Crash Police', 'police', 'AT', 0, 0)");
  try {
    for (let k = 0; k < KILLS; k++) {
      let stop = false;
      const worker = async () => {
        while (!stop) {
          try {
            const r = await request(srv.base, 'POST', '/api/v1/public/tips', { body });
            if (r.status === 201) acked.add(r.body.code);
          } catch { return; } // the connection died with the server
        }
      };
      const workers = Array.from({ length: CLIENTS }, worker);
      await new Promise((res) => setTimeout(res, 150 + Math.random() * 250));
      srv.proc.kill('SIGKILL');
      await srv.exited;
      stop = true;
      await Promise.all(workers);
      srv = await startServer({ seed: false, db, env: ENV });
      assert.equal(sql(srv, 'PRAGMA integrity_check').trim(), 'ok');
      const have = new Set(sql(srv, 'SELECT code FROM tips').trim().split('\n'));
      const lost = [...acked].filter((c) => !have.has(c));
      assert.deepEqual(lost, [], `after kill ${k + 1}`);
    }
    console.log(`acknowledged ${acked.size}, lost 0`);
    assert.ok(acked.size > KILLS, 'tips were acknowledged between kills');
  } finally {
    await srv.stop();
  }
});
