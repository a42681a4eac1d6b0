// The public tip form (no account, no cookies): what, where, when, an
// optional contact; the browser solves the server's proof-of-work, then the
// receipt (code and secret) is shown once. /report/receipt checks a receipt
// and exchanges messages with the police.
import { html, useState, useEffect } from './lib.js';
import { t, language, formatDateTime, countryName } from './i18n.js';
import { request, countries as loadCountries } from './api.js';
import { Field, TextArea, Select, ProblemAlert, PageHeader, Notice, useAsync, Badge } from './components.js';
import { countryOptions } from './labels.js';
import { DataMap } from './map-data.js';
import { countryAt, countryBounds } from './map.js';
import { solveChallenge } from './pow.js';
import { check, loadSchema } from './check.js';

export const TIP_CATEGORIES = ['dealing_near_school', 'public_drug_use', 'discarded_needles', 'suspected_stash_house',
  'youth_recruitment', 'online_dealing', 'other'];

const round = (x) => Math.round(x * 10000) / 10000;

/** What the browser can tell before any work is done: the server's rules
 * for the tip (its field table, GET /api/v1/schema/tip), with plainer
 * words for the choices and the description. */
async function checkTip(form, body) {
  const found = await check('tip', body);
  const fields = { ...(found && found.fields) };
  const codes = { ...(found && found.codes) };
  const plain = (name, msg, code) => { fields[name] = msg; codes[name] = code; };
  if (!form.category) plain('category', t('form.choose_one'), 'required');
  if (form.description.trim().length < 10) plain('description', t('report.description_short'), form.description.trim() ? 'too_short' : 'required');
  if (!form.country) plain('country', t('form.choose_one'), 'required');
  if (!Object.keys(fields).length) return null;
  const missing = Object.values(codes).includes('required');
  return { status: 400, message: t(missing ? 'form.fix_before_sending' : 'form.fix_answers'), fields, codes, local: true };
}

function ReceiptCard({ receipt }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(`${t('report.code')}: ${receipt.code}\n${t('report.secret')}: ${receipt.secret}`);
      setCopied(true);
    } catch { setCopied(false); }
  };
  return html`
    <section class="card receipt" aria-labelledby="receipt-title">
      <h2 id="receipt-title">${t('report.sent_title')}</h2>
      <p>${t('report.sent_intro')}</p>
      <dl class="receipt-values">
        <div><dt>${t('report.code')}</dt><dd class="mono big" data-receipt="code">${receipt.code}</dd></div>
        <div><dt>${t('report.secret')}</dt><dd class="mono big" data-receipt="secret">${receipt.secret}</dd></div>
      </dl>
      <div class="alert alert-warn" role="note">
        <p class="alert-title">${t('report.keep_title')}</p>
        <p>${t('report.keep_advice')}</p>
      </div>
      <div class="form-actions">
        <button type="button" class="btn" onClick=${copy}>${t('report.copy')}</button>
        <a class="btn btn-primary" href=${`/report/receipt?code=${receipt.code}`}>${t('report.follow_up')}</a>
      </div>
      ${copied && html`<${Notice}>${t('report.copied')}</${Notice}>`}
    </section>`;
}

