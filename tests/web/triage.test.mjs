// "Triage a tip" as a police officer, in French on a phone and in Russian on
// a desktop: find a tip by the reference a caller reads out, assign it
// straight from "new", link it to an existing SARA problem (whose page then
// lists the tip and draws its area), and close several tips in one go.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, screenshot, run, PASSWORD, hasCount, axe, apiCall } from './lib.mjs';

let server;
let browser;
let token;
const ids = {};

const api = (method, path, body, bearer = token) => apiCall(server.url, bearer, method, path, body);

const tipText = (n) => `Triage walk ${n}: two teenagers sell pills behind the Westbahnhof kiosk.`;

before(async () => {
  server = await startServer({ env: { TRELLIS_TIP_RATE: '0', TRELLIS_TIP_POW_BITS: '0' } });
  browser = await launch();
  token = run(['token', 'create', '--email', 'admin@example.org', '--db', server.db]);
  ids.vienna = (await api('POST', '/organisations', { name: 'Vienna Police', kind: 'police', country: 'AT' })).id;
  for (const [email, role] of [['officer@vienna.at', 'officer'], ['colleague@vienna.at', 'officer']]) {
    await api('POST', '/users', { email, name: email.split('@')[0], org_id: ids.vienna, role, password: PASSWORD });
  }
  ids.officerToken = run(['token', 'create', '--email', 'officer@vienna.at', '--db', server.db]);
  for (const n of [1, 2, 3, 4]) {
    const r = await fetch(`${server.url}/api/v1/public/tips`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ category: 'dealing_near_school', description: tipText(n), country: 'AT', lat: 48.196, lon: 16.338 }),
    });
    assert.equal(r.status, 201, await r.text());
  }
  const tips = (await api('GET', '/tips?q=triage%20walk&sort=oldest', undefined, ids.officerToken)).items;
  assert.equal(tips.length, 4);
  // received in the same minute (times are kept to the minute): ordered by their text
  ids.tips = tips.sort((a, b) => a.description.localeCompare(b.description));
  ids.problem = (await api('POST', '/problems', {
    title: 'Westbahnhof dealing', distribution: 'organisation', tlp: 'amber', phase: 'analysis',
    area: { lat: 48.196, lon: 16.338, radius_m: 1500, place_name: 'Westbahnhof' },
  }, ids.officerToken)).id;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const activity = (over) => ({
  title: 'School prevention talks', type: 'school_prevention', setting: 'school', area_country: 'AT',
  lat: 48.2, lon: 16.37, radius_km: 5, start: '2026-09-01', end: '2027-06-01', status: 'active',
  age_min: 12, age_max: 16, gender: 'all', distribution: 'network', tlp: 'green', ...over,
});

