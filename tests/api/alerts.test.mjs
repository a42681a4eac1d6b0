// Alerts: create, read, update with ETags, workflow, filters, sightings,
// comments, related, search, export and import, bad input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, assertProblem, cliUser, sql, ENGINE } from './lib.mjs';

let root, srv, api, other, subs, tokens;
before(async () => {
  srv = await startServer();
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const org = (await root.post('/api/v1/organisations', { body: { name: 'Lyon Police', kind: 'police', country: 'FR' } })).body;
  const org2 = (await root.post('/api/v1/organisations', { body: { name: 'Almaty Police', kind: 'police', country: 'KZ' } })).body;
  const u = cliUser(srv, { email: 'analyst@example.org', role: 'analyst', org: org.id });
  const u2 = cliUser(srv, { email: 'analyst2@example.org', role: 'analyst', org: org2.id });
  tokens = { api: u.token, other: u2.token };
  api = client(srv.base, { token: u.token });
  other = client(srv.base, { token: u2.token });
  subs = Object.fromEntries((await api.get('/api/v1/substances?limit=500')).body.items.map((s) => [s.name, s]));
});
after(async () => { await srv?.stop(); });

const base = (over = {}) => ({
  title: 'Nitazene tablets sold as oxycodone', category: 'new_substance', distribution: 'network', tlp: 'amber',
  summary: 'Counterfeit tablets containing isotonitazene.', status: 'published', ...over,
});

test('substances are seeded with English and French names and classes', async () => {
  const all = await api.get('/api/v1/substances?limit=500');
  assert.ok(all.body.items.length >= 30 && all.body.items.length <= 60);
  const her = subs.Heroin;
  assert.equal(her.class, 'heroin');
  assert.ok(her.synonyms.some((s) => s.lang === 'fr' && s.name === 'Héroïne'));
  const pre = await api.get('/api/v1/substances?class=precursor&limit=500');
  assert.ok(pre.body.items.length >= 5 && pre.body.items.every((s) => s.class === 'precursor'));
});

test('substances have their Russian names, and a second seed brings new names to unedited rows', async () => {
  assert.ok(subs.Heroin.synonyms.some((s) => s.lang === 'ru' && s.name === 'Героин'));
  assert.ok(subs.Ketamine.synonyms.some((s) => s.lang === 'ru' && s.name === 'Кетамин'));
  const found = await api.get(`/api/v1/substances?q=${encodeURIComponent('героин')}`);
  assert.equal(found.status, 200, found.text);
  assert.ok(found.body.items.some((s) => s.name === 'Heroin'), JSON.stringify(found.body.items.map((s) => s.name)));
});

test('an alert carries the early-warning fields and round-trips', async () => {
  const body = base({
    substances: [subs.Isotonitazene.id], countries: ['FR', 'BE'], tags: ['tablets', 'youth'],
    location: { lat: 45.76, lon: 4.84, place_name: 'Lyon', precision_m: 500 },
    observed_from: '2026-10-01T00:00:00Z', observed_to: '2026-10-05T00:00:00Z', reliability: 'B', credibility: 2,
    ews: { risk_type: 'new psychoactive substance', exposure_means: 'oral', analytical_findings: 'LC-MS',
      health_risks: 'respiratory depression', measures: 'warning to schools' },
  });
  const r = await api.post('/api/v1/alerts', { body });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.headers.get('etag'), '"1"');
  const g = await api.get(`/api/v1/alerts/${r.body.id}`);
  for (const k of ['title', 'category', 'distribution', 'tlp', 'reliability', 'credibility', 'status'])
    assert.deepEqual(g.body[k], body[k], k);
  assert.deepEqual(g.body.location, body.location);
  assert.deepEqual(g.body.ews, body.ews);
  assert.deepEqual(g.body.countries, ['FR', 'BE']);
  assert.ok(g.body.published_at);
});

