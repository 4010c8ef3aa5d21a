// The scope checkboxes of the token forms (new token, edit), shared by both.
import { checkboxes } from './forms.js';

export const TOKENS_SCOPE_HINT = 'Lets the token create, change and revoke tokens through the API. Leave it off unless a script manages tokens.';

/**
 * Checkboxes for the scopes a token may get: one per role of the owner, plus "tokens". whose names the owner in the
 * hint: 'your' (a personal token) or "the service account's".
 */
export function scopeChoices(roles, checked, whose = 'your') {
  return checkboxes({
    legend: 'Scopes',
    name: 'scopes',
    hint: whose === 'your'
      ? 'What the token may do: some or all of your roles. It can never do more than you can, and loses a scope when you lose the role.'
      : `What the token may do: some or all of ${whose} roles. It loses a scope when the account loses the role.`,
    items: [...roles.filter(r => r !== 'tokens').sort().map(role => ({ value: role, label: role, checked: checked.includes(role) })),
      { value: 'tokens', label: 'tokens', hint: TOKENS_SCOPE_HINT, checked: checked.includes('tokens') }],
  });
}
