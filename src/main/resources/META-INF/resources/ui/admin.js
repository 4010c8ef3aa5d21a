// Administration: users, the audit log and signing keys (all tokens reuse the token list). The links
// appear for admins only; the API refuses everyone else anyway.
import { api, query } from './api.js';
import { PAGE_SIZE, pager, guarded } from './lists.js';
import { h, clear, toast, uid } from './dom.js';
import { field, showProblem, busy } from './forms.js';
import { openDialog, confirmAction } from './dialog.js';
import { time, plural, exact } from './format.js';
import { vocabulary } from './vocabulary.js';

function roleList(text) {
  return text.split(/[,\s]+/).map(r => r.trim()).filter(Boolean);
}

// ---- Users ----

export async function usersView({ main, params, app, isCurrent }) {
  const state = { q: params.get('q') || '', page: Math.max(0, Number.parseInt(params.get('page') || '0', 10) || 0) };
  const searchId = uid('q');
  const search = h('input', { id: searchId, type: 'search', value: state.q, autocomplete: 'off' });
  const summary = h('p', { class: 'summary', 'aria-live': 'polite' });
  const list = h('div', { class: 'list' });
  const pages = h('nav', { class: 'pager', 'aria-label': 'Pages' });
  main.append(
    h('div', { class: 'page-head' }, h('div', {}, h('h1', { tabindex: '-1' }, 'Users'),
      h('p', { class: 'lead' }, 'Accounts that may sign in and hold tokens. Roles are free-form; admin makes an administrator.')),
    h('button', { type: 'button', class: 'button', onclick: createUser }, 'Create user')),
    h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter users', onsubmit: e => e.preventDefault() },
      h('div', { class: 'field inline' }, h('label', { for: searchId }, 'Search users'), search)),
    summary, list, pages);
  let debounce;
  ['input', 'change'].forEach(type => search.addEventListener(type, () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      if (!isCurrent() || state.q === search.value.trim()) return; // moved on, or nothing changed (a blur, say)
      state.q = search.value.trim();
      state.page = 0;
      reload();
    }, 250);
  }));

  const reload = guarded(load, list);

  async function load() {
    const { data, total } = await api('GET', `/api/v1/users${query({ q: state.q, page: state.page, size: PAGE_SIZE })}`);
    if (!isCurrent()) return;
    history.replaceState(null, '', `/admin/users${query({ q: state.q, page: state.page || '' })}`);
    summary.textContent = plural(total, 'user', 'users');
    clear(list);
    list.append(data.length ? h('table', { class: 'responsive' },
      h('caption', { class: 'visually-hidden' }, 'Users'),
      h('thead', {}, h('tr', {}, ['Username', 'Roles', 'Status', 'Created', 'Actions'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, data.map(row))) : h('div', { class: 'empty' }, h('p', {}, 'No users match.')));
    pager(pages, { page: state.page, total, shown: data.length, onPage: p => { state.page = p; reload(); } });
  }

  function row(user) {
    const self = user.id === app.me.id;
    const name = user.username;
    return h('tr', {},
      h('td', { 'data-label': 'Username' }, h('div', {}, h('strong', {}, name), self ? h('span', { class: 'muted small' }, ' (you)') : null)),
      h('td', { 'data-label': 'Roles' }, user.roles.length ? h('ul', { class: 'chips' }, user.roles.map(r => h('li', {}, r))) : h('span', { class: 'muted' }, 'None')),
      h('td', { 'data-label': 'Status' }, h('span', { class: user.disabled ? 'badge revoked' : 'badge active' }, user.disabled ? 'Disabled' : 'Active')),
      h('td', { 'data-label': 'Created' }, time(user.createdAt)),
      h('td', { class: 'actions', 'data-label': 'Actions' }, h('div', { class: 'button-row' },
        h('button', { type: 'button', class: 'button secondary small', 'aria-label': `Change roles of ${name}`, onclick: () => changeRoles(user) }, 'Change roles'),
        h('button', { type: 'button', class: 'button secondary small', 'aria-label': `Reset password of ${name}`, onclick: () => resetPassword(user) }, 'Reset password'),
        user.disabled
          ? h('button', { type: 'button', class: 'button secondary small', 'aria-label': `Enable ${name}`, onclick: () => setDisabled(user, false) }, 'Enable')
          : h('button', { type: 'button', class: 'button danger-outline small', 'aria-label': `Disable ${name}`, onclick: () => setDisabled(user, true) }, 'Disable'),
        h('button', { type: 'button', class: 'button danger-outline small', 'aria-label': `Delete ${name}`, onclick: () => deleteUser(user) }, 'Delete'))));
  }

  function formDialog({ title, fields, submitLabel, intro, send, done }) {
    const submit = h('button', { type: 'submit', class: 'button' }, submitLabel);
    const form = h('form', { class: 'dialog-body', novalidate: true }, intro ? h('p', {}, intro) : null, Object.values(fields),
      h('div', { class: 'actions' }, submit, h('button', { type: 'button', class: 'button secondary', onclick: () => dialog.close() }, 'Cancel')));
    const dialog = openDialog({ title, content: form });
    form.addEventListener('submit', async event => {
      event.preventDefault();
      await busy(submit, async () => {
        try {
          const result = await send();
          dialog.close();
          toast(done(result));
          await reload();
        } catch (error) {
          if (error.status === 401) return;
          showProblem(form, error, fields);
        }
      });
    });
    Object.values(fields)[0].control.focus();
  }

  function createUser() {
    const fields = {
      username: field({ label: 'Username', name: 'username', autocomplete: 'off', autocapitalize: 'none', spellcheck: false,
        hint: 'Letters, digits, dots, dashes and underscores.' }),
      password: field({ label: 'Password', name: 'password', type: 'password', autocomplete: 'new-password',
        hint: `At least ${app.policy.password.minLength} characters. Give it to the person through a safe channel.` }),
      roles: field({ label: 'Roles', name: 'roles', autocomplete: 'off', spellcheck: false,
        hint: 'Separated by commas, such as deploy, devices:read. admin makes an administrator.' }),
    };
    formDialog({
      title: 'Create user', fields, submitLabel: 'Create user',
      send: () => api('POST', '/api/v1/users', {
        username: fields.username.control.value.trim(), password: fields.password.control.value, roles: roleList(fields.roles.control.value),
      }),
      done: ({ data }) => `Created user '${data.username}'.`,
    });
  }

  function changeRoles(user) {
    const fields = { roles: field({ label: 'Roles', name: 'roles', value: user.roles.join(', '), autocomplete: 'off', spellcheck: false,
      hint: 'Separated by commas. Their tokens lose a scope at once when its role goes.' }) };
    formDialog({
      title: `Change roles of '${user.username}'`, fields, submitLabel: 'Save',
      send: () => api('PATCH', `/api/v1/users/${encodeURIComponent(user.id)}`, { roles: roleList(fields.roles.control.value) }),
      done: () => `Changed the roles of '${user.username}'.`,
    });
  }

  function resetPassword(user) {
    const fields = { password: field({ label: 'New password', name: 'password', type: 'password', autocomplete: 'new-password',
      hint: `At least ${app.policy.password.minLength} characters.` }) };
    formDialog({
      title: `Reset the password of '${user.username}'`, fields, submitLabel: 'Reset password',
      intro: 'Their sessions end at once; their personal access tokens keep working.',
      send: () => api('PATCH', `/api/v1/users/${encodeURIComponent(user.id)}`, { password: fields.password.control.value }),
      done: () => `Reset the password of '${user.username}'.`,
    });
  }

  async function setDisabled(user, disabled) {
    if (disabled && !await confirmAction({
      title: `Disable '${user.username}'?`,
      message: ['They are signed out at once and cannot sign in. Every active token of theirs is revoked, on every replica.',
        'Enabling them again later does not bring the tokens back.'],
      confirm: 'Disable user',
    })) return;
    try {
      await api('PATCH', `/api/v1/users/${encodeURIComponent(user.id)}`, { disabled });
      toast(disabled ? `Disabled '${user.username}'.` : `Enabled '${user.username}'.`);
    } catch (error) {
      if (error.status !== 401) toast(error.sentence);
    }
    await reload();
  }

  async function deleteUser(user) {
    if (!await confirmAction({
      title: `Delete '${user.username}'?`,
      message: ['Their sessions and every token of theirs stop working at once. Their tokens stay listed as revoked.', 'This cannot be undone.'],
      confirm: 'Delete user',
    })) return;
    try {
      await api('DELETE', `/api/v1/users/${encodeURIComponent(user.id)}`);
      toast(`Deleted '${user.username}'.`);
    } catch (error) {
      if (error.status !== 401) toast(error.sentence);
    }
    await reload();
  }

  await load();
}

// ---- Audit log ----

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

// ---- Signing keys ----

/** Signing, published and waiting for its turn, signing until its successor takes over, or retired. */
function keyStatus(key, now = Date.now()) {
  const future = iso => iso && new Date(iso).getTime() > now;
  if (key.active && future(key.signsFrom)) {
    return h('div', {}, h('span', { class: 'badge soon' }, 'Published'), h('span', { class: 'muted small block' }, 'signs from ', time(key.signsFrom)));
  }
  if (key.active) return h('div', {}, h('span', { class: 'badge active' }, 'Signing'));
  if (future(key.retiredAt)) {
    return h('div', {}, h('span', { class: 'badge active' }, 'Signing'), h('span', { class: 'muted small block' }, 'until ', time(key.retiredAt)));
  }
  return h('div', {}, h('span', { class: 'badge expired' }, 'Retired'), key.retiredAt ? h('span', { class: 'muted small block' }, time(key.retiredAt)) : null);
}

export async function keysView({ main, isCurrent, app }) {
  const list = h('div', { class: 'list' });
  const rotate = h('button', { type: 'button', class: 'button danger' }, 'Rotate signing key');
  const endAll = h('button', { type: 'button', class: 'button danger-outline' }, 'End every session');
  endAll.addEventListener('click', async () => {
    if (!await confirmAction({
      title: 'End every session?',
      message: ['Everyone is signed out at once, on every replica, you included, and signs in again. Personal access tokens keep '
        + 'working. After a signing key leaked, rotate the key at once first.'],
      confirm: 'End every session',
    })) return;
    try {
      const { data } = await api('POST', '/api/v1/admin/sessions/revoke-all');
      app.sessionEnded(`Every session has ended (${plural(data.accounts, 'account', 'accounts')}), yours too. Sign in again.`);
    } catch (error) {
      if (error.status !== 401) toast(error.sentence);
    }
  });
  main.append(
    h('div', { class: 'page-head' }, h('div', {}, h('h1', { tabindex: '-1' }, 'Signing keys'),
      h('p', { class: 'lead' }, 'patgate signs sessions and tokens with ES256 keys. Rotating publishes a new key at '
        + '/.well-known/jwks.json at once and signs with it a few minutes later; what the old keys signed keeps working, '
        + 'and their public keys stay published while it may.')), h('div', { class: 'button-row' }, rotate, endAll)),
    list);
  rotate.addEventListener('click', async () => {
    const immediateId = uid('immediate');
    const immediate = h('input', { type: 'checkbox', id: immediateId });
    if (!await confirmAction({
      title: 'Rotate the signing key?',
      message: ['The new key is published at once and signs new sessions and tokens a few minutes later, once services '
        + 'that cache the JWKS have fetched it. Existing sessions and tokens keep working.',
      h('div', { class: 'checkbox' }, immediate, h('label', { for: immediateId }, 'Sign with the new key at once (after a leak)'),
        h('p', { class: 'hint' }, 'Services that cached the key set may refuse new tokens for up to 5 minutes. '
          + 'After a leak, also end every session (see the README\'s runbook).'))],
      confirm: 'Rotate key',
    })) return;
    try {
      const { data } = await api('POST', `/api/v1/admin/keys/rotate${immediate.checked ? '?immediate=true' : ''}`);
      toast(immediate.checked ? `Rotated: new tokens are signed with key ${data.kid}.`
        : `Rotated: key ${data.kid} is published and signs from ${exact(data.signsFrom)}.`);
    } catch (error) {
      if (error.status !== 401) toast(error.sentence);
    }
    await reload();
  });

  const reload = guarded(load, list);

  async function load() {
    const { data } = await api('GET', '/api/v1/admin/keys');
    if (!isCurrent()) return;
    clear(list);
    list.append(h('table', { class: 'responsive' },
      h('caption', { class: 'visually-hidden' }, 'Signing keys'),
      h('thead', {}, h('tr', {}, ['Key id', 'Algorithm', 'Created', 'Status'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, data.map(k => h('tr', {},
        h('td', { 'data-label': 'Key id', class: 'mono' }, k.kid),
        h('td', { 'data-label': 'Algorithm' }, k.algorithm),
        h('td', { 'data-label': 'Created' }, time(k.createdAt, { withExact: true })),
        h('td', { 'data-label': 'Status' }, keyStatus(k)))))));
  }

  await load();
}
