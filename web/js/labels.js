// Enumerations of the API with their translated labels, for selects and cells.
import { t, compareText, countryName } from './i18n.js';

export const ROLES = ['admin', 'org_admin', 'analyst', 'officer', 'partner', 'viewer'];
export const ORG_KINDS = [
  'police', 'drug_control_agency', 'ministry_interior', 'ministry_justice', 'ministry_health',
  'ministry_foreign_affairs', 'ministry_education', 'local_government', 'school',
  'treatment_provider', 'social_services', 'civil_society', 'youth_organisation',
  'international_organisation', 'research',
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
