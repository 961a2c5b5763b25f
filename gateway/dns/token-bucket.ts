// A token bucket per key (a session): `take` spends one token, tokens come back at a steady
// rate up to the burst. Keeps a client from making the gateway flood its resolver through
// the DNS service. Written here because gateway/ may not import controller/throttle.
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(private readonly perSecond: number, private readonly burst: number, private readonly maxKeys = 65_536) {}

  /** True when `key` may go on (a token was spent). */
  take(key: string, nowMs: number): boolean {
    let b = this.buckets.get(key);
    if (!b) {
      // Full buckets are forgotten first: they carry no state worth keeping.
      if (this.buckets.size >= this.maxKeys) this.prune(nowMs);
      b = { tokens: this.burst, atMs: nowMs };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.burst, b.tokens + Math.max(0, nowMs - b.atMs) * this.perSecond / 1000);
    b.atMs = nowMs;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  private prune(nowMs: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + (nowMs - b.atMs) * this.perSecond / 1000 >= this.burst) this.buckets.delete(key);
    }
    if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
  }
}
