// Commitments and events (issue 19): documents and commitments, the
// self-assessment and independent assessment rules on the five-level scale
// and periods, evidence shown only to who sees the record, civil society
// comments, the State x commitment matrix and its CSV (round trip,
// formulas defused), suggestions, events with versioned minutes, and an
// outcome becoming an action that goes overdue.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cli, cliUser, assertProblem, sql } from './lib.mjs';

let srv, root;
const orgs = {};
const u = {};

async function addUser(email, org, role = 'analyst', reviewer = false) {
  const r = await root.post('/api/v1/users', { body: { email, name: email, org_id: org, role, reviewer } });
  assert.equal(r.status, 201, r.text);
  const token = cli(['token', 'create', '--email', email, '--db', srv.db.url]).stdout.trim();
  return client(srv.base, { token });
}

// A small RFC 4180 reader for the export.
function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') q = false; else cell += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\r') continue;
    else if (ch === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; }
    else cell += ch;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

const ids = {};

before(async () => {
  srv = await startServer();
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const mk = async (name, kind, country) => (await root.post('/api/v1/organisations', { body: { name, kind, country } })).body.id;
  orgs.al = await mk('Albanian State Police', 'police', 'AL');
  orgs.at = await mk('Austrian Federal Ministry of the Interior', 'ministry_interior', 'AT');
  orgs.ngo = await mk('Tirana Youth Voice', 'civil_society', 'AL');
  orgs.pl = await mk('Warsaw Police', 'police', 'PL');
  orgs.intl = (await root.get('/api/v1/organisations?limit=500')).body.items.find((o) => o.key === 'osce-spmu')?.id;
  u.al = await addUser('analyst@al.example', orgs.al);
  u.alViewer = await addUser('viewer@al.example', orgs.al, 'viewer');
  u.atReviewer = await addUser('reviewer@at.example', orgs.at, 'analyst', true);
  u.atAnalyst = await addUser('analyst@at.example', orgs.at);
  u.ngo = await addUser('partner@ngo.example', orgs.ngo, 'partner');
  u.pl = await addUser('analyst@pl.example', orgs.pl);
  u.plViewer = await addUser('viewer@pl.example', orgs.pl, 'viewer');
  u.osce = await addUser('analyst@osce.example', orgs.intl, 'analyst', true);
});
after(async () => {
  if (process.env.TRELLIS_TEST_LOGS) console.log(srv?.logs.slice(-80).join('\n'));
  await srv?.stop();
});

const text = { en: 'Strengthen community policing for the prevention of drug use among young people', fr: 'Renforcer la police de proximité', ru: 'Укреплять работу полиции с населением' };

