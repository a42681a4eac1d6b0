// CSV formula injection: every CSV the program writes (activities as CSV
// and HXL, alerts, the analyze command) defuses a text cell that starts
// with = + - @ TAB or CR (a leading single quote, inside quotes), leaves
// numbers such as negative coordinates as numbers, and the HXL import reads
// its own export back to the same text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, client, cli, cliUser, assertProblem } from './lib.mjs';

const PAYLOADS = ['=2+5', '@SUM(A1)', '=HYPERLINK("http://x")', '\t=1', '+1', '-1+2', '\r=3'];
// titles are at least 3 characters: a short payload is padded, still first
const title = (p) => (p.length >= 3 ? p : `${p} x`);

/** RFC 4180: rows of raw cells, each with its text and whether it was quoted. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let i = 0;
  while (i < text.length) {
    let cell = '';
    let quoted = false;
    if (text[i] === '"') {
      quoted = true;
      i++;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') { cell += '"'; i += 2; } else if (text[i] === '"') { i++; break; } else cell += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') cell += text[i++];
    }
    row.push({ text: cell, quoted });
    if (text[i] === ',') { i++; continue; }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    rows.push(row);
    row = [];
  }
  return rows;
}

/** The cells of column `name` (by the header row), one per data row. */
function column(text, name, skip = 1) {
  const rows = parseCsv(text);
  const k = rows[0].findIndex((c) => c.text === name);
  assert.ok(k >= 0, `no column ${name}`);
  return rows.slice(skip).map((r) => r[k]);
}

/** What a spreadsheet could take for a formula: a raw cell text whose first
 * character is = + - @ TAB or CR. */
const dangerous = (cell) => /^[=+\-@\t\r]/.test(cell.text);

function assertDefused(cells, payloads) {
  for (const p of payloads) {
    const c = cells.find((x) => x.text === `'${p}` || x.text === p);
    assert.ok(c, `no cell for ${JSON.stringify(p)}`);
    assert.equal(c.text, `'${p}`, `${JSON.stringify(p)} is not defused`);
    assert.ok(c.quoted);
  }
  assert.ok(!cells.some(dangerous), cells.filter(dangerous).map((c) => c.text).join(' | '));
}

