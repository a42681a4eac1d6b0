// Triage at scale: references an officer can say on the phone, search,
// sort and filters of the tip list, assignment straight from "new", bulk
// assign and close with a result per tip, and links between tips, alerts,
// activities and problems made and removed from either side.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cli, cliUser, request, sql, assertProblem } from './lib.mjs';

let srv, root;
const api = {}, orgs = {}, users = {};
const year = new Date().getUTCFullYear();
const sendTip = (body) => request(srv.base, 'POST', '/api/v1/public/tips', { body });
const tip = (over = {}) => ({ category: 'dealing_near_school', description: 'A man sells pills at the school gate after class.', country: 'AT', lat: 48.2082, lon: 16.3738, ...over });

before(async () => {
  srv = await startServer({ env: { TRELLIS_SECRET_KEY: 'a1'.repeat(32), TRELLIS_TIP_POW_BITS: '0', TRELLIS_TIP_RATE: '0', TRELLIS_TIP_PENDING_MAX: '0' } });
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const mk = async (name, kind, country) => (await root.post('/api/v1/organisations', { body: { name, kind, country } })).body.id;
  orgs.vienna = await mk('Vienna Police', 'police', 'AT');
  orgs.berlin = await mk('Berlin Police', 'police', 'DE');
  orgs.ngo = await mk('Vienna Youth Club', 'youth_organisation', 'AT');
  for (const [k, org, role] of [['officer', 'vienna', 'officer'], ['officer2', 'vienna', 'officer'], ['analyst', 'vienna', 'analyst'],
    ['viewer', 'vienna', 'viewer'], ['berlin', 'berlin', 'analyst'], ['partner', 'ngo', 'partner']]) {
    const r = await root.post('/api/v1/users', { body: { email: `${k}@example.org`, name: `User ${k}`, org_id: orgs[org], role } });
    assert.equal(r.status, 201, r.text);
    users[k] = r.body.id;
    api[k] = client(srv.base, { token: cli(['token', 'create', '--email', `${k}@example.org`, '--db', srv.db.url]).stdout.trim() });
  }
});
after(async () => { await srv?.stop(); });

const find = async (who, text) => (await who.get('/api/v1/tips?limit=500')).body.items.find((t) => t.description.includes(text));

test('every tip gets a reference per country and year at intake, shown and searchable', async () => {
  const before = (await api.officer.get('/api/v1/tips?limit=500')).body.items.length;
  for (const n of [1, 2, 3]) assert.equal((await sendTip(tip({ description: `Reference probe number ${n}, near the Prater.` }))).status, 201);
  assert.equal((await sendTip(tip({ country: 'DE', lat: 52.52, lon: 13.405, description: 'A Berlin tip about a stash near the station.' }))).status, 201);
  const t3 = await find(api.officer, 'probe number 3');
  assert.match(t3.reference, new RegExp(`^AT-${year}-\\d{6}$`));
  assert.equal(t3.reference, `AT-${year}-${String(before + 3).padStart(6, '0')}`);
  const de = await find(api.berlin, 'Berlin tip');
  assert.equal(de.reference, `DE-${year}-000001`, 'a sequence of its own per country');
  const one = await api.officer.get(`/api/v1/tips/${t3.id}`);
  assert.equal(one.body.reference, t3.reference);
  // said on the phone, typed in lower case
  const q = await api.officer.get(`/api/v1/tips?q=${t3.reference.toLowerCase()}`);
  assert.equal(q.status, 200, q.text);
  assert.deepEqual(q.body.items.map((t) => t.id), [t3.id]);
  // another organisation's reference finds nothing it may not see
  assert.deepEqual((await api.berlin.get(`/api/v1/tips?q=${t3.reference}`)).body.items, []);
  // words of the text, any case; LIKE wildcards are plain characters
  assert.deepEqual((await api.officer.get('/api/v1/tips?q=PRATER')).body.items.length, 3);
  assert.deepEqual((await api.officer.get('/api/v1/tips?q=%25')).body.items, []);
  const refs = new Set((await api.officer.get('/api/v1/tips?q=probe&limit=500')).body.items.map((t) => t.reference));
  assert.equal(refs.size, 3, 'references are unique');
  assertProblem(assert, await api.officer.get(`/api/v1/tips?q=${'x'.repeat(201)}`), 400, 'q');
});

