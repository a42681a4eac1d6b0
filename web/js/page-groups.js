// Sharing groups: the organisations a record with distribution
// "sharing_group" reaches. List, create, and add or remove members.
import { html, useState, useMemo } from './lib.js';
import { t, tn, compareText, countryName } from './i18n.js';
import { post, patch, getVersioned, organisations } from './api.js';
import { navigate } from './router.js';
import {
  PageHeader, Field, TextArea, Select, Checkbox, ProblemAlert, Loading, useAsync, usePagedList, Badge,
  useForm, Pending, Outcome,
} from './components.js';
import { ListTable } from './list-page.js';
import { orgOptions } from './labels.js';
import { OrgName } from './org-name.js';

export default function Groups() {
  const orgs = useAsync(organisations, []);
  const byId = useMemo(() => new Map((orgs.data || []).map((o) => [o.id, o])), [orgs.data]);
  const list = usePagedList('/sharing-groups', {}, []);
  return html`
    <${PageHeader} title=${t('groups.title')} subtitle=${t('groups.subtitle')}>
      <a class="btn btn-primary" href="/sharing-groups/new">${t('groups.new')}</a>
    </${PageHeader}>
    <${ProblemAlert} error=${list.error} />
    <${ListTable} list=${list} empty=${t('groups.empty')} caption=${t('groups.title')}
      head=${[t('groups.name'), t('groups.owner'), t('groups.members')]}
      row=${(g) => html`
        <tr key=${g.id}>
          <td><a href=${`/sharing-groups/${g.id}`}>${g.name}</a>${g.description && html`<div class="muted small">${g.description}</div>`}</td>
          <td><${OrgName} org=${byId.get(g.owner_org_id)} /></td>
          <td>${tn('groups.member_count', (g.members || []).length)}</td>
        </tr>`} />`;
}

/** A searchable list of organisations to tick. */
function OrgPicker({ orgs, selected, onChange, exclude = [] }) {
  const [q, setQ] = useState('');
  const shown = orgs
    .filter((o) => !exclude.includes(o.id))
    .filter((o) => !q || o.name.toLowerCase().includes(q.toLowerCase()) || (o.country || '').toLowerCase() === q.toLowerCase())
    .sort((a, b) => compareText(a.name, b.name));
  const toggle = (id, on) => onChange(on ? [...selected, id] : selected.filter((x) => x !== id));
  return html`
    <fieldset class="picker">
      <legend>${t('groups.pick_members')}</legend>
      <${Field} label=${t('groups.filter_orgs')} name="org-filter" type="search" value=${q} onInput=${setQ} />
      <ul class="picker-list">
        ${shown.slice(0, 200).map((o) => html`
          <li key=${o.id}>
            <${Checkbox} name=${`m-${o.id}`} checked=${selected.includes(o.id)} onChange=${(on) => toggle(o.id, on)}
              label=${o.country ? `${o.name} — ${countryName(o.country)}` : o.name} />
          </li>`)}
      </ul>
      <p class="muted small" role="status">${tn('groups.selected', selected.length)}</p>
    </fieldset>`;
}

function NewGroup({ orgs, me }) {
  const { form, set, error, f, busy, submit } = useForm({ name: '', description: '', members_can_add: false, members: [] });
  const create = submit(async () => {
    const g = await post('/sharing-groups', form);
    navigate(`/sharing-groups/${g.id}`, { replace: true });
  });
  return html`
    <p class="breadcrumb"><a href="/sharing-groups">${t('groups.title')}</a></p>
    <${PageHeader} title=${t('groups.new')} subtitle=${t('groups.new_hint')} />
    <div class="card form-card">
      <${ProblemAlert} error=${error} />
      <form onSubmit=${create} novalidate>
        <${Field} label=${t('groups.name')} name="name" value=${form.name} onInput=${set('name')} error=${f.name} required />
        <${TextArea} label=${t('groups.description')} name="description" value=${form.description} onInput=${set('description')} error=${f.description} />
        <${Checkbox} label=${t('groups.members_can_add')} name="members_can_add" checked=${form.members_can_add} onChange=${set('members_can_add')} />
        <${OrgPicker} orgs=${orgs} selected=${form.members} onChange=${set('members')} exclude=${[me.org_id]} />
        ${f.members && html`<p class="field-error">${f.members}</p>`}
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled=${busy}>${t('common.create')}</button>
          <a class="btn" href="/sharing-groups">${t('common.cancel')}</a>
        </div>
      </form>
    </div>`;
}

