// One timer per live session, firing when its expiry or the earliest expiry of one of its
// entitlements comes (the session manager then decides the session again). Deadlines beyond
// what a Node timer holds are re-armed when the first timer fires.
import { MAX_TIMER_MS } from '../../common/timer.js';

/** Fires a little after the deadline, so the re-evaluation sees the entitlement expired. */
const AFTER_MS = 5;

export class Deadlines {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  /** Arms (or re-arms) the session's timer for `atMs`; `fire` runs once, after the timer is forgotten. */
  arm(id: string, atMs: number, nowMs: number, fire: () => void): void {
    this.disarm(id);
    const timer = setTimeout(() => {
      this.timers.delete(id);
      fire();
    }, Math.min(Math.max(atMs - nowMs, 0) + AFTER_MS, MAX_TIMER_MS));
    timer.unref();
    this.timers.set(id, timer);
  }

  disarm(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }

  has(id: string): boolean {
    return this.timers.has(id);
  }

  clear(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
