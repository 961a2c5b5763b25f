// Pure: turns successive reads of the kernel's `denied` set (cumulative packet counters per
// overlay . destination . protocol . port tuple) into denied-attempt records with a first
// and last seen time that the kernel does not keep. A tuple is reported when its count
// moved; its count is cumulative since first seen, so a resent or repeated report of the
// same tuple (same first seen) replaces the previous one at the controller.
//
// Attribution: a tuple is a session's only when its source is that session's overlay address.
// The ruleset drops every packet with an overlay source that did not come out of the tunnel
// before it can reach the set (ruleset.ts), and WireGuard lets a peer send only from its own
// address, so such a tuple is what that session sent. Any other source (a resource opening a
// connection toward a client, a LAN host probing) is reported under that source address with
// no session: it must never count toward revoking a session.
import type { DeniedAttempt__Output as DeniedRecord } from '../../proto/generated/wicket/v1/DeniedAttempt.js';
import type { DeniedAttempt as KernelDenied } from '../dataplane/dataplane.js';

interface Seen {
  sessionId: string;
  firstSeenMs: number;
  lastSeenMs: number;
  /** The kernel counter at the last read. */
  kernelPackets: number;
  /** Attempts since first seen (survives the kernel element timing out and coming back). */
  count: number;
}

const keyOf = (d: KernelDenied) => `${d.overlay}|${d.destination}|${d.protocol}|${d.port}`;

export class DeniedTracker {
  private readonly seen = new Map<string, Seen>();

  /**
   * @param sessionOf the session holding an overlay address (undefined: not a session's address)
   * @param forgetAfterMs a tuple quiet this long starts over with a new first-seen time
   */
  constructor(private readonly sessionOf: (overlay: string) => string | undefined, private readonly forgetAfterMs = 3_600_000) {}

  /** Feeds one read of the set made at `nowMs`; returns the tuples whose count moved. */
  update(read: readonly KernelDenied[], nowMs: number): DeniedRecord[] {
    const out: DeniedRecord[] = [];
    const present = new Set<string>();
    for (const d of read) {
      const key = keyOf(d);
      present.add(key);
      let s = this.seen.get(key);
      if (s && nowMs - s.lastSeenMs > this.forgetAfterMs && d.packets !== s.kernelPackets) s = undefined;
      if (!s) {
        if (d.packets === 0) continue;
        s = { sessionId: this.sessionOf(d.overlay) ?? '', firstSeenMs: nowMs, lastSeenMs: nowMs, kernelPackets: d.packets, count: d.packets };
        this.seen.set(key, s);
      } else if (d.packets !== s.kernelPackets) {
        // Below the last read: the element timed out and was made again, counting from zero.
        s.count += d.packets > s.kernelPackets ? d.packets - s.kernelPackets : d.packets;
        s.kernelPackets = d.packets;
        s.lastSeenMs = nowMs;
      } else {
        continue;
      }
      out.push({
        sessionId: s.sessionId, source: d.overlay, destination: d.destination, protocol: d.protocol, port: d.port,
        count: s.count, firstSeenMs: s.firstSeenMs, lastSeenMs: s.lastSeenMs,
      });
    }
    // Tuples the kernel no longer holds (timed out) are forgotten once quiet long enough.
    for (const [key, s] of this.seen) {
      if (!present.has(key)) {
        s.kernelPackets = 0;
        if (nowMs - s.lastSeenMs > this.forgetAfterMs) this.seen.delete(key);
      }
    }
    return out;
  }

  get size(): number {
    return this.seen.size;
  }
}
