// The one module that owns the session and talks to /api/v1. The session token lives in this tab's
// sessionStorage (so a reload keeps you signed in, and closing the tab forgets it), never in
// localStorage or a cookie; token values that the API returns are never stored anywhere.

const KEY = 'patgate.session';

let session = read();

function read() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(KEY));
    if (stored && typeof stored.token === 'string' && typeof stored.expiresAt === 'string'
        && new Date(stored.expiresAt).getTime() > Date.now()) {
      return stored;
    }
  } catch {
    // unreadable: start signed out
  }
  sessionStorage.removeItem(KEY);
  return null;
}

export function currentSession() {
  return session;
}

export function startSession(token, expiresAt) {
  session = { token, expiresAt };
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function endSession() {
  session = null;
  sessionStorage.removeItem(KEY);
}

/** A failed request: the HTTP status and the RFC 9457 problem document. */
export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  /** Errors about one field each, as the API named them ({field, message}). */
  get fieldErrors() {
    return Array.isArray(this.problem.errors) ? this.problem.errors : [];
  }

  /** The failure in words a person can act on. */
  get sentence() {
    switch (this.status) {
      case 0: return 'patgate cannot be reached. Check your connection and try again.';
      case 429: return `Too many attempts. Try again in ${!this.retryAfter ? 'a few seconds' : this.retryAfter === 1 ? '1 second' : `${this.retryAfter} seconds`}.`;
      case 503: return 'patgate cannot reach its database right now. Try again in a moment.';
      default: return this.problem.detail || this.problem.title || `The request failed (HTTP ${this.status}).`;
    }
  }
}

/**
 * Calls the API. Resolves to {data, total} (total from X-Total-Count on lists); rejects with ApiError.
 * A 401 on a signed-in call means the session is over: it is forgotten and 'patgate:session-ended' fires.
 */
export async function api(method, path, body, { signedIn = true } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const sent = signedIn ? session : null;
  if (sent) headers.Authorization = `Bearer ${sent.token}`;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'error',
    });
  } catch {
    throw new ApiError(0, { title: 'Network error' }, 0);
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data && typeof data === 'object' ? data : {},
      Number(response.headers.get('Retry-After')) || 0);
    if (response.status === 401 && sent && session === sent) {
      endSession();
      window.dispatchEvent(new CustomEvent('patgate:session-ended'));
    }
    throw error;
  }
  const total = response.headers.get('X-Total-Count');
  return { data, total: total === null ? null : Number(total) };
}

export { query } from './links.js';
