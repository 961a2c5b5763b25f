// The reconnect loop both of the gateway's controller streams (Sync and Report) run: one
// stream until it ends, then the next controller of the list (common/failover.ts: at once
// within a round, after a backoff with full jitter once every controller failed); a stream
// that proved healthy keeps its controller for the next attempt and starts the backoff over.
// stop() ends the loop without waiting out a backoff.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FailoverBackoff } from '../../common/failover.js';
import { FAILOVER_BACKOFF, FailoverSchedule } from '../../common/failover.js';

export interface ReconnectOptions {
  /** How many controllers the stream may use (default 1); runStream gets their index. */
  controllers?: number;
  backoff?: FailoverBackoff;
  /** Source of jitter, [0, 1). */
  random?: () => number;
  /** Waits before a reconnect; ends early when `signal` aborts (stop). Injected by tests. */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Told before each reconnect, with the controller it goes to (logs, metrics). */
  onReconnect?: (delayMs: number, attempt: number, controller: number) => void;
}

const abortableSleep = (ms: number, signal: AbortSignal): Promise<void> => sleep(ms, undefined, { signal }).catch(() => undefined);

export class ReconnectLoop {
  stopped = false;
  private readonly wake = new AbortController();
  private running: Promise<void> | undefined;

  /**
   * `runStream` runs one stream to the controller at `controller` (an index into the list)
   * to its end and resolves true when it was healthy; `cancel` cuts the current stream short
   * (on stop).
   */
  constructor(private readonly runStream: (controller: number) => Promise<boolean>, private readonly cancel: () => void, private readonly options: ReconnectOptions = {}) {}

  /** Starts the loop (idempotent). */
  start(): void {
    this.running ??= this.loop();
  }

  /** Cuts the current stream and ends the loop once it has unwound. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancel();
    this.wake.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    const schedule = new FailoverSchedule(this.options.controllers ?? 1, {
      backoff: this.options.backoff ?? FAILOVER_BACKOFF,
      random: this.options.random,
    });
    let attempt = 0;
    while (!this.stopped) {
      const healthy = await this.runStream(schedule.current);
      if (this.stopped) break;
      if (healthy) {
        schedule.succeeded();
        attempt = 0;
      }
      const { index, delayMs } = schedule.failed();
      attempt += 1;
      this.options.onReconnect?.(delayMs, attempt, index);
      if (delayMs > 0) await (this.options.wait ?? abortableSleep)(delayMs, this.wake.signal);
    }
  }
}
