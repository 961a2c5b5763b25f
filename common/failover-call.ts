// A one-shot operation (a login, an enrollment, an admin call) over a controller list: tried on
// the preferred controller, moved to the next only when it did not reach its controller
// (common/unreachable.ts), with the waits of common/failover.ts between rounds, for a bounded
// number of rounds, so that a command gives up with every controller's reason.
import { setTimeout as sleep } from 'node:timers/promises';
import { FailoverSchedule, type FailoverBackoff } from './failover.js';
import { isUnreachable } from './unreachable.js';

export interface FailoverCallOptions {
  /** The controller to start with (the one that last worked; default the first). */
  start?: number;
  /** Whole rounds over the list before giving up (default 2; 1 for a single controller, which keeps its old fail-fast behaviour). */
  rounds?: number;
  backoff?: FailoverBackoff;
  random?: () => number;
  /** Waits between rounds; injected by tests. */
  wait?: (ms: number) => Promise<void>;
  /** Whether an error allows the next controller (default isUnreachable). */
  retryable?: (err: unknown) => boolean;
  /** Told when the operation moves on (logs). */
  onFailover?: (from: string, err: unknown) => void;
}

/** Every controller was unreachable; `cause` is the last error. */
export class NoControllerReachable extends Error {
  constructor(readonly reasons: ReadonlyArray<{ endpoint: string; error: unknown }>, override readonly cause: unknown) {
    super(`no controller could be reached: ${reasons.map((r) => `${r.endpoint} (${(r.error as Error)?.message ?? String(r.error)})`).join('; ')}`);
  }
}

/** Runs `attempt` on the controllers in turn; resolves with its result and the index that gave it. */
export async function callWithFailover<T>(endpoints: readonly string[], attempt: (endpoint: string, index: number) => Promise<T>, o: FailoverCallOptions = {}): Promise<{ result: T; index: number }> {
  const schedule = new FailoverSchedule(endpoints.length, { start: o.start, backoff: o.backoff, random: o.random });
  const retryable = o.retryable ?? isUnreachable;
  const tries = endpoints.length * (o.rounds ?? (endpoints.length === 1 ? 1 : 2));
  const reasons = new Map<string, unknown>();
  let last: unknown;
  for (let n = 0; n < tries; n++) {
    const index = schedule.current;
    const endpoint = endpoints[index]!;
    try {
      return { result: await attempt(endpoint, index), index };
    } catch (err) {
      if (!retryable(err)) throw err;
      last = err;
      reasons.set(endpoint, err);
      if (n === tries - 1) break;
      o.onFailover?.(endpoint, err);
      const { delayMs } = schedule.failed();
      if (delayMs > 0) await (o.wait ?? ((ms) => sleep(ms)))(delayMs);
    }
  }
  // One controller: its own error says it best (the messages callers already give).
  if (endpoints.length === 1) throw last;
  throw new NoControllerReachable([...reasons].map(([endpoint, error]) => ({ endpoint, error })), last);
}