let srv, root, analyst, orgName, orgId;
const tmp = mkdtempSync(join(tmpdir(), 'trellis-csv-'));
before(async () => {
  srv = await startServer();
  root = client(srv.base, { token: cliUser(srv, { email: 'root@example.org' }).token });
  orgName = 'Formula Police';
  const org = (await root.post('/api/v1/organisations', { body: { name: orgName, kind: 'police', country: 'AU' } })).body;
  orgId = org.id;
  analyst = client(srv.base, { token: cliUser(srv, { email: 'analyst@example.org', role: 'analyst', org: org.id }).token });
  for (const p of PAYLOADS) {
    const r = await analyst.post('/api/v1/activities', {
      body: {
        title: title(p), description: p, type: 'school_prevention', setting: 'school', area_country: 'AU',
        lat: -12.5, lon: -45.25, radius_km: 5, start: '2026-01-01', end: '2026-04-01', status: 'active',
        age_min: 12, age_max: 16, gender: 'all', distribution: 'organisation', tlp: 'green',
      },
    });
    assert.equal(r.status, 201, r.text);
    const a = await analyst.post('/api/v1/alerts', {
      body: {
        title: title(p), summary: p, category: 'other', distribution: 'organisation', tlp: 'amber', status: 'published',
        location: { lat: -33.9, lon: -18.4, place_name: p }, tags: [p.replace(/[^a-z0-9]/gi, '') || 'x'],
      },
    });
    assert.equal(a.status, 201, a.text);
  }
});
after(async () => {
  await srv?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test('activities export as CSV defuses formulas and keeps negative coordinates numbers', async () => {
  const r = await analyst.get('/api/v1/activities/export?format=csv');
  assert.equal(r.status, 200);
  assertDefused(column(r.text, 'Activity'), PAYLOADS.map(title));
  assertDefused(column(r.text, 'Description'), PAYLOADS);
  for (const [name, v] of [['Latitude', '-12.5'], ['Longitude', '-45.25']]) {
    const cells = column(r.text, name);
    assert.equal(cells.length, PAYLOADS.length);
    assert.ok(cells.every((c) => c.text === v && !c.quoted), `${name}: ${cells.map((c) => c.text)}`);
  }
});

test('activities export as HXL defuses formulas and its import reads back the same text', async () => {
  const r = await analyst.get('/api/v1/activities/export?format=hxl');
  assert.equal(r.status, 200);
  assertDefused(column(r.text, 'Activity', 2), PAYLOADS.map(title));
  assert.ok(column(r.text, 'Latitude', 2).every((c) => c.text === '-12.5'));
  const imp = await analyst.post('/api/v1/activities/import', { raw: r.text, headers: { 'Content-Type': 'text/csv' } });
  assert.equal(imp.status, 201, imp.text);
  const all = (await analyst.get('/api/v1/activities/export?format=json')).body;
  for (const p of PAYLOADS) {
    const same = all.filter((a) => a.title === title(p));
    assert.equal(same.length, 2, `${JSON.stringify(title(p))}: ${all.map((a) => JSON.stringify(a.title))}`);
    assert.ok(same.every((a) => a.description === p && a.lat === -12.5));
  }
});

test('alerts export as CSV defuses formulas, TAB and CR included', async () => {
  const r = await analyst.get('/api/v1/alerts/export?format=csv');
  assert.equal(r.status, 200);
  assertDefused(column(r.text, 'title'), PAYLOADS.map(title));
  assertDefused(column(r.text, 'summary'), PAYLOADS);
  assertDefused(column(r.text, 'place_name'), PAYLOADS);
  assert.ok(column(r.text, 'lat').every((c) => c.text === '-33.9' || c.text === '-33.899999999999999'));
  assert.ok(column(r.text, 'lon').every((c) => /^-18\.(4|39999)/.test(c.text)));
});

test('analyze output defuses formulas in the ids it echoes', () => {
  const input = join(tmp, 'points.csv');
  const ids = ['=2+5', '@SUM(A1)', '-1+2', '+1', 'p5', 'p6', 'p7', 'p8'];
  writeFileSync(input, 'id,x,y,value\n' + ids.map((id, i) => `"${id}",${i % 3},${Math.floor(i / 3)},${i + 1}`).join('\n') + '\n');
  const r = cli(['analyze', 'gistar', '--input', input, '--distance', '2']);
  assert.equal(r.status, 0, r.stderr);
  const cells = column(r.stdout, 'id');
  assertDefused(cells, ids.slice(0, 4));
  assert.ok(cells.some((c) => c.text === 'p5' && !c.quoted));
});

// ---- imports: a NUL byte is an error of its row and column; dates bounded ----

const HXL_HEAD = 'Organisation,Type,Activity,Start,Status\r\n#org,#sector,#activity,#date+start,#status\r\n';
const importCsv = (text) => analyst.post('/api/v1/activities/import', { raw: Buffer.from(text, 'latin1'), headers: { 'Content-Type': 'text/csv' } });

test('a NUL byte in an imported cell is an error naming its row and column', async () => {
  const before = (await analyst.get('/api/v1/activities/export?format=json')).body.length;
  for (const cell of ['"Ti\0tle cut short"', 'Ti\0tle cut short']) {
    const r = await importCsv(`${HXL_HEAD}${orgName},school_prevention,Good title,2026-01-01,active\r\n${orgName},school_prevention,${cell},2026-01-01,active\r\n`);
    assertProblem(assert, r, 400, 'row 4 #activity');
    assert.match(r.body.errors.find((e) => e.field === 'row 4 #activity').message, /NUL/);
  }
  // a column the import does not read is named by its number
  const r = await importCsv(`${HXL_HEAD.replace('\r\n#org', ',Note\r\n#org').replace('#status\r\n', '#status,\r\n')}${orgName},school_prevention,Good title,2026-01-01,active,x\0y\r\n`);
  assertProblem(assert, r, 400, 'row 3 column 6');
  assert.equal((await analyst.get('/api/v1/activities/export?format=json')).body.length, before, 'nothing imported');
  // the command line reads the file the same way
  const file = join(tmp, 'nul.csv');
  writeFileSync(file, Buffer.from(`${HXL_HEAD}${orgName},school_prevention,Ti\0tle,2026-01-01,active\r\n`, 'latin1'));
  const c = cli(['import', 'activities', file, '--org', orgId, '--db', srv.db.url]);
  assert.equal(c.status, 1, c.stdout + c.stderr);
  assert.match(c.stderr, /row 3.*#activity.*NUL/);
});

test('dates are bounded to the years 1900 to 2200 in bodies, query strings and CSV', async () => {
  for (const start of ['9999-01-01', '2201-01-01', '1899-12-31', '2200-12-31T23:59:59-01:00']) {
    const r = await analyst.post('/api/v1/activities', {
      body: { title: 'Far away in time', type: 'school_prevention', setting: 'school', tlp: 'green', distribution: 'organisation', area_country: 'AU', start, status: 'planned' },
    });
    assertProblem(assert, r, 400, 'start');
    assert.equal(r.body.errors.length, 1, r.text);
  }
  const ok = await analyst.post('/api/v1/activities', {
    body: { title: 'Far, but sane', type: 'school_prevention', setting: 'school', tlp: 'green', distribution: 'organisation', area_country: 'AU', start: '2200-12-31', status: 'planned' },
  });
  assert.equal(ok.status, 201, ok.text);
  assertProblem(assert, await root.get('/api/v1/audit?from=9999-01-01'), 400, 'from');
  const imp = await importCsv(`${HXL_HEAD}${orgName},school_prevention,Far in the future,9999-12-31,active\r\n`);
  assertProblem(assert, imp, 400, 'row 3 #date+start');
});
