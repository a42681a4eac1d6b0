// Small shared pieces: form fields with their errors, problem alerts, page
// headings, tables, loading states and data hooks.
import { html, useState, useEffect, useRef, useCallback } from './lib.js';
import { t } from './i18n.js';
import { get } from './api.js';

let nextId = 0;
const uid = (p) => `${p}-${++nextId}`;

function useId(prefix) {
  const ref = useRef(null);
  if (!ref.current) ref.current = uid(prefix);
  return ref.current;
}

/** The frame of a labelled control: its label (with the mark of a
 * required one), its hint and its error, both announced with it. */
function FieldBox({ id, label, hint, error, required, children }) {
  return html`
    <div class=${`field${error ? ' has-error' : ''}`}>
      <label for=${id}>${label}${required ? html`<span class="req" aria-hidden="true"> *</span>` : ''}</label>
      ${hint && html`<p class="hint" id=${`${id}-hint`}>${hint}</p>`}
      ${children}
      ${error && html`<p class="field-error" id=${`${id}-err`}>${error}</p>`}
    </div>`;
}

/** The aria-describedby of the control id with its hint and error. */
const describedBy = (id, hint, error) => [hint && `${id}-hint`, error && `${id}-err`].filter(Boolean).join(' ') || undefined;

/** A labelled input; `error` is shown under it and announced with it. */
export function Field({ label, error, hint, type = 'text', value, onInput, name, ...rest }) {
  const id = useId(`f-${name || 'field'}`);
  return html`<${FieldBox} id=${id} label=${label} hint=${hint} error=${error} required=${rest.required}>
      <input id=${id} name=${name} type=${type} value=${value ?? ''}
        onInput=${(e) => onInput && onInput(e.currentTarget.value)}
        aria-invalid=${error ? 'true' : undefined} aria-describedby=${describedBy(id, hint, error)} ...${rest} />
    </${FieldBox}>`;
}

export function TextArea({ label, error, value, onInput, name, ...rest }) {
  const id = useId(`f-${name || 'text'}`);
  return html`<${FieldBox} id=${id} label=${label} error=${error} required=${rest.required}>
      <textarea id=${id} name=${name} value=${value ?? ''} rows="3"
        onInput=${(e) => onInput && onInput(e.currentTarget.value)}
        aria-invalid=${error ? 'true' : undefined} aria-describedby=${describedBy(id, undefined, error)} ...${rest}></textarea>
    </${FieldBox}>`;
}

/** A labelled select; options are [{ value, label }]. */
/** A list box choosing several values; answers the chosen ones. */
export function MultiSelect({ label, name, options, value, onChange, hint, error }) {
  const id = useId(`f-${name || 'multi'}`);
  return html`
    <div class=${`field${error ? ' has-error' : ''}`}>
      <label for=${id}>${label}</label>
      ${hint && html`<p class="hint" id=${`${id}-hint`}>${hint}</p>`}
      <select id=${id} name=${name} multiple size="6" aria-describedby=${hint ? `${id}-hint` : undefined}
        onChange=${(e) => onChange([...e.currentTarget.selectedOptions].map((o) => o.value))}>
        ${options.map((o) => html`<option value=${o.value} selected=${value.includes(o.value)}>${o.label}</option>`)}
      </select>
      ${error && html`<p class="field-error">${error}</p>`}
    </div>`;
}

export function Select({ label, error, hint, value, onChange, options, name, empty, ...rest }) {
  const id = useId(`f-${name || 'select'}`);
  return html`<${FieldBox} id=${id} label=${label} hint=${hint} error=${error} required=${rest.required}>
      <select id=${id} name=${name} value=${value ?? ''}
        onChange=${(e) => onChange && onChange(e.currentTarget.value)}
        aria-invalid=${error ? 'true' : undefined} aria-describedby=${describedBy(id, hint, error)} ...${rest}>
        ${empty !== undefined && html`<option value="">${empty}</option>`}
        ${options.map((o) => html`<option value=${o.value} selected=${o.value === value}>${o.label}</option>`)}
      </select>
    </${FieldBox}>`;
}

/** Radio buttons in a fieldset, for choices the author must make (no default). */
export function Radios({ legend, name, value, onChange, options, error }) {
  return html`
    <fieldset class=${`radios${error ? ' has-error' : ''}`}>
      <legend>${legend}<span class="req" aria-hidden="true"> *</span></legend>
      ${options.map((o) => html`
        <div class="radio" key=${o.value}>
          <input type="radio" id=${`${name}-${o.value}`} name=${name} value=${o.value} checked=${value === o.value}
            disabled=${o.disabled} onChange=${() => onChange(o.value)} />
          <label for=${`${name}-${o.value}`}>${o.label}${o.hint && html`<span class="hint">${o.hint}</span>`}</label>
        </div>`)}
      ${error && html`<p class="field-error">${error}</p>`}
    </fieldset>`;
}

