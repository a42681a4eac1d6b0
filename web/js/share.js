// Who will see a record: the distribution (and TLP) chosen explicitly, the
// sharing group when that is the distribution, and the audience in words.
// Every form that creates a shareable record uses it.
import { html } from './lib.js';
import { t } from './i18n.js';
import { Select, Radios } from './components.js';
import { DISTRIBUTIONS, TLPS, tlpKey, tlpLabel, audience } from './labels.js';

/**
 * form holds distribution, sharing_group_id and (with tlp) tlp; set(k) makes
 * the setter of field k; errors names the fields the server refused; note
 * adds a line under the audience; canShare (from me.can) says whether the
 * user may share beyond the organisation and its country.
 */
export function ShareChooser({ form, set, org, groups, errors = {}, tlp = true, note, canShare = true }) {
  const group = groups.find((g) => g.id === form.sharing_group_id);
  const narrow = (d) => d === 'organisation' || d === 'country';
  const distOptions = DISTRIBUTIONS.map((d) => ({
    value: d, label: t(`dist.${d}`),
    disabled: (tlp && d === 'federation' && form.tlp === 'red') || (!canShare && !narrow(d)),
    hint: !canShare && !narrow(d) ? t('audience.needs_share')
      : d === 'sharing_group' ? t('audience.group_hint') : audience({ distribution: d, org }),
  }));
  const tlpOptions = TLPS.map((x) => ({
    value: x, label: tlpLabel(x), hint: t(`tlpdesc.${tlpKey(x)}`), disabled: x === 'red' && form.distribution === 'federation',
  }));
  const dist = html`<${Radios} legend=${t('alerts.distribution')} name="distribution" value=${form.distribution}
    onChange=${set('distribution')} options=${distOptions} error=${errors.distribution} />`;
  return html`
    ${tlp ? html`<div class="two-col">${dist}
      <${Radios} legend=${t('alerts.tlp')} name="tlp" value=${form.tlp} onChange=${set('tlp')} options=${tlpOptions} error=${errors.tlp} /></div>` : dist}
    ${form.distribution === 'sharing_group' && html`
      <${Select} label=${t('alerts.sharing_group')} name="sharing_group_id" value=${form.sharing_group_id} onChange=${set('sharing_group_id')}
        options=${groups.map((g) => ({ value: g.id, label: g.name }))} empty=${t('common.choose')} error=${errors.sharing_group_id} required />`}
    <div class="audience" role="status" aria-live="polite">
      <p class="audience-title">${t('alerts.who_sees')}</p>
      <p class="audience-text">${form.distribution ? audience({ distribution: form.distribution, org, group }) : t('audience.choose')}</p>
      ${tlp && html`<p class="muted small">${form.tlp ? `${tlpLabel(form.tlp)}: ${t(`tlpdesc.${tlpKey(form.tlp)}`)}` : ''}</p>`}
      ${note && html`<p class="muted small">${note}</p>`}
    </div>`;
}
