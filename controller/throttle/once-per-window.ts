// Rate-limited recording, pure: an event of a key (a gateway and a reason) is recorded at
// most once per window, and the record says how many were suppressed since the previous one,
// so a flood of refused calls costs one audit record per window instead of one per call.

export class OncePerWindow {
  private readonly last = new Map<string, { atMs: number; suppressed: number }>();

  constructor(private readonly windowMs: number, private readonly maxKeys = 10_000) {}

  /** Whether to record this event of `key` now, and how many events were suppressed before it. */
  admit(key: string, nowMs: number): { record: boolean; suppressed: number } {
    const e = this.last.get(key);
    if (e && nowMs - e.atMs < this.windowMs && nowMs >= e.atMs) {
      e.suppressed++;
      return { record: false, suppressed: 0 };
    }
    const suppressed = e?.suppressed ?? 0;
    this.last.delete(key);
    this.last.set(key, { atMs: nowMs, suppressed: 0 });
    if (this.last.size > this.maxKeys) this.last.delete(this.last.keys().next().value!);
    return { record: true, suppressed };
  }
}