/** The records a search found, one to choose by radio button (name, ids
 * idPrefix-id): nothing before a search (found null), empty when it found
 * none; label(x) is how a record reads, children follow the choices. */
export function FoundPicker({ found, empty, legend, name, idPrefix, chosen, onChoose, label, className = 'picker', children }) {
  if (!found) return null;
  if (found.length === 0) return html`<p class="empty" role="status">${empty}</p>`;
  return html`
    <fieldset class=${className}>
      <legend>${legend}</legend>
      <ul class="picker-list">
        ${found.map((x) => html`<li key=${x.id} class="radio">
          <input type="radio" id=${`${idPrefix}-${x.id}`} name=${name} value=${x.id} checked=${chosen === x.id} onChange=${() => onChoose(x.id)} />
          <label for=${`${idPrefix}-${x.id}`}>${label(x)}</label>
        </li>`)}
      </ul>
      ${children}
    </fieldset>`;
}

export function Checkbox({ label, checked, onChange, name, hint, ...rest }) {
  const id = useId(`f-${name || 'check'}`);
  return html`
    <div class="field check">
      <input id=${id} type="checkbox" name=${name} checked=${Boolean(checked)}
        onChange=${(e) => onChange && onChange(e.currentTarget.checked)} ...${rest} />
      <label for=${id}>${label}</label>
      ${hint && html`<p class="hint">${hint}</p>`}
    </div>`;
}

/** The input of a form field by the name the API gives it (names maps
 * API names to input names where they differ), or null. */
function fieldInput(root, name, names) {
  const input = (names && names[name]) || name;
  const scope = (root && root.closest('.card, main, body')) || document;
  try {
    return scope.querySelector(`[name="${CSS.escape(input)}"]`) || document.querySelector(`[name="${CSS.escape(input)}"]`);
  } catch { return null; }
}

function labelOf(el, name) {
  const l = el && el.labels && el.labels[0];
  return l ? l.textContent.replace(/\s*\*\s*$/, '').trim() : name;
}

/** The error summary (GOV.UK): the problem, then each field's message as a
 * link to the field. It takes focus and comes into view when it appears,
 * so that a phone user sees it and a screen reader reads it. names maps
 * the API's field names to the form's input names where they differ. */
export function ProblemAlert({ error, names }) {
  const ref = useRef(null);
  useEffect(() => {
    if (!error || !ref.current) return;
    ref.current.focus({ preventScroll: true });
    ref.current.scrollIntoView({ block: 'center' });
  }, [error]);
  if (!error) return null;
  const fields = Object.keys(error.fields || {});
  const go = (name) => (e) => {
    const el = fieldInput(ref.current, name, names);
    if (!el) return;
    e.preventDefault();
    el.focus();
    el.scrollIntoView({ block: 'center' });
  };
  return html`
    <div class="alert alert-error" role="alert" tabindex="-1" ref=${ref} data-problem>
      <p class="alert-title">${error.status === 0 ? t('error.network') : error.message}</p>
      ${fields.length > 0 && html`
        <p>${t('form.fix_fields')}</p>
        <ul class="error-list">
          ${fields.map((name) => {
            const el = fieldInput(ref.current, name, names);
            return html`<li key=${name} data-field=${name}>
              <a href=${el && el.id ? `#${el.id}` : '#'} onClick=${go(name)}>${labelOf(el, name)}: ${error.fields[name]}</a></li>`;
          })}
        </ul>`}
    </div>`;
}

export function Notice({ kind = 'ok', children }) {
  return html`<div class=${`alert alert-${kind}`} role="status">${children}</div>`;
}

/** What the last action on a page came to: its notice, or its problem. */
export function Outcome({ notice, error }) {
  return html`${notice && html`<${Notice}>${notice}</${Notice}>`}<${ProblemAlert} error=${error} />`;
}

/** The page's heading; takes focus after navigation (see app.js). */
export function PageHeader({ title, subtitle, children }) {
  return html`
    <div class="page-header">
      <div>
        <h1 tabindex="-1" id="page-title">${title}</h1>
        ${subtitle && html`<p class="subtitle">${subtitle}</p>`}
      </div>
      ${children && html`<div class="page-actions">${children}</div>`}
    </div>`;
}

/** The page of a form that creates or edits a record: the way back to
 * its list (back, backLabel), the heading, and the form, its problem
 * summary above the fields (children). */
export function FormPage({ back, backLabel, title, subtitle, onSubmit, error, children }) {
  return html`
    <p class="breadcrumb"><a href=${back}>${backLabel}</a></p>
    <${PageHeader} title=${title} subtitle=${subtitle} />
    <form class="card form-card wide" onSubmit=${onSubmit} novalidate>
      <${ProblemAlert} error=${error} />
      ${children}
    </form>`;
}

export function Loading() {
  return html`<p class="loading" role="status"><span class="spinner" aria-hidden="true"></span>${t('common.loading')}</p>`;
}

