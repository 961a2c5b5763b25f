// Login throttling, pure: lockout per (user, source) with exponential backoff after
// repeated failures, a per-user ceiling that slows attempts down instead of refusing them
// (so that nobody who knows a user name can keep that user out). The per-source rate limit
// that throttles password spraying is a token bucket (throttle/token-buckets.ts). Time is
// passed in.

export interface LockState { failures: number; lastFailureMs: number; lockedUntilMs: number }

export interface LockoutPolicy {
  /** Failures allowed before the first lock. */
  threshold: number;
  /** First lock duration; doubles with each further failure. */
  baseLockMs: number;
  maxLockMs: number;
  /** Failures older than this are forgotten. */
  resetAfterMs: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { threshold: 5, baseLockMs: 60_000, maxLockMs: 3_600_000, resetAfterMs: 3_600_000 };

export function isLocked(s: LockState, nowMs: number): boolean {
  return s.lockedUntilMs > nowMs;
}

/** The state after one more failure at `nowMs`. */
export function recordFailure(s: LockState, nowMs: number, policy: LockoutPolicy = DEFAULT_LOCKOUT): LockState {
  const failures = (nowMs - s.lastFailureMs > policy.resetAfterMs ? 0 : s.failures) + 1;
  const over = failures - policy.threshold;
  const lockMs = over >= 0 ? Math.min(policy.maxLockMs, policy.baseLockMs * 2 ** Math.min(over, 30)) : 0;
  return { failures, lastFailureMs: nowMs, lockedUntilMs: lockMs > 0 ? Math.max(s.lockedUntilMs, nowMs + lockMs) : s.lockedUntilMs };
}

/**
 * The per-user ceiling: failures from all sources together past `threshold` make every
 * further attempt for that user wait, doubling from `baseDelayMs` up to `maxDelayMs`. It
 * never refuses: the real user still gets in, an attacker spread over many sources gets
 * fewer guesses per second.
 */
export interface SlowdownPolicy { threshold: number; baseDelayMs: number; maxDelayMs: number; resetAfterMs: number }

export const DEFAULT_SLOWDOWN: SlowdownPolicy = { threshold: 10, baseDelayMs: 1000, maxDelayMs: 8000, resetAfterMs: 3_600_000 };

/** How long an attempt for a user with this (user-wide) state waits before it is checked. */
export function slowdownMs(s: LockState, nowMs: number, policy: SlowdownPolicy = DEFAULT_SLOWDOWN): number {
  if (nowMs - s.lastFailureMs > policy.resetAfterMs) return 0;
  const over = s.failures - policy.threshold;
  return over < 0 ? 0 : Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(over, 30));
}

/** The user-wide state after one more failure (it counts, it never locks). */
export function recordUserFailure(s: LockState, nowMs: number, policy: SlowdownPolicy = DEFAULT_SLOWDOWN): LockState {
  const failures = (nowMs - s.lastFailureMs > policy.resetAfterMs ? 0 : s.failures) + 1;
  return { failures, lastFailureMs: nowMs, lockedUntilMs: 0 };
}

export const CLEAR_LOCK: LockState = { failures: 0, lastFailureMs: 0, lockedUntilMs: 0 };
