// Signals in the browser (issue 14): a planted cluster in Favoriten is
// listed by its place; the police it is addressed to see Acknowledge and
// Dismiss and acknowledge with a comment (in French); a ministry analyst
// of the same country sees the signal but no buttons. The maps search the
// gazetteer and zoom to the chosen place.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, screenshot, run, PASSWORD, hasCount, axe, apiCall } from './lib.mjs';

let server, browser, token;
const orgs = {};
const WEEK = 7 * 86400000;
const MONDAY = Date.parse('2026-01-05T00:00:00Z');

const api = (method, path, body, bearer = token) => apiCall(server.url, bearer, method, path, body);

let seed = 11;
const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const alert = (w, hour, location, category) => api('POST', '/alerts', {
  title: `Sighting w${w} h${hour}`, category, tlp: 'amber', distribution: 'network', status: 'published',
  location, observed_from: new Date(MONDAY + w * WEEK + hour * 3600000).toISOString(),
}, orgs['analyst@ministry.at']);

before(async () => {
  server = await startServer({ env: { TRELLIS_DETECT_INTERVAL_S: '0' } });
  browser = await launch();
  run(['seed', '--gazetteer', '--countries', 'AT', '--db', server.db]);
  token = run(['token', 'create', '--email', 'admin@example.org', '--db', server.db]);
  const mk = async (name, kind, country) => (await api('POST', '/organisations', { name, kind, country })).id;
  orgs.vienna = await mk('Vienna Police', 'police', 'AT');
  orgs.ministry = await mk('Austrian Ministry of Health', 'ministry_health', 'AT');
  for (const [email, org, role] of [['officer@vienna.at', 'vienna', 'officer'], ['admin@vienna.at', 'vienna', 'org_admin'],
    ['analyst@ministry.at', 'ministry', 'analyst']]) {
    await api('POST', '/users', { email, name: email.split('@')[0], org_id: orgs[org], role, password: PASSWORD });
    orgs[email] = run(['token', 'create', '--email', email, '--db', server.db]);
  }
  await api('POST', '/tips/areas', { lat: 48.2082, lon: 16.3738, radius_m: 15000 }, orgs['admin@vienna.at']);
  for (let w = 0; w < 14; w++)
    for (let i = 0; i < 3; i++) await alert(w, 10 + i * 30, { lat: 46.6 + rand() * 2.1, lon: 9.8 + rand() * 7 }, 'online_sales');
  for (let i = 0; i < 12; i++) await alert(13, 1 + i * 5, { lat: 48.16 + (i % 4) * 0.0006, lon: 16.38 + Math.floor(i / 4) * 0.0008 }, 'street_distribution');
  JSON.parse(run(['detect', '--db', server.db, '--at', '2026-04-08T12:00:00Z']));
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('the police of the area acknowledge a named signal with a comment, in French', async () => {
  const page = await newPage(browser, { locale: 'fr-FR' });
  await signIn(page, server.url, 'officer@vienna.at');
  await page.goto(`${server.url}/signals`);
  await page.getByRole('link', { name: /^Favoriten, Vienna — dans un rayon de \d+ m$/ }).click();
  await page.getByRole('heading', { level: 1, name: /Favoriten, Vienna/ }).waitFor();
  await page.getByText('Point chaud (Gi*), Agrégat spatio-temporel').first().waitFor();
  await page.getByText('Nouvelle cette semaine').first().waitFor();
  // the records behind it, linked
  const records = page.getByRole('region', { name: 'Les données à l’origine du signal' }).getByRole('link');
  await hasCount(records, 12);
  await page.waitForSelector('.map[data-fit]');
  await hasCount(page.getByRole('button', { name: 'Écarter' }), 1);
  await page.getByRole('button', { name: 'Prendre en compte' }).click();
  await page.getByRole('button', { name: 'Prendre en compte le signal' }).waitFor();
  assert.ok(await page.getByRole('button', { name: 'Prendre en compte le signal' }).isDisabled(), 'a comment is needed');
  await page.getByLabel('Ce qui est fait').fill('Patrouilles renforcées devant l’école');
  await page.getByRole('button', { name: 'Prendre en compte le signal' }).click();
  await page.getByText('Le signal est pris en compte.').waitFor();
  await page.getByText('Patrouilles renforcées devant l’école').waitFor();
  await hasCount(page.getByRole('button', { name: 'Prendre en compte', exact: true }), 0, 'acknowledged once');
  await screenshot(page, 'signal-place');
  await axe(page, 'signal');
});

test('a ministry analyst reads the signal but sees no buttons', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'analyst@ministry.at');
  await page.goto(`${server.url}/signals?status=`);
  await page.getByRole('link', { name: /^Favoriten, Vienna — \d+ m around$/ }).click();
  await page.getByRole('heading', { level: 1, name: /Favoriten, Vienna/ }).waitFor();
  await page.getByText('Only the organisation this signal is addressed to can acknowledge or dismiss it.').waitFor();
  await hasCount(page.getByRole('button', { name: 'Acknowledge' }), 0);
  await hasCount(page.getByRole('button', { name: 'Dismiss' }), 0);
});

test('the maps search a place and zoom to it', async () => {
  const page = await newPage(browser, { locale: 'ru-RU' });
  page.setDefaultTimeout(20000); // the dashboard and its map on a busy machine
  await signIn(page, server.url, 'officer@vienna.at');
  // the dashboard's map of countries
  await page.waitForSelector('.map[data-ready]');
  const box = page.getByLabel('Найти место').first();
  // Cyrillic finds GeoNames' Latin spelling
  await box.fill('Фавор');
  // (the place result, not the inbox item about the signal there)
  await page.getByRole('button', { name: /^Favoriten ·/ }).click();
  await page.waitForSelector('.map[data-place="Favoriten"]');
  await page.getByText('На карте: Favoriten.').waitFor();
  // a record's map: Enter takes the first place found
  await page.goto(`${server.url}/alerts/new`);
  await page.waitForSelector('.map');
  const search = page.getByLabel('Найти место');
  await search.fill('vienna');
  await page.getByRole('button', { name: /^Vienna/ }).waitFor();
  await search.press('Enter');
  await page.waitForSelector('.map[data-place="Vienna"]');
  await axe(page, 'alert form with place search');
});
