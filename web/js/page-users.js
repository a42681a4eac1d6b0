// Users: list (own organisation; all for admins), create, change role,
// organisation, reviewer flag, password, or disable.
import { html, useState, useMemo } from './lib.js';
import { t, tn, formatDateTime } from './i18n.js';
import { post, patch, getVersioned, organisations } from './api.js';
import { navigate, setQuery } from './router.js';
import {
  PageHeader, Field, Select, Checkbox, ProblemAlert, Loading, Table, useAsync, usePagedList, useSubmit,
  MoreButton, Badge, Notice, Pending,
} from './components.js';
import { roleOptions, orgOptions } from './labels.js';

export default function Users({ me, query }) {
  const role = query.get('role') || '';
  const orgId = query.get('org_id') || '';
  const orgs = useAsync(organisations, []);
  const byId = useMemo(() => new Map((orgs.data || []).map((o) => [o.id, o])), [orgs.data]);
  const list = usePagedList('/users', { role, org_id: orgId }, [role, orgId]);
  const isAdmin = me.role === 'admin';
  return html`
    <${PageHeader} title=${t('users.title')} subtitle=${isAdmin ? t('users.subtitle_admin') : t('users.subtitle_org')}>
      <a class="btn btn-primary" href="/users/new">${t('users.new')}</a>
    </${PageHeader}>
    <form class="filters" role="search" aria-label=${t('common.filters')} onSubmit=${(e) => e.preventDefault()}>
      <${Select} label=${t('users.role')} name="role" value=${role} empty=${t('common.all')}
        options=${roleOptions()} onChange=${(v) => setQuery({ role: v, org_id: orgId })} />
      ${isAdmin && html`<${Select} label=${t('users.org')} name="org_id" value=${orgId} empty=${t('common.all')}
        options=${orgOptions(orgs.data)} onChange=${(v) => setQuery({ role, org_id: v })} />`}
    </form>
    <${ProblemAlert} error=${list.error} />
    ${list.loading && list.items.length === 0 ? html`<${Loading} />` : html`
      <p class="count" role="status">${tn('users.count', list.items.length)}${list.next ? '+' : ''}</p>
      <${Table} caption=${t('users.title')} head=${[t('users.name'), t('users.email'), t('users.org'), t('users.role'), t('users.status')]}>
        ${list.items.map((u) => html`
          <tr key=${u.id}>
            <td><a href=${`/users/${u.id}`}>${u.name}</a></td>
            <td>${u.email}</td>
            <td>${byId.get(u.org_id) ? byId.get(u.org_id).name : ''}</td>
            <td>${t(`role.${u.role}`)}${u.reviewer ? html` <${Badge}>${t('users.reviewer')}</${Badge}>` : ''}</td>
            <td>${u.disabled ? html`<${Badge} kind="danger">${t('users.disabled')}</${Badge}>` : html`<${Badge} kind="ok">${t('users.active')}</${Badge}>`}</td>
          </tr>`)}
      </${Table}>
      <${MoreButton} list=${list} />`}`;
}

/** /users/new and /users/:id. */
export function Edit({ me, params, onMe }) {
  const isNew = !params.id;
  const isAdmin = me.role === 'admin';
  const [form, setForm] = useState(null);
  const [etag, setEtag] = useState(null);
  const [saved, setSaved] = useState(false);
  const { busy, error, f, submit } = useSubmit();
  const load = async (id) => {
    const r = await getVersioned(`/users/${id}`);
    setEtag(r.etag);
    setForm({ ...r.data, password: '', current_password: '' });
  };
  const orgs = useAsync(async () => {
    if (isNew) setForm({ email: '', name: '', org_id: isAdmin ? '' : me.org_id, role: 'viewer', password: '', reviewer: false });
    else await load(params.id);
    return organisations();
  }, [params.id]);
  if (!form || !orgs.data) return html`<${Pending} r=${orgs} title=${t('users.title')} />`;
  const set = (k) => (v) => { setForm({ ...form, [k]: v }); setSaved(false); };
  const self = form.id === me.id;
  const save = submit(async () => {
    if (isNew) {
      const body = { email: form.email, name: form.name, org_id: form.org_id, role: form.role, reviewer: form.reviewer };
      if (form.password) body.password = form.password;
      const u = await post('/users', body);
      navigate(`/users/${u.id}`, { replace: true });
    } else {
      // one's own record: name and password only (the current one with it);
      // another's password is a separate, audited reset
      const body = self ? { name: form.name }
        : { name: form.name, role: form.role, reviewer: form.reviewer, disabled: form.disabled };
      if (isAdmin && !self) body.org_id = form.org_id;
      if (form.password && self) Object.assign(body, { password: form.password, current_password: form.current_password });
      await patch(`/users/${params.id}`, body, etag);
      if (form.password && !self) await post(`/users/${params.id}/password-reset`, { password: form.password });
      await load(params.id);
      setSaved(true);
      if (self) onMe();
    }
  });
  const title = isNew ? t('users.new') : form.name;
  return html`
    <p class="breadcrumb"><a href="/users">${t('users.title')}</a></p>
    <${PageHeader} title=${title} subtitle=${isNew ? '' : `${form.email} · ${t('common.updated', { when: formatDateTime(form.updated_at) })}`} />
    <div class="card form-card">
      ${saved && html`<${Notice}>${t('common.saved')}</${Notice}>`}
      <${ProblemAlert} error=${error} />
      <form onSubmit=${save} novalidate>
        <fieldset disabled=${busy}>
          <legend class="visually-hidden">${title}</legend>
          ${isNew && html`<${Field} label=${t('users.email')} name="email" type="email" autocomplete="off"
            value=${form.email} onInput=${set('email')} error=${f.email} required />`}
          <${Field} label=${t('users.name')} name="name" value=${form.name} onInput=${set('name')} error=${f.name} required autocomplete="off" />
          <${Select} label=${t('users.org')} name="org_id" value=${form.org_id} onChange=${set('org_id')} error=${f.org_id}
            options=${orgOptions(orgs.data)} empty=${t('common.choose')} disabled=${!isAdmin || self} required />
          <${Select} label=${t('users.role')} name="role" value=${form.role} onChange=${set('role')} error=${f.role}
            options=${roleOptions().filter((o) => isAdmin || o.value !== 'admin')} disabled=${self} required />
          <${Field} label=${isNew ? t('users.password') : self ? t('users.new_password') : t('users.reset_password')} name="password" type="password"
            autocomplete="new-password" value=${form.password} onInput=${set('password')} error=${f.password}
            hint=${isNew ? t('users.password_hint_new') : self ? t('users.password_hint') : t('users.reset_password_hint')} />
          ${self && form.password && html`<${Field} label=${t('users.current_password')} name="current_password" type="password"
            autocomplete="current-password" value=${form.current_password} onInput=${set('current_password')}
            error=${f.current_password} hint=${t('users.current_password_hint')} required />`}
          <${Checkbox} label=${t('users.reviewer_label')} name="reviewer" checked=${form.reviewer} onChange=${set('reviewer')} disabled=${self} />
          ${!isNew && html`<${Checkbox} label=${t('users.disable_label')} name="disabled" checked=${form.disabled}
            onChange=${set('disabled')} disabled=${self} hint=${t('users.disable_hint')} />`}
        </fieldset>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled=${busy}>${isNew ? t('common.create') : t('common.save')}</button>
          <a class="btn" href="/users">${t('common.cancel')}</a>
        </div>
      </form>
    </div>`;
}
