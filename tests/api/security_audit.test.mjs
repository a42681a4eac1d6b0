// The audit chain against someone who can write the database but has
// neither TRELLIS_AUDIT_KEY nor the checkpoint signing key: an edit with
// every link recomputed, a downgrade to unkeyed links, a removed tail with
// the head rewound; and the command line of keys and checkpoints.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, freshDb, client, cliUser, cli, sql, ENGINE } from './lib.mjs';
import { blake2b as blake2bBytes } from '../../web/js/blake2b.js';

// ---- BLAKE2b (RFC 7693), unkeyed, what an attacker without the key has:
// the web app's own implementation (tests/web/blake2b.test.mjs checks it) ----
function blake2b(data, outlen = 32) {
  return Buffer.from(blake2bBytes(data, outlen)).toString('hex');
}

// the canonical content of src/domain/audit.c: length-prefixed fields
const FIELDS = ['user_id', 'org_id', 'action', 'resource_type', 'resource_id', 'request_id', 'justification', 'detail'];
function plainLink(prev, row) {
  const parts = [prev, String(row.seq), String(row.at), ...FIELDS.map((f) => row[f])];
  const text = parts.map((v) => (v === null ? '-1:' : `${Buffer.byteLength(v)}:${v}`)).join('');
  return blake2b(Buffer.from(text, 'utf8'));
}

