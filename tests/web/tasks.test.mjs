// The six everyday tasks of issue 16, each walked in the browser by its
// user from the sign-in page (or the public page) to its visible result,
// once at phone width and once at desktop width, in French or Russian for
// most of them: report a tip (public), triage it (officer), publish an alert
// (analyst), read a signal (analyst), record an activity (partner) and
// administer (admin: an organisation, a user, the audit log). The sender
// reads the officer's answer with the receipt. Only the data a
// task needs is seeded through the API; the steps themselves use the page as
// a person would (labels, roles, buttons), and axe runs on every page a walk
// reaches. The labels come from the app's own locale files, so one walk
// serves every language; the server's messages are checked word for word.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launch, newPage, screenshot, run, PASSWORD, hasCount, axe, apiCall, ROOT } from './lib.mjs';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
const LOCALE = { en: 'en-GB', fr: 'fr-FR', ru: 'ru-RU' };
const DICT = Object.fromEntries(['en', 'fr', 'ru'].map((l) => [l, JSON.parse(readFileSync(join(ROOT, `web/i18n/${l}.json`), 'utf8'))]));

/** The walks of one width, each in its language. */
const VARIANTS = [
  { name: 'phone', viewport: PHONE, place: 'Favoriten, Vienna', tip: 'ru', triage: 'fr', alert: 'ru', signal: 'fr', activity: 'ru', admin: 'fr' },
  { name: 'desktop', viewport: DESKTOP, place: 'Innere Stadt, Graz', tip: 'en', triage: 'ru', alert: 'fr', signal: 'ru', activity: 'en', admin: 'en' },
];

/** The server's words (src/http/messages.c) for a too short text and a taken e-mail address, in each language. */
const TOO_SHORT = { en: 'must be at least 2 characters long', fr: 'doit compter au moins 2 caractères', ru: 'должно содержать не менее 2 символов' };
const TAKEN = { en: 'is already taken', fr: 'est déjà pris', ru: 'уже занято' };

let server;
let browser;
let token;
const ids = {};
const tips = {};

const api = (method, path, body, bearer = token) => apiCall(server.url, bearer, method, path, body);

/** t() of the app for one language: the string of key, placeholders filled. */
function translator(lang) {
  return (key, params = {}) => {
    const s = DICT[lang][key] ?? DICT.en[key];
    assert.ok(s, `no string ${key}`);
    return s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
  };
}

const WEEK = 7 * 86400000;
const MONDAY = Date.parse('2026-01-05T00:00:00Z');
let seed = 11;
const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };

