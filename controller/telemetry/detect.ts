// Pure detections over ingested telemetry. Probing: denied attempts of one session summed
// over a sliding time window; at the threshold the session is flagged once. Endpoint jumps:
// a session's WireGuard endpoint moving between distant networks (a different /16 for IPv4,
// /32 for IPv6) within a short window, which a roaming laptop rarely does but a stolen
// session key used elsewhere does.
import ipaddr from 'ipaddr.js';

export interface ProbeSettings {
  /** Attempts within the window that trigger (>=). */
  threshold: number;
  windowMs: number;
}

export class ProbeDetector {
  private readonly events = new Map<string, { atMs: number; n: number }[]>();
  private readonly flagged = new Set<string>();

  constructor(private readonly settings: ProbeSettings) {}

  /**
   * Adds `attempts` denied attempts of a session seen at `atMs`; returns the window's total
   * when this addition crosses the threshold (once per session), else undefined.
   */
  record(sessionId: string, attempts: number, atMs: number): number | undefined {
    if (this.flagged.has(sessionId)) return undefined;
    const list = this.events.get(sessionId) ?? [];
    list.push({ atMs, n: attempts });
    // Reports may arrive out of order (a resend after an outage): keep the list sorted and
    // look for the busiest window of the configured length anywhere in it.
    list.sort((a, b) => a.atMs - b.atMs);
    const latest = list[list.length - 1].atMs;
    const kept = list.filter((e) => e.atMs > latest - this.settings.windowMs * 2);
    let best = 0;
    let sum = 0;
    let lo = 0;
    for (const e of kept) {
      sum += e.n;
      while (kept[lo].atMs <= e.atMs - this.settings.windowMs) sum -= kept[lo++].n;
      best = Math.max(best, sum);
    }
    this.events.set(sessionId, kept);
    if (best < this.settings.threshold) return undefined;
    this.flagged.add(sessionId);
    this.events.delete(sessionId);
    return best;
  }

  /** Forgets sessions with no attempt since `beforeMs` (bounded memory). */
  expire(beforeMs: number): void {
    for (const [id, list] of this.events) if (list.every((e) => e.atMs < beforeMs)) this.events.delete(id);
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
