// links.js: query strings, "Create similar", and what a link fills the Generate form in with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UI } from './support/ui.js';

const { query, similarLink, prefill } = await import(new URL('links.js', UI));

test('a query string leaves out empty values and encodes the rest', () => {
  assert.equal(query({ status: 'active', q: '', owner: null, page: 0, x: undefined }), '?status=active&page=0');
  assert.equal(query({ q: 'a b&c' }), '?q=a+b%26c');
  assert.equal(query({}), '');
});

test('Create similar links to the form filled in like the token', () => {
  const link = similarLink({ name: 'deploy-bot', description: 'runs the deploy', scopes: ['deploy', 'devices:read'],
    allowedCidrs: ['10.0.0.0/8', '2001:db8::/32'], expiresAt: '2027-01-01T00:00:00Z' });
  assert.equal(link, '/tokens/new?name=deploy-bot&description=runs+the+deploy&scopes=deploy%2Cdevices%3Aread'
    + '&allowedCidrs=10.0.0.0%2F8%2C2001%3Adb8%3A%3A%2F32');
  // and what it links to fills the same back in
  const back = prefill(new URL(link, 'https://patgate.example.com').searchParams, ['deploy', 'devices:read']);
  assert.deepEqual([back.name, back.description, back.scopes, back.allowedCidrs],
    ['deploy-bot', 'runs the deploy', ['deploy', 'devices:read'], ['10.0.0.0/8', '2001:db8::/32']]);
  assert.equal(similarLink({ name: 'n', description: null, scopes: [], allowedCidrs: [] }), '/tokens/new?name=n');
});

test('a prefill link fills in the form and drops the scopes you do not hold, saying which', () => {
  const params = new URLSearchParams('name=deploy-bot&description=ours&scopes=deploy,devices:read&scopes=admin tokens'
    + '&expiresInDays=30&allowedCidrs=10.0.0.0/8');
  const wanted = prefill(params, ['deploy', 'devices:read']);
  assert.equal(wanted.prefilled, true);
  assert.equal(wanted.name, 'deploy-bot');
  assert.equal(wanted.description, 'ours');
  assert.deepEqual(wanted.scopes, ['deploy', 'devices:read', 'admin', 'tokens']);
  assert.deepEqual(wanted.unknownScopes, ['admin'], 'tokens is always on offer, admin is not held');
  assert.equal(wanted.days, 30);
  assert.deepEqual(wanted.allowedCidrs, ['10.0.0.0/8']);
});

test('without a link: nothing prefilled, every role but tokens', () => {
  const wanted = prefill(new URLSearchParams(''), ['deploy', 'admin', 'tokens']);
  assert.equal(wanted.prefilled, false);
  assert.deepEqual(wanted.scopes, ['deploy', 'admin']);
  assert.deepEqual(wanted.unknownScopes, []);
  assert.equal(wanted.days, undefined);
  assert.equal(wanted.name, '');
});

test('names and descriptions are cut to what the API takes', () => {
  const wanted = prefill(new URLSearchParams({ name: 'n'.repeat(100), description: 'd'.repeat(300) }), []);
  assert.equal(wanted.name.length, 64);
  assert.equal(wanted.description.length, 256);
});
