// Subscriptions beyond alerts: practices published, proposals open,
// activities created. For each, a subscriber who may see the record gets
// the inbox item and the e-mail (real SMTP on loopback), one who may not
// gets nothing, each filter keeps out a record it does not match; a red
// activity's e-mail says only that there is something new; filters that
// the record type does not have, or categories outside its own module's
// list, are refused naming the field. A digest reads each record for the
// recipient when it is sent. Activities imported in bulk are told like
// those created one by one, and an import refused tells no one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, cli, cliUser, sql, assertProblem } from './lib.mjs';
import { startSink, mailEnv } from './smtp.mjs';

let env;

let srv, sink, root;
const orgs = {};
const u = {};

async function addUser(email, org, role = 'analyst', reviewer = false) {
  const r = await root.post('/api/v1/users', { body: { email, name: email, org_id: org, role, reviewer, password: 'a long passphrase 1' } });
  assert.equal(r.status, 201, r.text);
  const token = cli(['token', 'create', '--email', email, '--db', srv.db.url]).stdout.trim();
  return Object.assign(client(srv.base, { token }), { id: r.body.id, email });
}

async function subscribe(who, body) {
  const r = await who.post('/api/v1/subscriptions', { body: { delivery: 'email', ...body } });
  assert.equal(r.status, 201, r.text);
  return r.body.id;
}

const forUser = (email) => (all) => all.filter((m) => m.to.includes(email));
const mailOf = (email, id) => forUser(email)(sink.messages()).filter((m) => m.text.includes(id));
const settle = () => new Promise((r) => setTimeout(r, 1500));
const inbox = async (who, refId) => {
  const r = await who.get('/api/v1/inbox?limit=500');
  assert.equal(r.status, 200, r.text);
  return r.body.items.filter((i) => i.ref_id === refId);
};

before(async () => {
  sink = await startSink();
  env = mailEnv(sink);
  srv = await startServer({ env: { ...env, TRELLIS_DETECT_INTERVAL_S: '0', TRELLIS_DEADLINE_INTERVAL_S: '0' } });
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  const mk = async (name, kind, country) => {
    const r = await root.post('/api/v1/organisations', { body: { name, kind, country } });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  };
  orgs.lyon = await mk('Lyon Prevention Network', 'youth_organisation', 'FR');
  orgs.paris = await mk('Paris Police', 'police', 'FR');
  orgs.berlin = await mk('Berlin Police', 'police', 'DE');
  orgs.vienna = await mk('Vienna Police', 'police', 'AT');
  u.author = await addUser('author@lyon.example', orgs.lyon);
  u.seer = await addUser('seer@paris.example', orgs.paris);
  u.blind = await addUser('blind@berlin.example', orgs.berlin);
  u.gone = await addUser('gone@berlin.example', orgs.berlin);
  u.r1 = await addUser('reviewer@vienna.example', orgs.vienna, 'officer', true);
  u.r2 = await addUser('reviewer@berlin.example', orgs.berlin, 'viewer', true);
});
after(async () => {
  if (process.env.TRELLIS_TEST_LOGS) console.log(srv?.logs.slice(-60).join('\n'));
  await srv?.stop();
  await sink?.stop();
});

