// Anonymous tips: intake with a receipt, follow-up by the sender, routing,
// triage, the encrypted contact, abuse limits, and no trace of the sender.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { startServer, client, cli, cliUser, request, sql, assertProblem, solve } from './lib.mjs';

export const KEY = 'a1'.repeat(32);
const UA = 'TipsProbe/7.3 (unique-agent-7c1f)';
let srv, root, api = {};
const orgs = {};

export async function sendTip(base, body, { pow = true, headers = {} } = {}) {
  const extra = pow ? await solve(base) : {};
  return request(base, 'POST', '/api/v1/public/tips', { body: { ...body, ...extra }, headers });
}

const tip = (over = {}) => ({ category: 'dealing_near_school', description: 'A man sells pills at the school gate after class.', country: 'AT', lat: 48.2082, lon: 16.3738, ...over });
const ua = { 'User-Agent': UA };

before(async () => {
  srv = await startServer({ env: { TRELLIS_SECRET_KEY: KEY, TRELLIS_TIP_POW_BITS: '6', TRELLIS_TIP_RATE: '1000', TRELLIS_TIP_PENDING_MAX: '40' } });
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const mk = async (name, kind, country) => (await root.post('/api/v1/organisations', { body: { name, kind, country } })).body.id;
  orgs.vienna = await mk('Vienna Police', 'police', 'AT');
  orgs.graz = await mk('Graz Police', 'police', 'AT');
  orgs.health = await mk('Austrian Health Service', 'ministry_health', 'AT');
  orgs.berlin = await mk('Berlin Police', 'police', 'DE');
  for (const [k, org, role] of [['vofficer', 'vienna', 'officer'], ['vanalyst', 'vienna', 'analyst'], ['vadmin', 'vienna', 'org_admin'],
    ['gadmin', 'graz', 'org_admin'], ['gofficer', 'graz', 'officer'], ['hanalyst', 'health', 'analyst'], ['banalyst', 'berlin', 'analyst'], ['vpartner', 'vienna', 'partner']]) {
    const r = await root.post('/api/v1/users', { body: { email: `${k}@example.org`, name: k, org_id: orgs[org], role } });
    assert.equal(r.status, 201, r.text);
    const t = cli(['token', 'create', '--email', `${k}@example.org`, '--db', srv.db.url]).stdout.trim();
    api[k] = client(srv.base, { token: t });
  }
  const a = await api.gadmin.post('/api/v1/tips/areas', { body: { lat: 47.0707, lon: 15.4395, radius_m: 20000 } });
  assert.equal(a.status, 201, a.text);
});
after(async () => { await srv?.stop(); });