/** /report: the form, then the receipt. */
export default function Report() {
  const countries = useAsync(loadCountries, []);
  const [form, setForm] = useState({ category: '', description: '', country: '', place: '', observed_at: '', contact: '' });
  const [point, setPoint] = useState(null);
  const [error, setError] = useState(null);
  const [phase, setPhase] = useState('form'); // form, solving, sending
  const [tries, setTries] = useState(0);
  const [receipt, setReceipt] = useState(null);
  const [pointCountry, setPointCountry] = useState(null);
  const [fit, setFit] = useState(null);
  const set = (k) => (v) => setForm({ ...form, [k]: v });
  // choosing a State shows it on the map
  useEffect(() => {
    let live = true;
    if (form.country) countryBounds(form.country).then((b) => live && b && setFit(b), () => {});
    return () => { live = false; };
  }, [form.country]);
  // a point is checked against the State chosen (and chooses it when none is)
  const pickPoint = async (lat, lon) => {
    setPoint({ lat, lon });
    let at = null;
    try { at = await countryAt(lat, lon); } catch { /* no shapes: no check */ }
    setPointCountry(at);
    if (at && !form.country) setForm((cur) => ({ ...cur, country: at }));
  };
  const mismatch = point && pointCountry && form.country && pointCountry !== form.country;
  // the server's rules, at hand before the first try
  useEffect(() => { loadSchema('tip'); }, [language()]);
  const tipBody = () => {
    const body = { category: form.category, description: form.description.trim(), country: form.country, language: language() };
    if (form.place.trim()) body.place = form.place.trim();
    if (point) { body.lat = round(point.lat); body.lon = round(point.lon); }
    if (form.observed_at) body.observed_at = new Date(form.observed_at).toISOString();
    if (form.contact.trim()) body.contact = form.contact.trim();
    return body;
  };
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    const local = await checkTip(form, tipBody());
    if (local) { setError(local); return; }
    if (mismatch) {
      setError({ status: 400, message: t('report.point_elsewhere', { at: countryName(pointCountry), chosen: countryName(form.country) }), fields: { lat: t('report.point_move') } });
      return;
    }
    try {
      setPhase('solving');
      setTries(0);
      const ch = (await request('GET', '/public/tips/challenge')).data;
      const nonce = ch.bits > 0 ? await solveChallenge(ch.challenge, ch.bits, setTries) : '0';
      setPhase('sending');
      const body = { ...tipBody(), challenge: ch.challenge, nonce };
      const r = await request('POST', '/public/tips', { body });
      setReceipt(r.data);
      document.getElementById('page-title')?.focus();
    } catch (err) {
      setError(err);
    }
    setPhase('form');
  };
  const f = (error && error.fields) || {};
  if (receipt) {
    return html`
      <${PageHeader} title=${t('report.sent_heading')} />
      <${ReceiptCard} receipt=${receipt} />`;
  }
  const busy = phase !== 'form';
  return html`
    <${PageHeader} title=${t('report.title')} subtitle=${t('report.subtitle')} />
    <div class="report-layout">
      <aside class="card report-privacy" aria-labelledby="privacy-title">
        <h2 id="privacy-title">${t('report.privacy_title')}</h2>
        <ul class="ticks">
          <li>${t('report.privacy_1')}</li>
          <li>${t('report.privacy_2')}</li>
          <li>${t('report.privacy_3')}</li>
        </ul>
        <p class="muted small">${t('report.emergency')}</p>
        <p><a href="/report/receipt">${t('report.have_receipt')}</a></p>
      </aside>
      <div class="card form-card">
        <${ProblemAlert} error=${error} />
        <form onSubmit=${submit} novalidate>
          <${Select} label=${t('report.category')} name="category" value=${form.category} onChange=${set('category')}
            options=${TIP_CATEGORIES.map((c) => ({ value: c, label: t(`tipcat.${c}`) }))} empty=${t('common.choose')} error=${f.category} required />
          <${TextArea} label=${t('report.description')} name="description" value=${form.description} onInput=${set('description')}
            error=${f.description} rows="5" required />
          <p class="hint">${t('report.description_hint')}</p>
          <fieldset class="where">
            <legend>${t('report.where')}</legend>
            <${Select} label=${t('report.country')} name="country" value=${form.country} onChange=${set('country')}
              options=${countryOptions(countries.data)} empty=${t('common.choose')} error=${f.country} required />
            <${Field} label=${t('report.place')} name="place" value=${form.place} onInput=${set('place')} error=${f.place}
              hint=${t('report.place_hint')} autocomplete="off" />
            <p class="hint" id="map-hint">${t('report.map_hint')}</p>
            <${DataMap} label=${t('report.map_label')} onPick=${pickPoint} pick=${point} height="small"
              fit=${fit} />
            <p class="muted small" role="status">
              ${point ? t('report.point_chosen', { lat: round(point.lat), lon: round(point.lon) }) : t('report.no_point')}
              ${point && html` <button type="button" class="btn btn-small btn-quiet" onClick=${() => { setPoint(null); setPointCountry(null); }}>${t('report.clear_point')}</button>`}
            </p>
            ${mismatch && html`<p class="alert alert-warn" role="alert" data-point-warning>
              ${t('report.point_elsewhere', { at: countryName(pointCountry), chosen: countryName(form.country) })}</p>`}
            ${(f.lat || f.lon) && html`<p class="field-error">${f.lat || f.lon}</p>`}
          </fieldset>
          <${Field} label=${t('report.when')} name="observed_at" type="datetime-local" value=${form.observed_at}
            onInput=${set('observed_at')} error=${f.observed_at} />
          <${Field} label=${t('report.contact')} name="contact" value=${form.contact} onInput=${set('contact')}
            error=${f.contact} hint=${t('report.contact_hint')} autocomplete="off" />
          <div class="form-actions">
            <button type="submit" class="btn btn-primary btn-block" disabled=${busy}>
              ${phase === 'solving' ? t('report.solving') : phase === 'sending' ? t('report.sending') : t('report.submit')}
            </button>
          </div>
          ${phase === 'solving' && html`<p class="muted small" role="status">${t('report.solving_hint', { n: tries })}</p>`}
        </form>
      </div>
    </div>`;
}

