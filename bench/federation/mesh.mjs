// A federation on one machine: 57 national instances and one of the OSCE
// structures (BENCH_NODES, default 58), each a `trellis serve` on loopback
// with its own SQLite database and node key, peered as a star (every State
// with the OSCE node, both ways) and then as a partial mesh (a ring with a
// chord to the seventh neighbour: four peers each). In each, alerts marked
// for federation are published in one State after another (BENCH_ALERTS,
// default 5) and every other instance is asked until it shows the alert:
// prints the time to reach all (median and max over the alerts), the
// slowest instance, and each instance's resident memory.
// Run from the repository root after `make`: node bench/federation/mesh.mjs
// Each phase (seeding, starting, peering, each alert) has a deadline
// (BENCH_PHASE_S, default 300 s, or 10 s an instance or peering when more;
// an alert 60 s): past it the bench prints
// the phase and what it was still waiting for, and exits with status 1, as
// it does when an alert does not reach every instance. A request gets 20 s,
// a command line 60 s. Each phase's end is printed with its time.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = process.env.TRELLIS || 'build/trellis';
const N = Number(process.env.BENCH_NODES || 58);
const ALERTS = Number(process.env.BENCH_ALERTS || 5);
const TIMEOUT_MS = 60000;
const PHASE_MS = Number(process.env.BENCH_PHASE_S || 300) * 1000;
const REQUEST_MS = 20000;
const CLI_MS = 60000;
const env = {
  ...process.env,
  TRELLIS_SECRET_KEY: process.env.TRELLIS_SECRET_KEY || 'be'.repeat(32),
  TRELLIS_AUDIT_KEY: process.env.TRELLIS_AUDIT_KEY || 'ad'.repeat(32),
};
const tty = process.stderr.isTTY;
const progress = (what, i, n) => {
  if (tty) process.stderr.write(`\r${what} ${i}/${n}${i === n ? '\n' : ''}`);
};
const cli = (args) => execFileSync(BIN, args, {
  env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: CLI_MS, killSignal: 'SIGKILL',
}).trim();

/** The phase under way and what it waits for, printed if its deadline passes. */
const phase = { name: 'start', waiting: () => '', timer: null, t0: 0, ms: 0 };
function overdue() {
  console.log(`bench/federation/mesh: ${phase.name}: no end after ${(phase.ms / 1000).toFixed(0)} s;`
    + ` waiting for ${phase.waiting() || 'its step in progress'}`);
  cleanup();
  process.exit(1);
}
function begin(name, ms = PHASE_MS, waiting = () => '') {
  clearTimeout(phase.timer);
  Object.assign(phase, { name, waiting, ms, t0: performance.now() });
  phase.timer = setTimeout(overdue, ms);
}
/** For a phase of synchronous steps, which the timer cannot interrupt. */
function due() {
  if (performance.now() - phase.t0 > phase.ms) overdue();
}
function end() {
  clearTimeout(phase.timer);
  console.log(`  ${phase.name}: ${((performance.now() - phase.t0) / 1000).toFixed(1)} s`);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const dir = mkdtempSync(join(tmpdir(), 'trellis-mesh-'));
const nodes = [];

function cleanup() {
  for (const n of nodes) if (n.proc && n.proc.exitCode === null) n.proc.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
process.on('SIGINT', () => { cleanup(); process.exit(130); });

/** Seeds an instance, makes its node key and a user with a token. */
function make(i) {
  const db = `sqlite:${join(dir, `n${i}.db`)}`;
  cli(['seed', '--reference', '--db', db]);
  const [id, pk] = cli(['node', 'key', '--db', db]).split(' ');
  const email = `analyst@n${i}.example.org`;
  cli(['user', 'add', '--email', email, '--name', `Analyst ${i}`, '--org', 'osce-spmu', '--role', 'admin', '--db', db]);
  const token = cli(['token', 'create', '--email', email, '--db', db]);
  return { i, db, id, pk, token, name: i === 0 ? 'osce' : `state${i}` };
}

/** Starts an instance's server; resolves with its port. */
function serve(n) {
  n.proc = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--threads', '2', '--db', n.db],
    { env, stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`n${n.i} did not start`)), 30000);
    n.proc.stderr.on('data', (c) => {
      buf += c;
      const m = buf.match(/"msg":"listening","port":(\d+)/);
      if (m) {
        clearTimeout(timer);
        n.base = `http://127.0.0.1:${m[1]}`;
        buf = '';
        n.proc.stderr.removeAllListeners('data');
        n.proc.stderr.resume();
        resolve();
      }
    });
  });
}

const peer = (a, b) => cli(['peer', 'add', '--name', b.name, '--url', b.base, '--node-id', b.id,
  '--public-key', b.pk, '--db', a.db]);
const unpeer = (a, b) => cli(['peer', 'remove', b.id, '--db', a.db]);

let keys = 0;
/** One API request; a connection the server closed while idle is tried once
 * more (a POST with the same Idempotency-Key, so it is made once). */
