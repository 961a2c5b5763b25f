// Unit tests of the Hello binding check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { helloRefusal } from './hello.js';

const KEY = 'A'.repeat(43) + '=';
const OTHER = 'B'.repeat(43) + '=';

test('the bound key and endpoint are required; the endpoint compares without case', () => {
  const bound = { publicKey: KEY, endpoint: 'gw1.example.com:51820' };
  assert.equal(helloRefusal(bound, { publicKey: KEY, endpoint: 'GW1.example.com:51820' }), undefined);
  assert.equal(helloRefusal(bound, { publicKey: OTHER, endpoint: 'gw1.example.com:51820' })?.reason, 'key');
  assert.equal(helloRefusal(bound, { publicKey: KEY, endpoint: '203.0.113.9:51820' })?.reason, 'endpoint');
});

test('what is not bound yet is accepted (and then bound by the caller)', () => {
  assert.equal(helloRefusal({ publicKey: '', endpoint: '' }, { publicKey: OTHER, endpoint: '203.0.113.9:51820' }), undefined);
  assert.equal(helloRefusal({ publicKey: KEY, endpoint: '' }, { publicKey: KEY, endpoint: '203.0.113.9:51820' }), undefined);
});
