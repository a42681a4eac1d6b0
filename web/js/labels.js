// Enumerations of the API with their translated labels, for selects and cells.
import { t, compareText, countryName } from './i18n.js';

export const ROLES = ['admin', 'org_admin', 'analyst', 'officer', 'partner', 'viewer'];
export const ORG_KINDS = [
  'police', 'drug_control_agency', 'ministry_interior', 'ministry_justice', 'ministry_health',
  'ministry_foreign_affairs', 'ministry_education', 'local_government', 'school',
  'treatment_provider', 'social_services', 'civil_society', 'youth_organisation',
  'international_organisation', 'research', 'diversion_panel',
];

export const roleOptions = () => ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }));
export const kindOptions = () => ORG_KINDS.map((k) => ({ value: k, label: t(`kind.${k}`) }))
  .sort((a, b) => compareText(a.label, b.label));
export const countryOptions = (list) => (list || [])
  .map((c) => ({ value: c.iso2, label: countryName(c) }))
  .sort((a, b) => compareText(a.label, b.label));
export const orgOptions = (list) => (list || [])
  .map((o) => ({ value: o.id, label: o.country ? `${o.name} (${o.country})` : o.name }))
  .sort((a, b) => compareText(a.label, b.label));
export const kindLabel = (k) => (k ? t(`kind.${k}`) : '');

export const DISTRIBUTIONS = ['organisation', 'country', 'sharing_group', 'network', 'federation'];
export const TLPS = ['clear', 'green', 'amber', 'amber+strict', 'red'];
export const ALERT_CATEGORIES = ['new_substance', 'adulterant_or_contamination', 'overdose_cluster', 'street_distribution',
  'online_sales', 'youth_recruitment', 'trafficking_route', 'precursor_diversion', 'other'];
export const ALERT_STATUSES = ['draft', 'published', 'retracted'];
/** The physical forms of the MISP taxonomy drug-form (an alert's drug_form). */
export const DRUG_FORMS = ['powder', 'pill-tablet', 'crystal-rock', 'liquid', 'plant-matter', 'blotter'];
export const ACTIVITY_TYPES = ['school_prevention', 'family_skills', 'youth_alternative_activities', 'outreach',
  'awareness_campaign', 'police_school_liaison', 'community_meeting', 'environmental_design',
  'treatment_referral_programme', 'diversion_programme', 'training', 'other'];
export const ACTIVITY_STATUSES = ['planned', 'active', 'completed', 'cancelled'];
/** Settings of activities and practices. */
export const SETTINGS = ['school', 'family', 'community', 'nightlife', 'online', 'workplace'];
export const GENDERS = ['all', 'female', 'male'];
/** i18n key part of a TLP (amber+strict has no plus in keys). */
export const tlpKey = (tlp) => String(tlp || '').replace('+', '_');
export const tlpLabel = (tlp) => (tlp ? t(`tlp.${tlpKey(tlp)}`) : '');
export const enumOptions = (values, prefix) => values.map((v) => ({ value: v, label: t(`${prefix}.${v}`) }));

/**
 * Who will be able to see a record, in words: the distribution with the
 * organisation, its country or the sharing group named.
 */
export function audience({ distribution, org, group }) {
  switch (distribution) {
    case 'organisation': return t('audience.organisation', { org: org ? org.name : '' });
    case 'country': return t('audience.country', { country: org && org.country ? countryName(org.country) : '' });
    case 'sharing_group': return group ? t('audience.group', { group: group.name, n: (group.members || []).length }) : t('audience.group_none');
    case 'network': return t('audience.network');
    case 'federation': return t('audience.federation');
    default: return '';
  }
}

/**
 * A substance's name in the language of the page where one is known: the
 * name is English, and the first synonym of another language is its name
 * there (English synonyms are street names).
 */
export function substanceName(s, lang) {
  const syn = lang !== 'en' && (s.synonyms || []).find((x) => x.lang === lang);
  return syn ? syn.name : s.name;
}

/** Substances as picker options, sorted in the page's language. */
export function substanceOptions(list, lang) {
  return list.map((s) => ({ value: s.id, label: substanceName(s, lang) }))
    .sort((a, b) => a.label.localeCompare(b.label, lang));
}
