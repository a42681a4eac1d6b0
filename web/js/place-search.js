// Place search for the maps: the gazetteer (GET /api/v1/places, GeoNames)
// searched as the user types; choosing a place (click, or Enter on the
// first) hands it to onChoose, which zooms the map there.
import { html, useEffect, useRef, useState } from './lib.js';
import { t, countryName, formatNumber } from './i18n.js';
import { get } from './api.js';

let nextId = 0;

/** The zoom that shows a place of this population whole. */
export function placeZoom(population) {
  return population > 1000000 ? 10 : population > 100000 ? 11 : population > 10000 ? 12 : 13;
}

/** onChoose({ id, name, country, lat, lon, population }); country narrows the search. */
export function PlaceSearch({ onChoose, country = null }) {
  const [q, setQ] = useState('');
  const [items, setItems] = useState([]);
  const [open, setOpen] = useState(false);
  const [chosen, setChosen] = useState('');
  const id = useRef(`place-${++nextId}`).current;
  useEffect(() => {
    const text = q.trim();
    if (!text) { setItems([]); return undefined; }
    let live = true;
    const timer = setTimeout(async () => {
      try {
        const r = await get('/places', { q: text, ...(country ? { country } : {}) });
        if (live) { setItems(r.items || []); setOpen(true); }
      } catch { if (live) setItems([]); }
    }, 200);
    return () => { live = false; clearTimeout(timer); };
  }, [q, country]);
  const choose = (p) => {
    setOpen(false);
    setQ(p.name);
    setChosen(t('place.shown', { name: p.name }));
    onChoose(p);
  };
  const onKey = (e) => {
    if (e.key === 'Enter') { e.preventDefault(); if (items[0]) choose(items[0]); }
    else if (e.key === 'Escape') setOpen(false);
  };
  return html`
    <div class="place-search">
      <label for=${id}>${t('place.search')}</label>
      <input id=${id} type="search" autocomplete="off" value=${q} placeholder=${t('place.placeholder')}
        aria-controls=${open && q.trim() ? `${id}-list` : undefined}
        onInput=${(e) => setQ(e.currentTarget.value)} onKeyDown=${onKey} />
      ${open && q.trim() && html`
        <ul class="place-results" id=${`${id}-list`} aria-label=${t('place.results')}>
          ${items.length === 0 ? html`<li class="muted">${t('place.none')}</li>`
            : items.map((p) => html`<li key=${p.id}>
              <button type="button" class="place-result" onClick=${() => choose(p)}>
                <strong>${p.name}</strong> · ${countryName(p.country)}
                <span class="muted"> · ${t('place.population', { n: formatNumber(p.population) })}</span>
              </button></li>`)}
        </ul>`}
      <p class="visually-hidden" role="status" aria-live="polite">${chosen}</p>
    </div>`;
}
