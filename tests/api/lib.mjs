// Starts the real trellis binary on a free loopback port against a fresh
// database (SQLite file or a new PostgreSQL database) and speaks HTTP to it.
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = process.env.TRELLIS_BIN || 'build/san/trellis';
export const ENGINE = process.env.TRELLIS_TEST_ENGINE || 'sqlite';
// Every server and CLI command of the tests keys the audit chain (a test
// that needs no key passes TRELLIS_AUDIT_KEY: '').
process.env.TRELLIS_AUDIT_KEY ||= 'ad'.repeat(32);
export const AUDIT_KEY = process.env.TRELLIS_AUDIT_KEY;
let counter = 0;

/** A fresh database URL for one test file. */
export function freshDb() {
  if (ENGINE === 'postgres') {
    const base = process.env.TRELLIS_TEST_PG;
    if (!base) throw new Error('TRELLIS_TEST_PG is not set');
    const name = `t_${process.pid}_${counter++}_${Date.now() % 100000}`;
    execFileSync('psql', [base, '-q', '-c', `CREATE DATABASE ${name}`], { stdio: 'pipe' });
    return { url: base.replace(/\/[^/]*$/, `/${name}`), cleanup() {} };
  }
  const dir = mkdtempSync(join(tmpdir(), 'trellis-test-'));
  return { url: `sqlite:${join(dir, 'test.db')}`, dir, cleanup() { rmSync(dir, { recursive: true, force: true }); } };
}

/** Runs the CLI synchronously; returns { status, stdout, stderr }. */
export function cli(args, opts = {}) {
  try {
    const stdout = execFileSync(BIN, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], ...opts });
    return { status: 0, stdout, stderr: '' };
  } catch (e) {
    return { status: e.status, stdout: e.stdout?.toString() ?? '', stderr: e.stderr?.toString() ?? '' };
  }
}

/** Seeds, starts the server and resolves when it listens. */
export async function startServer({ seed = true, db = freshDb(), env = {}, args = [] } = {}) {
  if (seed) {
    const r = cli(['seed', '--reference', '--db', db.url]);
    if (r.status !== 0) throw new Error(`seed failed: ${r.stderr}`);
  }
  const proc = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--db', db.url, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const logs = [];
  let buffer = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start: ' + logs.join('\n'))), 20000);
    proc.stderr.on('data', (chunk) => {
      buffer += chunk;
      let i;
      while ((i = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        logs.push(line);
        const m = line.match(/"msg":"listening","port":(\d+)/);
        if (m) { clearTimeout(timer); resolve(Number(m[1])); }
      }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${logs.join('\n')}`)); });
  });
  proc.removeAllListeners('exit');
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const base = `http://127.0.0.1:${port}`;
  return {
    base, port, db, logs, proc, exited,
    async stop() {
      proc.kill('SIGTERM');
      const r = await exited;
      db.cleanup();
      return r;
    },
  };
}

/** One request; answers { status, headers, body (parsed JSON when JSON), text }. */
export async function request(base, method, path, { body, headers = {}, raw } = {}) {
  const h = { ...headers };
  let payload;
  if (raw !== undefined) payload = raw;
  else if (body !== undefined) {
    payload = JSON.stringify(body);
    if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
  }
  const res = await fetch(base + path, { method, headers: h, body: payload, redirect: 'manual' });
  const text = await res.text();
  let json;
  const ct = res.headers.get('content-type') || '';
  if (ct.includes('json') && text) json = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: json, text };
}

/** A client bound to a server and optional credentials. */
export function client(base, auth = {}) {
  const headers = {};
  if (auth.token) headers.Authorization = `Bearer ${auth.token}`;
  if (auth.cookie) headers.Cookie = auth.cookie;
  if (auth.csrf) headers['X-CSRF-Token'] = auth.csrf;
  const call = (method) => (path, opts = {}) =>
    request(base, method, path, { ...opts, headers: { ...headers, ...(opts.headers || {}) } });
  return { get: call('GET'), post: call('POST'), patch: call('PATCH'), del: call('DELETE'), put: call('PUT') };
}

/** Asserts an RFC 9457 problem with the status, and the field if given. */
export function assertProblem(assert, res, status, field) {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text}`);
  assert.match(res.headers.get('content-type') || '', /application\/problem\+json/);
  assert.equal(res.body.status, status);
  assert.ok(res.body.title && res.body.type && typeof res.body.detail === 'string');
  assert.ok(Array.isArray(res.body.errors));
  if (field) assert.ok(res.body.errors.some((e) => e.field === field),
    `no error naming ${field}: ${JSON.stringify(res.body.errors)}`);
}

/** Adds a user with the CLI and returns an API token for them. */
export function cliUser(srv, { email, role = 'admin', org = 'osce-spmu', name = 'Test User', password } = {}) {
  const args = ['user', 'add', '--email', email, '--name', name, '--org', org, '--role', role, '--db', srv.db.url];
  if (password) args.push('--password-stdin');
  const r = cli(args, password ? { input: password + '\n' } : {});
  if (r.status !== 0) throw new Error(`user add failed: ${r.stderr}`);
  const t = cli(['token', 'create', '--email', email, '--db', srv.db.url]);
  if (t.status !== 0) throw new Error(`token create failed: ${t.stderr}`);
  return { id: r.stdout.trim(), token: t.stdout.trim(), email };
}

/** Runs SQL straight on the test database (for tampering and clocks). */
export function sql(srv, text) {
  const url = srv.db.url;
  if (url.startsWith('sqlite:')) {
    return execFileSync('sqlite3', [url.slice(7), text], { encoding: 'utf8' });
  }
  return execFileSync('psql', [url, '-q', '-t', '-A', '-c', text], { encoding: 'utf8' });
}

/** Signs in with a password; returns { cookie, csrf, user }. */
export async function login(base, email, password) {
  const r = await request(base, 'POST', '/api/v1/auth/login', { body: { email, password } });
  if (r.status !== 200) return { status: r.status, res: r };
  const cookie = r.headers.get('set-cookie').split(';')[0];
  return { status: 200, cookie, csrf: r.body.csrf_token, user: r.body.user, res: r };
}

/** Solves the server's proof-of-work challenge for a public tip. */
export async function solve(base) {
  const c = await request(base, 'GET', '/api/v1/public/tips/challenge');
  if (c.status !== 200) throw new Error(`challenge: ${c.status} ${c.text}`);
  const { challenge, bits } = c.body;
  for (let i = 0; ; i++) {
    const h = createHash('blake2b512').update(challenge + i).digest();
    let z = 0;
    for (const b of h) { if (b === 0) { z += 8; continue; } z += Math.clz32(b) - 24; break; }
    if (z >= bits) return { challenge, nonce: String(i) };
  }
}
