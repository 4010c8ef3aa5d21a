// Modal dialogs on the native <dialog> element: showModal() traps focus, makes the page behind inert and
// closes on Escape (WAI-ARIA "Dialog (Modal)"). Focus goes back to what opened the dialog.
import { h, uid } from './dom.js';

/**
 * Opens a modal dialog. onCancel (Escape) may return false to keep it open. Returns the <dialog>; it is
 * removed from the page when it closes.
 */
export function openDialog({ title, content, actions, onCancel, wide = false, describedBy, className = '' }) {
  const opener = document.activeElement;
  const titleId = uid('dialog-title');
  const dialog = h('dialog', { class: `dialog${wide ? ' wide' : ''}${className ? ` ${className}` : ''}`, 'aria-labelledby': titleId,
    'aria-describedby': describedBy },
    h('h2', { id: titleId }, title),
    content,
    actions ? h('div', { class: 'actions' }, actions) : null);
  dialog.addEventListener('cancel', event => {
    if (onCancel && onCancel() === false) event.preventDefault();
  });
  dialog.addEventListener('close', () => {
    dialog.remove();
    const target = opener && opener.isConnected ? opener : document.querySelector('main h1');
    if (target) target.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}

/** Asks before something destructive; resolves true when confirmed. Focus starts on Cancel. */
export function confirmAction({ title, message, confirm, danger = true }) {
  return new Promise(resolve => {
    let answer = false;
    const messageId = uid('dialog-message');
    const cancel = h('button', { type: 'button', class: 'button secondary', autofocus: true, onclick: () => dialog.close() }, 'Cancel');
    const ok = h('button', {
      type: 'button', class: danger ? 'button danger' : 'button',
      onclick: () => { answer = true; dialog.close(); },
    }, confirm);
    const dialog = openDialog({
      title,
      describedBy: messageId,
      content: h('div', { id: messageId, class: 'dialog-body' }, [message].flat().map(p => (p instanceof Node ? p : h('p', {}, p)))),
      actions: [ok, cancel],
    });
    dialog.addEventListener('close', () => resolve(answer));
  });
}
