// Remote organisations in the browser (issue 17): records of another node,
// written here as federation writes its copies (the record under a remote
// organisation, a row of organisations with origin_node, from a peer), show
// their organisation with a visible "remote" marker naming the node, in the
// alert, activity, practice and proposal pages and lists, a practice's
// reviewers, a proposal's verifier, sharing groups and the organisations
// list; this node's own do not. A node that is not a peer shows the name its
// peer gave it. A record a peer sends and this node refuses is on the audit
// page with the peer and the reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { generateKeyPairSync, sign, randomUUID } from 'node:crypto';
import { startServer, launch, newPage, signIn, run, hasCount, apiCall } from './lib.mjs';

let server, browser, token;
const NODE = '01900000-0000-7000-8000-00000000b0de';
const ORG = '01900000-0000-7000-8000-0000000000f1';
// a node that is not a peer here: its key pinned through NODE, which named it
const NODE2 = '01900000-0000-7000-8000-00000000c0de';
const ORG2 = '01900000-0000-7000-8000-0000000000f2';
const ids = {};

const api = (method, path, body) => apiCall(server.url, token, method, path, body);
const sql = (text) => execFileSync('sqlite3', [server.db.slice(7), text], { encoding: 'utf8' });

/* The record becomes a copy of NODE's, under its remote organisation, with
 * a new change number (the alerts' read model follows them). */
function copy(table, id) {
  sql(`UPDATE alert_seq SET n = n + 1 WHERE id = 1;
       UPDATE ${table} SET org_id = '${ORG}', origin_node = '${NODE}', received_from = '${NODE}',
         seq = (SELECT n FROM alert_seq WHERE id = 1) WHERE id = '${id}';`);
}

before(async () => {
  server = await startServer();
  browser = await launch();
  token = run(['token', 'create', '--email', 'admin@example.org', '--db', server.db]);
  run(['peer', 'add', '--name', 'Kyiv node', '--url', 'http://127.0.0.1:9', '--node-id', NODE,
    '--public-key', 'cd'.repeat(32), '--db', server.db]);
  const now = Date.now();
  sql(`INSERT INTO organisations (id, name, kind, country, created_at, updated_at, origin_node)
       VALUES ('${ORG}', 'National Police of Ukraine', 'police', 'UA', ${now}, ${now}, '${NODE}');`);
  const a = await api('POST', '/alerts', { title: 'Remote alert', category: 'new_substance', tlp: 'green', distribution: 'network', status: 'published' });
  const own = await api('POST', '/alerts', { title: 'Own alert', category: 'new_substance', tlp: 'green', distribution: 'network', status: 'published' });
  const act = await api('POST', '/activities', { title: 'Remote activity', type: 'school_prevention', setting: 'school', area_country: 'UA',
    start: '2026-01-01', status: 'active', age_min: 12, age_max: 16, gender: 'all', distribution: 'network', tlp: 'green' });
  const pr = await api('POST', '/proposals', { title: 'Remote proposal', description: 'x', distribution: 'network', status: 'open' });
  assert.ok(a.id && own.id && act.id && pr.id, JSON.stringify({ a, own, act, pr }));
  copy('alerts', a.id);
  copy('activities', act.id);
  copy('proposals', pr.id);
  Object.assign(ids, { alert: a.id, own: own.id, activity: act.id, proposal: pr.id });
  // NODE passed along a practice of its own, reviewed there by NODE and by
  // NODE2, and its proposal, verified by NODE2
  sql(`INSERT INTO fed_nodes (node_id, public_key, via, first_seen_at, name)
       VALUES ('${NODE2}', '${'ef'.repeat(32)}', '${NODE}', ${now}, 'Chisinau node');
     INSERT INTO organisations (id, name, kind, country, created_at, updated_at, origin_node)
       VALUES ('${ORG2}', 'General Police Inspectorate', 'police', 'MD', ${now}, ${now}, '${NODE2}');`);
  const prac = await api('POST', '/practices', { title: 'Remote practice', summary: 'peer education', origin_country: 'UA',
    target_group: 'pupils', setting: 'school', evidence_level: 'likely_beneficial', language: 'en' });
  assert.ok(prac.id, JSON.stringify(prac));
  copy('practices', prac.id);
  sql(`UPDATE practices SET status = 'published' WHERE id = '${prac.id}';
     INSERT INTO practice_review_copies (id, practice_id, org_id, verdict, comments, created_at) VALUES
       ('01900000-0000-7000-8000-0000000000a1', '${prac.id}', '${ORG}', 'verify', 'sound', ${now}),
       ('01900000-0000-7000-8000-0000000000a2', '${prac.id}', '${ORG2}', 'verify', 'replicated', ${now + 1});
     UPDATE proposals SET status = 'verified', verified_org_id = '${ORG2}' WHERE id = '${pr.id}';`);
  ids.practice = prac.id;
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const marker = (page) => page.locator(`.badge-remote[data-remote="${NODE}"]`);

test('a remote organisation carries a "remote" marker with its node in the pages of its records', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url);
  // the alerts list: the remote alert's row has the marker, this node's own not
  await page.goto(`${server.url}/alerts`);
  const row = page.getByRole('row').filter({ hasText: 'Remote alert' });
  await row.locator('.badge-remote').waitFor();
  await hasCount(row.locator('.badge-remote'), 1, 'the remote alert is marked');
  await hasCount(page.getByRole('row').filter({ hasText: 'Own alert' }).locator('.badge-remote'), 0, 'its own alert is not');
  assert.equal(await row.locator('.badge-remote').textContent(), 'remote · Kyiv node');
  // its page
  await page.goto(`${server.url}/alerts/${ids.alert}`);
  await page.getByRole('heading', { level: 1, name: 'Remote alert' }).waitFor();
  await marker(page).first().waitFor();
  assert.match(await page.locator('.subtitle').textContent(), /National Police of Ukraine remote · Kyiv node/);
  // the activity, in the list and on its page
  await page.goto(`${server.url}/activities`);
  await page.getByRole('row').filter({ hasText: 'Remote activity' }).locator('.badge-remote').waitFor();
  await page.goto(`${server.url}/activities/${ids.activity}`);
  await page.getByRole('heading', { level: 1, name: 'Remote activity' }).waitFor();
  await marker(page).first().waitFor();
  // the proposal's page
  await page.goto(`${server.url}/proposals/${ids.proposal}`);
  await page.getByRole('heading', { level: 1, name: 'Remote proposal' }).waitFor();
  await marker(page).first().waitFor();
  // (the sign-in page asks who is signed in first: a 401)
  assert.deepEqual(page.errors.filter((e) => !/status of 401/.test(e)), []);
  assert.deepEqual(page.foreign, []);
});

