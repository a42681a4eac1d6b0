// The API client: same-origin fetch with the session cookie, the CSRF header
// on unsafe methods, problem+json errors as ApiError, ETags for If-Match.
import { t, language } from './i18n.js';
import { preflight } from './check.js';
import { withQuery } from './url.js';

let csrfToken = null;
let onUnauthorized = null;

export function setCsrfToken(tok) { csrfToken = tok || null; }
/** Called with no argument when a request answers 401 (the session ended). */
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

/** An error answer: status, the problem's detail, and errors by field
 * (the server's message, in the user's language, and its stable code). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.code = problem.code || null;
    this.fields = {};
    this.codes = {};
    for (const e of problem.errors || []) {
      if (e && e.field && !(e.field in this.fields)) {
        this.fields[e.field] = e.message;
        this.codes[e.field] = e.code || 'invalid';
      }
    }
  }
}

// The answers early.js asked for before the app ran, by URL: each is taken
// once, by the first GET of that URL within EARLY_MS of the page's start
// (later the answer would be stale). When the app runs first, early.js
// finds this and asks nothing.
const EARLY_MS = 10000;
const early = globalThis.trellisEarly || (globalThis.trellisEarly = { at: 0, answers: new Map() });
function takeEarly(url) {
  const answer = early.answers.get(url);
  if (!answer) return null;
  early.answers.delete(url);
  return Date.now() - early.at < EARLY_MS ? answer : null;
}

/** fetch(url) for a GET of a file or an API answer read as it is: early.js's answer when it has one. */
export function fetchFirst(url) {
  return takeEarly(url) || fetch(url);
}

/**
 * Sends one request. Answers { data, etag, status }; throws ApiError on an
 * error status (status 0 when the server could not be reached).
 */
export async function request(method, path, { body, query, etag, headers } = {}) {
  // the server answers its errors in the user's language
  // the server's rules for the body, checked here first: nothing is sent
  // that the server would refuse for a field (web/js/check.js)
  if (body !== undefined && (method === 'POST' || method === 'PATCH')) {
    let local = null;
    try { local = await preflight(method, path, body); } catch { local = null; }
    if (local) {
      throw new ApiError(400, {
        status: 400, title: local.message, detail: local.message, local: true,
        errors: Object.entries(local.fields).map(([field, message]) => ({ field, code: local.codes[field], message })),
      });
    }
  }
  const h = { Accept: 'application/json', 'Accept-Language': language(), ...headers };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) h['X-CSRF-Token'] = csrfToken;
  if (etag) h['If-Match'] = etag;
  let res;
  try {
    const url = withQuery(`/api/v1${path}`, query);
    const asked = method === 'GET' && !etag && !headers ? takeEarly(url) : null;
    res = await (asked || fetch(url, {
      method,
      headers: h,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    }));
  } catch {
    throw new ApiError(0, { title: t('error.network'), detail: t('error.network') });
  }
  const type = res.headers.get('Content-Type') || '';
  let data = null;
  if (res.status !== 204 && type.includes('json')) {
    try { data = await res.json(); } catch { data = null; }
  }
  if (!res.ok) {
    const problem = data && typeof data === 'object' ? data
      : { title: res.statusText, detail: t('error.status', { status: res.status }) };
    if (res.status === 412 && !problem.detail) problem.detail = t('error.stale');
    const err = new ApiError(res.status, problem);
    if (res.status === 401 && path !== '/auth/login' && onUnauthorized) onUnauthorized();
    throw err;
  }
  return { data, etag: res.headers.get('ETag'), status: res.status };
}

export const get = async (path, query) => (await request('GET', path, { query })).data;
export const post = async (path, body) => (await request('POST', path, { body: body ?? {} })).data;
export const patch = async (path, body, etag) => (await request('PATCH', path, { body, etag })).data;
export const del = async (path) => (await request('DELETE', path)).data;
/** A fresh Idempotency-Key: a random UUID (v4). crypto.randomUUID exists
 * only in secure contexts, and Trellis may be served over plain HTTP on a
 * station's network; getRandomValues exists everywhere. */
export function idempotencyKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
/** POST of a new record with a fresh Idempotency-Key (a retried request
 * does not create it twice); answers the record. */
export const createRecord = async (path, body) => (await request('POST', path, { body, headers: { 'Idempotency-Key': idempotencyKey() } })).data;
/** Saves rec, a record as getVersioned answers it ({ data, etag }; data
 * null for a new one): a PATCH at the version read, or a create. */
export const saveRecord = (path, rec, body) => (rec.data ? patch(`${path}/${rec.data.id}`, body, rec.etag) : createRecord(path, body));
/** GET answering { data, etag } for a later PATCH. */
export const getVersioned = (path) => request('GET', path);

/**
 * Follows next_cursor until the end or max items: for the small reference
 * lists (countries, organisations) that pickers need whole.
 */
export async function listAll(path, query = {}, max = 5000) {
  const items = [];
  let cursor = null;
  do {
    const page = await get(path, { ...query, limit: 500, cursor });
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  return { items, more: Boolean(cursor) };
}

// Reference lists change rarely: keep one copy per page load, dropped by
// forget() after a change.
const memo = new Map();
export function cached(key, fn) {
  if (!memo.has(key)) memo.set(key, fn().catch((e) => { memo.delete(key); throw e; }));
  return memo.get(key);
}
export function forget(key) { memo.delete(key); }
export const countries = () => cached('countries', async () => (await listAll('/countries')).items);
export const organisations = () => cached('organisations', async () => (await listAll('/organisations')).items);
export const substances = () => cached('substances', async () => (await listAll('/substances')).items);
