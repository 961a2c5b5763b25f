// Token buckets per key (a source address, a device, a gateway), pure: time is passed in. Each key holds up to
// `burst` tokens, refilled at `perSecond`; taking more than are there tells how long to wait.
// The table is bounded: the least recently used key goes first.

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(private readonly burst: number, private readonly perSecond: number, private readonly maxKeys = 10_000) {}

  /**
   * Takes `cost` tokens (capped at the burst, so any cost can eventually be paid) for `key`.
   * Returns 0 when they were taken, else the milliseconds until they will be there (nothing taken).
   */
  take(key: string, cost: number, nowMs: number): number {
    const need = Math.min(cost, this.burst);
    const b = this.buckets.get(key) ?? { tokens: this.burst, atMs: nowMs };
    // A clock that steps back refills nothing (and takes nothing away).
    b.tokens = Math.min(this.burst, b.tokens + (Math.max(0, nowMs - b.atMs) * this.perSecond) / 1000);
    b.atMs = Math.max(b.atMs, nowMs);
    this.buckets.delete(key);
    this.buckets.set(key, b);
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    if (b.tokens >= need) {
      b.tokens -= need;
      return 0;
    }
    return Math.max(1, Math.ceil(((need - b.tokens) * 1000) / this.perSecond));
  }

  /** Takes one token for `key`; false (nothing taken) when none is left. */
  tryTake(key: string, nowMs: number): boolean {
    return this.take(key, 1, nowMs) === 0;
  }
}
