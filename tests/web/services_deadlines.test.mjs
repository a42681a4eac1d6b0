// The service directory shows each service's deadlines (issue 18): its
// own when it declares them, else its type's (72 hours, 7 days; a
// diversion panel 36 hours); in Russian on a phone and in English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, screenshot, run, PASSWORD } from './lib.mjs';

let server;
let browser;

async function service(token, body) {
  const r = await fetch(`${server.url}/api/v1/services`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  assert.equal(r.status, 201, await r.text());
}

before(async () => {
  server = await startServer({ env: { TRELLIS_SECRET_KEY: 'd5'.repeat(32), TRELLIS_REFERRAL_JOB_INTERVAL_S: '0' } });
  browser = await launch();
  const police = run(['org', 'add', '--name', 'Policia Braga', '--kind', 'police', '--country', 'PT', '--db', server.db]);
  const clinic = run(['org', 'add', '--name', 'Clinica Braga', '--kind', 'treatment_provider', '--country', 'PT', '--db', server.db]);
  const panel = run(['org', 'add', '--name', 'Comissao Braga', '--kind', 'diversion_panel', '--country', 'PT', '--db', server.db]);
  run(['user', 'add', '--email', 'agente@example.org', '--name', 'Agente', '--org', police, '--role', 'officer', '--password-stdin', '--db', server.db], `${PASSWORD}\n`);
  run(['user', 'add', '--email', 'clinica@example.org', '--name', 'Clinica', '--org', clinic, '--role', 'org_admin', '--db', server.db]);
  run(['user', 'add', '--email', 'comissao@example.org', '--name', 'Comissao', '--org', panel, '--role', 'org_admin', '--db', server.db]);
  await service(run(['token', 'create', '--email', 'clinica@example.org', '--db', server.db]), { name: 'Fast outpatient', type: 'treatment', ack_hours: 12, first_contact_days: 2 });
  await service(run(['token', 'create', '--email', 'clinica@example.org', '--db', server.db]), { name: 'Family support', type: 'family_support' });
  await service(run(['token', 'create', '--email', 'comissao@example.org', '--db', server.db]), { name: 'Hearing', type: 'diversion_panel' });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const row = (page, name) => page.locator('tr', { hasText: name }).locator('[data-deadlines]');

test('ru, phone and en, desktop: the deadlines in force beside each service', async () => {
  const page = await newPage(browser, { viewport: { width: 390, height: 844 }, locale: 'ru-RU' });
  await signIn(page, server.url, 'agente@example.org');
  await page.goto(`${server.url}/services`);
  await page.locator('input[name=country]').fill('PT');
  await page.locator('form.filters button[type=submit]').click();
  await row(page, 'Fast outpatient').filter({ hasText: 'подтверждает за 12 ч, первый контакт за 2 дн.' }).waitFor();
  await row(page, 'Family support').filter({ hasText: 'за 72 ч' }).waitFor();
  await row(page, 'Hearing').filter({ hasText: 'за 36 ч' }).waitFor();
  await screenshot(page, 'services-deadlines-ru-phone');
  const en = await newPage(browser, { locale: 'en-GB' });
  await signIn(en, server.url, 'agente@example.org');
  await en.goto(`${server.url}/services`);
  await en.locator('input[name=country]').fill('PT');
  await en.locator('form.filters button[type=submit]').click();
  await row(en, 'Fast outpatient').filter({ hasText: 'acknowledges within 12 h, first contact within 2 d' }).waitFor();
  assert.deepEqual(page.errors.filter((e) => !/status of 401/.test(e)), []);
});
