// Who does what where: activities on a map and in a table; overlaps of a
// country shown side by side with their reasons; gaps (recent alerts and
// tips with no activity covering them) as cells on the map.
import { html, useState, useMemo } from './lib.js';
import { t, tn, formatDate, countryName, formatNumber, language } from './i18n.js';
import { get, countries as loadCountries, organisations } from './api.js';
import { setQuery } from './router.js';
import {
  PageHeader, Select, ProblemAlert, Loading, Table, useAsync, usePagedList, Badge, ExportLinks, Pending,
} from './components.js';
import { ListTable, FilterBar } from './list-page.js';
import { ACTIVITY_TYPES, ACTIVITY_STATUSES, countryOptions, enumOptions } from './labels.js';
import { DataMap } from './map-data.js';
import { can } from './can.js';
import { Links } from './links.js';
import { OrgName as RemoteAware } from './org-name.js';


const mapItem = (a, tone = 'a') => ({
  kind: a.radius_km ? 'circle' : 'point', lat: a.lat, lon: a.lon, radius_km: a.radius_km, tone, label: a.title,
});

function OrgName({ byId, id }) {
  return html`<${RemoteAware} org=${byId.get(id)} />`;
}

function Period({ a }) {
  return `${formatDate(a.start)} – ${formatDate(a.end)}`;
}

/** One activity's essentials, for the side-by-side view. */
function ActivityCard({ a, byId }) {
  return html`
    <div class="side">
      <h4><a href=${`/activities/${a.id}`}>${a.title}</a></h4>
      <dl class="facts compact">
        <div><dt>${t('act.organisation')}</dt><dd><${OrgName} byId=${byId} id=${a.org_id} /></dd></div>
        ${a.type && html`<div><dt>${t('act.type')}</dt><dd>${t(`acttype.${a.type}`)}</dd></div>`}
        ${a.start && html`<div><dt>${t('act.period')}</dt><dd><${Period} a=${a} /></dd></div>`}
        ${a.age_min != null && html`<div><dt>${t('act.ages')}</dt><dd>${a.age_min}–${a.age_max}</dd></div>`}
        ${a.place_name && html`<div><dt>${t('alerts.place')}</dt><dd>${a.place_name}</dd></div>`}
      </dl>
    </div>`;
}

/** A reason of an overlap in plain words, from its code and values (the
 * server's English detail when the code is unknown here). */
function reasonText(r) {
  if (!r.code || !r.params) return r.detail;
  const p = {};
  for (const [k, v] of Object.entries(r.params)) p[k] = typeof v === 'number' ? formatNumber(v) : v;
  const lower = (s) => (language() === 'en' ? s.charAt(0).toLowerCase() + s.slice(1) : s);
  for (const g of ['gender_a', 'gender_b']) if (r.params[g]) p[g] = lower(t(`actgender.${r.params[g]}`));
  if (r.params.gender_a) p.gender = p.gender_a;
  if (r.params.setting) p.setting = t(`actsetting.${r.params.setting}`);
  if (r.params.type) p.type = t(`acttype.${r.params.type}`);
  const key = r.code === 'same_target' && r.params.gender_a !== r.params.gender_b ? 'overlap.same_target_genders' : `overlap.${r.code}`;
  const s = t(key, p);
  return s === key ? r.detail : s;
}

/** A proposal to the other organisation of an overlap, filled in from it. */
function proposeHref(me, a, b, reasons) {
  const orgs = [a.org_id, b.org_id].filter((o) => o && o !== me.org_id);
  const q = new URLSearchParams({
    title: t('act.propose_title', { a: a.title, b: b.title }),
    description: [t('act.propose_intro'), ...(reasons || []).map((r) => `- ${reasonText(r)}`)].join('\n'),
    partners: [...new Set(orgs)].join(','),
    activities: [a.id, b.id].join(','),
    countries: [...new Set([a.area_country, b.area_country].filter(Boolean))].join(','),
  });
  return `/proposals/new?${q}`;
}

function ProposeLink({ me, a, b, reasons }) {
  if (!can(me, 'proposal', 'create') || (a.org_id === me.org_id && b.org_id === me.org_id)) return null;
  return html`<p class="no-print"><a class="btn btn-small" href=${proposeHref(me, a, b, reasons)} data-propose>${t('act.propose')}</a></p>`;
}

function Reasons({ reasons, score }) {
  return html`
    <div class="overlap-why">
      <p class="overlap-score">${t('act.overlap_score', { score: Math.round(score * 100) })}</p>
      <ul class="reasons">${reasons.map((r) => html`<li data-reason=${r.code || r.kind}><strong>${t(`reason.${r.kind}`)}</strong>: ${reasonText(r)}</li>`)}</ul>
    </div>`;
}