test('bad input names the field', async () => {
  const cases = [
    [{ category: 'rumour' }, 'category'],
    [{ reliability: 'G' }, 'reliability'],
    [{ credibility: 7 }, 'credibility'],
    [{ location: { lat: 91, lon: 0 } }, 'location.lat'],
    [{ location: { lat: 10, lon: 181 } }, 'location.lon'],
    [{ observed_from: '2026-10-05T00:00:00Z', observed_to: '2026-10-01T00:00:00Z' }, 'observed_to'],
    [{ substances: ['01900000-0000-7000-8000-000000000000'] }, 'substances'],
    [{ substances: ['nope'] }, 'substances[0]'],
    [{ countries: ['XX'] }, 'countries'],
    [{ tlp: 'red', distribution: 'federation' }, 'tlp'],
    [{ distribution: 'sharing_group' }, 'sharing_group_id'],
    [{ title: 'x' }, 'title'],
    [{ secret_field: 1 }, 'secret_field'],
    [{ ews: { horoscope: 'x' } }, 'ews.horoscope'],
    [{ status: 'retracted' }, 'status'],
  ];
  for (const [over, field] of cases) {
    const r = await api.post('/api/v1/alerts', { body: base(over) });
    assertProblem(assert, r, 400, field);
  }
  const big = await api.post('/api/v1/alerts', { body: base({ body: 'x'.repeat(1100000) }) });
  assertProblem(assert, big, 413);
});

test('a stale ETag is refused; draft -> published -> retracted with a reason', async () => {
  const r = await api.post('/api/v1/alerts', { body: base({ status: 'draft' }) });
  const etag = r.headers.get('etag');
  assertProblem(assert, await other.get(`/api/v1/alerts/${r.body.id}`), 404);
  const p1 = await api.patch(`/api/v1/alerts/${r.body.id}`, { body: { status: 'published' }, headers: { 'If-Match': etag } });
  assert.equal(p1.status, 200);
  assertProblem(assert, await api.patch(`/api/v1/alerts/${r.body.id}`, { body: { summary: 'x' }, headers: { 'If-Match': etag } }), 412);
  assert.equal((await other.get(`/api/v1/alerts/${r.body.id}`)).status, 200);
  const e2 = p1.headers.get('etag');
  assertProblem(assert, await api.patch(`/api/v1/alerts/${r.body.id}`, { body: { status: 'retracted' }, headers: { 'If-Match': e2 } }), 400, 'retraction_reason');
  const p2 = await api.patch(`/api/v1/alerts/${r.body.id}`, { body: { status: 'retracted', retraction_reason: 'lab result negative' }, headers: { 'If-Match': e2 } });
  assert.equal(p2.status, 200);
  assert.equal(p2.body.retraction_reason, 'lab result negative');
  assertProblem(assert, await api.patch(`/api/v1/alerts/${r.body.id}`, { body: { status: 'published' }, headers: { 'If-Match': p2.headers.get('etag') } }), 409, 'status');
});

test('Idempotency-Key: a retried create makes one alert', async () => {
  const key = `alert-${Date.now()}`;
  const a = await api.post('/api/v1/alerts', { body: base({ title: 'Idempotent alert' }), headers: { 'Idempotency-Key': key } });
  const b = await api.post('/api/v1/alerts', { body: base({ title: 'Idempotent alert' }), headers: { 'Idempotency-Key': key } });
  assert.equal(a.body.id, b.body.id);
  const l = await api.get('/api/v1/alerts?limit=500');
  assert.equal(l.body.items.filter((x) => x.title === 'Idempotent alert').length, 1);
});

