// What a token's status badge says. Pure: no page, no API (unit-tested with node --test, src/test/js).

const SOON = 7 * 86400 * 1000;

const REASONS = {
  owner: 'by its owner',
  admin: 'by an admin',
  'leak-report': 'after a leak report',
  regenerated: 'replaced',
  'user-disabled': 'owner disabled',
  'user-deleted': 'owner deleted',
  unused: 'unused too long, retired',
};

/** What a token's badge says: Active, Expiring soon (under 7 days), Expired or Revoked (with why). */
export function badge(token, now = Date.now()) {
  if (token.status === 'revoked') return { label: 'Revoked', kind: 'revoked', note: REASONS[token.revokedReason] || token.revokedReason };
  if (token.status === 'expired') return { label: 'Expired', kind: 'expired' };
  if (token.expiresAt && new Date(token.expiresAt).getTime() - now < SOON) return { label: 'Expiring soon', kind: 'soon' };
  return { label: 'Active', kind: 'active' };
}