test('a published practice reaches the subscribers its setting and country match, once published', async () => {
  const match = await subscribe(u.seer, { record_type: 'practice', categories: ['family'], countries: ['FR'] });
  const otherSetting = await subscribe(u.seer, { record_type: 'practice', categories: ['school'] });
  const otherCountry = await subscribe(u.seer, { record_type: 'practice', countries: ['DE'] });
  const gone = await subscribe(u.gone, { record_type: 'practice' });
  sql(srv, `UPDATE users SET disabled = 1 WHERE id = '${u.gone.id}'`);
  const c = await u.author.post('/api/v1/practices', { body: {
    title: 'Strengthening Families 10-14', summary: 'Seven sessions for parents and children',
    origin_country: 'FR', setting: 'family', evidence_level: 'beneficial', status: 'submitted',
  } });
  assert.equal(c.status, 201, c.text);
  const id = c.body.id;
  assert.equal((await u.r1.post(`/api/v1/practices/${id}/reviews`, { body: { verdict: 'verify' } })).status, 201);
  await settle();
  assert.equal((await inbox(u.seer, id)).length, 0, 'nothing while in review');
  const v2 = await u.r2.post(`/api/v1/practices/${id}/reviews`, { body: { verdict: 'verify' } });
  assert.equal(v2.status, 201, v2.text);
  assert.equal(v2.body.status, 'published');
  await sink.until(() => mailOf(u.seer.email, id).length >= 1);
  await settle();
  const mails = mailOf(u.seer.email, id);
  assert.equal(mails.length, 1, 'one e-mail: only the matching subscription');
  assert.match(mails[0].subject, /Practice published: Strengthening Families/);
  assert.ok(mails[0].text.includes('Seven sessions'));
  assert.ok(mails[0].text.includes(`https://trellis.example.org/practices/${id}`));
  assert.ok(mails[0].text.includes(`unsubscribe=${match}`));
  const items = await inbox(u.seer, id);
  assert.deepEqual(items.map((i) => [i.kind, i.subscription_id, i.link, i.title]),
    [['practice_published', match, `/practices/${id}`, 'Strengthening Families 10-14']]);
  const all = JSON.stringify(sink.messages());
  for (const s of [otherSetting, otherCountry, gone]) assert.ok(!all.includes(s), 'no message for a filter that does not match');
  assert.equal(sql(srv, `SELECT COUNT(*) FROM inbox_items WHERE ref_id = '${id}' AND user_id = '${u.gone.id}'`).trim(), '0',
    'a disabled user gets nothing');
  assert.equal(sql(srv, `SELECT COUNT(*) FROM inbox_items WHERE subscription_id IN ('${otherSetting}', '${otherCountry}')`).trim(), '0');
});

test('a proposal that becomes open reaches those who may see it, not the others', async () => {
  const match = await subscribe(u.seer, { record_type: 'proposal', countries: ['FR'] });
  const otherCountry = await subscribe(u.seer, { record_type: 'proposal', countries: ['PL'] });
  const blind = await subscribe(u.blind, { record_type: 'proposal' });
  const c = await u.author.post('/api/v1/proposals', { body: {
    title: 'French family-skills roll-out', description: 'train facilitators together',
    countries: ['FR'], distribution: 'country',
  } });
  assert.equal(c.status, 201, c.text);
  const id = c.body.id;
  await settle();
  assert.equal((await inbox(u.seer, id)).length, 0, 'a draft is not open');
  const open = await u.author.patch(`/api/v1/proposals/${id}`, { body: { status: 'open' }, headers: { 'If-Match': '"1"' } });
  assert.equal(open.status, 200, open.text);
  await sink.until(() => mailOf(u.seer.email, id).length >= 1);
  await settle();
  const mails = mailOf(u.seer.email, id);
  assert.equal(mails.length, 1);
  assert.match(mails[0].subject, /Proposal open: French family-skills roll-out/);
  assert.ok(mails[0].text.includes(`https://trellis.example.org/proposals/${id}`));
  assert.deepEqual((await inbox(u.seer, id)).map((i) => [i.kind, i.subscription_id]), [['proposal_open', match]]);
  // Berlin may not see a proposal shared with France only: nothing at all
  assert.equal((await inbox(u.blind, id)).length, 0);
  assert.equal(mailOf(u.blind.email, id).length, 0);
  assert.ok(!JSON.stringify(forUser(u.blind.email)(sink.messages())).includes('French family-skills'));
  assert.ok(!JSON.stringify(sink.messages()).includes(otherCountry));
  // the same subscription hears of one it may see
  const net = await u.author.post('/api/v1/proposals', { body: {
    title: 'Network-wide exchange', countries: ['FR'], distribution: 'network', status: 'open',
  } });
  assert.equal(net.status, 201, net.text);
  await sink.until(() => mailOf(u.blind.email, net.body.id).length >= 1);
  assert.deepEqual((await inbox(u.blind, net.body.id)).map((i) => i.subscription_id), [blind]);
});

