// Service accounts: accounts no person signs in as, whose tokens outlive whoever made them. Admins see every one,
// create them and set their roles and managers; managers see theirs, generate, regenerate and revoke their tokens,
// and say which workload identities (a CI job's or a pod's signed token) may act as them.
import { api, query } from './api.js';
import { PAGE_SIZE, pager, guarded } from './lists.js';
import { h, clear, toast } from './dom.js';
import { field } from './forms.js';
import { confirmAction } from './dialog.js';
import { formDialog } from './form-dialog.js';
import { trustSection } from './service-account-trust.js';
import { time, plural } from './format.js';
import { badge } from './badges.js';
import { editToken, regenerateToken, showTokenOnce } from './token-dialogs.js';
import { tokenForm } from './token-form.js';

const WHOSE = 'the service account\'s';

function isAdmin(app) {
  return app.me.roles.includes('admin');
}

function names(text) {
  return text.split(/[,\s]+/).map(r => r.trim()).filter(Boolean);
}

function accountPath(account) {
  return `/service-accounts/account${query({ id: account.id })}`;
}

function status(account) {
  return h('span', { class: account.disabled ? 'badge revoked' : 'badge active' }, account.disabled ? 'Disabled' : 'Active');
}

function chips(items, none = 'None') {
  return items.length ? h('ul', { class: 'chips' }, items.map(i => h('li', {}, i))) : h('span', { class: 'muted' }, none);
}

/** Create (account null) or edit: description, roles and managers; roles and managers are an admin's. */
function editAccount(account, onDone) {
  const creating = account === null;
  const fields = {};
  if (creating) {
    fields.name = field({ label: 'Name', name: 'name', autocomplete: 'off', autocapitalize: 'none', spellcheck: false,
      hint: 'Letters, digits, dots, dashes and underscores, such as ci-deployer. Shared with usernames: no user may have it.' });
  }
  fields.description = field({ label: 'Description', name: 'description', kind: 'textarea', rows: 2, maxlength: 256,
    value: creating ? '' : account.description || '', hint: 'What it is for and which pipeline uses it.' });
  fields.roles = field({ label: 'Roles', name: 'roles', autocomplete: 'off', spellcheck: false, value: creating ? '' : account.roles.join(', '),
    hint: 'Separated by commas, such as deploy, devices:read. Its tokens hold some or all of these; never admin.' });
  fields.managers = field({ label: 'Managers', name: 'managers', autocomplete: 'off', spellcheck: false, autocapitalize: 'none',
    value: creating ? '' : account.managers.join(', '),
    hint: 'Usernames of the people who manage its tokens and trust, separated by commas.' });
  return formDialog({
    title: creating ? 'Create service account' : `Edit '${account.name}'`,
    fields,
    submitLabel: creating ? 'Create service account' : 'Save',
    send: () => {
      const body = { description: fields.description.control.value.trim(), roles: names(fields.roles.control.value),
        managers: names(fields.managers.control.value) };
      return creating
        ? api('POST', '/api/v1/service-accounts', { name: fields.name.control.value.trim(), ...body })
        : api('PATCH', `/api/v1/service-accounts/${encodeURIComponent(account.id)}`, body);
    },
    done: async ({ data }) => {
      toast(creating ? `Created service account '${data.name}'.` : `Saved '${data.name}'.`);
      await onDone(data);
    },
  });
}

async function setDisabled(account, disabled, onDone) {
  if (disabled && !await confirmAction({
    title: `Disable '${account.name}'?`,
    message: ['Every token of the account is revoked at once, on every replica, and no workload identity can act as it while it is disabled.',
      'Enabling it again later does not bring the tokens back.'],
    confirm: 'Disable service account',
  })) return;
  try {
    await api('PATCH', `/api/v1/service-accounts/${encodeURIComponent(account.id)}`, { disabled });
    toast(disabled ? `Disabled '${account.name}'.` : `Enabled '${account.name}'.`);
  } catch (error) {
    if (error.status !== 401) toast(error.sentence);
  }
  await onDone();
}

