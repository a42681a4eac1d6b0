// The access matrix of commitments and events: every role, in the creating
// organisation, another of the same country, a sharing-group member of
// another country, and an outsider, against documents, commitments,
// assessments, events, outcomes and actions of every distribution: get,
// list, change, the State matrix, minutes, and evidence links. A leak is a
// record answered to someone who may not see it, or a change accepted from
// someone who may not make it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cli, cliUser } from './lib.mjs';

const ROLES = ['admin', 'org_admin', 'analyst', 'officer', 'partner', 'viewer'];
const RELATIONS = ['own', 'same_country', 'group_member', 'outsider'];
const DISTS = ['organisation', 'country', 'sharing_group', 'network', 'federation'];
const RESOURCES = ['documents', 'commitments', 'assessments', 'events', 'outcomes', 'actions'];
// who of the own organisation changes each: those who speak for it; events,
// outcomes and actions also officers
const CHANGERS = {
  documents: ['admin', 'org_admin', 'analyst'], commitments: ['admin', 'org_admin', 'analyst'], assessments: ['admin', 'org_admin', 'analyst'],
  events: ['admin', 'org_admin', 'analyst', 'officer'], outcomes: ['admin', 'org_admin', 'analyst', 'officer'], actions: ['admin', 'org_admin', 'analyst', 'officer'],
};
const CHANGE = { documents: { title: 'Changed title' }, commitments: { paragraph: '9' }, assessments: { narrative: 'changed' },
  events: { place: 'Graz' }, outcomes: { text: 'changed' }, actions: { notes: 'changed' } };
let srv, root;
const orgs = {};
const users = {};
const recs = {}; // `${resource}:${dist}` -> record
const stats = { cases: 0, leaks: 0 };
const leaks = [];

const visible = (rel, dist) => (dist === 'organisation' ? rel === 'own'
  : dist === 'country' ? rel === 'own' || rel === 'same_country'
    : dist === 'sharing_group' ? rel === 'own' || rel === 'group_member' : true);
function check(ok, what) {
  stats.cases++;
  if (!ok) { stats.leaks++; leaks.push(what); }
}

before(async () => {
  srv = await startServer();
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const mk = async (name, kind, country) => (await root.post('/api/v1/organisations', { body: { name, kind, country } })).body.id;
  orgs.own = await mk('Austrian Ministry of the Interior', 'ministry_interior', 'AT');
  orgs.same_country = await mk('Austrian Ministry of Health', 'ministry_health', 'AT');
  orgs.group_member = await mk('Lyon Youth Association', 'youth_organisation', 'FR');
  orgs.outsider = await mk('Berlin Police', 'police', 'DE');
  for (const rel of RELATIONS) {
    for (const role of ROLES) {
      const email = `${role}.${rel}@example.org`;
      const r = await root.post('/api/v1/users', { body: { email, name: `${role} ${rel}`, org_id: orgs[rel], role } });
      assert.equal(r.status, 201, r.text);
      const token = cli(['token', 'create', '--email', email, '--db', srv.db.url]).stdout.trim();
      users[`${rel}:${role}`] = client(srv.base, { token });
    }
  }
  const a = users['own:analyst'];
  const group = (await a.post('/api/v1/sharing-groups', { body: { name: 'Vienna-Lyon', members: [orgs.group_member] } })).body;
  const share = (dist) => ({ distribution: dist, ...(dist === 'sharing_group' ? { sharing_group_id: group.id } : {}) });
  const make = async (res, dist, body) => {
    const r = await a.post(`/api/v1/${res}`, { body: { ...body, ...share(dist) } });
    assert.equal(r.status, 201, `${res} ${dist}: ${r.text}`);
    recs[`${res}:${dist}`] = r.body;
  };
  const parentDoc = (await a.post('/api/v1/documents', { body: { title: 'Parent document', issuer: 'CND', distribution: 'network' } })).body;
  const parentEvent = (await a.post('/api/v1/events', { body: { title: 'Parent event', type: 'meeting', starts_on: '2024-01-01', distribution: 'network' } })).body;
  const parentOutcome = (await a.post('/api/v1/outcomes', { body: { event_id: parentEvent.id, kind: 'decision', text: 'Parent outcome', distribution: 'network' } })).body;
  const parentCm = (await a.post('/api/v1/commitments', { body: { document_id: parentDoc.id, paragraph: '0', text: { en: 'Parent' }, theme: 'other', distribution: 'network' } })).body;
  let year = 2010;
  for (const dist of DISTS) {
    await make('documents', dist, { title: `Document ${dist}`, issuer: 'Government of Austria' });
    await make('commitments', dist, { document_id: parentDoc.id, paragraph: dist, text: { en: `Commitment ${dist}` }, theme: 'prevention' });
    await make('assessments', dist, { state: 'AT', commitment_id: parentCm.id, period: String(year++), kind: 'self', status: 'limited', narrative: `Assessment ${dist}` });
    await make('events', dist, { title: `Event ${dist}`, type: 'meeting', starts_on: '2024-02-01' });
    await make('outcomes', dist, { event_id: parentEvent.id, kind: 'recommendation', text: `Outcome ${dist}` });
    await make('actions', dist, { outcome_id: parentOutcome.id, title: `Action ${dist}`, owner_org_id: orgs.own, due_on: '2020-01-01' });
  }
  // one network assessment whose evidence links events of every distribution
  const ev = DISTS.map((d) => ({ type: 'event', id: recs[`events:${d}`].id }));
  const r = await a.post('/api/v1/assessments', { body: { state: 'AT', commitment_id: parentCm.id, period: '2030', kind: 'self', status: 'complete', evidence: ev, distribution: 'network' } });
  assert.equal(r.status, 201, r.text);
  recs.withEvidence = r.body;
});
after(async () => { await srv?.stop(); });

