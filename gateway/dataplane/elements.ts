// Pure: turns one session's rules into the nftables set elements that enforce them. The
// kernel's concatenated interval sets (pipapo) refuse overlapping elements ("File exists"),
// while two grants may well overlap (a /24 on tcp 1-1000 and one host on tcp 80), so the
// union of a session's (destination range x port range) boxes is cut into disjoint pieces,
// each carrying the latest expiry of the rules that cover it.
import { ipv4Range } from '../../common/ipv4.js';

export type Protocol = 'tcp' | 'udp' | 'icmp';

/** A rule whose destination has been resolved to IPv4 addresses/CIDRs. */
export interface ResolvedRule {
  destinations: string[];
  protocol: Protocol;
  portFrom: number;
  portTo: number;
  expiresAtMs: number;
}

/**
 * One element of `allow` (tcp/udp) or `allow_icmp` (icmp; ports are 0). Destinations are
 * numeric IPv4 ranges so that what we write and what nft lists back compare exactly.
 */
export interface Element {
  overlay: string;
  destFirst: number;
  destLast: number;
  protocol: Protocol;
  portFrom: number;
  portTo: number;
  expiresAtMs: number;
}

/** Identity of an element in a set (everything but its expiry). */
export function elementKey(e: Element): string {
  return `${e.overlay}|${e.destFirst}-${e.destLast}|${e.protocol}|${e.portFrom}-${e.portTo}`;
}

interface Box { a0: number; a1: number; p0: number; p1: number; exp: number }
interface Segment { from: number; to: number; exp: number }

/** Cuts [lo, hi] at every box edge and gives each piece the latest expiry covering it. */
function sweep(boxes: readonly { lo: number; hi: number; exp: number }[]): Segment[] {
  const cuts = [...new Set(boxes.flatMap((b) => [b.lo, b.hi + 1]))].sort((x, y) => x - y);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const from = cuts[i];
    const to = cuts[i + 1] - 1;
    let exp = -Infinity;
    for (const b of boxes) if (b.lo <= from && b.hi >= to) exp = Math.max(exp, b.exp);
    if (exp === -Infinity) continue;
    const last = out[out.length - 1];
    if (last && last.to + 1 === from && last.exp === exp) last.to = to;
    else out.push({ from, to, exp });
  }
  return out;
}

function disjoint(boxes: readonly Box[]): boolean {
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      if (a.a0 <= b.a1 && b.a0 <= a.a1 && a.p0 <= b.p1 && b.p0 <= a.p1) return false;
    }
  }
  return true;
}

const sameSegments = (x: Segment[], y: Segment[]) =>
  x.length === y.length && x.every((s, i) => s.from === y[i].from && s.to === y[i].to && s.exp === y[i].exp);

/**
 * The disjoint elements for one session. Each rule's expiry is capped at the session's;
 * rules already expired at `nowMs` contribute nothing.
 */
export function sessionElements(overlay: string, sessionExpiresAtMs: number, rules: readonly ResolvedRule[], nowMs: number): Element[] {
  const out: Element[] = [];
  for (const protocol of ['tcp', 'udp', 'icmp'] as const) {
    const boxes: Box[] = [];
    for (const r of rules) {
      if (r.protocol !== protocol) continue;
      const exp = Math.min(r.expiresAtMs, sessionExpiresAtMs);
      if (exp <= nowMs) continue;
      const [p0, p1] = protocol === 'icmp' ? [0, 0] : [r.portFrom, r.portTo];
      for (const d of r.destinations) {
        const [a0, a1] = ipv4Range(d);
        boxes.push({ a0, a1, p0, p1, exp });
      }
    }
    if (boxes.length === 0) continue;
    if (disjoint(boxes)) {
      // The usual case (distinct resources or ports): each rule is an element as it is.
      for (const b of boxes) out.push({ overlay, destFirst: b.a0, destLast: b.a1, protocol, portFrom: b.p0, portTo: b.p1, expiresAtMs: b.exp });
      continue;
    }
    // Address pieces, each with the port segments of the boxes covering it whole; adjacent
    // pieces with identical port segments are merged back into one range.
    const addressCuts = [...new Set(boxes.flatMap((b) => [b.a0, b.a1 + 1]))].sort((x, y) => x - y);
    const pieces: { from: number; to: number; ports: Segment[] }[] = [];
    for (let i = 0; i + 1 < addressCuts.length; i++) {
      const from = addressCuts[i];
      const to = addressCuts[i + 1] - 1;
      const ports = sweep(boxes.filter((b) => b.a0 <= from && b.a1 >= to).map((b) => ({ lo: b.p0, hi: b.p1, exp: b.exp })));
      if (ports.length === 0) continue;
      const last = pieces[pieces.length - 1];
      if (last && last.to + 1 === from && sameSegments(last.ports, ports)) last.to = to;
      else pieces.push({ from, to, ports });
    }
    for (const piece of pieces) {
      for (const s of piece.ports) {
        out.push({ overlay, destFirst: piece.from, destLast: piece.to, protocol, portFrom: s.from, portTo: s.to, expiresAtMs: s.exp });
      }
    }
  }
  return out;
}