test('a tip answers a receipt; the sender follows up with it and sees answers, never notes', async () => {
  const r = await sendTip(srv.base, tip({ contact: 'signal: +43 660 000000', language: 'de', observed_at: '2026-01-10T16:00:00Z' }), { headers: ua });
  assert.equal(r.status, 201, r.text);
  assert.match(r.body.code, /^[2-9A-HJKMNP-Z]{10}$/);
  assert.ok(r.body.secret.length >= 26);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  const { code, secret } = r.body;
  const view = await request(srv.base, 'GET', `/api/v1/public/tips/${code}`, { headers: { 'X-Receipt-Secret': secret, ...ua } });
  assert.equal(view.status, 200, view.text);
  assert.equal(view.body.status, 'new');
  assert.deepEqual(view.body.messages, []);
  const more = await request(srv.base, 'POST', `/api/v1/public/tips/${code}/messages`, { body: { body: 'He drives a red car.' }, headers: { 'X-Receipt-Secret': secret, ...ua } });
  assert.equal(more.status, 201, more.text);
  // triage side: the Vienna police sees it, with the sender's message
  const list = await api.vofficer.get('/api/v1/tips?status=new');
  const t = list.body.items.find((x) => x.description.includes('school gate') && x.has_contact);
  assert.ok(t, 'the receiving organisation lists the tip');
  assert.equal(t.org_id, orgs.vienna);
  assert.equal(t.distribution, 'organisation');
  assert.equal((await api.vofficer.post(`/api/v1/tips/${t.id}/notes`, { body: { body: 'INTERNAL: known dealer, check files' } })).status, 201);
  assert.equal((await api.vofficer.post(`/api/v1/tips/${t.id}/messages`, { body: { body: 'Thank you. Which days does this happen?' } })).status, 201);
  const msgs = await api.vofficer.get(`/api/v1/tips/${t.id}/messages`);
  assert.deepEqual(msgs.body.items.map((m) => m.direction), ['from_sender', 'to_sender']);
  const again = await request(srv.base, 'GET', `/api/v1/public/tips/${code}`, { headers: { 'X-Receipt-Secret': secret.toLowerCase() } });
  assert.equal(again.status, 200);
  assert.deepEqual(again.body.messages.map((m) => m.body), ['He drives a red car.', 'Thank you. Which days does this happen?']);
  assert.ok(!again.text.includes('INTERNAL'), 'notes never reach the sender');
  // the contact: only with a justification, audited
  assertProblem(assert, await api.vofficer.get(`/api/v1/tips/${t.id}/contact`), 400, 'justification');
  const c = await api.vofficer.get(`/api/v1/tips/${t.id}/contact?justification=${encodeURIComponent('need to ask about the car')}`);
  assert.equal(c.status, 200, c.text);
  assert.equal(c.body.contact, 'signal: +43 660 000000');
  const audit = await root.get(`/api/v1/audit?resource_id=${t.id}`);
  const read = audit.body.items.find((e) => e.action === 'read_sensitive');
  assert.ok(read, 'contact read audited');
  assert.equal(read.justification, 'need to ask about the car');
  assert.equal((await api.vpartner.get(`/api/v1/tips/${t.id}/contact?justification=curiosity%20only`)).status, 403);
  assert.ok(!sql(srv, `SELECT contact_enc FROM tips WHERE id = '${t.id}'`).includes('660'), 'contact encrypted at rest');
});

test('a wrong secret answers exactly like an unknown code; malformed receipts name the field', async () => {
  const a = await sendTip(srv.base, tip());
  const b = await sendTip(srv.base, tip());
  const wrong = await request(srv.base, 'GET', `/api/v1/public/tips/${a.body.code}`, { headers: { 'X-Receipt-Secret': b.body.secret } });
  const unknown = await request(srv.base, 'GET', '/api/v1/public/tips/2222222222', { headers: { 'X-Receipt-Secret': b.body.secret } });
  assert.equal(wrong.status, 404);
  assert.equal(wrong.text, unknown.text);
  assert.equal(wrong.headers.get('content-type'), unknown.headers.get('content-type'));
  const msg = await request(srv.base, 'POST', `/api/v1/public/tips/${a.body.code}/messages`, { body: { body: 'x' }, headers: { 'X-Receipt-Secret': b.body.secret } });
  assert.equal(msg.status, 404);
  assertProblem(assert, await request(srv.base, 'GET', '/api/v1/public/tips/abc', { headers: { 'X-Receipt-Secret': b.body.secret } }), 400, 'code');
  assertProblem(assert, await request(srv.base, 'GET', '/api/v1/public/tips/IIIIIIIIII', { headers: { 'X-Receipt-Secret': b.body.secret } }), 400, 'code');
  assertProblem(assert, await request(srv.base, 'GET', `/api/v1/public/tips/${a.body.code}`), 400, 'X-Receipt-Secret');
  assertProblem(assert, await request(srv.base, 'GET', `/api/v1/public/tips/${a.body.code}`, { headers: { 'X-Receipt-Secret': 'short' } }), 400, 'X-Receipt-Secret');
});

test('bad input is a 400 naming the field', async () => {
  const cases = [
    [{ description: 'too short' }, 'description'],
    [{ description: 'x'.repeat(5001) }, 'description'],
    [{ lat: 91 }, 'lat'],
    [{ lon: -181 }, 'lon'],
    [{ category: 'gossip' }, 'category'],
    [{ lat: undefined, lon: undefined }, 'lat'],
    [{ lon: undefined }, 'lon'],
    [{ country: 'XX' }, 'country'],
    [{ country: 'austria' }, 'country'],
    [{ observed_at: '2999-01-01T00:00:00Z' }, 'observed_at'],
    [{ observed_at: 'yesterday' }, 'observed_at'],
    [{ contact: 'x'.repeat(501) }, 'contact'],
    [{ ip: '1.2.3.4' }, 'ip'],
  ];
  for (const [over, field] of cases) {
    const body = tip(over);
    for (const k of Object.keys(over)) if (over[k] === undefined) delete body[k];
    assertProblem(assert, await sendTip(srv.base, body), 400, field);
  }
  // a place instead of a point is enough
  assert.equal((await sendTip(srv.base, tip({ lat: undefined, lon: undefined, place: 'Westbahnhof, Vienna' }))).status, 201);
});

