// The expiration choice shared by "Generate token" and "Regenerate": presets capped by the deployment's
// maximum, a custom date within the policy, and "No expiration" only where the policy allows it, with a
// live line saying when the token will expire.
import { h, uid } from './dom.js';
import { field } from './forms.js';
import { addDays, day, isoDay } from './format.js';

const PRESETS = [[7, '7 days'], [30, '30 days'], [60, '60 days'], [90, '90 days'], [365, '1 year']];

/**
 * Returns a fragment with the fields; .body() gives the API fields ({expiresInDays} | {expiresAt} |
 * {neverExpires}), .wrappers maps API field names to the fields for error display.
 */
/**
 * The choices the policy allows (pure): the presets within its bounds (and its maximum when no preset is), Custom…,
 * No expiration where allowed; which is chosen at first (days asked for by a link when within the policy, else the
 * default lifetime); min and max days, and the days wanted (null when none or out of bounds).
 */
export function expirationOptions(policy, days) {
  const max = policy.tokens.maxLifetimeDays;
  const min = Math.max(1, policy.tokens.minLifetimeDays);
  const presets = PRESETS.filter(([d]) => d >= min && d <= max);
  if (!presets.length || (max < 365 && !presets.some(([d]) => d === max))) presets.push([max, `${max} days (the longest allowed)`]);
  const wanted = Number.isInteger(days) && days >= min && days <= max ? days : null;
  const preset = wanted && presets.some(([d]) => d === wanted) ? wanted : null;
  const defaultDays = policy.tokens.defaultLifetimeDays;
  const defaultIsPreset = presets.some(([d]) => d === defaultDays);
  const initial = preset ? String(preset) : wanted ? 'custom' : defaultIsPreset ? String(defaultDays) : 'custom';
  const options = presets.map(([d, label]) => ({ value: String(d), label, selected: String(d) === initial }));
  options.push({ value: 'custom', label: 'Custom…', selected: initial === 'custom' });
  if (policy.tokens.allowNonExpiring) options.push({ value: 'never', label: 'No expiration', selected: false });
  return { min, max, wanted, defaultDays, initial, options };
}

/**
 * When a token with the custom date value (YYYY-MM-DD, local) expires (pure): at now's time of day on that date,
 * clamped a minute inside [now + min days, now + max days] (a daylight-saving change would otherwise shift the last
 * allowed day by an hour); null for a value that is no date.
 */
export function customExpiry(value, now, min, max) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const [y, m, d] = value.split('-').map(Number);
  const at = new Date(y, m - 1, d, now.getHours(), now.getMinutes());
  const earliest = now.getTime() + min * 86400000 + 60000;
  const latest = now.getTime() + max * 86400000 - 60000;
  return new Date(Math.min(latest, Math.max(earliest, at.getTime())));
}

export function expirationChooser(policy, { days } = {}) {
  const { min, max, wanted, defaultDays, options } = expirationOptions(policy, days);

  const select = field({ label: 'Expiration', name: 'expiration', kind: 'select', options });
  const today = new Date();
  const date = field({
    label: 'Expiration date', name: 'expiresAt', type: 'date',
    min: isoDay(addDays(today, min)), max: isoDay(addDays(today, max)),
    value: isoDay(addDays(today, wanted || Math.min(defaultDays, max))),
    hint: `Between ${day(addDays(today, min))} and ${day(addDays(today, max))}.`,
  });
  const line = h('p', { class: 'expires-line', id: uid('expires-line'), 'aria-live': 'polite' });
  const warning = h('div', { class: 'warning', role: 'note', hidden: true },
    h('strong', {}, 'A token that never expires stays valid until someone revokes it. '),
    'If it leaks, it can be used for ever. Prefer an expiry and regenerate the token when it nears.');

  function update() {
    const choice = select.control.value;
    date.hidden = choice !== 'custom';
    warning.hidden = choice !== 'never';
    const at = expiresDate();
    line.textContent = choice === 'never' ? 'This token will never expire.'
      : at ? `This token will expire on ${day(at)}.` : 'Choose a date for the token to expire.';
  }

  function expiresDate() {
    const choice = select.control.value;
    if (choice === 'never') return null;
    if (choice !== 'custom') return addDays(new Date(), Number(choice));
    return customExpiry(date.control.value, new Date(), min, max);
  }

  select.control.addEventListener('change', update);
  date.control.addEventListener('input', update);
  update();

  const fragment = h('div', { class: 'expiration' }, select, date, line, warning);
  fragment.body = () => {
    const choice = select.control.value;
    if (choice === 'never') return { neverExpires: true };
    if (choice !== 'custom') return { expiresInDays: Number(choice) };
    const at = expiresDate();
    return { expiresAt: at ? at.toISOString() : (date.control.value || null) };
  };
  fragment.validate = () => (select.control.value === 'custom' && !expiresDate()
    ? [{ field: 'expiresAt', message: 'must be a date' }] : []);
  fragment.wrappers = { expiresAt: date, expiresInDays: select, neverExpires: select };
  return fragment;
}
