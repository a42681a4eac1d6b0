// The served API description is completed from the route table and the
// resource declarations: every operation has an operationId, a resource's
// request bodies and list filters are its field and filter tables, and the
// document passes `redocly lint` (recommended rules) without a warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, request } from './lib.mjs';

const srv = await startServer();
test.after(() => srv.stop());
const doc = (await request(srv.base, 'GET', '/api/v1/openapi.json')).body;

test('every operation has a unique operationId', () => {
  const seen = new Set();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      assert.ok(op.operationId, `${method} ${path} has no operationId`);
      assert.ok(!seen.has(op.operationId), `${op.operationId} twice`);
      seen.add(op.operationId);
    }
  }
});

test('a resource documents its body and filters from its declaration', () => {
  const create = doc.paths['/api/v1/activities'].post;
  assert.equal(create.operationId, 'createActivity');
  const schema = doc.components.schemas[create.requestBody.content['application/json'].schema.$ref.split('/').pop()];
  assert.equal(schema.properties.title.maxLength, 300);
  assert.deepEqual(schema.properties.setting.enum, ['school', 'family', 'community', 'nightlife', 'online', 'workplace']);
  assert.ok(schema.required.includes('area_country'));
  assert.equal(schema.additionalProperties, false);
  const patch = doc.components.schemas.PracticePatch;
  assert.equal(patch.required, undefined);
  assert.ok(patch.properties.status.enum.includes('submitted'));
  const list = doc.paths['/api/v1/practices'].get;
  assert.equal(list.operationId, 'listPractices');
  const names = list.parameters.map((p) => p.name);
  for (const n of ['status', 'country', 'evidence_level', 'q', 'limit', 'cursor']) assert.ok(names.includes(n), n);
});

test('redocly lint passes with the recommended rules and no warning', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc, null, 1));
    const r = spawnSync('node', ['node_modules/@redocly/cli/bin/cli.js', 'lint', '--extends=recommended', file], { encoding: 'utf8', env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } });
    const out = `${r.stdout}\n${r.stderr}`;
    assert.equal(r.status, 0, out);
    assert.match(out, /valid/i);
    assert.doesNotMatch(out, /You have \d+ warning/, out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
