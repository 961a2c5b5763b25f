// The order in which a caller tries its controllers, and how long it waits: it stays on the
// controller that last worked, moves to the next one as soon as that fails, and only after a
// whole round without success waits, with exponential backoff and full jitter (uniform in
// [0, min(cap, base * 2^round))), so that the clients and gateways of a failed controller do
// not all arrive at the next one, or come back, in the same instant. Pure: the caller waits
// (with its own clock) and the randomness is injected.

export interface FailoverBackoff {
  /** The ceiling of the first round's wait, in milliseconds. */
  baseMs: number;
  /** The largest ceiling, in milliseconds. */
  capMs: number;
}

/** 250 ms doubling to 10 s: a restarted controller is found quickly, a dead network is not hammered. */
export const FAILOVER_BACKOFF: FailoverBackoff = { baseMs: 250, capMs: 10_000 };

export interface FailoverOptions {
  backoff?: FailoverBackoff;
  /** Source of jitter in [0, 1), like Math.random. */
  random?: () => number;
  /** The controller to start with (default the first). */
  start?: number;
}

/** The next controller to try, and the wait before trying it. */
export interface FailoverStep {
  index: number;
  delayMs: number;
}

export class FailoverSchedule {
  private index: number;
  /** Failures since the last success or the last wait. */
  private failuresInRound = 0;
  /** Rounds without success (the backoff exponent). */
  private rounds = 0;
  private readonly backoff: FailoverBackoff;
  private readonly random: () => number;

  constructor(readonly count: number, options: FailoverOptions = {}) {
    if (!Number.isInteger(count) || count < 1) throw new Error(`a failover schedule needs at least one controller, got ${count}`);
    this.index = options.start ?? 0;
    if (!Number.isInteger(this.index) || this.index < 0 || this.index >= count) throw new Error(`start ${this.index} is not a controller of ${count}`);
    this.backoff = options.backoff ?? FAILOVER_BACKOFF;
    this.random = options.random ?? Math.random;
  }

  /** The controller in use (or to try next). */
  get current(): number {
    return this.index;
  }

  /** The controller in use answered: keep it, and start the next failure on a fresh round. */
  succeeded(): void {
    this.failuresInRound = 0;
    this.rounds = 0;
  }

  /**
   * The controller in use failed: moves to the next one. Within a round the move is
   * immediate; the failure that completes a round waits before the round starts again.
   */
  failed(): FailoverStep {
    this.index = (this.index + 1) % this.count;
    this.failuresInRound += 1;
    if (this.failuresInRound < this.count) return { index: this.index, delayMs: 0 };
    this.failuresInRound = 0;
    // 2 ** rounds reaches Infinity for large rounds; Math.min caps it.
    const ceiling = Math.min(this.backoff.capMs, this.backoff.baseMs * 2 ** this.rounds);
    this.rounds += 1;
    return { index: this.index, delayMs: Math.floor(this.random() * ceiling) };
  }
}
