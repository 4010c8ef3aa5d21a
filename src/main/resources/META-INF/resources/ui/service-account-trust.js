// A service account's trust: which workload identities (a CI job's ID token, a pod's service-account token) may act
// as it, exchanged at POST /oauth/token with no stored secret. The section of the account's page: the list, Add trust
// and Delete.
import { api } from './api.js';
import { guarded } from './lists.js';
import { h, clear, toast } from './dom.js';
import { field, showProblem } from './forms.js';
import { confirmAction } from './dialog.js';
import { formDialog } from './form-dialog.js';
import { time, plural } from './format.js';

const LIFETIMES = [[300, '5 minutes'], [600, '10 minutes'], [900, '15 minutes'], [1800, '30 minutes'], [3600, '1 hour']];

function lifetime(seconds) {
  return seconds % 3600 === 0 ? plural(seconds / 3600, 'hour', 'hours') : plural(Math.round(seconds / 60), 'minute', 'minutes');
}

/** The trust section of {@code account}'s page: {@code section} to place, {@code load()} to fill it. */
export function trustSection(account, isCurrent) {
  const trustList = h('div', { class: 'list' });
  const section = h('section', { 'aria-labelledby': 'sa-trust' },
    h('div', { class: 'page-head' }, h('div', {}, h('h2', { id: 'sa-trust' }, 'Trust'),
      h('p', { class: 'lead' }, 'Workload identities that may act as this account with no stored secret: a CI job\'s ID token or a pod\'s '
        + 'service-account token, exchanged at POST /oauth/token for a token that lives minutes.')),
    h('button', { type: 'button', class: 'button', onclick: () => addTrust() }, 'Add trust')),
    trustList);
  const reloadTrust = guarded(loadTrust, trustList);

  async function loadTrust() {
    const { data } = await api('GET', `/api/v1/service-accounts/${encodeURIComponent(account.id)}/trust`);
    if (!isCurrent()) return;
    clear(trustList);
    trustList.append(data.length ? h('table', { class: 'responsive' },
      h('caption', { class: 'visually-hidden' }, `What ${account.name} trusts`),
      h('thead', {}, h('tr', {}, ['Issuer', 'Audience', 'Subject', 'Claims', 'Token lifetime', 'Keys', 'Added', 'Actions']
        .map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, data.map(trustRow)))
      : h('div', { class: 'empty' }, h('p', {}, 'No workload identity may act as this account yet.')));
  }

  function trustRow(trust) {
    const claims = Object.entries(trust.claims || {});
    const keys = trust.jwks && Array.isArray(trust.jwks.keys) ? trust.jwks.keys.length : 0;
    return h('tr', {},
      h('td', { 'data-label': 'Issuer', class: 'mono detail' }, trust.issuer),
      h('td', { 'data-label': 'Audience', class: 'mono' }, trust.audience),
      h('td', { 'data-label': 'Subject', class: 'mono detail' }, trust.subject || h('span', { class: 'muted' }, 'Any')),
      h('td', { 'data-label': 'Claims' }, claims.length
        ? h('ul', { class: 'plain mono' }, claims.map(([k, v]) => h('li', {}, `${k} = ${v}`))) : h('span', { class: 'muted' }, 'None')),
      h('td', { 'data-label': 'Token lifetime' }, lifetime(trust.maxTtlSeconds)),
      h('td', { 'data-label': 'Keys' }, keys ? plural(keys, 'key given', 'keys given') : 'From discovery'),
      h('td', { 'data-label': 'Added' }, h('div', {}, time(trust.createdAt), h('span', { class: 'muted small block' }, 'by ', trust.createdBy))),
      h('td', { class: 'actions', 'data-label': 'Actions' }, h('button', {
        type: 'button', class: 'button danger-outline small', 'aria-label': `Delete the trust in ${trust.issuer} ${trust.subject || ''}`.trim(),
        onclick: () => removeTrust(trust),
      }, 'Delete')));
  }

  function addTrust() {
    const fields = {
      issuer: field({ label: 'Issuer', name: 'issuer', type: 'url', autocomplete: 'off', spellcheck: false, placeholder: 'https://token.actions.githubusercontent.com',
        hint: 'The iss of the identity tokens, exactly: https://token.actions.githubusercontent.com, https://gitlab.com, or your cluster\'s service-account issuer.' }),
      audience: field({ label: 'Audience', name: 'audience', autocomplete: 'off', spellcheck: false, value: 'patgate',
        hint: 'A value the token\'s aud must hold, such as patgate (the audience: of a projected token, or the audience the CI job asks for).' }),
      subject: field({ label: 'Subject', name: 'subject', autocomplete: 'off', spellcheck: false, class: 'mono',
        hint: 'The sub to match: exact, or with * for any run of characters, such as repo:acme/app:environment:prod or system:serviceaccount:jobs:nightly-report.' }),
      claims: field({ label: 'Claims', name: 'claims', kind: 'textarea', rows: 3, spellcheck: false, class: 'mono',
        hint: 'Optional. One claim = pattern per line, such as repository = acme/app or ref_type = branch. Bind the subject or at least one claim.' }),
      maxTtlSeconds: field({ label: 'Token lifetime', name: 'maxTtlSeconds', kind: 'select',
        hint: 'The longest a token exchanged this way lives; never past the identity token\'s own expiry.',
        options: LIFETIMES.map(([s, label]) => ({ value: String(s), label, selected: s === 900 })) }),
      jwks: field({ label: 'Issuer\'s public keys', name: 'jwks', kind: 'textarea', rows: 4, spellcheck: false, class: 'mono',
        hint: 'Optional: a JWKS document ({"keys": […]}) for an issuer patgate cannot reach, such as a private cluster\'s '
          + '(kubectl get --raw /openid/v1/jwks). Public keys only. Empty: read from the issuer\'s discovery document.' }),
    };
    formDialog({
      title: `Add trust to '${account.name}'`,
      fields,
      wide: true,
      submitLabel: 'Add trust',
      send: form => {
        const problems = [];
        const claims = {};
        fields.claims.control.value.split('\n').map(l => l.trim()).filter(Boolean).forEach((line, i) => {
          const eq = line.indexOf('=');
          if (eq <= 0) problems.push({ field: 'claims', message: `line ${i + 1} is not claim = pattern` });
          else claims[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
        });
        let jwks = null;
        if (fields.jwks.control.value.trim()) {
          try {
            jwks = JSON.parse(fields.jwks.control.value);
          } catch {
            problems.push({ field: 'jwks', message: 'is not JSON' });
          }
        }
        if (problems.length) {
          showProblem(form, { fieldErrors: problems }, fields);
          return false;
        }
        const body = { issuer: fields.issuer.control.value.trim(), audience: fields.audience.control.value.trim(),
          maxTtlSeconds: Number(fields.maxTtlSeconds.control.value), claims };
        if (fields.subject.control.value.trim()) body.subject = fields.subject.control.value.trim();
        if (jwks !== null) body.jwks = jwks;
        return api('POST', `/api/v1/service-accounts/${encodeURIComponent(account.id)}/trust`, body);
      },
      done: async () => {
        toast(`'${account.name}' now trusts that identity.`);
        await reloadTrust();
      },
    });
  }

  async function removeTrust(trust) {
    if (!await confirmAction({
      title: 'Stop trusting this identity?',
      message: [h('p', { class: 'mono detail' }, `${trust.issuer} ${trust.subject || ''}`.trim()),
        'No new token can be exchanged through it, and the tokens exchanged through it stop working, on every replica.'],
      confirm: 'Delete trust',
    })) return;
    try {
      await api('DELETE', `/api/v1/service-accounts/${encodeURIComponent(account.id)}/trust/${encodeURIComponent(trust.id)}`);
      toast('Removed the trust.');
    } catch (error) {
      if (error.status !== 401) toast(error.sentence);
    }
    await reloadTrust();
  }

  return { section, load: loadTrust };
}
