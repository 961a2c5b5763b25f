// Login throttling, pure: per-user lockout with exponential backoff after repeated
// failures, and a per-source-address rate limit (token bucket). Time is passed in.

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

export const CLEAR_LOCK: LockState = { failures: 0, lastFailureMs: 0, lockedUntilMs: 0 };

/** Token bucket per key (source address): `burst` attempts, refilled at `perMinute`. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(private readonly burst = 20, private readonly perMinute = 10, private readonly maxKeys = 100_000) {}

  /** Takes one token for `key`; false when none is left. */
  take(key: string, nowMs: number): boolean {
    const b = this.buckets.get(key) ?? { tokens: this.burst, atMs: nowMs };
    // A clock that steps back refills nothing (and takes nothing away).
    b.tokens = Math.min(this.burst, b.tokens + (Math.max(0, nowMs - b.atMs) * this.perMinute) / 60_000);
    b.atMs = Math.max(b.atMs, nowMs);
    const ok = b.tokens >= 1;
    if (ok) b.tokens -= 1;
    this.buckets.delete(key);
    this.buckets.set(key, b);
    // Oldest keys go first when the table is full (Map keeps insertion order).
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    return ok;
  }
}
