// Every string key exists in every locale file, with the plural forms each
// language needs; no browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';

const LANGS = ['en', 'fr', 'ru'];
const PLURAL = /\.(zero|one|two|few|many|other)$/;
const load = (l) => JSON.parse(readFileSync(join(ROOT, 'web/i18n', `${l}.json`), 'utf8'));
const dicts = Object.fromEntries(LANGS.map((l) => [l, load(l)]));
// a plural key counts once, by its stem
const stems = (d) => new Set(Object.keys(d).map((k) => k.replace(PLURAL, '')));

for (const a of LANGS) {
  for (const b of LANGS) {
    if (a === b) continue;
    test(`every key of ${a}.json is in ${b}.json`, () => {
      const missing = [...stems(dicts[a])].filter((k) => !stems(dicts[b]).has(k));
      assert.deepEqual(missing, []);
    });
  }
}

test('plural keys have the forms each language needs', () => {
  const need = { en: ['one', 'other'], fr: ['one', 'other'], ru: ['one', 'few', 'many', 'other'] };
  for (const l of LANGS) {
    // a stem is plural when English has its .one form (enum values named
    // "other", like tipcat.other, are plain keys)
    const plurals = new Set(Object.keys(dicts[l]).filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, ''))
      .filter((stem) => `${stem}.one` in dicts.en));
    for (const stem of plurals) {
      for (const form of need[l]) assert.ok(`${stem}.${form}` in dicts[l], `${l}: ${stem}.${form}`);
    }
  }
});

test('no string is empty and placeholders match English', () => {
  const names = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
  for (const l of LANGS) {
    for (const [k, v] of Object.entries(dicts[l])) {
      assert.ok(typeof v === 'string' && v.trim() !== '', `${l}: ${k} is empty`);
      const en = dicts.en[k] ?? dicts.en[`${k.replace(PLURAL, '')}.other`];
      if (en !== undefined) assert.equal(names(v), names(en), `${l}: ${k} placeholders`);
    }
  }
});

test('every key the app uses is in en.json', () => {
  const src = readdirSync(join(ROOT, 'web/js')).filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(ROOT, 'web/js', f), 'utf8')).join('\n');
  const used = new Set([...src.matchAll(/\b(?:t|tn)\('([a-z_.]+)'|(?:nav|title): '([a-z_]+\.[a-z_.]+)'/g)].map((m) => m[1] || m[2]));
  const have = stems(dicts.en);
  assert.deepEqual([...used].filter((k) => !have.has(k)), []);
});

test('the links of the main menu have distinct names in every language', () => {
  // two links of one name ("Мероприятия" for activities and for events)
  // leave a reader, and a screen reader's list of links, guessing
  const routes = readFileSync(join(ROOT, 'web/js/routes.js'), 'utf8');
  const keys = [...new Set([...routes.matchAll(/nav: '([a-z_.]+)'/g)].map((m) => m[1]))];
  assert.ok(keys.length > 10, 'the menu keys are found in routes.js');
  for (const l of LANGS) {
    const names = keys.map((k) => dicts[l][k]);
    const twice = names.filter((n, i) => names.indexOf(n) !== i);
    assert.deepEqual(twice, [], `${l}: menu links with the same name`);
  }
});

test('the States and Partners are named in every language, as in data/osce_countries.csv in English and French', () => {
  const [head, ...rows] = readFileSync(join(ROOT, 'data/osce_countries.csv'), 'utf8').trim().split('\n')
    .map((l) => l.split(','));
  const col = (n) => head.indexOf(n);
  assert.ok(rows.length >= 60);
  for (const r of rows) {
    const key = `country.${r[col('iso2')]}`;
    assert.equal(dicts.en[key], r[col('name_en')], key);
    assert.equal(dicts.fr[key], r[col('name_fr')], key);
    assert.match(dicts.ru[key] || '', /^[А-ЯЁ][а-яёА-ЯЁ -]+$/, key);
  }
});

// web/js/i18n.js writes whole numbers and dates itself (the first Intl
// formatter a page builds is slow): the same text as Intl, in node's ICU.
test('numbers and dates are written as Intl writes them, in every language', async () => {
  globalThis.document = { documentElement: {} };
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (url) => ({ ok: true, json: async () => load(url.match(/(\w+)\.json$/)[1]) });
  try {
    const i18n = await import('../../web/js/i18n.js');
    const LOCALE = { en: 'en-GB', fr: 'fr-FR', ru: 'ru-RU' };
    for (const l of LANGS) {
      await i18n.setLanguage(l);
      const nf = new Intl.NumberFormat(LOCALE[l]);
      for (const n of [0, 1, 7, 42, 999, 1000, 1001, 9999, 12345, 100000, 999999, 1234567, 2 ** 40]) {
        assert.equal(i18n.formatNumber(n), nf.format(n), `${l} ${n}`);
      }
      assert.equal(i18n.formatNumber(-1234.5), nf.format(-1234.5), `${l} -1234.5`);
      const dt = new Intl.DateTimeFormat(LOCALE[l], { dateStyle: 'medium', timeStyle: 'short' });
      const date = new Intl.DateTimeFormat(LOCALE[l], { dateStyle: 'medium' });
      const day = new Intl.DateTimeFormat(LOCALE[l], { day: 'numeric', month: 'short' });
      for (let m = 0; m < 12; m++) {
        for (const [d, h, min] of [[1, 0, 0], [9, 7, 5], [28, 23, 59]]) {
          const at = new Date(2026, m, d, h, min);
          assert.equal(i18n.formatDateTime(at.toISOString()), dt.format(at), `${l} ${at.toISOString()}`);
          assert.equal(i18n.formatDate(at.toISOString()), date.format(at), `${l} ${at.toISOString()}`);
          assert.equal(i18n.formatDay(at.getTime()), day.format(at), `${l} ${at.toISOString()}`);
        }
      }
      assert.equal(i18n.countryName('AT'), load(l)['country.AT']);
      assert.equal(i18n.countryName('BR'), new Intl.DisplayNames(l, { type: 'region' }).of('BR'), 'others by Intl');
    }
  } finally {
    globalThis.fetch = realFetch;
    delete globalThis.document;
  }
});
