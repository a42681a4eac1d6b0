// Browser-test helpers: start the real server on a fresh SQLite database with
// reference data and users, launch Debian's chromium through playwright-core,
// and keep every request on 127.0.0.1.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = resolve(ROOT, process.env.TRELLIS_BIN || 'build/san/trellis');
export const PASSWORD = 'correct horse battery';
export const SHOTS = join(ROOT, 'build/screenshots');

/** The users every test server has: email → { name, org, role }. */
export const USERS = {
  'admin@example.org': { name: 'Ada Admin', org: 'osce-spmu', role: 'admin' },
  'viewer@example.org': { name: 'Victor Viewer', org: 'unodc', role: 'viewer' },
};

/** Runs the CLI (with stdin input) and answers its trimmed output. */
export function run(args, input) {
  return execFileSync(BIN, args, { cwd: ROOT, input, stdio: ['pipe', 'pipe', 'pipe'] }).toString().trim();
}

/**
 * Runs scripts/web-vendor: copies web/vendor when missing and refreshes the
 * .gz copies, which the server prefers, so a stale one never hides an edit.
 * It only redoes what changed, so running it every time is cheap.
 */
export function vendor() {
  execFileSync(join(ROOT, 'scripts/web-vendor'), { cwd: ROOT, stdio: 'inherit' });
}

/**
 * Starts `trellis serve` on a free loopback port against a new database.
 * Answers { url, stop() }; stop() sends SIGTERM and removes the database.
 * env adds to the server's environment (tip intake settings, keys).
 */
export async function startServer({ env = {} } = {}) {
  vendor();
  const dir = mkdtempSync(join(tmpdir(), 'trellis-web-'));
  const db = `sqlite:${join(dir, 't.db')}`;
  run(['seed', '--reference', '--db', db]);
  for (const [email, u] of Object.entries(USERS)) {
    run(['user', 'add', '--email', email, '--name', u.name, '--org', u.org, '--role', u.role,
      '--password-stdin', '--db', db], `${PASSWORD}\n`);
  }
  const child = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--db', db, '--web', 'web', '--threads', '2'],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let log = '';
  const port = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${log}`)), 15000);
    child.stderr.on('data', (b) => {
      log += b.toString();
      for (const line of log.split('\n')) {
        try {
          const j = JSON.parse(line);
          if (j.msg === 'listening' && j.port) { clearTimeout(timer); ok(j.port); return; }
        } catch { /* not a whole JSON line yet */ }
      }
    });
    child.on('exit', (code) => { clearTimeout(timer); fail(new Error(`server exited ${code}:\n${log}`)); });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    db,
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        const done = new Promise((ok) => child.once('exit', ok));
        child.kill('SIGTERM');
        await Promise.race([done, new Promise((ok) => setTimeout(ok, 5000))]);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * A new page in its own context; records every request that leaves
 * 127.0.0.1 in page.foreign and every console error in page.errors.
 */
export async function newPage(browser, { viewport = { width: 1280, height: 860 }, locale = 'en-GB' } = {}) {
  const context = await browser.newContext({ viewport, locale });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  page.foreign = [];
  page.errors = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['data:', 'blob:', 'about:'].includes(u.protocol) && u.hostname !== '127.0.0.1') page.foreign.push(r.url());
  });
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  return page;
}

/** Signs in through the form and waits for the dashboard. */
export async function signIn(page, url, email = 'admin@example.org', password = PASSWORD) {
  await page.goto(`${url}/`);
  await page.locator('#main form').waitFor();
  await page.getByLabel(/email|électronique|почты/i).fill(email);
  await page.locator('input[type=password]').fill(password);
  await page.locator('#main button[type=submit]').click();
  await page.locator('.userbox').waitFor();
}

export async function screenshot(page, name, opts = {}) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, ...opts });
}

/**
 * Waits until the locator matches exactly n elements, then passes; fails
 * with the last count after the timeout. The page may still be drawing the
 * list of a moment ago, so a count read once races the page.
 */
export async function hasCount(locator, n, message, timeout = 20000) {
  const end = Date.now() + timeout;
  let got = await locator.count();
  while (got !== n && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    got = await locator.count();
  }
  assert.equal(got, n, message);
}

/**
 * One API request to the server at url with a bearer token; asserts a 2xx
 * and answers the body (null for 204).
 */
export async function apiCall(url, bearer, method, path, body) {
  const r = await fetch(`${url}/api/v1${path}`, {
    method, headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = r.status === 204 ? null : await r.json();
  assert.ok(r.ok, `${method} ${path}: ${r.status} ${JSON.stringify(data)}`);
  return data;
}

/** axe on the page as it is: no serious or critical violation (name says where). */
export async function axe(page, name) {
  // once per document: the app changes pages without reloading, and the
  // half-megabyte script is slow to parse on a loaded machine
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.evaluate(readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  }
  const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  assert.deepEqual(bad, [], `${name}:\n${bad.join('\n')}`);
}
