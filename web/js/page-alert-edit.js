// Create or edit an alert. Distribution and TLP have no default: the author
// chooses both, and the form says in words who will be able to see it.
import { html, useState, useMemo } from './lib.js';
import { t, language } from './i18n.js';
import { saveRecord, getVersioned, listAll, organisations, substances } from './api.js';
import { navigate } from './router.js';
import { FormPage, Field, TextArea, Select, MultiSelect, useAsync, useSubmit, Pending } from './components.js';
import { ALERT_CATEGORIES, DRUG_FORMS, enumOptions, substanceOptions } from './labels.js';
import { ShareChooser } from './share.js';
import { DataMap } from './map-data.js';

const round = (x) => Math.round(x * 10000) / 10000;
const localInput = (iso) => (iso ? new Date(iso).toISOString().slice(0, 16) : '');

export default function AlertEdit({ me, params }) {
  const data = useAsync(async () => {
    const [orgs, groups, subs] = await Promise.all([organisations(), listAll('/sharing-groups'), substances()]);
    let alert = null;
    let etag = null;
    if (params.id) { const r = await getVersioned(`/alerts/${params.id}`); alert = r.data; etag = r.etag; }
    return { orgs, groups: groups.items, subs, alert, etag };
  }, [params.id]);
  if (!data.data) return html`<${Pending} r=${data} title=${t('alerts.title')} />`;
  return html`<${Form} me=${me} ...${data.data} />`;
}

function Form({ me, orgs, groups, subs, alert, etag }) {
  const a = alert || {};
  const [form, setForm] = useState({
    title: a.title || '', summary: a.summary || '', body: a.body || '', category: a.category || '',
    distribution: a.distribution || '', sharing_group_id: a.sharing_group_id || '', tlp: a.tlp || '',
    place_name: (a.location && a.location.place_name) || '', observed_from: localInput(a.observed_from),
    tags: (a.tags || []).join(', '), substances: a.substances || [], drug_form: a.drug_form || '',
  });
  const subOptions = useMemo(() => substanceOptions(subs, language()), [subs]);
  const [point, setPoint] = useState(a.location && a.location.lat != null ? { lat: a.location.lat, lon: a.location.lon } : null);
  const { busy, error, f, submit } = useSubmit();
  const set = (k) => (v) => setForm({ ...form, [k]: v });
  const org = useMemo(() => orgs.find((o) => o.id === me.org_id), [orgs]);
  const save = (status) => submit(async () => {
    const body = {
      title: form.title, summary: form.summary, body: form.body, category: form.category || undefined,
      distribution: form.distribution || undefined, tlp: form.tlp || undefined,
      sharing_group_id: form.distribution === 'sharing_group' ? (form.sharing_group_id || null) : null,
      observed_from: form.observed_from ? new Date(form.observed_from).toISOString() : null,
      tags: form.tags.split(',').map((x) => x.trim()).filter(Boolean),
      substances: form.substances, drug_form: form.drug_form || null,
    };
    if (point || form.place_name) {
      body.location = { ...(point ? { lat: round(point.lat), lon: round(point.lon) } : {}), ...(form.place_name ? { place_name: form.place_name } : {}) };
    } else body.location = null;
    if (status) body.status = status;
    const r = await saveRecord('/alerts', { data: alert, etag }, body);
    navigate(`/alerts/${r.id}`, { replace: true });
  });
  return html`
    <${FormPage} back="/alerts" backLabel=${t('alerts.title')} title=${alert ? t('alerts.edit_title', { title: alert.title }) : t('alerts.new')}
      subtitle=${t('alerts.form_hint')} onSubmit=${save(null)} error=${error}>
      <${Field} label=${t('alerts.alert_title')} name="title" value=${form.title} onInput=${set('title')} error=${f.title} required />
      <${Select} label=${t('alerts.category')} name="category" value=${form.category} onChange=${set('category')}
        options=${enumOptions(ALERT_CATEGORIES, 'alertcat')} empty=${t('common.choose')} error=${f.category} required />
      <${MultiSelect} label=${t('alerts.substances')} name="substances" options=${subOptions} value=${form.substances}
        onChange=${set('substances')} hint=${t('alerts.substances_hint')} error=${f.substances} />
      <${Select} label=${t('alerts.drug_form')} name="drug_form" value=${form.drug_form} onChange=${set('drug_form')}
        options=${enumOptions(DRUG_FORMS, 'drugform')} empty=${t('alerts.drug_form_unknown')} hint=${t('alerts.drug_form_hint')} error=${f.drug_form} />
      <${TextArea} label=${t('alerts.summary')} name="summary" value=${form.summary} onInput=${set('summary')} error=${f.summary} />
      <${TextArea} label=${t('alerts.body')} name="body" value=${form.body} onInput=${set('body')} error=${f.body} rows="6" />
      <${ShareChooser} canShare=${((me.can || {}).alert || []).includes('share')} form=${form} set=${set} org=${org} groups=${groups} errors=${f} note=${t('audience.drafts')} />
      <fieldset class="where">
        <legend>${t('alerts.where')}</legend>
        <${Field} label=${t('alerts.place')} name="place_name" value=${form.place_name} onInput=${set('place_name')} error=${f['location.place_name']} />
        <p class="hint">${t('alerts.map_hint')}</p>
        <${DataMap} label=${t('report.map_label')} onPick=${(lat, lon) => setPoint({ lat, lon })} pick=${point} height="small" />
        ${point && html`<p class="muted small">${t('report.point_chosen', { lat: round(point.lat), lon: round(point.lon) })}
          <button type="button" class="btn btn-small btn-quiet" onClick=${() => setPoint(null)}>${t('report.clear_point')}</button></p>`}
      </fieldset>
      <${Field} label=${t('alerts.observed')} name="observed_from" type="datetime-local" value=${form.observed_from} onInput=${set('observed_from')} error=${f.observed_from} />
      <${Field} label=${t('alerts.tags')} name="tags" value=${form.tags} onInput=${set('tags')} hint=${t('alerts.tags_hint')} error=${f.tags} />
      <div class="form-actions">
        ${alert ? html`<button type="submit" class="btn btn-primary" disabled=${busy}>${t('common.save')}</button>`
          : html`
            <button type="button" class="btn btn-primary" disabled=${busy} onClick=${save('published')}>${t('alerts.publish')}</button>
            <button type="button" class="btn" disabled=${busy} onClick=${save('draft')}>${t('alerts.save_draft')}</button>`}
        <a class="btn btn-quiet" href=${alert ? `/alerts/${alert.id}` : '/alerts'}>${t('common.cancel')}</a>
      </div>
    </${FormPage}>`;
}
