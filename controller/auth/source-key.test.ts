// Unit tests of the throttling key of a source address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sourceKey } from './source-key.js';

test('IPv6 sources are grouped by /64, IPv4 ones are kept whole', () => {
  assert.equal(sourceKey('2001:db8:1:2:aaaa::1'), sourceKey('2001:db8:1:2:ffff:1:2:3'));
  assert.notEqual(sourceKey('2001:db8:1:2::1'), sourceKey('2001:db8:1:3::1'));
  assert.equal(sourceKey('2001:db8:1:2::1'), '2001:db8:1:2::/64');
  assert.equal(sourceKey('192.0.2.7'), '192.0.2.7');
  assert.notEqual(sourceKey('192.0.2.7'), sourceKey('192.0.2.8'));
});

test('an IPv4-mapped IPv6 address counts as its IPv4 address; a non-address stays as it is', () => {
  assert.equal(sourceKey('::ffff:192.0.2.7'), '192.0.2.7');
  assert.equal(sourceKey('unix:/tmp/x'), 'unix:/tmp/x');
});
