// The app's first render does not wait for modules found one import after
// another: index.html preloads every module that main.js and the dashboard
// (the first page after sign-in) import statically, and nothing else that
// does not exist. No browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { ROOT, vendor } from './lib.mjs';

const WEB = join(ROOT, 'web');

/** The modules a module imports statically, itself first, as /paths. */
function graph(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const src = readFileSync(file, 'utf8');
  for (const m of src.matchAll(/^import\s+(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
    graph(normalize(join(dirname(file), m[1])), seen);
  }
  return seen;
}

test('index.html preloads the whole static import graph of the start and of the dashboard', () => {
  vendor(); // web/vendor: the graph goes through preact and its hooks
  const html = readFileSync(join(WEB, 'index.html'), 'utf8');
  const preloaded = new Set([...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]));
  const needed = new Set([...graph(join(WEB, 'js/main.js')), ...graph(join(WEB, 'js/page-dashboard.js'))]
    .map((f) => `/${relative(WEB, f)}`));
  const missing = [...needed].filter((p) => !preloaded.has(p));
  assert.deepEqual(missing, [], 'modules the first render imports but index.html does not preload');
  for (const p of preloaded) {
    assert.ok(needed.has(p), `${p} is preloaded but not imported by the start or the dashboard`);
    assert.ok(existsSync(join(WEB, p)), `${p} does not exist`);
  }
});
