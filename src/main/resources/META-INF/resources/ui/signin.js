// Sign-in: the form, and what a wrong password, a throttle or an unreachable server says. The session it starts is
// kept by api.js; the shell (app.js) decides when to show this and what follows.
import { api, startSession, ApiError } from './api.js';
import { h, clear } from './dom.js';
import { field, showProblem, busy } from './forms.js';
import { signInOptions, startUrl } from './sso.js';

/**
 * Shows the sign-in page in main: `Sign in with <provider>` when single sign-on is configured, the password form unless
 * password sign-in is off (then only at /signin?break-glass, for the break-glass accounts), and message above them
 * (an alert when error). onSignedIn() runs once a session has started.
 */
export async function signInView({ main, message, error = false, onSignedIn }) {
  clear(main);
  document.title = 'Sign in · patgate';
  const returnTo = location.pathname === '/signin' || location.pathname === '/' ? '/tokens' : location.pathname + location.search;
  const breakGlass = new URLSearchParams(location.search).has('break-glass');
  const options = await signInOptions();
  const showPasswords = options.passwords || breakGlass;
  const sso = options.sso
    ? h('div', { class: 'sso' }, h('a', { class: 'button', href: startUrl(options, returnTo) }, `Sign in with ${options.displayName}`))
    : null;
  const username = field({ label: 'Username', name: 'username', autocomplete: 'username', autocapitalize: 'none', spellcheck: false, required: true });
  const password = field({ label: 'Password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'button' }, 'Sign in');
  const notice = !message ? null : error
    ? h('div', { class: 'error-summary', role: 'alert' }, h('h2', {}, 'You are not signed in'), h('p', {}, message))
    : h('p', { class: 'notice', role: 'status' }, message);
  const form = h('form', { class: 'signin card', novalidate: true, 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title', tabindex: '-1' }, 'Sign in to patgate'),
    notice, sso,
    sso && showPasswords ? h('p', { class: 'hint center' }, breakGlass && !options.passwords ? 'Break-glass sign-in with a password' : 'or with a password') : null,
    showPasswords ? [username, password, submit] : null);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const fields = { username, password };
    if (!username.control.value.trim() || !password.control.value) {
      showProblem(form, {
        fieldErrors: [
          ...(username.control.value.trim() ? [] : [{ field: 'username', message: 'is required' }]),
          ...(password.control.value ? [] : [{ field: 'password', message: 'is required' }]),
        ],
      }, fields);
      return;
    }
    await busy(submit, async () => {
      try {
        const { data } = await api('POST', '/api/v1/auth/login',
          { username: username.control.value.trim(), password: password.control.value }, { signedIn: false });
        startSession(data.token, data.expiresAt);
        password.control.value = '';
        await onSignedIn();
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        const sentence = error.status === 401 ? 'The username or password is wrong.'
          : error.status === 429 ? `Too many failed sign-ins. Wait ${seconds(error.retryAfter)}, then try again.`
            : error.sentence;
        showProblem(form, { sentence }, fields);
        password.control.value = '';
      }
    });
  });
  main.append(h('div', { class: 'signin-page' }, form,
    h('p', { class: 'hint center' }, 'patgate issues personal access tokens: long-lived credentials for CI pipelines, scheduled jobs and scripts.')));
  if (showPasswords) username.control.focus();
  else form.querySelector('a.button')?.focus();
}

function seconds(n) {
  return !n ? 'a few seconds' : n === 1 ? '1 second' : `${n} seconds`;
}