/** /sharing-groups/new and /sharing-groups/:id. */
export function Edit({ me, params }) {
  const [group, setGroup] = useState(null);
  const [etag, setEtag] = useState(null);
  const [form, setForm] = useState(null);
  const [adding, setAdding] = useState('');
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const load = async () => {
    const r = await getVersioned(`/sharing-groups/${params.id}`);
    setGroup(r.data);
    setEtag(r.etag);
    setForm({ name: r.data.name, description: r.data.description || '', members_can_add: r.data.members_can_add });
  };
  const orgs = useAsync(async () => {
    if (params.id) await load();
    return organisations();
  }, [params.id]);
  const byId = useMemo(() => new Map((orgs.data || []).map((o) => [o.id, o])), [orgs.data]);
  if (!orgs.data) return html`<${Pending} r=${orgs} title=${t('groups.title')} />`;
  if (!params.id) return html`<${NewGroup} orgs=${orgs.data} me=${me} />`;
  if (!group) return html`<${Loading} />`;
  const owner = group.owner_org_id === me.org_id || me.role === 'admin';
  const canAdd = owner || group.members_can_add;
  const change = async (body, message) => {
    setBusy(true);
    setError(null);
    setNotice('');
    try {
      await patch(`/sharing-groups/${params.id}`, body, etag);
      await load();
      setNotice(message);
      setAdding('');
    } catch (err) {
      setError(err);
    }
    setBusy(false);
  };
  const f = (error && error.fields) || {};
  const members = group.members || [];
  const candidates = orgs.data.filter((o) => !members.includes(o.id));
  return html`
    <p class="breadcrumb"><a href="/sharing-groups">${t('groups.title')}</a></p>
    <${PageHeader} title=${group.name} subtitle=${t('groups.owned_by', { org: byId.get(group.owner_org_id) ? byId.get(group.owner_org_id).name : '' })} />
    <${Outcome} notice=${notice} error=${error} />
    <div class="two-col">
      <section class="card" aria-labelledby="members-title">
        <h2 id="members-title">${t('groups.members')} <span class="muted">(${members.length})</span></h2>
        <ul class="member-list">
          ${members.map((id) => html`
            <li key=${id}>
              <span>${byId.get(id) ? html`<${OrgName} org=${byId.get(id)} />` : id}
                ${id === group.owner_org_id && html` <${Badge}>${t('groups.owner')}</${Badge}>`}</span>
              ${owner && id !== group.owner_org_id && html`
                <button type="button" class="btn btn-small btn-quiet" disabled=${busy}
                  aria-label=${t('groups.remove_named', { name: byId.get(id) ? byId.get(id).name : id })}
                  onClick=${() => change({ remove_members: [id] }, t('groups.removed'))}>${t('groups.remove')}</button>`}
            </li>`)}
        </ul>
        ${canAdd && html`
          <form class="inline-form" onSubmit=${(e) => { e.preventDefault(); if (adding) change({ add_members: [adding] }, t('groups.added')); }}>
            <${Select} label=${t('groups.add_member')} name="add" value=${adding} onChange=${setAdding}
              options=${orgOptions(candidates)} empty=${t('common.choose')} error=${f.add_members} />
            <button type="submit" class="btn btn-primary" disabled=${busy || !adding}>${t('groups.add')}</button>
          </form>`}
      </section>
      ${owner && html`
        <section class="card" aria-labelledby="settings-title">
          <h2 id="settings-title">${t('groups.settings')}</h2>
          <form onSubmit=${(e) => { e.preventDefault(); change(form, t('common.saved')); }} novalidate>
            <${Field} label=${t('groups.name')} name="name" value=${form.name} onInput=${(v) => setForm({ ...form, name: v })} error=${f.name} required />
            <${TextArea} label=${t('groups.description')} name="description" value=${form.description}
              onInput=${(v) => setForm({ ...form, description: v })} error=${f.description} />
            <${Checkbox} label=${t('groups.members_can_add')} name="members_can_add" checked=${form.members_can_add}
              onChange=${(v) => setForm({ ...form, members_can_add: v })} />
            <div class="form-actions"><button type="submit" class="btn btn-primary" disabled=${busy}>${t('common.save')}</button></div>
          </form>
        </section>`}
    </div>`;
}