async function deleteAccount(account, onDone) {
  if (!await confirmAction({
    title: `Delete '${account.name}'?`,
    message: ['Every token of the account stops working at once and what it trusts is removed. Its tokens stay listed as revoked.',
      'This cannot be undone.'],
    confirm: 'Delete service account',
  })) return;
  try {
    await api('DELETE', `/api/v1/service-accounts/${encodeURIComponent(account.id)}`);
    toast(`Deleted '${account.name}'.`);
  } catch (error) {
    if (error.status !== 401) toast(error.sentence);
  }
  await onDone();
}

// ---- the list ----

export async function serviceAccountsView({ main, params, app, isCurrent }) {
  const admin = isAdmin(app);
  const state = { page: Math.max(0, Number.parseInt(params.get('page') || '0', 10) || 0) };
  const summary = h('p', { class: 'summary', 'aria-live': 'polite' });
  const list = h('div', { class: 'list' });
  const pages = h('nav', { class: 'pager', 'aria-label': 'Pages' });
  main.append(
    h('div', { class: 'page-head' }, h('div', {}, h('h1', { tabindex: '-1' }, 'Service accounts'),
      h('p', { class: 'lead' }, 'Accounts no person signs in as. Their tokens belong to them, not to whoever made them, so pipelines keep '
        + 'working when people leave. ' + (admin ? 'You see every one.' : 'You see the ones you manage.'))),
    admin ? h('button', { type: 'button', class: 'button', onclick: () => editAccount(null, created => app.navigate(accountPath(created))) },
      'Create service account') : null),
    summary, list, pages);

  const reload = guarded(load, list);

  async function load() {
    const { data, total } = await api('GET', `/api/v1/service-accounts${query({ page: state.page, size: PAGE_SIZE })}`);
    if (!isCurrent()) return;
    history.replaceState(null, '', `/service-accounts${query({ page: state.page || '' })}`);
    summary.textContent = plural(total, 'service account', 'service accounts');
    clear(list);
    list.append(data.length ? h('table', { class: 'responsive' },
      h('caption', { class: 'visually-hidden' }, 'Service accounts'),
      h('thead', {}, h('tr', {}, ['Name', 'Roles', 'Managers', 'Status', 'Created', 'Actions'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, data.map(row)))
      : h('div', { class: 'empty' }, h('p', {}, admin
        ? 'No service accounts yet. Create one for each pipeline or job that calls your APIs, so its tokens do not belong to a person.'
        : 'You manage no service account.')));
    pager(pages, { page: state.page, total, shown: data.length, onPage: p => { state.page = p; reload(); } });
  }

  function row(account) {
    const name = account.name;
    const open = accountPath(account);
    return h('tr', {},
      h('td', { 'data-label': 'Name' }, h('div', {}, h('strong', {}, name),
        account.description ? h('span', { class: 'description' }, account.description) : null)),
      h('td', { 'data-label': 'Roles' }, chips(account.roles)),
      h('td', { 'data-label': 'Managers' }, account.managers.length
        ? h('ul', { class: 'plain' }, account.managers.map(m => h('li', {}, m))) : h('span', { class: 'muted' }, 'None')),
      h('td', { 'data-label': 'Status' }, status(account)),
      h('td', { 'data-label': 'Created' }, time(account.createdAt)),
      h('td', { class: 'actions', 'data-label': 'Actions' }, h('div', { class: 'button-row' },
        h('a', { class: 'button secondary small', href: open, 'aria-label': `Tokens and trust of ${name}` }, 'Tokens and trust'),
        admin ? h('button', { type: 'button', class: 'button secondary small', 'aria-label': `Edit ${name}`,
          onclick: () => editAccount(account, () => reload()) }, 'Edit') : null,
        account.disabled
          ? h('button', { type: 'button', class: 'button secondary small', 'aria-label': `Enable ${name}`, onclick: () => setDisabled(account, false, reload) }, 'Enable')
          : h('button', { type: 'button', class: 'button danger-outline small', 'aria-label': `Disable ${name}`, onclick: () => setDisabled(account, true, reload) }, 'Disable'),
        admin ? h('button', { type: 'button', class: 'button danger-outline small', 'aria-label': `Delete ${name}`,
          onclick: () => deleteAccount(account, reload) }, 'Delete') : null)));
  }

  await load();
}

// ---- one account: its tokens and its trust ----

export async function serviceAccountView({ main, params, app, isCurrent }) {
  const admin = isAdmin(app);
  const id = params.get('id') || '';
  const { data: account } = await api('GET', `/api/v1/service-accounts/${encodeURIComponent(id)}`);
  if (!isCurrent()) return;
  const rerender = () => app.render();
  const tokenList = h('div', { class: 'list' });
  const tokenSummary = h('p', { class: 'summary', 'aria-live': 'polite' });
  const tokenPages = h('nav', { class: 'pager', 'aria-label': 'Pages of tokens' });
  const trust = trustSection(account, isCurrent);
  const state = { page: 0 };
  const generate = `/service-accounts/tokens/new${query({ account: account.id })}`;

  main.append(
    h('p', { class: 'back' }, h('a', { href: '/service-accounts' }, '← Service accounts')),
    h('div', { class: 'page-head' }, h('div', {}, h('h1', { tabindex: '-1' }, account.name),
      h('p', { class: 'lead' }, account.description || 'A service account: its tokens belong to it, not to a person.')),
    h('div', { class: 'button-row' },
      admin ? h('button', { type: 'button', class: 'button secondary', onclick: () => editAccount(account, rerender) }, 'Edit') : null,
      account.disabled
        ? h('button', { type: 'button', class: 'button secondary', onclick: () => setDisabled(account, false, rerender) }, 'Enable')
        : h('button', { type: 'button', class: 'button danger-outline', onclick: () => setDisabled(account, true, rerender) }, 'Disable'))),
    h('div', { class: 'card' }, h('dl', { class: 'facts' },
      h('dt', {}, 'Status'), h('dd', {}, status(account)),
      h('dt', {}, 'Roles'), h('dd', {}, chips(account.roles)),
      h('dt', {}, 'Managers'), h('dd', {}, account.managers.length ? account.managers.join(', ') : h('span', { class: 'muted' }, 'None')),
      h('dt', {}, 'Created'), h('dd', {}, time(account.createdAt, { withExact: true })))),
    h('section', { 'aria-labelledby': 'sa-tokens' },
      h('div', { class: 'page-head' }, h('div', {}, h('h2', { id: 'sa-tokens' }, 'Tokens'),
        h('p', { class: 'lead' }, 'Long-lived tokens of the account, for systems that cannot exchange an identity of their own. '
          + 'Expiry and revocation notices go to its managers.')),
      account.disabled ? null : h('a', { class: 'button', href: generate }, 'Generate token')),
      h('div', { class: 'list-head' }, tokenSummary), tokenList, tokenPages),
    trust.section);

  const reloadTokens = guarded(loadTokens, tokenList);

  async function loadTokens() {
    const { data, total } = await api('GET', `/api/v1/service-accounts/${encodeURIComponent(account.id)}/tokens${query({ page: state.page, size: PAGE_SIZE })}`);
    if (!isCurrent()) return;
    tokenSummary.textContent = total ? plural(total, 'token', 'tokens') : '';
    clear(tokenList);
    tokenList.append(data.length ? h('table', { class: 'tokens responsive' },
      h('caption', { class: 'visually-hidden' }, `Tokens of ${account.name}`),
      h('thead', {}, h('tr', {}, ['Token', 'Status', 'Scopes', 'Expires', 'Last used', 'Actions'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, data.map(tokenRow)))
      : h('div', { class: 'empty' }, h('p', {}, 'No tokens yet.')));
    pager(tokenPages, { page: state.page, total, shown: data.length, onPage: p => { state.page = p; reloadTokens(); } });
  }

  function tokenRow(token) {
    const b = badge(token);
    const name = token.name;
    const live = token.status !== 'revoked';
    return h('tr', { 'data-token-id': token.id },
      h('td', { 'data-label': 'Token' }, h('div', {}, h('span', { class: 'token-name' }, name),
        token.description ? h('span', { class: 'description' }, token.description) : null)),
      h('td', { 'data-label': 'Status' }, h('div', {}, h('span', { class: `badge ${b.kind}` }, b.label),
        b.note ? h('span', { class: 'muted small block' }, b.note) : null)),
      h('td', { 'data-label': 'Scopes' }, chips(token.scopes)),
      h('td', { 'data-label': 'Expires' }, token.expiresAt ? time(token.expiresAt) : h('span', { class: 'warning-text' }, 'Never')),
      h('td', { 'data-label': 'Last used' }, token.lastUsedAt ? h('div', {}, time(token.lastUsedAt),
        token.lastUsedIp ? h('span', { class: 'origin' }, 'from ', h('span', { class: 'mono' }, token.lastUsedIp)) : null)
        : h('span', { class: 'muted' }, 'Never')),
      h('td', { class: 'actions', 'data-label': 'Actions' }, live ? h('div', { class: 'button-row' },
        h('button', { type: 'button', class: 'button secondary small', 'aria-label': `Edit ${name}`,
          onclick: () => editToken(token, app, updated => { toast(`Saved the changes to '${updated.name}'.`); reloadTokens(); },
            { roles: account.roles, whose: WHOSE }) }, 'Edit'),
        h('button', { type: 'button', class: 'button secondary small', 'aria-label': `Regenerate ${name}`,
          onclick: () => regenerateToken(token, app, () => reloadTokens()) }, 'Regenerate'),
        h('button', { type: 'button', class: 'button danger-outline small', 'aria-label': `Revoke ${name}`,
          onclick: () => revoke(token) }, 'Revoke')) : null));
  }

  async function revoke(token) {
    if (!await confirmAction({
      title: `Revoke '${token.name}'?`,
      message: [`Anything that uses '${token.name}' gets 401 on its next request, on every replica.`, 'This cannot be undone.'],
      confirm: 'Revoke token',
    })) return;
    try {
      await api('DELETE', `/api/v1/tokens/${encodeURIComponent(token.id)}`);
      toast(`Revoked '${token.name}'.`);
    } catch (error) {
      if (error.status !== 401) toast(error.sentence);
    }
    await reloadTokens();
  }

  await Promise.all([loadTokens(), trust.load()]);
}

// ---- generating one of its tokens ----

export async function newServiceAccountTokenView({ main, params, app, isCurrent }) {
  const { data: account } = await api('GET', `/api/v1/service-accounts/${encodeURIComponent(params.get('account') || '')}`);
  if (!isCurrent()) return;
  const back = accountPath(account);
  const form = tokenForm({
    app, params, roles: account.roles, whose: WHOSE, cancelHref: back,
    createPath: `/api/v1/service-accounts/${encodeURIComponent(account.id)}/tokens`,
    nameHint: 'What the token is for, such as release pipeline. Unique among the account\'s active tokens.',
    onCreated: async data => {
      await app.navigate(back);
      showTokenOnce(data, { regenerated: false, app });
    },
  });
  main.append(
    h('p', { class: 'back' }, h('a', { href: back }, `← ${account.name}`)),
    h('h1', { tabindex: '-1' }, `Generate a token for '${account.name}'`),
    h('p', { class: 'lead' }, 'The token belongs to the service account, not to you: it keeps working if you leave. '
      + 'You will see its value once, right after you create it.'),
    form);
  form.focusFirst();
}
