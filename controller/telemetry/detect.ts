// Pure detections over ingested telemetry. Probing: denied attempts of one session summed
// over a sliding time window (times clamped to the controller's clock); at the threshold the
// session is flagged once. Endpoint jumps:
// a session's WireGuard endpoint moving between distant networks (a different /16 for IPv4,
// /32 for IPv6) within a short window, which a roaming laptop rarely does but a stolen
// session key used elsewhere does.
import ipaddr from 'ipaddr.js';

export interface ProbeSettings {
  /** Attempts within the window that trigger (>=). */
  threshold: number;
  windowMs: number;
}

/** Sessions the detector follows at once; beyond, the least recently reported is forgotten. */
const MAX_SESSIONS = 100_000;
/** Attempts are summed in buckets of a hundredth of the window: each session holds at most ~200. */
const BUCKETS_PER_WINDOW = 100;

/**
 * Denied attempts per session in a sliding window. The reporting gateway's clock is not
 * trusted: a report's time is clamped to the controller's receive time (never later), and a
 * report older than two windows is not counted (stale evidence), so a wrong or hostile clock
 * can neither hold memory forever nor pile attempts into one instant. Memory is bounded:
 * attempts are bucketed, sessions and flags are capped and forgotten after two windows.
 */
export class ProbeDetector {
  /** Per session: attempts per bucket start (ms), in insertion order of the session's last report. */
  private readonly events = new Map<string, Map<number, number>>();
  /** Sessions flagged, with when; flagged once until forgotten. */
  private readonly flagged = new Map<string, number>();
  private readonly bucketMs: number;

  constructor(private readonly settings: ProbeSettings) {
    this.bucketMs = Math.max(1, Math.floor(settings.windowMs / BUCKETS_PER_WINDOW));
  }

  private get horizonMs(): number {
    return 2 * this.settings.windowMs;
  }

  /**
   * Adds `attempts` denied attempts of a session that the gateway says it saw at
   * `reportedAtMs`, received at `nowMs`; returns the window's total when this addition
   * crosses the threshold (once per session), else undefined.
   */
  record(sessionId: string, attempts: number, reportedAtMs: number, nowMs: number): number | undefined {
    const atMs = Math.min(reportedAtMs, nowMs);
    if (atMs <= nowMs - this.horizonMs || this.flagged.has(sessionId)) return undefined;
    const buckets = this.events.get(sessionId) ?? new Map<number, number>();
    const bucket = atMs - (atMs % this.bucketMs);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + attempts);
    for (const b of buckets.keys()) if (b + this.bucketMs <= nowMs - this.horizonMs) buckets.delete(b);
    // Reports may arrive out of order (a resend after an outage): look for the busiest
    // window of the configured length anywhere in the kept buckets.
    const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
    let best = 0;
    let sum = 0;
    let lo = 0;
    for (const [start, n] of sorted) {
      sum += n;
      while (sorted[lo]![0] <= start - this.settings.windowMs) sum -= sorted[lo++]![1];
      best = Math.max(best, sum);
    }
    this.events.delete(sessionId);
    if (best < this.settings.threshold) {
      this.events.set(sessionId, buckets);
      if (this.events.size > MAX_SESSIONS) this.events.delete(this.events.keys().next().value!);
      return undefined;
    }
    this.flagged.set(sessionId, nowMs);
    if (this.flagged.size > MAX_SESSIONS) this.flagged.delete(this.flagged.keys().next().value!);
    return best;
  }

  /** Forgets sessions with no attempt, and flags older than two windows, before `nowMs` (bounded memory). */
  expire(nowMs: number): void {
    const before = nowMs - this.horizonMs;
    for (const [id, buckets] of this.events) if ([...buckets.keys()].every((b) => b + this.bucketMs <= before)) this.events.delete(id);
    for (const [id, atMs] of this.flagged) if (atMs <= before) this.flagged.delete(id);
  }

  /** Sessions held (for tests: memory stays bounded). */
  get size(): number {
    return this.events.size + this.flagged.size;
  }
}

/** The host part of "HOST:PORT" / "[v6]:PORT". */
export function endpointHost(endpoint: string): string {
  const m = /^\[([^\]]+)\]:\d+$/.exec(endpoint) ?? /^([^:]+):\d+$/.exec(endpoint);
  return m ? m[1] : endpoint;
}

/** True when two endpoints lie in different /16 (IPv4) or /32 (IPv6) networks, or families differ. */
export function distantEndpoints(a: string, b: string): boolean {
  const ha = endpointHost(a);
  const hb = endpointHost(b);
  if (!ipaddr.isValid(ha) || !ipaddr.isValid(hb)) return ha !== hb;
  const pa = ipaddr.process(ha);
  const pb = ipaddr.process(hb);
  if (pa.kind() !== pb.kind()) return true;
  const bits = pa.kind() === 'ipv4' ? 16 : 32;
  return !pa.match(pb, bits);
}

export interface EndpointSettings {
  /** A jump between distant endpoints within this long of the previous report is flagged. */
  windowMs: number;
}

/** True when an endpoint change is a distant jump within the window. */
export function suspiciousEndpointChange(change: { from: string; to: string; previousAtMs: number; atMs: number }, s: EndpointSettings): boolean {
  return change.atMs - change.previousAtMs <= s.windowMs && distantEndpoints(change.from, change.to);
}
