// badges.js: what the token list's status column says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UI } from './support/ui.js';

const { badge } = await import(new URL('badges.js', UI));
const { setVocabulary } = await import(new URL('vocabulary.js', UI));

const NOW = Date.parse('2027-01-31T12:00:00Z');
const inDays = days => new Date(NOW + days * 86400000).toISOString();

test('a token far from its expiry, or never expiring, is Active', () => {
  assert.deepEqual(badge({ status: 'active', expiresAt: inDays(30) }, NOW), { label: 'Active', kind: 'active' });
  assert.deepEqual(badge({ status: 'active', expiresAt: null }, NOW), { label: 'Active', kind: 'active' });
});

test('under 7 days from its expiry it is Expiring soon; at 7 days not yet', () => {
  assert.deepEqual(badge({ status: 'active', expiresAt: inDays(6.9) }, NOW), { label: 'Expiring soon', kind: 'soon' });
  assert.deepEqual(badge({ status: 'active', expiresAt: inDays(7) }, NOW), { label: 'Active', kind: 'active' });
});

test('expired and revoked say so, revoked with its reason in words', () => {
  assert.deepEqual(badge({ status: 'expired', expiresAt: inDays(-1) }, NOW), { label: 'Expired', kind: 'expired' });
  const reasons = {
    owner: 'by its owner', admin: 'by an admin', 'leak-report': 'after a leak report',
    'user-disabled': 'owner disabled', 'user-deleted': 'owner deleted', unused: 'unused too long, retired',
  };
  // as GET /api/v1/policy serves them (domain/RevokeReason)
  setVocabulary({ vocabularies: { revokeReasons: Object.entries(reasons).map(([value, description]) => ({ value, description })) } });
  for (const [reason, note] of Object.entries(reasons)) {
    assert.deepEqual(badge({ status: 'revoked', revokedReason: reason, expiresAt: inDays(1) }, NOW),
      { label: 'Revoked', kind: 'revoked', note });
  }
});

test('a reason this page does not know yet is shown as the API names it', () => {
  assert.equal(badge({ status: 'revoked', revokedReason: 'scim-deprovisioned' }, NOW).note, 'scim-deprovisioned');
});
