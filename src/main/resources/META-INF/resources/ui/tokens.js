// The token list: your own (home page) or, for admins, everyone's. Filters live in the URL, so a reload or
// a shared link shows the same list.
import { api, query } from './api.js';
import { h, clear, hidden, toast, uid } from './dom.js';
import { time, plural } from './format.js';
import { confirmAction } from './dialog.js';
import { editToken, regenerateToken } from './token-dialogs.js';
import { reasonLabel } from './vocabulary.js';

const PAGE_SIZE = 20;
const SOON = 7 * 86400 * 1000;

const STATUS_OPTIONS = [['active', 'Active'], ['expired', 'Expired'], ['revoked', 'Revoked'], ['all', 'All']];
const SORT_OPTIONS = [['created', 'Newest'], ['expires', 'Expiry'], ['lastUsed', 'Last use'], ['name', 'Name']];

/** What a token's badge says: Active, Expiring soon, Expired or Revoked. */
export function badge(token, now = Date.now()) {
  if (token.status === 'revoked') return { label: 'Revoked', kind: 'revoked', note: reasonLabel(token.revokedReason) };
  if (token.status === 'expired') return { label: 'Expired', kind: 'expired' };
  if (token.expiresAt && new Date(token.expiresAt).getTime() - now < SOON) return { label: 'Expiring soon', kind: 'soon' };
  return { label: 'Active', kind: 'active' };
}

