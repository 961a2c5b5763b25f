// Refused API calls in the audit log, once per window per (identity, reason): a refusal is an
// attack signal worth a record, but a caller repeating a refused call must not be able to
// grow the audit log at will. The record of a new window says how many refusals the
// previous one stood for. Pure (time passed in); memory is bounded by the number of keys,
// and keys are identities from certificates our CA issued.
export interface RefusalWindowDecision {
  /** Whether this refusal gets an audit record. */
  record: boolean;
  /** Refusals of this key that were not recorded since its last record. */
  suppressed: number;
}

/** Default window: one record per identity and reason per minute. */
export const REFUSAL_AUDIT_WINDOW_MS = 60_000;
const MAX_KEYS = 10_000;

export class RefusalAuditWindow {
  private readonly last = new Map<string, { atMs: number; suppressed: number }>();

  constructor(private readonly windowMs = REFUSAL_AUDIT_WINDOW_MS) {}

  admit(key: string, nowMs: number): RefusalWindowDecision {
    const entry = this.last.get(key);
    if (entry && nowMs - entry.atMs < this.windowMs) {
      entry.suppressed++;
      return { record: false, suppressed: entry.suppressed };
    }
    if (!entry && this.last.size >= MAX_KEYS) this.evict(nowMs);
    this.last.set(key, { atMs: nowMs, suppressed: 0 });
    return { record: true, suppressed: entry?.suppressed ?? 0 };
  }

  /** Forgets keys whose window is over (their next refusal is recorded anyway); all of them if that is not enough. */
  private evict(nowMs: number): void {
    for (const [key, e] of this.last) if (nowMs - e.atMs >= this.windowMs) this.last.delete(key);
    if (this.last.size >= MAX_KEYS) this.last.clear();
  }
}
