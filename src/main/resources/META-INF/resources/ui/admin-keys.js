// Administration: signing keys (what each does now, rotation) and ending every session. The link appears for admins
// only; the API refuses everyone else anyway.
import { api } from './api.js';
import { guarded } from './lists.js';
import { h, clear, toast, uid } from './dom.js';
import { confirmAction } from './dialog.js';
import { time, plural, exact } from './format.js';

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
