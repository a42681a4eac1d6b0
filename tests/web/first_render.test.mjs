// The dashboard's first render after a page load (tests/web/bundle.test.mjs
// covers the files): early.js asks for its data while the app loads, the app
// takes every one of those answers instead of asking again, and the
// dashboard is drawn once, whole: no panel, chart or map is ever drawn
// empty and filled in later.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, newPage, signIn } from './lib.mjs';

let browser;
let server;
before(async () => {
  browser = await launch();
  server = await startServer();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

/** Loads "/" in a signed-in page; answers the requests for data made, by URL: how many times each. */
async function load(page) {
  const asked = new Map();
  const count = (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/api/') || u.pathname.startsWith('/vendor/countries')) {
      const k = u.pathname + u.search;
      asked.set(k, (asked.get(k) || 0) + 1);
    }
  };
  page.on('request', count);
  await page.goto(`${server.url}/`);
  await page.locator('.map[data-ready][data-points]').waitFor();
  await page.locator('.chart-weekly[data-ready]').waitFor();
  page.off('request', count);
  return asked;
}

describe('the first render of the dashboard', () => {
  for (const who of [['an admin', 'admin@example.org'], ['a viewer', 'viewer@example.org']]) {
    test(`for ${who[0]}, cold: asked for once each, taken from early.js, drawn whole`, async () => {
      const signed = await newPage(browser);
      await signIn(signed, server.url, who[1]);
      const state = await signed.context().storageState();
      await signed.context().close();
      // a new browser context: the session cookie, nothing cached
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, storageState: state });
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      // from the first node the app adds: a panel still loading, or a
      // dashboard without its weekly chart, would be seen here
      await page.addInitScript(() => {
        globalThis.partial = [];
        new MutationObserver(() => {
          const app = document.getElementById('app');
          if (!app || !app.querySelector('.panels')) return;
          if (app.querySelector('.panel[aria-busy="true"]')) globalThis.partial.push('a panel loading');
          if (!app.querySelector('.chart-weekly')) globalThis.partial.push('no weekly chart');
        }).observe(document, { childList: true, subtree: true });
      });
      const asked = await load(page);
      const twice = [...asked].filter(([, n]) => n > 1).map(([k]) => k);
      assert.deepEqual(twice, [], 'asked for more than once');
      for (const path of ['/api/v1/me', '/api/v1/alerts?limit=500', '/api/v1/countries?limit=500',
        '/api/v1/inbox?unread=true&limit=5', '/vendor/countries-overview.json']) {
        assert.ok(asked.has(path), `${path} was not asked for`);
      }
      assert.equal(asked.has('/api/v1/tips?limit=500'), who[1].startsWith('admin'), 'tips: only for who may list them');
      const early = await page.evaluate(() => ({ at: globalThis.trellisEarly.at, left: [...globalThis.trellisEarly.answers.keys()] }));
      assert.ok(early.at > 0, 'early.js did not ask before the app ran');
      assert.deepEqual(early.left, [], 'answers early.js asked for that the app did not take');
      assert.deepEqual(await page.evaluate(() => [...new Set(globalThis.partial)]), []);
      const panels = await page.locator('.panel .panel-value').allTextContents();
      assert.ok(panels.length >= 4 && panels.every((v) => /^\d[\d\s,.]*\+?$|^—$/.test(v.trim())), panels.join(' | '));
      assert.deepEqual(errors, []);
      await context.close();
    });
  }

  test('a reload with the app cached asks for each answer once too', async () => {
    const page = await newPage(browser);
    await signIn(page, server.url);
    const asked = await load(page);
    assert.deepEqual([...asked].filter(([, n]) => n > 1).map(([k]) => k), []);
    assert.ok(asked.has('/api/v1/alerts?limit=500'));
    await page.context().close();
  });

  test('signed out, "/" asks for none of the dashboard\'s data', async () => {
    const page = await newPage(browser);
    const asked = [];
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    await page.goto(`${server.url}/`);
    await page.locator('#main form').waitFor();
    for (const path of ['/api/v1/alerts', '/api/v1/tips', '/api/v1/inbox', '/api/v1/countries']) {
      assert.ok(!asked.includes(path), `${path} asked for on the sign-in page`);
    }
    await page.context().close();
  });
});
