// Subscriptions: what the caller wants to hear about (a record type: alerts
// published, practices published, proposals open, activities created; and
// only the filters that type has: its own categories, substances,
// countries, an area, a TLP ceiling) and how (the inbox, an e-mail at
// once, a daily digest). The link at the foot of every e-mail
// (?unsubscribe=<id>) opens this page with that subscription ready to delete.
// The caller's own e-mail settings come first: the language of their
// messages and the hour (UTC) of their daily digest.
import { html, useState, useEffect } from './lib.js';
import { t, language, countryName } from './i18n.js';
import { get, post, del, patch, getVersioned, countries as loadCountries, substances as loadSubstances } from './api.js';
import { PageHeader, Field, Select, MultiSelect, Radios, ProblemAlert, Loading, Table, useAsync, useSubmit, Notice } from './components.js';
import { ALERT_CATEGORIES, ACTIVITY_TYPES, SETTINGS, TLPS, tlpLabel, enumOptions, countryOptions, substanceOptions } from './labels.js';
import { can } from './can.js';

const DELIVERIES = ['inbox', 'email', 'digest'];

/** The filters of each record type, as the server accepts them: its
 * categories (values and label prefix), substances, countries, an area,
 * a TLP ceiling. */
const TYPES = {
  alert: { categories: [ALERT_CATEGORIES, 'alertcat', 'sub.categories'], substances: true, countries: 'sub.countries', area: true, tlp: true },
  practice: { categories: [SETTINGS, 'actsetting', 'sub.categories.practice'], countries: 'sub.countries.practice' },
  proposal: { countries: 'sub.countries.proposal' },
  activity: { categories: [ACTIVITY_TYPES, 'acttype', 'sub.categories.activity'], countries: 'sub.countries.activity', area: true, tlp: true },
};
const EMPTY = { categories: [], substances: [], countries: [], tlp_max: '', lat: '', lon: '', radius_km: '' };

function NewSubscription({ onDone }) {
  const countries = useAsync(loadCountries, []);
  const substances = useAsync(() => loadSubstances().catch(() => []), []);
  const [f, setF] = useState({ record_type: 'alert', delivery: 'inbox', ...EMPTY });
  const { busy, error, setError, f: fe, submit } = useSubmit();
  const set = (k) => (v) => setF({ ...f, [k]: v });
  const type = TYPES[f.record_type];
  // another record type: its own filters, none of the last one's values
  const setType = (v) => { setError(null); setF({ ...f, ...EMPTY, record_type: v }); };
  const create = submit(async () => {
    const body = { record_type: f.record_type, delivery: f.delivery };
    for (const k of ['categories', 'substances', 'countries']) if (f[k].length) body[k] = f[k];
    if (f.tlp_max) body.tlp_max = f.tlp_max;
    if (type.area && (f.lat !== '' || f.lon !== '' || f.radius_km !== '')) {
      body.area = { lat: Number(f.lat), lon: Number(f.lon), radius_m: Number(f.radius_km) * 1000 };
    }
    await post('/subscriptions', body);
    setF({ ...f, ...EMPTY });
    onDone();
  });
  return html`
    <form class="card" aria-labelledby="sub-new" onSubmit=${create} noValidate>
      <h2 id="sub-new">${t('sub.new')}</h2>
      <${ProblemAlert} error=${error} />
      <${Select} label=${t('sub.record_type')} name="record_type" value=${f.record_type} onChange=${setType}
        options=${Object.keys(TYPES).map((v) => ({ value: v, label: t(`sub.type.${v}`) }))} required=${true} error=${fe.record_type} />
      ${type.categories && html`<${MultiSelect} label=${t(type.categories[2])} name="categories" value=${f.categories}
        onChange=${set('categories')} options=${enumOptions(type.categories[0], type.categories[1])} hint=${t('sub.any_hint')} error=${fe.categories} />`}
      ${type.substances && html`<${MultiSelect} label=${t('sub.substances')} name="substances" value=${f.substances} onChange=${set('substances')}
        options=${substanceOptions(substances.data || [], language())} hint=${t('sub.any_hint')} error=${fe.substances} />`}
      ${type.countries && html`<${MultiSelect} label=${t(type.countries)} name="countries" value=${f.countries} onChange=${set('countries')}
        options=${countryOptions(countries.data)} hint=${t('sub.any_hint')} error=${fe.countries} />`}
      ${type.area && html`<fieldset class=${`sub-area${fe.area ? ' has-error' : ''}`} data-sub-area>
        <legend>${t('sub.area')}</legend>
        <p class="hint">${t('sub.area_hint')}</p>
        ${fe.area && html`<p class="field-error">${fe.area}</p>`}
        <${Field} label=${t('sub.area_lat')} name="lat" type="number" step="any" value=${f.lat} onInput=${set('lat')} />
        <${Field} label=${t('sub.area_lon')} name="lon" type="number" step="any" value=${f.lon} onInput=${set('lon')} />
        <${Field} label=${t('sub.area_radius_km')} name="radius_km" type="number" step="any" min="0" value=${f.radius_km} onInput=${set('radius_km')} />
      </fieldset>`}
      ${type.tlp && html`<${Select} label=${t('sub.tlp_max')} name="tlp_max" value=${f.tlp_max} onChange=${set('tlp_max')}
        options=${TLPS.map((v) => ({ value: v, label: tlpLabel(v) }))} empty=${t('sub.tlp_any')} error=${fe.tlp_max} />`}
      <${Radios} legend=${t('sub.delivery')} name="delivery" value=${f.delivery} onChange=${set('delivery')}
        options=${DELIVERIES.map((v) => ({ value: v, label: t(`sub.delivery.${v}`) }))} error=${fe.delivery} />
      <p><button type="submit" class="btn btn-primary" disabled=${busy}>${t('sub.create')}</button></p>
    </form>`;
}