test('sort, mine, overdue, category and area filters; cursors follow the sort', async () => {
  for (const [n, lat, cat] of [[1, 48.30, 'public_drug_use'], [2, 48.10, 'discarded_needles'], [3, 47.07, 'public_drug_use']]) {
    assert.equal((await sendTip(tip({ description: `Sort probe ${n}, with details.`, lat, lon: 16.37, category: cat }))).status, 201);
  }
  const ids = [];
  for (const n of [1, 2, 3]) ids.push((await find(api.officer, `Sort probe ${n}`)).id);
  // different receipt times and due dates, set straight in the database
  ids.forEach((id, i) => sql(srv, `UPDATE tips SET created_at = ${1000000 + i * 1000}, ack_due_at = ${9000000 - i * 1000} WHERE id = '${id}'`));
  const oldest = (await api.officer.get('/api/v1/tips?q=sort%20probe&sort=oldest')).body.items.map((t) => t.id);
  assert.deepEqual(oldest, ids);
  const newest = (await api.officer.get('/api/v1/tips?q=sort%20probe')).body.items.map((t) => t.id);
  assert.deepEqual(newest, [...ids].reverse());
  const due = (await api.officer.get('/api/v1/tips?q=sort%20probe&sort=due')).body.items.map((t) => t.id);
  assert.deepEqual(due, [...ids].reverse());
  // pages of one follow the chosen order
  const seen = [];
  let cursor = '';
  for (;;) {
    const p = await api.officer.get(`/api/v1/tips?q=sort%20probe&sort=oldest&limit=1${cursor}`);
    assert.equal(p.status, 200, p.text);
    seen.push(...p.body.items.map((t) => t.id));
    if (!p.body.next_cursor) break;
    cursor = `&cursor=${encodeURIComponent(p.body.next_cursor)}`;
  }
  assert.deepEqual(seen, ids);
  assertProblem(assert, await api.officer.get('/api/v1/tips?sort=loudest'), 400, 'sort');
  // overdue: all three are long past their due time and still new
  assert.equal((await api.officer.get('/api/v1/tips?q=sort%20probe&overdue=true')).body.items.length, 3);
  assert.equal((await api.officer.get('/api/v1/tips?q=sort%20probe&category=public_drug_use')).body.items.length, 2);
  // area: a box around Vienna holds the first two, not Graz
  const box = (await api.officer.get('/api/v1/tips?q=sort%20probe&bbox=16.0,48.0,16.8,48.4')).body.items.map((t) => t.id);
  assert.deepEqual(box.sort(), ids.slice(0, 2).sort());
  assertProblem(assert, await api.officer.get('/api/v1/tips?bbox=1,2,3'), 400, 'bbox');
  // mine: assigned to me
  const g = await api.officer.get(`/api/v1/tips/${ids[0]}`);
  const r = await api.officer.patch(`/api/v1/tips/${ids[0]}`, { body: { status: 'assigned', assigned_user_id: users.officer }, headers: { 'If-Match': g.headers.get('etag') } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual((await api.officer.get('/api/v1/tips?mine=true')).body.items.map((t) => t.id), [ids[0]]);
  assert.deepEqual((await api.officer2.get('/api/v1/tips?mine=true')).body.items, []);
  assertProblem(assert, await api.officer.get('/api/v1/tips?mine=yes'), 400, 'mine');
});

test('assignment straight from new acknowledges the tip; new cannot jump further', async () => {
  assert.equal((await sendTip(tip({ description: 'Assign probe: needles in the park sandpit.' }))).status, 201);
  const t = await find(api.officer, 'Assign probe');
  assert.equal(t.status, 'new');
  assert.equal(t.acknowledged_at, null);
  const g = await api.officer.get(`/api/v1/tips/${t.id}`);
  const r = await api.officer.patch(`/api/v1/tips/${t.id}`, { body: { status: 'assigned', assigned_user_id: users.officer2 }, headers: { 'If-Match': g.headers.get('etag') } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'assigned');
  assert.equal(r.body.assigned_user_id, users.officer2);
  assert.ok(r.body.acknowledged_at);
  assert.equal(r.body.overdue, false);
  assert.equal((await sendTip(tip({ description: 'Jump probe: must not skip to actioned.' }))).status, 201);
  const j = await find(api.officer, 'Jump probe');
  const gj = await api.officer.get(`/api/v1/tips/${j.id}`);
  assertProblem(assert, await api.officer.patch(`/api/v1/tips/${j.id}`, { body: { status: 'actioned' }, headers: { 'If-Match': gj.headers.get('etag') } }), 409, 'status');
  assertProblem(assert, await api.officer.patch(`/api/v1/tips/${j.id}`, { body: { status: 'assigned' }, headers: { 'If-Match': gj.headers.get('etag') } }), 400, 'assigned_user_id');
});

test('bulk assign and bulk close: one request, a result per tip, each audited', async () => {
  for (const n of [1, 2, 3]) assert.equal((await sendTip(tip({ description: `Bulk probe ${n}: pills sold at the tram stop.` }))).status, 201);
  const ids = [];
  for (const n of [1, 2, 3]) ids.push((await find(api.officer, `Bulk probe ${n}`)).id);
  const berlinTip = (await find(api.berlin, 'Berlin tip')).id;
  const a = await api.officer.post('/api/v1/tips/bulk', { body: { ids: [...ids, berlinTip], status: 'assigned', assigned_user_id: users.officer } });
  assert.equal(a.status, 200, a.text);
  assert.equal(a.body.done, 3);
  assert.equal(a.body.failed, 1);
  assert.deepEqual(a.body.results.map((r) => r.status), [200, 200, 200, 404]);
  assert.ok(a.body.results.slice(0, 3).every((r) => r.tip.status === 'assigned' && r.tip.assigned_user_id === users.officer));
  assert.ok(!JSON.stringify(a.body.results[3]).includes('Berlin'), 'nothing of a tip the caller does not see');
  // closing needs an outcome: the per-tip result names the field
  const bad = await api.officer.post('/api/v1/tips/bulk', { body: { ids: ids.slice(0, 1), status: 'closed' } });
  assert.equal(bad.status, 200, bad.text);
  assert.deepEqual([bad.body.results[0].status, bad.body.results[0].field], [400, 'outcome']);
  const c = await api.officer.post('/api/v1/tips/bulk', { body: { ids, status: 'closed', outcome: 'resolved' } });
  assert.equal(c.body.done, 3, c.text);
  for (const id of ids) {
    const t = await api.officer.get(`/api/v1/tips/${id}`);
    assert.deepEqual([t.body.status, t.body.outcome], ['closed', 'resolved']);
    const audit = await root.get(`/api/v1/audit?resource_id=${id}`);
    assert.equal(audit.body.items.filter((e) => e.action === 'update').length, 2, 'assigned and closed, each audited');
  }
  assertProblem(assert, await api.officer.post('/api/v1/tips/bulk', { body: { ids: [] , status: 'closed', outcome: 'resolved' } }), 400, 'ids');
  assertProblem(assert, await api.officer.post('/api/v1/tips/bulk', { body: { ids } }), 400, 'status');
  assertProblem(assert, await api.officer.post('/api/v1/tips/bulk', { body: { ids: ['nope'], status: 'closed' } }), 400, 'ids[0]');
  assertProblem(assert, await api.officer.post('/api/v1/tips/bulk', { body: { ids, distribution: 'network' } }), 400, 'distribution');
  assert.equal((await api.partner.post('/api/v1/tips/bulk', { body: { ids, status: 'closed', outcome: 'resolved' } })).status, 403);
});

test('links: a tip joins an existing problem, alert and activity from either side, shown on both, removed', async () => {
  assert.equal((await sendTip(tip({ description: 'Link probe: dealing at the Westbahnhof exit.' }))).status, 201);
  const t = await find(api.officer, 'Link probe');
  const p = await api.analyst.post('/api/v1/problems', { body: { title: 'Westbahnhof dealing', distribution: 'network', area: { lat: 48.196, lon: 16.338, radius_m: 800, place_name: 'Westbahnhof' } } });
  assert.equal(p.status, 201, p.text);
  const al = await api.analyst.post('/api/v1/alerts', { body: { title: 'Pills at the Westbahnhof', category: 'street_distribution', tlp: 'green', distribution: 'network', status: 'published' } });
  assert.equal(al.status, 201, al.text);
  // from the tip's side
  const l = await api.officer.post('/api/v1/links', { body: { type: 'tip', id: t.id, other_type: 'problem', other_id: p.body.id } });
  assert.equal(l.status, 201, l.text);
  const again = await api.officer.post('/api/v1/links', { body: { type: 'problem', id: p.body.id, other_type: 'tip', other_id: t.id } });
  assert.equal(again.status, 201, 'the same link from the other side');
  assert.equal(again.body.id, l.body.id);
  const fromTip = await api.officer.get(`/api/v1/links?type=tip&id=${t.id}`);
  assert.deepEqual(fromTip.body.items.map((x) => [x.type, x.record_id, x.title]), [['problem', p.body.id, 'Westbahnhof dealing']]);
  const prob = await api.officer.get(`/api/v1/problems/${p.body.id}`);
  assert.deepEqual(prob.body.tips.map((x) => [x.id, x.reference]), [[t.id, t.reference]]);
  // from the problem's side: an alert; the alert's page shows the problem
  assert.equal((await api.analyst.post('/api/v1/links', { body: { type: 'problem', id: p.body.id, other_type: 'alert', other_id: al.body.id } })).status, 201);
  const fromAlert = await api.analyst.get(`/api/v1/links?type=alert&id=${al.body.id}`);
  assert.deepEqual(fromAlert.body.items.map((x) => x.record_id), [p.body.id]);
  // the problem is editable beyond its phase, and keeps its links
  const g = await api.officer.get(`/api/v1/problems/${p.body.id}`);
  const e = await api.officer.patch(`/api/v1/problems/${p.body.id}`, { body: { title: 'Westbahnhof and Gürtel dealing', description: 'Widened.', area: { lat: 48.196, lon: 16.338, radius_m: 1500 } }, headers: { 'If-Match': g.headers.get('etag') } });
  assert.equal(e.status, 200, e.text);
  assert.equal(e.body.area.radius_m, 1500);
  assert.equal(e.body.tips.length, 1);
  assert.equal(e.body.alerts.length, 1);
  // another organisation sees the problem and the alert, never the tip nor its link
  assert.deepEqual((await api.berlin.get(`/api/v1/links?type=problem&id=${p.body.id}`)).body.items.map((x) => x.type), ['alert']);
  assert.equal((await api.berlin.get(`/api/v1/links?type=tip&id=${t.id}`)).status, 404);
  assert.equal((await api.berlin.del(`/api/v1/links/${l.body.id}`)).status, 404);
  // nor may it link what it sees but does not hold
  assertProblem(assert, await api.berlin.post('/api/v1/links', { body: { type: 'problem', id: p.body.id, other_type: 'alert', other_id: al.body.id } }), 403);
  assertProblem(assert, await api.berlin.post('/api/v1/links', { body: { type: 'problem', id: p.body.id, other_type: 'tip', other_id: t.id } }), 400, 'other_id');
  assertProblem(assert, await api.officer.post('/api/v1/links', { body: { type: 'tip', id: t.id, other_type: 'tip', other_id: t.id } }), 400, 'other_id');
  assertProblem(assert, await api.officer.post('/api/v1/links', { body: { type: 'note', id: t.id, other_type: 'tip', other_id: t.id } }), 400, 'type');
  assertProblem(assert, await api.officer.get('/api/v1/links?type=tip'), 400, 'id');
  assert.equal((await api.viewer.get(`/api/v1/links?type=tip&id=${t.id}`)).status, 404, 'a viewer reads no tips');
  // removed from the problem's side, gone from both
  assert.equal((await api.analyst.del(`/api/v1/links/${l.body.id}`)).status, 204);
  assert.deepEqual((await api.officer.get(`/api/v1/links?type=tip&id=${t.id}`)).body.items, []);
  assert.deepEqual((await api.officer.get(`/api/v1/problems/${p.body.id}`)).body.tips, []);
  const audit = await root.get(`/api/v1/audit?resource_id=${t.id}`);
  assert.deepEqual(audit.body.items.map((x) => x.action).filter((x) => x.includes('link')).sort(), ['link', 'unlink']);
  assert.equal((await api.analyst.del(`/api/v1/links/${l.body.id}`)).status, 404);
});

test('exports: tips, problems, practices and proposals with the list filters, as CSV, JSON and GeoJSON; never a contact', async () => {
  assert.equal((await sendTip(tip({ description: 'Export probe: a stash behind the kiosk, "quoted", with, commas.', contact: 'phone 0660 1234567' }))).status, 201);
  const one = await find(api.officer, 'Export probe');
  const csv = await api.officer.get('/api/v1/tips/export?format=csv&q=export%20probe');
  assert.equal(csv.status, 200, csv.text);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  assert.match(csv.headers.get('content-disposition'), /tips\.csv/);
  const lines = csv.text.trim().split('\r\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^id,reference,/);
  assert.ok(lines[1].includes(one.reference));
  assert.ok(lines[1].includes('"Export probe: a stash behind the kiosk, ""quoted"", with, commas."'));
  assert.ok(!csv.text.includes('0660'), 'no contact in an export');
  const json = await api.officer.get('/api/v1/tips/export?format=json&status=new&q=export%20probe');
  assert.deepEqual(json.body.items.map((x) => x.id), [one.id]);
  assert.ok(!json.text.includes('0660'));
  const geo = await api.officer.get('/api/v1/tips/export?format=geojson&q=export%20probe');
  assert.equal(geo.body.type, 'FeatureCollection');
  assert.deepEqual(geo.body.features[0].geometry.coordinates, [16.3738, 48.2082]);
  // the filters are the list's: a closed filter finds none of it
  assert.deepEqual((await api.officer.get('/api/v1/tips/export?format=json&status=closed&q=export%20probe')).body.items, []);
  // only those who may read tips, and only what they see
  assertProblem(assert, await api.viewer.get('/api/v1/tips/export?format=csv'), 403);
  assert.ok(!(await api.berlin.get('/api/v1/tips/export?format=csv')).text.includes('Export probe'));
  assertProblem(assert, await api.officer.get('/api/v1/tips/export?format=xls'), 400, 'format');
  assertProblem(assert, await api.officer.get('/api/v1/tips/export?sort=up'), 400, 'sort');
  // problems with their area as a point
  const pgeo = await api.officer.get('/api/v1/problems/export?format=geojson');
  assert.equal(pgeo.status, 200, pgeo.text);
  assert.ok(pgeo.body.features.some((f) => f.properties.title.startsWith('Westbahnhof') && f.geometry.type === 'Point'));
  const pcsv = await api.berlin.get('/api/v1/problems/export?format=csv&phase=scanning');
  assert.match(pcsv.text, /^id,org_id,country,title/);
  assertProblem(assert, await api.officer.get('/api/v1/problems/export?phase=done'), 400, 'phase');
  for (const path of ['/api/v1/practices/export?format=csv', '/api/v1/proposals/export?format=json', '/api/v1/practices/export?format=geojson&status=published']) {
    const r = await api.analyst.get(path);
    assert.equal(r.status, 200, `${path}: ${r.text}`);
  }
  assertProblem(assert, await api.analyst.get('/api/v1/proposals/export?status=maybe'), 400, 'status');
});

test('a youth organisation endorses a proposal through its partner account; list and page count the same', async () => {
  const c = await api.analyst.post('/api/v1/proposals', { body: { title: 'Youth workers at the Westbahnhof in the evenings', description: 'With the youth club.', distribution: 'network', status: 'open' } });
  assert.equal(c.status, 201, c.text);
  const e = await api.partner.post(`/api/v1/proposals/${c.body.id}/endorsements`, { body: {} });
  assert.equal(e.status, 201, e.text);
  assertProblem(assert, await api.partner.post(`/api/v1/proposals/${c.body.id}/endorsements`, { body: {} }), 409, 'endorsement');
  const page = await api.berlin.get(`/api/v1/proposals/${c.body.id}`);
  const row = (await api.berlin.get('/api/v1/proposals?limit=500')).body.items.find((p) => p.id === c.body.id);
  assert.equal(page.body.endorsement_count, 1);
  assert.equal(row.endorsement_count, page.body.endorsement_count);
  // a police officer does not, and is told why
  const no = await api.officer2.post(`/api/v1/proposals/${c.body.id}/endorsements`, { body: {} });
  assertProblem(assert, no, 403);
  assert.match(no.body.detail, /youth organisations/);
});
