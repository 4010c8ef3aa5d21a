// The dialogs of one token: its value shown once, Edit, Regenerate.
import { api } from './api.js';
import { h, uid, toast } from './dom.js';
import { openDialog, confirmAction } from './dialog.js';
import { field, showProblem, busy } from './forms.js';
import { expirationChooser } from './expiration.js';
import { scopeChoices } from './scopes.js';

/**
 * The new value, once: a read-only field with Copy, the warning, and examples filled with it. The value
 * lives only in this dialog's elements; it is never stored, and it is gone from the page when the dialog
 * closes. Closing before copying asks first.
 */
export function showTokenOnce(issued, { regenerated, app }) {
  let value = issued.token;
  let copied = false;
  const origin = location.origin;
  const user = issued.owner || app.me.username;
  const warningId = uid('once');
  const valueField = field({ label: 'Token value', name: 'token', readOnly: true, value, class: 'mono token-value', spellcheck: false, autocomplete: 'off' });
  const copyStatus = h('span', { class: 'copy-status', role: 'status', 'aria-live': 'polite' });
  const copyButton = h('button', { type: 'button', class: 'button', onclick: copy }, 'Copy');

  async function copy() {
    const input = valueField.control;
    try {
      if (!navigator.clipboard || !window.isSecureContext) throw new Error('no clipboard');
      await navigator.clipboard.writeText(value);
      copied = true;
      copyStatus.textContent = 'Copied to the clipboard.';
    } catch {
      // plain http, or the browser refused: select the text so Ctrl+C (or the menu) copies it
      input.focus();
      input.select();
      let done = false;
      try {
        done = document.execCommand('copy');
      } catch {
        done = false;
      }
      copied = done;
      copyStatus.textContent = done ? 'Copied to the clipboard.' : 'Selected: press Ctrl+C (or ⌘C) to copy.';
    }
  }

  const onCopy = event => {
    if (dialog.contains(event.target) || document.activeElement === valueField.control) copied = true;
  };
  document.addEventListener('copy', onCopy);

  const example = (title, text) => {
    const id = uid('example');
    return h('div', { class: 'example' }, h('h3', { id }, title), h('pre', { 'aria-labelledby': id, tabindex: '0' }, h('code', {}, text)));
  };
  const examples = h('div', { class: 'examples' },
    example('curl, with the token as a Bearer credential', `curl -H "Authorization: Bearer ${value}" ${origin}/api/v1/me`),
    example('curl, with Basic authentication (for tools that only speak Basic)', `curl -u "${user}:${value}" ${origin}/api/v1/me`),
    example('A CI job, with the value stored as a secret (GitHub Actions)',
      `# once: store the value as a repository secret\ngh secret set PATGATE_TOKEN --body "${value}"\n\n`
      + `# .github/workflows/deploy.yml\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: curl --fail -H "Authorization: Bearer $PATGATE_TOKEN" ${origin}/api/v1/me\n`
      + '        env:\n          PATGATE_TOKEN: ${{ secrets.PATGATE_TOKEN }}'));

  const done = h('button', { type: 'button', class: 'button secondary', onclick: () => attemptClose() }, 'Done');
  const dialog = openDialog({
    title: regenerated ? `New value for '${issued.name}'` : `Token '${issued.name}' created`,
    wide: true,
    className: 'shown-once',
    describedBy: warningId,
    content: h('div', { class: 'dialog-body' },
      h('div', { id: warningId, class: 'warning', role: 'alert' },
        h('strong', {}, 'Copy this token now. '), 'You will not be able to see it again: patgate keeps only a fingerprint of it. '
        + 'Store it in your CI system\'s secret store or a password manager.'),
      h('div', { class: 'copy-row' }, valueField, copyButton), copyStatus,
      h('h3', {}, 'Use it'), examples),
    actions: [done],
    onCancel: () => {
      attemptClose();
      return false;
    },
  });
  // Escape asks too: handled here, before the browser's own cancel, which it may skip on a second press
  dialog.addEventListener('keydown', event => {
    if (event.key === 'Escape' && event.target.closest('dialog') === dialog) {
      event.preventDefault();
      attemptClose();
    }
  });
  dialog.addEventListener('close', () => {
    document.removeEventListener('copy', onCopy);
    valueField.control.value = '';
    dialog.querySelectorAll('code').forEach(c => { c.textContent = ''; });
    value = null;
  });
  valueField.control.focus();
  valueField.control.select();

  async function attemptClose() {
    if (!copied) {
      const leave = await confirmAction({
        title: 'Close without copying?',
        message: 'You have not copied the token. Its value will never be shown again; to get a working value you would have to regenerate it.',
        confirm: 'Close without copying',
      });
      if (!leave) return;
    }
    dialog.close();
  }
  return dialog;
}