before(async () => {
  const t0 = Date.now();
  const lap = (what) => { if (process.env.TASKS_TIMES) console.log(`# ${what}: ${Date.now() - t0} ms`); };
  [server, browser] = await Promise.all([
    startServer({ env: { TRELLIS_TIP_RATE: '0', TRELLIS_TIP_POW_BITS: '8', TRELLIS_SECRET_KEY: 'd4'.repeat(32), TRELLIS_DETECT_INTERVAL_S: '0' } }),
    launch()]);
  lap('server and browser');
  run(['seed', '--gazetteer', '--countries', 'AT', '--db', server.db]);
  lap('gazetteer');
  token = run(['token', 'create', '--email', 'admin@example.org', '--db', server.db]);
  const mk = async (name, kind, country) => (await api('POST', '/organisations', { name, kind, country })).id;
  ids.vienna = await mk('Vienna Police', 'police', 'AT');
  ids.ministry = await mk('Austrian Ministry of Health', 'ministry_health', 'AT');
  ids.club = await mk('Wien Youth Club', 'youth_organisation', 'AT');
  // those who sign in have a password (slow to hash); the others act through tokens
  await Promise.all([['officer@vienna.at', 'Otto Officer', 'vienna', 'officer'], ['analyst@vienna.at', 'Anna Analyst', 'vienna', 'analyst'],
    ['youth@club.at', 'Yusuf Youth', 'club', 'partner']].map(([email, name, org, role]) =>
    api('POST', '/users', { email, name, org_id: ids[org], role, password: PASSWORD })));
  for (const [email, name, org, role] of [['admin@vienna.at', 'Vera Admin', 'vienna', 'org_admin'], ['analyst@ministry.at', 'Max Ministry', 'ministry', 'analyst']]) {
    await api('POST', '/users', { email, name, org_id: ids[org], role });
  }
  for (const email of ['officer@vienna.at', 'admin@vienna.at', 'analyst@ministry.at']) ids[email] = run(['token', 'create', '--email', email, '--db', server.db]);
  lap('users');
  await api('POST', '/tips/areas', { lat: 48.2082, lon: 16.3738, radius_m: 15000 }, ids['admin@vienna.at']);
  // an alert about the substance the analyst will name: related by it
  const subs = (await api('GET', '/substances?limit=500')).items;
  ids.iso = subs.find((x) => x.name === 'Isotonitazene');
  await api('POST', '/alerts', {
    title: 'Isotonitazene powder seized at a Vienna station', category: 'street_distribution', distribution: 'network',
    tlp: 'green', status: 'published', substances: [ids.iso.id],
  }, ids['analyst@ministry.at']);
  // the police's school talks, which the youth club's activity will overlap
  await api('POST', '/activities', {
    title: 'Police school talks, Favoriten', type: 'school_prevention', setting: 'school', area_country: 'AT',
    lat: 48.17, lon: 16.38, radius_km: 4, start: '2026-09-01T00:00:00Z', end: '2027-06-30T00:00:00Z', status: 'active',
    age_min: 12, age_max: 16, gender: 'all', distribution: 'country', tlp: 'green',
  }, ids['officer@vienna.at']);
  // weeks of scattered alerts, then a cluster in Favoriten and one in Graz:
  // the detection's two signals, one for each width
  const alert = (w, hour, location, category) => api('POST', '/alerts', {
    title: `Sighting w${w} h${hour}`, category, tlp: 'amber', distribution: 'network', status: 'published',
    location, observed_from: new Date(MONDAY + w * WEEK + hour * 3600000).toISOString(),
  }, ids['analyst@ministry.at']);
  const alerts = [];
  for (let w = 0; w < 14; w++)
    for (let i = 0; i < 3; i++) alerts.push([w, 10 + i * 30, { lat: 46.6 + rand() * 2.1, lon: 9.8 + rand() * 7 }, 'online_sales']);
  for (let i = 0; i < 12; i++) alerts.push([13, 1 + i * 5, { lat: 48.16 + (i % 4) * 0.0006, lon: 16.38 + Math.floor(i / 4) * 0.0008 }, 'street_distribution']);
  for (let i = 0; i < 12; i++) alerts.push([13, 2 + i * 5, { lat: 47.07 + (i % 4) * 0.0006, lon: 15.43 + Math.floor(i / 4) * 0.0008 }, 'street_distribution']);
  // two at a time, as the server has two threads
  for (let i = 0; i < alerts.length; i += 2) await Promise.all(alerts.slice(i, i + 2).map((a) => alert(...a)));
  lap('alerts');
  JSON.parse(run(['detect', '--db', server.db, '--at', '2026-04-08T12:00:00Z']));
  lap('detection');
});

after(async () => {
  if (process.env.TASKS_TIMES) for (const [w, ms] of axeTime) console.log(`# axe ${w}: ${ms} ms`);
  await browser?.close();
  await server?.stop();
});

/**
 * The page of one width: a person's phone or desktop, first in the language
 * of the public walk's browser; each signed-in walk picks its own language.
 */
async function pageOf(v) {
  if (!v.page) {
    v.page = await newPage(browser, { viewport: v.viewport, locale: LOCALE[v.tip] });
    v.page.setDefaultTimeout(30000); // a shared machine: slow, not wrong
  }
  return v.page;
}

/**
 * Signs in as a person would: on the sign-in page (where the walk before
 * left the page after signing out), choosing the language first.
 */
async function signInAs(page, lang, email) {
  const t = translator(lang);
  if (!(await page.locator('#main input[name=email]').isVisible())) {
    await page.goto(`${server.url}/`);
    await page.locator('#main input[name=email], .userbox').first().waitFor();
    if (await page.locator('.userbox').isVisible()) await signOut(page, translator(await page.getAttribute('html', 'lang')));
  }
  const cur = await page.getAttribute('html', 'lang');
  if (cur !== lang) {
    await page.getByLabel(DICT[cur]['app.language']).first().selectOption(lang);
    await page.locator(`html[lang=${lang}]`).waitFor({ state: 'attached' });
  }
  await page.getByRole('heading', { name: t('signin.title'), exact: true }).waitFor();
  await page.getByLabel(t('signin.email')).fill(email);
  await page.getByLabel(t('signin.password')).fill(PASSWORD);
  await page.locator('#main').getByRole('button', { name: t('signin.submit') }).click();
  await page.locator('.userbox').waitFor();
}

