// Crash safety of referrals: the server is killed with SIGKILL while
// clients draft referrals, record consent and send them; after each restart
// every acknowledged draft exists, every acknowledged send is sent, and
// SQLite's integrity check passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, freshDb, cli, sql, client, ENGINE } from './lib.mjs';

const KILLS = 6, CLIENTS = 6;
const ENV = { TRELLIS_SECRET_KEY: 'e5'.repeat(32), TRELLIS_REFERRAL_JOB_INTERVAL_S: '0' };

test('every acknowledged referral change survives SIGKILL', { skip: ENGINE !== 'sqlite' && 'SIGKILL durability is tested on SQLite' }, async () => {
  const db = freshDb();
  assert.equal(cli(['seed', '--reference', '--db', db.url]).status, 0);
  const police = cli(['org', 'add', '--name', 'Crash Police', '--kind', 'police', '--country', 'AT', '--db', db.url]).stdout.trim();
  const clinic = cli(['org', 'add', '--name', 'Crash Clinic', '--kind', 'treatment_provider', '--country', 'AT', '--db', db.url]).stdout.trim();
  for (const [email, org, role] of [['o@example.org', police, 'officer'], ['c@example.org', clinic, 'org_admin']]) {
    assert.equal(cli(['user', 'add', '--email', email, '--name', email, '--org', org, '--role', role, '--db', db.url]).status, 0);
  }
  const tok = (email) => cli(['token', 'create', '--email', email, '--db', db.url]).stdout.trim();
  const officer = tok('o@example.org'), clinician = tok('c@example.org');
  let srv = await startServer({ seed: false, db, env: ENV });
  const svc = await client(srv.base, { token: clinician }).post('/api/v1/services', { body: { name: 'Crash service', type: 'treatment' } });
  assert.equal(svc.status, 201, svc.text);
  const drafted = new Set(), sent = new Set();
  try {
    for (let k = 0; k < KILLS; k++) {
      let stop = false;
      const c = client(srv.base, { token: officer });
      const worker = async () => {
        while (!stop) {
          try {
            const r = await c.post('/api/v1/referrals', { body: { service_id: svc.body.id, pathway: 'voluntary', gender: 'male', person: { given_name: 'Crash', family_name: 'Test', birth_date: '2000-01-01' } } });
            if (r.status !== 201) continue;
            drafted.add(r.body.id);
            const cs = await c.post(`/api/v1/referrals/${r.body.id}/consents`, { body: { subject: 'person', scopes: ['service', 'sharing'], decision: 'given' } });
            if (cs.status !== 201) continue;
            const g = await c.get(`/api/v1/referrals/${r.body.id}`);
            const p = await c.patch(`/api/v1/referrals/${r.body.id}`, { body: { status: 'sent' }, headers: { 'If-Match': `"${g.body.version}"` } });
            if (p.status === 200) sent.add(r.body.id);
          } catch { return; } // the connection died with the server
        }
      };
      const workers = Array.from({ length: CLIENTS }, worker);
      await new Promise((res) => setTimeout(res, 1500 + Math.random() * 1500));
      srv.proc.kill('SIGKILL');
      await srv.exited;
      stop = true;
      await Promise.all(workers);
      srv = await startServer({ seed: false, db, env: ENV });
      assert.equal(sql(srv, 'PRAGMA integrity_check').trim(), 'ok');
      const rows = sql(srv, 'SELECT id, status FROM referrals').trim().split('\n').filter(Boolean).map((l) => l.split('|'));
      const status = new Map(rows);
      assert.deepEqual([...drafted].filter((id) => !status.has(id)), [], `drafts lost after kill ${k + 1}`);
      assert.deepEqual([...sent].filter((id) => status.get(id) !== 'sent'), [], `sends lost after kill ${k + 1}`);
    }
    console.log(`acknowledged ${drafted.size} drafts and ${sent.size} sends, lost 0`);
    assert.ok(sent.size > 0 && drafted.size > KILLS, 'referrals were drafted and sent between kills');
  } finally {
    await srv.stop();
  }
});