/** /report/receipt: check a receipt, read answers, add information. */
export function Receipt({ query }) {
  const [code, setCode] = useState((query && query.get('code')) || '');
  const [secret, setSecret] = useState('');
  const [tip, setTip] = useState(null);
  const [error, setError] = useState(null);
  const [msg, setMsg] = useState('');
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const headers = () => ({ 'X-Receipt-Secret': secret.trim().replace(/\s+/g, '') });
  const path = () => `/public/tips/${encodeURIComponent(code.trim().toUpperCase().replace(/\s+/g, ''))}`;
  const load = async () => setTip((await request('GET', path(), { headers: headers() })).data);
  const check = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setNotice('');
    try { await load(); } catch (err) { setError(err); setTip(null); }
    setBusy(false);
  };
  const send = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await request('POST', `${path()}/messages`, { body: { body: msg }, headers: headers() });
      setMsg('');
      setNotice(t('receipt.sent'));
      await load();
    } catch (err) { setError(err); }
    setBusy(false);
  };
  const f = (error && error.fields) || {};
  return html`
    <p class="breadcrumb"><a href="/report">${t('report.title')}</a></p>
    <${PageHeader} title=${t('receipt.title')} subtitle=${t('receipt.subtitle')} />
    <div class="card form-card">
      <${ProblemAlert} error=${error && error.status === 404 ? { message: t('receipt.not_found'), fields: {} } : error}
        names=${{ 'X-Receipt-Secret': 'secret' }} />
      <form onSubmit=${check} novalidate>
        <${Field} label=${t('report.code')} name="code" value=${code} onInput=${setCode} error=${f.code} required autocomplete="off" class="mono" />
        <${Field} label=${t('report.secret')} name="secret" type="password" value=${secret} onInput=${setSecret}
          error=${f['X-Receipt-Secret']} required autocomplete="off" />
        <div class="form-actions"><button type="submit" class="btn btn-primary" disabled=${busy}>${t('receipt.check')}</button></div>
      </form>
    </div>
    ${tip && html`
      <section class="card" aria-labelledby="tip-status-title">
        <h2 id="tip-status-title">${t('receipt.status_title')}</h2>
        <dl class="facts">
          <div><dt>${t('receipt.status')}</dt><dd><${Badge} kind="info">${t(`tipstatus.${tip.status}`)}</${Badge}></dd></div>
          <div><dt>${t('report.category')}</dt><dd>${t(`tipcat.${tip.category}`)}</dd></div>
          <div><dt>${t('receipt.received')}</dt><dd>${formatDateTime(tip.received_at)}</dd></div>
          <div><dt>${t('receipt.acknowledged')}</dt><dd>${tip.acknowledged ? t('common.yes') : t('common.no')}</dd></div>
          ${tip.outcome && html`<div><dt>${t('tips.outcome')}</dt><dd>${t(`tipoutcome.${tip.outcome}`)}</dd></div>`}
        </dl>
        <h3>${t('receipt.messages')}</h3>
        ${tip.messages.length === 0 ? html`<p class="empty">${t('receipt.no_messages')}</p>` : html`
          <ol class="thread">
            ${tip.messages.map((m) => html`
              <li class=${`msg msg-${m.direction === 'from_sender' ? 'mine' : 'theirs'}`}>
                <span class="msg-who">${m.direction === 'from_sender' ? t('receipt.you') : t('receipt.police')} · ${formatDateTime(m.at)}</span>
                <p>${m.body}</p>
              </li>`)}
          </ol>`}
        ${notice && html`<${Notice}>${notice}</${Notice}>`}
        ${tip.status !== 'closed' && html`
          <form onSubmit=${send} novalidate>
            <${TextArea} label=${t('receipt.add')} name="message" value=${msg} onInput=${setMsg} error=${f.body} />
            <div class="form-actions"><button type="submit" class="btn btn-primary" disabled=${busy || !msg.trim()}>${t('receipt.send')}</button></div>
          </form>`}
      </section>`}`;
}