test('list filters and cursors', async () => {
  const ids = [];
  for (let i = 0; i < 7; i++) {
    const r = await api.post('/api/v1/alerts', { body: base({ title: `Filter test ${i}`, category: i % 2 ? 'online_sales' : 'street_distribution',
      tags: [`t${i % 3}`], countries: ['DE'], substances: [i % 2 ? subs.Cocaine.id : subs.MDMA.id],
      location: { lat: 50 + i, lon: 10 }, observed_from: `2026-0${i + 1}-01T00:00:00Z`, observed_to: `2026-0${i + 1}-02T00:00:00Z` }) });
    ids.push(r.body.id);
  }
  const q = async (s) => (await api.get(`/api/v1/alerts?limit=500&${s}`)).body.items.filter((a) => a.title.startsWith('Filter test'));
  assert.equal((await q('category=online_sales')).length, 3);
  assert.equal((await q('tag=t0')).length, 3);
  assert.equal((await q('country=DE')).length, 7);
  assert.equal((await q(`substance=${subs.Cocaine.id}`)).length, 3);
  assert.equal((await q('bbox=9,52.5,11,55.5')).length, 3);
  assert.equal((await q('observed_from=2026-03-01T00:00:00Z&observed_to=2026-05-01T12:00:00Z')).length, 3);
  // seen once: no observed_to, so it ends when it starts
  const once = await api.post('/api/v1/alerts', { body: base({ title: 'Filter test once', observed_from: '2026-04-10T00:00:00Z' }) });
  assert.equal(once.status, 201);
  assert.equal((await q('observed_from=2026-03-01T00:00:00Z&observed_to=2026-05-01T12:00:00Z')).length, 4);
  assert.equal((await q('observed_from=2026-04-11T00:00:00Z&observed_to=2026-04-20T00:00:00Z')).length, 0);
  const obs = await q('sort=observed');
  assert.equal(obs[0].title, 'Filter test 6');
  const seen = new Set();
  let cursor = null;
  do {
    const r = await api.get('/api/v1/alerts?limit=3' + (cursor ? `&cursor=${cursor}` : ''));
    r.body.items.forEach((a) => { assert.ok(!seen.has(a.id)); seen.add(a.id); });
    cursor = r.body.next_cursor;
  } while (cursor);
  assert.equal(seen.size, (await api.get('/api/v1/alerts?limit=500')).body.items.length);
  for (const bad of ['category=rumour', 'bbox=1,2,3', 'observed_from=soon', 'substance=x', 'sort=random', 'colour=red'])
    assertProblem(assert, await api.get(`/api/v1/alerts?${bad}`), 400, bad.split('=')[0]);
});

test('sightings with counts per country, and false-positive reports', async () => {
  const a = (await api.post('/api/v1/alerts', { body: base() })).body;
  assert.equal((await api.post(`/api/v1/alerts/${a.id}/sightings`, { body: { type: 'seen', count: 3, place_name: 'Lyon' } })).status, 201);
  assert.equal((await other.post(`/api/v1/alerts/${a.id}/sightings`, { body: { type: 'seen' } })).status, 201);
  assert.equal((await other.post(`/api/v1/alerts/${a.id}/sightings`, { body: { type: 'false_positive' } })).status, 201);
  const s = await api.get(`/api/v1/alerts/${a.id}/sightings`);
  assert.equal(s.body.items.length, 3);
  assert.deepEqual(s.body.by_country.FR, { seen: 3, false_positive: 0 });
  assert.deepEqual(s.body.by_country.KZ, { seen: 1, false_positive: 1 });
  assertProblem(assert, await api.post(`/api/v1/alerts/${a.id}/sightings`, { body: { type: 'maybe' } }), 400, 'type');
  assertProblem(assert, await api.post(`/api/v1/alerts/${a.id}/sightings`, { body: { type: 'seen', lat: 91 } }), 400, 'lat');
});

test('comments: distribution no wider than the alert, invisible ones hidden', async () => {
  const a = (await api.post('/api/v1/alerts', { body: base({ distribution: 'country' }) })).body;
  assertProblem(assert, await api.post(`/api/v1/alerts/${a.id}/comments`, { body: { body: 'wide', distribution: 'network' } }), 400, 'distribution');
  assert.equal((await api.post(`/api/v1/alerts/${a.id}/comments`, { body: { body: 'ours only', distribution: 'organisation' } })).status, 201);
  const n = (await api.post('/api/v1/alerts', { body: base() })).body;
  assert.equal((await api.post(`/api/v1/alerts/${n.id}/comments`, { body: { body: 'for us', distribution: 'organisation' } })).status, 201);
  assert.equal((await api.post(`/api/v1/alerts/${n.id}/comments`, { body: { body: 'for all' } })).status, 201);
  const seen = await other.get(`/api/v1/alerts/${n.id}/comments`);
  assert.deepEqual(seen.body.items.map((c) => c.body), ['for all']);
  assert.equal((await api.get(`/api/v1/alerts/${n.id}/comments`)).body.items.length, 2);
});