async function api(n, method, path, body) {
  const headers = { Authorization: `Bearer ${n.token}`, 'Content-Type': 'application/json' };
  if (method === 'POST') headers['Idempotency-Key'] = `mesh-${process.pid}-${++keys}`;
  let r;
  for (let attempt = 0; !r; attempt++) {
    try {
      r = await fetch(`${n.base}/api/v1${path}`, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_MS),
      });
    } catch (e) {
      const running = n.proc.exitCode === null && !n.proc.signalCode;
      if (running && attempt === 0) continue;
      throw new Error(`n${n.i} (${running ? 'running' : `exited ${n.proc.exitCode ?? n.proc.signalCode}`}): `
        + `${method} ${path}: ${e.cause?.code || e.message}`);
    }
  }
  return { status: r.status, body: r.status === 204 ? null : await r.json() };
}

/** Publishes an alert for federation at n; ms until every other instance shows it. */
async function spread(n, label) {
  const t0 = performance.now();
  const r = await api(n, 'POST', '/alerts', {
    title: `Nitazene tablets sold as oxycodone (${label})`, category: 'new_substance', tlp: 'green',
    distribution: 'federation', status: 'published', countries: ['AT'],
    summary: 'Blue tablets marked M30 tested positive for a nitazene.',
  });
  if (r.status !== 201) throw new Error(`publish on n${n.i}: ${r.status} ${JSON.stringify(r.body)}`);
  const waiting = new Set(nodes.filter((m) => m !== n));
  phase.waiting = () => `${waiting.size} instances to show alert ${r.body.id} of n${n.i}: `
    + [...waiting].slice(0, 10).map((m) => `n${m.i}`).join(' ') + (waiting.size > 10 ? ' ...' : '');
  const arrived = new Map();
  while (waiting.size && performance.now() - t0 < TIMEOUT_MS) {
    await Promise.all([...waiting].map(async (m) => {
      if ((await api(m, 'GET', `/alerts/${r.body.id}`)).status === 200) {
        arrived.set(m, performance.now() - t0);
        waiting.delete(m);
      }
    }));
    if (waiting.size) await sleep(50);
  }
  if (waiting.size) throw new Error(`${label}: ${waiting.size} instances never showed the alert`);
  const times = [...arrived.values()];
  return { all: Math.max(...times), median: median(times) };
}

function rssMiB(n) {
  const m = readFileSync(`/proc/${n.proc.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
  return m ? Number(m[1]) / 1024 : NaN;
}

async function measure(topology, edges) {
  let done = 0;
  begin(`${topology}: peering`, Math.max(PHASE_MS, edges.length * 10000), () => `peer add ${done + 1} of ${edges.length}`);
  for (const [a, b] of edges) { peer(a, b); peer(b, a); done++; due(); }
  end();
  // a first alert: every puller is connected and waiting before timing
  begin(`${topology}: warm-up alert`, TIMEOUT_MS + REQUEST_MS);
  await spread(nodes[1], `${topology} warm-up`);
  end();
  const runs = [];
  begin(`${topology}: ${ALERTS} alerts`, ALERTS * (TIMEOUT_MS + REQUEST_MS));
  for (let k = 0; k < ALERTS; k++) {
    runs.push(await spread(nodes[1 + ((k * 13) % (N - 1))], `${topology} ${k + 1}`));
    progress(`${topology}: alerts`, k + 1, ALERTS);
  }
  end();
  const rss = nodes.map(rssMiB);
  const all = runs.map((r) => r.all);
  console.log(`${topology} (${N} instances, ${edges.length} peerings both ways): to reach all `
    + `median ${(median(all) / 1000).toFixed(2)} s, max ${(Math.max(...all) / 1000).toFixed(2)} s; `
    + `half of the instances within ${(median(runs.map((r) => r.median)) / 1000).toFixed(2)} s (median)`);
  console.log(`  resident memory per instance: median ${median(rss).toFixed(1)} MiB, `
    + `max ${Math.max(...rss).toFixed(1)} MiB (the OSCE node ${rss[0].toFixed(1)} MiB)`);
  done = 0;
  begin(`${topology}: unpeering`, Math.max(PHASE_MS, edges.length * 10000), () => `peer remove ${done + 1} of ${edges.length}`);
  for (const [a, b] of edges) { unpeer(a, b); unpeer(b, a); done++; due(); }
  end();
  return Math.max(...all);
}

let status = 0;
try {
  begin(`seeding ${N} instances`, Math.max(PHASE_MS, N * 10000), () => `the seed of n${nodes.length}`);
  for (let i = 0; i < N; i++) { nodes.push(make(i)); progress('seeding', i + 1, N); due(); }
  end();
  let started = 0;
  begin(`starting ${N} instances`, PHASE_MS, () => `n${started} to listen`);
  for (let i = 0; i < N; i++) { await serve(nodes[i]); started++; progress('starting', i + 1, N); }
  end();
  const star = nodes.slice(1).map((n) => [nodes[0], n]);
  const mesh = [];
  for (let i = 0; i < N; i++) {
    mesh.push([nodes[i], nodes[(i + 1) % N]]);
    if (N > 14) mesh.push([nodes[i], nodes[(i + 7) % N]]);
  }
  const worst = Math.max(await measure('star', star), await measure('partial mesh', mesh));
  console.log(`target: under 10 s to reach all: ${worst < 10000 ? 'met' : 'MISSED'}`);
} catch (e) {
  clearTimeout(phase.timer);
  console.error(`bench/federation/mesh: ${phase.name}: ${e.message}`);
  status = 1;
} finally {
  cleanup();
}
process.exit(status);
