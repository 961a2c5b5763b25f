// The browser sessions a cookie names, in memory: a random 256-bit id per session, an idle
// limit, an absolute end, and a cap on how many are kept (the least recently used goes
// first). The console's admin sessions and the browsers signed in for public resources are
// both kept this way. A controller restart signs everyone out.
import { randomBytes } from 'node:crypto';

export interface SessionLimits {
  /** A session unused for this long ends. */
  idleMs: number;
  /** A session ends this long after sign-in whatever happens (capped further by the caller). */
  maxAgeMs: number;
  /** Sessions kept at most; the least recently used one ends first. */
  max: number;
}

export interface TableEntry {
  readonly id: string;
  readonly expiresAtMs: number;
  lastUsedMs: number;
}

export class SessionTable<T extends TableEntry> {
  // Map order is use order: a session is re-inserted when used, so the first is the least recent.
  private readonly held = new Map<string, T>();

  constructor(private readonly limits: SessionLimits, private readonly now: () => number, private readonly onEnd: (s: T) => void = () => {}) {}

  /** Makes a session from `make(id, expiresAtMs)`, ending at `endsBy` at the latest. */
  create(make: (id: string, expiresAtMs: number, now: number) => T, endsBy = Infinity): T {
    const now = this.now();
    const s = make(randomBytes(32).toString('base64url'), Math.min(now + this.limits.maxAgeMs, endsBy), now);
    this.held.set(s.id, s);
    while (this.held.size > this.limits.max) this.end(this.held.keys().next().value!);
    return s;
  }

  /** The live session a cookie names (and marks it used), or undefined. */
  use(id: string | undefined): T | undefined {
    if (!id) return undefined;
    const s = this.held.get(id);
    if (!s) return undefined;
    const now = this.now();
    if (now >= s.expiresAtMs || now - s.lastUsedMs >= this.limits.idleMs) {
      this.end(id);
      return undefined;
    }
    s.lastUsedMs = now;
    this.held.delete(id);
    this.held.set(id, s);
    return s;
  }

  end(id: string): void {
    const s = this.held.get(id);
    if (!s) return;
    this.held.delete(id);
    this.onEnd(s);
  }

  get size(): number {
    return this.held.size;
  }

  endAll(): void {
    for (const id of [...this.held.keys()]) this.end(id);
  }
}
