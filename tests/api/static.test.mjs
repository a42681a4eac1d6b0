// Static files of the web app: the gzip copy beside a file is sent to a
// client that accepts gzip only while it is as new as the file; a file
// edited since scripts/web-vendor ran is sent as it now is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, utimesSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './lib.mjs';

const web = mkdtempSync(join(tmpdir(), 'trellis-web-'));
let server;
before(async () => {
  mkdirSync(join(web, 'js'));
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>t</title>');
  server = await startServer({ seed: false, args: ['--web', web] });
});
after(async () => {
  if (server) await server.stop();
  rmSync(web, { recursive: true, force: true });
});

async function get(path) {
  const r = await fetch(`${server.base}${path}`, { headers: { 'Accept-Encoding': 'gzip' } });
  // fetch unzips on its own: read what was sent from the header
  return { status: r.status, enc: r.headers.get('content-encoding'), body: await r.text() };
}

test('the gzip copy is sent while current, the file itself once it is newer', async () => {
  const file = join(web, 'js', 'a.js');
  writeFileSync(file, 'export const v = 1;\n');
  writeFileSync(`${file}.gz`, gzipSync('export const v = 1;\n'));
  const t = new Date(Date.now() - 60000);
  utimesSync(file, t, t);
  utimesSync(`${file}.gz`, t, t);
  let r = await get('/js/a.js');
  assert.equal(r.status, 200);
  assert.equal(r.enc, 'gzip');
  assert.equal(r.body, 'export const v = 1;\n');
  // edited after the copy was made
  writeFileSync(file, 'export const v = 2;\n');
  r = await get('/js/a.js');
  assert.equal(r.status, 200);
  assert.equal(r.enc, null);
  assert.equal(r.body, 'export const v = 2;\n');
});
