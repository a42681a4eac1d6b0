import { html } from './lib.js';
import { t } from './i18n.js';
import { PageHeader } from './components.js';

export default function NotFound() {
  return html`
    <${PageHeader} title=${t('notfound.title')} />
    <p>${t('notfound.text')}</p>
    <p><a href="/">${t('notfound.home')}</a></p>`;
}
