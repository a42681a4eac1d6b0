// Remote organisations in the browser (issue 17): records of another node,
// written here as federation writes its copies (the record under a remote
// organisation, a row of organisations with origin_node, from a peer), show
// their organisation with a visible "remote" marker naming the node, in the
// alert, activity and proposal pages and lists; this node's own do not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, launch, newPage, signIn, run, hasCount, apiCall } from './lib.mjs';

let server, browser, token;
const NODE = '01900000-0000-7000-8000-00000000b0de';
const ORG = '01900000-0000-7000-8000-0000000000f1';
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
