// The server's own rules, checked in the browser before a request: the
// field table of a form comes from GET /api/v1/schema/{form} (the same
// table src/api/validate.c checks the body with) together with each rule's
// stable code and message in the user's language, from the server's one
// message catalog; so the browser says what the server would, in the same
// words, without sending anything.
import { t, language } from './i18n.js';
import { request } from './api.js';

const schemas = new Map();

/** The schema of a form in the current language (cached); null when the
 * server cannot be asked (the server still checks everything). */
export async function loadSchema(form) {
  const key = `${form}:${language()}`;
  if (!schemas.has(key)) {
    schemas.set(key, request('GET', `/schema/${encodeURIComponent(form)}`)
      .then((r) => r.data, () => { schemas.delete(key); return null; }));
  }
  return schemas.get(key);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIME = /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2}))?$/;
// characters, as the server counts them (code points, not UTF-16 units)
const length = (s) => [...s].length;
const control = (s) => /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(s);
function email(s) {
  const at = s.indexOf('@');
  return at > 0 && s.indexOf('.', at + 1) > 0 && s.indexOf('@', at + 1) < 0 && !s.includes(' ') && s.length <= 254;
}

/** The first rule v breaks: [rule, ...values for {0}, {1}], or null. */
function broken(f, v) {
  switch (f.type) {
    case 'string':
      if (typeof v !== 'string') return ['string'];
      if (control(v)) return ['control'];
      if (length(v) > f.max_length) return ['too_long', f.max_length];
      if (!v.length && f.min_length >= 1) return ['empty'];
      if (length(v) < f.min_length) return ['too_short', f.min_length];
      return null;
    case 'enum':
      if (v === '') return ['empty'];
      return f.values.includes(v) ? null : ['enum', f.values.join(' ')];
    case 'integer':
      return Number.isInteger(v) && v >= f.minimum && v <= f.maximum ? null : ['integer_range', f.minimum, f.maximum];
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) && v >= f.minimum && v <= f.maximum ? null
        : ['number_range', f.minimum, f.maximum];
    case 'boolean': return typeof v === 'boolean' ? null : ['boolean'];
    case 'uuid': return typeof v === 'string' && UUID.test(v) ? null : ['uuid'];
    case 'country': return typeof v === 'string' && /^[A-Z]{2}$/.test(v) ? null : ['country'];
    case 'time': return typeof v === 'string' && TIME.test(v) && !Number.isNaN(Date.parse(v)) ? null : ['time'];
    case 'email': return typeof v === 'string' && email(v) ? null : ['email'];
    case 'strings':
    case 'uuids':
      if (!Array.isArray(v) || v.length > f.max_items) return ['items'];
      for (const e of v) {
        if (f.type === 'uuids' && !(typeof e === 'string' && UUID.test(e))) return ['uuid'];
        if (f.type === 'strings') {
          const b = broken({ type: 'string', min_length: 1, max_length: f.max_length }, e);
          if (b) return b;
        }
      }
      return null;
    case 'object': return v && typeof v === 'object' && !Array.isArray(v) ? null : ['object'];
    case 'array': return Array.isArray(v) ? null : ['array'];
    default: return null;
  }
}

/** The message of a rule from the schema, its {0}, {1} filled in. */
function say(schema, rule, values) {
  const m = schema.messages[rule] || { code: 'invalid', message: t('form.invalid') };
  return { code: m.code, message: m.message.replace(/\{(\d)\}/g, (all, i) => (values[i] ?? all)) };
}

/**
 * Checks body against the form's schema as the server would (partial: a
 * PATCH, nothing required). Answers null when it passes, else an error
 * like the server's: { status: 400, message, fields: {name: message},
 * codes: {name: code} }, nothing sent.
 */
export function checkBody(schema, body, { partial = false } = {}) {
  if (!schema) return null;
  const fields = {};
  const codes = {};
  const put = (name, r) => { if (!(name in fields)) { fields[name] = r.message; codes[name] = r.code; } };
  for (const f of schema.fields) {
    const v = body[f.name];
    if (v === undefined) {
      if (f.required && !partial) put(f.name, say(schema, 'required', []));
    } else if (v === null) {
      if (!f.nullable) put(f.name, say(schema, 'not_null', []));
    } else {
      const b = broken(f, v);
      if (b) put(f.name, say(schema, b[0], b.slice(1)));
    }
  }
  if (!Object.keys(fields).length) return null;
  const missing = Object.values(codes).includes('required');
  return { status: 400, message: t(missing ? 'form.fix_before_sending' : 'form.fix_answers'), fields, codes, local: true };
}

/** loadSchema then checkBody. */
export async function check(form, body, opts) {
  return checkBody(await loadSchema(form), body, opts);
}

// The requests whose body a form of the schema describes: every create of
// the API's forms, and the PATCH of the resources (nothing required).
const FORMS = [
  [/^POST \/public\/tips$/, 'tip'],
  [/^POST \/public\/tips\/[^/]+\/messages$/, 'tip_message'],
  [/^POST \/auth\/login$/, 'login'],
  [/^POST \/users$/, 'user'],
  [/^POST \/organisations$/, 'organisation'],
  [/^POST \/alerts$/, 'alert'],
  [/^POST \/activities$/, 'activity'],
  [/^POST \/practices$/, 'practice'],
  [/^POST \/proposals$/, 'proposal'],
  [/^POST \/sharing-groups$/, 'sharing_group'],
];
const PATCHED = { activities: 'activity', practices: 'practice', proposals: 'proposal', 'sharing-groups': 'sharing_group' };

/**
 * The check api.js runs before it sends a body: the error the server would
 * answer (see checkBody), or null to send. Never stricter than the server:
 * a path without a form, or a schema that cannot be had, passes.
 */
export async function preflight(method, path, body) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const p = path.split('?')[0];
  const m = method === 'PATCH' && /^\/([a-z-]+)\/[^/]+$/.exec(p);
  if (m && PATCHED[m[1]]) {
    const schema = await loadSchema(PATCHED[m[1]]);
    return schema && schema.patch_fields ? checkBody({ ...schema, fields: schema.patch_fields }, body, { partial: true }) : null;
  }
  const hit = FORMS.find(([re]) => re.test(`${method} ${p}`));
  return hit ? check(hit[1], body) : null;
}
