// Tests for the reconnect backoff schedule: bounds, growth and the cap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';

test('first retry is between base/2 and base', () => {
  assert.equal(backoffDelay(0, DEFAULT_BACKOFF, () => 0), 125);
  assert.equal(backoffDelay(0, DEFAULT_BACKOFF, () => 0.999999), 250);
});

test('the ceiling doubles per attempt until the maximum', () => {
  const ceilings = [0, 1, 2, 3, 4, 5, 6, 7, 10, 60, 2000].map((a) => backoffDelay(a, DEFAULT_BACKOFF, () => 0.999999));
  assert.deepEqual(ceilings, [250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000, 10_000, 10_000]);
});

test('every delay lies within [ceiling/2, ceiling] and never above max', () => {
  fc.assert(fc.property(fc.nat(5000), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
    const ceiling = Math.min(DEFAULT_BACKOFF.maxMs, DEFAULT_BACKOFF.baseMs * 2 ** attempt);
    const d = backoffDelay(attempt, DEFAULT_BACKOFF, () => r);
    return d >= ceiling / 2 && d <= ceiling && d <= DEFAULT_BACKOFF.maxMs;
  }));
});

test('jitter spreads delays of the same attempt', () => {
  const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(4)));
  assert.ok(delays.size > 10, `expected varied delays, got ${[...delays].join(',')}`);
});

test('a negative or fractional attempt is refused', () => {
  assert.throws(() => backoffDelay(-1), /non-negative integer/);
  assert.throws(() => backoffDelay(1.5), /non-negative integer/);
});
