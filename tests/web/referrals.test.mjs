// A police officer refers a young person on a phone, in French: finds a
// service by age and language, fills in the person (sealed by the server),
// records a guardian's consent and sends; the referral's page shows it sent
// with its deadline, and the receiving clinic finds it in its inbox.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, screenshot, run, PASSWORD } from './lib.mjs';

let server;
let browser;
let clinicToken;

before(async () => {
  server = await startServer({ env: { TRELLIS_SECRET_KEY: 'd4'.repeat(32), TRELLIS_REFERRAL_JOB_INTERVAL_S: '0' } });
  browser = await launch();
  const police = run(['org', 'add', '--name', 'Police de Lyon', '--kind', 'police', '--country', 'FR', '--db', server.db]);
  const clinic = run(['org', 'add', '--name', 'Clinique jeunesse de Lyon', '--kind', 'treatment_provider', '--country', 'FR', '--db', server.db]);
  run(['user', 'add', '--email', 'agent@example.org', '--name', 'Agent Martin', '--org', police, '--role', 'officer',
    '--password-stdin', '--db', server.db], `${PASSWORD}\n`);
  run(['user', 'add', '--email', 'clinique@example.org', '--name', 'Dr Roux', '--org', clinic, '--role', 'org_admin', '--db', server.db]);
  clinicToken = run(['token', 'create', '--email', 'clinique@example.org', '--db', server.db]);
  const r = await fetch(`${server.url}/api/v1/services`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${clinicToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Consultation jeunes consommateurs', type: 'treatment', age_min: 12, age_max: 25, languages: ['fr', 'ar'], waiting_days: 4 }),
  });
  assert.equal(r.status, 201, await r.text());
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('an officer refers a young person in French at phone width', async () => {
  const page = await newPage(browser, { viewport: { width: 390, height: 844 }, locale: 'fr-FR' });
  await signIn(page, server.url, 'agent@example.org');
  await page.goto(`${server.url}/referrals/new`);
  await page.getByRole('heading', { name: 'Orienter un jeune' }).waitFor();
  await page.getByLabel('Âge').fill('15');
  await page.getByLabel('Langue (code ISO)').fill('fr');
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await page.getByText('Consultation jeunes consommateurs').waitFor();
  await page.getByRole('button', { name: 'Choisir' }).click();
  await page.getByLabel('Prénom').fill('Léa');
  await page.getByLabel('Nom de famille').fill('Dupontel');
  await page.getByLabel('Date de naissance').fill('2011-03-09');
  await page.getByLabel('Représentant légal').fill('Mme Dupontel, 06 00 00 00 00');
  await page.getByLabel('Genre').selectOption({ label: 'Féminin' });
  await page.getByLabel('Cadre').selectOption({ label: 'Volontaire' });
  await page.getByLabel('Les faits en quelques lignes').fill('Rencontrée près du lycée, consommation de cannabis.');
  await screenshot(page, 'phone-referral-person-fr');
  await page.getByRole('button', { name: 'Suivant' }).click();
  // without consent the server refuses to send, and says why
  await page.getByRole('button', { name: 'Envoyer l’orientation' }).click();
  await page.locator('.field-error, [role=alert]').first().waitFor();
  await page.getByLabel('Le représentant légal').check();
  await page.getByLabel('au service').check();
  await page.getByLabel('au partage avec l’organisation destinataire').check();
  // the draft waits for consent and is not the clinic's to see
  const list = await (await fetch(`${server.url}/api/v1/referrals?box=incoming`, { headers: { Authorization: `Bearer ${clinicToken}` } })).json();
  assert.equal(list.items.length, 0, 'a draft is not sent to the clinic');
  await page.getByRole('button', { name: 'Envoyer l’orientation' }).click();
  await page.waitForURL(/\/referrals\/[0-9a-f-]{36}$/);
  await page.getByText('Envoyée').first().waitFor();
  await page.getByText('Réponse attendue avant').waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `page is ${width}px wide`);
  await screenshot(page, 'phone-referral-sent-fr');
  const inbox = await (await fetch(`${server.url}/api/v1/referrals?box=incoming`, { headers: { Authorization: `Bearer ${clinicToken}` } })).json();
  assert.equal(inbox.items.length, 1, 'one referral, the retry went on from the first draft');
  assert.equal(inbox.items[0].status, 'sent');
  assert.ok(!JSON.stringify(inbox).includes('Dupontel'));
  assert.deepEqual(page.errors.filter((e) => !/40[019]/.test(e)), []);
  assert.deepEqual(page.foreign, []);
});
