// expiration.js: the choices the policy allows, and when a custom date expires.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UI } from './support/ui.js';

const { expirationOptions, customExpiry } = await import(new URL('expiration.js', UI));

const policy = (tokens = {}) => ({ tokens: { maxLifetimeDays: 365, minLifetimeDays: 1, defaultLifetimeDays: 30, allowNonExpiring: false, ...tokens } });
const values = options => options.map(o => o.value);
const chosen = options => options.filter(o => o.selected).map(o => o.value);

test('the default policy: every preset, Custom…, the default chosen, no "No expiration"', () => {
  const { options, initial } = expirationOptions(policy());
  assert.deepEqual(values(options), ['7', '30', '60', '90', '365', 'custom']);
  assert.equal(initial, '30');
  assert.deepEqual(chosen(options), ['30']);
});

test('presets past the maximum go, and the maximum itself is offered', () => {
  const { options } = expirationOptions(policy({ maxLifetimeDays: 45, defaultLifetimeDays: 30 }));
  assert.deepEqual(values(options), ['7', '30', '45', 'custom']);
  assert.equal(options[2].label, '45 days (the longest allowed)');
});

test('"No expiration" only where the policy allows it, never chosen at first', () => {
  const { options } = expirationOptions(policy({ allowNonExpiring: true }));
  assert.equal(options.at(-1).value, 'never');
  assert.equal(options.at(-1).selected, false);
});

test('days from a link: a preset is chosen, other days within the policy are a custom date, others ignored', () => {
  assert.equal(expirationOptions(policy(), 90).initial, '90');
  assert.deepEqual([expirationOptions(policy(), 45).initial, expirationOptions(policy(), 45).wanted], ['custom', 45]);
  assert.deepEqual([expirationOptions(policy(), 400).initial, expirationOptions(policy(), 400).wanted], ['30', null]);
  assert.equal(expirationOptions(policy(), 1.5).wanted, null);
});

test('a default that is no preset starts on a custom date', () => {
  assert.equal(expirationOptions(policy({ defaultLifetimeDays: 14 })).initial, 'custom');
});

test('a custom date expires at this time of day, kept a minute inside the policy', () => {
  const now = new Date(2027, 0, 31, 9, 30);
  const at = customExpiry('2027-03-01', now, 1, 365);
  assert.deepEqual([at.getFullYear(), at.getMonth(), at.getDate(), at.getHours(), at.getMinutes()], [2027, 2, 1, 9, 30]);
  // today, under the minimum of a day: the earliest allowed, a minute past it
  assert.equal(customExpiry('2027-01-31', now, 1, 365).getTime(), now.getTime() + 86400000 + 60000);
  // past the maximum: the latest allowed, a minute before it
  assert.equal(customExpiry('2029-01-01', now, 1, 365).getTime(), now.getTime() + 365 * 86400000 - 60000);
});

test('a custom value that is no date expires nowhere', () => {
  const now = new Date(2027, 0, 31, 9, 30);
  for (const value of ['', '31/01/2027', '2027-1-31', 'tomorrow']) assert.equal(customExpiry(value, now, 1, 365), null, value);
});