test('documents and commitments: fields, languages, themes, visibility of the document', async () => {
  const d = await u.osce.post('/api/v1/documents', { body: { title: 'Ministerial Declaration 2019', issuer: 'CND', symbol: 'E/2019/28', adopted_on: '2019-03-15', url: 'https://www.unodc.org/', languages: ['en', 'fr', 'ru'], distribution: 'network', tlp: 'clear' } });
  assert.equal(d.status, 201, d.text);
  ids.doc = d.body.id;
  assert.deepEqual(d.body.languages, ['en', 'fr', 'ru']);
  assertProblem(assert, await u.osce.post('/api/v1/documents', { body: { title: 'x', issuer: 'CND', distribution: 'network' } }), 400, 'title');
  assertProblem(assert, await u.osce.post('/api/v1/documents', { body: { title: 'Bad link', issuer: 'CND', url: 'javascript:alert(1)', distribution: 'network' } }), 400, 'url');
  assertProblem(assert, await u.osce.post('/api/v1/documents', { body: { title: 'Red fed', issuer: 'CND', distribution: 'federation', tlp: 'red' } }), 400, 'tlp');
  assertProblem(assert, await u.alViewer.post('/api/v1/documents', { body: { title: 'Viewer', issuer: 'CND', distribution: 'organisation' } }), 403);
  const hidden = await u.pl.post('/api/v1/documents', { body: { title: 'National strategy draft', issuer: 'Government of Poland', distribution: 'organisation' } });
  assert.equal(hidden.status, 201);
  assertProblem(assert, await u.al.get(`/api/v1/documents/${hidden.body.id}`), 404);

  const c = await u.osce.post('/api/v1/commitments', { body: { document_id: ids.doc, paragraph: '4(d)', text, theme: 'community_policing', indicators: [{ definition: 'Share of municipalities with a community policing plan', unit: 'percent', arq_module: 'ARQ Part II: drug demand' }], distribution: 'network', tlp: 'clear' } });
  assert.equal(c.status, 201, c.text);
  ids.cm = c.body.id;
  assert.equal(c.body.text.ru, text.ru);
  const g = await u.alViewer.get(`/api/v1/commitments/${ids.cm}`);
  assert.equal(g.status, 200);
  assert.equal(g.body.document_title, 'Ministerial Declaration 2019');
  const c2 = await u.osce.post('/api/v1/commitments', { body: { document_id: ids.doc, paragraph: '=HYPERLINK("http://x")', text: { en: 'Prevent diversion of precursors' }, theme: 'precursors', distribution: 'network' } });
  assert.equal(c2.status, 201, c2.text);
  ids.cm2 = c2.body.id;
  const bad = [
    [{ theme: 'harm' }, 'theme'], [{ text: { en: '' } }, 'text'], [{ text: 'plain' }, 'text'], [{ text: { english: 'x' } }, 'text'],
    [{ indicators: [{ unit: 'x' }] }, 'indicators[0]'], [{ document_id: hidden.body.id }, 'document_id'],
  ];
  for (const [over, field] of bad) {
    assertProblem(assert, await u.al.post('/api/v1/commitments', { body: { document_id: ids.doc, paragraph: '1', text, theme: 'prevention', distribution: 'network', ...over } }), 400, field);
  }
  const list = await u.pl.get(`/api/v1/commitments?document_id=${ids.doc}&theme=community_policing`);
  assert.deepEqual(list.body.items.map((x) => x.id), [ids.cm]);
  assertProblem(assert, await u.pl.get('/api/v1/commitments?theme=harm'), 400, 'theme');
});

