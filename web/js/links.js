// Links between tips, alerts, activities and problems, shown on each of their
// pages: what this record is linked to (only what the reader may see), a
// search that finds a record to link, and a remove button, from either side.
import { html, useState } from './lib.js';
import { t, formatDate, compareText } from './i18n.js';
import { get, post, request } from './api.js';
import { Field, Select, Loading, FoundPicker, useAsync, Outcome } from './components.js';
import { can } from './can.js';

const PATHS = { tip: '/tips', alert: '/alerts', activity: '/activities', problem: '/problems' };

/** How a linked record reads in a list: a tip by its reference and category. */
export function linkLabel(x) {
  if (x.type === 'tip') return [x.reference, t(`tipcat.${x.title}`)].filter(Boolean).join(' · ');
  return x.title;
}

/** The records of a type the reader may link, matching words typed. */
async function candidates(type, words) {
  const q = words.trim();
  if (type === 'tip') {
    const r = await get('/tips', { q: q || undefined, limit: 20 });
    return r.items.map((x) => ({ id: x.id, label: `${x.reference || ''} · ${t(`tipcat.${x.category}`)} · ${formatDate(x.created_at)}`, preview: x.description }));
  }
  const r = await get(PATHS[type], { limit: 200 });
  const low = q.toLowerCase();
  return r.items.filter((x) => !low || `${x.title} ${x.description || ''}`.toLowerCase().includes(low)).slice(0, 20)
    .sort((a, b) => compareText(a.title, b.title))
    .map((x) => ({ id: x.id, label: x.title, preview: x.summary || x.description || '' }));
}

/** The links card of a record: type and id of this page's record. */
export function Links({ me, type, id, canChange, types = ['problem', 'tip', 'alert', 'activity'] }) {
  const [tick, setTick] = useState(0);
  const links = useAsync(() => get('/links', { type, id }), [type, id, tick]);
  const kinds = types.filter((k) => k !== type && (k !== 'tip' || can(me, 'tip', 'read')));
  const [kind, setKind] = useState(kinds[0]);
  const may = canChange && ((me.can || {}).link || []).includes('create');
  const [words, setWords] = useState('');
  const [found, setFound] = useState(null);
  const [chosen, setChosen] = useState('');
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  const search = async (e) => {
    e.preventDefault();
    setError(null);
    setChosen('');
    try { setFound(await candidates(kind, words)); } catch (err) { setError(err); }
  };
  const add = async () => {
    setError(null);
    try {
      await post('/links', { type, id, other_type: kind, other_id: chosen });
      setNotice(t('links.added'));
      setFound(null);
      setChosen('');
      setTick((n) => n + 1);
    } catch (err) { setError(err); }
  };
  const remove = async (l) => {
    setError(null);
    try {
      await request('DELETE', `/links/${l.id}`);
      setNotice(t('links.removed', { name: linkLabel(l) }));
      setTick((n) => n + 1);
    } catch (err) { setError(err); }
  };
  const items = links.data ? links.data.items : [];
  return html`
    <section class="card links-card" aria-labelledby=${`links-${type}`} data-links>
      <h2 id=${`links-${type}`}>${t('links.title')}</h2>
      <${Outcome} notice=${notice} error=${error || links.error} />
      ${!links.data ? html`<${Loading} />` : items.length === 0 ? html`<p class="empty">${t('links.none')}</p>` : html`
        <ul class="plain-list link-list">
          ${items.map((l) => html`<li key=${l.id} data-link=${l.type}>
            <span class="muted small">${t(`links.type_${l.type}`)}</span>
            <a href=${`${PATHS[l.type]}/${l.record_id}`}>${linkLabel(l)}</a>
            ${l.status && html`<span class="muted small"> · ${t(l.type === 'problem' ? `phase.${l.status}` : l.type === 'tip' ? `tipstatus.${l.status}` : l.type === 'alert' ? `alertstatus.${l.status}` : `actstatus.${l.status}`)}</span>`}
            ${may && html` <button type="button" class="btn btn-small btn-quiet no-print" onClick=${() => remove(l)}
              aria-label=${t('links.remove_named', { name: linkLabel(l) })}>${t('links.remove')}</button>`}
          </li>`)}
        </ul>`}
      ${may && kinds.length > 0 && html`
        <form class="inline-form no-print" onSubmit=${search} aria-label=${t('links.add')}>
          <${Select} label=${t('links.kind')} name="link_kind" value=${kind} onChange=${(v) => { setKind(v); setFound(null); }}
            options=${kinds.map((k) => ({ value: k, label: t(`links.type_${k}`) }))} />
          <${Field} label=${t('links.search')} name="link_search" type="search" value=${words} onInput=${setWords} />
          <button type="submit" class="btn">${t('links.find')}</button>
        </form>
        <${FoundPicker} found=${found} empty=${t('links.nothing_found')} legend=${t('links.choose')} className="picker no-print"
          name="link_pick" idPrefix="pick" chosen=${chosen} onChoose=${setChosen}
          label=${(x) => html`${x.label}${x.preview && html`<span class="hint">${x.preview.length > 160 ? `${x.preview.slice(0, 160)}…` : x.preview}</span>`}`}>
          <button type="button" class="btn btn-primary" disabled=${!chosen} onClick=${add}>${t('links.link')}</button>
        </${FoundPicker}>`}
    </section>`;
}