describe('partners and overlaps', () => {
  test('from an overlap, a proposal to the other organisation, filled in; a youth organisation endorses it', async () => {
    ids.club = (await api('POST', '/organisations', { name: 'Wien Youth Club', kind: 'youth_organisation', country: 'AT' })).id;
    await api('POST', '/users', { email: 'youth@club.at', name: 'youth', org_id: ids.club, role: 'partner', password: PASSWORD });
    const clubToken = run(['token', 'create', '--email', 'youth@club.at', '--db', server.db]);
    const mine = await api('POST', '/activities', activity({ title: 'Police talks at the Westbahnhof schools', distribution: 'country' }), ids.officerToken);
    const theirs = await api('POST', '/activities', activity({ title: 'Youth club evenings at the Westbahnhof', distribution: 'country' }), clubToken);
    const page = await newPage(browser);
    page.setDefaultTimeout(30000);
    await signIn(page, server.url, 'officer@vienna.at');
    await page.goto(`${server.url}/activities/${mine.id}`);
    await page.getByRole('link', { name: 'Youth club evenings at the Westbahnhof' }).waitFor();
    await page.locator('[data-propose]').first().click();
    await page.getByRole('heading', { name: 'New proposal', level: 1 }).waitFor();
    const title = page.getByRole('textbox', { name: /title/i }).first();
    assert.match(await title.inputValue(), /Police talks at the Westbahnhof schools.*Youth club evenings/);
    const chosen = await page.getByRole('listbox', { name: 'Partners' }).evaluate((el) => [...el.selectedOptions].map((o) => o.textContent));
    assert.deepEqual(chosen, ['Wien Youth Club']);
    await page.getByRole('radio', { name: /^Country/ }).check();
    await page.getByRole('button', { name: 'Open for endorsement' }).click();
    await page.waitForURL(/\/proposals\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop();
    const p = await api('GET', `/proposals/${id}`);
    assert.deepEqual(p.partners, [ids.club]);
    assert.deepEqual([...p.activities].sort(), [mine.id, theirs.id].sort());
    // the youth organisation's partner account endorses it
    const youth = await newPage(browser, { viewport: { width: 390, height: 844 } });
    youth.setDefaultTimeout(30000);
    await signIn(youth, server.url, 'youth@club.at');
    await youth.goto(`${server.url}/proposals/${id}`);
    await youth.getByRole('button', { name: 'Endorse for my organisation' }).click();
    await youth.getByText('Your organisation endorses this proposal.').waitFor();
    await youth.locator('.member-list').getByText('Wien Youth Club').waitFor();
    await axe(youth, 'proposal endorsed (phone)');
    // and the officer's own page says why it has no button
    await page.reload();
    await page.locator('[data-why-not]').waitFor();
    assert.deepEqual(page.errors.filter((e) => !/status of 40[14]/.test(e)), []);
  });
});

describe('triage a tip', () => {
  test('in French on a phone: find by reference, assign from new, link to a problem', async () => {
    const page = await newPage(browser, { viewport: { width: 390, height: 844 }, locale: 'fr-FR' });
    page.setDefaultTimeout(30000); // a shared machine: slow, not wrong
    await signIn(page, server.url, 'officer@vienna.at');
    const tip = ids.tips[1];
    assert.match(tip.reference, /^AT-\d{4}-\d{6}$/);
    await page.goto(`${server.url}/tips`);
    await page.getByRole('heading', { name: 'Signalements', level: 1 }).waitFor();
    // the caller reads the reference out; the officer types it in lower case
    await page.getByRole('searchbox', { name: 'Trouver un signalement' }).fill(tip.reference.toLowerCase());
    await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
    await page.locator('[data-reference]').filter({ hasText: tip.reference }).waitFor();
    await hasCount(page.locator('tbody tr'), 1, 'only the tip of that reference');
    await axe(page, 'tip list (fr, phone)');
    await screenshot(page, 'triage-search-fr-phone');
    await page.getByRole('link', { name: /Triage walk 2/ }).click();
    await page.locator('dd[data-reference]').filter({ hasText: tip.reference }).waitFor();
    // straight from "new" to "assigned"
    await page.getByRole('button', { name: 'M’attribuer' }).click();
    await page.getByText('Statut changé : Attribué.').waitFor();
    // a link to the existing problem, from the tip's side
    const links = page.locator('[data-links]');
    await links.getByRole('combobox', { name: 'Lier à un(e)' }).selectOption('problem');
    await links.getByRole('searchbox', { name: 'Mots de son titre' }).fill('westbahnhof');
    await links.getByRole('button', { name: 'Trouver', exact: true }).click();
    await links.getByRole('radio', { name: /Westbahnhof dealing/ }).check();
    await links.getByRole('button', { name: 'Lier', exact: true }).click();
    await links.getByText('Lien ajouté.').waitFor();
    await links.locator('[data-link="problem"]').getByRole('link', { name: 'Westbahnhof dealing' }).waitFor();
    await axe(page, 'tip page (fr, phone)');
    await screenshot(page, 'triage-tip-fr-phone');
    // the problem's page lists the tip and draws its area
    await links.getByRole('link', { name: 'Westbahnhof dealing' }).click();
    await page.getByRole('heading', { name: 'Westbahnhof dealing', level: 1 }).waitFor();
    await page.locator('[data-links] [data-link="tip"]').filter({ hasText: tip.reference }).waitFor();
    const circle = page.locator('.map path.mark').first();
    await circle.waitFor();
    const box = await circle.boundingBox();
    assert.ok(box && box.width > 40, `the 1.5 km circle is drawn large enough to see (${box && box.width} px)`);
    await screenshot(page, 'triage-problem-fr-phone');
    // the problem is edited beyond its phase: its title and its area
    await page.getByRole('button', { name: 'Modifier', exact: true }).click();
    const titleField = page.getByRole('textbox', { name: 'Titre' });
    assert.equal(await titleField.inputValue(), 'Westbahnhof dealing');
    assert.equal(await page.getByRole('spinbutton', { name: 'Rayon (km)' }).inputValue(), '1.5');
    await titleField.fill('Westbahnhof and Gürtel dealing');
    await page.getByRole('spinbutton', { name: 'Rayon (km)' }).fill('2');
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await page.getByText('Modifications enregistrées.').waitFor();
    await page.getByRole('heading', { name: 'Westbahnhof and Gürtel dealing', level: 1 }).waitFor();
    await page.locator('[data-links] [data-link="tip"]').filter({ hasText: tip.reference }).waitFor();
    const p = await api('GET', `/problems/${ids.problem}`, undefined, ids.officerToken);
    assert.deepEqual([p.title, p.area.radius_m, p.phase], ['Westbahnhof and Gürtel dealing', 2000, 'analysis']);
    assert.deepEqual(page.errors.filter((e) => !/status of 40[14]/.test(e)), []);
  });

  test('in Russian on a desktop: the tip shows its problem; several tips closed in one go', async () => {
    const page = await newPage(browser, { locale: 'ru-RU' });
    page.setDefaultTimeout(30000);
    await signIn(page, server.url, 'officer@vienna.at');
    // the linked tip shows its problem
    await page.goto(`${server.url}/tips/${ids.tips[1].id}`);
    await page.locator('[data-links] [data-link="problem"]').getByText(/Westbahnhof/).waitFor();
    await page.goto(`${server.url}/tips?q=${encodeURIComponent('triage walk')}&sort=oldest`);
    await page.locator('tbody tr').nth(3).waitFor();
    for (const t of [ids.tips[0], ids.tips[2]]) {
      await page.getByRole('checkbox', { name: `Выбрать сообщение ${t.reference}` }).check();
    }
    const bar = page.locator('[data-bulk]');
    await bar.getByRole('heading', { name: 'Выбрано сообщений: 2' }).waitFor();
    await axe(page, 'bulk bar (ru)');
    await bar.getByRole('combobox', { name: 'Итог' }).selectOption('resolved');
    await bar.getByRole('button', { name: 'Закрыть выбранные' }).click();
    await page.locator('[data-bulk-result]').getByText('Выполнено: 2. Не выполнено: 0.').waitFor();
    await screenshot(page, 'triage-bulk-ru-desktop');
    const after = await api('GET', '/tips?q=triage%20walk', undefined, ids.officerToken);
    const status = (t) => after.items.find((x) => x.id === t.id).status;
    assert.deepEqual(ids.tips.map(status), ['closed', 'assigned', 'closed', 'new']);
    // the duplicate picker searches by reference and previews the text before the choice
    await page.goto(`${server.url}/tips/${ids.tips[3].id}`);
    const dup = page.locator('[data-duplicate-picker]');
    await dup.getByRole('searchbox', { name: 'Дубликат другого сообщения' }).fill(ids.tips[0].reference);
    await dup.getByRole('button', { name: 'Искать', exact: true }).click();
    const choice = dup.getByRole('radio', { name: new RegExp(ids.tips[0].reference) });
    await choice.waitFor();
    await hasCount(dup.getByRole('radio'), 1, 'one match, not a hundred lines');
    await dup.getByText(tipText(1)).waitFor();
    await choice.check();
    await dup.getByRole('button', { name: 'Отметить как дубликат' }).click();
    await page.getByText('Отмечено как дубликат.').waitFor();
    assert.equal((await api('GET', `/tips/${ids.tips[3].id}`, undefined, ids.officerToken)).duplicate_of, ids.tips[0].id);
    // "mine": the tip assigned on the phone
    await page.goto(`${server.url}/tips?mine=true`);
    await page.locator('[data-reference]').filter({ hasText: ids.tips[1].reference }).waitFor();
    await hasCount(page.locator('tbody tr'), 1);
    assert.deepEqual(page.errors.filter((e) => !/status of 40[14]/.test(e)), []);
  });
});
