// Unit tests of the per-key token buckets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBuckets } from './token-buckets.js';

test('a burst is taken at once, then the rate refills; the wait says when', () => {
  const b = new TokenBuckets(10, 2);
  for (let i = 0; i < 10; i++) assert.equal(b.take('gw', 1, 0), 0);
  assert.equal(b.take('gw', 1, 0), 500, 'one token at 2/s is 500 ms away');
  assert.equal(b.take('gw', 1, 500), 0);
  assert.equal(b.take('other', 1, 500), 0, 'keys are apart');
});

test('a cost above the burst is capped so it can be paid; a clock stepping back refills nothing', () => {
  const b = new TokenBuckets(100, 100);
  assert.equal(b.take('gw', 1000, 0), 0);
  assert.equal(b.take('gw', 50, 0), 500);
  assert.equal(b.take('gw', 50, -10_000), 500);
});

test('the table is bounded: the least recently used key is forgotten', () => {
  const b = new TokenBuckets(1, 0.001, 2);
  b.take('a', 1, 0);
  b.take('b', 1, 0);
  b.take('c', 1, 0);
  assert.equal(b.take('a', 1, 0), 0, 'a was forgotten, so it starts full');
});

test('tryTake: one token or refused', () => {
  const b = new TokenBuckets(3, 1);
  assert.deepEqual([1, 2, 3, 4].map(() => b.tryTake('a', 0)), [true, true, true, false]);
  assert.equal(b.tryTake('a', 999), false);
  assert.equal(b.tryTake('a', 1000), true);
});
