// A form in a dialog, as the admin and service-account views ask for one: its fields, a submit button and Cancel;
// a problem from the API is shown on the form, which stays open, and a success closes it.
import { h } from './dom.js';
import { showProblem, busy } from './forms.js';
import { openDialog } from './dialog.js';

/** A form in a dialog: fields, a submit button, Cancel; send() runs on submit, done(result) gives the toast. */
export function formDialog({ title, fields, extra = [], submitLabel, intro, send, done, wide = false }) {
  const submit = h('button', { type: 'submit', class: 'button' }, submitLabel);
  const form = h('form', { class: 'dialog-body', novalidate: true }, intro ? h('p', {}, intro) : null, Object.values(fields), extra,
    h('div', { class: 'actions' }, submit, h('button', { type: 'button', class: 'button secondary', onclick: () => dialog.close() }, 'Cancel')));
  const dialog = openDialog({ title, content: form, wide });
  form.addEventListener('submit', async event => {
    event.preventDefault();
    await busy(submit, async () => {
      try {
        const result = await send(form);
        if (result === false) return;
        dialog.close();
        await done(result);
      } catch (error) {
        if (error.status === 401) return;
        showProblem(form, error, fields);
      }
    });
  });
  Object.values(fields)[0].control.focus();
  return dialog;
}
