// Unit tests of lockout and the per-source rate limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLEAR_LOCK, isLocked, recordFailure, recordUserFailure, slowdownMs, type LockoutPolicy } from './lockout.js';

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
