// Times are shown in the browser's time zone, relative ("in 6 days") with the exact time, local and UTC,
// on hover.
import { h } from './dom.js';

const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const exactFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;

/** "in 6 days", "3 hours ago", "just now". */
export function relative(iso, now = Date.now()) {
  const seconds = (new Date(iso).getTime() - now) / 1000;
  const abs = Math.abs(seconds);
  const sign = seconds < 0 ? -1 : 1;
  if (abs < 45) return seconds < 0 ? 'just now' : 'in a few seconds';
  if (abs < HOUR) return relativeFormat.format(sign * Math.max(1, Math.floor(abs / MINUTE)), 'minute');
  // rounded, so a token made to last 2 days reads "in 2 days" a second later, not "tomorrow"
  if (abs < DAY) return relativeFormat.format(sign * Math.round(abs / HOUR), 'hour');
  if (abs < 60 * DAY) return relativeFormat.format(sign * Math.round(abs / DAY), 'day');
  if (abs < 365 * DAY) return relativeFormat.format(sign * Math.round(abs / (30 * DAY)), 'month');
  return relativeFormat.format(sign * Math.round(abs / (365 * DAY)), 'year');
}

/** The exact time in the browser's zone, e.g. "Jan 31, 2027, 12:00 PM". */
export function exact(iso) {
  return exactFormat.format(new Date(iso));
}

/** "2027-01-31 12:00:00 UTC". */
export function utc(iso) {
  return new Date(iso).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** "Sunday, 31 January 2027". */
export function day(date) {
  return dayFormat.format(date);
}

/** A <time> showing the relative time, with the exact local and UTC times on hover. */
export function time(iso, { withExact = false } = {}) {
  const title = `${exact(iso)} (${utc(iso)})`;
  const el = h('time', { datetime: iso, title }, relative(iso));
  if (!withExact) return el;
  return h('span', { class: 'when' }, el, h('span', { class: 'exact' }, exact(iso)));
}

/** YYYY-MM-DD of a local date, for <input type=date>. */
export function isoDay(date) {
  const pad = n => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function addDays(date, days) {
  const copy = new Date(date.getTime());
  copy.setDate(copy.getDate() + days);
  return copy;
}

export function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}
