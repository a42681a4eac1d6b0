// Problems (SARA: scanning, analysis, response, assessment): the list, a
// detail with the area on the map, the linked tips and alerts, the analysis
// triangle and the before/after indicators as a chart, and a form (create and
// edit) with the area picked on the map and distribution and TLP chosen
// explicitly. Links to tips, alerts and activities are made from either side
// (links.js).
import { html, useState, useMemo } from './lib.js';
import { t, formatDate, formatDateTime, formatNumber, countryName } from './i18n.js';
import { get, request, getVersioned, listAll, organisations, createRecord } from './api.js';
import { navigate, setQuery } from './router.js';
import {
  PageHeader, Field, TextArea, Select, Checkbox, ProblemAlert, Loading, Badge, useAsync, usePagedList,
  ExportLinks, FormPage, useSubmit, Pending, Outcome,
} from './components.js';
import { ListTable, FilterBar } from './list-page.js';
import { Links } from './links.js';
import { enumOptions, tlpLabel } from './labels.js';
import { ShareChooser } from './share.js';
import { DataMap } from './map-data.js';
import { LineChart } from './chart.js';
import { can } from './can.js';

export const PHASES = ['scanning', 'analysis', 'response', 'assessment'];
const PHASE_KIND = { scanning: 'info', analysis: 'neutral', response: 'warn', assessment: 'ok' };
const WEEK_S = 7 * 86400;
const round = (x) => Math.round(x * 10000) / 10000;
const one = (v) => (v == null ? '—' : formatNumber(Math.round(v * 10) / 10));

const PhaseBadge = ({ phase }) => html`<${Badge} kind=${PHASE_KIND[phase] || 'neutral'}>${t(`phase.${phase}`)}</${Badge}>`;

export default function Problems({ me, query }) {
  const cur = Object.fromEntries(query.entries());
  const phase = cur.phase || '';
  const list = usePagedList('/problems', phase ? { phase } : {}, [phase]);
  return html`
    <${PageHeader} title=${t('prob.title')} subtitle=${t('prob.subtitle')}>
      ${can(me, 'problem', 'create') && html`<a class="btn btn-primary" href="/problems/new">${t('prob.new')}</a>`}
    </${PageHeader}>
    <${FilterBar} label=${t('prob.filters')}>
      <${Select} label=${t('prob.phase')} name="phase" value=${phase} onChange=${(v) => setQuery({ ...cur, phase: v })}
        options=${enumOptions(PHASES, 'phase')} empty=${t('common.all')} />
    </${FilterBar}>
    <${ProblemAlert} error=${list.error} />
    <${ListTable} list=${list} empty=${t('prob.empty')} caption=${t('prob.title')}
      head=${[t('prob.problem_title'), t('prob.phase'), t('prob.country'), t('prob.area'), t('prob.updated')]}
      row=${(p) => html`<tr key=${p.id}>
        <td><a href=${`/problems/${p.id}`}>${p.title}</a></td>
        <td><${PhaseBadge} phase=${p.phase} /></td>
        <td>${countryName(p.country)}</td>
        <td>${p.area ? (p.area.place_name || t('prob.radius_km', { km: one(p.area.radius_m / 1000) })) : '—'}</td>
        <td>${formatDate(p.updated_at)}</td>
      </tr>`} />
    <${ExportLinks} path="/problems/export" query=${phase ? { phase } : {}} formats=${['csv', 'json', 'geojson']} />`;
}

/** The weekly tip counts before and after the response started, as two lines. */
function Indicators({ ind }) {
  const data = useMemo(() => {
    const start = Date.parse(ind.response_started_at) / 1000;
    const n = ind.weeks;
    const x = [];
    const before = [];
    const after = [];
    for (let i = 0; i < n; i++) { x.push(start - (n - i) * WEEK_S); before.push(ind.before.weekly[i] ?? null); after.push(null); }
    // the last week before joins the first week after, so the lines meet
    for (let i = 0; i < n; i++) { x.push(start + i * WEEK_S); before.push(null); after.push(ind.after.weekly[i] ?? null); }
    return { x, series: [{ label: t('prob.before'), values: before, colour: '#2b6cb0' }, { label: t('prob.after'), values: after, colour: '#b7791f' }] };
  }, [ind]);
  const pct = ind.change_pct == null ? null : Math.round(ind.change_pct);
  return html`
    <p class="an-summary">${t('prob.ind_summary', { before: one(ind.before.per_week), after: one(ind.after.per_week), weeks: ind.weeks })}</p>
    <p class="muted small">${pct == null ? t('prob.change_none') : t('prob.change_pct', { pct: `${pct > 0 ? '+' : ''}${formatNumber(pct)}` })}
      · ${t('prob.started', { date: formatDate(ind.response_started_at) })}</p>
    <${LineChart} x=${data.x} series=${data.series} label=${t('prob.ind_chart')} height=${220} className="chart-indicators" />
    <p class="muted small">${t('prob.ind_counts')}</p>`;
}

