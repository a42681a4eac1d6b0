// The shared pieces of the pages (list-page.js, components.js): every list
// page draws its table or its empty message through ListTable, every create
// form its frame through FormPage and its save through useSubmit (a refused
// save shows the problem and frees the button; a good one opens the
// record), and the password page keeps its button off without a token.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn } from './lib.mjs';

let server;
let browser;
let page;

/** The script errors of a page, less the answers in 4xx (the sign-in
 * page's /me, the saves refused on purpose), which the console lists too. */
const scriptErrors = (p) => p.errors.filter((e) => !/status of 4\d\d/.test(e));

before(async () => {
  server = await startServer();
  browser = await launch();
  page = await newPage(browser);
  await signIn(page, server.url);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const LISTS = ['/alerts', '/tips', '/problems', '/activities', '/practices', '/proposals', '/signals', '/commitments', '/events',
  '/sharing-groups', '/tokens', '/audit'];

test('each list page shows its table or its empty message, with no script error', async () => {
  for (const path of LISTS) {
    await page.goto(`${server.url}${path}`);
    await page.locator('#main .table-wrap table, #main p.empty').first().waitFor()
      .catch((e) => { throw new Error(`${path}: ${e.message}`); });
    assert.deepEqual(scriptErrors(page), [], path);
  }
});

const FORMS = [['/practices/new', '/practices'], ['/proposals/new', '/proposals'], ['/activities/new', '/activities'],
  ['/events/new', '/events'], ['/documents/new', '/commitments'], ['/commitments/new', '/commitments'], ['/alerts/new', '/alerts']];

test('each create form sits under the way back to its list; an empty save shows the problem and frees the button', async () => {
  for (const [path, back] of FORMS) {
    await page.goto(`${server.url}${path}`);
    await page.locator(`#main p.breadcrumb a[href="${back}"]`).waitFor();
    const button = page.locator('#main form.card .form-actions button').first();
    await button.click();
    const problem = page.locator('#main form.card [data-problem]');
    await problem.waitFor();
    assert.ok(await problem.locator('[data-field]').count() > 0, `${path}: the problem names a field`);
    assert.equal(await button.isDisabled(), false, `${path}: the button is free again`);
    assert.deepEqual(scriptErrors(page), [], path);
  }
});

test('a new sharing group is created once and its page opens', async () => {
  await page.goto(`${server.url}/sharing-groups/new`);
  await page.locator('#main input[name=name]').fill('Balkan route analysts');
  await page.locator('#main button[type=submit]').click();
  await page.waitForURL(/\/sharing-groups\/[0-9a-f-]{36}$/);
  await page.getByRole('heading', { name: 'Balkan route analysts' }).waitFor();
  await page.goto(`${server.url}/sharing-groups`);
  await page.locator('#main tbody tr', { hasText: 'Balkan route analysts' }).waitFor();
  assert.equal(await page.locator('#main tbody tr', { hasText: 'Balkan route analysts' }).count(), 1);
  assert.deepEqual(scriptErrors(page), []);
});

test('the password page without a token says so and keeps its button off', async () => {
  const anon = await newPage(browser);
  await anon.goto(`${server.url}/password`);
  await anon.locator('#main [role=alert]').first().waitFor();
  assert.equal(await anon.locator('#main button[type=submit]').isDisabled(), true);
  assert.deepEqual(scriptErrors(anon), []);
  await anon.context().close();
});

test('a record is created where crypto.randomUUID does not exist (plain HTTP on a station\'s network is not a secure context)', async () => {
  const plain = await newPage(browser);
  await plain.context().addInitScript(() => { delete Crypto.prototype.randomUUID; });
  await signIn(plain, server.url);
  await plain.goto(`${server.url}/proposals/new`);
  assert.equal(await plain.evaluate(() => typeof crypto.randomUUID), 'undefined');
  const keys = [];
  plain.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/api/v1/proposals')) keys.push(r.headers()['idempotency-key']); });
  await plain.locator('#main input[name=title]').fill('Youth centre evenings in Favoriten');
  await plain.locator('#main textarea[name=description]').fill('Evening sessions with outreach workers.');
  await plain.locator('#main input[name=distribution][value=organisation]').check();
  await plain.locator('#main form.card button[type=submit]').click();
  await plain.waitForURL(/\/proposals\/[0-9a-f-]{36}$/);
  assert.equal(keys.length, 1);
  assert.match(keys[0], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual(scriptErrors(plain), []);
  await plain.context().close();
});