test('the marker speaks French and Russian', async () => {
  for (const [locale, text] of [['fr-FR', 'distante · Kyiv node'], ['ru-RU', 'удалённая · Kyiv node']]) {
    const page = await newPage(browser, { locale });
    await signIn(page, server.url);
    await page.goto(`${server.url}/proposals/${ids.proposal}`);
    await marker(page).first().waitFor();
    assert.equal(await marker(page).first().textContent(), text);
    await page.context().close();
  }
});

test('the practices and proposals lists show each one\'s organisation, marked when remote', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url);
  for (const [path, title] of [['/practices', 'Remote practice'], ['/proposals', 'Remote proposal']]) {
    await page.goto(`${server.url}${path}`);
    const row = page.getByRole('row').filter({ hasText: title });
    await row.locator('.badge-remote').waitFor();
    await hasCount(row.locator(`.badge-remote[data-remote="${NODE}"]`), 1, `${title} is marked`);
    assert.equal(await row.locator('.badge-remote').textContent(), 'remote · Kyiv node');
    assert.match(await row.textContent(), /National Police of Ukraine/);
    await page.getByRole('columnheader', { name: 'Organisation' }).waitFor();
  }
  // this node's own proposal: its organisation, unmarked
  await api('POST', '/proposals', { title: 'Own proposal', description: 'x', distribution: 'network', status: 'open' });
  await page.goto(`${server.url}/proposals`);
  const own = page.getByRole('row').filter({ hasText: 'Own proposal' });
  await own.waitFor();
  await page.getByRole('row').filter({ hasText: 'Remote proposal' }).locator('.badge-remote').waitFor();
  await hasCount(own.locator('.badge-remote'), 0, 'its own proposal is not marked');
  assert.deepEqual(page.errors.filter((e) => !/status of 401/.test(e)), []);
});

test('a practice\'s reviewers and a proposal\'s verifier carried in copies are marked, a node that is not a peer by the name its peer gave it', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url);
  await page.goto(`${server.url}/practices/${ids.practice}`);
  await page.getByRole('heading', { level: 1, name: 'Remote practice' }).waitFor();
  const reviews = page.locator('.thread .msg');
  await hasCount(reviews, 2, 'both reviews');
  const kyiv = reviews.locator(`.badge-remote[data-remote="${NODE}"]`);
  const chisinau = reviews.locator(`.badge-remote[data-remote="${NODE2}"]`);
  await kyiv.waitFor();
  await chisinau.waitFor();
  assert.equal(await kyiv.textContent(), 'remote · Kyiv node');
  assert.equal(await chisinau.textContent(), 'remote · Chisinau node');
  assert.match(await reviews.nth(1).textContent(), /General Police Inspectorate/);
  await page.goto(`${server.url}/proposals/${ids.proposal}`);
  await page.getByRole('heading', { level: 1, name: 'Remote proposal' }).waitFor();
  const verifier = page.locator('[data-verified-by]');
  await verifier.locator(`.badge-remote[data-remote="${NODE2}"]`).waitFor();
  assert.match(await verifier.textContent(), /General Police Inspectorate remote · Chisinau node/);
  // the API says so too: the name as the peer that passed its records gave it
  const org = await api('GET', `/organisations/${ORG2}`);
  assert.equal(org.origin_node_name, 'Chisinau node');
  assert.deepEqual(page.errors.filter((e) => !/status of 401/.test(e)), []);
  assert.deepEqual(page.foreign, []);
});

