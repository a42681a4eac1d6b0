// The audit log read by an administrator, in French on a phone: actions in
// words, who acted, links to the records, the reason given for reading a
// tip's contact, filters by kind of record, action, user and dates, a CSV
// download with those filters, and axe at 0 serious problems.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launch, newPage, signIn, screenshot, run, hasCount, ROOT, apiCall } from './lib.mjs';
import { solve } from '../api/lib.mjs';

let server;
let browser;
const ids = {};
const REASON = 'rappeler au sujet de la voiture rouge';

const api = (token, method, path, body) => apiCall(server.url, token, method, path, body);

before(async () => {
  server = await startServer({ env: { TRELLIS_SECRET_KEY: 'c3'.repeat(32), TRELLIS_TIP_POW_BITS: '4' } });
  browser = await launch();
  const admin = run(['token', 'create', '--email', 'admin@example.org', '--db', server.db]);
  const org = run(['org', 'add', '--name', 'Police de Vienne', '--kind', 'police', '--country', 'AT', '--db', server.db]);
  ids.officer = run(['user', 'add', '--email', 'olga@example.org', '--name', 'Olga Officière', '--org', org, '--role', 'officer', '--db', server.db]);
  const officer = run(['token', 'create', '--email', 'olga@example.org', '--db', server.db]);
  ids.alert = (await api(admin, 'POST', '/alerts', { title: 'Comprimés vendus devant les écoles', category: 'street_distribution', tlp: 'amber', distribution: 'network', status: 'published' })).id;
  const r = await fetch(`${server.url}/api/v1/public/tips`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({
    category: 'dealing_near_school', description: 'Un homme vend des comprimés devant l’école.', country: 'AT', lat: 48.2082, lon: 16.3738,
    contact: 'signal: +43 660 000000', ...(await solve(server.url)) }) });
  assert.equal(r.status, 201, await r.text());
  ids.tip = (await api(officer, 'GET', '/tips')).items[0].id;
  await api(officer, 'GET', `/tips/${ids.tip}/contact?justification=${encodeURIComponent(REASON)}`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const rows = (page) => page.locator('main tbody tr');

test('fr, phone: the log in words, with links, reasons, every filter and a CSV of what is shown', async () => {
  const page = await newPage(browser, { viewport: { width: 390, height: 844 }, locale: 'fr-FR' });
  await signIn(page, server.url);
  await page.goto(`${server.url}/audit`);
  await page.getByRole('heading', { name: 'Journal d’audit' }).waitFor();
  await rows(page).first().waitFor();
  // the alert's creation: in French, by its author, a link to the alert
  const created = page.locator(`tbody tr[data-action="create"]:has(a[href="/alerts/${ids.alert}"])`);
  await created.waitFor();
  assert.match(await created.innerText(), /création/);
  assert.match(await created.innerText(), /Ada Admin/);
  assert.match(await created.innerText(), /Alerte/);

  // the kinds of record include the tip and the referral, in French
  const kind = page.getByLabel('Type d’enregistrement');
  assert.ok((await kind.locator('option').allInnerTexts()).includes('Orientation'), 'referrals are a filter');
  await kind.selectOption('tip');
  await page.waitForURL(/resource_type=tip/);
  await hasCount(page.locator('main tbody tr:not([data-action])'), 0);
  await page.waitForFunction(() => [...document.querySelectorAll('main tbody tr td:nth-child(4)')].every((td) => /Signalement/.test(td.textContent)));
  // the reason for reading the contact, from the officer
  await page.getByLabel('Action', { exact: true }).selectOption('read_sensitive');
  await page.waitForURL(/action=read_sensitive/);
  await hasCount(rows(page), 1, 'one read of the contact');
  const read = rows(page).first();
  assert.match(await read.locator('[data-reason]').innerText(), new RegExp(`Motif.*${REASON}`));
  assert.match(await read.innerText(), /a lu un champ sensible/);
  assert.equal(await read.locator(`a[href="/users/${ids.officer}"]`).innerText(), 'Olga Officière');
  assert.equal(await read.locator(`a[href="/tips/${ids.tip}"]`).count(), 1);
  // on a phone the table scrolls inside its frame; the page itself does not
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, view: window.innerWidth,
    frame: document.querySelector('main .table-wrap').getBoundingClientRect().right }));
  assert.ok(widths.page <= widths.view && widths.frame <= widths.view, JSON.stringify(widths));
  await screenshot(page, 'audit-fr-phone');

  // the download carries the filters
  const href = await page.locator('[data-export] a[href*="format=csv"]').getAttribute('href');
  assert.match(href, /^\/api\/v1\/audit\/export\?/);
  const csv = await (await page.request.get(`${server.url}${href}`)).text();
  const lines = csv.trim().split('\r\n');
  assert.equal(lines.length, 2, csv);
  assert.ok(lines[1].includes(REASON) && lines[1].includes('read_sensitive'), csv);

  // by user: the officer's entries only
  await page.getByLabel('Action', { exact: true }).selectOption('');
  await page.getByLabel('Type d’enregistrement').selectOption('');
  await page.getByLabel('Qui').selectOption(ids.officer);
  await page.waitForURL(/user_id=/);
  await page.waitForFunction((id) => {
    const r = [...document.querySelectorAll('main tbody tr')];
    return r.length > 0 && r.every((tr) => tr.querySelector(`a[href="/users/${id}"]`));
  }, ids.officer);

  // dates: an end before the start is said at the field, not sent
  await page.getByLabel('Du', { exact: true }).fill('2026-03-10');
  await page.getByLabel('Au', { exact: true }).fill('2026-03-01');
  await page.getByText('La date de fin précède la date de début.').waitFor();
  await page.getByLabel('Du', { exact: true }).fill('2100-01-01');
  await page.getByLabel('Au', { exact: true }).fill('2100-01-02');
  await page.getByText('Aucune entrée ne correspond.').or(page.locator('.empty')).first().waitFor();
  await hasCount(rows(page), 0);

  // axe: nothing serious at phone width, with the filters set
  await page.evaluate(readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  await page.goto(`${server.url}/audit?resource_type=tip`);
  await rows(page).first().waitFor();
  await page.evaluate(readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  assert.deepEqual(bad, []);
  assert.deepEqual(page.errors.filter((e) => !/status of 401/.test(e)), []);
});

test('a record\'s history: every entry of one record, and back to all', async () => {
  const page = await newPage(browser, { viewport: { width: 1280, height: 860 }, locale: 'ru-RU' });
  await signIn(page, server.url);
  await page.goto(`${server.url}/audit?resource_id=${ids.tip}`);
  await page.locator('[data-record-filter]').waitFor();
  await page.waitForFunction((id) => {
    const r = [...document.querySelectorAll('main tbody tr')];
    return r.length >= 2 && r.every((tr) => tr.querySelector(`a[href="/tips/${id}"]`));
  }, ids.tip);
  // a tip's sender is "a member of the public" in Russian, not an id
  assert.equal(await page.locator('main tbody tr[data-action="create"] td:nth-child(2)').innerText(), JSON.parse(readFileSync(join(ROOT, 'web/i18n/ru.json'), 'utf8'))['audit.public']);
  await page.locator('[data-record-filter] button').click();
  await hasCount(page.locator('[data-record-filter]'), 0);
  await page.waitForFunction(() => document.querySelectorAll('main tbody tr').length > 3);
});
