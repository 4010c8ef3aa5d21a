// What a token's status badge says, revocation reasons in the words /api/v1/policy serves. Pure: no page, no API (unit-tested with node --test, src/test/js).

import { reasonLabel } from './vocabulary.js';

const SOON = 7 * 86400 * 1000;


/** What a token's badge says: Active, Expiring soon (under 7 days), Expired or Revoked (with why). */
export function badge(token, now = Date.now()) {
  if (token.status === 'revoked') return { label: 'Revoked', kind: 'revoked', note: reasonLabel(token.revokedReason) };
  if (token.status === 'expired') return { label: 'Expired', kind: 'expired' };
  if (token.expiresAt && new Date(token.expiresAt).getTime() - now < SOON) return { label: 'Expiring soon', kind: 'soon' };
  return { label: 'Active', kind: 'active' };
}