test('a new activity: type, country, area and TLP ceiling each keep it out; red arrives without content', async () => {
  const match = await subscribe(u.seer, { record_type: 'activity', categories: ['school_prevention'], countries: ['FR'],
    area: { lat: 45.76, lon: 4.83, radius_m: 20000 }, tlp_max: 'amber' });
  const excluded = [
    await subscribe(u.seer, { record_type: 'activity', categories: ['outreach'] }),
    await subscribe(u.seer, { record_type: 'activity', countries: ['DE'] }),
    await subscribe(u.seer, { record_type: 'activity', area: { lat: 48.85, lon: 2.35, radius_m: 10000 } }),
    await subscribe(u.seer, { record_type: 'activity', tlp_max: 'green' }),
  ];
  const blind = await subscribe(u.blind, { record_type: 'activity' });
  const a = await u.author.post('/api/v1/activities', { body: {
    title: 'Lyon school prevention talks', description: 'Twelve sessions in four schools', type: 'school_prevention',
    setting: 'school', area_country: 'FR', lat: 45.76, lon: 4.83, radius_km: 5, start: '2026-01-01', status: 'active',
    distribution: 'country', tlp: 'amber',
  } });
  assert.equal(a.status, 201, a.text);
  const id = a.body.id;
  await sink.until(() => mailOf(u.seer.email, id).length >= 1);
  await settle();
  const mails = mailOf(u.seer.email, id);
  assert.equal(mails.length, 1, mails.map((m) => m.text).join('\n---\n'));
  assert.match(mails[0].subject, /New activity: Lyon school prevention talks/);
  assert.ok(mails[0].text.includes('Twelve sessions') && mails[0].text.includes('[TLP:amber]'));
  assert.ok(mails[0].text.includes(`https://trellis.example.org/activities/${id}`));
  const items = await inbox(u.seer, id);
  assert.deepEqual(items.map((i) => [i.kind, i.subscription_id, i.link, i.title]),
    [['activity_new', match, `/activities/${id}`, 'Lyon school prevention talks']]);
  const all = JSON.stringify(sink.messages());
  for (const s of excluded) assert.ok(!all.includes(s));
  assert.equal((await inbox(u.blind, id)).length, 0, 'Berlin may not see a French-only activity');
  assert.equal(mailOf(u.blind.email, id).length, 0);
  assert.ok(!all.includes(blind));

  // red: the link and "something new", never the content
  const reader = await addUser('red@paris.example', orgs.paris);
  await subscribe(reader, { record_type: 'activity' });
  const red = await u.author.post('/api/v1/activities', { body: {
    title: 'Secret red activity', description: 'secret red description', type: 'outreach', setting: 'nightlife',
    area_country: 'FR', start: '2026-01-01', status: 'planned', distribution: 'country', tlp: 'red',
  } });
  assert.equal(red.status, 201, red.text);
  await sink.until(() => mailOf(reader.email, red.body.id).length >= 1);
  const [m] = mailOf(reader.email, red.body.id); // (until's snapshot may predate the message)
  assert.match(m.subject, /something new/i);
  assert.ok(!m.data.includes('Secret') && !m.text.includes('ecret') && !m.html.includes('ecret'), m.text);
});