test('sharing groups and the organisations list mark the remote organisations they name', async () => {
  const g = await api('POST', '/sharing-groups', { name: 'With Moldova', members: [ORG2] });
  const page = await newPage(browser);
  await signIn(page, server.url);
  await page.goto(`${server.url}/sharing-groups/${g.id}`);
  await page.getByRole('heading', { level: 1, name: 'With Moldova' }).waitFor();
  const member = page.locator('.member-list li').filter({ hasText: 'General Police Inspectorate' });
  await member.locator(`.badge-remote[data-remote="${NODE2}"]`).waitFor();
  assert.equal(await member.locator('.badge-remote').textContent(), 'remote · Chisinau node');
  await page.goto(`${server.url}/organisations?q=police`);
  const row = page.getByRole('row').filter({ hasText: 'National Police of Ukraine' });
  await row.locator(`.badge-remote[data-remote="${NODE}"]`).waitFor();
  await hasCount(page.getByRole('row').filter({ hasText: 'General Police Inspectorate' }).locator('.badge-remote'), 1, 'the remote one of a node that is not a peer');
  assert.deepEqual(page.errors.filter((e) => !/status of 401/.test(e)), []);
});

/* A fake peer that answers every pull with a signed bundle holding a record
 * that claims the puller's own node: refused, and written to the audit log. */
test('the audit page shows a refused federation record with its peer and the reason', async () => {
  const srv = await startServer({ env: { TRELLIS_SECRET_KEY: 'ab'.repeat(32), TRELLIS_FED_RETRY_MS: '200', TRELLIS_FED_WAIT_S: '1' } });
  const tok = run(['token', 'create', '--email', 'admin@example.org', '--db', srv.db]);
  const me = (await apiCall(srv.url, tok, 'GET', '/federation/node')).node_id;
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pk = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url').toString('hex');
  const signHex = (text) => sign(null, Buffer.from(text), privateKey).toString('hex');
  const FAKE = '01900000-0000-7000-8000-00000000fa4e';
  const record = JSON.stringify({ type: 'alert', op: 'upsert', id: randomUUID(), origin_node: me, version: 1,
    org: { id: ORG, name: 'Fake', kind: 'police', country: 'UA' }, data: { title: 'Claimed', category: 'other', status: 'published', tlp: 'green' } });
  const fake = createServer((req, res) => {
    const payload = JSON.stringify({ v: 1, id: randomUUID(), from: FAKE, audience: me, created_at: Date.now(),
      expires_at: Date.now() + 60000, after: 0, cursor: 0, more: false,
      records: [{ seq: 1, signed: { text: record, sig: signHex(record), pk } }] });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ index: [], payload, signature: signHex(payload) }));
  });
  await new Promise((r) => fake.listen(0, '127.0.0.1', r));
  try {
    run(['peer', 'add', '--name', 'Faker node', '--url', `http://127.0.0.1:${fake.address().port}`, '--node-id', FAKE,
      '--public-key', pk, '--db', srv.db]);
    const page = await newPage(browser);
    await signIn(page, srv.url);
    const entry = page.locator('tr[data-action="fed_refused"]').first();
    // the pull runs in the background: look again until it has been refused
    for (let i = 0; i < 40 && !(await entry.count()); i++) {
      await new Promise((r) => setTimeout(r, 500));
      await page.goto(`${srv.url}/audit?resource_type=peer`);
      await page.getByRole('heading', { level: 1 }).waitFor();
    }
    await entry.waitFor();
    await entry.locator('[data-reason]').waitFor();
    assert.match(await entry.textContent(), /refused a federation record/);
    assert.match(await entry.locator('[data-reason]').textContent(), /claims a record of this node/);
    assert.match(await entry.textContent(), /peer: Faker node/);
    assert.match(await entry.textContent(), /Federation peer/);
    await page.context().close();
  } finally {
    fake.close();
    await srv.stop();
  }
});
