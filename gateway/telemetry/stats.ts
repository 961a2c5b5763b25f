// Pure: per-session WireGuard figures (from the key-free `wg show dump` parse) and
// per-entitlement nftables counters, attributed to sessions and reported only when they
// moved since the last report, so an idle gateway sends (almost) nothing.
import type { PeerStat__Output as PeerStat } from '../../proto/generated/wicket/v1/PeerStat.js';
import type { RuleCounter__Output as RuleCounter } from '../../proto/generated/wicket/v1/RuleCounter.js';
import type { WgPeerStatus } from '../../common/wireguard/peers.js';
import type { ActualElement } from '../dataplane/listing.js';
import { formatRange } from '../dataplane/ruleset.js';

/** Remembers the last value reported per key and passes on only changes. */
class ChangeFilter<T> {
  private last = new Map<string, string>();

  filter(items: readonly T[], key: (t: T) => string): T[] {
    const next = new Map<string, string>();
    const out: T[] = [];
    for (const item of items) {
      const k = key(item);
      const v = JSON.stringify(item);
      next.set(k, v);
      if (this.last.get(k) !== v) out.push(item);
    }
    // Keys gone from the system are forgotten, so the map never outgrows what exists.
    this.last = next;
    return out;
  }
}

export class PeerStats {
  private readonly changes = new ChangeFilter<PeerStat>();

  constructor(private readonly sessionOfKey: (publicKey: string) => string | undefined) {}

  /** Peers of live sessions whose endpoint, handshake or byte counts changed. */
  update(peers: readonly WgPeerStatus[]): PeerStat[] {
    const stats: PeerStat[] = [];
    for (const p of peers) {
      const sessionId = this.sessionOfKey(p.publicKey);
      if (sessionId === undefined) continue;
      stats.push({ sessionId, endpoint: p.endpoint ?? '', lastHandshakeMs: p.latestHandshakeMs, rxBytes: p.rxBytes, txBytes: p.txBytes });
    }
    return this.changes.filter(stats, (s) => s.sessionId);
  }
}

export class RuleCounters {
  private readonly changes = new ChangeFilter<RuleCounter>();

  constructor(private readonly sessionOfOverlay: (overlay: string) => string | undefined) {}

  /** Allow-set elements of live sessions whose counters moved. */
  update(elements: readonly ActualElement[]): RuleCounter[] {
    const counters: RuleCounter[] = [];
    for (const e of elements) {
      const sessionId = this.sessionOfOverlay(e.overlay);
      if (sessionId === undefined) continue;
      counters.push({
        sessionId, destination: formatRange(e.destFirst, e.destLast), protocol: e.protocol,
        portFrom: e.portFrom, portTo: e.portTo, packets: e.packets, bytes: e.bytes,
      });
    }
    return this.changes.filter(counters, (c) => `${c.sessionId}|${c.destination}|${c.protocol}|${c.portFrom}-${c.portTo}`);
  }
}
