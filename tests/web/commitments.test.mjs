// Commitments and events in the browser, in French on a phone: a State's
// analyst records a self-assessment with evidence confirmed from the
// suggestions, sees the State in the matrix (a list per State on a phone),
// and follows a conference outcome to its overdue action, then sees the
// series roll-up.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, screenshot, run, PASSWORD, apiCall } from './lib.mjs';

let server;
let browser;
const ids = {};

const api = (token, method, path, body) => apiCall(server.url, token, method, path, body);

before(async () => {
  server = await startServer();
  browser = await launch();
  const admin = run(['token', 'create', '--email', 'admin@example.org', '--db', server.db]);
  ids.al = run(['org', 'add', '--name', 'Policia e Shtetit', '--kind', 'police', '--country', 'AL', '--db', server.db]);
  run(['user', 'add', '--email', 'analyste@al.example', '--name', 'Analyste', '--org', ids.al, '--role', 'analyst', '--password-stdin', '--db', server.db], `${PASSWORD}\n`);
  const al = run(['token', 'create', '--email', 'analyste@al.example', '--db', server.db]);
  const doc = await api(admin, 'POST', '/documents', { title: 'Concept de l’OSCE (PC.DEC/1048)', issuer: 'Conseil permanent de l’OSCE', distribution: 'network', tlp: 'clear' });
  ids.cm = (await api(admin, 'POST', '/commitments', { document_id: doc.id, paragraph: '12', theme: 'community_policing',
    text: { en: 'Strengthen community policing with young people', fr: 'Renforcer la police de proximité avec les jeunes' }, distribution: 'network' })).id;
  await api(al, 'POST', '/activities', { title: 'Policiers référents dans les écoles de Tirana', type: 'police_school_liaison', setting: 'school', area_country: 'AL',
    start: '2024-09-01', status: 'active', age_min: 12, age_max: 16, gender: 'all', distribution: 'network', tlp: 'green' });
  const ev = await api(admin, 'POST', '/events', { title: 'Conférence de l’OSCE 2020', type: 'conference', series: 'Conférences OSCE sur les drogues', starts_on: '2020-10-06', place: 'Vienne', online: true,
    sessions: [{ title: 'Police de proximité et jeunesse' }], distribution: 'network' });
  ids.event = ev.id;
  const o = await api(admin, 'POST', '/outcomes', { event_id: ev.id, session_id: ev.sessions[0].id, kind: 'recommendation', text: 'Former les policiers de proximité à la prévention', distribution: 'network' });
  ids.action = (await api(admin, 'POST', '/actions', { outcome_id: o.id, title: 'Organiser une formation de formateurs', owner_org_id: ids.al, due_on: '2021-03-01', commitment_id: ids.cm, distribution: 'network' })).id;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('fr, phone: an assessment with evidence, the matrix as a list, an outcome followed to its overdue action', async () => {
  const page = await newPage(browser, { viewport: { width: 390, height: 844 }, locale: 'fr-FR' });
  await signIn(page, server.url, 'analyste@al.example');
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  await page.goto(`${server.url}/states/AL`);
  await page.getByRole('button', { name: 'Enregistrer une évaluation' }).click();
  const form = page.locator('form[aria-label="Enregistrer une évaluation"]');
  await form.getByLabel('Engagement').selectOption(ids.cm);
  await form.getByLabel('Période').fill('2024');
  await form.getByLabel('Type d’évaluation').selectOption('self');
  await form.getByLabel('État d’avancement').selectOption('substantial');
  await form.getByLabel('Exposé').fill('Des policiers référents dans 40 écoles.');
  await form.getByLabel(/Policiers référents dans les écoles de Tirana/).check();
  await form.locator('#distribution-network').check();
  await screenshot(page, 'commitments-assess-fr-phone');
  await form.locator('button[type=submit]').click();
  await page.waitForURL(/\/assessments\/[0-9a-f-]{36}$/);
  const evidence = page.locator('[data-evidence]');
  await evidence.getByRole('link', { name: 'Policiers référents dans les écoles de Tirana' }).waitFor();
  assert.match(await page.locator('main').innerText(), /Substantiel/);
  assert.match(await page.locator('main').innerText(), /Première évaluation/);

  await page.goto(`${server.url}/commitments/matrix`);
  const state = page.locator('.matrix-narrow [data-state="AL"]');
  await state.waitFor();
  assert.equal(await page.locator('.matrix-wide').isVisible(), false, 'the table gives way to a list on a phone');
  assert.match(await state.innerText(), /Substantiel/);
  assert.ok(await page.locator('[data-export] a[href*="format=csv"]').count());
  await screenshot(page, 'commitments-matrix-fr-phone');

  await page.goto(`${server.url}/events`);
  const due = page.locator('[data-due]');
  await due.getByRole('link', { name: 'Organiser une formation de formateurs' }).click();
  await page.waitForURL(new RegExp(`/events/${ids.event}`));
  const action = page.locator(`[data-action="${ids.action}"]`);
  await action.waitFor();
  assert.match(await action.innerText(), /En retard/);
  assert.match(await page.locator('main').innerText(), /Former les policiers de proximité à la prévention/);
  // the owner closes it: it is no longer overdue
  await action.getByLabel('État').selectOption('done');
  await page.locator('.alert-ok, [role=status]').filter({ hasText: 'Action enregistrée.' }).first().waitFor();
  // the list is read again after the notice: wait for it before reading
  await page.waitForFunction((id) => !document.querySelector(`[data-action="${id}"]`)?.innerText.includes('En retard'), ids.action, { timeout: 10000 }).catch(() => {});
  assert.doesNotMatch(await page.locator(`[data-action="${ids.action}"]`).innerText(), /En retard/);
  await screenshot(page, 'events-action-fr-phone');
  // the series rolls its outcomes up across years
  await page.goto(`${server.url}/events?series=${encodeURIComponent('Conférences OSCE sur les drogues')}`);
  const rollup = page.locator('[data-rollup]');
  await rollup.locator('td', { hasText: '1 / 1' }).waitFor();
  assert.deepEqual(page.errors.filter((e) => !/status of 401/.test(e)), [], 'only the sign-in page\'s /me before signing in');
  assert.deepEqual(page.foreign, []);
});
