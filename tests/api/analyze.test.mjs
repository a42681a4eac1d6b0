// The `trellis analyze` command line, end to end, against the vectors that
// R (surveillance, spdep) produced: the contract for scripted use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './lib.mjs';

const REF = 'tests/unit/analytics/ref';
const dir = mkdtempSync(join(tmpdir(), 'trellis-analyze-'));
const rows = (file) => {
  const [head, ...lines] = readFileSync(join(REF, file), 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
};
const close = (a, b) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
const parseOut = (text) => {
  const [head, ...lines] = text.trim().split('\n');
  assert.equal(head, 'period,observed,expected,upperbound,alarm');
  return lines.map((l) => l.split(','));
};

test('ears C1, C2 and C3 from the command line equal R earsC', () => {
  const series = rows('ts_series.csv');
  const cases = rows('ears_cases.csv').filter((c) => ['1', '2'].includes(c.series)).slice(0, 9);
  const ref = rows('ears_ref.csv');
  let compared = 0;
  for (const c of cases) {
    const input = join(dir, `s${c.series}.csv`);
    const counts = series.filter((r) => r.series === c.series);
    writeFileSync(input, 'period,count\n' + counts.map((r) => `${r.t},${r.count}`).join('\n') + '\n');
    const r = cli(['analyze', 'ears', '--method', c.method, '--baseline', c.baseline, '--alpha', c.alpha,
      '--min-sigma', c.min_sigma, '--from', c.from, '--input', input]);
    assert.equal(r.status, 0, r.stderr);
    const out = new Map(parseOut(r.stdout).map((f) => [f[0], f]));
    for (const want of ref.filter((x) => x.case === c.case)) {
      const got = out.get(want.t);
      assert.ok(got, `case ${c.case} period ${want.t} missing`);
      if (want.upperbound === 'NA') assert.equal(got[3], 'NA');
      else assert.ok(close(Number(got[3]), Number(want.upperbound)), `case ${c.case} t ${want.t}: ${got[3]} vs ${want.upperbound}`);
      if (want.alarm !== 'NA') assert.equal(got[4], want.alarm);
      compared++;
    }
  }
  assert.ok(compared > 100, `only ${compared} periods compared`);
});

test('farrington from the command line equals R farringtonFlexible', () => {
  const series = rows('farrington_series.csv').filter((r) => r.series === 'seasonal');
  const ref = rows('farrington_ref.csv').filter((r) => r.optset === 'defaults' && r.series === 'seasonal');
  const input = join(dir, 'far.csv');
  writeFileSync(input, 'period,count\n' + series.map((r) => `${r.week},${r.count}`).join('\n') + '\n');
  const first = Math.min(...ref.map((r) => Number(r.week)));
  const r = cli(['analyze', 'farrington', '--from', String(first), '--input', input]);
  assert.equal(r.status, 0, r.stderr);
  const out = new Map(parseOut(r.stdout).map((f) => [f[0], f]));
  for (const want of ref) {
    const got = out.get(want.week);
    if (want.upperbound === 'NA') assert.equal(got[3], 'NA');
    else assert.ok(close(Number(got[3]), Number(want.upperbound)), `week ${want.week}`);
  }
  assert.ok(ref.length >= 100);
});

test('gistar from the command line equals R localG', () => {
  const pts = rows('gistar_uniform_d8.csv');
  const input = join(dir, 'pts.csv');
  writeFileSync(input, 'id,x,y,value\n' + pts.map((p, i) => `p${i},${p.x},${p.y},${p.value}`).join('\n') + '\n');
  const r = cli(['analyze', 'gistar', '--distance', '8', '--input', input]);
  assert.equal(r.status, 0, r.stderr);
  const [head, ...lines] = r.stdout.trim().split('\n');
  assert.equal(head, 'id,value,gi_star_z,p_value');
  assert.equal(lines.length, pts.length);
  lines.forEach((l, i) => assert.ok(close(Number(l.split(',')[2]), Number(pts[i].z)), `point ${i}`));
});

test('bad input exits 2 with one line naming the row and column', () => {
  const input = join(dir, 'bad.csv');
  writeFileSync(input, 'count\n1\n2\n-3\n');
  const r = cli(['analyze', 'ears', '--method', 'C1', '--input', input]);
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /row 4/);
  assert.match(r.stderr, /count/);
  assert.equal(cli(['analyze', 'ears', '--input', input]).status, 2);
  assert.equal(cli(['analyze', 'gistar', '--distance', '-1', '--input', input]).status, 2);
  assert.equal(cli(['analyze', 'nosuch']).status, 2);
  assert.equal(cli(['analyze', 'stscan', '--help']).status, 0);
});

// Relative agreement for p-values, which span many orders of magnitude.
const closeRel = (a, b, rel) => a === b || Math.abs(a - b) <= rel * Math.abs(b);