function rows(srv) {
  const cols = ['seq', 'at', ...FIELDS, 'prev_hash', 'hash'].map((c) => `'${c}', ${c}`).join(', ');
  const fn = ENGINE === 'postgres' ? 'json_build_object' : 'json_object';
  return sql(srv, `SELECT ${fn}(${cols}) FROM audit_log ORDER BY seq`)
    .split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** Rewrites the links of every entry from `from` on with the plain BLAKE2b
 * anyone can compute, and the head after them, as an attacker would. */
function relinkPlain(srv, from) {
  const all = rows(srv);
  let prev = from === 1 ? '0'.repeat(64) : all.find((r) => r.seq === from - 1).hash;
  for (const r of all.filter((x) => x.seq >= from)) {
    const h = plainLink(prev, r);
    sql(srv, `UPDATE audit_log SET prev_hash = '${prev}', hash = '${h}' WHERE seq = ${r.seq}`);
    prev = h;
  }
  sql(srv, `UPDATE audit_head SET hash = '${prev}' WHERE id = 1`);
}

const verify = (srv, ...args) => cli(['audit', 'verify', '--db', srv.db.url, ...args]);
const noKey = { env: { ...process.env, TRELLIS_AUDIT_KEY: '' } };

let dir;
let signKey;
const running = [];
before(() => { dir = mkdtempSync(join(tmpdir(), 'trellis-audit-')); });
after(async () => {
  // servers of a test that failed half-way
  for (const s of running) if (s.proc.exitCode === null && !s.proc.signalCode) await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function serve(opts) {
  const srv = await startServer(opts);
  running.push(srv);
  return srv;
}

/** The checkpoint signing key, made once by `trellis audit keygen`. */
function signingKey() {
  if (signKey) return signKey;
  const file = join(dir, 'signing.key');
  const r = cli(['audit', 'keygen', '--key', file]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^[0-9a-f]{64}\n$/);
  assert.match(readFileSync(file, 'utf8'), /^[0-9a-f]{64}\n$/);
  return (signKey = file);
}

/** A server whose log has entries 1..n (users and organisations made). */
async function serverWithEntries(n = 6) {
  const srv = await serve();
  const admin = cliUser(srv, { email: `root-${Date.now()}@example.org` });
  const api = client(srv.base, { token: admin.token });
  for (let i = 0; rows(srv).length < n; i++) {
    const r = await api.post('/api/v1/organisations', { body: { name: `Audited Police ${i}`, kind: 'police', country: 'FR' } });
    assert.equal(r.status, 201, r.text);
  }
  return srv;
}

function checkpoint(srv, name) {
  const file = join(dir, name);
  const r = cli(['audit', 'checkpoint', '--key', signingKey(), '--out', file, '--db', srv.db.url]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  return file;
}

test('our BLAKE2b is the real one (checked against node for 64-byte output)', () => {
  for (const s of ['', 'abc', 'x'.repeat(128), 'y'.repeat(129), 'z'.repeat(300)]) {
    assert.equal(blake2b(Buffer.from(s), 64), createHash('blake2b512').update(s).digest('hex'));
  }
});

test('with the key, an untouched log verifies, and so does its checkpoint', async () => {
  const srv = await serverWithEntries();
  let v = verify(srv);
  assert.equal(v.status, 0, v.stdout + v.stderr);
  assert.match(v.stdout, /audit log verified: \d+ entries/);
  const cp = checkpoint(srv, 'untouched.json');
  const line = JSON.parse(readFileSync(cp, 'utf8'));
  assert.deepEqual(Object.keys(line).sort(), ['at', 'hash', 'public_key', 'seq', 'signature']);
  assert.equal(line.seq, rows(srv).length);
  v = verify(srv, '--checkpoint', cp);
  assert.equal(v.status, 0, v.stdout + v.stderr);
  assert.match(v.stdout, new RegExp(`checkpoint of entry ${line.seq} .* holds`));
  // entries written after the checkpoint do not disturb it
  cliUser(srv, { email: 'later@example.org' });
  v = verify(srv, '--checkpoint', cp, '--public-key', line.public_key);
  assert.equal(v.status, 0, v.stdout + v.stderr);
  await srv.stop();
});

test('an edit with every link recomputed by plain BLAKE2b does not verify', async () => {
  const srv = await serverWithEntries();
  sql(srv, `UPDATE audit_log SET action = 'nothing' WHERE seq = 2`);
  relinkPlain(srv, 2);
  const v = verify(srv);
  assert.equal(v.status, 1, v.stdout + v.stderr);
  assert.match(v.stdout, /broken at entry 2: entry 2 was changed/);
  await srv.stop();
});

test('a log rewritten as unkeyed (key ids removed) does not verify', async () => {
  const srv = await serverWithEntries();
  // the tail only: an unkeyed link never follows a keyed one
  sql(srv, 'UPDATE audit_log SET key_id = NULL WHERE seq >= 3');
  sql(srv, 'UPDATE audit_head SET key_id = NULL');
  relinkPlain(srv, 3);
  let v = verify(srv);
  assert.equal(v.status, 1, v.stdout + v.stderr);
  assert.match(v.stdout, /entry 3 has an unkeyed link after keyed entries/);
  // the whole log: it holds together, and is reported unkeyed
  sql(srv, 'UPDATE audit_log SET key_id = NULL');
  relinkPlain(srv, 1);
  v = verify(srv);
  assert.equal(v.status, 1, v.stdout + v.stderr);
  assert.match(v.stdout, /audit log unkeyed: entries 1 to \d+/);
  await srv.stop();
});

test('a removed tail with the head rewound fails against a checkpoint', async () => {
  const srv = await serverWithEntries(8);
  const cp = checkpoint(srv, 'tail.json');
  const seq = JSON.parse(readFileSync(cp, 'utf8')).seq;
  cliUser(srv, { email: 'after-checkpoint@example.org' });
  const keep = seq - 3;
  const hash = rows(srv).find((r) => r.seq === keep).hash;
  sql(srv, `DELETE FROM audit_log WHERE seq > ${keep}`);
  sql(srv, `UPDATE audit_head SET seq = ${keep}, hash = '${hash}' WHERE id = 1`);
  // what the chain alone cannot tell
  assert.equal(verify(srv).status, 0);
  const v = verify(srv, '--checkpoint', cp);
  assert.equal(v.status, 1, v.stdout + v.stderr);
  assert.match(v.stdout, new RegExp(`entries after ${keep} were removed \\(the checkpoint holds entry ${seq}\\)`));
  await srv.stop();
});

test('an edit before a checkpoint fails against it, even rewritten unkeyed', async () => {
  const srv = await serverWithEntries();
  const cp = checkpoint(srv, 'edit.json');
  sql(srv, `UPDATE audit_log SET detail = NULL, key_id = NULL`);
  sql(srv, 'UPDATE audit_head SET key_id = NULL');
  relinkPlain(srv, 1);
  const v = verify(srv, '--checkpoint', cp);
  assert.equal(v.status, 1, v.stdout + v.stderr);
  assert.match(v.stdout, /is not the entry of the checkpoint/);
  await srv.stop();
});

test('a changed checkpoint, or one signed by another key, is rejected', async () => {
  const srv = await serverWithEntries();
  const cp = checkpoint(srv, 'changed.json');
  const line = JSON.parse(readFileSync(cp, 'utf8'));
  const forged = join(dir, 'forged.json');
  writeFileSync(forged, JSON.stringify({ ...line, seq: line.seq - 1 }) + '\n');
  let v = verify(srv, '--checkpoint', forged);
  assert.equal(v.status, 1);
  assert.match(v.stdout, /bad signature/);
  v = verify(srv, '--checkpoint', cp, '--public-key', 'ab'.repeat(32));
  assert.equal(v.status, 1);
  assert.match(v.stdout, /signed by another key/);
  await srv.stop();
});

test('entries written before the key: unkeyed until a checkpoint covers them', async () => {
  const db = freshDb();
  const kept = { ...db, cleanup() {} };
  const srv = await serve({ db: kept, env: { TRELLIS_AUDIT_KEY: '' } });
  assert.ok(srv.logs.filter((l) => /TRELLIS_AUDIT_KEY is not set/.test(l)).length === 1,
    'one warning at start without a key');
  const r = cli(['org', 'add', '--name', 'Old Police', '--kind', 'police', '--country', 'AT', '--db', srv.db.url], noKey);
  assert.equal(r.status, 0, r.stderr);
  await srv.stop();
  // the key is set: new entries are keyed, the old ones stay as they were
  const srv2 = await serve({ seed: false, db: kept });
  cliUser(srv2, { email: 'new@example.org' });
  let v = verify(srv2);
  assert.equal(v.status, 1, v.stdout + v.stderr);
  assert.match(v.stdout, /audit log unkeyed: entries 1 to 1 of \d+/);
  const cp = checkpoint(srv2, 'upgrade.json');
  v = verify(srv2, '--checkpoint', cp);
  assert.equal(v.status, 0, v.stdout + v.stderr);
  // and from now on, no server or command runs without the key
  const add = cli(['org', 'add', '--name', 'Keyless Police', '--kind', 'police', '--country', 'AT', '--db', srv2.db.url], noKey);
  assert.equal(add.status, 2);
  assert.match(add.stderr, /the audit log is keyed: set TRELLIS_AUDIT_KEY/);
  const other = cli(['org', 'add', '--name', 'Other Police', '--kind', 'police', '--country', 'AT', '--db', srv2.db.url],
    { env: { ...process.env, TRELLIS_AUDIT_KEY: 'be'.repeat(32) } });
  assert.equal(other.status, 2);
  assert.match(other.stderr, /not the key that wrote the audit log/);
  await srv2.stop();
  db.cleanup();
});

test('the audit key is 64 hex characters and not the data key', () => {
  let r = cli(['audit', 'verify', '--db', 'sqlite::memory:'], { env: { ...process.env, TRELLIS_AUDIT_KEY: 'abc' } });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /TRELLIS_AUDIT_KEY must be 64 hexadecimal characters/);
  r = cli(['audit', 'verify'], { env: { ...process.env, TRELLIS_SECRET_KEY: process.env.TRELLIS_AUDIT_KEY.toUpperCase() } });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /must differ from TRELLIS_SECRET_KEY/);
});

test('audit subcommands: --help, and one line with exit 2 for a bad flag', () => {
  for (const sub of ['verify', 'checkpoint', 'keygen']) {
    const h = cli(['audit', sub, '--help']);
    assert.equal(h.status, 0);
    assert.match(h.stdout, /trellis audit checkpoint --key FILE/);
  }
  for (const args of [['verify', '--nope'], ['checkpoint', '--checkpoint', 'x'], ['keygen', '--db', 'x'],
    ['verify', '--checkpoint'], ['frobnicate'], ['checkpoint'], ['keygen', '--key', signingKey()]]) {
    const r = cli(['audit', ...args]);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