export function Detail({ me, params }) {
  const [tick, setTick] = useState(0);
  const d = useAsync(async () => {
    const r = await getVersioned(`/problems/${params.id}`);
    return { p: r.data, etag: r.etag };
  }, [params.id, tick]);
  const [phase, setPhase] = useState(null);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  const [editing, setEditing] = useState(false);
  const extra = useAsync(async () => (editing ? { orgs: await organisations(), groups: (await listAll('/sharing-groups')).items } : null), [editing]);
  if (d.error) return html`<p class="breadcrumb"><a href="/problems">${t('prob.title')}</a></p><${ProblemAlert} error=${d.error} />`;
  if (!d.data) return html`<${Loading} />`;
  const { p, etag } = d.data;
  const a = p.analysis || {};
  const canEdit = can(me, 'problem', 'update') && p.org_id === me.org_id;
  const savePhase = async () => {
    setError(null);
    try {
      await request('PATCH', `/problems/${p.id}`, { body: { phase }, etag });
      setNotice(t('prob.phase_saved', { phase: t(`phase.${phase}`) }));
      setPhase(null);
      setTick((n) => n + 1);
    } catch (err) { setError(err); }
  };
  const items = p.area ? [{ kind: 'circle', lat: p.area.lat, lon: p.area.lon, radius_km: p.area.radius_m / 1000, label: p.area.place_name || p.title }] : [];
  if (editing) {
    if (!extra.data) return html`<${Loading} />`;
    return html`<${Form} me=${me} orgs=${extra.data.orgs} groups=${extra.data.groups} alerts=${[]} tips=${[]} existing=${p} etag=${etag}
      done=${(msg) => { setEditing(false); setNotice(msg || ''); setTick((n) => n + 1); }} />`;
  }
  return html`
    <p class="breadcrumb no-print"><a href="/problems">${t('prob.title')}</a></p>
    <${PageHeader} title=${p.title} subtitle=${[t(`phase.${p.phase}`), countryName(p.country)].filter(Boolean).join(' · ')}>
      ${canEdit && html`<button type="button" class="btn no-print" onClick=${() => { setNotice(''); setEditing(true); }}>${t('prob.edit')}</button>`}
      <button type="button" class="btn btn-quiet no-print" onClick=${() => window.print()}>${t('common.print')}</button>
      ${can(me, 'referral', 'create') && html`<a class="btn no-print" href=${`/referrals/new?problem_id=${p.id}`}>${t('ref.new')}</a>`}
    </${PageHeader}>
    <${Outcome} notice=${notice} error=${error} />
    <div class="two-col">
      <section class="card" aria-labelledby="prob-facts">
        <h2 id="prob-facts">${t('prob.facts')}</h2>
        <dl class="facts">
          <div><dt>${t('prob.phase')}</dt><dd><${PhaseBadge} phase=${p.phase} /></dd></div>
          <div><dt>${t('alerts.distribution')}</dt><dd>${t(`dist.${p.distribution}`)}</dd></div>
          <div><dt>${t('alerts.tlp')}</dt><dd>${tlpLabel(p.tlp)}</dd></div>
          ${p.area && html`<div><dt>${t('prob.area')}</dt><dd>${p.area.place_name ? `${p.area.place_name} · ` : ''}${t('prob.radius_km', { km: one(p.area.radius_m / 1000) })}</dd></div>`}
          ${p.response_started_at && html`<div><dt>${t('prob.response_started')}</dt><dd>${formatDate(p.response_started_at)}</dd></div>`}
          <div><dt>${t('prob.updated')}</dt><dd>${formatDateTime(p.updated_at)}</dd></div>
        </dl>
        ${p.description && html`<p>${p.description}</p>`}
        ${canEdit && html`
          <div class="actions-row no-print">
            <${Select} label=${t('prob.change_phase')} name="phase" value=${phase ?? p.phase} onChange=${setPhase} options=${enumOptions(PHASES, 'phase')} />
            <button type="button" class="btn" disabled=${!phase || phase === p.phase} onClick=${savePhase}>${t('prob.save_phase')}</button>
          </div>`}
      </section>
      <section class="card" aria-labelledby="prob-map">
        <h2 id="prob-map">${t('prob.area')}</h2>
        ${p.area ? html`<${DataMap} items=${items} highlight=${[p.country].filter(Boolean)} label=${t('prob.area_drawn', { km: one(p.area.radius_m / 1000) })} height="small" />`
          : html`<p class="empty">${t('prob.no_area')}</p>`}
      </section>
    </div>
    <section class="card" aria-labelledby="prob-triangle">
      <h2 id="prob-triangle">${t('prob.triangle')}</h2>
      <div class="triangle">
        ${['offender', 'target', 'place'].map((k) => html`<div key=${k}><h3>${t(`prob.${k}`)}</h3><p>${a[k] || html`<span class="muted">—</span>`}</p></div>`)}
      </div>
    </section>
    <section class="card" aria-labelledby="prob-ind">
      <h2 id="prob-ind">${t('prob.indicators')}</h2>
      ${p.indicators ? html`<${Indicators} ind=${p.indicators} />` : html`<p class="empty">${t('prob.no_indicators')}</p>`}
    </section>
    <${Links} me=${me} type="problem" id=${p.id} canChange=${canEdit} />
    ${(p.partners || []).length > 0 && html`
      <section class="card" aria-labelledby="prob-partners">
        <h2 id="prob-partners">${t('prob.partners')}</h2>
        <ul class="plain-list">${p.partners.map((o) => html`<li key=${o.id}>${o.name}</li>`)}</ul>
      </section>`}
    ${(p.responses || []).length > 0 && html`
      <section class="card" aria-labelledby="prob-resp">
        <h2 id="prob-resp">${t('prob.responses')}</h2>
        <ul class="plain-list">${p.responses.map((r, i) => html`<li key=${i}>${r.text}${r.started_at && html`<span class="muted small"> · ${formatDate(r.started_at)}</span>`}</li>`)}</ul>
      </section>`}`;
}

