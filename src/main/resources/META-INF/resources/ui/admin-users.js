// Administration: users (search, create, roles, password reset, disable/enable, delete). The link appears for admins
// only; the API refuses everyone else anyway.
import { api, query } from './api.js';
import { PAGE_SIZE, pager, guarded } from './lists.js';
import { h, clear, toast, uid } from './dom.js';
import { field } from './forms.js';
import { confirmAction } from './dialog.js';
import { formDialog } from './form-dialog.js';
import { time, plural } from './format.js';

// Where an account comes from (GET /api/v1/users `origin`): made here, by a sign-in through the identity provider, or by its SCIM client
const ORIGINS = {
  local: { label: 'Local', title: 'Made in patgate; signs in with a password' },
  sso: { label: 'SSO', title: 'Made by its first sign-in through the identity provider' },
  scim: { label: 'SCIM', title: 'Provisioned by the identity provider (SCIM); deactivated there, it ends here' },
};

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
      h('thead', {}, h('tr', {}, ['Username', 'Origin', 'Roles', 'Status', 'Created', 'Actions'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, data.map(row))) : h('div', { class: 'empty' }, h('p', {}, 'No users match.')));
    pager(pages, { page: state.page, total, shown: data.length, onPage: p => { state.page = p; reload(); } });
  }

  function row(user) {
    const self = user.id === app.me.id;
    const name = user.username;
    return h('tr', {},
      h('td', { 'data-label': 'Username' }, h('div', {}, h('strong', {}, name), self ? h('span', { class: 'muted small' }, ' (you)') : null)),
      h('td', { 'data-label': 'Origin' }, h('span', { class: 'badge origin', title: ORIGINS[user.origin]?.title || '' }, ORIGINS[user.origin]?.label || user.origin)),
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
      done: ({ data }) => { toast(`Created user '${data.username}'.`); return reload(); },
    });
  }

  function changeRoles(user) {
    const fields = { roles: field({ label: 'Roles', name: 'roles', value: user.roles.join(', '), autocomplete: 'off', spellcheck: false,
      hint: 'Separated by commas. Their tokens lose a scope at once when its role goes.' }) };
    formDialog({
      title: `Change roles of '${user.username}'`, fields, submitLabel: 'Save',
      send: () => api('PATCH', `/api/v1/users/${encodeURIComponent(user.id)}`, { roles: roleList(fields.roles.control.value) }),
      done: () => { toast(`Changed the roles of '${user.username}'.`); return reload(); },
    });
  }

  function resetPassword(user) {
    const fields = { password: field({ label: 'New password', name: 'password', type: 'password', autocomplete: 'new-password',
      hint: `At least ${app.policy.password.minLength} characters.` }) };
    formDialog({
      title: `Reset the password of '${user.username}'`, fields, submitLabel: 'Reset password',
      intro: 'Their sessions end at once; their personal access tokens keep working.',
      send: () => api('PATCH', `/api/v1/users/${encodeURIComponent(user.id)}`, { password: fields.password.control.value }),
      done: () => { toast(`Reset the password of '${user.username}'.`); return reload(); },
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
