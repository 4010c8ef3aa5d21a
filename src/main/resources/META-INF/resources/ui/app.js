// The shell: the top bar, the client-side views, and when to show sign-in (signin.js). Views are plain modules that render into
// <main>; the URL names the view, so a reload, the back button and links from a team's docs all work.
import { api, currentSession, endSession, startSession, ApiError } from './api.js';
import { h, clear } from './dom.js';
import { tokensView } from './tokens.js';
import { newTokenView } from './token-form.js';
import { profileView } from './profile.js';
import { usersView } from './admin-users.js';
import { auditView } from './admin-audit.js';
import { keysView } from './admin-keys.js';
import { webhooksView, deliveriesView } from './webhooks.js';
import { confirmEmailView } from './confirm-email.js';
import { signInView } from './signin.js';
import { serviceAccountsView, serviceAccountView, newServiceAccountTokenView } from './service-accounts.js';
import { takeFragment, collectSession, ssoRefusal } from './sso.js';
import { setVocabulary } from './vocabulary.js';

const main = document.getElementById('main');
const topbar = document.getElementById('topbar');

/** What every view may read: who is signed in, whether they manage a service account, and the deployment's limits. */
export const app = { me: null, policy: null, managesServiceAccounts: false, navigate, render, sessionEnded: message => sessionEnded(message) };

const VIEWS = {
  '/': { title: 'Tokens', render: ctx => tokensView(ctx) },
  '/tokens': { title: 'Tokens', render: ctx => tokensView(ctx) },
  '/tokens/new': { title: 'Generate token', render: ctx => newTokenView(ctx) },
  '/profile': { title: 'Profile', render: ctx => profileView(ctx) },
  '/admin/users': { title: 'Users', admin: true, render: ctx => usersView(ctx) },
  '/admin/tokens': { title: 'All tokens', admin: true, render: ctx => tokensView({ ...ctx, admin: true }) },
  '/admin/audit': { title: 'Audit log', admin: true, render: ctx => auditView(ctx) },
  '/admin/keys': { title: 'Signing keys', admin: true, render: ctx => keysView(ctx) },
  '/admin/webhooks': { title: 'Webhooks', admin: true, render: ctx => webhooksView(ctx) },
  '/admin/webhooks/deliveries': { title: 'Deliveries', admin: true, render: ctx => deliveriesView(ctx) },
  '/service-accounts': { title: 'Service accounts', serviceAccounts: true, render: ctx => serviceAccountsView(ctx) },
  '/service-accounts/account': { title: 'Service account', serviceAccounts: true, render: ctx => serviceAccountView(ctx) },
  '/service-accounts/tokens/new': { title: 'Generate token', serviceAccounts: true, render: ctx => newServiceAccountTokenView(ctx) },
};

const NAV = [
  { path: '/tokens', label: 'Tokens' },
  { path: '/profile', label: 'Profile' },
  { path: '/admin/users', label: 'Users', admin: true },
  { path: '/admin/tokens', label: 'All tokens', admin: true },
  { path: '/admin/audit', label: 'Audit log', admin: true },
  { path: '/admin/keys', label: 'Signing keys', admin: true },
  { path: '/admin/webhooks', label: 'Webhooks', admin: true },
  // for admins among the admin pages; for the managers of a service account beside their own pages
  { path: '/service-accounts', label: 'Service accounts', serviceAccounts: true },
];

let sessionTimer;
let renderCount = 0;

function isAdmin() {
  return Boolean(app.me && app.me.roles.includes('admin'));
}

function seesServiceAccounts() {
  return isAdmin() || app.managesServiceAccounts;
}

function allowed(entry) {
  return (!entry.admin || isAdmin()) && (!entry.serviceAccounts || seesServiceAccounts());
}

function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  return render();
}

async function render() {
  if (!app.me) return;
  const path = location.pathname === '/signin' ? '/tokens' : location.pathname;
  if (location.pathname === '/signin') history.replaceState(null, '', '/tokens');
  const current = ++renderCount;
  try {
    await refreshAccount();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return; // the session-ended handler shows sign-in
  }
  if (current !== renderCount) return;
  markNav(path);
  const view = VIEWS[path] && allowed(VIEWS[path]) ? VIEWS[path] : null;
  clear(main);
  if (!view) {
    document.title = 'Not found · patgate';
    main.append(h('h1', { tabindex: '-1' }, 'Page not found'),
      h('p', {}, 'There is nothing here. ', h('a', { href: '/tokens' }, 'Go to your tokens'), '.'));
    return;
  }
  document.title = `${view.title} · patgate`;
  try {
    await view.render({ main, params: new URLSearchParams(location.search), app, isCurrent: () => current === renderCount });
  } catch (error) {
    if (current !== renderCount || (error instanceof ApiError && error.status === 401)) return;
    clear(main);
    main.append(h('h1', { tabindex: '-1' }, view.title),
      h('div', { class: 'error-summary', role: 'alert' }, h('h2', {}, 'This page could not be loaded'),
        h('p', {}, error instanceof ApiError ? error.sentence : 'Something went wrong while showing this page.')),
      h('button', { type: 'button', class: 'button', onclick: () => render() }, 'Try again'));
  }
  if (current === renderCount && renderCount > 1) {
    const heading = main.querySelector('h1');
    if (heading && !main.contains(document.activeElement)) heading.focus();
  }
}

