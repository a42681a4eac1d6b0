// The inbox in the browser: an officer whose organisation was sent a tip
// sees the unread count in the navigation, opens the inbox in French at
// phone width, marks the item read and the count drops; the dashboard opens
// with "what's new for you". Items name their record (a tip's reference);
// the e-mail settings (language, digest hour) are saved from the
// subscriptions page. Subscriptions: create one, then delete it.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, screenshot, run, PASSWORD, hasCount, axe, apiCall } from './lib.mjs';

const PHONE = { width: 390, height: 844 };
let server;
let browser;
let token;
let officerToken;

const api = (method, path, body, bearer = token) => apiCall(server.url, bearer, method, path, body);

async function sendTip(n) {
  const r = await fetch(`${server.url}/api/v1/public/tips`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ category: 'dealing_near_school', description: `Inbox walk ${n}: pills sold behind the school gym.`, country: 'AT', lat: 48.2, lon: 16.37 }),
  });
  assert.equal(r.status, 201, await r.text());
}

before(async () => {
  server = await startServer({ env: { TRELLIS_TIP_RATE: '0', TRELLIS_TIP_POW_BITS: '0' } });
  browser = await launch();
  token = run(['token', 'create', '--email', 'admin@example.org', '--db', server.db]);
  const vienna = (await api('POST', '/organisations', { name: 'Vienna Police', kind: 'police', country: 'AT' })).id;
  await api('POST', '/users', { email: 'officer@vienna.at', name: 'Olga Officer', org_id: vienna, role: 'officer', password: PASSWORD });
  officerToken = run(['token', 'create', '--email', 'officer@vienna.at', '--db', server.db]);
  await sendTip(1);
  await sendTip(2);
  const inbox = await api('GET', '/inbox', undefined, officerToken);
  assert.equal(inbox.unread, 2, JSON.stringify(inbox));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const badge = (page) => page.locator('#main-nav a[href="/inbox"] [data-unread]');

describe('inbox', () => {
  test('in French on a phone: the unread count, the inbox, mark one read, the count drops; mark all read', async () => {
    const page = await newPage(browser, { viewport: PHONE, locale: 'fr-FR' });
    await signIn(page, server.url, 'officer@vienna.at');
    // the dashboard opens with what's new
    const news = page.locator('[data-whats-new]');
    await news.getByRole('heading', { name: 'Quoi de neuf pour vous' }).waitFor();
    await hasCount(news.getByRole('link', { name: 'Un signalement transmis à votre organisation' }), 2);
    await axe(page, 'dashboard (fr, phone)');
    await screenshot(page, 'inbox-dashboard-fr-phone');
    // the badge, with its words for a screen reader
    await page.getByRole('button', { name: /^Menu.*2 non lus/ }).click();
    await badge(page).waitFor();
    assert.equal(await badge(page).getAttribute('data-unread'), '2');
    await page.locator('#main-nav').getByRole('link', { name: /Boîte de réception.*2 non lus/ }).click();
    await page.getByRole('heading', { name: 'Boîte de réception', level: 1 }).waitFor();
    const items = page.locator('.inbox-item');
    await items.first().waitFor();
    await hasCount(items, 2);
    assert.equal(await items.first().getByRole('link').getAttribute('href'), (await api('GET', '/inbox', undefined, officerToken)).items[0].link);
    await axe(page, 'inbox (fr, phone)');
    await screenshot(page, 'inbox-fr-phone');
    // mark one read: the count drops to 1
    await items.first().getByRole('button', { name: /Marquer comme lu/ }).click();
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.locator('#main-nav [data-unread="1"]').waitFor();
    assert.equal((await api('GET', '/me', undefined, officerToken)).unread, 1);
    // the filter by read or unread
    await page.getByRole('combobox', { name: 'Lu ou non lu' }).selectOption('unread');
    await page.waitForURL(/state=unread/);
    await page.locator('.inbox-item.unread').first().waitFor();
    await hasCount(page.locator('.inbox-item'), 1);
    await page.getByRole('combobox', { name: 'Type' }).selectOption('tip_assigned');
    await page.getByText('Rien ici.').waitFor();
    await page.getByRole('combobox', { name: 'Type' }).selectOption('');
    // mark all read: no badge left
    await page.getByRole('button', { name: 'Tout marquer comme lu' }).click();
    await page.getByText('Rien ici.').waitFor();
    await hasCount(badge(page), 0);
    assert.equal((await api('GET', '/me', undefined, officerToken)).unread, 0);
    // the dashboard's empty state
    await page.goto(`${server.url}/`);
    await page.locator('[data-whats-new]').getByText('Rien de nouveau pour vous.').waitFor();
    assert.deepEqual(page.errors.filter((e) => !/status of 401/.test(e)), [], 'no errors but the 401 before signing in');
  });

  test('on a desktop: a new tip raises the count on navigation; a link opens the tip and marks it read', async () => {
    const page = await newPage(browser);
    await signIn(page, server.url, 'officer@vienna.at');
    await page.locator('[data-whats-new]').getByText('Nothing new for you.').waitFor();
    await sendTip(3);
    await page.locator('#main-nav').getByRole('link', { name: 'Tips' }).click();
    await badge(page).waitFor();
    assert.equal(await badge(page).getAttribute('data-unread'), '1');
    await page.locator('#main-nav').getByRole('link', { name: /^Inbox.*1 unread/ }).click();
    await page.locator('.inbox-item.unread a').first().waitFor();
    await axe(page, 'inbox (en, desktop)');
    await screenshot(page, 'inbox-en-desktop');
    await page.locator('.inbox-item.unread a').first().click();
    await page.waitForURL(/\/tips\/[0-9a-f-]{36}$/);
    await page.getByText(/Inbox walk 3/).first().waitFor();
    await page.locator('#main-nav a[href="/inbox"]').waitFor();
    await page.waitForFunction(() => !document.querySelector('#main-nav [data-unread]'));
    assert.deepEqual(page.errors.filter((e) => !/status of 401/.test(e)), [], 'no errors but the 401 before signing in');
  });

  test('in French on a phone: each item names its record (the tip\'s reference); the e-mail settings are saved', async () => {
    const page = await newPage(browser, { viewport: PHONE, locale: 'fr-FR' });
    await signIn(page, server.url, 'officer@vienna.at');
    const items = (await api('GET', '/inbox', undefined, officerToken)).items;
    const named = items.find((i) => i.kind === 'tip_routed');
    assert.match(named.title, /^AT-\d{4}-\d{6}$/);
    await page.goto(`${server.url}/inbox`);
    await page.locator(`[data-item="${named.id}"] a[data-title="${named.title}"]`)
      .filter({ hasText: `Un signalement transmis à votre organisation : ${named.title}` }).waitFor();
    await hasCount(page.locator('.inbox-item a[data-title]'), items.filter((i) => i.title).length);
    await axe(page, 'inbox with titles (fr, phone)');
    // the settings: the language of e-mail and the digest hour
    await page.goto(`${server.url}/subscriptions`);
    await page.locator('[data-mail-settings]').getByRole('heading', { name: 'Vos e-mails' }).waitFor();
    const lang = page.getByRole('combobox', { name: 'Langue des e-mails' });
    const hour = page.getByRole('combobox', { name: 'Heure du résumé quotidien (UTC)' });
    await lang.waitFor();
    await page.waitForFunction(() => document.querySelector('select[name="language"]')?.value === 'en'
      && document.querySelector('select[name="digest_hour"]')?.value === '7');
    await lang.selectOption('ru');
    await hour.selectOption({ label: '18 h 00 UTC' });
    await page.getByRole('button', { name: 'Enregistrer les réglages' }).click();
    await page.getByText('Réglages enregistrés.').waitFor();
    const me = await api('GET', '/me', undefined, officerToken);
    assert.equal(me.language, 'ru');
    assert.equal(me.digest_hour, 18);
    await axe(page, 'e-mail settings (fr, phone)');
    await screenshot(page, 'mail-settings-fr-phone');
    // read again after a reload: the saved values
    await page.reload();
    await lang.waitFor();
    await page.waitForFunction(() => document.querySelector('select[name="language"]')?.value === 'ru'
      && document.querySelector('select[name="digest_hour"]')?.value === '18');
    assert.deepEqual(page.errors.filter((e) => !/status of 401/.test(e)), [], 'no errors but the 401 before signing in');
  });

  test('subscriptions: create one for alerts by e-mail, then delete it; buttons follow /me can', async () => {
    const page = await newPage(browser, { viewport: PHONE, locale: 'ru-RU' });
    await signIn(page, server.url, 'officer@vienna.at');
    await page.goto(`${server.url}/subscriptions`);
    await page.getByRole('heading', { name: 'Подписки', level: 1 }).waitFor();
    await page.getByText('Подписок пока нет.').waitFor();
    await page.getByRole('listbox', { name: 'Категории' }).selectOption(['new_substance', 'overdose_cluster']);
    await page.getByRole('combobox', { name: 'Наивысший TLP' }).selectOption('amber');
    await page.getByRole('radio', { name: 'Письмо сразу' }).check();
    await page.getByRole('button', { name: 'Подписаться' }).click();
    await page.getByText('Подписка создана.').waitFor();
    const subs = (await api('GET', '/subscriptions', undefined, officerToken)).items;
    assert.equal(subs.length, 1);
    assert.deepEqual([...subs[0].categories].sort(), ['new_substance', 'overdose_cluster']);
    assert.equal(subs[0].tlp_max, 'amber');
    assert.equal(subs[0].delivery, 'email');
    await page.locator(`[data-sub="${subs[0].id}"]`).waitFor();
    await axe(page, 'subscriptions (ru, phone)');
    await screenshot(page, 'subscriptions-ru-phone');
    // the unsubscribe link of an e-mail
    await page.goto(`${server.url}/subscriptions?unsubscribe=${subs[0].id}`);
    await page.getByRole('button', { name: 'Удалить эту подписку' }).click();
    await page.getByText('Подписка удалена.').waitFor();
    await page.getByText('Подписок пока нет.').waitFor();
    assert.equal((await api('GET', '/subscriptions', undefined, officerToken)).items.length, 0);
    assert.deepEqual(page.errors.filter((e) => !/status of 401/.test(e)), [], 'no errors but the 401 before signing in');
  });

  test('subscriptions in French on a phone: each record type shows only its own filters; an activity one reaches the inbox', async () => {
    const page = await newPage(browser, { viewport: PHONE, locale: 'fr-FR' });
    await signIn(page, server.url, 'officer@vienna.at');
    await page.goto(`${server.url}/subscriptions`);
    await page.getByRole('heading', { name: 'Abonnements', level: 1 }).waitFor();
    const form = page.locator('form[aria-labelledby="sub-new"]');
    const kind = form.getByRole('combobox', { name: "Type d'enregistrement" });
    await kind.waitFor();
    // alerts: every filter
    await form.getByRole('listbox', { name: 'Substances' }).waitFor();
    await form.locator('[data-sub-area]').waitFor();
    // proposals: the countries they name, nothing else
    await kind.selectOption('proposal');
    await form.getByRole('listbox', { name: 'Pays concernés' }).waitFor();
    await hasCount(form.getByRole('listbox'), 1);
    await hasCount(form.locator('[data-sub-area]'), 0);
    await hasCount(form.getByRole('combobox', { name: 'TLP le plus élevé' }), 0);
    // practices: their settings and country of origin
    await kind.selectOption('practice');
    await form.getByRole('listbox', { name: 'Cadres de la pratique' }).waitFor();
    await form.getByRole('listbox', { name: "Pays d'origine" }).waitFor();
    await hasCount(form.getByRole('listbox'), 2);
    // activities: type, country, area, TLP; a bad area is named by the server
    await kind.selectOption('activity');
    const types = form.getByRole('listbox', { name: "Types d'activité" });
    await types.waitFor();
    await hasCount(form.getByRole('listbox', { name: 'Substances' }), 0);
    assert.equal(await types.locator('option[value="school_prevention"]').textContent(), 'Prévention scolaire');
    await types.selectOption(['school_prevention']);
    await form.getByRole('listbox', { name: "Pays de l'activité" }).selectOption(['AT']);
    await form.getByRole('spinbutton', { name: 'Latitude du centre' }).fill('99');
    await form.getByRole('spinbutton', { name: 'Longitude du centre' }).fill('16.37');
    await form.getByRole('spinbutton', { name: 'Rayon (km)' }).fill('10');
    await form.getByRole('combobox', { name: 'TLP le plus élevé' }).selectOption('amber');
    await form.getByRole('button', { name: "S'abonner" }).click();
    await form.locator('[data-sub-area] .field-error').filter({ hasText: 'doit être {lat, lon, radius_m}' }).waitFor();
    await form.getByRole('spinbutton', { name: 'Latitude du centre' }).fill('48.2');
    await form.getByRole('button', { name: "S'abonner" }).click();
    await page.getByText('Abonnement créé.').waitFor();
    const sub = (await api('GET', '/subscriptions', undefined, officerToken)).items.find((x) => x.record_type === 'activity');
    assert.deepEqual([sub.categories, sub.countries, sub.tlp_max, sub.area],
      [['school_prevention'], ['AT'], 'amber', { lat: 48.2, lon: 16.37, radius_m: 10000 }]);
    await page.locator(`[data-sub="${sub.id}"]`).filter({ hasText: 'Activités créées · Prévention scolaire · Autriche' }).waitFor();
    await axe(page, 'subscriptions per record type (fr, phone)');
    await screenshot(page, 'subscriptions-activity-fr-phone');
    // a matching activity: its inbox item names it and links to it
    const act = await api('POST', '/activities', {
      title: 'Ateliers au collège de Favoriten', type: 'school_prevention', setting: 'school', area_country: 'AT',
      lat: 48.18, lon: 16.38, radius_km: 1, start: '2026-01-01', status: 'active', distribution: 'organisation', tlp: 'green',
    }, officerToken);
    await page.goto(`${server.url}/inbox`);
    const item = page.locator('.inbox-item a')
      .filter({ hasText: 'Une nouvelle activité correspondant à votre abonnement : Ateliers au collège de Favoriten' });
    await item.waitFor();
    assert.equal(await item.getAttribute('href'), `/activities/${act.id}`);
    assert.deepEqual(page.errors.filter((e) => !/status of 40[01]/.test(e)), [], 'no errors but the 401 before signing in and the refused area');
  });
});
