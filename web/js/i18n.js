// Strings come from web/i18n/<lang>.json; dates and numbers are formatted by
// Intl for the chosen language. The choice is remembered in localStorage.
export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'fr', name: 'Français' },
  { code: 'ru', name: 'Русский' },
];
const STORE_KEY = 'trellis.lang';
const cache = new Map();
let lang = 'en';
let dict = {};
let fallback = {};

async function fetchDict(code) {
  if (!cache.has(code)) {
    const r = await fetch(`/i18n/${code}.json`, { credentials: 'same-origin' });
    if (!r.ok) throw new Error(`cannot load language ${code}`);
    cache.set(code, await r.json());
  }
  return cache.get(code);
}

/** The language to start with: the remembered one, else the browser's. */
export function initialLanguage() {
  let saved = null;
  try { saved = localStorage.getItem(STORE_KEY); } catch { /* private mode */ }
  const known = LANGUAGES.map((l) => l.code);
  if (saved && known.includes(saved)) return saved;
  for (const l of navigator.languages || [navigator.language || 'en']) {
    const base = String(l).slice(0, 2).toLowerCase();
    if (known.includes(base)) return base;
  }
  return 'en';
}

/** Loads and switches to a language; resolves when t() answers in it. */
export async function setLanguage(code) {
  fallback = await fetchDict('en');
  dict = code === 'en' ? fallback : await fetchDict(code);
  lang = code;
  document.documentElement.lang = code;
  try { localStorage.setItem(STORE_KEY, code); } catch { /* private mode */ }
}

export function language() { return lang; }

// Intl locale for a language: British conventions for English (24-hour
// clock, day before month), as used across the OSCE's working documents.
const LOCALE = { en: 'en-GB', fr: 'fr-FR', ru: 'ru-RU' };
const locale = () => LOCALE[lang] || lang;

/** The string for key, with {name} placeholders filled from params. */
export function t(key, params) {
  let s = dict[key] ?? fallback[key] ?? key;
  if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
  return s;
}

/** Like t(), choosing key.one / key.few / key.many / key.other by count. */
// Intl objects are slow to build and a page formats hundreds of values (a
// chart's axes, a list's dates): one per kind, language and options
const formatters = new Map();
function intl(Kind, tag, opts) {
  const key = `${Kind.name}|${tag}|${JSON.stringify(opts || {})}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Kind(tag, opts);
    formatters.set(key, f);
  }
  return f;
}

export function tn(key, count, params) {
  const cat = intl(Intl.PluralRules, locale()).select(count);
  const k = `${key}.${cat}`;
  const chosen = (dict[k] ?? fallback[k]) ? k : `${key}.other`;
  return t(chosen, { count: formatNumber(count), ...params });
}

// The first Intl number, date or region-name formatter a page builds costs
// a tenth of a second on a slow machine (the plural rules do not): the
// dashboard's first render must not wait for it. Whole numbers and the
// dates of lists and chart axes are written here from the CLDR patterns of
// the three languages (tests/web/i18n.test.mjs holds them to Intl's);
// anything else goes to Intl.
const GROUP = { en: ',', fr: '\u202f', ru: '\u00a0' };
const MONTHS = {
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sept', 'Oct', 'Nov', 'Dec'],
  fr: ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'],
  ru: ['янв.', 'февр.', 'мар.', 'апр.', 'мая', 'июн.', 'июл.', 'авг.', 'сент.', 'окт.', 'нояб.', 'дек.'],
};
const YEAR_SUFFIX = { en: '', fr: '', ru: ' г.' };

export function formatNumber(n) {
  if (GROUP[lang] && Number.isSafeInteger(n) && n >= 0) {
    return String(n).replace(/\B(?=(\d{3})+$)/g, GROUP[lang]);
  }
  return intl(Intl.NumberFormat, locale()).format(n);
}

/** A number with exactly d decimals, in the language's way (0,5 in French). */
export function formatFixed(n, d) {
  return intl(Intl.NumberFormat, locale(), { minimumFractionDigits: d, maximumFractionDigits: d }).format(n);
}

/** "3 Sept" (day and short month, local time), or null for another language. */
function dayMonth(d) {
  return MONTHS[lang] ? `${d.getDate()} ${MONTHS[lang][d.getMonth()]}` : null;
}

/** "3 Sept 2026" (Intl's medium date), or null for another language. */
function mediumDate(d) {
  const dm = dayMonth(d);
  return dm && `${dm} ${d.getFullYear()}${YEAR_SUFFIX[lang]}`;
}

const pad2 = (n) => String(n).padStart(2, '0');

export function formatDateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const date = mediumDate(d);
  if (date) return `${date}, ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  return intl(Intl.DateTimeFormat, locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

export function formatDate(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return mediumDate(d) || intl(Intl.DateTimeFormat, locale(), { dateStyle: 'medium' }).format(d);
}

/** Day and month, short: for chart axes. */
export function formatDay(ms) {
  const d = new Date(ms);
  return dayMonth(d) || intl(Intl.DateTimeFormat, locale(), { day: 'numeric', month: 'short' }).format(d);
}

/** A country's name in the chosen language (Intl), else the API's names. */
export function countryName(c) {
  if (!c) return '';
  const iso2 = typeof c === 'string' ? c : c.iso2;
  // the participating States and Partners by the names the OSCE uses
  // (the reference data's, in the dictionaries), others by Intl's
  const own = dict[`country.${iso2}`] ?? fallback[`country.${iso2}`];
  if (own) return own;
  try {
    const n = intl(Intl.DisplayNames, lang, { type: 'region' }).of(iso2);
    if (n && n !== iso2) return n;
  } catch { /* unknown code */ }
  if (typeof c === 'object') return (lang === 'fr' && c.name_fr) || c.name_en || iso2;
  return iso2;
}

export function compareText(a, b) {
  return intl(Intl.Collator, locale()).compare(a, b);
}
