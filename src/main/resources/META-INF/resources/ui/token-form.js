// "Generate token": a page (so a team's docs can link to it filled in: /tokens/new?name=deploy-bot&
// scopes=deploy&expiresInDays=30), then the value, shown once, in a dialog over the token list. The same form
// generates a service account's tokens (service-accounts.js), with the account's roles for scopes.
import { api } from './api.js';
import { h } from './dom.js';
import { field, showProblem, busy } from './forms.js';
import { expirationChooser } from './expiration.js';
import { scopeChoices } from './scopes.js';
import { showTokenOnce } from './token-dialogs.js';
import { prefill } from './links.js';

/**
 * The form: Name, Description, Expiration, one checkbox per role, Allowed networks, Create token. roles are the
 * scopes on offer (the signed-in person's, or a service account's); createPath is where the body is POSTed;
 * onCreated(token) gets the answer, value included. whose words the hints ("your", "the service account's").
 */
export function tokenForm({ app, params, roles, createPath, cancelHref, onCreated, whose = 'your', nameHint }) {
  const { prefilled, scopes: wantedScopes, unknownScopes, days, ...wanted } = prefill(params, roles);

  const name = field({ label: 'Name', name: 'name', maxlength: 64, required: true, autocomplete: 'off',
    hint: nameHint || 'What the token is for, such as deploy-bot or nightly backup. Unique among your active tokens.',
    value: wanted.name });
  const description = field({ label: 'Description', name: 'description', kind: 'textarea', rows: 2, maxlength: 256,
    hint: 'Optional. Where it runs and who to ask about it.', value: wanted.description });
  const expiration = expirationChooser(app.policy, { days });
  const scopes = scopeChoices(roles, wantedScopes, whose);
  const networks = field({ label: 'Allowed networks', name: 'allowedCidrs', kind: 'textarea', rows: 3, spellcheck: false,
    class: 'mono', hint: 'Optional. One address or CIDR per line, such as 10.0.0.0/8 or 2001:db8::/32. Requests from anywhere else get 401. Empty: any address.',
    value: wanted.allowedCidrs.join('\n') });
  const submit = h('button', { type: 'submit', class: 'button' }, 'Create token');
  const form = h('form', { class: 'card form', novalidate: true },
    prefilled ? h('div', { class: 'notice', role: 'note' },
      'Some fields were filled in from the link you followed. Check them before you create the token.',
      unknownScopes.length ? h('p', {}, `The link asked for scopes ${whose === 'your' ? 'you do not hold' : `not among ${whose} roles`}, which were left out: ${unknownScopes.join(', ')}.`) : null) : null,
    name, description, expiration, scopes, networks,
    h('div', { class: 'button-row' }, submit, h('a', { class: 'button secondary', href: cancelHref }, 'Cancel')));
  const fields = { name, description, scopes, allowedCidrs: networks, ...expiration.wrappers };

  form.addEventListener('submit', async event => {
    event.preventDefault();
    const problems = [
      ...(name.control.value.trim() ? [] : [{ field: 'name', message: 'is required' }]),
      ...expiration.validate(),
    ];
    if (problems.length) {
      showProblem(form, { fieldErrors: problems }, fields);
      return;
    }
    const body = {
      name: name.control.value.trim(),
      scopes: scopes.values(),
      allowedCidrs: networks.control.value.split('\n').map(l => l.trim()).filter(Boolean),
      ...expiration.body(),
    };
    if (description.control.value.trim()) body.description = description.control.value.trim();
    await busy(submit, async () => {
      try {
        const { data } = await api('POST', createPath, body);
        await onCreated(data);
      } catch (error) {
        if (error.status === 401) return;
        showProblem(form, error, fields);
      }
    });
  });
  form.focusFirst = () => name.control.focus();
  return form;
}

export async function newTokenView({ main, params, app }) {
  const form = tokenForm({
    app, params, roles: app.me.roles, createPath: '/api/v1/tokens', cancelHref: '/tokens',
    onCreated: async data => {
      await app.navigate('/tokens');
      showTokenOnce(data, { regenerated: false, app });
    },
  });
  main.append(
    h('p', { class: 'back' }, h('a', { href: '/tokens' }, '← Tokens')),
    h('h1', { tabindex: '-1' }, 'Generate a personal access token'),
    h('p', { class: 'lead' }, 'You will see the token\'s value once, right after you create it.'),
    form);
  form.focusFirst();
}
