// When each live session is due to be decided again: its expiry or the earliest expiry of
// one of its entitlements (the session manager then re-evaluates it). One Node timer serves
// them all, set for the earliest deadline of a min-heap: a timer and a closure per session
// cost memory in proportion to the live sessions, which a controller holds by the hundred
// thousand. A re-armed or disarmed session leaves its old heap entry behind, skipped when it
// comes up (its deadline no longer matches); the heap is rebuilt when such entries pile up.
// Deadlines beyond what a Node timer holds wait for as many timers as they need.
import { MAX_TIMER_MS } from '../../common/timer.js';

/** Fires a little after the deadline, so the re-evaluation sees the entitlement expired. */
const AFTER_MS = 5;
/** Stale heap entries tolerated beyond the live ones before the heap is rebuilt. */
const SLACK = 1024;

/** A deadline on the process clock (performance.now(), ms), with its session. */
interface Entry { at: number; id: string }

export class Deadlines {
  /** The armed deadline of each session (process clock). */
  private readonly due = new Map<string, number>();
  private heap: Entry[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** When the timer fires (process clock); Infinity when none is set. */
  private timerAt = Infinity;

  /** `fire` is called with a session whose deadline came, after its deadline is forgotten. */
  constructor(private readonly fire: (id: string) => void) {}

  /** Arms (or re-arms) the session's deadline for `atMs`, on the clock that gave `nowMs`. */
  arm(id: string, atMs: number, nowMs: number): void {
    const at = performance.now() + Math.max(atMs - nowMs, 0) + AFTER_MS;
    this.due.set(id, at);
    this.push({ at, id });
    if (this.heap.length > 2 * this.due.size + SLACK) this.rebuild();
    if (at < this.timerAt) this.schedule();
  }

  disarm(id: string): void {
    this.due.delete(id);
  }

  has(id: string): boolean {
    return this.due.has(id);
  }

  clear(): void {
    this.due.clear();
    this.heap = [];
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  /** Sets the one timer for the earliest deadline still armed. */
  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    while (this.heap.length && this.due.get(this.heap[0]!.id) !== this.heap[0]!.at) this.pop();
    const top = this.heap[0];
    if (!top) return;
    this.timerAt = top.at;
    this.timer = setTimeout(() => this.run(), Math.min(Math.ceil(Math.max(top.at - performance.now(), 0)), MAX_TIMER_MS));
    this.timer.unref();
  }

  /** Fires every deadline that came, then sets the timer for the next. */
  private run(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = performance.now();
    const fired: string[] = [];
    while (this.heap.length && this.heap[0]!.at <= now) {
      const { id, at } = this.pop();
      if (this.due.get(id) !== at) continue;
      this.due.delete(id);
      fired.push(id);
    }
    // Set before firing: a deadline armed by `fire` moves the timer only when it is earlier.
    this.schedule();
    for (const id of fired) this.fire(id);
  }

  private rebuild(): void {
    this.heap = [];
    for (const [id, at] of this.due) this.push({ at, id });
  }

  private push(entry: Entry): void {
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.at <= entry.at) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = entry;
  }

  private pop(): Entry {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= h.length) break;
      const right = left + 1;
      const child = right < h.length && h[right]!.at < h[left]!.at ? right : left;
      if (h[child]!.at >= last.at) break;
      h[i] = h[child]!;
      i = child;
    }
    h[i] = last;
    return top;
  }
}