test('related: shared substances and the same category nearby in time, ranked with reasons', async () => {
  const mk = async (over) => (await api.post('/api/v1/alerts', { body: base(over) })).body;
  const anchor = await mk({ title: 'Anchor', category: 'overdose_cluster', substances: [subs.Carfentanil.id], location: { lat: 48.85, lon: 2.35 }, observed_from: '2026-09-10T00:00:00Z' });
  const both = await mk({ title: 'Both', category: 'overdose_cluster', substances: [subs.Carfentanil.id], location: { lat: 48.86, lon: 2.36 }, observed_from: '2026-09-12T00:00:00Z' });
  const sub = await mk({ title: 'Substance only', category: 'online_sales', substances: [subs.Carfentanil.id], location: { lat: 40, lon: 20 } });
  const near = await mk({ title: 'Near only', category: 'overdose_cluster', location: { lat: 48.9, lon: 2.4 }, observed_from: '2026-09-15T00:00:00Z' });
  const far = await mk({ title: 'Far away', category: 'overdose_cluster', location: { lat: 43.3, lon: 5.4 }, observed_from: '2026-09-15T00:00:00Z' });
  const late = await mk({ title: 'Too late', category: 'overdose_cluster', location: { lat: 48.85, lon: 2.35 }, observed_from: '2027-03-15T00:00:00Z' });
  const r = await api.get(`/api/v1/alerts/${anchor.id}/related?distance_km=50&days=30`);
  assert.equal(r.status, 200);
  const ids = r.body.items.map((x) => x.alert.id);
  assert.equal(ids[0], both.id);
  assert.ok(ids.includes(sub.id) && ids.includes(near.id));
  assert.ok(!ids.includes(far.id) && !ids.includes(late.id) && !ids.includes(anchor.id));
  const bothItem = r.body.items[0];
  assert.deepEqual(bothItem.reasons.map((x) => x.kind).sort(), ['near', 'substance']);
  assertProblem(assert, await api.get(`/api/v1/alerts/${anchor.id}/related?distance_km=0`), 400, 'distance_km');
});

test('related: equal scores go newest first, and a smaller limit answers the start of the same order', async () => {
  const mk = async (title) => (await api.post('/api/v1/alerts', { body: base({ title, category: 'online_sales', substances: [subs.Carfentanil.id, subs.Heroin.id] }) })).body;
  const anchor = await mk('Tie anchor');
  const made = [];
  for (let i = 0; i < 7; i++) made.push((await mk(`Tie ${i}`)).id); // made in this order: ids grow
  const all = (await api.get(`/api/v1/alerts/${anchor.id}/related?limit=100`)).body.items;
  const ties = all.filter((x) => made.includes(x.alert.id));
  assert.deepEqual(ties.map((x) => x.alert.id), [...made].reverse(), 'equal scores: newest first');
  assert.ok(ties.every((x) => x.score === ties[0].score));
  for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].score >= all[i].score, 'best first');
  for (const limit of [1, 3, 5]) {
    const some = (await api.get(`/api/v1/alerts/${anchor.id}/related?limit=${limit}`)).body.items;
    assert.deepEqual(some.map((x) => x.alert.id), all.slice(0, limit).map((x) => x.alert.id), `limit ${limit}`);
  }
});

