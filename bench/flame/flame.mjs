// Folds the stacks of `perf script` and draws them as a flame graph (SVG),
// for bench/flame/run.sh. No dependency: node only.
//
//   node bench/flame/flame.mjs --title TEXT --svg OUT.svg [--folded OUT.folded] < perf.txt
//     writes the SVG (and the folded stacks), prints the top self-time and
//     inclusive functions
//   node bench/flame/flame.mjs --check
//     checks the folder and the SVG writer on a small made-up profile
import { readFileSync, writeFileSync } from 'node:fs';
import assert from 'node:assert/strict';

const TOP = 15;

/** The name of one frame line of perf script ("\taddr sym+0x1f (dso)"):
 * the symbol without its offset, else "[dso]" when perf has no symbol. */
function frameName(line) {
  const m = line.trim().match(/^[0-9a-f]+\s+(.*?)\s+\((.*)\)$/);
  if (!m) return null;
  const sym = m[1].replace(/\+0x[0-9a-f]+$/, '');
  if (sym && sym !== '[unknown]') return sym;
  const dso = m[2].split('/').pop();
  return dso.startsWith('[') ? dso : `[${dso}]`;
}

/** perf script's text to a Map of folded stack ("root;...;leaf") -> samples.
 * Each stack starts with the thread's name, so the threads of the server
 * show apart. */
export function fold(text) {
  const stacks = new Map();
  let head = null;
  let frames = [];
  const flush = () => {
    if (head !== null && frames.length) {
      const key = [head, ...frames.reverse()].join(';');
      stacks.set(key, (stacks.get(key) || 0) + 1);
    }
    head = null;
    frames = [];
  };
  for (const line of text.split('\n')) {
    if (!line.trim()) {
      flush();
    } else if (!/^\s/.test(line)) {
      flush();
      head = line.trim().split(/\s+\d+(\/\d+)?\s+/)[0].replace(/;/g, ':') || '?';
    } else if (head !== null) {
      const name = frameName(line);
      if (name) frames.push(name.replace(/;/g, ':'));
    }
  }
  flush();
  return stacks;
}

/** The folded stacks as text, one "stack count" a line, the largest first. */
export function foldedText(stacks) {
  return [...stacks].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}\n`).join('');
}

/** The n functions with the most samples at the leaf (self) and anywhere in
 * the stack (inclusive, a function counted once per stack), and the total. */
export function tops(stacks, n = TOP) {
  const self = new Map();
  const incl = new Map();
  let total = 0;
  for (const [key, count] of stacks) {
    const frames = key.split(';').slice(1); // the thread is not a function
    total += count;
    if (!frames.length) continue;
    const leaf = frames[frames.length - 1];
    self.set(leaf, (self.get(leaf) || 0) + count);
    for (const f of new Set(frames)) incl.set(f, (incl.get(f) || 0) + count);
  }
  const best = (m) => [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n);
  return { self: best(self), inclusive: best(incl), total };
}

const esc = (s) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/* A warm colour that stays the same for a name from one graph to the next. */
function colour(name) {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0;
  const r = 205 + (h % 50);
  const g = 80 + ((h >>> 8) % 130);
  const b = (h >>> 16) % 60;
  return `rgb(${r},${g},${b})`;
}

/** The stacks as a tree: {name, count, kids: Map}. */
function tree(stacks) {
  const root = { name: 'all', count: 0, kids: new Map() };
  for (const [key, count] of stacks) {
    root.count += count;
    let node = root;
    for (const f of key.split(';')) {
      if (!node.kids.has(f)) node.kids.set(f, { name: f, count: 0, kids: new Map() });
      node = node.kids.get(f);
      node.count += count;
    }
  }
  return root;
}

/** The flame graph as an SVG document: one rectangle per frame, its width in
 * proportion to its samples, the root at the bottom, a <title> per frame
 * (shown on hover by the browser; no script). */
export function svg(stacks, title, width = 1200) {
  const root = tree(stacks);
  const rowH = 16;
  const pad = 10;
  const top = 40;
  const minW = 0.5; // frames narrower than this are not drawn
  let depth = 0;
  const rects = [];
  const scale = (width - 2 * pad) / Math.max(root.count, 1);
  const walk = (node, x, level) => {
    depth = Math.max(depth, level);
    rects.push({ node, x, level });
    let cx = x;
    const kids = [...node.kids.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const k of kids) {
      if (k.count * scale >= minW) walk(k, cx, level + 1);
      cx += k.count * scale;
    }
  };
  walk(root, pad, 0);
  const height = top + (depth + 1) * rowH + pad;
  const out = [
    `<?xml version="1.0" encoding="UTF-8"?>\n`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"`,
    ` viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="11">\n`,
    `<rect width="100%" height="100%" fill="#fdfdf6"/>\n`,
    `<text x="${width / 2}" y="24" font-size="15" text-anchor="middle">${esc(title)}</text>\n`,
  ];
  for (const { node, x, level } of rects) {
    const w = node.count * scale;
    const y = height - pad - (level + 1) * rowH;
    const pct = ((100 * node.count) / Math.max(root.count, 1)).toFixed(2);
    const label = `${node.name} (${node.count} samples, ${pct}%)`;
    const chars = Math.floor((w - 4) / 6.6);
    const text =
      chars >= 3 ? (node.name.length <= chars ? node.name : node.name.slice(0, chars - 2) + '..') : '';
    out.push(
      `<g><title>${esc(label)}</title>`,
      `<rect x="${x.toFixed(2)}" y="${y}" width="${w.toFixed(2)}" height="${rowH - 1}"`,
      ` fill="${level ? colour(node.name) : '#c8c8c8'}" rx="1"/>`,
      text ? `<text x="${(x + 2).toFixed(2)}" y="${y + rowH - 4}">${esc(text)}</text>` : '',
      `</g>\n`,
    );
  }
  out.push('</svg>\n');
  return out.join('');
}

