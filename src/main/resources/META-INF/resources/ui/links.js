// Links and query strings, and the links that fill the "Generate token" form in
// (/tokens/new?name=deploy-bot&scopes=deploy,devices:read&expiresInDays=30&allowedCidrs=10.0.0.0/8).
// Pure: no page, no API (unit-tested with node --test, src/test/js).

/** Builds a query string from the non-empty values of params. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** A link to the generate form, filled in like this token (name, description, scopes, networks). */
export function similarLink(token) {
  return `/tokens/new${query({
    name: token.name,
    description: token.description || '',
    scopes: token.scopes.join(','),
    allowedCidrs: token.allowedCidrs.join(','),
  })}`;
}

/** The values of a repeatable, comma- or space-separated parameter. */
export function list(params, key) {
  return params.getAll(key).flatMap(v => v.split(/[,\s]+/)).map(v => v.trim()).filter(Boolean);
}

/**
 * What a link (its URLSearchParams) fills the form in with, given the scopes on offer (roles): whether it filled
 * anything in, the name and description (cut to their limits), the scopes it asks for (all roles but "tokens" when it
 * names none) and those it asks for that are not on offer (left out, and said so), the days, and the networks.
 */
export function prefill(params, roles) {
  const scopes = params.has('scopes') ? list(params, 'scopes') : roles.filter(r => r !== 'tokens');
  return {
    prefilled: ['name', 'description', 'scopes', 'expiresInDays', 'allowedCidrs'].some(k => params.has(k)),
    name: (params.get('name') || '').slice(0, 64),
    description: (params.get('description') || '').slice(0, 256),
    scopes,
    unknownScopes: scopes.filter(s => s !== 'tokens' && !roles.includes(s)),
    days: params.has('expiresInDays') ? Number(params.get('expiresInDays')) : undefined,
    allowedCidrs: list(params, 'allowedCidrs'),
  };
}