test('get, list, change, matrix, minutes and evidence: no leak, no change from who may not make it', async () => {
  for (const rel of RELATIONS) {
    for (const role of ROLES) {
      const api = users[`${rel}:${role}`];
      const who = `${rel}:${role}`;
      for (const res of RESOURCES) {
        const list = await api.get(`/api/v1/${res}?limit=500`);
        check(list.status === 200, `${who} list ${res}: ${list.status}`);
        for (const dist of DISTS) {
          const rec = recs[`${res}:${dist}`];
          const see = visible(rel, dist);
          const g = await api.get(`/api/v1/${res}/${rec.id}`);
          check(see ? g.status === 200 : g.status === 404, `${who} get ${res} ${dist}: ${g.status}`);
          check(list.body.items.some((x) => x.id === rec.id) === see, `${who} list ${res} ${dist}`);
          const cur = await users['own:admin'].get(`/api/v1/${res}/${rec.id}`);
          const p = await api.patch(`/api/v1/${res}/${rec.id}`, { body: CHANGE[res], headers: { 'If-Match': cur.headers.get('etag') } });
          const may = rel === 'own' && CHANGERS[res].includes(role);
          check(may ? p.status === 200 : (see ? p.status === 403 : p.status === 404), `${who} patch ${res} ${dist}: ${p.status}`);
          if (res === 'events') {
            const m = await api.get(`/api/v1/events/${rec.id}/minutes`);
            check(see ? m.status === 200 : m.status === 404, `${who} minutes ${dist}: ${m.status}`);
          }
        }
      }
      const m = await api.get('/api/v1/assessments/matrix');
      const page = await api.get('/api/v1/countries/AT/commitments');
      for (const dist of DISTS) {
        const id = recs[`assessments:${dist}`].id;
        // the matrix shows each State's latest visible period: the id appears only when visible
        if (!visible(rel, dist)) {
          check(!m.text.includes(id), `${who} matrix shows ${dist}`);
          check(!page.text.includes(id), `${who} State page shows ${dist}`);
        }
      }
      const e = await api.get(`/api/v1/assessments/${recs.withEvidence.id}`);
      const shown = new Set(e.body.evidence.map((x) => x.id));
      for (const dist of DISTS) check(shown.has(recs[`events:${dist}`].id) === visible(rel, dist), `${who} evidence ${dist}`);
    }
  }
  assert.deepEqual(leaks, []);
  assert.ok(stats.cases > 1500, `${stats.cases} cases`);
  console.log(`commitments access matrix: ${stats.cases} cases, ${stats.leaks} leaks`);
});