test('related: a reason names its substance as it is now, renamed here a moment ago or (SQLite) by another program a second ago', async () => {
  const made = await root.post('/api/v1/substances', { body: { name: 'Quux-7', class: 'other' } });
  assert.equal(made.status, 201, made.text);
  // drafts: the export and import test below takes the published ones to a server without this substance
  const mk = async (title) => (await api.post('/api/v1/alerts', { body: base({ title, status: 'draft', category: 'online_sales', substances: [made.body.id] }) })).body;
  const a = await mk('Quux first');
  await mk('Quux second');
  const detail = async () => (await api.get(`/api/v1/alerts/${a.id}/related`)).body.items[0].reasons.find((r) => r.substance_id === made.body.id).detail;
  assert.equal(await detail(), 'Quux-7');
  const cur = await root.get(`/api/v1/substances/${made.body.id}`);
  const renamed = await root.patch(`/api/v1/substances/${made.body.id}`, { body: { name: 'Quux-8' }, headers: { 'If-Match': cur.headers.get('etag') } });
  assert.equal(renamed.status, 200, renamed.text);
  assert.equal(await detail(), 'Quux-8');
  if (ENGINE !== 'sqlite') return;
  sql(srv, `UPDATE substances SET name = 'Quux-9', version = version + 1 WHERE id = '${made.body.id}'`);
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal(await detail(), 'Quux-9');
});

test('search folds accents, stems English, French and Russian, and ranks with snippets', async () => {
  await api.post('/api/v1/alerts', { body: base({ title: 'Héroïne coupée au fentanyl à Marseille', summary: "Saisies d'héroïne près des écoles." }) });
  await api.post('/api/v1/alerts', { body: base({ title: 'Героин с примесью фентанила', summary: 'Изъяты образцы героина' }) });
  await api.post('/api/v1/alerts', { body: base({ title: 'Cocaine shipments', summary: 'Shipping containers searched in the port', distribution: 'organisation' }) });
  const s = async (q, type) => (await api.get(`/api/v1/search?q=${encodeURIComponent(q)}${type ? `&type=${type}` : ''}`)).body.items;
  for (const q of ['heroine', 'héroïne', 'HEROINE']) {
    const hits = await s(q, 'alert');
    assert.ok(hits.some((h) => h.title.startsWith('Héroïne coupée')), q);
  }
  assert.ok((await s('героин', 'alert')).some((h) => h.title.startsWith('Героин')));
  assert.ok((await s('героина', 'alert')).some((h) => h.title.startsWith('Героин')));
  assert.ok((await s('shipment', 'alert')).some((h) => h.title === 'Cocaine shipments'));
  const sub = await s('héroïne', 'substance');
  assert.equal(sub[0].title, 'Heroin');
  const mixed = await s('fentanyl');
  assert.ok(mixed.some((h) => h.type === 'substance') && mixed.some((h) => h.type === 'alert'));
  const hit = (await s('marseille', 'alert'))[0];
  assert.match(hit.snippet, /<mark>Marseille<\/mark>/);
  // distribution applies to search too
  assert.ok(!(await (async () => (await other.get('/api/v1/search?q=shipment&type=alert')).body.items)()).some((h) => h.title === 'Cocaine shipments'));
  assertProblem(assert, await api.get('/api/v1/search'), 400, 'q');
  assertProblem(assert, await api.get('/api/v1/search?q=%20%21'), 400, 'q');
  assertProblem(assert, await api.get('/api/v1/search?q=x&type=tip'), 400, 'type');
});

test('a snippet is the thirty words around the first match, with ellipses where the text goes on', async () => {
  const words = Array.from({ length: 70 }, (_, i) => `w${i}`);
  words[40] = 'quizzicalwort';
  const r = await api.post('/api/v1/alerts', { body: base({ title: 'Window probe', summary: words.join(' ') }) });
  assert.equal(r.status, 201, r.text);
  const hit = (await api.get('/api/v1/search?q=quizzicalwort&type=alert')).body.items[0];
  // title (2 words) then the summary: the match is word 42 of the text; the
  // window starts 8 words before it and holds 30
  const shown = hit.snippet.replace(/^… /, '').replace(/ …$/, '').split(' ');
  assert.ok(hit.snippet.startsWith('… '), hit.snippet);
  assert.ok(hit.snippet.endsWith(' …'), hit.snippet);
  assert.equal(shown.length, 30, hit.snippet);
  assert.equal(shown[0], 'w32');
  assert.equal(shown[8], '<mark>quizzicalwort</mark>');
  assert.equal(shown[29], 'w61');
  // a match near the end: no closing ellipsis
  const tail = [...words.slice(0, 60), 'quizzicaltail', 'w61', 'w62'];
  await api.post('/api/v1/alerts', { body: base({ title: 'Tail probe', summary: tail.join(' ') }) });
  const t = (await api.get('/api/v1/search?q=quizzicaltail&type=alert')).body.items[0];
  assert.ok(t.snippet.startsWith('… ') && !t.snippet.endsWith(' …'), t.snippet);
  assert.ok(t.snippet.endsWith('w62'), t.snippet);
});

