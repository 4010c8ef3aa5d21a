// Building the page from data without ever parsing data as HTML: every string becomes a text node or a
// property, so a token named <img src=x onerror=alert(1)> is shown as exactly those characters.

/** Creates an element: props are set as properties where the element has one, otherwise as attributes. */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null) continue;
    if (value === false && !(key in el)) continue; // a false attribute is an absent one; a false property is set
    if (key === 'class') el.className = value;
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key in el && !key.includes('-') && key !== 'list' && key !== 'form') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Appends nodes and strings (as text), skipping null, undefined and false; arrays are flattened. */
export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

let counter = 0;
/** A page-unique id, for label/for and aria-describedby pairs. */
export function uid(prefix = 'id') {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** Text only screen readers hear. */
export function hidden(text) {
  return h('span', { class: 'visually-hidden' }, text);
}

let toastTimer;
/** A short status message in the live region (announced politely, fades after a while). */
export function toast(message) {
  const region = document.getElementById('toast');
  region.textContent = message;
  region.classList.add('shown');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => region.classList.remove('shown'), 6000);
}
