// Lists shared by the admin pages: a pager under a table, and a later load whose failure shows where the list was.
import { h, clear } from './dom.js';

export const PAGE_SIZE = 20;

export function pager(container, { page, total, shown, onPage }) {
  clear(container);
  if (!total) return;
  const first = page * PAGE_SIZE + 1;
  const last = Math.min(total, first + shown - 1);
  container.append(h('span', {}, `Showing ${first}–${last} of ${total}`),
    h('button', { type: 'button', class: 'button secondary small', disabled: page === 0, onclick: () => onPage(page - 1) }, 'Previous'),
    h('button', { type: 'button', class: 'button secondary small', disabled: last >= total, onclick: () => onPage(page + 1) }, 'Next'));
}

/** Runs a later load; a failure shows where the list was (and clears what goes with it, such as its pager). */
export function guarded(load, list, { title = 'This list could not be loaded', also = [] } = {}) {
  return () => load().catch(error => {
    if (error.status === 401) return;
    clear(list);
    also.forEach(clear);
    list.append(h('div', { class: 'error-summary', role: 'alert' }, h('h2', {}, title),
      h('p', {}, error.sentence || 'Something went wrong.')));
  });
}
