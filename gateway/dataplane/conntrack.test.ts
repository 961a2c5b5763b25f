// Unit tests of the conntrack flush block computation: few blocks, never covering a kept address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ipv4Range } from '../../common/ipv4.js';
import { flushBlocks, flushBlocks6 } from './conntrack.js';
import { ipv6ToBigInt } from '../../common/ipv6.js';

const n = (a: string) => ipv4Range(a)[0];

test('flushing with nothing kept is one block: the pool', () => {
  assert.deepEqual(flushBlocks('100.64.0.0/10', [n('100.64.0.2'), n('100.100.3.4')], []), ['100.64.0.0/10']);
  assert.deepEqual(flushBlocks('100.64.0.0/10', [], [n('100.64.0.2')]), []);
});

test('a kept neighbour splits the block down to what must go', () => {
  assert.deepEqual(flushBlocks('100.64.0.0/30', [n('100.64.0.2')], [n('100.64.0.3')]), ['100.64.0.2/32']);
  assert.deepEqual(flushBlocks('100.64.0.0/30', [n('100.64.0.2'), n('100.64.0.3')], [n('100.64.0.1')]), ['100.64.0.2/31']);
  // An address both flushed and kept is kept.
  assert.deepEqual(flushBlocks('100.64.0.0/30', [n('100.64.0.1')], [n('100.64.0.1')]), []);
});

test('property: blocks cover every flushed address and no kept one', () => {
  fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }), fc.integer({ min: 0, max: 40 }), (addrs, split) => {
    const base = n('100.64.0.0');
    const flush = addrs.slice(0, split).map((a) => base + a);
    const keep = addrs.slice(split).map((a) => base + a);
    const blocks = flushBlocks('100.64.0.0/24', flush, keep).map((b) => ipv4Range(b));
    const covered = (a: number) => blocks.some(([f, l]) => f <= a && a <= l);
    assert.ok(flush.every(covered));
    assert.ok(!keep.some(covered));
  }));
});

test('IPv6 overlays are flushed in the blocks of their IPv4 twins, moved into the prefix', () => {
  const v6 = (a: string) => ipv6ToBigInt(a);
  // 100.64.0.2 and .3 go, .1 stays: one /31 in IPv4, one /127 at the same offset in IPv6.
  assert.deepEqual(flushBlocks('100.64.0.0/30', [n('100.64.0.2'), n('100.64.0.3')], [n('100.64.0.1')]), ['100.64.0.2/31']);
  assert.deepEqual(flushBlocks6('100.64.0.0/30', 'fd6b:7769:636b::/64', [v6('fd6b:7769:636b::2'), v6('fd6b:7769:636b::3')], [v6('fd6b:7769:636b::1')]), ['fd6b:7769:636b::2/127']);
  // Many sessions removed, none kept: one run for the whole pool's image.
  const many = Array.from({ length: 50 }, (_, i) => v6(`fd6b:7769:636b::${(i + 2).toString(16)}`));
  assert.deepEqual(flushBlocks6('100.64.0.0/10', 'fd6b:7769:636b::/64', many, []), ['fd6b:7769:636b::/106']);
  // An address outside the pool's image is flushed alone.
  assert.deepEqual(flushBlocks6('100.64.0.0/30', 'fd6b:7769:636b::/64', [v6('fd00::9')], []), ['fd00::9/128']);
});
