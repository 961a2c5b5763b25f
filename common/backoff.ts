// Reconnect pacing for every stream to the controller (the gateway's Sync and Report, the
// client agent's Watch): exponential backoff with jitter, so that a controller restart is not
// met by every gateway and client reconnecting in the same millisecond.

export interface BackoffOptions {
  /** Delay scale of the first retry, in milliseconds. */
  baseMs: number;
  /** Upper bound of any single delay, in milliseconds. */
  maxMs: number;
}

/** The gateway's schedule (its streams carry the data plane: retry soon). */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 10_000 };

/**
 * The delay before retry number `attempt` (0 for the first retry): "equal jitter" over the
 * exponential ceiling min(max, base * 2^attempt), i.e. uniformly in [ceiling/2, ceiling].
 * Keeping half the ceiling fixed guarantees the delay grows, while the random half spreads
 * gateways apart. `random` returns a number in [0, 1), like Math.random.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  if (!Number.isInteger(attempt) || attempt < 0) throw new Error(`backoff attempt must be a non-negative integer, got ${attempt}`);
  // 2^attempt overflows to Infinity for large attempts; Math.min caps it.
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
