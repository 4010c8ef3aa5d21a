// Administration: webhooks (where notices go) and each one's recent deliveries, which an admin can send again.
import { api, query } from './api.js';
import { PAGE_SIZE, pager, guarded } from './lists.js';
import { h, clear, toast } from './dom.js';
import { field, checkboxes, showProblem, busy } from './forms.js';
import { openDialog, confirmAction } from './dialog.js';
import { time, plural } from './format.js';
import { vocabulary } from './vocabulary.js';

/** A random secret the admin copies into the receiver: 32 bytes, hex. */
function randomSecret() {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return [...bytes].map(b => b.toString(16).padStart(2, '0')).join('');
}

export async function webhooksView({ main, isCurrent, app }) {
  const { navigate } = app;
  const list = h('div', { class: 'list' });
  const summary = h('p', { class: 'summary', 'aria-live': 'polite' });
  main.append(
    h('div', { class: 'page-head' }, h('div', {}, h('h1', { tabindex: '-1' }, 'Webhooks'),
      h('p', { class: 'lead' }, 'patgate sends a signed JSON POST to each webhook when a token is about to expire, expires, is revoked, '
        + 'is used from a new address, is reported leaked or is retired unused. Receivers check the X-Patgate-Signature-256 '
        + 'header (an HMAC-SHA256, with the secret, of X-Patgate-Timestamp and the body), refuse a timestamp more than 5 minutes '
        + 'from their clock, and drop repeats of an X-Patgate-Delivery they have seen.')),
    h('button', { type: 'button', class: 'button', onclick: () => editHook(null) }, 'Add webhook')),
    summary, list);

  const reload = guarded(load, list);

  async function load() {
    const { data, total } = await api('GET', `/api/v1/admin/webhooks${query({ size: 100 })}`);
    if (!isCurrent()) return;
    summary.textContent = plural(total, 'webhook', 'webhooks');
    clear(list);
    list.append(data.length ? h('table', { class: 'responsive' },
      h('caption', { class: 'visually-hidden' }, 'Webhooks'),
      h('thead', {}, h('tr', {}, ['URL', 'Events', 'Status', 'Changed', 'Actions'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, data.map(row)))
      : h('div', { class: 'empty' }, h('p', {}, 'No webhooks yet. Add one to have notices sent to a chat, a ticket system or your own service.')));
  }

  function row(hook) {
    const deliveries = `/admin/webhooks/deliveries${query({ hook: hook.id })}`;
    return h('tr', {},
      h('td', { 'data-label': 'URL', class: 'mono detail' }, hook.url),
      h('td', { 'data-label': 'Events' }, h('ul', { class: 'chips' }, hook.events.map(e => h('li', {}, e)))),
      h('td', { 'data-label': 'Status' }, h('span', { class: hook.active ? 'badge active' : 'badge expired' }, hook.active ? 'Active' : 'Inactive'),
        breakerBadge(hook)),
      h('td', { 'data-label': 'Changed' }, time(hook.updatedAt)),
      h('td', { class: 'actions', 'data-label': 'Actions' }, h('div', { class: 'button-row' },
        h('a', { class: 'button secondary small', href: deliveries, 'aria-label': `Deliveries to ${hook.url}`,
          onclick: event => { event.preventDefault(); navigate(deliveries); } }, 'Deliveries'),
        h('button', { type: 'button', class: 'button secondary small', 'aria-label': `Edit webhook ${hook.url}`, onclick: () => editHook(hook) }, 'Edit'),
        h('button', { type: 'button', class: 'button danger-outline small', 'aria-label': `Delete webhook ${hook.url}`, onclick: () => deleteHook(hook) },
          'Delete'))));
  }

  function editHook(hook) {
    const creating = hook === null;
    const secret = field({ label: creating ? 'Secret' : 'New secret', name: 'secret', autocomplete: 'off', spellcheck: false, class: 'mono',
      value: creating ? randomSecret() : '',
      hint: creating ? 'Signs every delivery. 16 to 256 characters; a random one is filled in. Copy it to the receiver now: it is never shown again.'
        : 'Leave empty to keep the current secret. It is never shown. A new one signs at once, and the current one goes on '
          + 'signing beside it for a while (a day by default) as the receiver changes over (if it leaked, end that with the API\'s dropPreviousSecret).' });
    const fields = {
      url: field({ label: 'URL', name: 'url', type: 'url', value: creating ? '' : hook.url, autocomplete: 'off', spellcheck: false,
        placeholder: 'https://hooks.example.com/patgate',
        hint: 'http or https. Addresses on this network (loopback, private, link-local) are refused unless the server allows them.' }),
      secret,
      events: checkboxes({ legend: 'Events', name: 'events', hint: 'What is sent to this webhook.',
        items: vocabulary.noticeEvents.map(e => ({ value: e.value, label: e.value, hint: e.description, checked: creating || hook.events.includes(e.value) })) }),
    };
    const activeBox = h('input', { type: 'checkbox', id: 'hook-active', name: 'active', checked: creating || hook.active });
    const active = h('div', { class: 'field prose' }, h('div', { class: 'checkbox' }, activeBox, h('label', { for: 'hook-active' }, 'Active'),
      h('p', { class: 'hint' }, 'Untick to stop sending to it. Notices raised while it is inactive are not kept for it, and what was still being retried is given up.')));
    const generate = h('button', { type: 'button', class: 'button secondary small' }, 'Generate another secret');
    generate.addEventListener('click', () => { secret.control.value = randomSecret(); secret.control.focus(); });
    const submit = h('button', { type: 'submit', class: 'button' }, creating ? 'Add webhook' : 'Save');
    const form = h('form', { class: 'dialog-body', novalidate: true }, fields.url, fields.secret,
      h('div', { class: 'field' }, generate), fields.events, active,
      h('div', { class: 'actions' }, submit, h('button', { type: 'button', class: 'button secondary', onclick: () => dialog.close() }, 'Cancel')));
    const dialog = openDialog({ title: creating ? 'Add webhook' : 'Edit webhook', content: form, wide: true });
    form.addEventListener('submit', async event => {
      event.preventDefault();
      const events = fields.events.values();
      const problems = [
        ...(fields.url.control.value.trim() ? [] : [{ field: 'url', message: 'is required' }]),
        ...(creating && !secret.control.value ? [{ field: 'secret', message: 'is required' }] : []),
        ...(events.length ? [] : [{ field: 'events', message: 'needs at least one event' }]),
      ];
      if (problems.length) {
        showProblem(form, { fieldErrors: problems }, fields);
        return;
      }
      const body = { url: fields.url.control.value.trim(), events, active: activeBox.checked };
      if (secret.control.value) body.secret = secret.control.value;
      await busy(submit, async () => {
        try {
          if (creating) await api('POST', '/api/v1/admin/webhooks', body);
          else await api('PATCH', `/api/v1/admin/webhooks/${encodeURIComponent(hook.id)}`, body);
          dialog.close();
          toast(creating ? `Added a webhook to ${body.url}.` : `Saved the webhook to ${body.url}.`);
          await reload();
        } catch (error) {
          if (error.status === 401) return;
          showProblem(form, error, fields);
        }
      });
    });
    fields.url.control.focus();
  }

  async function deleteHook(hook) {
    if (!await confirmAction({
      title: 'Delete this webhook?',
      message: [h('p', { class: 'mono detail' }, hook.url), 'Nothing more is sent to it, and its delivery history goes with it.'],
      confirm: 'Delete webhook',
    })) return;
    try {
      await api('DELETE', `/api/v1/admin/webhooks/${encodeURIComponent(hook.id)}`);
      toast(`Deleted the webhook to ${hook.url}.`);
    } catch (error) {
      if (error.status !== 401) toast(error.sentence);
    }
    await reload();
  }

  await load();
}

/** A webhook's circuit breaker when it is not closed: open (its deliveries wait) or half-open (the next one is tried alone). */
function breakerBadge(hook) {
  const breaker = hook.breaker;
  if (!breaker || breaker.state === 'closed') return null;
  return breaker.state === 'open'
    ? h('span', { class: 'block' }, h('span', { class: 'badge revoked' }, `Paused: ${breaker.consecutiveFailures} failures in a row`))
    : h('span', { class: 'block' }, h('span', { class: 'badge soon' }, 'Trying again'));
}

/** What the breaker means for this hook's deliveries, in a sentence; null when it is closed. */
function breakerNotice(hook) {
  const breaker = hook.breaker;
  if (!breaker || breaker.state === 'closed') return null;
  return h('div', { class: 'notice', role: 'status' },
    h('strong', {}, breaker.state === 'open' ? 'Circuit breaker open.' : 'Circuit breaker half-open.'),
    h('p', {}, breaker.state === 'open'
      ? [`The last ${breaker.consecutiveFailures} attempts failed, so deliveries to this webhook wait until `,
        time(breaker.openUntil, { withExact: true }), '. Nothing is given up meanwhile; other webhooks are not held up. '
        + 'Saving the webhook (Edit) closes the breaker at once.']
      : 'The pause is over: the next delivery is tried alone, and a success sends the rest.'));
}

/** What a delivery's state says: delivered, being retried (and when next), waiting for the breaker, or given up. */
function stateOf(delivery) {
  if (delivery.state === 'delivered') return h('span', { class: 'badge active' }, 'Delivered');
  if (delivery.state === 'pending') {
    return h('div', {}, h('span', { class: 'badge soon' }, delivery.heldByBreaker ? 'Waiting (breaker open)' : delivery.attempts ? 'Retrying' : 'Pending'),
      delivery.nextAttemptAt ? h('span', { class: 'muted small block' }, 'next ', time(delivery.nextAttemptAt)) : null);
  }
  return h('span', { class: 'badge revoked' }, 'Failed');
}

export async function deliveriesView({ main, params, isCurrent, app }) {
  const { navigate } = app;
  const id = params.get('hook') || '';
  const state = { page: Math.max(0, Number.parseInt(params.get('page') || '0', 10) || 0) };
  const back = h('p', { class: 'back' }, h('a', { href: '/admin/webhooks', onclick: event => { event.preventDefault(); navigate('/admin/webhooks'); } },
    '← Webhooks'));
  const { data: hook } = await api('GET', `/api/v1/admin/webhooks/${encodeURIComponent(id)}`);
  if (!isCurrent()) return;
  const summary = h('p', { class: 'summary', 'aria-live': 'polite' });
  const list = h('div', { class: 'list' });
  const pages = h('nav', { class: 'pager', 'aria-label': 'Pages' });
  const refresh = h('button', { type: 'button', class: 'button secondary' }, 'Refresh');
  const breakerBox = h('div', {});
  main.append(back,
    h('div', { class: 'page-head' }, h('div', {}, h('h1', { tabindex: '-1' }, 'Deliveries'),
      h('p', { class: 'lead' }, 'To ', h('span', { class: 'mono' }, hook.url), hook.active ? '' : ' (inactive)',
        '. Newest first. A failed attempt is retried with growing pauses for a day; Redeliver sends a notice again now, '
        + 'with the same X-Patgate-Delivery.')), refresh),
    breakerBox, summary, list, pages);

  const reload = guarded(load, list);
  refresh.addEventListener('click', () => busy(refresh, reload));

  async function load() {
    const [{ data: current }, { data, total }] = await Promise.all([api('GET', `/api/v1/admin/webhooks/${encodeURIComponent(id)}`),
      api('GET', `/api/v1/admin/webhooks/${encodeURIComponent(id)}/deliveries${query({ page: state.page, size: PAGE_SIZE })}`)]);
    if (!isCurrent()) return;
    clear(breakerBox);
    const notice = breakerNotice(current);
    if (notice) breakerBox.append(notice);
    history.replaceState(null, '', `/admin/webhooks/deliveries${query({ hook: id, page: state.page || '' })}`);
    summary.textContent = plural(total, 'delivery', 'deliveries');
    clear(list);
    list.append(data.length ? h('table', { class: 'responsive' },
      h('caption', { class: 'visually-hidden' }, 'Deliveries'),
      h('thead', {}, h('tr', {}, ['Event', 'State', 'Response', 'Attempts', 'Last attempt', 'Actions'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, data.map(row)))
      : h('div', { class: 'empty' }, h('p', {}, 'Nothing was sent to this webhook yet.')));
    pager(pages, { page: state.page, total, shown: data.length, onPage: p => { state.page = p; reload(); } });
  }

  function row(d) {
    const response = d.responseCode ? `HTTP ${d.responseCode}` : d.attempts ? 'No answer' : '—';
    return h('tr', {},
      h('td', { 'data-label': 'Event' }, h('code', {}, d.event || 'deleted notice'),
        h('span', { class: 'muted small block mono', title: d.eventId }, d.eventId),
        d.redeliveryOf ? h('span', { class: 'muted small block' }, 'redelivery') : null),
      h('td', { 'data-label': 'State' }, stateOf(d)),
      h('td', { 'data-label': 'Response' }, h('div', {}, response,
        d.durationMs !== null && d.durationMs !== undefined && d.attempts ? h('span', { class: 'muted small block' }, `${d.durationMs} ms`) : null,
        d.error ? h('span', { class: 'muted small block detail' }, d.error) : null)),
      h('td', { 'data-label': 'Attempts' }, String(d.attempts)),
      h('td', { 'data-label': 'Last attempt' }, d.lastAttemptAt ? time(d.lastAttemptAt, { withExact: true }) : '—'),
      h('td', { class: 'actions', 'data-label': 'Actions' }, d.event
        ? h('button', { type: 'button', class: 'button secondary small', 'aria-label': `Redeliver ${d.event} ${d.eventId}`, onclick: event => redeliver(d, event.currentTarget) },
          'Redeliver') : null));
  }

  async function redeliver(d, button) {
    await busy(button, async () => {
      try {
        await api('POST', `/api/v1/admin/webhooks/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(d.id)}/redeliver`);
        toast(`Redelivering ${d.event}: it is sent within seconds.`);
        state.page = 0;
        await reload();
      } catch (error) {
        if (error.status !== 401) toast(error.sentence);
      }
    });
  }

  await load();
}