export async function tokensView({ main, params, app, isCurrent, admin = false }) {
  const state = {
    status: STATUS_OPTIONS.some(([v]) => v === params.get('status')) ? params.get('status') : 'all',
    q: params.get('q') || '',
    sort: SORT_OPTIONS.some(([v]) => v === params.get('sort')) ? params.get('sort') : 'created',
    owner: admin ? params.get('owner') || '' : '',
    page: Math.max(0, Number.parseInt(params.get('page') || '0', 10) || 0),
  };
  const selected = new Set();
  const heading = h('h1', { tabindex: '-1' }, admin ? 'All tokens' : 'Personal access tokens');
  const intro = admin
    ? h('p', { class: 'lead' }, 'Every user\'s tokens. Revoke any token here; its owner sees the revocation in their list.')
    : h('p', { class: 'lead' }, 'Tokens let CI pipelines, scheduled jobs and scripts call APIs as you, with only the scopes you give them, instead of your password.');
  const generate = admin ? null : h('a', { class: 'button', href: '/tokens/new' }, 'Generate token');

  const statusField = select('Status', 'status', STATUS_OPTIONS, state.status);
  const searchField = input(admin ? 'Token name' : 'Search by name', 'q', state.q, 'search');
  const ownerField = admin ? input('Owner', 'owner', state.owner, 'search') : null;
  const sortField = select('Sort by', 'sort', SORT_OPTIONS, state.sort);
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter tokens', onsubmit: e => e.preventDefault() },
    statusField, searchField, ownerField, sortField);

  const revokeSelected = h('button', { type: 'button', class: 'button danger small', disabled: true, onclick: () => bulkRevoke() }, 'Revoke selected');
  const bulkBar = h('div', { class: 'bulk' }, revokeSelected);
  const summary = h('p', { class: 'summary', 'aria-live': 'polite' });
  const list = h('div', { class: 'list' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });

  main.append(h('div', { class: 'page-head' }, h('div', {}, heading, intro), generate), filters, h('div', { class: 'list-head' }, summary, bulkBar), list, pager);

  let debounce;
  const onFilter = () => {
    if (!isCurrent()) return; // the person has moved on to another view
    const wanted = {
      status: statusField.control.value,
      q: searchField.control.value.trim(),
      sort: sortField.control.value,
      owner: ownerField ? ownerField.control.value.trim() : '',
    };
    if (Object.entries(wanted).every(([key, value]) => state[key] === value)) return; // nothing changed (a blur, say)
    Object.assign(state, wanted, { page: 0 });
    reload();
  };
  [statusField, sortField].forEach(f => f.control.addEventListener('change', onFilter));
  [searchField, ownerField].filter(Boolean).forEach(f => ['input', 'change'].forEach(type => f.control.addEventListener(type, () => {
    clearTimeout(debounce);
    debounce = setTimeout(onFilter, 250);
  })));

  function bulkState() {
    revokeSelected.disabled = selected.size === 0;
    revokeSelected.textContent = selected.size ? `Revoke selected (${selected.size})` : 'Revoke selected';
  }

  /** A load after the first: a failure shows where the list was. */
  function reload() {
    return load().catch(error => {
      if (error.status === 401) return;
      clear(list);
      clear(pager);
      list.append(h('div', { class: 'error-summary', role: 'alert' }, h('h2', {}, 'The tokens could not be loaded'),
        h('p', {}, error.sentence || 'Something went wrong.')));
    });
  }

  async function load() {
    const url = (admin ? '/admin/tokens' : '/tokens') + query({
      status: state.status === 'all' ? '' : state.status, q: state.q, sort: state.sort === 'created' ? '' : state.sort,
      owner: state.owner, page: state.page || '',
    });
    const path = (admin ? '/api/v1/admin/tokens' : '/api/v1/tokens') + query({
      status: state.status, q: state.q, sort: state.sort, username: state.owner || undefined, page: state.page, size: PAGE_SIZE,
    });
    const { data, total } = await api('GET', path);
    if (!isCurrent()) return;
    history.replaceState(null, '', url);
    if (data.length === 0 && total > 0 && state.page > 0) {
      state.page = Math.floor((total - 1) / PAGE_SIZE);
      return load();
    }
    selected.clear();
    bulkState();
    draw(data, total);
  }

  function draw(tokens, total) {
    clear(list);
    clear(pager);
    const filtered = state.status !== 'all' || state.q || state.owner;
    summary.textContent = total === 0 ? '' : `${plural(total, 'token', 'tokens')}${filtered ? ' match' : ''}`;
    bulkBar.hidden = total === 0;
    if (total === 0) {
      list.append(filtered || admin ? h('div', { class: 'empty' }, h('h2', {}, 'No tokens match'),
        h('p', {}, 'Change the filters above to see more.'))
        : h('div', { class: 'empty' },
          h('h2', {}, 'You have no tokens yet'),
          h('p', {}, 'A personal access token is a long-lived credential for a CI pipeline, a scheduled job or a script. '
            + 'It calls APIs as you, with only the scopes you choose, from the networks you allow, until it expires or you revoke it. '
            + 'You see its value once, when you create it.'),
          h('a', { class: 'button', href: '/tokens/new' }, 'Generate token')));
      return;
    }
    list.append(table(tokens));
    const first = state.page * PAGE_SIZE + 1;
    const last = Math.min(total, first + tokens.length - 1);
    pager.append(h('span', {}, `Showing ${first}–${last} of ${total}`),
      h('button', { type: 'button', class: 'button secondary small', disabled: state.page === 0, onclick: () => { state.page -= 1; reload(); } }, 'Previous'),
      h('button', { type: 'button', class: 'button secondary small', disabled: last >= total, onclick: () => { state.page += 1; reload(); } }, 'Next'));
  }

  function table(tokens) {
    const head = ['', 'Token', 'Status', 'Scopes', 'Created', 'Expires', 'Last used', 'Allowed networks', 'Actions'];
    if (admin) head.splice(2, 0, 'Owner');
    return h('table', { class: 'tokens responsive' },
      h('caption', { class: 'visually-hidden' }, admin ? 'All tokens' : 'Your tokens'),
      h('thead', {}, h('tr', {}, head.map((label, i) => h('th', { scope: 'col' }, i === 0 ? hidden('Select') : label)))),
      h('tbody', {}, tokens.map(row)));
  }

  function row(token) {
    const nameId = uid('token-name');
    const b = badge(token);
    const selectable = token.status !== 'revoked';
    const box = selectable ? h('input', {
      type: 'checkbox', 'aria-label': `Select ${token.name}`,
      onchange: e => { if (e.target.checked) selected.add(token); else selected.delete(token); bulkState(); },
    }) : null;
    const cells = [
      h('td', { class: 'select' }, box),
      h('td', { 'data-label': 'Token' }, h('div', {}, h('span', { id: nameId, class: 'token-name' }, token.name),
        token.description ? h('span', { class: 'description' }, token.description) : null)),
      h('td', { 'data-label': 'Status' }, h('div', {}, h('span', { class: `badge ${b.kind}` }, b.label),
        b.note ? h('span', { class: 'muted small block' }, b.note) : null,
        token.revokedAt ? h('span', { class: 'muted small block' }, time(token.revokedAt)) : null)),
      h('td', { 'data-label': 'Scopes' }, token.scopes.length
        ? h('ul', { class: 'chips' }, token.scopes.map(s => h('li', {}, s))) : h('span', { class: 'muted' }, 'None')),
      h('td', { 'data-label': 'Created' }, time(token.createdAt)),
      h('td', { 'data-label': 'Expires' }, token.expiresAt ? time(token.expiresAt) : h('span', { class: 'warning-text' }, 'Never')),
      h('td', { 'data-label': 'Last used' }, lastUsed(token)),
      h('td', { 'data-label': 'Allowed networks' }, token.allowedCidrs.length
        ? h('ul', { class: 'plain mono' }, token.allowedCidrs.map(c => h('li', {}, c))) : h('span', { class: 'muted' }, 'Any')),
      h('td', { class: 'actions', 'data-label': 'Actions' }, actions(token)),
    ];
    if (admin) cells.splice(2, 0, h('td', { 'data-label': 'Owner' }, token.owner));
    return h('tr', { 'data-token-id': token.id, 'aria-labelledby': nameId }, cells);
  }

  function lastUsed(token) {
    if (!token.lastUsedAt) return h('span', { class: 'muted' }, 'Never');
    const others = (token.recentIps || []).filter(r => r.ip !== token.lastUsedIp);
    return h('div', { class: 'last-used' },
      time(token.lastUsedAt, { withExact: true }),
      token.lastUsedIp ? h('span', { class: 'origin' }, 'from ', h('span', { class: 'mono' }, token.lastUsedIp)) : null,
      others.length ? h('details', { class: 'recent' },
        h('summary', {}, `${plural(others.length, 'other address', 'other addresses')}`),
        h('ul', { class: 'plain' }, others.map(r => h('li', {}, h('span', { class: 'mono' }, r.ip), ' ', time(r.lastSeenAt))))) : null);
  }

  function actions(token) {
    const buttons = [];
    const name = token.name;
    if (token.status !== 'revoked' && !admin) {
      buttons.push(h('button', { type: 'button', class: 'button secondary small', 'aria-label': `Edit ${name}`,
        onclick: () => editToken(token, app, updated => { toast(`Saved the changes to '${updated.name}'.`); reload(); }) }, 'Edit'));
      buttons.push(h('button', { type: 'button', class: 'button secondary small', 'aria-label': `Regenerate ${name}`,
        onclick: () => regenerateToken(token, app, () => reload()) }, 'Regenerate'));
    }
    if (token.status !== 'revoked') {
      buttons.push(h('button', { type: 'button', class: 'button danger-outline small', 'aria-label': `Revoke ${name}`,
        onclick: () => revoke([token]) }, 'Revoke'));
    }
    if (token.status !== 'active' && !admin) {
      buttons.push(h('a', { class: 'button secondary small', href: similarLink(token), 'aria-label': `Create a token similar to ${name}` }, 'Create similar'));
    }
    return h('div', { class: 'button-row' }, buttons);
  }

  async function revoke(tokens) {
    const one = tokens.length === 1;
    const confirmed = await confirmAction({
      title: one ? `Revoke '${tokens[0].name}'?` : `Revoke ${tokens.length} tokens?`,
      message: [
        one ? `Anything that uses '${tokens[0].name}' (CI pipelines, scheduled jobs, scripts) gets 401 on its next request, on every replica.`
          : 'Anything that uses these tokens (CI pipelines, scheduled jobs, scripts) gets 401 on its next request, on every replica.',
        one ? null : h('ul', {}, tokens.map(t => h('li', {}, t.name))),
        'This cannot be undone. You can create a similar token afterwards.',
      ].filter(Boolean),
      confirm: one ? 'Revoke token' : `Revoke ${tokens.length} tokens`,
    });
    if (!confirmed) return;
    const failures = [];
    for (const token of tokens) {
      try {
        await api('DELETE', `/api/v1/tokens/${encodeURIComponent(token.id)}`);
      } catch (error) {
        if (error.status === 401) return;
        failures.push(`${token.name}: ${error.sentence}`);
      }
    }
    toast(failures.length ? `Some tokens were not revoked. ${failures.join('; ')}`
      : one ? `Revoked '${tokens[0].name}'.` : `Revoked ${tokens.length} tokens.`);
    await reload();
  }

  function bulkRevoke() {
    if (selected.size) revoke([...selected]);
  }

  await load();
}

/** A link to the generate form, filled in like this token (name, description, scopes, networks). */
export function similarLink(token) {
  return `/tokens/new${query({
    name: token.name,
    description: token.description || '',
    scopes: token.scopes.join(','),
    allowedCidrs: token.allowedCidrs.join(','),
  })}`;
}

function select(label, name, options, value) {
  const id = uid(name);
  const control = h('select', { id, name }, options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
  const wrapper = h('div', { class: 'field inline' }, h('label', { for: id }, label), control);
  wrapper.control = control;
  return wrapper;
}

function input(label, name, value, type = 'text') {
  const id = uid(name);
  const control = h('input', { id, name, type, value, autocomplete: 'off' });
  const wrapper = h('div', { class: 'field inline' }, h('label', { for: id }, label), control);
  wrapper.control = control;
  return wrapper;
}