function table(heading, rows, total) {
  const lines = [heading];
  for (const [name, n] of rows)
    lines.push(`  ${((100 * n) / total).toFixed(1).padStart(5)}%  ${String(n).padStart(7)}  ${name}`);
  return lines.join('\n');
}

/** The folder and the writer on a made-up profile of two threads. */
function check() {
  const perf = [
    'trellis 100/101 1.000: 1001001 cpu-clock:',
    '\t    55d0 sqlite3VdbeExec+0x1f (/usr/lib/libsqlite3.so)',
    '\t    55c0 alert_list+0x10 (/work/build/trellis)',
    '\t    55b0 handler+0x2 (/work/build/trellis)',
    '',
    'trellis 100/101 1.001: 1001001 cpu-clock:',
    '\t    55d0 sqlite3VdbeExec+0x2f (/usr/lib/libsqlite3.so)',
    '\t    55c0 alert_list+0x18 (/work/build/trellis)',
    '\t    55b0 handler+0x2 (/work/build/trellis)',
    '',
    'trellis 100/101 1.002: 1001001 cpu-clock:',
    '\t    55c0 alert_list+0x18 (/work/build/trellis)',
    '\t    55b0 handler+0x2 (/work/build/trellis)',
    '',
    'MHD-worker 100/102 1.003: 1001001 cpu-clock:',
    '\t    ffff [unknown] (/usr/lib/libc.so.6)',
    '\t    55a0 a<b>&c+0x1 (/work/build/trellis)',
    '',
  ].join('\n');
  const stacks = fold(perf);
  assert.equal(
    foldedText(stacks),
    'trellis;handler;alert_list;sqlite3VdbeExec 2\n' +
      'trellis;handler;alert_list 1\n' +
      'MHD-worker;a<b>&c;[libc.so.6] 1\n',
  );
  const t = tops(stacks);
  assert.equal(t.total, 4);
  assert.deepEqual(t.self[0], ['sqlite3VdbeExec', 2]);
  assert.deepEqual(t.inclusive.slice(0, 2), [
    ['alert_list', 3],
    ['handler', 3],
  ]);
  const doc = svg(stacks, 'check <1>', 1000);
  assert.match(doc, /^<\?xml/);
  assert.match(doc, /<text [^>]*>check &lt;1&gt;<\/text>/);
  assert.match(doc, /<title>a&lt;b&gt;&amp;c \(1 samples, 25.00%\)<\/title>/);
  // the widths follow the samples: all = 980 px, alert_list 3/4 of it
  assert.match(doc, /<title>all \(4 samples, 100.00%\)<\/title><rect x="10.00" y="\d+" width="980.00"/);
  assert.match(doc, /<title>alert_list \(3 samples, 75.00%\)<\/title><rect x="[\d.]+" y="\d+" width="735.00"/);
  // background, all, two threads and five functions
  assert.equal((doc.match(/<rect /g) || []).length, 1 + 1 + 7);
}

function main(argv) {
  const arg = (name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  if (argv.includes('--check')) {
    check();
    console.log('flame.mjs: check ok');
    return;
  }
  const out = arg('--svg');
  if (!out) {
    console.error('usage: flame.mjs --title TEXT --svg OUT.svg [--folded OUT] < perf-script.txt');
    process.exit(2);
  }
  const stacks = fold(readFileSync(0, 'utf8'));
  if (!stacks.size) {
    console.error('flame.mjs: no stacks in the input');
    process.exit(1);
  }
  const t = tops(stacks);
  const folded = arg('--folded');
  if (folded) writeFileSync(folded, foldedText(stacks));
  writeFileSync(out, svg(stacks, `${arg('--title') || 'flame graph'}, ${t.total} samples`));
  console.log(table(`top ${TOP} functions by self time (of ${t.total} samples)`, t.self, t.total));
  console.log(table(`top ${TOP} functions by inclusive time`, t.inclusive, t.total));
}

main(process.argv.slice(2));
