// Problems (SARA projects): create, change with If-Match, links only to
// what the caller sees, and assessment indicators computed from tips.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cli, cliUser, request, assertProblem } from './lib.mjs';

// this server runs without proof of work (TRELLIS_TIP_POW_BITS=0)
const sendTip = (base, body) => request(base, 'POST', '/api/v1/public/tips', { body });

let srv, root;
const api = {}, orgs = {};
const WEEK = 7 * 86400000;
const start = Date.now() - 3 * WEEK;

before(async () => {
  srv = await startServer({ env: { TRELLIS_TIP_POW_BITS: '0', TRELLIS_TIP_RATE: '0' } });
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const mk = async (name, kind, country) => (await root.post('/api/v1/organisations', { body: { name, kind, country } })).body.id;
  orgs.police = await mk('Vienna Police', 'police', 'AT');
  orgs.school = await mk('Vienna School Board', 'school', 'AT');
  orgs.other = await mk('Prague Police', 'police', 'CZ');
  for (const [k, org, role] of [['analyst', 'police', 'analyst'], ['officer', 'police', 'officer'], ['viewer', 'police', 'viewer'], ['school', 'school', 'partner'], ['other', 'other', 'analyst']]) {
    assert.equal((await root.post('/api/v1/users', { body: { email: `${k}@example.org`, name: k, org_id: orgs[org], role } })).status, 201);
    api[k] = client(srv.base, { token: cli(['token', 'create', '--email', `${k}@example.org`, '--db', srv.db.url]).stdout.trim() });
  }
});
after(async () => { await srv?.stop(); });

async function tipAt(lat, lon, observedMs, text) {
  const r = await sendTip(srv.base, { category: 'dealing_near_school', description: text, country: 'AT', lat, lon, observed_at: new Date(observedMs).toISOString() }, {});
  assert.equal(r.status, 201, r.text);
  return (await api.analyst.get('/api/v1/tips?limit=500')).body.items.find((t) => t.description === text).id;
}

