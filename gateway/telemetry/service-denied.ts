// Pure: requests the gateway's own services refused, as denied attempts — the proxy's
// (protocol "http", destination the hostname, port 80) and the DNS service's (protocol "dns",
// destination the queried name, port 53) — aggregated per session, source and name exactly as
// the kernel's tuples are in denied.ts: a count cumulative since first seen, so each report of
// the same tuple (same first seen) replaces the one before at the controller. A tuple quiet
// for an hour starts over. These requests passed the kernel's sets (they reached the
// service), so none of them is also in the kernel's denied set: nothing is counted twice.
import type { DeniedAttempt__Output as DeniedRecord } from '../../proto/generated/wicket/v1/DeniedAttempt.js';

interface Seen {
  firstSeenMs: number;
  lastSeenMs: number;
  count: number;
}

/** Tuples kept at most; the oldest goes first (a flood of hostnames cannot grow memory). */
const MAX_TUPLES = 65_536;

export class ServiceDeniedTracker {
  private readonly seen = new Map<string, Seen>();

  /** @param protocol and `port` name the service in the records ("http" 80, "dns" 53) */
  constructor(private readonly protocol: string, private readonly port: number, private readonly forgetAfterMs = 3_600_000) {}

  /** One refused request from `source` (session `sessionId`, '' when none) for `hostname`. */
  record(sessionId: string, source: string, hostname: string, nowMs: number): DeniedRecord {
    const key = `${sessionId}|${source}|${hostname}`;
    let s = this.seen.get(key);
    if (s && nowMs - s.lastSeenMs > this.forgetAfterMs) s = undefined;
    if (!s) {
      s = { firstSeenMs: nowMs, lastSeenMs: nowMs, count: 0 };
      if (this.seen.size >= MAX_TUPLES) this.seen.delete(this.seen.keys().next().value!);
    } else {
      this.seen.delete(key);
    }
    s.count += 1;
    s.lastSeenMs = nowMs;
    // Re-inserted, so the map's order is least recently seen first.
    this.seen.set(key, s);
    return { sessionId, source, destination: hostname, protocol: this.protocol, port: this.port, count: s.count, firstSeenMs: s.firstSeenMs, lastSeenMs: s.lastSeenMs };
  }
}
