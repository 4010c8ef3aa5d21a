// The words the API speaks, as /api/v1/policy serves them (from the server's own types): revocation reasons,
// webhook events, email notices, audit actions. Set once at sign-in, before any view renders.
export const vocabulary = { revokeReasons: [], noticeEvents: [], emailNotices: [], auditActions: [] };

export function setVocabulary(policy) {
  Object.assign(vocabulary, policy.vocabularies || {});
}

/** What a revocation reason means, or the reason itself for one this page does not know. */
export function reasonLabel(reason) {
  const known = vocabulary.revokeReasons.find(r => r.value === reason);
  return known ? known.description : reason;
}
