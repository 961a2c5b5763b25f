import test from 'node:test';
import assert from 'node:assert/strict';
import { bigIntToIpv6, ipv6Cidr, ipv6Range, ipv6ToBigInt, isIpv6, overlayIpv6 } from './ipv6.js';

test('addresses round-trip through bigints in canonical form', () => {
  for (const a of ['::', '::1', 'fd00::10', 'fd6b:7769:636b::ffff', '2001:db8:0:1:1:1:1:1']) assert.equal(bigIntToIpv6(ipv6ToBigInt(a)), a);
  assert.equal(bigIntToIpv6(ipv6ToBigInt('FD00:0:0::0010')), 'fd00::10');
});

test('ranges mask host bits; CIDR text is canonical', () => {
  const [f, l] = ipv6Range('fd00::1234/112');
  assert.equal(bigIntToIpv6(f), 'fd00::');
  assert.equal(bigIntToIpv6(l), 'fd00::ffff');
  assert.equal(ipv6Cidr('fd00::10'), 'fd00::10/128');
  assert.equal(ipv6Cidr('fd00:0::5/64'), 'fd00::/64');
  for (const bad of ['10.0.0.1', 'fd00::/129', 'fd00::/64/1', 'db.corp', 'fd00::g']) assert.throws(() => ipv6Range(bad), /not an IPv6/, bad);
});

test('isIpv6 tells IPv6 from IPv4 and names', () => {
  assert.equal(isIpv6('fd00::1'), true);
  assert.equal(isIpv6('fd00::/64'), true);
  assert.equal(isIpv6('10.0.0.1'), false);
  assert.equal(isIpv6('db.corp.internal'), false);
});

test('the IPv6 overlay address has the IPv4 address\'s offset into the pool', () => {
  assert.equal(overlayIpv6('fd6b:7769:636b::/64', '100.64.0.0/10', '100.64.0.0'), 'fd6b:7769:636b::');
  assert.equal(overlayIpv6('fd6b:7769:636b::/64', '100.64.0.0/10', '100.64.1.2'), 'fd6b:7769:636b::102');
  assert.equal(overlayIpv6('fd6b:7769:636b::/64', '100.64.0.0/10', '100.127.255.255'), 'fd6b:7769:636b::3f:ffff');
  assert.throws(() => overlayIpv6('fd6b::/64', '100.64.0.0/10', '10.0.0.1'), /not in the overlay pool/);
  assert.throws(() => overlayIpv6('fd6b::/120', '100.64.0.0/10', '100.64.0.1'), /smaller than the pool/);
});
