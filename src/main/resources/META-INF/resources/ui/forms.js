// Form fields with visible labels, hints and errors (GOV.UK Design System patterns): an error is shown
// beside its field and in a summary at the top of the form, and focus moves to the summary.
import { h, uid } from './dom.js';

/**
 * A labelled control. kind is 'input' (default), 'textarea' or 'select' (with options [{value, label}]).
 * Returns the wrapper; wrapper.control is the control, wrapper.showError(text) marks it.
 */
export function field({ label, name, kind = 'input', hint, options, ...props }) {
  const id = uid(name || 'field');
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const control = kind === 'select'
    ? h('select', { id, name, 'aria-describedby': hintId, ...props },
      (options || []).map(o => h('option', { value: o.value, selected: o.selected }, o.label)))
    : h(kind, { id, name, 'aria-describedby': hintId, ...props });
  const error = h('p', { id: errorId, class: 'field-error', hidden: true });
  const wrapper = h('div', { class: 'field' },
    h('label', { for: id }, label),
    hint ? h('p', { id: hintId, class: 'hint' }, hint) : null,
    error,
    control);
  wrapper.control = control;
  wrapper.label = label;
  wrapper.showError = text => {
    error.textContent = text;
    error.hidden = !text;
    wrapper.classList.toggle('has-error', Boolean(text));
    control.setAttribute('aria-invalid', text ? 'true' : 'false');
    const described = [hintId, text ? errorId : null].filter(Boolean).join(' ');
    if (described) control.setAttribute('aria-describedby', described);
    else control.removeAttribute('aria-describedby');
  };
  return wrapper;
}

/** A group of checkboxes under a legend. items: [{value, label, hint, checked}]; labels are code (scopes, events) unless prose. */
export function checkboxes({ legend, hint, name, items, prose = false }) {
  const hintId = hint ? uid('hint') : null;
  const errorId = uid('error');
  const error = h('p', { id: errorId, class: 'field-error', hidden: true });
  const boxes = items.map(item => {
    const id = uid(name);
    const itemHintId = item.hint ? `${id}-hint` : null;
    const box = h('input', { type: 'checkbox', id, name, value: item.value, checked: item.checked, 'aria-describedby': itemHintId });
    return h('div', { class: 'checkbox' }, box, h('label', { for: id }, item.label),
      item.hint ? h('p', { id: itemHintId, class: 'hint' }, item.hint) : null);
  });
  const fieldset = h('fieldset', { class: prose ? 'field prose' : 'field', 'aria-describedby': hintId },
    h('legend', {}, legend), hint ? h('p', { id: hintId, class: 'hint' }, hint) : null, error,
    items.length ? boxes : h('p', { class: 'hint' }, 'None available.'));
  fieldset.label = legend;
  fieldset.control = fieldset.querySelector('input') || fieldset;
  fieldset.values = () => [...fieldset.querySelectorAll('input[type=checkbox]:checked')].map(b => b.value);
  fieldset.showError = text => {
    error.textContent = text;
    error.hidden = !text;
    fieldset.classList.toggle('has-error', Boolean(text));
  };
  return fieldset;
}

/**
 * Shows a failure on a form: each {field, message} beside its field (fields maps API field names, and
 * name prefixes such as 'allowedCidrs', to field wrappers), and everything in a summary at the top that
 * receives focus.
 */
export function showProblem(form, error, fields = {}) {
  clearProblem(form, fields);
  const items = [];
  for (const { field: name, message } of error.fieldErrors || []) {
    const key = Object.keys(fields).find(k => name === k || name.startsWith(`${k}[`) || name.startsWith(`${k}.`));
    const wrapper = key ? fields[key] : null;
    const index = /\[(\d+)\]/.exec(name);
    const where = index && key ? ` (line ${Number(index[1]) + 1})` : '';
    const text = wrapper ? `${wrapper.label}${where} ${message}` : `${name} ${message}`;
    if (wrapper) wrapper.showError(text);
    items.push({ text, target: wrapper ? wrapper.control : null });
  }
  if (!items.length) items.push({ text: error.sentence || String(error.message || error), target: null });
  const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1' },
    h('h2', {}, 'There is a problem'),
    h('ul', {}, items.map(item => h('li', {}, item.target
      ? h('a', { href: `#${item.target.id}`, onclick: event => { event.preventDefault(); item.target.focus(); } }, item.text)
      : item.text))));
  form.prepend(summary);
  summary.focus();
}

export function clearProblem(form, fields = {}) {
  form.querySelectorAll(':scope > .error-summary').forEach(s => s.remove());
  Object.values(fields).forEach(f => f.showError(''));
}

/** Runs an async submit with the button disabled, so a double click sends once. */
export async function busy(button, work) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}
