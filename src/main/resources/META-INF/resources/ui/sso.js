// Single sign-on through the organisation's OpenID provider: what the sign-in page offers, the one-time code the
// provider's redirect leaves in the URL fragment (traded for a session by POST, so no token is ever in a URL), and
// the reasons a sign-in was refused, in words.
import { api, ApiError } from './api.js';

const REASONS = {
  'local-account': 'An account with your username already exists in patgate and signs in with a password. patgate never hands such an account over to single sign-on: sign in with its password, or ask an administrator to rename or remove it.',
  'name-taken': 'Your username is already taken in patgate by another account (a service account, or someone else at your identity provider). Ask an administrator.',
  disabled: 'Your patgate account is disabled. Ask an administrator to enable it.',
  deleted: 'Your patgate account was deleted by an administrator. Ask an administrator.',
  username: 'Your identity provider did not send a username patgate can use. Ask an administrator to check the single sign-on set-up.',
  state: 'This sign-in could not be completed: it was started in another browser or tab that is gone, took more than 10 minutes, or was already used. Sign in again.',
  token: 'Your identity provider\'s answer could not be verified, so you were not signed in. Try again; if it keeps happening, tell an administrator.',
  provider: 'Your identity provider did not sign you in (the sign-in was cancelled or refused). Try again.',
  unavailable: 'Your identity provider cannot be reached right now. Try again in a few minutes.',
  'not-configured': 'Single sign-on is not set up on this patgate.',
};

/** The sentence for a refused single sign-on's reason code. */
export function ssoRefusal(code) {
  return REASONS[code] || 'Single sign-on did not complete. Try again.';
}

/** How people may sign in here: {sso, displayName, startPath, passwords}; password sign-in only when it cannot be read. */
export async function signInOptions() {
  try {
    const { data } = await api('GET', '/api/v1/auth/oidc', undefined, { signedIn: false });
    return data;
  } catch {
    return { sso: false, passwords: true };
  }
}

/** The URL of the button, coming back to `returnTo` (a path of this site) once signed in. */
export function startUrl(options, returnTo) {
  const path = returnTo && returnTo.startsWith('/') && !returnTo.startsWith('/signin') ? returnTo : '/tokens';
  return `${options.startPath}?returnTo=${encodeURIComponent(path)}`;
}

/**
 * What the provider's redirect left in the fragment, removed from the address bar and history at once:
 * {code} to trade for a session, {error} naming why not, or null.
 */
export function takeFragment() {
  const hash = location.hash;
  if (location.pathname !== '/signin' || !hash.startsWith('#sso')) return null;
  history.replaceState(null, '', '/signin');
  const params = new URLSearchParams(hash.slice(1));
  if (params.get('sso')) return { code: params.get('sso') };
  return { error: params.get('sso-error') || 'unknown' };
}

/** Trades the one-time code for a session: {token, expiresAt, returnTo}. Rejects with a sentence. */
export async function collectSession(code) {
  try {
    const { data } = await api('POST', '/api/v1/auth/oidc/session', { code }, { signedIn: false });
    return data;
  } catch (error) {
    throw new Error(error instanceof ApiError && error.status !== 401 ? error.sentence : ssoRefusal('state'));
  }
}
