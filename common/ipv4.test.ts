// Unit tests of IPv4 addresses as numbers: address <-> integer both ways, and addresses
// and CIDRs as inclusive ranges (host bits masked, anything else refused).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipv4Range, ipv4ToNumber, numberToIpv4 } from './ipv4.js';

const n = (a: string) => ipv4Range(a)[0];

test('ipv4Range accepts addresses and CIDRs (host bits masked) and refuses the rest', () => {
  assert.deepEqual(ipv4Range('198.19.0.10'), [n('198.19.0.10'), n('198.19.0.10')]);
  assert.deepEqual(ipv4Range('198.19.0.77/24'), [n('198.19.0.0'), n('198.19.0.255')]);
  assert.deepEqual(ipv4Range('0.0.0.0/0'), [0, 2 ** 32 - 1]);
  for (const bad of ['198.19.0', '198.19.0.1/33', '::1', 'host.example', '1.2.3.4/24/1', '10.0.0.1/']) {
    assert.throws(() => ipv4Range(bad), /not an IPv4 address or CIDR/, bad);
  }
});

test('addresses and integers convert both ways, at both ends of the space', () => {
  for (const [text, num] of [['0.0.0.0', 0], ['0.0.1.2', 258], ['100.64.0.1', 1_681_915_905], ['255.255.255.255', 2 ** 32 - 1]] as const) {
    assert.equal(ipv4ToNumber(text), num);
    assert.equal(numberToIpv4(num), text);
  }
});
