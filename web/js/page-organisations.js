// Organisations: a filtered list for everyone; create and edit for admins.
import { html, useState, useMemo } from './lib.js';
import { t, tn, countryName, compareText, formatDateTime } from './i18n.js';
import { post, patch, getVersioned, countries, organisations, forget } from './api.js';
import { navigate, setQuery } from './router.js';
import {
  PageHeader, Field, Select, ProblemAlert, Loading, Table, useAsync, useSubmit, Notice, setFlash, takeFlash,
  Pending,
} from './components.js';
import { kindOptions, countryOptions, orgOptions, kindLabel } from './labels.js';
import { can } from './can.js';
import { RemoteBadge } from './org-name.js';

export default function Organisations({ me, query }) {
  const country = query.get('country') || '';
  const kind = query.get('kind') || '';
  const [text, setText] = useState(query.get('q') || '');
  const refs = useAsync(async () => ({ countries: await countries(), orgs: await organisations() }), []);
  const rows = useMemo(() => {
    if (!refs.data) return [];
    const q = text.trim().toLowerCase();
    return refs.data.orgs
      .filter((o) => (!country || o.country === country) && (!kind || o.kind === kind))
      .filter((o) => !q || o.name.toLowerCase().includes(q) || (o.key || '').includes(q))
      .sort((a, b) => compareText(a.name, b.name));
  }, [refs.data, country, kind, text]);
  const byId = useMemo(() => new Map((refs.data ? refs.data.orgs : []).map((o) => [o.id, o])), [refs.data]);
  const setFilter = (k, v) => setQuery({ country, kind, q: text, [k]: v });
  return html`
    <${PageHeader} title=${t('orgs.title')} subtitle=${t('orgs.subtitle')}>
      ${can(me, 'organisation', 'create') && html`<a class="btn btn-primary" href="/organisations/new">${t('orgs.new')}</a>`}
    </${PageHeader}>
    <form class="filters" role="search" aria-label=${t('common.filters')} onSubmit=${(e) => e.preventDefault()}>
      <${Field} label=${t('common.search')} name="q" type="search" value=${text}
        onInput=${(v) => { setText(v); }} onBlur=${() => setFilter('q', text)} />
      <${Select} label=${t('orgs.country')} name="country" value=${country} empty=${t('common.all')}
        options=${countryOptions(refs.data && refs.data.countries)} onChange=${(v) => setFilter('country', v)} />
      <${Select} label=${t('orgs.kind')} name="kind" value=${kind} empty=${t('common.all')}
        options=${kindOptions()} onChange=${(v) => setFilter('kind', v)} />
    </form>
    ${refs.error && html`<${ProblemAlert} error=${refs.error} />`}
    ${refs.loading ? html`<${Loading} />` : html`
      <p class="count" role="status">${tn('orgs.count', rows.length)}</p>
      <${Table} caption=${t('orgs.title')} head=${[t('orgs.name'), t('orgs.kind'), t('orgs.country'), t('orgs.parent')]}>
        ${rows.map((o) => html`
          <tr key=${o.id}>
            <td><a href=${`/organisations/${o.id}`}>${o.name}</a>${o.origin_node && html` <${RemoteBadge} org=${o} />`}</td>
            <td>${kindLabel(o.kind)}</td>
            <td>${o.country ? countryName(o.country) : t('orgs.international')}</td>
            <td>${o.parent_id && byId.get(o.parent_id) ? byId.get(o.parent_id).name : ''}</td>
          </tr>`)}
      </${Table}>`}`;
}

/** /organisations/new and /organisations/:id (read-only unless admin). */
export function Edit({ me, params }) {
  const isNew = !params.id;
  const canEdit = can(me, 'organisation', 'update');
  const [form, setForm] = useState(null);
  const [etag, setEtag] = useState(null);
  const [saved, setSaved] = useState(false);
  const { busy, error, f, submit } = useSubmit();
  const [created] = useState(() => (isNew ? null : takeFlash()));
  const refs = useAsync(async () => {
    const [cs, os] = [await countries(), await organisations()];
    if (isNew) setForm({ name: '', kind: '', country: '', parent_id: '', key: '' });
    else {
      const r = await getVersioned(`/organisations/${params.id}`);
      setEtag(r.etag);
      setForm({ ...r.data, country: r.data.country || '', parent_id: r.data.parent_id || '' });
    }
    return { countries: cs, orgs: os };
  }, [params.id]);
  if (!form || !refs.data) return html`<${Pending} r=${refs} title=${t('orgs.title')} />`;
  const set = (k) => (v) => { setForm({ ...form, [k]: v }); setSaved(false); };
  const save = submit(async () => {
    const body = {
      name: form.name, kind: form.kind, country: form.country || null, parent_id: form.parent_id || null,
    };
    if (isNew) {
      if (form.key) body.key = form.key;
      const o = await post('/organisations', body);
      forget('organisations');
      setFlash(t('orgs.created', { name: o.name }));
      navigate(`/organisations/${o.id}`, { replace: true });
    } else {
      await patch(`/organisations/${params.id}`, body, etag);
      forget('organisations');
      const r = await getVersioned(`/organisations/${params.id}`);
      setEtag(r.etag);
      setForm({ ...r.data, country: r.data.country || '', parent_id: r.data.parent_id || '' });
      setSaved(true);
    }
  });
  const title = isNew ? t('orgs.new') : form.name;
  return html`
    <p class="breadcrumb"><a href="/organisations">${t('orgs.title')}</a></p>
    <${PageHeader} title=${title} subtitle=${isNew ? '' : t('common.updated', { when: formatDateTime(form.updated_at) })} />
    <div class="card form-card">
      ${saved && html`<${Notice}>${t('common.saved')}</${Notice}>`}
      ${!saved && created && html`<${Notice}>${created}</${Notice}>`}
      <${ProblemAlert} error=${error} />
      <form onSubmit=${save} novalidate>
        <fieldset disabled=${!canEdit || busy}>
          <legend class="visually-hidden">${title}</legend>
          <${Field} label=${t('orgs.name')} name="name" value=${form.name} onInput=${set('name')} error=${f.name} required maxlength="300" />
          <${Select} label=${t('orgs.kind')} name="kind" value=${form.kind} onChange=${set('kind')} error=${f.kind}
            options=${kindOptions()} empty=${t('common.choose')} required />
          <${Select} label=${t('orgs.country')} name="country" value=${form.country} onChange=${set('country')} error=${f.country}
            options=${countryOptions(refs.data.countries)} required=${form.kind !== 'international_organisation'}
            empty=${form.kind === 'international_organisation' ? t('orgs.international') : t('common.choose')}
            hint=${t('orgs.country_hint')} />
          <${Select} label=${t('orgs.parent')} name="parent_id" value=${form.parent_id} onChange=${set('parent_id')} error=${f.parent_id}
            options=${orgOptions(refs.data.orgs.filter((o) => o.id !== params.id))} empty=${t('common.none')} />
          ${isNew && html`<${Field} label=${t('orgs.key')} name="key" value=${form.key} onInput=${set('key')} error=${f.key} hint=${t('orgs.key_hint')} />`}
        </fieldset>
        ${canEdit && html`
          <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled=${busy}>${isNew ? t('common.create') : t('common.save')}</button>
            <a class="btn" href="/organisations">${t('common.cancel')}</a>
          </div>`}
      </form>
    </div>
    ${!isNew && (me.role === 'admin' || (me.role === 'org_admin' && me.org_id === params.id)) && html`<p><a href=${`/users?org_id=${params.id}`}>${t('orgs.users_link')}</a></p>`}`;
}