function Overlaps({ me, country, byId }) {
  const r = useAsync(async () => {
    const page = await get('/activities/overlaps', { country, limit: 100 });
    // the pairs name a and b by id and title: fetch both sides whole
    const ids = [...new Set(page.items.flatMap((x) => [x.a.id, x.b.id]))];
    const full = new Map();
    await Promise.all(ids.slice(0, 60).map(async (id) => { try { full.set(id, await get(`/activities/${id}`)); } catch { /* gone */ } }));
    return { ...page, full };
  }, [country]);
  if (r.error) return html`<${ProblemAlert} error=${r.error} />`;
  if (!r.data) return html`<${Loading} />`;
  if (r.data.items.length === 0) return html`<p class="empty">${t('act.no_overlaps', { country: countryName(country) })}</p>`;
  return html`
    <p>${tn('act.overlaps_found', r.data.total ?? r.data.items.length, { country: countryName(country) })}</p>
    <ol class="overlaps">
      ${r.data.items.map((x) => html`
        <li class="overlap card" key=${`${x.a.id}|${x.b.id}`}>
          <div class="side-by-side">
            <${ActivityCard} a=${r.data.full.get(x.a.id) || x.a} byId=${byId} />
            <${ActivityCard} a=${r.data.full.get(x.b.id) || x.b} byId=${byId} />
          </div>
          <${Reasons} reasons=${x.reasons} score=${x.score} />
          <${ProposeLink} me=${me} a=${r.data.full.get(x.a.id) || x.a} b=${r.data.full.get(x.b.id) || x.b} reasons=${x.reasons} />
        </li>`)}
    </ol>`;
}

function Gaps({ country }) {
  const [weeks, setWeeks] = useState('12');
  const r = useAsync(() => get('/activities/gaps', { country, weeks, limit: 200 }), [country, weeks]);
  const items = useMemo(() => ((r.data && r.data.items) || []).map((g) => ({
    kind: 'cell', bbox: [g.cell.lon_min, g.cell.lat_min, g.cell.lon_max, g.cell.lat_max], tone: 'gap',
    label: t('act.gap_label', { alerts: g.alerts, tips: g.tips }),
  })), [r.data]);
  return html`
    <${Select} label=${t('act.weeks')} name="weeks" value=${weeks} onChange=${setWeeks}
      options=${['4', '12', '26', '52'].map((w) => ({ value: w, label: t('act.weeks_n', { n: w }) }))} />
    <${ProblemAlert} error=${r.error} />
    <p class="muted">${t('act.gaps_hint')}</p>
    <${DataMap} items=${items} highlight=${[country]} label=${t('act.gaps_map')} />
    ${r.data && (r.data.items.length === 0 ? html`<p class="empty">${t('act.no_gaps')}</p>` : html`
      <${Table} caption=${t('act.gaps')} head=${[t('act.rank'), t('act.cell'), t('panel.alerts'), t('panel.tips'), t('act.nearest')]}>
        ${r.data.items.map((g) => html`<tr key=${`${g.cell.x}-${g.cell.y}`}>
          <td>${g.rank}</td><td>${g.centroid.lat.toFixed(2)}, ${g.centroid.lon.toFixed(2)}</td><td>${g.alerts}</td><td>${g.tips}</td>
          <td>${g.nearest_active_km == null ? '—' : `${g.nearest_active_km.toFixed(1)} km`}</td></tr>`)}
      </${Table}>`)}`;
}

