// The app's first render asks for two scripts: index.html loads the bundles
// scripts/web-vendor builds: web/dist/app.js, which holds main.js, every
// module it imports and the UI library (the libraries only some pages need
// stay separate files it imports when asked for), and before it the small
// web/dist/early.js (tests/web/first_render.test.mjs). No browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { ROOT, vendor } from './lib.mjs';

const WEB = join(ROOT, 'web');
const BUNDLE = join(WEB, 'dist/app.js');

test('index.html loads the two bundles, early.js first and async, and no module of js/ one by one', () => {
  const html = readFileSync(join(WEB, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  assert.deepEqual(scripts, ['<script type="module" async src="/dist/early.js">', '<script type="module" src="/dist/app.js">']);
  assert.doesNotMatch(html, /modulepreload|\/js\//);
});

test('the bundle is built from the modules as they are now', () => {
  vendor();
  const built = statSync(BUNDLE).mtimeMs;
  const stale = readdirSync(join(WEB, 'js')).filter((f) => statSync(join(WEB, 'js', f)).mtimeMs > built);
  assert.deepEqual(stale, [], 'modules changed since web/dist/app.js was built');
});

test('early.js is small and imports nothing', () => {
  vendor();
  const src = readFileSync(join(WEB, 'dist/early.js'), 'utf8');
  assert.ok(src.length < 8192, `early.js is ${src.length} bytes`);
  assert.doesNotMatch(src, /(^|[;}\n])\s*import\s*[\w{*"(]/, 'an import in early.js');
});

test('the bundle imports nothing before it runs; what it imports later exists', () => {
  vendor();
  const src = readFileSync(BUNDLE, 'utf8');
  // a static import would be one more request the first render waits for
  assert.doesNotMatch(src, /(^|[;}\n])\s*import\s*[\w{*"]/, 'a static import in the bundle');
  assert.doesNotMatch(src, /(^|[;}\n])\s*export\s*[\w{*]/, 'the bundle is an entry, not a library');
  const lazy = [...src.matchAll(/import\("([^"]+)"\)/g)].map((m) => m[1]);
  assert.ok(lazy.includes('../vendor/leaflet.esm.js'), 'Leaflet is loaded only by the pages that need it');
  for (const p of lazy) {
    assert.ok(existsSync(normalize(join(dirname(BUNDLE), p))), `${p}, imported by the bundle, does not exist`);
  }
});