export function New({ me }) {
  const data = useAsync(async () => {
    const quiet = (p) => p.then((r) => r.items, () => []);
    const [orgs, groups, alerts, tips] = await Promise.all([
      organisations(), listAll('/sharing-groups').then((r) => r.items),
      quiet(get('/alerts', { limit: 50 })),
      can(me, 'tip', 'read') ? quiet(get('/tips', { limit: 50 })) : Promise.resolve([]),
    ]);
    return { orgs, groups, alerts, tips };
  }, []);
  if (!data.data) return html`<${Pending} r=${data} title=${t('prob.new')} />`;
  return html`<${Form} me=${me} ...${data.data} />`;
}

function Picker({ legend, items, chosen, setChosen, label }) {
  if (items.length === 0) return null;
  return html`
    <fieldset class="picker">
      <legend>${legend}</legend>
      <ul class="picker-list">
        ${items.map((x) => html`<li key=${x.id}><${Checkbox} name=${`link-${x.id}`} label=${label(x)} checked=${chosen.includes(x.id)}
          onChange=${(on) => setChosen(on ? [...chosen, x.id] : chosen.filter((y) => y !== x.id))} /></li>`)}
      </ul>
    </fieldset>`;
}

function Form({ me, orgs, groups, alerts, tips, existing = null, etag = null, done = null }) {
  const x = existing || {};
  const xa = x.analysis || {};
  const [form, setForm] = useState(existing ? {
    title: x.title, description: x.description || '', phase: x.phase, distribution: x.distribution,
    sharing_group_id: x.sharing_group_id || '', tlp: x.tlp, place_name: (x.area && x.area.place_name) || '',
    radius_km: x.area ? String(x.area.radius_m / 1000) : '1', offender: xa.offender || '', target: xa.target || '',
    place: xa.place || '', response_started_at: x.response_started_at ? x.response_started_at.slice(0, 10) : '',
  } : {
    title: '', description: '', phase: 'scanning', distribution: '', sharing_group_id: '', tlp: '',
    place_name: '', radius_km: '1', offender: '', target: '', place: '', response_started_at: '',
  });
  const [centre, setCentre] = useState(x.area ? { lat: x.area.lat, lon: x.area.lon } : null);
  const [linkAlerts, setLinkAlerts] = useState([]);
  const [linkTips, setLinkTips] = useState([]);
  const [local, setLocal] = useState({});
  const { busy, error, submit } = useSubmit();
  const set = (k) => (v) => setForm({ ...form, [k]: v });
  const org = useMemo(() => orgs.find((o) => o.id === me.org_id), [orgs]);
  const radius = Number(form.radius_km);
  const send = submit(async () => {
    const analysis = Object.fromEntries(['offender', 'target', 'place'].filter((k) => form[k].trim()).map((k) => [k, form[k]]));
    const body = {
      title: form.title, description: form.description || undefined, phase: form.phase,
      distribution: form.distribution, tlp: form.tlp,
      sharing_group_id: form.distribution === 'sharing_group' ? (form.sharing_group_id || null) : undefined,
      area: centre ? { lat: round(centre.lat), lon: round(centre.lon), radius_m: Math.round(radius * 1000), ...(form.place_name ? { place_name: form.place_name } : {}) } : undefined,
      analysis, alerts: linkAlerts, tips: linkTips,
      response_started_at: form.response_started_at ? `${form.response_started_at}T00:00:00Z` : undefined,
    };
    if (existing) {
      // links are changed on the page (links.js); sharing only when it changes
      delete body.alerts;
      delete body.tips;
      if (body.distribution === x.distribution && (body.sharing_group_id || null) === (x.sharing_group_id || null)) {
        delete body.distribution;
        delete body.sharing_group_id;
      }
      if (body.tlp === x.tlp) delete body.tlp;
      body.area = body.area || null;
      body.response_started_at = body.response_started_at || null;
      body.description = form.description;
      await request('PATCH', `/problems/${x.id}`, { body, etag });
      done(t('prob.saved'));
      return;
    }
    const r = await createRecord('/problems', body);
    navigate(`/problems/${r.id}`, { replace: true });
  });
  const save = (e) => {
    e.preventDefault();
    // distribution and TLP have no default: the author chooses both
    const missing = {};
    if (!form.distribution) missing.distribution = t('prob.choose_distribution');
    if (!form.tlp) missing.tlp = t('prob.choose_tlp');
    if (centre && !(radius >= 0.01 && radius <= 1000)) missing.radius = t('prob.radius_range');
    setLocal(missing);
    if (!Object.keys(missing).length) send();
  };
  const f = { ...((error && error.fields) || {}), ...local };
  const circle = centre && radius > 0 ? [{ kind: 'circle', lat: centre.lat, lon: centre.lon, radius_km: radius, tone: 'b' }] : [];
  return html`
    <${FormPage} back="/problems" backLabel=${t('prob.title')} title=${existing ? t('prob.edit_title', { title: x.title }) : t('prob.new')}
      subtitle=${t('prob.form_hint')} onSubmit=${save} error=${error}>
      <${Field} label=${t('prob.problem_title')} name="title" value=${form.title} onInput=${set('title')} error=${f.title} required />
      <${TextArea} label=${t('prob.description')} name="description" value=${form.description} onInput=${set('description')} error=${f.description} />
      <${Select} label=${t('prob.phase')} name="phase" value=${form.phase} onChange=${set('phase')} options=${enumOptions(PHASES, 'phase')} error=${f.phase} />
      <${ShareChooser} canShare=${((me.can || {}).problem || []).includes('share')} form=${form} set=${set} org=${org} groups=${groups} errors=${f} />
      <fieldset class="where">
        <legend>${t('prob.area')}</legend>
        <p class="hint">${t('prob.area_hint')}</p>
        <${DataMap} label=${t('prob.area_map')} onPick=${(lat, lon) => setCentre({ lat, lon })} pick=${centre} items=${circle} noFit height="small" />
        ${centre && html`<p class="muted small">${t('prob.centre_chosen', { lat: round(centre.lat), lon: round(centre.lon) })}
          <button type="button" class="btn btn-small btn-quiet" onClick=${() => setCentre(null)}>${t('report.clear_point')}</button></p>`}
        <div class="two-col">
          <${Field} label=${t('prob.radius')} name="radius_km" type="number" min="0.01" max="1000" step="0.1" value=${form.radius_km}
            onInput=${set('radius_km')} error=${f.radius || f['area.radius_m']} />
          <${Field} label=${t('alerts.place')} name="place_name" value=${form.place_name} onInput=${set('place_name')} error=${f['area.place_name']} />
        </div>
      </fieldset>
      <fieldset class="where">
        <legend>${t('prob.triangle')}</legend>
        <p class="hint">${t('prob.triangle_hint')}</p>
        <${TextArea} label=${t('prob.offender')} name="offender" value=${form.offender} onInput=${set('offender')} />
        <${TextArea} label=${t('prob.target')} name="target" value=${form.target} onInput=${set('target')} />
        <${TextArea} label=${t('prob.place')} name="place" value=${form.place} onInput=${set('place')} error=${f.analysis} />
      </fieldset>
      <${Field} label=${t('prob.response_started')} name="response_started_at" type="date" value=${form.response_started_at}
        onInput=${set('response_started_at')} hint=${t('prob.response_started_hint')} error=${f.response_started_at} />
      <${Picker} legend=${t('prob.link_alerts')} items=${alerts} chosen=${linkAlerts} setChosen=${setLinkAlerts} label=${(x) => x.title} />
      <${Picker} legend=${t('prob.link_tips')} items=${tips} chosen=${linkTips} setChosen=${setLinkTips}
        label=${(x) => `${t(`tipcat.${x.category}`)} · ${formatDate(x.created_at)}${x.location && x.location.place ? ` · ${x.location.place}` : ''}`} />
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled=${busy}>${existing ? t('prob.save') : t('prob.create')}</button>
        ${existing ? html`<button type="button" class="btn btn-quiet" onClick=${() => done('')}>${t('common.cancel')}</button>`
          : html`<a class="btn btn-quiet" href="/problems">${t('common.cancel')}</a>`}
      </div>
    </${FormPage}>`;
}
