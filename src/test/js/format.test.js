// format.js: times as the token list shows them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UI } from './support/ui.js';

const { relative, utc, isoDay, addDays, plural } = await import(new URL('format.js', UI));

const NOW = Date.parse('2027-01-31T12:00:00Z');
const at = seconds => new Date(NOW + seconds * 1000).toISOString();

test('a moment either side reads as now', () => {
  assert.equal(relative(at(-44), NOW), 'just now');
  assert.equal(relative(at(30), NOW), 'in a few seconds');
});

test('minutes are floored and never zero', () => {
  assert.equal(relative(at(45), NOW), 'in 1 minute');
  assert.equal(relative(at(-150), NOW), '2 minutes ago');
  assert.equal(relative(at(59 * 60 + 59), NOW), 'in 59 minutes');
});

test('hours and days are rounded, so a 2-day token reads "in 2 days" a second later, not "tomorrow"', () => {
  assert.equal(relative(at(3 * 3600 + 1200), NOW), 'in 3 hours');
  assert.equal(relative(at(2 * 86400 - 1), NOW), 'in 2 days');
  assert.equal(relative(at(6 * 86400 + 3600), NOW), 'in 6 days');
  assert.equal(relative(at(-86400), NOW), 'yesterday');
});

test('months up to a year, then years', () => {
  assert.equal(relative(at(90 * 86400), NOW), 'in 3 months');
  assert.equal(relative(at(-400 * 86400), NOW), 'last year');
  assert.equal(relative(at(3 * 365 * 86400), NOW), 'in 3 years');
});

test('the UTC time on hover drops the fraction', () => {
  assert.equal(utc('2027-01-31T12:00:00.484107Z'), '2027-01-31 12:00:00 UTC');
  assert.equal(utc('2027-01-31T23:59:59Z'), '2027-01-31 23:59:59 UTC');
});

test('dates for <input type=date> are the local day, padded', () => {
  assert.equal(isoDay(new Date(2027, 0, 5, 23, 30)), '2027-01-05');
  assert.equal(isoDay(new Date(2027, 11, 31, 0, 0)), '2027-12-31');
});

test('adding days keeps the local time of day and does not change its argument', () => {
  const start = new Date(2027, 0, 30, 9, 15);
  const later = addDays(start, 3);
  assert.equal(isoDay(later), '2027-02-02');
  assert.equal(later.getHours(), 9);
  assert.equal(isoDay(start), '2027-01-30');
});

test('plural says one or many', () => {
  assert.equal(plural(1, 'token', 'tokens'), '1 token');
  assert.equal(plural(0, 'token', 'tokens'), '0 tokens');
  assert.equal(plural(21, 'token', 'tokens'), '21 tokens');
});