/** Follows a link of the main navigation; on a phone the menu opens it first. */
async function go(page, v, label) {
  if (v.viewport === PHONE) {
    const menu = page.locator('button[aria-controls=main-nav]');
    await menu.click();
    await page.waitForFunction(() => document.querySelector('button[aria-controls=main-nav]').getAttribute('aria-expanded') === 'true');
  }
  await page.locator('#main-nav').getByRole('link', { name: label, exact: true }).click();
}

/** The error summary has focus, says role=alert, and is on screen. */
async function assertSummary(page, v) {
  const summary = page.locator('[data-problem]');
  await summary.waitFor();
  await page.waitForFunction(() => document.activeElement && document.activeElement.matches('[data-problem]'));
  assert.equal(await summary.getAttribute('role'), 'alert');
  const box = await summary.boundingBox();
  assert.ok(box && box.y >= 0 && box.y < v.viewport.height, `the summary is on screen (y = ${box && box.y})`);
  return summary;
}

/** Signs out through the top bar and waits for the sign-in form. */
async function signOut(page, t) {
  await page.getByRole('button', { name: t('app.sign_out') }).click();
  await page.getByRole('heading', { name: t('signin.title'), exact: true }).waitFor();
}

/** Time spent in axe, by walk: printed at the end, to keep the budget in view. */
const axeTime = new Map();

/**
 * English left on a French or Russian page: the English strings of the
 * locale files whose translation differs, by language.
 */
const ENGLISH = Object.fromEntries(['fr', 'ru'].map((l) => [l, new Set(Object.entries(DICT.en)
  .filter(([k, s]) => !/\{/.test(s) && DICT[l][k] && DICT[l][k] !== s && s.length > 2).map(([, s]) => s))]));

/** The page speaks lang: no text of the page is an English string of the app that has a translation. */
async function assertSpeaks(page, lang, name) {
  assert.equal(await page.getAttribute('html', 'lang'), lang, `${name}: the page's language`);
  if (lang === 'en') return;
  const texts = await page.evaluate(() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const s = n.textContent.trim();
      if (s && n.parentElement && n.parentElement.getClientRects().length) out.push(s);
    }
    for (const el of document.querySelectorAll('[aria-label], [placeholder], [title]')) {
      for (const a of ['aria-label', 'placeholder', 'title']) if (el.getAttribute(a)) out.push(el.getAttribute(a).trim());
    }
    return out;
  });
  const english = [...new Set(texts.filter((s) => ENGLISH[lang].has(s)))];
  assert.deepEqual(english, [], `${name}: English on a page in ${lang}`);
}

/** axe on the page as it is (timed); no English left on a French or Russian page; no sideways scrolling. */
async function check(page, name) {
  const t0 = Date.now();
  await axe(page, name);
  axeTime.set(page.walk, (axeTime.get(page.walk) || 0) + Date.now() - t0);
  await assertSpeaks(page, page.lang, name);
  // nothing wider than the screen: on a phone the page never scrolls sideways
  const w = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, view: window.innerWidth }));
  assert.ok(w.page <= w.view, `${name}: the page is ${w.page} px wide on a ${w.view} px screen`);
}

/**
 * One walk as a test, on the page of its width: signed in as user (none for
 * the public) in the user's language; on failure a screenshot of where it
 * stopped; no console errors but the sign-in page's 401 (and what the walk
 * allows in page.allow, the answer to a bad value it sends on purpose).
 */
function walk(title, v, lang, user, body) {
  test(title, async () => {
    const page = await pageOf(v);
    page.walk = `${v.name} ${title.split(' ').slice(1, 3).join(' ')}`;
    const errors = page.errors.length;
    page.lang = lang;
    page.allow = null;
    try {
      if (user) await signInAs(page, lang, user);
      await body(page, translator(lang));
      assert.deepEqual(page.errors.slice(errors).filter((e) => !/status of 401/.test(e) && !(page.allow && page.allow.test(e))), []);
    } catch (err) {
      await screenshot(page, `task-failed-${v.name}-${title.replace(/\W+/g, '-').slice(0, 40)}`).catch(() => {});
      throw err;
    }
  });
}