const LANGUAGES = ['en', 'fr', 'ru'];
const HOURS = Array.from({ length: 24 }, (_, h) => h);

/** The language of one's e-mail and the hour of one's digest, saved with
 * PATCH /users/{id} at the version read (If-Match). */
function MailSettings({ me }) {
  const user = useAsync(() => getVersioned(`/users/${me.id}`), [me.id]);
  const [f, setF] = useState(null);
  const [saved, setSaved] = useState(false);
  const { busy, error, f: fe, submit } = useSubmit();
  useEffect(() => {
    if (user.data) setF({ language: user.data.data.language, digest_hour: String(user.data.data.digest_hour) });
  }, [user.data]);
  if (!f) return html`<${ProblemAlert} error=${user.error} />`;
  const set = (k) => (v) => { setSaved(false); setF({ ...f, [k]: v }); };
  const save = submit(async () => {
    setSaved(false);
    await patch(`/users/${me.id}`, { language: f.language, digest_hour: Number(f.digest_hour) }, user.data.etag);
    user.reload();
    setSaved(true);
  });
  return html`
    <form class="card" aria-labelledby="mail-settings" onSubmit=${save} noValidate data-mail-settings>
      <h2 id="mail-settings">${t('settings.title')}</h2>
      <p class="muted">${t('settings.intro')}</p>
      ${saved && html`<${Notice}>${t('settings.saved')}</${Notice}>`}
      <${ProblemAlert} error=${error} />
      <${Select} label=${t('settings.language')} name="language" value=${f.language} onChange=${set('language')}
        options=${LANGUAGES.map((l) => ({ value: l, label: t(`settings.lang.${l}`) }))} error=${fe.language} />
      <${Select} label=${t('settings.digest_hour')} name="digest_hour" value=${f.digest_hour} onChange=${set('digest_hour')}
        options=${HOURS.map((h) => ({ value: String(h), label: t('settings.hour', { h: String(h).padStart(2, '0') }) }))} error=${fe.digest_hour} />
      <p><button type="submit" class="btn btn-primary" disabled=${busy}>${t('settings.save')}</button></p>
    </form>`;
}

const catLabel = (s, c) => {
  const cats = TYPES[s.record_type] && TYPES[s.record_type].categories;
  return cats ? t(`${cats[1]}.${c}`) : c;
};
const what = (s) => [t(`sub.type.${s.record_type}`), ...s.categories.map((c) => catLabel(s, c)), ...s.countries.map(countryName)]
  .join(' · ');

export default function Subscriptions({ me, query }) {
  const list = useAsync(() => get('/subscriptions', { limit: 200 }), []);
  const [note, setNote] = useState(null);
  const [error, setError] = useState(null);
  const unsubscribe = query.get('unsubscribe');
  const remove = async (id) => {
    setError(null);
    try {
      await del(`/subscriptions/${id}`);
      setNote(t('sub.deleted'));
      list.reload();
    } catch (err) {
      setError(err);
    }
  };
  const items = (list.data && list.data.items) || [];
  const target = unsubscribe && items.find((s) => s.id === unsubscribe);
  return html`
    <${PageHeader} title=${t('sub.title')} subtitle=${t('sub.subtitle')} />
    ${me && me.id && html`<${MailSettings} me=${me} />`}
    ${note && html`<${Notice}>${note}</${Notice}>`}
    <${ProblemAlert} error=${error || list.error} />
    ${target && can(me, 'subscription', 'delete') && html`
      <section class="card" aria-labelledby="sub-unsub">
        <h2 id="sub-unsub">${t('sub.unsubscribe_title')}</h2>
        <p>${what(target)}</p>
        <button type="button" class="btn btn-primary" onClick=${() => remove(target.id)}>${t('sub.unsubscribe')}</button>
      </section>`}
    ${list.loading && !list.data ? html`<${Loading} />` : items.length === 0 ? html`<p class="empty">${t('sub.empty')}</p>` : html`
      <${Table} caption=${t('sub.title')} head=${[t('sub.what'), t('sub.tlp_max'), t('sub.delivery'), t('common.actions')]}>
        ${items.map((s) => html`<tr key=${s.id} data-sub=${s.id}>
          <td>${what(s)}${s.substances.length ? ` · ${t('sub.n_substances', { n: s.substances.length })}` : ''}</td>
          <td>${!TYPES[s.record_type] || !TYPES[s.record_type].tlp ? '—' : s.tlp_max ? tlpLabel(s.tlp_max) : t('sub.tlp_any')}</td>
          <td>${t(`sub.delivery.${s.delivery}`)}</td>
          <td>${can(me, 'subscription', 'delete') && html`
            <button type="button" class="btn btn-quiet" onClick=${() => remove(s.id)}
              aria-label=${t('sub.delete_label', { what: what(s) })}>${t('sub.delete')}</button>`}</td>
        </tr>`)}
      </${Table}>`}
    ${can(me, 'subscription', 'create') && html`<${NewSubscription} onDone=${() => { setNote(t('sub.created')); list.reload(); }} />`}`;
}
