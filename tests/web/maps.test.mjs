// Street maps in the browser: with TRELLIS_TILES naming a PMTiles file (a
// small one made here from a generated PNG), the dashboard's map and the
// public tip form's map draw its tiles under the country outlines, read by
// byte ranges through npm's pmtiles, with no policy violation; without it,
// no tile at all (tests/web/app.test.mjs checks that too).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { startServer, launch, newPage, signIn, screenshot, hasCount, run, apiCall } from './lib.mjs';
import { pngTile, pmtilesArchive } from './pmtiles.mjs';

const COLOUR = [214, 40, 160];
const dir = mkdtempSync(join(tmpdir(), 'trellis-tiles-'));
const file = join(dir, 'streets.pmtiles');
writeFileSync(file, pmtilesArchive(pngTile(COLOUR), 3));

let browser;
before(async () => { browser = await launch(); });
after(async () => {
  if (browser) await browser.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The colour at the middle of the first drawn tile of the map. */
async function tileColour(page) {
  const tile = page.locator('.map canvas.leaflet-tile[data-drawn]').first();
  await tile.waitFor({ state: 'attached' });
  return tile.evaluate((c) => [...c.getContext('2d').getImageData(c.width / 2, c.height / 2, 1, 1).data.slice(0, 3)]);
}

describe('with a PMTiles file', () => {
  let server;
  const ranges = [];
  before(async () => { server = await startServer({ env: { TRELLIS_TILES: file } }); });
  after(async () => { if (server) await server.stop(); });

  test('the dashboard map draws the street tiles under the outlines, read by ranges', async () => {
    const page = await newPage(browser);
    page.on('request', (r) => {
      if (r.url().endsWith('/api/v1/map/tiles')) ranges.push(r.headers().range);
    });
    await signIn(page, server.url);
    await page.locator('.map[data-ready][data-tiles="pmtiles"]').waitFor();
    assert.deepEqual(await tileColour(page), COLOUR);
    assert.ok((await page.locator('.map canvas.leaflet-tile[data-drawn]').count()) >= 1);
    assert.ok((await page.locator('.map path.osce-country').count()) >= 60, 'the outlines are still drawn');
    assert.ok(ranges.length >= 1 && ranges.every((r) => /^bytes=\d+-\d+$/.test(r)), ranges.join(' '));
    await screenshot(page, 'map-streets');
    assert.deepEqual(page.foreign, []);
    // the 401 of /me before signing in is the app's own
    assert.deepEqual(page.errors.filter((e) => !/status of 401/.test(e)), []);
  });

  test('the public tip form map draws them too, at phone width', async () => {
    const page = await newPage(browser, { viewport: { width: 390, height: 844 }, locale: 'fr-FR' });
    await page.goto(`${server.url}/report`);
    await page.locator('.map[data-tiles="pmtiles"]').waitFor();
    assert.deepEqual(await tileColour(page), COLOUR);
    await screenshot(page, 'report-streets-phone');
    // signed out: the app's own 401 of /me is expected
    assert.deepEqual(page.errors.filter((e) => !/status of 401/.test(e)), []);
  });
});

describe('with an XYZ template', () => {
  // a tile server of its own on another port: another origin, which the
  // policy must allow for images and nothing else
  let server;
  let tiles;
  const asked = [];
  before(async () => {
    const png = pngTile(COLOUR);
    tiles = createServer((req, res) => {
      asked.push(req.url);
      res.writeHead(/^\/\d+\/\d+\/\d+\.png$/.test(req.url) ? 200 : 404, { 'Content-Type': 'image/png' });
      res.end(png);
    });
    await new Promise((ok) => tiles.listen(0, '127.0.0.1', ok));
    server = await startServer({ env: { TRELLIS_TILES: `http://127.0.0.1:${tiles.address().port}/{z}/{x}/{y}.png`,
      TRELLIS_TILES_ATTRIBUTION: '© Street <b>Tiles</b> contributors' } });
  });
  after(async () => {
    if (server) await server.stop();
    tiles?.close();
  });

  test('the dashboard map loads its tiles from the origin of the template', async () => {
    const page = await newPage(browser);
    await signIn(page, server.url);
    await page.locator('.map[data-ready][data-tiles="xyz"]').waitFor();
    await page.locator('.map img.leaflet-tile.leaflet-tile-loaded').first().waitFor();
    assert.ok(asked.some((u) => /^\/\d+\/\d+\/\d+\.png$/.test(u)), asked.join(' '));
    assert.deepEqual(page.errors.filter((e) => !/status of 401/.test(e)), [], 'no policy violation');
    // the tiles' credit, as text
    const credit = page.locator('.map .leaflet-control-attribution');
    await credit.getByText('© Street <b>Tiles</b> contributors').waitFor();
    await hasCount(credit.locator('b'), 0, 'the credit is not read as HTML');
  });
});

describe('without TRELLIS_TILES', () => {
  let server;
  before(async () => { server = await startServer(); });
  after(async () => { if (server) await server.stop(); });

  test('the maps draw outlines only and never ask for tiles', async () => {
    const page = await newPage(browser);
    const asked = [];
    page.on('request', (r) => { if (r.url().includes('/api/v1/map/tiles')) asked.push(r.url()); });
    await signIn(page, server.url);
    await page.locator('.map[data-ready]').waitFor();
    await hasCount(page.locator('.map .leaflet-tile'), 0, 'no tile layer');
    assert.equal(await page.locator('.map').getAttribute('data-tiles'), null);
    assert.ok((await page.locator('.map path.osce-country').count()) >= 60);
    assert.deepEqual(asked, []);
  });

  test('the dashboard draws its first view without Leaflet, where Leaflet would, and hands over at the first zoom', async () => {
    const admin = run(['token', 'create', '--email', 'admin@example.org', '--db', server.db]);
    for (const [lat, lon] of [[48.2082, 16.3738], [52.52, 13.405], [41.01, 28.98]]) {
      await apiCall(server.url, admin, 'POST', '/alerts', { title: `Point ${lat}`, category: 'street_distribution',
        tlp: 'amber', distribution: 'network', status: 'published', location: { lat, lon } });
    }
    const page = await newPage(browser);
    const asked = [];
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    await signIn(page, server.url);
    const map = page.locator('.map.map-light[data-ready][data-points="3"]');
    await map.waitFor();
    assert.ok(!asked.includes('/vendor/leaflet.esm.js'), 'Leaflet is not read for the first view');
    assert.ok((await page.locator('.map path.osce-country').count()) >= 60);
    // where the points stand in the map (the page may scroll)
    const centres = () => page.locator('.map path.mark-alerts').evaluateAll((ps) => ps.map((p) => {
      const m = p.closest('.map').getBoundingClientRect();
      const r = p.getBoundingClientRect();
      return [r.x + r.width / 2 - m.x, r.y + r.height / 2 - m.y];
    }).sort((a, b) => a[0] - b[0]));
    const light = await centres();
    assert.equal(light.length, 3);
    // a State's tooltip, as on the real map
    await page.locator('.map path.osce-country').first().dispatchEvent('mouseover');
    await page.locator('.map .leaflet-tooltip strong').waitFor();
    // the first zoom: Leaflet takes the element over and zooms in; zoomed
    // out again, the points stand where the light view drew them
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.locator('.map.leaflet-grab[data-ready]').waitFor();
    assert.ok(asked.includes('/vendor/leaflet.esm.js'));
    await hasCount(page.locator('.map .map-light-svg'), 0, 'the light view is gone');
    const settle = async () => {
      await page.waitForTimeout(300); // Leaflet's zoom animation lasts 250 ms
      await page.waitForFunction(() => !document.querySelector('.leaflet-zoom-anim'), null, { polling: 'raf' });
    };
    await settle();
    const zoomed = await centres();
    assert.ok(Math.abs(zoomed[2][0] - zoomed[0][0]) > 1.5 * Math.abs(light[2][0] - light[0][0]), 'zoomed in');
    await page.getByRole('button', { name: 'Zoom out' }).click();
    await settle();
    const real = await centres();
    for (let i = 0; i < 3; i++) {
      assert.ok(Math.hypot(real[i][0] - light[i][0], real[i][1] - light[i][1]) < 2, `point ${i}: ${light[i]} drawn at ${real[i]}`);
    }
    // a State opens its organisations from the light view too
    await page.goto(`${server.url}/`);
    await map.waitFor();
    await page.locator('.map path.osce-country').nth(10).dispatchEvent('click');
    await page.waitForURL(/\/organisations\?country=[A-Z]{2}$/);
    assert.deepEqual(page.errors.filter((e) => !/status of 401/.test(e)), []);
  });

  test('the first view draws the light overview shapes, country zoom the 1:50m ones', async () => {
    const page = await newPage(browser);
    const shapes = [];
    page.on('request', (r) => { if (/\/vendor\/countries-/.test(r.url())) shapes.push(new URL(r.url()).pathname); });
    await signIn(page, server.url);
    const map = page.locator('.map[data-ready]');
    await map.waitFor();
    assert.equal(await map.getAttribute('data-shapes'), 'overview');
    assert.ok(Number(await map.getAttribute('data-ready')) > 200, 'the small States are in the overview too');
    assert.deepEqual(shapes, ['/vendor/countries-overview.json'], 'the 1:50m shapes wait for country zoom');
    // a State's tooltip (made when first shown): its name and its status
    await page.locator('.map path.osce-country').first().dispatchEvent('mouseover');
    const tip = page.locator('.leaflet-tooltip strong');
    await tip.waitFor();
    assert.ok((await tip.textContent()).length > 2);
    assert.match(await page.locator('.leaflet-tooltip').textContent(), /(participating State|Partner for Co-operation)/);
    // one zoom at a time, until country zoom: a click during a zoom's
    // animation is dropped, and a loaded machine animates slowly
    const zoomIn = page.getByRole('button', { name: 'Zoom in' });
    const detail = page.locator('.map[data-shapes="detail"]');
    for (let i = 0; i < 5 && (await detail.count()) === 0; i++) {
      await zoomIn.click();
      await page.waitForTimeout(300); // Leaflet's zoom animation lasts 250 ms
      await page.waitForFunction(() => !document.querySelector('.leaflet-zoom-anim'), null, { polling: 'raf' });
    }
    await detail.waitFor({ timeout: 30000 });
    assert.ok(shapes.includes('/vendor/countries-50m.json'));
    assert.ok((await page.locator('.map path.osce-country').count()) >= 60);
    assert.deepEqual(page.errors.filter((e) => !/status of 401/.test(e)), []);
  });
});