/**
 * Edit: description and scopes. A service account's token offers the account's roles: give them as roles, and whose
 * as "the service account's".
 */
export function editToken(token, app, onSaved, { roles: ownerRoles = app.me.roles, whose = 'your' } = {}) {
  const description = field({ label: 'Description', name: 'description', kind: 'textarea', rows: 2, maxlength: 256, value: token.description || '' });
  const roles = [...new Set([...ownerRoles])];
  const lost = token.scopes.filter(s => s !== 'tokens' && !roles.includes(s));
  const scopes = scopeChoices(roles, token.scopes, whose);
  const save = h('button', { type: 'submit', class: 'button' }, 'Save');
  const form = h('form', { class: 'dialog-body', novalidate: true },
    h('p', { class: 'hint' }, 'Changes take effect on the token\'s next request. Its value stays the same.'),
    description, scopes,
    lost.length ? h('p', { class: 'warning' }, `No longer among ${whose} roles, so the token cannot use them: ${lost.join(', ')}. Saving removes them.`) : null,
    h('div', { class: 'actions' }, save, h('button', { type: 'button', class: 'button secondary', onclick: () => dialog.close() }, 'Cancel')));
  const dialog = openDialog({ title: `Edit '${token.name}'`, content: form });
  form.addEventListener('submit', async event => {
    event.preventDefault();
    await busy(save, async () => {
      try {
        const { data } = await api('PATCH', `/api/v1/tokens/${encodeURIComponent(token.id)}`,
          { description: description.control.value.trim(), scopes: scopes.values() });
        dialog.close();
        onSaved(data);
      } catch (error) {
        if (error.status === 401) return;
        showProblem(form, error, { description, scopes });
      }
    });
  });
  description.control.focus();
}

/** Regenerate: a new value and expiry, with an optional grace period for the old value; then shown once. */
export function regenerateToken(token, app, onDone) {
  const expiration = expirationChooser(app.policy, {});
  const grace = field({
    label: 'Grace period for running jobs', name: 'graceSeconds', kind: 'select',
    hint: 'How long the current value keeps working, so jobs can switch to the new one.',
    options: [
      { value: '0', label: 'None: the current value stops working at once', selected: true },
      { value: '600', label: '10 minutes' },
      { value: '3600', label: '1 hour' },
      { value: '86400', label: '1 day' },
    ],
  });
  const confirm = h('button', { type: 'submit', class: 'button danger' }, 'Regenerate token');
  const form = h('form', { class: 'dialog-body', novalidate: true },
    h('p', {}, `'${token.name}' gets a new value and a new expiry; its name, scopes and networks stay. `
      + 'Anything still using the current value gets 401 once the grace period ends.'),
    expiration, grace,
    h('div', { class: 'actions' }, confirm, h('button', { type: 'button', class: 'button secondary', onclick: () => dialog.close() }, 'Cancel')));
  const dialog = openDialog({ title: `Regenerate '${token.name}'?`, content: form });
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const problems = expiration.validate();
    const fields = { ...expiration.wrappers, graceSeconds: grace };
    if (problems.length) {
      showProblem(form, { fieldErrors: problems }, fields);
      return;
    }
    await busy(confirm, async () => {
      try {
        const { data } = await api('POST', `/api/v1/tokens/${encodeURIComponent(token.id)}/regenerate`,
          { ...expiration.body(), graceSeconds: Number(grace.control.value) });
        dialog.close();
        onDone();
        toast(`Regenerated '${token.name}'.`);
        showTokenOnce(data, { regenerated: true, app });
      } catch (error) {
        if (error.status === 401) return;
        showProblem(form, error, fields);
      }
    });
  });
}
