// Messages for people, in the browser: at phone width and in French or
// Russian, the tip form and the sign-in form check the server's rules (from
// GET /api/v1/schema/{form}) before any request, the server's own messages
// come in the user's language, each next to its field and in the error
// summary, which takes focus and is in view.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn, screenshot, axe } from './lib.mjs';

const PHONE = { width: 390, height: 844 };
let server;
let browser;

before(async () => {
  server = await startServer({ env: { TRELLIS_TIP_RATE: '0', TRELLIS_SECRET_KEY: 'c3'.repeat(32) } });
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

/** The summary is the focused element and lies within the phone's screen. */
async function assertSummaryInView(page) {
  const summary = page.locator('[data-problem]');
  await summary.waitFor();
  assert.ok(await summary.evaluate((el) => el === document.activeElement), 'the error summary takes focus');
  assert.equal(await summary.getAttribute('role'), 'alert');
  const box = await summary.boundingBox();
  assert.ok(box && box.y >= 0 && box.y + Math.min(box.height, 200) <= PHONE.height, `the summary is on screen (y = ${box && box.y})`);
  return summary;
}

/** Records the requests to the API paths that match re. */
function watch(page, re) {
  const seen = [];
  page.on('request', (r) => { if (re.test(new URL(r.url()).pathname)) seen.push({ url: r.url(), method: r.method(), lang: r.headers()['accept-language'] }); });
  return seen;
}

describe('messages for people', () => {
  test('the tip form in Russian checks the server\'s rules before any request and says so next to the field', async () => {
    const page = await newPage(browser, { viewport: PHONE, locale: 'ru-RU' });
    const sent = watch(page, /^\/api\/v1\/public\/tips/);
    const schema = watch(page, /^\/api\/v1\/schema\//);
    await page.goto(`${server.url}/report`);
    await page.locator('[name=category]').waitFor({ timeout: 30000 });
    assert.equal(await page.getAttribute('html', 'lang'), 'ru');
    await page.locator('[name=category]').selectOption('public_drug_use');
    await page.locator('[name=description]').fill('Люди употребляют наркотики в парке у детской площадки.');
    await page.locator('[name=country]').selectOption('AT');
    await page.locator('[name=place]').fill('x');
    await page.locator('[name=contact]').fill('ab');
    await page.locator('#main form button[type=submit]').click();
    const summary = await assertSummaryInView(page);
    // the words of the server's catalog, next to each field and in the summary
    const place = page.locator('.field:has([name=place]) .field-error');
    assert.equal((await place.textContent()).trim(), 'должно содержать не менее 2 символов');
    const contact = page.locator('.field:has([name=contact]) .field-error');
    assert.equal((await contact.textContent()).trim(), 'должно содержать не менее 3 символов');
    assert.match(await summary.textContent(), /Некоторые ответы нужно исправить: ничего ещё не отправлено\./);
    await summary.locator('li[data-field=place]').getByText('должно содержать не менее 2 символов').waitFor();
    assert.equal(await page.locator('[name=place]').getAttribute('aria-invalid'), 'true');
    assert.deepEqual(sent, [], 'no challenge and no tip before the answers pass');
    assert.ok(schema.length >= 1 && schema.every((r) => r.lang === 'ru'), 'the rules came from the server, in Russian');
    await screenshot(page, 'messages-tip-ru-phone');
    await axe(page, 'tip form with the browser\'s messages');
    // a link of the summary takes the user to the field
    await summary.locator('li[data-field=contact] a').click();
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('name')), 'contact');
    assert.deepEqual(page.errors.filter((e) => !/status of 401/.test(e)), []);
  });

  test('the receipt page shows the server\'s Russian messages next to the fields and in the summary', async () => {
    const page = await newPage(browser, { viewport: PHONE, locale: 'ru-RU' });
    const sent = watch(page, /^\/api\/v1\/public\/tips/);
    await page.goto(`${server.url}/report/receipt`);
    await page.locator('[name=code]').fill('abc');
    await page.locator('[name=secret]').fill('not-a-secret');
    await page.locator('#main form button[type=submit]').click();
    const summary = await assertSummaryInView(page);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].lang, 'ru', 'the app sends the user\'s language');
    const code = page.locator('.field:has([name=code]) .field-error');
    await code.waitFor();
    assert.equal((await code.textContent()).trim(), 'не является кодом квитанции (10 букв и цифр)');
    const secret = page.locator('.field:has([name=secret]) .field-error');
    assert.equal((await secret.textContent()).trim(), 'не является секретом квитанции');
    await summary.locator('li[data-field="X-Receipt-Secret"]').getByText(/не является секретом квитанции/).waitFor();
    assert.doesNotMatch(await summary.textContent(), /is not|receipt/);
    await summary.locator('li[data-field="X-Receipt-Secret"] a').click();
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('name')), 'secret');
    await screenshot(page, 'messages-receipt-ru-phone');
  });

  test('sign-in in French: an empty form is stopped in the browser; a wrong password is answered in French', async () => {
    const page = await newPage(browser, { viewport: PHONE, locale: 'fr-FR' });
    const sent = watch(page, /^\/api\/v1\/auth\/login/);
    await page.goto(`${server.url}/`);
    await page.locator('#main form').waitFor();
    await page.locator('#main form button[type=submit]').click();
    await assertSummaryInView(page);
    const email = page.locator('.field:has([name=email]) .field-error');
    assert.equal((await email.textContent()).trim(), 'ne doit pas être vide');
    assert.deepEqual(sent, [], 'nothing sent for an empty form');
    await page.locator('[name=email]').fill('admin@example.org');
    await page.locator('[name=password]').fill('not the password');
    await page.locator('#main form button[type=submit]').click();
    const summary = page.locator('[data-problem]');
    await summary.getByText("l'adresse électronique ou le mot de passe est faux").waitFor();
    await assertSummaryInView(page);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].lang, 'fr');
    await screenshot(page, 'messages-signin-fr-phone');
  });

  test('every form of the API is checked before sending: a new organisation in French, at phone width', async () => {
    const page = await newPage(browser, { viewport: PHONE, locale: 'fr-FR' });
    await signIn(page, server.url);
    const sent = watch(page, /^\/api\/v1\/organisations$/);
    await page.goto(`${server.url}/organisations/new`);
    await page.locator('[name=name]').waitFor();
    // the input's own maxlength would stop the typing: the rule is the server's
    await page.locator('[name=name]').evaluate((el) => { el.removeAttribute('maxlength'); });
    await page.locator('[name=name]').fill('x'.repeat(301));
    await page.locator('#main form button[type=submit]').click();
    const summary = await assertSummaryInView(page);
    const name = page.locator('.field:has([name=name]) .field-error');
    assert.equal((await name.textContent()).trim(), 'doit compter au plus 300 caractères');
    const kind = page.locator('.field:has([name=kind]) .field-error');
    assert.equal((await kind.textContent()).trim(), 'ne doit pas être vide');
    await summary.locator('li[data-field=kind]').getByText(/ne doit pas être vide/).waitFor();
    assert.deepEqual(sent.filter((r) => r.method === 'POST'), [], 'nothing sent that the server would refuse');
    await screenshot(page, 'messages-organisation-fr-phone');
  });
});