/** What a page shows until r (useAsync) has its data: the spinner, or,
 * when the request failed, its problem under the page's title. */
export function Pending({ r, title }) {
  if (r.error) return html`<${PageHeader} title=${title} /><${ProblemAlert} error=${r.error} />`;
  return html`<${Loading} />`;
}

/** A table that scrolls sideways on a phone; the region is focusable for keyboards. */
export function Table({ caption, head, children }) {
  return html`
    <div class="table-wrap" role="region" aria-label=${caption} tabindex="0">
      <table>
        <caption class="visually-hidden">${caption}</caption>
        <thead><tr>${head.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
        <tbody>${children}</tbody>
      </table>
    </div>`;
}

/** The state of a form: its values, a setter per field (set('title')),
 * and its saving (useSubmit). */
export function useForm(initial) {
  const [form, setForm] = useState(initial);
  const save = useSubmit();
  const set = (k) => (v) => setForm({ ...form, [k]: v });
  return { form, setForm, set, ...save };
}

/** The saving of a form: busy while a save runs, the error of the last
 * one and its field messages (f.title). submit(fn) makes a handler (for
 * onSubmit or a button) that runs fn so. */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const submit = (fn) => async (e) => {
    if (e) e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
    }
    setBusy(false);
  };
  return { busy, error, setError, f: (error && error.fields) || {}, submit };
}

// The outcomes of the promises remember() was given, once they are known:
// { data } or { error }.
const outcomes = new WeakMap();

/** p, whose outcome outcome(p) will then answer without waiting. */
export function remember(p) {
  p.then((data) => outcomes.set(p, { data }), (error) => outcomes.set(p, { error }));
  return p;
}

/** The outcome of a remembered promise ({ data } or { error }), or undefined while it is pending. */
export function outcome(p) {
  return p ? outcomes.get(p) : undefined;
}

/**
 * Runs fn() now and whenever deps change: { data, error, loading, reload }.
 * known: the outcome of the first run when it is already there ({ data } or
 * { error }, as outcome() answers; or a function answering it, called on the
 * first render only): the first render shows it, with no frame of loading
 * and no second render.
 */
export function useAsync(fn, deps, known) {
  const skip = useRef(false);
  const [state, setState] = useState(() => {
    const k = typeof known === 'function' ? known() : known;
    skip.current = Boolean(k);
    return k ? { data: k.error ? null : k.data, error: k.error || null, loading: false }
      : { data: null, error: null, loading: true };
  });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (skip.current) { // the first run's outcome is shown already
      skip.current = false;
      return undefined;
    }
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    fn().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState({ data: null, error, loading: false }),
    );
    return () => { live = false; };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}

/** A paged list: first page for query, then more() appends the next page. */
export function usePagedList(path, query, deps) {
  const [state, setState] = useState({ items: [], next: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  const live = useRef(0);
  useEffect(() => {
    const gen = ++live.current;
    setState({ items: [], next: null, error: null, loading: true });
    get(path, { ...query, limit: 50 }).then(
      (p) => gen === live.current && setState({ items: p.items, next: p.next_cursor, error: null, loading: false }),
      (error) => gen === live.current && setState({ items: [], next: null, error, loading: false }),
    );
  }, [...deps, tick]);
  const more = async () => {
    const gen = live.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const p = await get(path, { ...query, limit: 50, cursor: state.next });
      if (gen === live.current) setState((s) => ({ items: [...s.items, ...p.items], next: p.next_cursor, error: null, loading: false }));
    } catch (error) {
      if (gen === live.current) setState((s) => ({ ...s, error, loading: false }));
    }
  };
  return { ...state, more, reload: () => setTick((n) => n + 1) };
}

export function MoreButton({ list }) {
  if (!list.next) return null;
  return html`<p class="more"><button type="button" class="btn" onClick=${list.more} disabled=${list.loading}>${t('common.load_more')}</button></p>`;
}

export function Badge({ kind = 'neutral', children }) {
  return html`<span class=${`badge badge-${kind}`}>${children}</span>`;
}

/**
 * Links that download a list with its current filters: { path: '/alerts/export',
 * query: { status: 'published' }, formats: ['csv', 'json', 'geojson'] }.
 */
export function ExportLinks({ path, query = {}, formats }) {
  const href = (format) => {
    const q = new URLSearchParams({ ...query, format });
    return `/api/v1${path}?${q}`;
  };
  return html`
    <p class="export-links" data-export>
      <span class="muted small">${t('export.label')}</span>
      ${formats.map((f) => html` <a class="btn btn-small" href=${href(f)} download>${t(`export.${f}`)}</a>`)}
    </p>`;
}

// A confirmation carried to the next page (after a create that navigates).
let flashed = null;
/** Keeps a message for the next page to show once. */
export function setFlash(message) { flashed = message; }
/** The message kept by setFlash, once. */
export function takeFlash() {
  const m = flashed;
  flashed = null;
  return m;
}