test('assessments: self by the State, independent by a reviewer elsewhere, scale and periods validated', async () => {
  const body = (over = {}) => ({ state: 'AL', commitment_id: ids.cm, period: '2023', kind: 'self', status: 'limited', lead_org_id: orgs.al, narrative: 'Pilot in Tirana', distribution: 'network', ...over });
  const s = await u.al.post('/api/v1/assessments', { body: body() });
  assert.equal(s.status, 201, s.text);
  ids.self2023 = s.body.id;
  assert.equal(s.body.change, 'new');
  assertProblem(assert, await u.al.post('/api/v1/assessments', { body: body({ state: 'PL' }) }), 403, 'kind');
  assertProblem(assert, await u.al.post('/api/v1/assessments', { body: body({ kind: 'independent' }) }), 403, 'kind');
  assertProblem(assert, await u.atAnalyst.post('/api/v1/assessments', { body: body({ kind: 'independent' }) }), 403, 'kind');
  assertProblem(assert, await u.atReviewer.post('/api/v1/assessments', { body: body({ state: 'AT', kind: 'independent' }) }), 403, 'kind');
  assertProblem(assert, await u.alViewer.post('/api/v1/assessments', { body: body() }), 403);
  for (const [over, field] of [[{ period: '2023-Q5' }, 'period'], [{ period: '23' }, 'period'], [{ period: '2023-13' }, 'period'], [{ status: 'done' }, 'status'], [{ state: 'XX' }, 'state'], [{ kind: 'peer' }, 'kind'], [{ commitment_id: '0190a0a0-0000-7000-8000-000000000000' }, 'commitment_id']]) {
    const r = await u.al.post('/api/v1/assessments', { body: body(over) });
    assert.ok(r.status === 400 || r.status === 403, r.text);
    assertProblem(assert, r, r.status, field);
  }
  assertProblem(assert, await u.al.post('/api/v1/assessments', { body: body() }), 409, 'period');
  const i = await u.atReviewer.post('/api/v1/assessments', { body: body({ kind: 'independent', status: 'not_started', lead_org_id: null }) });
  assert.equal(i.status, 201, i.text);
  ids.ind2023 = i.body.id;
  const o = await u.osce.post('/api/v1/assessments', { body: body({ state: 'AT', kind: 'independent', status: 'complete' }) });
  assert.equal(o.status, 201, 'an international body assesses the State of its seat too: ' + o.text);
  const s24 = await u.al.post('/api/v1/assessments', { body: body({ period: '2024', status: 'substantial' }) });
  assert.equal(s24.status, 201);
  ids.self2024 = s24.body.id;
  assert.deepEqual(s24.body.previous, { period: '2023', status: 'limited' });
  assert.equal(s24.body.change, 'improved');
  // the State, commitment, period and kind are fixed; the status moves with If-Match
  assertProblem(assert, await u.al.patch(`/api/v1/assessments/${ids.self2024}`, { body: { kind: 'independent' }, headers: { 'If-Match': '"1"' } }), 400, 'kind');
  const p = await u.al.patch(`/api/v1/assessments/${ids.self2024}`, { body: { status: 'no_evidence' }, headers: { 'If-Match': '"1"' } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.body.change, 'declined');
  assertProblem(assert, await u.al.patch(`/api/v1/assessments/${ids.self2024}`, { body: { status: 'complete' }, headers: { 'If-Match': '"1"' } }), 412);
  assertProblem(assert, await u.atReviewer.patch(`/api/v1/assessments/${ids.self2024}`, { body: { status: 'complete' }, headers: { 'If-Match': '"2"' } }), 403);
  const back = await u.al.patch(`/api/v1/assessments/${ids.self2024}`, { body: { status: 'substantial' }, headers: { 'If-Match': '"2"' } });
  assert.equal(back.status, 200);
});

test('evidence: linked records are shown only to readers who see them; civil society comments', async () => {
  const act = await u.al.post('/api/v1/activities', { body: { title: 'Police-school liaison in Tirana', type: 'police_school_liaison', area_country: 'AL', setting: 'school', start: '2023-09-01', status: 'active', age_min: 12, age_max: 16, gender: 'all', distribution: 'organisation', tlp: 'amber' } });
  assert.equal(act.status, 201, act.text);
  const pub = await u.al.post('/api/v1/activities', { body: { title: 'Community meetings in Durrës', type: 'community_meeting', area_country: 'AL', setting: 'community', start: '2023-10-01', status: 'active', age_min: 12, age_max: 18, gender: 'all', distribution: 'network', tlp: 'green' } });
  assert.equal(pub.status, 201, pub.text);
  const pl = await u.pl.post('/api/v1/activities', { body: { title: 'Warsaw only', type: 'outreach', area_country: 'PL', setting: 'community', start: '2023-10-01', status: 'active', age_min: 12, age_max: 18, gender: 'all', distribution: 'organisation', tlp: 'green' } });
  const ev = [{ type: 'activity', id: act.body.id }, { type: 'activity', id: pub.body.id }, { type: 'document', id: ids.doc }];
  assertProblem(assert, await u.al.patch(`/api/v1/assessments/${ids.self2024}`, { body: { evidence: [{ type: 'activity', id: pl.body.id }] }, headers: { 'If-Match': '"3"' } }), 400, 'evidence');
  assertProblem(assert, await u.al.patch(`/api/v1/assessments/${ids.self2024}`, { body: { evidence: [{ type: 'tip', id: pl.body.id }] }, headers: { 'If-Match': '"3"' } }), 400, 'evidence[0]');
  const r = await u.al.patch(`/api/v1/assessments/${ids.self2024}`, { body: { evidence: ev }, headers: { 'If-Match': '"3"' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.evidence.length, 3);
  const mine = await u.alViewer.get(`/api/v1/assessments/${ids.self2024}`);
  assert.deepEqual(mine.body.evidence.map((e) => e.id).sort(), ev.map((e) => e.id).sort());
  const other = await u.pl.get(`/api/v1/assessments/${ids.self2024}`);
  assert.equal(other.status, 200);
  assert.deepEqual(other.body.evidence.map((e) => e.id).sort(), [pub.body.id, ids.doc].sort());
  assert.ok(!other.text.includes(act.body.id) && !other.text.includes('Police-school liaison'));
  const listed = await u.pl.get('/api/v1/assessments?state=AL&period=2024');
  assert.ok(!listed.text.includes(act.body.id));
  // suggestions: activities of the State whose kind fits the theme, as the caller sees them
  const sAl = await u.al.get(`/api/v1/assessments/suggestions?state=AL&commitment_id=${ids.cm}`);
  assert.equal(sAl.status, 200, sAl.text);
  assert.deepEqual(sAl.body.items.map((x) => x.id).sort(), [act.body.id, pub.body.id].sort());
  const sPl = await u.pl.get(`/api/v1/assessments/suggestions?state=AL&commitment_id=${ids.cm}`);
  assert.deepEqual(sPl.body.items.map((x) => x.id), [pub.body.id]);
  assertProblem(assert, await u.al.get('/api/v1/assessments/suggestions?state=AL'), 400, 'commitment_id');
  // comments by civil society
  const c = await u.ngo.post(`/api/v1/assessments/${ids.self2024}/comments`, { body: { text: 'Schools outside Tirana are not reached yet.' } });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.body.comments.length, 1);
  assertProblem(assert, await u.al.post(`/api/v1/assessments/${ids.self2024}/comments`, { body: { text: 'Self praise' } }), 403);
  assertProblem(assert, await u.ngo.post(`/api/v1/assessments/${ids.self2024}/comments`, { body: {} }), 400, 'text');
});

test('the State x commitment matrix: JSON and CSV agree, filters, a State page, formulas defused', async () => {
  const m = await u.pl.get('/api/v1/assessments/matrix');
  assert.equal(m.status, 200, m.text);
  const al = m.body.states.find((s) => s.state === 'AL');
  assert.equal(al.cells[ids.cm].self.status, 'substantial');
  assert.equal(al.cells[ids.cm].self.period, '2024');
  assert.equal(al.cells[ids.cm].self.previous_status, 'limited');
  assert.equal(al.cells[ids.cm].self.change, 'improved');
  assert.equal(al.cells[ids.cm].independent.status, 'not_started');
  const at = await u.pl.get('/api/v1/assessments/matrix?period=2023&theme=community_policing');
  assert.equal(at.body.states.find((s) => s.state === 'AL').cells[ids.cm].self.status, 'limited');
  assert.deepEqual(at.body.commitments.map((c) => c.id), [ids.cm]);
  const csv = await u.pl.get('/api/v1/assessments/matrix?format=csv');
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  const rows = parseCsv(csv.text);
  const head = rows[0];
  assert.deepEqual(head.slice(0, 3), ['state', 'document_id', 'commitment_id']);
  const recs = rows.slice(1).map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
  assert.equal(recs.length, m.body.states.length * m.body.commitments.length);
  for (const s of m.body.states) {
    for (const c of m.body.commitments) {
      const rec = recs.find((r) => r.state === s.state && r.commitment_id === c.id);
      const cell = s.cells[c.id] || {};
      assert.equal(rec.self_status, cell.self?.status ?? '');
      assert.equal(rec.independent_status, cell.independent?.status ?? '');
      assert.equal(rec.self_change, cell.self?.change ?? '');
      assert.equal(rec.paragraph.replace(/^'(?=[=+\-@])/, ''), c.paragraph);
    }
  }
  assert.ok(recs.some((r) => r.paragraph === "'=HYPERLINK(\"http://x\")"), 'a formula is defused');
  assertProblem(assert, await u.pl.get('/api/v1/assessments/matrix?format=xls'), 400, 'format');
  assertProblem(assert, await u.pl.get('/api/v1/assessments/matrix?period=last'), 400, 'period');
  assertProblem(assert, await u.pl.get('/api/v1/assessments/matrix?state=Albania'), 400, 'state');
  const page = await u.pl.get('/api/v1/countries/AL/commitments');
  assert.equal(page.status, 200);
  assert.deepEqual(page.body.states.map((s) => s.state), ['AL']);
  const empty = await u.pl.get('/api/v1/countries/MT/commitments');
  assert.deepEqual(empty.body.states, [{ state: 'MT', cells: {} }]);
  assertProblem(assert, await u.pl.get('/api/v1/countries/ZZ/commitments'), 404);
  // an organisation-only assessment stays out of others' matrix
  const hid = await u.pl.post('/api/v1/assessments', { body: { state: 'PL', commitment_id: ids.cm, period: '2024', kind: 'self', status: 'complete', distribution: 'organisation' } });
  assert.equal(hid.status, 201);
  assert.ok(!(await u.al.get('/api/v1/assessments/matrix')).body.states.some((s) => s.state === 'PL'));
  assert.ok((await u.plViewer.get('/api/v1/assessments/matrix')).body.states.some((s) => s.state === 'PL'));
});

test('events: sessions, versioned minutes, an outcome becoming an action that goes overdue', async () => {
  const e = await u.osce.post('/api/v1/events', { body: {
    title: '2020 OSCE-wide Conference on Combating the Threat of Illicit Drugs', type: 'conference', series: 'OSCE-wide drugs conference',
    starts_on: '2020-10-06', ends_on: '2020-10-06', timezone: 'Europe/Vienna', place: 'Vienna, Austria', online: true, organisers: [orgs.intl],
    sessions: [{ title: 'Sharing drug-related information', contributions: [{ title: 'Early warning in the Western Balkans', speakers: [{ name: 'A. Speaker', org_id: orgs.al }] }] }, { title: 'Community policing with young women and men' }],
    distribution: 'network', tlp: 'clear' } });
  assert.equal(e.status, 201, e.text);
  ids.event = e.body.id;
  const session = e.body.sessions[0];
  assert.ok(session.id && session.contributions[0].id);
  assertProblem(assert, await u.osce.post('/api/v1/events', { body: { title: 'Bad', type: 'conference', starts_on: '2020-10-06', ends_on: '2020-10-05', distribution: 'network' } }), 400, 'ends_on');
  assertProblem(assert, await u.osce.post('/api/v1/events', { body: { title: 'Bad', type: 'conference', starts_on: '2020-10-06', sessions: [{ speakers: 1 }], distribution: 'network' } }), 400, 'sessions[0]');
  assertProblem(assert, await u.osce.post('/api/v1/events', { body: { title: 'Bad', type: 'party', starts_on: '2020-10-06', distribution: 'network' } }), 400, 'type');
  // minutes, versioned
  assert.equal((await u.osce.post(`/api/v1/events/${ids.event}/minutes`, { body: { text: 'Opening by the Chairmanship.' } })).status, 201);
  const m2 = await u.osce.post(`/api/v1/events/${ids.event}/minutes`, { body: { text: 'Opening by the Chairmanship. Five dialogue themes.' } });
  assert.equal(m2.body.minutes.version, 2);
  assertProblem(assert, await u.pl.post(`/api/v1/events/${ids.event}/minutes`, { body: { text: 'Not mine' } }), 403);
  const versions = await u.pl.get(`/api/v1/events/${ids.event}/minutes`);
  assert.deepEqual(versions.body.items.map((v) => v.version), [2, 1]);
  // outcomes
  const o = await u.osce.post('/api/v1/outcomes', { body: { event_id: ids.event, session_id: session.id, kind: 'recommendation', text: 'Set up early-warning exchange between police and health services', distribution: 'network' } });
  assert.equal(o.status, 201, o.text);
  assertProblem(assert, await u.osce.post('/api/v1/outcomes', { body: { event_id: ids.event, session_id: ids.doc, kind: 'recommendation', text: 'x', distribution: 'network' } }), 400, 'session_id');
  assertProblem(assert, await u.osce.post('/api/v1/outcomes', { body: { event_id: ids.event, kind: 'wish', text: 'x', distribution: 'network' } }), 400, 'kind');
  // actions: one overdue, one due within 7 days
  const day = 86400000;
  const a = await u.osce.post('/api/v1/actions', { body: { outcome_id: o.body.id, title: 'Draft the exchange protocol', owner_org_id: orgs.al, due_on: new Date(Date.now() + 30 * day).toISOString().slice(0, 10), commitment_id: ids.cm, distribution: 'network' } });
  assert.equal(a.status, 201, a.text);
  assert.equal(a.body.event_id, ids.event);
  assert.equal(a.body.overdue, false);
  const soon = await u.osce.post('/api/v1/actions', { body: { outcome_id: o.body.id, title: 'Name contact points', owner_org_id: orgs.at, due_on: new Date(Date.now() + 3 * day).toISOString(), distribution: 'network' } });
  assert.equal(soon.body.due_soon, true);
  assertProblem(assert, await u.osce.post('/api/v1/actions', { body: { outcome_id: o.body.id, title: 'Bad link', owner_org_id: orgs.al, due_on: '2021-01-01', activity_id: ids.doc, distribution: 'network' } }), 400, 'activity_id');
  assertProblem(assert, await u.osce.post('/api/v1/actions', { body: { outcome_id: o.body.id, title: 'Bad date', owner_org_id: orgs.al, due_on: 'soon', distribution: 'network' } }), 400, 'due_on');
  // the clock moves past the due date
  sql(srv, `UPDATE conf_actions SET due_on = due_on - ${40 * day} WHERE id = '${a.body.id}'`);
  const overdue = await u.al.get('/api/v1/actions?due=overdue');
  assert.deepEqual(overdue.body.items.map((x) => x.id), [a.body.id]);
  assert.equal(overdue.body.items[0].overdue, true);
  assert.deepEqual((await u.al.get('/api/v1/actions?due=soon')).body.items.map((x) => x.id), [soon.body.id]);
  // the owner follows it up; once done it is no longer overdue
  const g = await u.al.get(`/api/v1/actions/${a.body.id}`);
  const done = await u.al.patch(`/api/v1/actions/${a.body.id}`, { body: { status: 'done' }, headers: { 'If-Match': g.headers.get('etag') } });
  assert.equal(done.status, 200, done.text);
  assert.equal(done.body.overdue, false);
  assert.equal((await u.al.get('/api/v1/actions?due=overdue')).body.items.length, 0);
  assertProblem(assert, await u.pl.patch(`/api/v1/actions/${a.body.id}`, { body: { status: 'open' }, headers: { 'If-Match': '"2"' } }), 403);
  // the owner follows the action up but does not decide who sees it
  assertProblem(assert, await u.al.patch(`/api/v1/actions/${a.body.id}`, { body: { distribution: 'federation' }, headers: { 'If-Match': '"2"' } }), 403, 'distribution');
  // the event's page shows what became of its outcomes
  const page = await u.pl.get(`/api/v1/events/${ids.event}`);
  assert.equal(page.body.minutes.version, 2);
  assert.equal(page.body.outcomes.length, 1);
  assert.deepEqual(page.body.outcomes[0].actions.map((x) => x.status).sort(), ['done', 'open']);
});

test('access: organisation-only events, outcomes and actions stay with their organisation', async () => {
  const e = await u.pl.post('/api/v1/events', { body: { title: 'Internal planning meeting', type: 'meeting', starts_on: '2024-02-01', distribution: 'organisation' } });
  assert.equal(e.status, 201);
  const o = await u.pl.post('/api/v1/outcomes', { body: { event_id: e.body.id, kind: 'decision', text: 'Internal decision', distribution: 'organisation' } });
  const a = await u.pl.post('/api/v1/actions', { body: { outcome_id: o.body.id, title: 'Internal follow-up', owner_org_id: orgs.pl, due_on: '2020-01-01', distribution: 'organisation' } });
  assert.equal(a.status, 201, a.text);
  for (const path of [`/api/v1/events/${e.body.id}`, `/api/v1/outcomes/${o.body.id}`, `/api/v1/actions/${a.body.id}`, `/api/v1/events/${e.body.id}/minutes`]) {
    assertProblem(assert, await u.al.get(path), 404);
    assert.equal((await u.plViewer.get(path)).status, 200);
  }
  for (const path of ['/api/v1/events', '/api/v1/outcomes', '/api/v1/actions', '/api/v1/actions?due=overdue']) {
    const r = await u.al.get(path);
    assert.equal(r.status, 200);
    assert.ok(!r.text.includes(e.body.id) && !r.text.includes('Internal'), path);
  }
  assertProblem(assert, await u.al.post('/api/v1/outcomes', { body: { event_id: e.body.id, kind: 'decision', text: 'x', distribution: 'network' } }), 400, 'event_id');
  assertProblem(assert, await u.al.post(`/api/v1/events/${e.body.id}/minutes`, { body: { text: 'x' } }), 404);
  const me = await u.ngo.get('/api/v1/me');
  assert.equal(me.body.can.assessment_comment.includes('create'), true);
  assert.equal(me.body.can.assessment.includes('create'), false);
});

test('robustness: every field of every body, wrong in every way, is a 4xx naming it, never a 500', async () => {
  const ev = (await u.osce.post('/api/v1/events', { body: { title: 'Robust event', type: 'meeting', starts_on: '2024-01-01', sessions: [{ title: 'S' }], distribution: 'network' } })).body;
  const out = (await u.osce.post('/api/v1/outcomes', { body: { event_id: ev.id, kind: 'decision', text: 'Robust', distribution: 'network' } })).body;
  const valid = {
    '/api/v1/documents': { title: 'Robust doc', issuer: 'CND', languages: ['en'], summary: { en: 'x' }, url: 'https://example.org', adopted_on: '2020-01-01', distribution: 'network', tlp: 'clear' },
    '/api/v1/commitments': { document_id: ids.doc, paragraph: 'r', text: { en: 'x' }, theme: 'other', indicators: [{ definition: 'd', unit: 'u' }], distribution: 'network' },
    '/api/v1/assessments': { state: 'AL', commitment_id: ids.cm2, period: '2019', kind: 'self', status: 'limited', evidence: [], distribution: 'network' },
    '/api/v1/events': { title: 'Robust', type: 'meeting', starts_on: '2024-01-01', sessions: [{ title: 'S', contributions: [{ title: 'C', speakers: [{ name: 'N' }] }] }], organisers: [], distribution: 'network' },
    '/api/v1/outcomes': { event_id: ev.id, session_id: ev.sessions[0].id, kind: 'decision', text: 'x', distribution: 'network' },
    '/api/v1/actions': { outcome_id: out.id, title: 'Robust', owner_org_id: orgs.al, due_on: '2024-01-01', distribution: 'network' },
  };
  const bad = [null, 1, -1.5, 'x', '', [], [1, 'x', null], {}, { en: 5 }, true, 'é'.repeat(70000), [{ type: 'event' }], [{ title: 5 }]];
  const who = { '/api/v1/assessments': u.al };
  let n = 0;
  for (const [path, body] of Object.entries(valid)) {
    for (const field of Object.keys(body)) {
      for (const v of bad) {
        const r = await (who[path] || u.osce).post(path, { body: { ...body, [field]: v } });
        n++;
        assert.ok(r.status < 500, `${path} ${field}=${JSON.stringify(v).slice(0, 40)}: ${r.status} ${r.text.slice(0, 200)}`);
        if (r.status >= 400) assert.match(r.headers.get('content-type'), /problem\+json/);
      }
    }
    for (const raw of ['{', '[]', '"x"', 'null', '{"title":']) {
      const r = await (who[path] || u.osce).post(path, { raw, headers: { 'Content-Type': 'application/json' } });
      assert.ok(r.status >= 400 && r.status < 500, `${path} ${raw}: ${r.status}`);
    }
  }
  for (const q of ['state=a', 'theme=x', 'document_id=1', 'period=2024-Q9', 'format=', 'cursor=zz', 'limit=-1', 'nope=1']) {
    const r = await u.pl.get(`/api/v1/assessments/matrix?${q}`);
    assert.ok(r.status === 400, `matrix ${q}: ${r.status}`);
  }
  for (const q of ['due=later', 'status=x', 'owner_org_id=1', 'cursor=zz']) assert.equal((await u.pl.get(`/api/v1/actions?${q}`)).status, 400, q);
  assert.ok(n > 300);
  assert.equal((await u.pl.get('/api/v1/documents')).status, 200, 'the server still answers');
});
