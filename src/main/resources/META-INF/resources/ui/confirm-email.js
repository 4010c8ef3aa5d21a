// The page a confirmation mail links to (/confirm-email#<secret>): it confirms an address for notices, whether
// or not anyone is signed in here, and only when its button is pressed (a mail scanner that opens the link
// confirms nothing). The secret travels in the fragment, which browsers never send to a server, and is taken
// off the address bar at once.
import { api, ApiError } from './api.js';
import { h, clear } from './dom.js';
import { showProblem, busy } from './forms.js';

export function confirmEmailView({ main, topbar }) {
  const secret = location.hash.slice(1);
  history.replaceState(null, '', '/confirm-email');
  document.title = 'Confirm email address · patgate';
  topbar.hidden = true;
  clear(topbar);
  clear(main);
  const submit = h('button', { type: 'submit', class: 'button' }, 'Confirm email address');
  const form = h('form', { class: 'signin card', novalidate: true, 'aria-labelledby': 'confirm-title' },
    h('h1', { id: 'confirm-title', tabindex: '-1' }, 'Confirm your email address'),
    h('p', {}, 'A patgate account asked for notices about its personal access tokens to be emailed to the address this link was sent to. '
      + 'Confirm only if that was you or your team.'),
    submit);
  const home = () => h('p', {}, h('a', { href: '/', onclick: event => { event.preventDefault(); location.assign('/'); } }, 'Go to patgate'));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    await busy(submit, async () => {
      try {
        const { data } = await api('POST', '/api/v1/email-confirmations', { token: secret }, { signedIn: false });
        clear(main);
        main.append(h('div', { class: 'signin-page' }, h('div', { class: 'signin card', role: 'status' },
          h('h1', { tabindex: '-1' }, 'Address confirmed'),
          h('p', {}, 'Notices about the tokens of the patgate account ', h('strong', {}, data.username), ' now go to ',
            h('strong', {}, data.email), '.'),
          home())));
        main.querySelector('h1').focus();
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        showProblem(form, { sentence: error.status === 400
          ? 'This link does not work any more: it was used already, a newer one was sent, it expired, or the address was changed since. '
            + 'Ask for a new one on your profile (Resend confirmation).'
          : error.sentence });
      }
    });
  });
  main.append(h('div', { class: 'signin-page' }, form, home()));
  if (!secret) {
    showProblem(form, { sentence: 'This link is incomplete. Open the whole link from the mail, or copy all of it into the address bar.' });
    submit.disabled = true;
  } else {
    submit.focus();
  }
}
