// The reconnect loop both of the gateway's controller streams (Sync and Report) run: one
// stream until it ends, then a wait with backoff and jitter, then the next; a stream that
// proved healthy starts the schedule over, and stop() ends the loop without waiting out a
// backoff.
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from '../../common/backoff.js';

export interface ReconnectOptions {
  backoff?: BackoffOptions;
  /** Source of jitter, [0, 1). */
  random?: () => number;
  /** Waits before a reconnect; ends early when `signal` aborts (stop). Injected by tests. */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Told before each wait (logs, metrics). */
  onReconnect?: (delayMs: number, attempt: number) => void;
}

const abortableSleep = (ms: number, signal: AbortSignal): Promise<void> => sleep(ms, undefined, { signal }).catch(() => undefined);

export class ReconnectLoop {
  stopped = false;
  private readonly wake = new AbortController();
  private running: Promise<void> | undefined;

  /**
   * `runStream` runs one stream to its end and resolves true when it was healthy;
   * `cancel` cuts the current stream short (on stop).
   */
  constructor(private readonly runStream: () => Promise<boolean>, private readonly cancel: () => void, private readonly options: ReconnectOptions = {}) {}

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
    let attempt = 0;
    while (!this.stopped) {
      const healthy = await this.runStream();
      if (this.stopped) break;
      if (healthy) attempt = 0;
      const delayMs = backoffDelay(attempt, this.options.backoff ?? DEFAULT_BACKOFF, this.options.random);
      attempt += 1;
      this.options.onReconnect?.(delayMs, attempt);
      await (this.options.wait ?? abortableSleep)(delayMs, this.wake.signal);
    }
  }
}