test('gistar --adjust adds p and p_adjusted equal to R p.adjust and spdep p.adjustSP', () => {
  const ref = rows('gistar_padjust.csv').filter((r) => r.case === 'clustered_d5');
  const pts = rows('gistar_clustered_d5.csv');
  const input = join(dir, 'pts-adjust.csv');
  writeFileSync(input, 'id,x,y,value\n' + pts.map((p, i) => `p${i},${p.x},${p.y},${p.value}`).join('\n') + '\n');
  const runs = [
    { args: ['--adjust', 'none'], col: 'all_none' },
    { args: ['--adjust', 'bonferroni'], col: 'all_bonferroni' },
    { args: ['--adjust=holm'], col: 'all_holm' },
    { args: ['--adjust', 'bh'], col: 'all_bh' },
    { args: ['--adjust', 'bh', '--adjust-by-neighbours'], col: 'sp_bh' },
    { args: ['--adjust-by-neighbours', '--adjust', 'holm'], col: 'sp_holm' },
  ];
  for (const run of runs) {
    const r = cli(['analyze', 'gistar', '--distance', '5', ...run.args, '--input', input]);
    assert.equal(r.status, 0, r.stderr);
    const [head, ...lines] = r.stdout.trim().split('\n');
    assert.equal(head, 'id,value,gi_star_z,p_value,p,p_adjusted');
    assert.equal(lines.length, ref.length);
    lines.forEach((l, i) => {
      const f = l.split(',');
      assert.ok(closeRel(Number(f[4]), Number(ref[i].p), 1e-12), `${run.col} point ${i}: p ${f[4]} vs ${ref[i].p}`);
      assert.ok(closeRel(Number(f[5]), Number(ref[i][run.col]), 1e-12),
        `${run.col} point ${i}: ${f[5]} vs ${ref[i][run.col]}`);
    });
  }
  // Without --adjust the output keeps its four columns.
  const plain = cli(['analyze', 'gistar', '--distance', '5', '--input', input]);
  assert.equal(plain.stdout.split('\n')[0], 'id,value,gi_star_z,p_value');
});

test('gistar --adjust with a bad value exits 2 with one line, and --help documents it', () => {
  const input = join(dir, 'pts-bad-adjust.csv');
  writeFileSync(input, 'id,x,y,value\na,0,0,1\nb,1,0,2\nc,5,5,3\n');
  const bad = [
    ['--adjust', 'BH'],
    ['--adjust', 'hochberg'],
    ['--adjust', ''],
    ['--adjust'],
    ['--adjust-by-neighbours'],
    ['--adjust-by-neighbours=yes', '--adjust', 'bh'],
  ];
  for (const args of bad) {
    const r = cli(['analyze', 'gistar', '--distance', '2', '--input', input, ...args]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}`);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /--adjust/);
  }
  const help = cli(['analyze', 'gistar', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--adjust none\|bonferroni\|holm\|bh/);
  assert.match(help.stdout, /--adjust-by-neighbours/);
  assert.match(help.stdout, /p\.adjustSP/);
});

test('farrington prints alarm 0 where R does: no bound under 5 cases in 4 weeks', () => {
  const series = rows('farrington_limit54_series.csv').filter((r) => r.series === 'sparse');
  const input = join(dir, 'far-limit54.csv');
  writeFileSync(input, 'period,count\n' + series.map((r) => `${r.week},${r.count}`).join('\n') + '\n');
  for (const [optset, args] of [['defaults', []], ['limit32', ['--limit54', '3,2']], ['nbplugin', ['--threshold', 'nbplugin']]]) {
    const ref = rows('farrington_limit54_ref.csv').filter((r) => r.optset === optset && r.series === 'sparse');
    const r = cli(['analyze', 'farrington', '--from', ref[0].week, ...args, '--input', input]);
    assert.equal(r.status, 0, r.stderr);
    const out = new Map(parseOut(r.stdout).map((f) => [f[0], f]));
    let ruled = 0;
    for (const want of ref) {
      const got = out.get(want.week);
      assert.ok(got, `${optset} week ${want.week} missing`);
      assert.equal(got[4], want.alarm, `${optset} week ${want.week}: alarm ${got[4]}, R ${want.alarm}`);
      if (want.upperbound === 'NA') {
        assert.equal(got[3], 'NA');
        assert.equal(got[2], 'NA');
        ruled++;
      } else {
        assert.ok(close(Number(got[3]), Number(want.upperbound)), `${optset} week ${want.week}`);
      }
    }
    assert.ok(ruled > 50, `${optset}: only ${ruled} weeks under the rule`);
  }
  // Week 450: 4 cases after 3 empty weeks, far above any bound, yet no alarm.
  const r = cli(['analyze', 'farrington', '--input', input]);
  const week450 = parseOut(r.stdout).find((f) => f[0] === '450');
  assert.deepEqual(week450, ['450', '4', 'NA', 'NA', '0']);
});