test('proof of work is required, must solve the challenge, and is spent once', async () => {
  assertProblem(assert, await sendTip(srv.base, tip(), { pow: false }), 400, 'challenge');
  const c = await request(srv.base, 'GET', '/api/v1/public/tips/challenge');
  assertProblem(assert, await request(srv.base, 'POST', '/api/v1/public/tips', { body: { ...tip(), challenge: c.body.challenge + 'A', nonce: '1' } }), 400, 'challenge');
  // find a nonce that does NOT solve it
  let bad = 0;
  for (;; bad++) {
    const h = createHash('blake2b512').update(c.body.challenge + bad).digest();
    if (h[0] & 0x80) break;
  }
  assertProblem(assert, await request(srv.base, 'POST', '/api/v1/public/tips', { body: { ...tip(), challenge: c.body.challenge, nonce: String(bad) } }), 400, 'nonce');
  const good = await solve(srv.base);
  assert.equal((await request(srv.base, 'POST', '/api/v1/public/tips', { body: { ...tip(), ...good } })).status, 201);
  assertProblem(assert, await request(srv.base, 'POST', '/api/v1/public/tips', { body: { ...tip(), ...good } }), 400, 'challenge');
});

test('routing: the area that holds the point, else the first police of the country', async () => {
  const graz = await sendTip(srv.base, tip({ lat: 47.08, lon: 15.43, description: 'Needles in the park by the river in Graz.' }));
  const linz = await sendTip(srv.base, tip({ lat: 48.30, lon: 14.29, description: 'Needles in the park by the river in Linz.' }));
  assert.equal(graz.status, 201);
  const g = await api.gofficer.get('/api/v1/tips');
  assert.ok(g.body.items.some((t) => t.description.includes('Graz')));
  assert.ok(!g.body.items.some((t) => t.description.includes('Linz')));
  const first = [orgs.vienna, orgs.graz].sort()[0];
  const owner = first === orgs.vienna ? api.vofficer : api.gofficer;
  assert.ok((await owner.get('/api/v1/tips?limit=500')).body.items.some((t) => t.description.includes('Linz')));
  assert.equal(linz.status, 201);
  assertProblem(assert, await sendTip(srv.base, tip({ country: 'FR' })), 400, 'country');
});

