// The dashboard's first render on the demo data: from navigation, with an
// empty cache, to the map with its record layers, every panel and the
// weekly chart drawn. The reference, measured in the same run by the same
// chromium from the same server: the page the dashboard rendered, saved as
// one static HTML file (same DOM, same style sheets, no script), from
// navigation to its load event. Runs alternate, so a machine that gets
// busier slows both alike. Prints each run, the medians, their ratio and the
// 1 s floor of the dashboard's median; exits 1 when the floor is missed.
// Usage: node bench/web/dashboard.mjs BASEURL EMAIL PASSWORD WEBDIR
// (WEBDIR: the directory the server serves, where the reference is written)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [base, email, password, webDir] = process.argv.slice(2);
const RUNS = Number(process.env.BENCH_RUNS || 7); // the first of each warms up
const FLOOR = 1000;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs) => xs.map((t) => Math.round(t)).join(', ');

/** One cold load of the dashboard: ms to the first full render, and the page. */
async function dashboard(state) {
  const c = await browser.newContext({ viewport: { width: 1280, height: 860 }, storageState: state });
  const page = await c.newPage();
  await page.goto(`${base}/`);
  const ms = await (await page.waitForFunction(() => {
    const map = document.querySelector('.map[data-ready][data-points]');
    const busy = document.querySelectorAll('.panel[aria-busy="true"]');
    const chart = document.querySelector('.chart-weekly[data-ready]');
    return map && document.querySelectorAll('.panel').length > 0 && busy.length === 0 && chart && performance.now();
  }, null, { polling: 'raf', timeout: 30000 })).jsonValue();
  return { ms, page, c };
}

/** One cold load of the reference: ms to its load event and a frame after it. */
async function reference() {
  const c = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await c.newPage();
  await page.goto(`${base}/bench-reference.html`);
  const ms = await (await page.waitForFunction(() => document.readyState === 'complete' && performance.now(),
    null, { polling: 'raf', timeout: 30000 })).jsonValue();
  await c.close();
  return ms;
}

try {
  const ctx = await browser.newContext();
  const login = await ctx.request.post(`${base}/api/v1/auth/login`, { data: { email, password } });
  if (login.status() !== 200) throw new Error(`sign-in failed: ${login.status()}`);
  const state = await ctx.storageState();
  await ctx.close();

  // the warm-up run also makes the reference: the rendered page without scripts
  const first = await dashboard(state);
  const snapshot = await first.page.evaluate(() => {
    const doc = document.documentElement.cloneNode(true);
    doc.querySelectorAll('script, link[rel=modulepreload]').forEach((n) => n.remove());
    return `<!doctype html>\n${doc.outerHTML}`;
  });
  const stats = await first.page.evaluate(() => {
    const r = performance.getEntriesByType('resource');
    return { requests: r.length + 1, kb: Math.round(r.reduce((n, e) => n + e.transferSize, 0) / 1024) };
  });
  await first.c.close();
  writeFileSync(join(webDir, 'bench-reference.html'), snapshot);
  await reference();

  const dash = [];
  const ref = [];
  for (let i = 1; i < RUNS; i++) {
    const d = await dashboard(state);
    dash.push(d.ms);
    await d.c.close();
    ref.push(await reference());
  }
  const md = median(dash);
  const mr = median(ref);
  console.log(`dashboard first render (cold cache, ${stats.requests} requests, ${stats.kb} KiB): ${fmt(dash)} ms`);
  console.log(`reference, the same page as static HTML (${Math.round(snapshot.length / 1024)} KiB, same server): ${fmt(ref)} ms`);
  console.log(`median ${Math.round(md)} ms against ${Math.round(mr)} ms: ratio ${(md / mr).toFixed(2)}; floor ${FLOOR} ms: ${md < FLOOR ? 'PASS' : 'BELOW'}`);
  process.exitCode = md < FLOOR ? 0 : 1;
} finally {
  await browser.close();
}
