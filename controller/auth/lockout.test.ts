// Unit tests of lockout and the per-source rate limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLEAR_LOCK, isLocked, recordFailure, recordUserFailure, slowdownMs, RateLimiter, type LockoutPolicy } from './lockout.js';

const policy: LockoutPolicy = { threshold: 3, baseLockMs: 1000, maxLockMs: 5000, resetAfterMs: 60_000 };

test('locks at the threshold with exponential backoff, capped', () => {
  let s = CLEAR_LOCK;
  s = recordFailure(s, 0, policy);
  s = recordFailure(s, 1, policy);
  assert.equal(isLocked(s, 2), false);
  s = recordFailure(s, 2, policy);
  assert.equal(s.lockedUntilMs, 1002);
  assert.equal(isLocked(s, 1001), true);
  assert.equal(isLocked(s, 1002), false);
  s = recordFailure(s, 1100, policy);
  assert.equal(s.lockedUntilMs, 1100 + 2000);
  s = recordFailure(s, 3200, policy);
  assert.equal(s.lockedUntilMs, 3200 + 4000);
  s = recordFailure(s, 8000, policy);
  assert.equal(s.lockedUntilMs, 8000 + 5000);
});

test('old failures are forgotten', () => {
  let s = recordFailure(recordFailure(CLEAR_LOCK, 0, policy), 1, policy);
  s = recordFailure(s, 100_000, policy);
  assert.equal(s.failures, 1);
  assert.equal(isLocked(s, 100_001), false);
});

test('rate limiter allows a burst, then refills over time; a clock stepping back refills nothing', () => {
  const rl = new RateLimiter(3, 60);
  assert.deepEqual([1, 2, 3, 4].map(() => rl.take('a', 0)), [true, true, true, false]);
  assert.equal(rl.take('b', 0), true);
  assert.equal(rl.take('a', 999), false);
  assert.equal(rl.take('a', 1000), true);
  assert.equal(rl.take('a', 0), false);
});

test('rate limiter table is bounded', () => {
  const rl = new RateLimiter(1, 1, 2);
  rl.take('a', 0);
  rl.take('b', 0);
  rl.take('c', 0);
  // "a" was evicted, so it starts with a full bucket again.
  assert.equal(rl.take('a', 0), true);
  assert.equal(rl.take('c', 0), false);
});

test('the per-user ceiling slows attempts down, doubling and capped, and never locks', () => {
  const slow = { threshold: 2, baseDelayMs: 100, maxDelayMs: 350, resetAfterMs: 60_000 };
  let s = CLEAR_LOCK;
  const delays: number[] = [];
  for (let i = 0; i < 5; i++) {
    s = recordUserFailure(s, i, slow);
    delays.push(slowdownMs(s, i, slow));
  }
  assert.deepEqual(delays, [0, 100, 200, 350, 350]);
  assert.equal(isLocked(s, 5), false);
  assert.equal(slowdownMs(s, 4 + 60_001, slow), 0);
});