test('triage: new -> triaged -> assigned -> actioned -> closed, overdue flagged, shared only explicitly and coarsened', async () => {
  const r = await sendTip(srv.base, tip({ description: 'Stash in the cellar of number 12, Lerchenfelder Strasse.', lat: 48.20345, lon: 16.34567, precision_m: 10 }));
  const id = (await api.vofficer.get('/api/v1/tips?limit=500')).body.items.find((t) => t.description.includes('number 12')).id;
  const patch = async (who, body) => {
    const g = await who.get(`/api/v1/tips/${id}`);
    return who.patch(`/api/v1/tips/${id}`, { body, headers: { 'If-Match': g.headers.get('etag') } });
  };
  sql(srv, `UPDATE tips SET ack_due_at = 1000 WHERE id = '${id}'`);
  let g = await api.vofficer.get(`/api/v1/tips/${id}`);
  assert.equal(g.body.overdue, true);
  assert.ok((await api.vofficer.get('/api/v1/tips?overdue=true')).body.items.some((t) => t.id === id));
  assertProblem(assert, await patch(api.vofficer, { status: 'actioned' }), 409, 'status');
  let p = await patch(api.vofficer, { status: 'triaged' });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.body.overdue, false);
  assert.ok(p.body.acknowledged_at);
  assertProblem(assert, await patch(api.vofficer, { status: 'assigned' }), 400, 'assigned_user_id');
  // a partner organisation must see the tip first: sharing is explicit
  assertProblem(assert, await patch(api.vanalyst, { status: 'assigned', assigned_org_id: orgs.health }), 400, 'assigned_org_id');
  assert.equal((await api.hanalyst.get(`/api/v1/tips/${id}`)).status, 404);
  assertProblem(assert, await patch(api.vofficer, { distribution: 'country' }), 403, 'distribution');
  p = await patch(api.vanalyst, { distribution: 'country', coarsen_m: 1000 });
  assert.equal(p.status, 200, p.text);
  const seen = await api.hanalyst.get(`/api/v1/tips/${id}`);
  assert.equal(seen.status, 200);
  assert.equal(seen.body.location.coarsened, true);
  assert.notEqual(seen.body.location.lat, 48.20345);
  assert.ok(Math.abs(seen.body.location.lat - 48.20345) < 0.01);
  assert.equal(seen.body.location.precision_m, 1000);
  assert.equal(seen.body.has_contact, false);
  assert.equal((await api.hanalyst.get(`/api/v1/tips/${id}/notes`)).status, 403);
  assert.equal((await api.banalyst.get(`/api/v1/tips/${id}`)).status, 404);
  p = await patch(api.vanalyst, { status: 'assigned', assigned_org_id: orgs.health });
  assert.equal(p.status, 200, p.text);
  assert.equal((await patch(api.vofficer, { status: 'actioned' })).status, 200);
  assertProblem(assert, await patch(api.vofficer, { status: 'closed' }), 400, 'outcome');
  p = await patch(api.vofficer, { status: 'closed', outcome: 'resolved' });
  assert.equal(p.status, 200, p.text);
  assertProblem(assert, await patch(api.vofficer, { status: 'triaged' }), 409, 'status');
  const view = await request(srv.base, 'GET', `/api/v1/public/tips/${r.body.code}`, { headers: { 'X-Receipt-Secret': r.body.secret } });
  assert.equal(view.body.status, 'closed');
  assert.equal(view.body.outcome, 'resolved');
  assert.equal((await request(srv.base, 'POST', `/api/v1/public/tips/${r.body.code}/messages`, { body: { body: 'more' }, headers: { 'X-Receipt-Secret': r.body.secret } })).status, 409);
  // a stale ETag
  g = await api.vofficer.get(`/api/v1/tips/${id}`);
  assert.equal((await api.vanalyst.patch(`/api/v1/tips/${id}`, { body: { coarsen_m: 500 }, headers: { 'If-Match': '"1"' } })).status, 412);
});