// the two widths walk side by side: most of a walk is waiting for the server
describe('the six everyday tasks', { concurrency: 2 }, () => {
for (const v of VARIANTS) {
  describe(`the six tasks at ${v.name} width`, { concurrency: 1 }, () => {
    walk(`a member of the public reports a tip and reads it back with the receipt (${v.tip})`, v, v.tip, null, async (page, t) => {
      const text = `Two men sell pills at the gate of the Favoriten school (${v.name}).`;
      await page.goto(`${server.url}/`);
      await page.getByRole('heading', { name: t('signin.title'), exact: true }).waitFor();
      assert.equal(await page.getAttribute('html', 'lang'), v.tip);
      await check(page, `sign-in page (${v.name})`);
      await page.getByRole('link', { name: t('signin.report') }).click();
      await page.getByRole('heading', { name: t('report.title'), level: 1 }).waitFor();
      await page.getByLabel(t('report.category')).selectOption('dealing_near_school');
      await page.getByLabel(t('report.description')).fill(text);
      await page.getByLabel(t('report.country')).selectOption('AT');
      // a place of one letter first: stopped in the browser, with the server's words
      await page.getByLabel(t('report.place'), { exact: true }).fill('F');
      await page.getByRole('button', { name: t('report.submit') }).click();
      const summary = await assertSummary(page, v);
      await summary.getByText(t('form.fix_answers')).waitFor();
      await summary.locator('li[data-field=place]').getByText(TOO_SHORT[v.tip]).waitFor();
      assert.equal((await page.locator('.field:has([name=place]) .field-error').textContent()).trim(), TOO_SHORT[v.tip]);
      await check(page, `tip form with an error (${v.name})`);
      await summary.locator('li[data-field=place] a').click();
      await page.waitForFunction(() => document.activeElement && document.activeElement.getAttribute('name') === 'place');
      await page.keyboard.type('avoritenstraße, Wien');
      // the map shows Austria; Enter on the map marks its centre
      await page.locator('.map[data-fit]').waitFor();
      await page.locator('.map').focus();
      await page.keyboard.press('Enter');
      await page.getByText(t('report.point_chosen').split('{lat}')[0]).waitFor();
      await page.getByLabel(t('report.contact')).fill('Signal +43 660 1234567');
      await page.getByRole('button', { name: t('report.submit') }).click();
      const code = page.locator('[data-receipt=code]');
      await code.waitFor({ timeout: 60000 });
      await page.getByRole('heading', { name: t('report.sent_heading'), level: 1 }).waitFor();
      const receipt = { code: (await code.textContent()).trim(), secret: (await page.locator('[data-receipt=secret]').textContent()).trim() };
      assert.match(receipt.code, /^[2-9A-HJKMNP-Z]{10}$/);
      await page.getByText(t('report.keep_title')).waitFor();
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= v.viewport.width, `the page is ${width} px wide`);
      await check(page, `receipt (${v.name})`);
      await screenshot(page, `task-tip-${v.name}-${v.tip}`, { fullPage: false });
      // back with the receipt: the tip as the police see it, new
      await page.getByRole('link', { name: t('report.follow_up') }).click();
      assert.equal(await page.getByLabel(t('report.code')).inputValue(), receipt.code);
      await page.getByLabel(t('report.secret')).fill(receipt.secret);
      await page.getByRole('button', { name: t('receipt.check') }).click();
      await page.getByRole('heading', { name: t('receipt.status_title') }).waitFor();
      await page.locator('.facts').getByText(t('tipstatus.new')).waitFor();
      await check(page, `receipt status (${v.name})`);
      assert.deepEqual(await page.context().cookies(), [], 'no cookies on the public pages');
      tips[v.name] = { text, ...receipt };
      assert.deepEqual(page.foreign, []);
    });

    walk(`an officer triages the tip from the list to closed; the sender reads the answer (${v.triage})`, v, v.triage, 'officer@vienna.at', async (page, t) => {
      assert.ok(tips[v.name], 'the tip of the walk before');
      // where every walk signed in arrives: the dashboard
      await page.locator('.map[data-ready]').waitFor();
      await page.getByRole('heading', { name: t('dash.welcome', { name: 'Otto Officer' }), level: 1 }).waitFor();
      await check(page, `dashboard (${v.name})`);
      await go(page, v, t('nav.tips'));
      await page.getByRole('heading', { name: t('tips.title'), level: 1 }).waitFor();
      const row = page.getByRole('row').filter({ hasText: tips[v.name].text });
      await row.waitFor();
      await check(page, `tip list (${v.name})`);
      await row.getByRole('link').click();
      const ref = (await page.locator('dd[data-reference]').textContent()).trim();
      assert.match(ref, /^AT-\d{4}-\d{6}$/);
      await page.getByRole('heading', { name: `${ref} · ${t('tipcat.dealing_near_school')}`, level: 1 }).waitFor();
      await page.getByRole('button', { name: t('tips.assign_me') }).click();
      await page.getByText(t('tips.moved', { status: t('tipstatus.assigned') })).waitFor();
      await page.locator('.facts').getByText('Otto Officer').waitFor();
      // a question to the sender, a note for colleagues
      const question = 'Thank you. At what time do they come?';
      await page.getByLabel(t('tips.message_label')).fill(question);
      await page.getByRole('button', { name: t('tips.send') }).click();
      await page.locator('.thread').getByText(question).waitFor();
      await page.getByLabel(t('tips.note_label')).fill('Patrol at the school gate at noon.');
      await page.getByRole('button', { name: t('tips.add_note') }).click();
      await page.locator('.thread').getByText('Patrol at the school gate at noon.').waitFor();
      await check(page, `tip assigned (${v.name})`);
      await page.getByLabel(t('tips.outcome')).selectOption('resolved');
      await page.getByRole('button', { name: t('tips.close') }).click();
      await page.getByText(t('tips.moved', { status: t('tipstatus.closed') })).waitFor();
      await page.locator('.facts').getByText(t('tipoutcome.resolved')).waitFor();
      await screenshot(page, `task-triage-${v.name}-${v.triage}`, { fullPage: false });
      // the list says so
      await page.locator('.breadcrumb').getByRole('link', { name: t('tips.title') }).click();
      await page.getByRole('row').filter({ hasText: ref }).getByText(t('tipstatus.closed'), { exact: true }).waitFor();
      await signOut(page, t);
      // the sender, back with the receipt in their own language, reads the answer
      const ts = translator(v.tip);
      await page.getByLabel(t('app.language')).first().selectOption(v.tip);
      await page.locator(`html[lang=${v.tip}]`).waitFor({ state: 'attached' });
      await page.getByRole('link', { name: ts('signin.have_receipt') }).click();
      await page.getByLabel(ts('report.code')).fill(tips[v.name].code);
      await page.getByLabel(ts('report.secret')).fill(tips[v.name].secret);
      await page.getByRole('button', { name: ts('receipt.check') }).click();
      await page.locator('.thread').getByText(question).waitFor();
      await page.locator('.facts').getByText(ts('tipstatus.closed')).waitFor();
      page.lang = v.tip;
      await check(page, `the police's answer on the receipt page (${v.name})`);
    });

    walk(`an analyst publishes an alert with its substance and finds the related one (${v.alert})`, v, v.alert, 'analyst@vienna.at', async (page, t) => {
      await go(page, v, t('nav.alerts'));
      await page.getByRole('heading', { name: t('alerts.title'), level: 1 }).waitFor();
      await check(page, `alert list (${v.name})`);
      await page.getByRole('link', { name: t('alerts.new') }).click();
      await page.getByRole('heading', { name: t('alerts.new'), level: 1 }).waitFor();
      const title = `Overdoses after nitazene tablets in Favoriten (${v.name})`;
      await page.getByLabel(t('alerts.alert_title')).fill(title);
      await page.getByLabel(t('alerts.category')).selectOption('overdose_cluster');
      const substance = page.getByLabel(t('alerts.substances'));
      await substance.selectOption([ids.iso.id]);
      const named = (await substance.locator('option:checked').textContent()).trim();
      await page.getByLabel(t('alerts.summary')).fill('Three young people in hospital after blue tablets.');
      await page.getByText(t('audience.choose')).first().waitFor();
      await page.locator('#distribution-network').check();
      await page.locator('.audience-text').getByText(t('audience.network')).waitFor();
      await page.locator('#tlp-green').check();
      await check(page, `alert form (${v.name})`);
      await page.getByRole('button', { name: t('alerts.publish'), exact: true }).click();
      await page.getByRole('heading', { name: title, level: 1 }).waitFor();
      await page.locator('dl.facts').getByText(named).first().waitFor();
      await page.getByRole('link', { name: 'Isotonitazene powder seized at a Vienna station' }).waitFor();
      await check(page, `alert page (${v.name})`);
      await screenshot(page, `task-alert-${v.name}-${v.alert}`, { fullPage: false });
      // in the list, for everyone
      await page.locator('.breadcrumb').getByRole('link', { name: t('alerts.title') }).click();
      await page.getByRole('link', { name: title }).waitFor();
      await signOut(page, t);
    });

    walk(`an analyst reads a signal: where, why, the records behind it; acknowledges it (${v.signal})`, v, v.signal, 'analyst@vienna.at', async (page, t) => {
      await go(page, v, t('nav.signals'));
      await page.getByRole('heading', { name: t('sig.title'), level: 1 }).waitFor();
      const link = page.getByRole('link', { name: new RegExp(`^${v.place}`) });
      await link.first().waitFor();
      await check(page, `signal list (${v.name})`);
      await link.first().click();
      await page.getByRole('heading', { level: 1, name: new RegExp(`^${v.place}`) }).waitFor();
      await page.getByText(t('method.gistar')).first().waitFor();
      // the figures are written the reader's way: "< 0,001" in French and Russian
      const p = page.locator('dl.facts > div', { has: page.getByText(t('sig.p_adjusted'), { exact: true }) }).locator('dd');
      assert.equal((await p.textContent()).trim(), `< ${new Intl.NumberFormat(LOCALE[v.signal]).format(0.001)}`);
      const records = page.getByRole('region', { name: t('sig.records_title') }).getByRole('link');
      await hasCount(records, 12, 'the twelve alerts behind it');
      await page.waitForSelector('.map[data-fit]');
      await check(page, `signal page (${v.name})`);
      await screenshot(page, `task-signal-${v.name}-${v.signal}`, { fullPage: false });
      await page.getByRole('button', { name: t('sig.acknowledge'), exact: true }).click();
      await page.getByLabel(t('sig.comment')).fill(`Patrols in front of the school (${v.name})`);
      await page.getByRole('button', { name: t('sig.confirm_ack') }).click();
      await page.getByText(t('sig.acknowledged')).waitFor();
      await page.getByText(`Patrols in front of the school (${v.name})`).waitFor();
      // a record behind it opens
      await records.first().click();
      await page.getByRole('heading', { level: 1, name: /^Sighting w13/ }).waitFor();
      await signOut(page, t);
    });

    walk(`a youth organisation records an activity and sees the police's overlapping one (${v.activity})`, v, v.activity, 'youth@club.at', async (page, t) => {
      await go(page, v, t('nav.activities'));
      await page.getByRole('heading', { name: t('act.title'), level: 1 }).waitFor();
      await page.getByRole('link', { name: 'Police school talks, Favoriten' }).first().waitFor();
      await check(page, `activities (${v.name})`);
      await page.getByRole('link', { name: t('act.new') }).click();
      await page.getByRole('heading', { name: t('act.new'), level: 1 }).waitFor();
      const title = `Youth club evenings, Favoriten (${v.name})`;
      await page.getByLabel(t('act.activity_title')).fill(title);
      await page.getByRole('combobox', { name: t('act.type') }).selectOption('school_prevention');
      await page.getByRole('combobox', { name: t('act.setting') }).selectOption('school');
      assert.equal(await page.getByRole('combobox', { name: t('alerts.country') }).inputValue(), 'AT', 'the organisation\'s country');
      await page.getByLabel(t('alerts.place'), { exact: true }).fill('Favoriten');
      await page.getByLabel(t('act.lat')).fill('48.175');
      await page.getByLabel(t('act.lon')).fill('16.38');
      await page.getByLabel(t('act.radius')).fill('2');
      await page.getByLabel(t('act.start')).fill('2026-10-01');
      await page.getByLabel(t('act.end')).fill('2027-03-31');
      await page.getByLabel(t('act.age_min')).fill('13');
      await page.getByLabel(t('act.age_max')).fill('15');
      await page.locator('#distribution-country').check();
      await page.locator('#tlp-green').check();
      await page.locator('.map[data-ready]').waitFor();
      await check(page, `activity form (${v.name})`);
      await page.getByRole('button', { name: t('act.save') }).click();
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
      const pair = page.locator('.overlap').first();
      await pair.getByRole('link', { name: 'Police school talks, Favoriten' }).waitFor();
      const km = t('overlap.circles_intersect').split('{km}')[0];
      await pair.getByText(km, { exact: false }).waitFor();
      await check(page, `activity page (${v.name})`);
      await screenshot(page, `task-activity-${v.name}-${v.activity}`, { fullPage: false });
      await signOut(page, t);
    });

    walk(`an administrator adds an organisation and a user, then reads it in the audit log (${v.admin})`, v, v.admin, 'admin@example.org', async (page, t) => {
      await go(page, v, t('nav.organisations'));
      await page.getByRole('heading', { name: t('orgs.title'), level: 1 }).waitFor();
      await check(page, `organisations (${v.name})`);
      await page.getByRole('link', { name: t('orgs.new') }).click();
      const name = `Graz Prevention Service (${v.name})`;
      await page.getByLabel(t('orgs.name')).fill(name);
      await page.getByLabel(t('orgs.kind')).selectOption('police');
      await page.getByLabel(t('orgs.country')).selectOption('AT');
      await check(page, `organisation form (${v.name})`);
      await page.getByRole('button', { name: t('common.create') }).click();
      await page.getByRole('heading', { name, level: 1 }).waitFor();
      await page.getByRole('status').getByText(name).waitFor();
      await check(page, `organisation created (${v.name})`);
      const orgId = page.url().split('/').pop();
      await go(page, v, t('nav.users'));
      await page.getByRole('heading', { name: t('users.title'), level: 1 }).waitFor();
      await page.getByRole('row', { name: /Otto Officer/ }).waitFor();
      await check(page, `users (${v.name})`);
      await page.getByRole('link', { name: t('users.new') }).click();
      // an address already taken first: the server says so, in the admin's language
      page.allow = /status of 409/;
      await page.getByLabel(t('users.email')).fill('officer@vienna.at');
      await page.getByLabel(t('users.name')).fill(`Gerda Graz ${v.name}`);
      await page.getByLabel(t('users.org')).selectOption(orgId);
      await page.getByLabel(t('users.role')).selectOption('officer');
      await page.getByLabel(t('users.password')).fill(PASSWORD);
      await check(page, `user form (${v.name})`);
      await page.getByRole('button', { name: t('common.create') }).click();
      const summary = await assertSummary(page, v);
      await summary.locator('li[data-field=email]').getByText(TAKEN[v.admin]).waitFor();
      await page.locator('.field:has([name=email]) .field-error').getByText(TAKEN[v.admin]).waitFor();
      await check(page, `user form with the server's error (${v.name})`);
      await page.getByLabel(t('users.email')).fill(`gerda.${v.name}@graz.at`);
      await page.getByRole('button', { name: t('common.create') }).click();
      await page.getByRole('heading', { name: `Gerda Graz ${v.name}`, level: 1 }).waitFor();
      await check(page, `user created (${v.name})`);
      // the audit log: the new organisation's creation, in words, linked
      await go(page, v, t('nav.audit'));
      await page.getByRole('heading', { name: t('audit.title'), level: 1 }).waitFor();
      await page.getByLabel(t('audit.resource_type')).selectOption('organisation');
      await page.waitForURL(/resource_type=organisation/);
      const created = page.locator(`main tbody tr[data-action="create"]:has(a[href="/organisations/${orgId}"])`);
      await created.waitFor();
      await created.getByText('Ada Admin').waitFor();
      await check(page, `audit log (${v.name})`);
      await screenshot(page, `task-admin-audit-${v.name}-${v.admin}`, { fullPage: false });
      await created.locator(`a[href="/organisations/${orgId}"]`).click();
      await page.getByRole('heading', { name, level: 1 }).waitFor();
      await signOut(page, t);
    });
  });
}
});
