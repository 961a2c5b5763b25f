// Overlay address allocation: rotation, skipping taken addresses, pool bounds, exhaustion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { allocate, parsePool } from './ipam.js';
import { ipv4ToNumber, numberToIpv4 } from '../../common/ipv4.js';

test('pool bounds exclude network and broadcast', () => {
  const p = parsePool('100.64.0.0/10');
  assert.equal(numberToIpv4(p.first), '100.64.0.1');
  assert.equal(numberToIpv4(p.last), '100.127.255.254');
  assert.equal(parsePool('10.1.2.77/24').cidr, '10.1.2.0/24');
});

test('bad pools are refused with a message', () => {
  assert.throws(() => parsePool('nonsense'), /not a CIDR/);
  assert.throws(() => parsePool('fd00::/64'), /IPv4/);
  assert.throws(() => parsePool('10.0.0.0/31'), /too small/);
});

test('allocation skips taken addresses and advances the cursor', async () => {
  const p = parsePool('192.0.2.0/29'); // .1 - .6
  const taken = new Set(['192.0.2.1', '192.0.2.2']);
  const a = await allocate(p, 0, (x) => taken.has(x));
  assert.equal(a.address, '192.0.2.3');
  assert.equal(numberToIpv4(a.next), '192.0.2.4');
});

test('allocation wraps around and reports exhaustion', async () => {
  const p = parsePool('192.0.2.0/30'); // .1 - .2
  const last = await allocate(p, ipv4ToNumber('192.0.2.2'), () => false);
  assert.equal(last.address, '192.0.2.2');
  assert.equal(numberToIpv4(last.next), '192.0.2.1');
  assert.equal((await allocate(p, last.next, (x) => x === '192.0.2.1')).address, '192.0.2.2');
  await assert.rejects(allocate(p, 0, () => true), /exhausted/);
});

test('property: an allocated address is never taken and always inside the pool', async () => {
  const p = parsePool('198.51.100.0/28');
  await fc.assert(fc.asyncProperty(fc.uniqueArray(fc.integer({ min: p.first, max: p.last }), { maxLength: 13 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), async (takenInts, cursor) => {
    const taken = new Set(takenInts.map(numberToIpv4));
    const { address } = await allocate(p, cursor, (x) => taken.has(x));
    const n = ipv4ToNumber(address);
    return !taken.has(address) && n >= p.first && n <= p.last;
  }));
});