function markNav(path) {
  topbar.querySelectorAll('nav a').forEach(a => {
    const href = a.getAttribute('href');
    const active = href === path || (path === '/' && href === '/tokens') || (href === '/service-accounts' && path.startsWith('/service-accounts/'));
    if (active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
}

function renderTopbar() {
  clear(topbar);
  topbar.hidden = false;
  const links = NAV.filter(allowed);
  const user = links.filter(item => !item.admin && !(item.serviceAccounts && isAdmin()));
  const admin = links.filter(item => item.admin || (item.serviceAccounts && isAdmin()));
  topbar.append(
    h('a', { class: 'brand', href: '/tokens' }, h('img', { src: '/favicon.svg', alt: '', width: 24, height: 24 }), 'patgate'),
    h('nav', { 'aria-label': 'Main' },
      h('ul', {}, user.map(item => h('li', {}, h('a', { href: item.path }, item.label)))),
      admin.length ? h('ul', { class: 'admin-nav', 'aria-label': 'Administration' },
        admin.map(item => h('li', {}, h('a', { href: item.path }, item.label)))) : null),
    h('div', { class: 'who' },
      h('span', { class: 'signed-in-as' }, 'Signed in as ', h('strong', {}, app.me.username)),
      h('button', { type: 'button', class: 'button secondary small', onclick: signOut }, 'Sign out')));
}

async function signOut() {
  try {
    await api('POST', '/api/v1/auth/logout');
  } catch {
    // the session is forgotten here whatever the server said; it expires by itself anyway
  }
  endSession();
  showSignIn('You have signed out.');
}

function sessionEnded(message) {
  clearTimeout(sessionTimer);
  endSession();
  // close (not remove) so each dialog cleans up; the dialog showing a new token's value stays, since the
  // value works whatever happens to the session, and this is the only time it can be copied
  document.querySelectorAll('dialog[open]:not(.shown-once)').forEach(d => d.close());
  showSignIn(message);
}

function watchExpiry() {
  clearTimeout(sessionTimer);
  const session = currentSession();
  if (!session) return;
  const left = new Date(session.expiresAt).getTime() - Date.now();
  sessionTimer = setTimeout(() => sessionEnded('Your session expired. Sign in again to continue.'), Math.max(0, Math.min(left, 2 ** 31 - 1)));
}

/**
 * Each view starts by asking who is signed in: a session ended elsewhere (signed out in another tab,
 * a password reset) is noticed at once, and changed roles show (or hide) the admin pages.
 */
async function refreshAccount() {
  const [{ data }, manages] = await Promise.all([api('GET', '/api/v1/me'), managesServiceAccounts()]);
  const changed = JSON.stringify(data.roles) !== JSON.stringify(app.me.roles) || manages !== app.managesServiceAccounts;
  app.me = data;
  app.managesServiceAccounts = manages;
  if (changed) renderTopbar();
}

/** Whether the person manages a service account: for anyone but an admin, the list holds only theirs. */
async function managesServiceAccounts() {
  const { total } = await api('GET', '/api/v1/service-accounts?size=1');
  return total > 0;
}

/** Who is signed in and the limits; a 401 here means the stored session is no longer good. */
async function loadAccount() {
  const [me, policy, manages] = await Promise.all([api('GET', '/api/v1/me'), api('GET', '/api/v1/policy'), managesServiceAccounts()]);
  app.me = me.data;
  app.policy = policy.data;
  setVocabulary(app.policy);
  app.managesServiceAccounts = manages;
}

/**
 * The sign-in page: `Sign in with <provider>` when single sign-on is configured, the password form unless password
 * sign-in is off (then only at /signin?break-glass, for the break-glass accounts), and why the last attempt failed.
 */
async function showSignIn(message, { error = false } = {}) {
  app.me = null;
  topbar.hidden = true;
  clear(topbar);
  await signInView({ main, message, error, onSignedIn: enter });
}

/** Back from the provider: trade the fragment's one-time code for a session, or say why there is none. */
async function finishSingleSignOn(fragment) {
  if (fragment.error) {
    await showSignIn(ssoRefusal(fragment.error), { error: true });
    return;
  }
  try {
    const session = await collectSession(fragment.code);
    startSession(session.token, session.expiresAt);
    history.replaceState(null, '', session.returnTo || '/tokens');
    await enter();
  } catch (error) {
    await showSignIn(error.message, { error: true });
  }
}

async function enter() {
  await loadAccount();
  renderTopbar();
  watchExpiry();
  await render();
}


document.addEventListener('click', event => {
  const link = event.target.closest('a[href]');
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey
      || link.target || link.hasAttribute('download')) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/q/')) return;
  if (!(url.pathname in VIEWS)) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
});

window.addEventListener('popstate', () => render());
// another confirmation link pasted into this tab only changes the fragment: the page does not load again
window.addEventListener('hashchange', () => {
  if (location.pathname === '/confirm-email' && location.hash.length > 1) confirmEmailView({ main, topbar });
});
window.addEventListener('patgate:session-ended', () => sessionEnded('Your session has ended. Sign in again to continue.'));

async function start() {
  if (location.pathname === '/confirm-email') {
    // a link from a confirmation mail: it works signed in or not, for whoever holds it
    confirmEmailView({ main, topbar });
    return;
  }
  const fragment = takeFragment();
  if (fragment) {
    await finishSingleSignOn(fragment);
    return;
  }
  if (!currentSession()) {
    await showSignIn();
    return;
  }
  try {
    await enter();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return; // the session-ended handler has shown sign-in
    endSession();
    showSignIn(error instanceof ApiError ? error.sentence : 'patgate could not be loaded.');
  }
}

start();