test('export streams JSON, CSV and GeoJSON with distribution applied', async () => {
  const j = await api.get('/api/v1/alerts/export?format=json');
  assert.equal(j.status, 200);
  const mine = (await api.get('/api/v1/alerts?limit=500')).body.items;
  assert.equal(j.body.items.length, mine.length);
  const theirs = await other.get('/api/v1/alerts/export?format=json');
  assert.ok(theirs.body.items.length < mine.length);
  assert.ok(theirs.body.items.every((a) => a.distribution !== 'organisation' || a.org_id !== mine[0].org_id));
  const c = await api.get('/api/v1/alerts/export?format=csv&category=online_sales');
  assert.match(c.headers.get('content-type'), /text\/csv/);
  const lines = c.text.trim().split('\r\n');
  assert.match(lines[0], /^id,org_id,country,title/);
  assert.equal(lines.length - 1, mine.filter((a) => a.category === 'online_sales').length);
  const g = await api.get('/api/v1/alerts/export?format=geojson');
  assert.equal(g.body.type, 'FeatureCollection');
  assert.ok(g.body.features.some((f) => f.geometry && f.geometry.type === 'Point'));
  assertProblem(assert, await api.get('/api/v1/alerts/export?format=xml'), 400, 'format');
});

test('import keeps ids and organisations and refuses to widen distribution', async () => {
  const exp = (await api.get('/api/v1/alerts/export?format=json')).body.items.filter((a) => a.status !== 'draft');
  const s2 = await startServer();
  try {
    const root = client(s2.base, { token: cliUser(s2, { email: 'root@example.org' }).token });
    // the same organisation exists on the peer under the same id? no: create the owning org there
    const orgId = exp[0].org_id;
    const theirOrg = (await root.post('/api/v1/organisations', { body: { name: 'Peer police', kind: 'police', country: 'FR' } })).body;
    const peer = client(s2.base, { token: cliUser(s2, { email: 'peer@example.org', role: 'analyst', org: theirOrg.id }).token });
    const fed = exp.filter((a) => a.distribution === 'network').map((a) => ({ ...a, distribution: 'network' }));
    // records of another organisation not shared as federation would be widened: all refused
    const refused = await peer.post('/api/v1/alerts/import', { body: { items: fed } });
    assertProblem(assert, refused, 400);
    assert.match(refused.body.errors[0].field, /^items\[0\]\./);
    assert.equal((await peer.get('/api/v1/alerts')).body.items.length, 0);
    // their own records come home with ids kept
    const own = exp.map((a) => ({ ...a, org_id: theirOrg.id })).filter((a) => a.status === 'published');
    const ok = await peer.post('/api/v1/alerts/import', { body: { items: own } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.imported, own.length);
    const got = await peer.get(`/api/v1/alerts/${own[0].id}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.title, own[0].title);
    // widening an existing record is refused
    const wider = { ...own.find((a) => a.distribution === 'country'), distribution: 'network' };
    if (wider.id) assertProblem(assert, await peer.post('/api/v1/alerts/import', { body: { items: [wider] } }), 400, 'items[0].distribution');
    assert.ok(orgId);
  } finally {
    await s2.stop();
  }
});

test('a second server process on the same database sees every write at once', async () => {
  // several `trellis serve` share one database; each keeps a read model of
  // the alerts and must never answer from a stale one
  const peer = await startServer({ seed: false, db: { ...srv.db, cleanup() {} }, env: { TRELLIS_METRICS_TOKEN: 'alerts-metrics-token' } });
  try {
    const papi = client(peer.base, { token: tokens.api });
    const pother = client(peer.base, { token: tokens.other });
    // warm the peer's model
    assert.equal((await pother.get('/api/v1/alerts?limit=1')).status, 200);
    for (let i = 0; i < 5; i++) {
      const r = await api.post('/api/v1/alerts', { body: base({ title: `Shared across processes ${i}` }) });
      assert.equal(r.status, 201, r.text);
      const seen = await pother.get('/api/v1/alerts?limit=5');
      assert.equal(seen.body.items[0].id, r.body.id, 'the peer lists the new alert at once');
      // narrow it on the first server: the peer must hide it from the other organisation
      const n = await api.patch(`/api/v1/alerts/${r.body.id}`, { body: { distribution: 'organisation' }, headers: { 'If-Match': '"1"' } });
      assert.equal(n.status, 200, n.text);
      const gone = await pother.get('/api/v1/alerts?limit=50');
      assert.ok(!gone.body.items.some((a) => a.id === r.body.id), 'narrowed on one server, hidden on the other');
      assert.equal((await pother.get(`/api/v1/alerts/${r.body.id}/related`)).status, 404);
      const mine = await papi.get('/api/v1/alerts?limit=5');
      assert.equal(mine.body.items[0].id, r.body.id);
      assert.equal(mine.body.items[0].distribution, 'organisation');
      assert.equal(mine.body.items[0].version, 2);
    }
    const m = await fetch(`${peer.base}/metrics`, { headers: { Authorization: 'Bearer alerts-metrics-token' } }).then((r) => r.text());
    assert.match(m, /^trellis_alert_model_text_budget_bytes 67108864$/m);
  } finally {
    peer.proc.kill('SIGTERM');
    await peer.exited;
  }
});

test('drug_form: one form of the MISP taxonomy or null, set, changed, cleared and filtered', async () => {
  const bad = await api.post('/api/v1/alerts', { body: base({ drug_form: 'tablet' }), headers: { 'Accept-Language': 'fr' } });
  assertProblem(assert, bad, 400, 'drug_form');
  assert.match(bad.body.errors.find((e) => e.field === 'drug_form').message, /pill-tablet/);
  assertProblem(assert, await api.post('/api/v1/alerts', { body: base({ drug_form: ['powder'] }) }), 400, 'drug_form');
  const r = await api.post('/api/v1/alerts', { body: base({ title: 'Blotters of 25I-NBOMe', drug_form: 'blotter' }) });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.drug_form, 'blotter');
  const none = await api.post('/api/v1/alerts', { body: base({ title: 'No form known' }) });
  assert.equal(none.body.drug_form, null);
  const list = await api.get('/api/v1/alerts?drug_form=blotter&limit=500');
  assert.deepEqual(list.body.items.map((a) => a.id), [r.body.id]);
  assert.equal(list.body.items[0].drug_form, 'blotter');
  assertProblem(assert, await api.get('/api/v1/alerts?drug_form=resin'), 400, 'drug_form');
  const p = await api.patch(`/api/v1/alerts/${r.body.id}`, { body: { drug_form: 'liquid' }, headers: { 'If-Match': r.headers.get('etag') } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.body.drug_form, 'liquid');
  assert.equal((await api.get('/api/v1/alerts?drug_form=blotter')).body.items.length, 0);
  assert.equal((await api.get('/api/v1/alerts?drug_form=liquid')).body.items[0].id, r.body.id);
  const q = await api.patch(`/api/v1/alerts/${r.body.id}`, { body: { drug_form: null }, headers: { 'If-Match': p.headers.get('etag') } });
  assert.equal(q.body.drug_form, null);
  assert.equal((await api.get(`/api/v1/alerts/${r.body.id}`)).body.drug_form, null);
  const csv = await api.get('/api/v1/alerts/export?format=csv&drug_form=powder');
  assert.equal(csv.status, 200);
  assert.match(csv.text.split('\r\n')[0], /,drug_form$/);
  assertProblem(assert, await api.get('/api/v1/alerts/export?drug_form=resin'), 400, 'drug_form');
});
