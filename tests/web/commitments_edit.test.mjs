// Changing and deleting commitments and events in the browser (issue 19):
// forms filled with the record, PATCH with If-Match, a change made by
// someone else in the meantime shown in words, deletions refused in words
// while something depends on the record; in English on a desktop, in
// Russian on a phone and in French.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, screenshot, run, hasCount, PASSWORD } from './lib.mjs';

let server;
let browser;
let token;
const ids = {};

async function api(method, path, body, headers = {}) {
  const r = await fetch(`${server.url}/api/v1${path}`, {
    method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = r.status === 204 ? null : await r.json();
  assert.ok(r.ok, `${method} ${path}: ${r.status} ${JSON.stringify(data)}`);
  return { data, etag: r.headers.get('etag') };
}

before(async () => {
  server = await startServer();
  browser = await launch();
  ids.al = run(['org', 'add', '--name', 'Policia e Shtetit', '--kind', 'police', '--country', 'AL', '--db', server.db]);
  run(['user', 'add', '--email', 'analyst@al.example', '--name', 'Analyst', '--org', ids.al, '--role', 'analyst', '--password-stdin', '--db', server.db], `${PASSWORD}\n`);
  token = run(['token', 'create', '--email', 'analyst@al.example', '--db', server.db]);
  ids.doc = (await api('POST', '/documents', { title: 'National drug strategy 2024', issuer: 'Government of Albania', distribution: 'network', tlp: 'clear' })).data.id;
  ids.cm = (await api('POST', '/commitments', { document_id: ids.doc, paragraph: '7', theme: 'prevention',
    text: { en: 'Prevention in every school', fr: 'La prévention dans chaque école' }, indicators: [{ definition: 'Schools reached', unit: 'count' }], distribution: 'network' })).data.id;
  ids.asm = (await api('POST', '/assessments', { state: 'AL', commitment_id: ids.cm, period: '2024', kind: 'self', status: 'limited', narrative: 'Ten schools.', distribution: 'network' })).data.id;
  const ev = (await api('POST', '/events', { title: 'Regional meeting on prevention', type: 'meeting', starts_on: '2025-03-10', place: 'Tirana',
    sessions: [{ title: 'Schools' }], distribution: 'network' })).data;
  ids.event = ev.id;
  ids.outcome = (await api('POST', '/outcomes', { event_id: ev.id, kind: 'decision', text: 'Train school liaison officers', distribution: 'network' })).data.id;
  ids.action = (await api('POST', '/actions', { outcome_id: ids.outcome, title: 'Plan the training', owner_org_id: ids.al, due_on: '2030-01-15', distribution: 'network' })).data.id;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('en, desktop: a document and a commitment changed from filled forms; a stale change and a refused deletion in words', async () => {
  const page = await newPage(browser);
  await signIn(page, server.url, 'analyst@al.example');
  await page.goto(`${server.url}/commitments`);
  const docRow = page.locator(`[data-document="${ids.doc}"]`);
  await docRow.getByRole('link', { name: 'Edit' }).click();
  await page.waitForURL(new RegExp(`/documents/${ids.doc}/edit$`));
  const title = page.locator('input[name=title]');
  await page.waitForFunction(() => document.querySelector('input[name=title]')?.value === 'National drug strategy 2024');
  assert.equal(await page.getByLabel('Issued by').inputValue(), 'Government of Albania');
  await title.fill('National drug strategy 2024–2030');
  await page.locator('main button[type=submit]').click();
  await page.waitForURL(/\/commitments$/);
  await docRow.filter({ hasText: 'National drug strategy 2024–2030' }).waitFor();

  // the commitment: filled, its theme and English text changed, the indicator kept
  await page.goto(`${server.url}/commitments/${ids.cm}/edit`);
  await page.waitForFunction(() => document.querySelector('input[name=paragraph]')?.value === '7');
  assert.equal(await page.locator('textarea[name=text_fr]').inputValue(), 'La prévention dans chaque école');
  assert.equal(await page.locator('input[name=definition]').inputValue(), 'Schools reached');
  assert.equal(await page.locator('select[name=document_id]').isDisabled(), true, 'the document of a commitment is fixed');
  await page.locator('select[name=theme]').selectOption('treatment');
  await page.locator('textarea[name=text_en]').fill('Prevention and treatment in every school');
  await page.locator('main button[type=submit]').click();
  await page.waitForURL(/\/commitments$/);
  const cmRow = page.locator(`[data-commitment="${ids.cm}"]`);
  await cmRow.filter({ hasText: 'Treatment' }).waitFor();
  const cm = (await api('GET', `/commitments/${ids.cm}`)).data;
  assert.equal(cm.text.fr, 'La prévention dans chaque école');
  assert.deepEqual(cm.indicators, [{ definition: 'Schools reached', unit: 'count', arq_module: '' }]);

  // someone else changes the document while the form is open: 412 in words
  await page.goto(`${server.url}/documents/${ids.doc}/edit`);
  await page.waitForFunction(() => document.querySelector('input[name=title]')?.value.startsWith('National drug strategy'));
  const cur = await api('GET', `/documents/${ids.doc}`);
  await api('PATCH', `/documents/${ids.doc}`, { symbol: 'DCM 2024/1' }, { 'If-Match': cur.etag });
  await page.locator('input[name=title]').fill('A change that comes too late');
  await page.locator('main button[type=submit]').click();
  await page.locator('[data-problem]').filter({ hasText: 'the record changed since you read it' }).waitFor();
  assert.equal((await api('GET', `/documents/${ids.doc}`)).data.title, 'National drug strategy 2024–2030', 'nothing lost, nothing overwritten');
  await screenshot(page, 'commitments-edit-stale-en-desktop');

  // the commitment has an assessment: its deletion is refused in words
  await page.goto(`${server.url}/commitments`);
  await cmRow.getByRole('button', { name: 'Delete' }).click();
  await page.locator(`[data-confirm-delete="/commitments/${ids.cm}"]`).getByRole('button', { name: 'Yes, delete' }).click();
  await page.locator('[data-problem]').filter({ hasText: 'the commitment still has assessments: delete them first' }).waitFor();
  await screenshot(page, 'commitments-delete-refused-en-desktop');
  assert.deepEqual(page.errors.filter((e) => !/status of (401|409|412)/.test(e)), []);
});

test('fr, phone: an assessment changed from its page, then deleted, then its commitment', async () => {
  const page = await newPage(browser, { viewport: { width: 390, height: 844 }, locale: 'fr-FR' });
  await signIn(page, server.url, 'analyst@al.example');
  await page.goto(`${server.url}/assessments/${ids.asm}`);
  await page.getByRole('button', { name: 'Modifier' }).click();
  const form = page.locator('form[aria-label="Modifier l\'évaluation"]');
  await form.waitFor();
  assert.equal(await form.locator('select[name=status]').inputValue(), 'limited');
  assert.equal(await form.locator('textarea[name=narrative]').inputValue(), 'Ten schools.');
  await form.locator('select[name=status]').selectOption('complete');
  await form.locator('textarea[name=narrative]').fill('Toutes les écoles.');
  await form.locator('button[type=submit]').click();
  await page.locator('[role=status]').filter({ hasText: 'Enregistré.' }).first().waitFor();
  await page.locator('main').filter({ hasText: 'Toutes les écoles.' }).waitFor();
  assert.equal((await api('GET', `/assessments/${ids.asm}`)).data.status, 'complete');

  await page.getByRole('button', { name: 'Supprimer' }).click();
  await page.getByRole('button', { name: 'Oui, supprimer' }).click();
  await page.waitForURL(/\/states\/AL$/);
  await page.goto(`${server.url}/commitments`);
  const cmRow = page.locator(`[data-commitment="${ids.cm}"]`);
  await cmRow.getByRole('button', { name: 'Supprimer' }).click();
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, 'nothing wider than the phone');
  await screenshot(page, 'commitments-delete-fr-phone');
  await cmRow.getByRole('button', { name: 'Oui, supprimer' }).click();
  await hasCount(page.locator(`[data-commitment="${ids.cm}"]`), 0, 'the commitment is gone from the list');
  assert.deepEqual(page.errors.filter((e) => !/status of 401/.test(e)), []);
});

test('ru, phone: an event, its outcome and its action changed and deleted from the event page', async () => {
  const page = await newPage(browser, { viewport: { width: 390, height: 844 }, locale: 'ru-RU' });
  await signIn(page, server.url, 'analyst@al.example');
  await page.goto(`${server.url}/events/${ids.event}`);
  await page.getByRole('link', { name: 'Изменить' }).first().click();
  await page.waitForURL(new RegExp(`/events/${ids.event}/edit$`));
  await page.waitForFunction(() => document.querySelector('input[name=place]')?.value === 'Tirana');
  assert.equal(await page.locator('input[name="session-0"]').inputValue(), 'Schools');
  await page.locator('input[name=place]').fill('Тирана');
  await page.getByRole('button', { name: 'Добавить сессию' }).click();
  await page.locator('input[name="session-1"]').fill('Семьи');
  await screenshot(page, 'events-edit-ru-phone');
  await page.locator('main button[type=submit]').click();
  await page.waitForURL(new RegExp(`/events/${ids.event}$`));
  await page.locator('.sessions').filter({ hasText: 'Семьи' }).waitFor();
  const ev = (await api('GET', `/events/${ids.event}`)).data;
  assert.equal(ev.place, 'Тирана');
  assert.deepEqual(ev.sessions.map((s) => s.title), ['Schools', 'Семьи']);

  // the minutes: a new version, the earlier ones shown; a version written
  // meanwhile by someone else is not overwritten but refused in words
  await page.getByRole('button', { name: 'Изменить протокол' }).click();
  await page.locator('textarea[name=minutes]').fill('Открытие. Две сессии.');
  await page.locator('section', { has: page.locator('#minutes-title') }).locator('button[type=submit]').click();
  await page.locator('[role=status]').filter({ hasText: 'Новая версия протокола сохранена.' }).first().waitFor();
  await page.locator('section', { has: page.locator('#minutes-title') }).filter({ hasText: 'Версия 1' }).waitFor();
  await page.getByRole('button', { name: 'Изменить протокол' }).click();
  await page.locator('textarea[name=minutes]').fill('Открытие. Две сессии. Итоги.');
  await api('POST', `/events/${ids.event}/minutes`, { text: 'Written by someone else meanwhile.' });
  await page.locator('section', { has: page.locator('#minutes-title') }).locator('button[type=submit]').click();
  await page.locator('[data-problem]').filter({ hasText: 'изменилась' }).waitFor();
  const minutes = await api('GET', `/events/${ids.event}/minutes`);
  assert.deepEqual(minutes.data.items.map((m) => m.version), [2, 1], 'nothing overwritten');
  await page.goto(`${server.url}/events/${ids.event}`);
  await page.getByRole('button', { name: 'Предыдущие версии' }).click();
  await hasCount(page.locator('[data-minutes-history] li'), 2, 'both versions listed');

  // the action: changed in place, then deleted
  const action = page.locator(`[data-action="${ids.action}"]`);
  await action.getByRole('button', { name: 'Изменить' }).click();
  const af = page.locator(`[data-action-form="${ids.action}"]`);
  assert.equal(await af.locator('input[name=action_title]').inputValue(), 'Plan the training');
  await af.locator('input[name=action_title]').fill('Провести обучение');
  await af.locator('textarea[name=notes]').fill('Вместе с министерством образования');
  await af.locator('button[type=submit]').click();
  await action.filter({ hasText: 'Провести обучение' }).waitFor();
  // the outcome has an action: refused in words
  const outcome = page.locator(`[data-outcome="${ids.outcome}"]`);
  await outcome.locator(`[data-delete="/outcomes/${ids.outcome}"]`).click();
  await outcome.locator(`[data-confirm-delete="/outcomes/${ids.outcome}"]`).getByRole('button', { name: 'Да, удалить' }).click();
  await outcome.locator('[data-problem]').filter({ hasText: 'у итога ещё есть действия' }).waitFor();
  await screenshot(page, 'events-delete-refused-ru-phone');
  await action.getByRole('button', { name: 'Удалить' }).click();
  await action.getByRole('button', { name: 'Да, удалить' }).click();
  await hasCount(page.locator(`[data-action="${ids.action}"]`), 0, 'the action is gone');
  // the outcome: its text changed, then it goes, then the event
  await page.locator(`[data-edit-outcome="${ids.outcome}"]`).click();
  await outcome.locator('textarea[name=outcome_text]').fill('Обучить школьных инспекторов');
  await outcome.locator('button[type=submit]').click();
  await outcome.filter({ hasText: 'Обучить школьных инспекторов' }).waitFor();
  await outcome.locator(`[data-delete="/outcomes/${ids.outcome}"]`).click();
  await outcome.getByRole('button', { name: 'Да, удалить' }).click();
  await hasCount(page.locator(`[data-outcome="${ids.outcome}"]`), 0, 'the outcome is gone');
  await page.locator(`[data-delete="/events/${ids.event}"]`).click();
  await page.getByRole('button', { name: 'Да, удалить' }).click();
  await page.waitForURL(/\/events$/);
  const r = await fetch(`${server.url}/api/v1/events/${ids.event}`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(r.status, 404);
  assert.deepEqual(page.errors.filter((e) => !/status of (401|409|412)/.test(e)), []);
});