export default function Activities({ me, org, query }) {
  const countries = useAsync(loadCountries, []);
  const orgs = useAsync(organisations, []);
  const byId = useMemo(() => new Map((orgs.data || []).map((o) => [o.id, o])), [orgs.data]);
  const cur = Object.fromEntries(query.entries());
  const view = cur.view || 'list';
  const country = cur.country || me.country || (org && org.country) || '';
  const filt = {};
  for (const k of ['type', 'status', 'country']) if (cur[k]) filt[k] = cur[k];
  const list = usePagedList('/activities', filt, [JSON.stringify(filt)]);
  const change = (k) => (v) => setQuery({ ...cur, [k]: v });
  const tabs = ['list', 'overlaps', 'gaps'];
  return html`
    <${PageHeader} title=${t('act.title')} subtitle=${t('act.subtitle')}>
      ${can(me, 'activity', 'create') && html`<a class="btn btn-primary" href="/activities/new">${t('act.new')}</a>`}
    </${PageHeader}>
    <nav class="tabs" aria-label=${t('act.views')}>
      ${tabs.map((v) => html`<a href=${`/activities?${new URLSearchParams({ ...cur, view: v })}`} aria-current=${view === v ? 'page' : undefined}>${t(`act.view_${v}`)}</a>`)}
    </nav>
    <${FilterBar} label=${t('act.filters')}>
      <${Select} label=${t('alerts.country')} name="country" value=${view === 'list' ? (cur.country || '') : country} onChange=${change('country')}
        options=${countryOptions(countries.data)} empty=${view === 'list' ? t('common.all') : t('common.choose')} />
      ${view === 'list' && html`
        <${Select} label=${t('act.type')} name="type" value=${cur.type || ''} onChange=${change('type')} options=${enumOptions(ACTIVITY_TYPES, 'acttype')} empty=${t('common.all')} />
        <${Select} label=${t('act.status')} name="status" value=${cur.status || ''} onChange=${change('status')} options=${enumOptions(ACTIVITY_STATUSES, 'actstatus')} empty=${t('common.all')} />`}
    </${FilterBar}>
    ${view === 'overlaps' && (country ? html`<${Overlaps} me=${me} country=${country} byId=${byId} />` : html`<p class="empty">${t('act.pick_country')}</p>`)}
    ${view === 'gaps' && (country ? html`<${Gaps} country=${country} />` : html`<p class="empty">${t('act.pick_country')}</p>`)}
    ${view === 'list' && html`
      <${ExportLinks} path="/activities/export" query=${filt} formats=${['csv', 'hxl', 'json', 'geojson']} />
      <${ProblemAlert} error=${list.error} />
      <section class="card" aria-labelledby="act-map-title">
        <h2 id="act-map-title">${t('act.map')}</h2>
        <${DataMap} items=${list.items.filter((a) => a.lat != null).map((a) => mapItem(a))} label=${t('act.map')} />
      </section>
      <${ListTable} list=${list} empty=${t('act.empty')} caption=${t('act.title')}
        head=${[t('act.activity'), t('act.type'), t('act.organisation'), t('alerts.country'), t('act.period'), t('act.status')]}
        row=${(a) => html`<tr key=${a.id}>
          <td><a href=${`/activities/${a.id}`}>${a.title}</a></td>
          <td>${t(`acttype.${a.type}`)}</td>
          <td><${OrgName} byId=${byId} id=${a.org_id} /></td>
          <td>${countryName(a.area_country)}</td>
          <td><${Period} a=${a} /></td>
          <td><${Badge}>${t(`actstatus.${a.status}`)}</${Badge}></td>
        </tr>`} />`}`;
}

/** /activities/:id with its overlaps side by side. */
export function Detail({ me, params }) {
  const d = useAsync(async () => {
    const [a, o, orgs] = await Promise.all([get(`/activities/${params.id}`), get(`/activities/${params.id}/overlaps`, { limit: 50 }), organisations()]);
    return { a, overlaps: o.items, byId: new Map(orgs.map((x) => [x.id, x])) };
  }, [params.id]);
  if (!d.data) return html`<${Pending} r=${d} title=${t('act.title')} />`;
  const { a, overlaps, byId } = d.data;
  const items = [mapItem(a, 'a'), ...overlaps.filter((x) => x.activity.lat != null).map((x) => mapItem(x.activity, 'b'))].filter((x) => x.lat != null);
  return html`
    <p class="breadcrumb"><a href="/activities">${t('act.title')}</a></p>
    <${PageHeader} title=${a.title} subtitle=${html`${t(`acttype.${a.type}`)} · <${OrgName} byId=${byId} id=${a.org_id} />`}>
      <button type="button" class="btn btn-quiet no-print" onClick=${() => window.print()}>${t('common.print')}</button>
    </${PageHeader}>
    <div class="two-col">
      <section class="card" aria-labelledby="act-facts"><h2 id="act-facts">${t('act.facts')}</h2>
        <${ActivityCard} a=${a} byId=${byId} />
        ${a.description && html`<p class="prewrap">${a.description}</p>`}
      </section>
      <section class="card" aria-labelledby="act-map2"><h2 id="act-map2">${t('act.map')}</h2>
        <${DataMap} items=${items} highlight=${[a.area_country]} height="small" />
      </section>
    </div>
    <section aria-labelledby="ov-title">
      <h2 id="ov-title">${t('act.overlaps')}</h2>
      ${overlaps.length === 0 ? html`<p class="empty">${t('act.no_overlap_this')}</p>` : html`
        <ol class="overlaps">
          ${overlaps.map((x) => html`
            <li class="overlap card" key=${x.activity.id}>
              <div class="side-by-side">
                <${ActivityCard} a=${a} byId=${byId} />
                <${ActivityCard} a=${x.activity} byId=${byId} />
              </div>
              <${Reasons} reasons=${x.reasons} score=${x.score} />
              <${ProposeLink} me=${me} a=${a} b=${x.activity} reasons=${x.reasons} />
            </li>`)}
        </ol>`}
    </section>
    <${Links} me=${me} type="activity" id=${a.id} canChange=${a.org_id === me.org_id && ((me.can || {}).activity || []).includes('update')} />`;
}
