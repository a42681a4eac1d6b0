// The web app in headless chromium against the real server: sign-in, the
// map, administration, languages, accessibility, and no outside requests.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launch, newPage, signIn, screenshot, ROOT, PASSWORD, hasCount } from './lib.mjs';

let server;
let browser;
const pages = [];

async function open(opts) {
  const page = await newPage(browser, opts);
  pages.push(page);
  return page;
}

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

describe('web app', () => {
  test('sign in shows the user in the top bar; sign out returns to the form', async () => {
    const page = await open();
    await signIn(page, server.url);
    const box = page.locator('.userbox');
    await assert.doesNotReject(box.getByText('Ada Admin').waitFor());
    await box.getByText('Strategic Police Matters Unit').waitFor();
    await box.getByText('Administrator').waitFor();
    await screenshot(page, 'signed-in');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await hasCount(page.locator('.userbox'), 0);
    // the session is gone on the server too: a reload stays signed out
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshot(page, 'signed-out');
    assert.deepEqual(page.errors.filter((e) => !/status of 40[14]/.test(e)), []);
  });

  test('a wrong password shows the error and no session', async () => {
    const page = await open();
    await page.goto(`${server.url}/`);
    await page.getByLabel('Email address').fill('admin@example.org');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /email or the password is wrong/i);
    await hasCount(page.locator('.userbox'), 0);
    await screenshot(page, 'wrong-password');
  });

  test('the dashboard map draws the country shapes and highlights the OSCE States', async () => {
    const page = await open();
    await signIn(page, server.url);
    await page.waitForSelector('.map[data-ready]');
    const all = await page.locator('.map path.leaflet-interactive').count();
    const osce = await page.locator('.map path.osce-country').count();
    assert.ok(all > 200, `only ${all} shapes drawn`);
    assert.ok(osce >= 60, `only ${osce} OSCE shapes highlighted`);
    await hasCount(page.locator('.map .leaflet-tile'), 0, 'no tile layer');
    await page.getByText('57', { exact: true }).waitFor();
    await screenshot(page, 'dashboard');
  });

  test('the dashboard draws its charts without a chart library or Intl, and points read out a week', async () => {
    const page = await open();
    const asked = [];
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    // count the Intl formatters the page builds (the first costs a tenth of a second)
    await page.addInitScript(() => {
      window.intlBuilt = 0;
      for (const k of ['NumberFormat', 'DateTimeFormat', 'DisplayNames', 'Collator']) {
        const Real = Intl[k];
        Intl[k] = function counted(...a) { window.intlBuilt += 1; (window.intlWho ||= []).push(`${k} ${new Error().stack}`); return new Real(...a); };
        Object.assign(Intl[k], Real);
      }
    });
    await signIn(page, server.url);
    const chart = page.locator('.chart-weekly[data-ready]');
    await chart.waitFor();
    await page.waitForSelector('.map[data-ready][data-points]');
    assert.ok(await chart.locator('svg polyline').count() >= 1, 'a line per series');
    assert.ok(await chart.locator('svg text.chart-label').count() >= 4, 'axis labels');
    assert.equal(await chart.getAttribute('role'), 'img');
    assert.ok((await chart.getAttribute('aria-label')).length > 3);
    assert.ok(!asked.some((p) => p.includes('uplot')), 'no chart library on the dashboard');
    assert.equal(await page.evaluate(() => window.intlBuilt), 0, await page.evaluate(() => String(window.intlWho)));
    const plot = chart.locator('svg[aria-hidden]').first();
    await plot.scrollIntoViewIfNeeded();
    const box = await plot.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForFunction(() => /\d/.test(document.querySelector('.chart-weekly .chart-readout').textContent));
    assert.deepEqual(page.errors.filter((e) => !/status of 40[14]/.test(e)), []);
  });

  test('an admin creates an organisation and a user in it', async () => {
    const page = await open();
    await signIn(page, server.url);
    await page.getByRole('navigation').getByRole('link', { name: 'Organisations' }).click();
    await page.getByRole('link', { name: 'New organisation' }).click();
    await page.getByLabel('Name').fill('Polizei Wien, Präventionsdienst');
    await page.getByLabel('Kind').selectOption('police');
    assert.equal(await page.getByLabel('Country').locator('option:checked').textContent(), 'Choose…', 'no country chosen for the user');
    await page.getByLabel('Country').selectOption('AT');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Polizei Wien, Präventionsdienst' }).waitFor();
    await page.getByRole('status').getByText('Polizei Wien, Präventionsdienst was created.').waitFor();
    const orgId = page.url().split('/').pop();
    await screenshot(page, 'organisation-created');

    await page.goto(`${server.url}/organisations?country=AT`);
    await page.getByRole('link', { name: 'Polizei Wien, Präventionsdienst' }).waitFor();

    await page.goto(`${server.url}/users/new`);
    await page.getByLabel('Email address').fill('officer.wien@example.org');
    await page.getByLabel('Name').fill('Olga Officer');
    await page.getByLabel('Organisation').selectOption(orgId);
    await page.getByLabel('Role').selectOption('officer');
    // a too short password: the server's field error appears next to the field
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create' }).click();
    const pwField = page.locator('.field', { has: page.getByLabel('Password') });
    await pwField.locator('.field-error').waitFor();
    assert.match(await pwField.locator('.field-error').textContent(), /12/);
    assert.equal(await page.getByLabel('Password').getAttribute('aria-invalid'), 'true');
    await screenshot(page, 'user-field-error');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Olga Officer' }).waitFor();
    await page.goto(`${server.url}/users`);
    const row = page.getByRole('row', { name: /Olga Officer/ });
    await row.waitFor();
    assert.match(await row.textContent(), /Polizei Wien, Präventionsdienst/);
    assert.match(await row.textContent(), /Officer/);
    await screenshot(page, 'users');

    // the new user can sign in
    const other = await open();
    await signIn(other, server.url, 'officer.wien@example.org');
    await other.locator('.userbox').getByText('Polizei Wien, Präventionsdienst').waitFor();
  });

  test('French and Russian translate the app and are remembered', async () => {
    const page = await open();
    await page.goto(`${server.url}/`);
    await page.getByLabel('Language').selectOption('fr');
    await page.getByRole('heading', { name: 'Connexion' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    await screenshot(page, 'signin-fr');
    await signIn(page, server.url);
    await page.getByRole('navigation').getByRole('link', { name: 'Tableau de bord' }).waitFor();
    await page.getByText('États participants', { exact: true }).waitFor();
    await page.waitForSelector('.map[data-ready]');
    await screenshot(page, 'dashboard-fr');
    await page.getByLabel('Langue').selectOption('ru');
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: 'Организации' }).waitFor();
    await page.locator('.userbox').getByText('Администратор').waitFor();
    await page.reload();
    await nav.getByRole('link', { name: 'Обзор' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'ru');
    await nav.getByRole('link', { name: 'Организации' }).click();
    await page.getByText(/^\d+ организаци[йяи]$/).waitFor();
    await screenshot(page, 'organisations-ru');
  });

  test('axe finds no serious or critical problems on the sign-in page and the dashboard', async () => {
    const axe = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
    const page = await open();
    const check = async (name) => {
      // evaluated through the DevTools protocol, which the page's CSP does not govern
      await page.evaluate(axe);
      const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
      const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
      assert.deepEqual(bad, [], `${name}:\n${bad.join('\n')}`);
    };
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await check('sign-in');
    await screenshot(page, 'axe-signin');
    await signIn(page, server.url);
    await page.waitForSelector('.map[data-ready]');
    await check('dashboard');
    await screenshot(page, 'axe-dashboard');
  });

  test('on a phone the menu button opens the navigation', async () => {
    const page = await open({ viewport: { width: 390, height: 844 } });
    await signIn(page, server.url);
    await page.waitForSelector('.map[data-ready]');
    const nav = page.locator('#main-nav');
    assert.equal(await nav.isVisible(), false);
    await screenshot(page, 'phone-dashboard');
    const menu = page.getByRole('button', { name: 'Menu' });
    await menu.click();
    assert.equal(await menu.getAttribute('aria-expanded'), 'true');
    await nav.getByRole('link', { name: 'Sharing groups' }).click();
    await page.getByRole('heading', { name: 'Sharing groups' }).waitFor();
    assert.equal(await nav.isVisible(), false);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `page is ${width}px wide`);
    await screenshot(page, 'phone-groups');
  });

  test('no request leaves 127.0.0.1', async () => {
    const page = await open();
    await signIn(page, server.url);
    await page.waitForSelector('.map[data-ready]');
    for (const path of ['/organisations', '/users', '/sharing-groups', '/tokens', '/audit']) {
      await page.goto(`${server.url}${path}`);
      await page.locator('#page-title').waitFor();
      await page.waitForLoadState('networkidle');
    }
    await screenshot(page, 'audit');
    const foreign = pages.flatMap((p) => p.foreign);
    assert.deepEqual(foreign, []);
  });
});
