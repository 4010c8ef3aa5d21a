// Profile: who am I, my roles, where my notices go, and changing my own password.
import { api, currentSession } from './api.js';
import { h, clear } from './dom.js';
import { field, checkboxes, showProblem, clearProblem, busy } from './forms.js';
import { time } from './format.js';
import { vocabulary } from './vocabulary.js';

export async function profileView({ main, app }) {
  const me = app.me;
  const session = currentSession();
  const current = field({ label: 'Current password', name: 'currentPassword', type: 'password', autocomplete: 'current-password', required: true });
  const next = field({ label: 'New password', name: 'newPassword', type: 'password', autocomplete: 'new-password', required: true,
    minlength: app.policy.password.minLength,
    hint: `At least ${app.policy.password.minLength} characters. A long passphrase of several words is best.` });
  const submit = h('button', { type: 'submit', class: 'button' }, 'Change password');
  const done = h('p', { class: 'success', role: 'status', hidden: true });
  const form = h('form', { class: 'card form', novalidate: true, 'aria-labelledby': 'password-title' },
    h('h2', { id: 'password-title' }, 'Change password'),
    h('p', { class: 'hint' }, 'Your other sessions are signed out. Your personal access tokens keep working.'),
    done,
    // for password managers: whose password this is
    h('input', { type: 'text', name: 'username', autocomplete: 'username', value: me.username, hidden: true, readOnly: true, tabindex: '-1' }),
    current, next, submit);
  const fields = { currentPassword: current, newPassword: next };

  form.addEventListener('submit', async event => {
    event.preventDefault();
    done.hidden = true;
    const problems = [
      ...(current.control.value ? [] : [{ field: 'currentPassword', message: 'is required' }]),
      ...(next.control.value ? [] : [{ field: 'newPassword', message: 'is required' }]),
    ];
    if (problems.length) {
      showProblem(form, { fieldErrors: problems }, fields);
      return;
    }
    await busy(submit, async () => {
      try {
        await api('POST', '/api/v1/me/password', { currentPassword: current.control.value, newPassword: next.control.value });
        clearProblem(form, fields);
        current.control.value = '';
        next.control.value = '';
        done.textContent = 'Your password was changed. Your other sessions were signed out; your tokens keep working.';
        done.hidden = false;
        done.focus();
      } catch (error) {
        if (error.status === 401) return;
        if (error.status === 403) {
          showProblem(form, { fieldErrors: [{ field: 'currentPassword', message: 'is wrong' }] }, fields);
        } else {
          showProblem(form, error, fields);
        }
        current.control.value = '';
      }
    });
  });
  done.tabIndex = -1;

  const notices = await noticesForm();

  main.append(
    h('h1', { tabindex: '-1' }, 'Profile'),
    h('section', { class: 'card', 'aria-labelledby': 'account-title' },
      h('h2', { id: 'account-title' }, 'Your account'),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Username'), h('dd', {}, me.username),
        h('dt', {}, 'Roles'), h('dd', {}, me.roles.length ? h('ul', { class: 'chips' }, me.roles.map(r => h('li', {}, r)))
          : h('span', { class: 'muted' }, 'None')),
        h('dt', {}, 'Session ends'), h('dd', {}, session ? time(session.expiresAt, { withExact: true }) : '—'))),
    notices,
    form);
}

async function noticesForm() {
  const { data: settings } = await api('GET', '/api/v1/me/notices');
  const email = field({ label: 'Email', name: 'email', type: 'email', value: settings.email || '', autocomplete: 'email', spellcheck: false,
    hint: 'Leave empty for no email. A new address gets a confirmation link first: nothing else is sent to it until you open that link.' });
  const kinds = checkboxes({ legend: 'Email me when', name: 'emailNotices', prose: true,
    items: vocabulary.emailNotices.map(k => ({ ...k, checked: settings.emailNotices.includes(k.value) })) });
  const fields = { email, emailNotices: kinds };
  const submit = h('button', { type: 'submit', class: 'button' }, 'Save notice settings');
  const done = h('p', { class: 'success', role: 'status', hidden: true, tabindex: '-1' });
  const status = h('div', { class: 'email-status', 'aria-live': 'polite' });
  const form = h('form', { class: 'card form', novalidate: true, 'aria-labelledby': 'notices-title' },
    h('h2', { id: 'notices-title' }, 'Notices'),
    settings.emailEnabled ? null : h('div', { class: 'notice' }, h('strong', {}, 'This server sends no email yet.'),
      h('p', {}, 'Your settings are kept and take effect once an administrator sets up mail.')),
    done, email, status, kinds, submit);
  showStatus(settings);

  /** Whether the saved address is confirmed, and a way to have the link sent again while it is not. */
  function showStatus(current) {
    clear(status);
    if (!current.email) return;
    if (current.emailConfirmed) {
      status.append(h('p', {}, 'Address ', h('span', { class: 'badge active' }, 'Confirmed'), ': notices are mailed to ', h('strong', {}, current.email), '.'));
      return;
    }
    status.append(h('p', {}, 'Address ', h('span', { class: 'badge soon' }, 'Unconfirmed'), ': nothing is mailed to ',
      h('strong', {}, current.email), ' until you open the link sent to it. ',
      current.confirmationSentAt ? ['The last link was sent ', time(current.confirmationSentAt), '.']
        : 'No confirmation mail went out yet.'));
    if (!current.emailEnabled) return;
    const resend = h('button', { type: 'button', class: 'button secondary small' }, 'Resend confirmation');
    resend.addEventListener('click', () => busy(resend, async () => {
      done.hidden = true;
      try {
        const { data } = await api('POST', '/api/v1/me/notices/confirmation');
        clearProblem(form, fields);
        showStatus(data);
        done.textContent = data.confirmationSentAt ? `Sent a new confirmation link to ${data.email}. The earlier one no longer works.`
          : `The confirmation mail to ${data.email} could not be sent. Try again later.`;
        done.hidden = false;
        done.focus();
      } catch (error) {
        if (error.status === 401) return;
        showProblem(form, error.status === 429 ? { sentence: error.problem.detail || error.sentence } : error, fields);
      }
    }));
    status.append(resend);
  }

  form.addEventListener('submit', async event => {
    event.preventDefault();
    done.hidden = true;
    await busy(submit, async () => {
      try {
        const { data } = await api('PATCH', '/api/v1/me/notices', { email: email.control.value.trim(), emailNotices: kinds.values() });
        clearProblem(form, fields);
        email.control.value = data.email || '';
        showStatus(data);
        done.textContent = !data.email ? 'Saved. You get no email.'
          : data.emailConfirmed ? `Saved. Notices go to ${data.email}.`
            : data.confirmationSentAt ? `Saved. We sent a confirmation link to ${data.email}: notices go there once you open it.`
              : !data.emailEnabled ? `Saved. Notices go to ${data.email} once mail is set up and the address is confirmed.`
                : `Saved, but the confirmation mail to ${data.email} could not be sent. Use Resend confirmation.`;
        done.hidden = false;
        done.focus();
      } catch (error) {
        if (error.status === 401) return;
        showProblem(form, error.status === 429 ? { sentence: error.problem.detail || error.sentence } : error, fields);
      }
    });
  });
  return form;
}
