// Record an activity: what, for whom, where (a point picked on the map or
// typed, with a radius) and when. On saving, the activity's page opens with
// the activities of other organisations it overlaps.
import { html, useState, useMemo } from './lib.js';
import { t } from './i18n.js';
import { createRecord, listAll, countries as loadCountries, organisations } from './api.js';
import { navigate } from './router.js';
import { FormPage, Field, TextArea, Select, useAsync, useSubmit, Pending } from './components.js';
import { ACTIVITY_TYPES, ACTIVITY_STATUSES, SETTINGS, GENDERS, countryOptions, enumOptions } from './labels.js';
import { ShareChooser } from './share.js';
import { DataMap } from './map-data.js';
const round = (x) => Math.round(x * 10000) / 10000;
const num = (v) => (v === '' || v == null ? undefined : Number(v));

export default function ActivityNew({ me }) {
  const data = useAsync(async () => {
    const [countries, orgs, groups] = await Promise.all([loadCountries(), organisations(), listAll('/sharing-groups')]);
    return { countries, orgs, groups: groups.items };
  }, []);
  if (!data.data) return html`<${Pending} r=${data} title=${t('act.new')} />`;
  return html`<${Form} me=${me} ...${data.data} />`;
}

function Form({ me, countries, orgs, groups }) {
  const org = useMemo(() => orgs.find((o) => o.id === me.org_id), [orgs]);
  const [form, setForm] = useState({
    title: '', description: '', type: '', setting: '', area_country: (org && org.country) || '',
    place_name: '', lat: '', lon: '', radius_km: '', start: '', end: '', status: 'planned',
    age_min: '', age_max: '', gender: 'all', distribution: '', sharing_group_id: '', tlp: '',
  });
  const { busy, error, f, submit } = useSubmit();
  const set = (k) => (v) => setForm({ ...form, [k]: v });
  const point = form.lat !== '' && form.lon !== '' && !Number.isNaN(Number(form.lat)) && !Number.isNaN(Number(form.lon))
    ? { lat: Number(form.lat), lon: Number(form.lon) } : null;
  const save = submit(async () => {
    const body = {
      title: form.title, description: form.description, type: form.type || undefined, setting: form.setting || undefined,
      area_country: form.area_country || undefined, place_name: form.place_name || null,
      lat: num(form.lat) ?? null, lon: num(form.lon) ?? null, radius_km: num(form.radius_km) ?? null,
      start: form.start ? `${form.start}T00:00:00Z` : undefined, end: form.end ? `${form.end}T00:00:00Z` : null,
      status: form.status, age_min: num(form.age_min), age_max: num(form.age_max), gender: form.gender,
      distribution: form.distribution || undefined, tlp: form.tlp || undefined,
      sharing_group_id: form.distribution === 'sharing_group' ? (form.sharing_group_id || null) : null,
    };
    for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
    const r = await createRecord('/activities', body);
    navigate(`/activities/${r.id}`, { replace: true });
  });
  return html`
    <${FormPage} back="/activities" backLabel=${t('act.title')} title=${t('act.new')} subtitle=${t('act.form_hint')}
      onSubmit=${save} error=${error}>
      <${Field} label=${t('act.activity_title')} name="title" value=${form.title} onInput=${set('title')} error=${f.title} required />
      <div class="two-col">
        <${Select} label=${t('act.type')} name="type" value=${form.type} onChange=${set('type')}
          options=${enumOptions(ACTIVITY_TYPES, 'acttype')} empty=${t('common.choose')} error=${f.type} required />
        <${Select} label=${t('act.setting')} name="setting" value=${form.setting} onChange=${set('setting')}
          options=${enumOptions(SETTINGS, 'actsetting')} empty=${t('common.choose')} error=${f.setting} required />
      </div>
      <${TextArea} label=${t('act.description')} name="description" value=${form.description} onInput=${set('description')} error=${f.description} />
      <fieldset class="where">
        <legend>${t('alerts.where')}</legend>
        <div class="two-col">
          <${Select} label=${t('alerts.country')} name="area_country" value=${form.area_country} onChange=${set('area_country')}
            options=${countryOptions(countries)} empty=${t('common.choose')} error=${f.area_country} required />
          <${Field} label=${t('alerts.place')} name="place_name" value=${form.place_name} onInput=${set('place_name')} error=${f.place_name} />
        </div>
        <p class="hint">${t('act.map_hint')}</p>
        <${DataMap} label=${t('report.map_label')} onPick=${(lat, lon) => setForm({ ...form, lat: String(round(lat)), lon: String(round(lon)) })}
          pick=${point} height="small" />
        <div class="three-col">
          <${Field} label=${t('act.lat')} name="lat" type="number" step="any" value=${form.lat} onInput=${set('lat')} error=${f.lat} />
          <${Field} label=${t('act.lon')} name="lon" type="number" step="any" value=${form.lon} onInput=${set('lon')} error=${f.lon} />
          <${Field} label=${t('act.radius')} name="radius_km" type="number" step="any" value=${form.radius_km} onInput=${set('radius_km')} error=${f.radius_km} />
        </div>
      </fieldset>
      <div class="three-col">
        <${Field} label=${t('act.start')} name="start" type="date" value=${form.start} onInput=${set('start')} error=${f.start} required />
        <${Field} label=${t('act.end')} name="end" type="date" value=${form.end} onInput=${set('end')} error=${f.end} />
        <${Select} label=${t('act.status')} name="status" value=${form.status} onChange=${set('status')}
          options=${enumOptions(ACTIVITY_STATUSES, 'actstatus')} error=${f.status} />
      </div>
      <div class="three-col">
        <${Field} label=${t('act.age_min')} name="age_min" type="number" min="0" max="120" value=${form.age_min} onInput=${set('age_min')} error=${f.age_min} />
        <${Field} label=${t('act.age_max')} name="age_max" type="number" min="0" max="120" value=${form.age_max} onInput=${set('age_max')} error=${f.age_max} />
        <${Select} label=${t('act.gender')} name="gender" value=${form.gender} onChange=${set('gender')}
          options=${enumOptions(GENDERS, 'actgender')} error=${f.gender} />
      </div>
      <${ShareChooser} canShare=${((me.can || {}).activity || []).includes('share')} form=${form} set=${set} org=${org} groups=${groups} errors=${f} />
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled=${busy}>${t('act.save')}</button>
        <a class="btn btn-quiet" href="/activities">${t('common.cancel')}</a>
      </div>
    </${FormPage}>`;
}