test('a problem links visible tips, alerts and partners; indicators count tips per week before and after the response', async () => {
  const ids = [];
  // 4 tips in the 8 weeks before the response start, 2 in the 3 weeks after, 1 outside the area
  for (const w of [1, 2, 2, 5]) ids.push(await tipAt(48.2, 16.37, start - w * WEEK + 3600000, `Before the response, week -${w}, tip ${ids.length}.`));
  for (const w of [0, 1]) ids.push(await tipAt(48.201, 16.371, start + w * WEEK + 3600000, `After the response, week ${w}, tip ${ids.length}.`));
  await tipAt(48.5, 16.9, start + 3600000, 'Far away from the area, not counted.');
  const alert = await api.analyst.post('/api/v1/alerts', { body: { title: 'Pills sold at schools', category: 'street_distribution', tlp: 'amber', distribution: 'network', status: 'published' } });
  assert.equal(alert.status, 201, alert.text);
  const body = {
    title: 'Dealing around the Favoriten schools', description: 'Repeat dealing at school gates.', phase: 'response', distribution: 'network',
    area: { lat: 48.2, lon: 16.37, radius_m: 1000, place_name: 'Favoriten' }, tips: ids.slice(0, 3), alerts: [alert.body.id], partners: [orgs.school],
    analysis: { offender: 'older teens from outside the district', target: 'pupils 12-15', place: 'school gates after 15:00' },
    responses: [{ text: 'Officers at the gates at closing time, with the school', started_at: new Date(start).toISOString() }],
  };
  const p = await api.analyst.post('/api/v1/problems', { body, headers: { 'Idempotency-Key': 'prob-1' } });
  assert.equal(p.status, 201, p.text);
  assert.equal((await api.analyst.post('/api/v1/problems', { body, headers: { 'Idempotency-Key': 'prob-1' } })).body.id, p.body.id);
  assert.equal(p.body.tips.length, 3);
  assert.equal(p.body.alerts[0].id, alert.body.id);
  assert.equal(p.body.partners[0].kind, 'school');
  assert.equal(p.body.analysis.place, 'school gates after 15:00');
  const ind = p.body.indicators;
  assert.equal(ind.weeks, 8);
  assert.equal(ind.before.weekly.reduce((a, b) => a + b, 0), 4);
  assert.equal(ind.before.per_week, 0.5);
  assert.equal(ind.after.weekly.length, 4);
  assert.equal(ind.after.weekly.reduce((a, b) => a + b, 0), 2);
  assert.equal(ind.after.per_week, 0.5);
  assert.equal(ind.change_per_week, 0);
  // a partner of another organisation sees the problem but not the tips, which stay with the police
  const seen = await api.school.get(`/api/v1/problems/${p.body.id}`);
  assert.equal(seen.status, 200);
  assert.deepEqual(seen.body.tips, []);
  assert.equal(seen.body.indicators.before.per_week, 0);
  // PATCH with If-Match; a stale one is refused
  const g = await api.officer.get(`/api/v1/problems/${p.body.id}?weeks=4`);
  assert.equal(g.body.indicators.weeks, 4);
  const ok = await api.officer.patch(`/api/v1/problems/${p.body.id}`, { body: { phase: 'assessment', tips: ids }, headers: { 'If-Match': g.headers.get('etag') } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.tips.length, 6);
  assert.equal((await api.officer.patch(`/api/v1/problems/${p.body.id}`, { body: { phase: 'analysis' }, headers: { 'If-Match': g.headers.get('etag') } })).status, 412);
  assertProblem(assert, await api.officer.patch(`/api/v1/problems/${p.body.id}`, { body: { distribution: 'organisation' }, headers: { 'If-Match': ok.headers.get('etag') } }), 403, 'distribution');
  assert.equal((await api.other.patch(`/api/v1/problems/${p.body.id}`, { body: { phase: 'analysis' }, headers: { 'If-Match': ok.headers.get('etag') } })).status, 403);
  const list = await api.other.get('/api/v1/problems?phase=assessment');
  assert.ok(list.body.items.some((x) => x.id === p.body.id));
});

test('links to records the caller cannot see and bad fields are 400s naming the field', async () => {
  const hidden = await tipAt(48.2, 16.37, Date.now() - 86400000, 'A tip only the Vienna police sees.');
  const base = { title: 'Cross-border stash houses', distribution: 'network' };
  assertProblem(assert, await api.other.post('/api/v1/problems', { body: { ...base, tips: [hidden] } }), 400, 'tips');
  assertProblem(assert, await api.other.post('/api/v1/problems', { body: { ...base, partners: ['0190f000-0000-7000-8000-000000000999'] } }), 400, 'partners');
  assertProblem(assert, await api.other.post('/api/v1/problems', { body: { ...base, phase: 'evaluation' } }), 400, 'phase');
  assertProblem(assert, await api.other.post('/api/v1/problems', { body: { ...base, area: { lat: 91, lon: 0, radius_m: 100 } } }), 400, 'area.lat');
  assertProblem(assert, await api.other.post('/api/v1/problems', { body: { ...base, analysis: { motive: 'x' } } }), 400, 'analysis');
  assertProblem(assert, await api.other.post('/api/v1/problems', { body: { ...base, responses: [{ txt: 'x' }] } }), 400, 'responses[0]');
  assertProblem(assert, await api.other.post('/api/v1/problems', { body: { ...base, tlp: 'red', distribution: 'federation' } }), 400, 'tlp');
  assertProblem(assert, await api.other.post('/api/v1/problems', { body: { title: 'x' } }), 400, 'distribution');
  assert.equal((await api.viewer.post('/api/v1/problems', { body: base })).status, 403);
  const own = await api.other.post('/api/v1/problems', { body: { ...base, distribution: 'organisation' } });
  assert.equal(own.status, 201);
  assert.equal((await api.analyst.get(`/api/v1/problems/${own.body.id}`)).status, 404);
  assert.equal(own.body.indicators, null);
});