test('subscription filters are those of the record type, checked against its own lists', async () => {
  const bad = [
    [{ record_type: 'signal' }, 'record_type'],
    [{ record_type: 'practice', substances: ['0190a1b2-0000-7000-8000-000000000001'] }, 'substances'],
    [{ record_type: 'practice', area: { lat: 45, lon: 4, radius_m: 1000 } }, 'area'],
    [{ record_type: 'practice', tlp_max: 'green' }, 'tlp_max'],
    [{ record_type: 'practice', categories: ['new_substance'] }, 'categories'],
    [{ record_type: 'proposal', categories: ['family'] }, 'categories'],
    [{ record_type: 'proposal', area: { lat: 45, lon: 4, radius_m: 1000 } }, 'area'],
    [{ record_type: 'activity', categories: ['family'] }, 'categories'],
    [{ record_type: 'activity', substances: ['0190a1b2-0000-7000-8000-000000000001'] }, 'substances'],
    [{ record_type: 'activity', countries: ['fr'] }, 'countries'],
    [{ record_type: 'activity', area: { lat: 45, lon: 200, radius_m: 1000 } }, 'area'],
  ];
  for (const [body, field] of bad) {
    assertProblem(assert, await u.seer.post('/api/v1/subscriptions', { body: { delivery: 'inbox', ...body } }), 400, field);
  }
  const fr = await u.seer.post('/api/v1/subscriptions', { body: { record_type: 'proposal', delivery: 'inbox', tlp_max: 'red' }, headers: { 'Accept-Language': 'fr' } });
  assertProblem(assert, fr, 400, 'tlp_max');
  assert.match(fr.body.errors[0].message, /ne s'applique pas/);
  const p = await u.seer.post('/api/v1/subscriptions', { body: { record_type: 'practice', delivery: 'digest', categories: ['school', 'family'], countries: ['FR'] } });
  assert.equal(p.status, 201, p.text);
  assert.equal(p.body.tlp_max, null, 'practices have no TLP');
  assert.deepEqual(p.body.categories, ['school', 'family']);
  const a = await u.seer.post('/api/v1/subscriptions', { body: { record_type: 'activity', delivery: 'inbox', categories: ['outreach'], tlp_max: 'amber', area: { lat: 45.76, lon: 4.83, radius_m: 5000 } } });
  assert.equal(a.status, 201, a.text);
  assert.equal(a.body.tlp_max, 'amber');
});

test('a digest groups proposals and activities of a day, each read for the recipient when sent', async () => {
  const reader = await addUser('digest@paris.example', orgs.paris);
  sql(srv, `UPDATE users SET language = 'ru' WHERE id = '${reader.id}'`);
  for (const record_type of ['proposal', 'activity']) await subscribe(reader, { record_type, delivery: 'digest' });
  const p = await u.author.post('/api/v1/proposals', { body: { title: 'Digest proposal', countries: ['FR'], distribution: 'country', status: 'open' } });
  assert.equal(p.status, 201, p.text);
  const a = await u.author.post('/api/v1/activities', { body: {
    title: 'Digest activity', type: 'outreach', setting: 'nightlife', area_country: 'FR', start: '2026-01-01',
    status: 'planned', distribution: 'country', tlp: 'green',
  } });
  assert.equal(a.status, 201, a.text);
  const gone = await u.author.post('/api/v1/activities', { body: {
    title: 'Narrowed before the digest', type: 'outreach', setting: 'nightlife', area_country: 'FR', start: '2026-01-01',
    status: 'planned', distribution: 'country', tlp: 'green',
  } });
  assert.equal(gone.status, 201, gone.text);
  // narrowed to its organisation before the digest: not a word of it
  const narrow = await u.author.patch(`/api/v1/activities/${gone.body.id}`, { body: { distribution: 'organisation' }, headers: { 'If-Match': gone.headers.get('etag') } });
  assert.equal(narrow.status, 200, narrow.text);
  const at = new Date(Date.now() + 60000).toISOString();
  const run = cli(['notify', 'digest', '--at', at, '--db', srv.db.url], { env: { ...process.env, ...env } });
  assert.equal(run.status, 0, run.stderr);
  const [m] = (await sink.until((all) => forUser(reader.email)(all).some((x) => /сводка/i.test(x.subject))))
    .filter((x) => x.to.includes(reader.email) && /сводка/i.test(x.subject));
  assert.ok(m.text.includes(`/proposals/${p.body.id}`) && m.text.includes('Digest proposal'), m.text);
  assert.ok(m.text.includes(`/activities/${a.body.id}`) && m.text.includes('Digest activity'), m.text);
  assert.ok(!m.text.includes('Narrowed') && !m.text.includes(gone.body.id), m.text);
});

test('imported activities reach their subscribers; a refused import tells no one', async () => {
  const reader = await addUser('import@paris.example', orgs.paris);
  const sub = await subscribe(reader, { record_type: 'activity', categories: ['outreach'], delivery: 'inbox' });
  const csv = (rows) => [
    'Organisation,Type,Activity,Country,Start,Status,Setting,Distribution,TLP',
    '#org,#sector,#activity,#country+code,#date+start,#status,#targeted+setting,#meta+distribution,#meta+tlp',
    ...rows].join('\n') + '\n';
  const post = (text) => u.author.post('/api/v1/activities/import', { raw: text, headers: { 'Content-Type': 'text/csv' } });
  const refused = await post(csv(['Lyon Prevention Network,outreach,Refused street work,FR,2026-03-01,planned,community,country,green',
    'Lyon Prevention Network,outreach,Bad row,FR,2026-02-30,planned,community,country,green']));
  assertProblem(assert, refused, 400, 'row 4 #date+start');
  const ok = await post(csv(['Lyon Prevention Network,outreach,Imported street work,FR,2026-03-01,planned,community,country,green',
    'Lyon Prevention Network,school_prevention,Imported school talks,FR,2026-03-01,planned,school,country,green']));
  assert.equal(ok.status, 201, ok.text);
  const r = await reader.get('/api/v1/inbox?kind=activity_new');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.items.map((i) => [i.title, i.subscription_id]), [['Imported street work', sub]]);
});
