// Administration: the audit log, filtered by user, token, action and time, paged. The link appears for admins only;
// the API refuses everyone else anyway.
import { api, query } from './api.js';
import { PAGE_SIZE, pager, guarded } from './lists.js';
import { h, clear } from './dom.js';
import { field, showProblem } from './forms.js';
import { time, plural } from './format.js';
import { vocabulary } from './vocabulary.js';

function localInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = n => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export async function auditView({ main, params, isCurrent }) {
  const state = {
    username: params.get('username') || '', tokenId: params.get('tokenId') || '', action: params.get('action') || '',
    since: params.get('since') || '', until: params.get('until') || '',
    page: Math.max(0, Number.parseInt(params.get('page') || '0', 10) || 0),
  };
  const user = field({ label: 'User', name: 'username', value: state.username, autocomplete: 'off' });
  const token = field({ label: 'Token', name: 'tokenId', value: state.tokenId, autocomplete: 'off', class: 'mono', placeholder: 'token id' });
  const action = field({ label: 'Action', name: 'action', kind: 'select',
    options: [{ value: '', label: 'Any action' }, ...vocabulary.auditActions.map(a => ({ value: a, label: a, selected: a === state.action }))] });
  const since = field({ label: 'From', name: 'since', type: 'datetime-local', value: localInput(state.since) });
  const until = field({ label: 'To', name: 'until', type: 'datetime-local', value: localInput(state.until) });
  const apply = h('button', { type: 'submit', class: 'button small' }, 'Apply filters');
  const reset = h('button', { type: 'button', class: 'button secondary small' }, 'Clear filters');
  const filters = h('form', { class: 'filters audit-filters', role: 'search', 'aria-label': 'Filter the audit log', novalidate: true },
    user, token, action, since, until, h('div', { class: 'button-row' }, apply, reset));
  const summary = h('p', { class: 'summary', 'aria-live': 'polite' });
  const list = h('div', { class: 'list' });
  const pages = h('nav', { class: 'pager', 'aria-label': 'Pages' });
  main.append(h('h1', { tabindex: '-1' }, 'Audit log'),
    h('p', { class: 'lead' }, 'Every change to users and tokens, every revocation with its reason and every failed sign-in. Times in your time zone.'),
    filters, summary, list, pages);
  const fields = { username: user, tokenId: token, action, since, until };

  const toIso = value => (value ? new Date(value).toISOString() : '');
  filters.addEventListener('submit', event => {
    event.preventDefault();
    Object.assign(state, {
      username: user.control.value.trim(), tokenId: token.control.value.trim(), action: action.control.value,
      since: toIso(since.control.value), until: toIso(until.control.value), page: 0,
    });
    load().catch(error => showProblem(filters, error, fields));
  });
  reset.addEventListener('click', () => {
    [user, token, since, until].forEach(f => { f.control.value = ''; });
    action.control.value = '';
    Object.assign(state, { username: '', tokenId: '', action: '', since: '', until: '', page: 0 });
    filters.querySelectorAll(':scope > .error-summary').forEach(s => s.remove());
    Object.values(fields).forEach(f => f.showError(''));
    reload();
  });
  const reload = guarded(load, list);

  async function load() {
    const filter = { username: state.username, tokenId: state.tokenId, action: state.action, since: state.since, until: state.until };
    const { data, total } = await api('GET', `/api/v1/audit${query({ ...filter, page: state.page, size: PAGE_SIZE })}`);
    if (!isCurrent()) return;
    history.replaceState(null, '', `/admin/audit${query({ ...filter, page: state.page || '' })}`);
    filters.querySelectorAll(':scope > .error-summary').forEach(s => s.remove());
    Object.values(fields).forEach(f => f.showError(''));
    summary.textContent = plural(total, 'event', 'events');
    clear(list);
    list.append(data.length ? h('table', { class: 'responsive audit' },
      h('caption', { class: 'visually-hidden' }, 'Audit events'),
      h('thead', {}, h('tr', {}, ['Time', 'Actor', 'Action', 'User', 'Token', 'Address', 'Detail'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, data.map(e => h('tr', {},
        h('td', { 'data-label': 'Time' }, time(e.at, { withExact: true })),
        h('td', { 'data-label': 'Actor' }, e.actor),
        h('td', { 'data-label': 'Action' }, h('code', {}, e.action)),
        h('td', { 'data-label': 'User' }, e.username || '—'),
        h('td', { 'data-label': 'Token' }, e.tokenId ? h('button', {
          type: 'button', class: 'link mono', title: e.tokenId, 'aria-label': `Show only events of token ${e.tokenId}`,
          onclick: () => { token.control.value = e.tokenId; filters.requestSubmit(); },
        }, e.tokenId.slice(0, 8)) : '—'),
        h('td', { 'data-label': 'Address', class: 'mono' }, e.ip || '—'),
        h('td', { 'data-label': 'Detail', class: 'detail' }, e.detail || ''))))) : h('div', { class: 'empty' }, h('p', {}, 'No events match.')));
    pager(pages, { page: state.page, total, shown: data.length, onPage: p => { state.page = p; reload(); } });
  }

  await load();
}
