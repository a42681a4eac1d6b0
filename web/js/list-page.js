// The pieces a list page is made of: the bar of its filters and the table
// of its paged list (usePagedList).
import { html } from './lib.js';
import { Table, Loading, MoreButton } from './components.js';

/** The filters of a list, in a row; a change applies at once, so the form
 * is never sent. */
export function FilterBar({ label, children }) {
  return html`
    <form class="filters card" aria-label=${label} onSubmit=${(e) => e.preventDefault()}>
      <div class="filter-row">${children}</div>
    </form>`;
}

/** A paged list as a table: loading until its first page, then the empty
 * message or a row(item) each, with the button for the next page. */
export function ListTable({ list, empty, caption, head, row }) {
  if (list.loading && list.items.length === 0) return html`<${Loading} />`;
  if (list.items.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`
    <${Table} caption=${caption} head=${head}>${list.items.map(row)}</${Table}>
    <${MoreButton} list=${list} />`;
}
