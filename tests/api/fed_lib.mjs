// Federation tests: several real Trellis instances on loopback, each with
// its node identity, peered with the CLI as an operator would.
import { randomBytes, generateKeyPairSync, sign } from 'node:crypto';
import { startServer, client, cli, cliUser, freshDb, sql } from './lib.mjs';

export const DATA_KEY = 'ab'.repeat(32);
export const FED_ENV = { TRELLIS_SECRET_KEY: DATA_KEY, TRELLIS_FED_RETRY_MS: '200', TRELLIS_FED_WAIT_S: '5' };

/** A seeded instance with its node identity, served, with an admin. */
export async function node(name, { env = {}, db = freshDb() } = {}) {
  const s = cli(['seed', '--reference', '--db', db.url]);
  if (s.status !== 0) throw new Error(`seed: ${s.stderr}`);
  const k = cli(['node', 'key', '--db', db.url], { env: { ...process.env, TRELLIS_SECRET_KEY: DATA_KEY } });
  if (k.status !== 0) throw new Error(`node key: ${k.stderr}`);
  const [id, pk] = k.stdout.trim().split(' ');
  const n = { name, id, pk, db, env: { ...FED_ENV, ...env } };
  // the seeds above block the event loop: let the other nodes of a
  // Promise.all seed theirs first, so that none blocks while this one's
  // server is waited for (its start timer fired first on a loaded machine)
  await new Promise((r) => setTimeout(r, 0));
  await serve(n);
  n.admin = cliUser(n.srv, { email: `root@${name}.example.org` });
  n.api = client(n.srv.base, { token: n.admin.token });
  n.org = (await n.api.get('/api/v1/me')).body.org_id;
  return n;
}

/** Starts (or starts again, on the same port) the node's server. */
export async function serve(n) {
  const args = ['--threads', '4'];
  if (n.port) args.push('--listen', `127.0.0.1:${n.port}`);
  n.srv = await startServer({ seed: false, db: n.db, env: n.env, args });
  n.port = n.srv.port;
  if (n.admin) n.api = client(n.srv.base, { token: n.admin.token });
}

/** Stops the node's server without removing its database. */
export async function halt(n, signal = 'SIGTERM') {
  n.srv.proc.kill(signal);
  await n.srv.exited;
}

/** a pulls from b (b's URL, id and key on a). */
export function peer(a, b, extra = []) {
  const r = cli(['peer', 'add', '--name', b.name, '--url', b.srv.base, '--node-id', b.id,
    '--public-key', b.pk, '--db', a.db.url, ...extra]);
  if (r.status !== 0) throw new Error(`peer add: ${r.stderr}`);
}

/** Peers a and b both ways. */
export function link(a, b, extra = []) { peer(a, b, extra); peer(b, a, extra); }

/** Waits until fn() is truthy (polled); throws with what on timeout. */
export async function until(fn, what, ms = 20000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The change counter of a node's database (every write of an alert). */
export function head(n) { return Number(sql(n.srv, 'SELECT n FROM alert_seq WHERE id = 1').trim()); }

/** A UUIDv7 for ids the test makes. */
export function uuid7() {
  const t = Date.now().toString(16).padStart(12, '0');
  const r = randomBytes(10).toString('hex');
  const v = (8 | (parseInt(r[3], 16) & 3)).toString(16);
  return `${t.slice(0, 8)}-${t.slice(8)}-7${r.slice(0, 3)}-${v}${r.slice(4, 7)}-${r.slice(7, 19)}`;
}

/** An Ed25519 key pair with the public key in hex, as trellis prints it. */
export function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pk = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url').toString('hex');
  return { pk, sign: (text) => sign(null, Buffer.from(text), privateKey).toString('hex') };
}

/** The text a pull signs (fed_request_text). */
export function requestText(after, wait, time, from, audience) {
  return `trellis-fed-v1\nGET\n/fed/v1/changes\nafter=${after}&wait=${wait}\n${time}\n${from}\n${audience}`;
}

export const alertBody = (over = {}) => ({
  title: 'Nitazene tablets sold as oxycodone', category: 'new_substance', distribution: 'federation',
  tlp: 'amber', summary: 'Counterfeit tablets containing isotonitazene.', status: 'published', ...over,
});