test('duplicate_of names another visible tip', async () => {
  const ids = [];
  for (const d of ['Dealing at the metro exit, every evening.', 'Dealing at the metro exit, again tonight.']) {
    await sendTip(srv.base, tip({ description: d }));
    ids.push((await api.vofficer.get('/api/v1/tips?limit=500')).body.items.find((t) => t.description === d).id);
  }
  const g = await api.vofficer.get(`/api/v1/tips/${ids[1]}`);
  const p = await api.vofficer.patch(`/api/v1/tips/${ids[1]}`, { body: { duplicate_of: ids[0], status: 'closed', outcome: 'duplicate' }, headers: { 'If-Match': g.headers.get('etag') } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.body.duplicate_of, ids[0]);
  const g2 = await api.vofficer.get(`/api/v1/tips/${ids[0]}`);
  assertProblem(assert, await api.vofficer.patch(`/api/v1/tips/${ids[0]}`, { body: { duplicate_of: ids[0] }, headers: { 'If-Match': g2.headers.get('etag') } }), 400, 'duplicate_of');
});

test('pending tips per area are bounded; other areas keep flowing', async () => {
  // the server allows 40 new tips per country and half-degree cell
  const n = Number(sql(srv, "SELECT COUNT(*) FROM tips WHERE country = 'AT' AND status = 'new' AND cell_x = CAST((16.37 + 180) / 0.5 AS INTEGER) AND cell_y = CAST((48.2 + 90) / 0.5 AS INTEGER)").trim());
  let last;
  for (let i = n; i < 41; i++) last = await sendTip(srv.base, tip({ description: `Flood tip number ${i} at the gate.` }));
  assert.equal(last.status, 429, last.text);
  assert.ok(Number(last.headers.get('retry-after')) > 0);
  assert.equal((await sendTip(srv.base, tip({ lat: 47.07, lon: 15.44, description: 'A real tip from Graz still gets through.' }))).status, 201);
});

test('no address or user agent of a sender is stored or logged', async () => {
  for (let i = 0; i < 3; i++) await sendTip(srv.base, tip({ description: `Agent probe tip ${i}, nothing more.` }), { headers: ua });
  const file = srv.db.url.startsWith('sqlite:') ? srv.db.url.slice(7) : null;
  if (file) {
    sql(srv, 'PRAGMA wal_checkpoint(FULL)');
    for (const f of [file, file + '-wal', file + '-journal']) {
      if (!existsSync(f)) continue;
      const bytes = readFileSync(f);
      assert.equal(bytes.indexOf('127.0.0.1'), -1, `${f} holds the address`);
      assert.equal(bytes.indexOf('unique-agent-7c1f'), -1, `${f} holds the user agent`);
    }
  } else {
    const dump = sql(srv, "SELECT string_agg(t::text, ' ') FROM tips t") + sql(srv, "SELECT string_agg(a::text, ' ') FROM audit_log a") + sql(srv, "SELECT string_agg(m::text, ' ') FROM tip_messages m");
    assert.ok(!dump.includes('127.0.0.1') && !dump.includes('unique-agent-7c1f'));
  }
  const logs = srv.logs.join('\n');
  assert.ok(srv.logs.some((l) => l.includes('"route":"/api/v1/public/tips/{code}"')), 'receipt routes are logged by pattern');
  assert.ok(!logs.includes('127.0.0.1'), 'no address in the logs');
  assert.ok(!logs.includes('unique-agent-7c1f'), 'no user agent in the logs');
  assert.ok(!/\/api\/v1\/public\/tips\/[2-9A-Z]{10}/.test(logs), 'no receipt code in the logs');
});

test('the ids of what a sender writes carry the minute at most, as the rows do', async () => {
  const r = await sendTip(srv.base, tip({ description: 'Minute probe: pills at the tram stop.', country: 'DE', lat: 52.52, lon: 13.405 }));
  assert.equal(r.status, 201, r.text);
  const more = await request(srv.base, 'POST', `/api/v1/public/tips/${r.body.code}/messages`, { body: { body: 'Minute probe follow-up.' }, headers: { 'X-Receipt-Secret': r.body.secret } });
  assert.equal(more.status, 201, more.text);
  const rows = sql(srv, "SELECT t.id || ' ' || t.created_at || ' ' || m.id || ' ' || m.created_at FROM tips t JOIN tip_messages m ON m.tip_id = t.id WHERE t.description LIKE 'Minute probe%'");
  const [tipId, tipAt, msgId, msgAt] = rows.trim().split(/\s+/);
  for (const [id, at] of [[tipId, tipAt], [msgId, msgAt]]) {
    // a UUIDv7 whose 48-bit time is the row's own coarse time: a whole minute
    assert.equal(id[14], '7', id);
    const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    assert.equal(ms, Number(at), id);
    assert.equal(ms % 60000, 0, `${id} carries a time finer than the minute`);
  }
});

test('a flood from one address gets 429 with Retry-After; a contact needs the key', async () => {
  const s2 = await startServer({ env: { TRELLIS_TIP_POW_BITS: '0', TRELLIS_TIP_RATE: '3', TRELLIS_SECRET_KEY: '' } });
  try {
    const r2 = client(s2.base, { token: cliUser(s2, { email: 'root@example.org' }).token });
    await r2.post('/api/v1/organisations', { body: { name: 'Vienna Police', kind: 'police', country: 'AT' } });
    const withContact = await sendTip(s2.base, tip({ contact: 'call me' }), { pow: false });
    assertProblem(assert, withContact, 503, 'contact');
    assert.equal((await sendTip(s2.base, tip(), { pow: false })).status, 201);
    assert.equal((await sendTip(s2.base, tip(), { pow: false })).status, 201);
    const over = await sendTip(s2.base, tip(), { pow: false });
    assertProblem(assert, over, 429);
    const ra = Number(over.headers.get('retry-after'));
    assert.ok(ra > 0 && ra <= 3600, `Retry-After ${ra}`);
  } finally {
    await s2.stop();
  }
});
