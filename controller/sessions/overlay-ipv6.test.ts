// The IPv6 overlay prefix: canonical form, refused when not IPv6 or smaller than the pool;
// an address's twin keeps its offset into the pool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePool } from './ipam.js';
import { ipv6Twin, parseOverlayIpv6 } from './overlay-ipv6.js';

const pool = parsePool('100.64.0.0/10');

test('a prefix large enough for the pool is accepted in canonical form', () => {
  assert.equal(parseOverlayIpv6('FD6B:7769:636B:0::/64', pool), 'fd6b:7769:636b::/64');
  assert.equal(parseOverlayIpv6('fd00::/106', pool), 'fd00::/106', 'exactly the pool size (22 bits)');
});

test('anything else is refused with the reason', () => {
  for (const [prefix, why] of [['fd00::/107', /smaller than the IPv4 pool 100\.64\.0\.0\/10/], ['10.0.0.0/8', /not an IPv6 prefix/], ['corp.internal', /not an IPv6 prefix/], ['fd00::/129', /not an IPv6 prefix/]] as const) {
    assert.throws(() => parseOverlayIpv6(prefix, pool), why, prefix);
  }
});

test('an address\'s twin has its offset into the pool; no address gives none', () => {
  assert.equal(ipv6Twin('fd6b:7769:636b::/64', pool, '100.64.0.2'), 'fd6b:7769:636b::2');
  assert.equal(ipv6Twin('fd6b:7769:636b::/64', pool, '100.127.255.254'), 'fd6b:7769:636b::3f:fffe');
  assert.equal(ipv6Twin('fd6b:7769:636b::/64', pool, ''), '');
});
