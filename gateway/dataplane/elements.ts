// Pure: turns one session's rules into the nftables set elements that enforce them. The
// kernel's concatenated interval sets (pipapo) refuse overlapping elements ("File exists"),
// while two grants may well overlap (a /24 on tcp 1-1000 and one host on tcp 80), so the
// union of a session's (destination range x port range) boxes is cut into disjoint pieces,
// each carrying the latest expiry of the rules that cover it. IPv4 and IPv6 destinations are
// cut separately (they live in different sets, under the session's IPv4 and IPv6 overlay
// addresses); the arithmetic is on bigints for both, IPv4 results are given back as numbers.
import { ipv4Range } from '../../common/ipv4.js';
import { isIpv6, ipv6Range } from '../../common/ipv6.js';

export type Protocol = 'tcp' | 'udp' | 'icmp';

/** A rule whose destination has been resolved to addresses/CIDRs (IPv4, IPv6 or both). */
export interface ResolvedRule {
  destinations: string[];
  protocol: Protocol;
  portFrom: number;
  portTo: number;
  expiresAtMs: number;
}

/**
 * One element of the tcp/udp sets or the icmp sets (ports are 0) — IPv6 ones when its
 * destination is a bigint range, with the session's IPv6 overlay address; exact or interval
 * by `isExactElement` (see ruleset.ts `allowSetOf`). Destinations are numeric ranges so that what we write and what nft lists
 * back compare exactly.
 */
export interface Element {
  overlay: string;
  destFirst: number | bigint;
  destLast: number | bigint;
  protocol: Protocol;
  portFrom: number;
  portTo: number;
  expiresAtMs: number;
}

/** Identity of an element in a set (everything but its expiry). */
export function elementKey(e: Element): string {
  return `${e.overlay}|${e.destFirst}-${e.destLast}|${e.protocol}|${e.portFrom}-${e.portTo}`;
}

/** True for an element of the IPv6 sets. */
export const isIpv6Element = (e: Element): boolean => typeof e.destFirst === 'bigint';

/**
 * True for an element that names one destination address and one port (icmp: one address,
 * its ports are 0): it goes to a hash set, everything else to an interval set. A piece cut
 * out of overlapping grants (a host and port inside a wider grant) is exact too when it is
 * one address and one port; the pieces stay disjoint whichever set each lands in.
 */
export const isExactElement = (e: Element): boolean => e.destFirst === e.destLast && e.portFrom === e.portTo;

interface Box { a0: bigint; a1: bigint; p0: number; p1: number; exp: number }
interface Segment { from: number; to: number; exp: number }

const byValue = <T extends number | bigint>(x: T, y: T) => (x < y ? -1 : x > y ? 1 : 0);

/** Cuts [lo, hi] at every box edge and gives each piece the latest expiry covering it. */
function sweep(boxes: readonly { lo: number; hi: number; exp: number }[]): Segment[] {
  const cuts = [...new Set(boxes.flatMap((b) => [b.lo, b.hi + 1]))].sort(byValue);
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
 * rules already expired at `nowMs` contribute nothing. IPv6 destinations become elements of
 * `overlayIpv6`; a session without one ('' — an older controller) gets none for them (they
 * cannot be enforced for a source the tunnel does not give it), see `droppedIpv6`.
 */
export function sessionElements(overlay: string, sessionExpiresAtMs: number, rules: readonly ResolvedRule[], nowMs: number, overlayIpv6 = ''): Element[] {
  const out: Element[] = [];
  for (const v6 of [false, true]) {
    if (v6 && overlayIpv6 === '') continue;
    const owner = v6 ? overlayIpv6 : overlay;
    const address = (n: bigint) => (v6 ? n : Number(n));
    for (const protocol of ['tcp', 'udp', 'icmp'] as const) {
      const boxes: Box[] = [];
      for (const r of rules) {
        if (r.protocol !== protocol) continue;
        const exp = Math.min(r.expiresAtMs, sessionExpiresAtMs);
        if (exp <= nowMs) continue;
        const [p0, p1] = protocol === 'icmp' ? [0, 0] : [r.portFrom, r.portTo];
        for (const d of r.destinations) {
          if (isIpv6(d) !== v6) continue;
          const [a0, a1] = v6 ? ipv6Range(d) : ipv4Range(d).map(BigInt);
          boxes.push({ a0, a1, p0, p1, exp });
        }
      }
      out.push(...protocolElements(boxes).map((b) => ({
        overlay: owner, destFirst: address(b.a0), destLast: address(b.a1), protocol, portFrom: b.p0, portTo: b.p1, expiresAtMs: b.exp,
      })));
    }
  }
  return out;
}

/** True when a session's rules name IPv6 destinations it gets no elements for (no IPv6 overlay). */
export function droppedIpv6(overlayIpv6: string, rules: readonly ResolvedRule[]): boolean {
  return overlayIpv6 === '' && rules.some((r) => r.destinations.some(isIpv6));
}

/** The boxes of one protocol and family as disjoint boxes. */
function protocolElements(boxes: readonly Box[]): Box[] {
  // The usual case (distinct resources or ports): each rule is an element as it is.
  if (disjoint(boxes)) return [...boxes];
  // Address pieces, each with the port segments of the boxes covering it whole; adjacent
  // pieces with identical port segments are merged back into one range.
  const addressCuts = [...new Set(boxes.flatMap((b) => [b.a0, b.a1 + 1n]))].sort(byValue);
  const pieces: { from: bigint; to: bigint; ports: Segment[] }[] = [];
  for (let i = 0; i + 1 < addressCuts.length; i++) {
    const from = addressCuts[i];
    const to = addressCuts[i + 1] - 1n;
    const ports = sweep(boxes.filter((b) => b.a0 <= from && b.a1 >= to).map((b) => ({ lo: b.p0, hi: b.p1, exp: b.exp })));
    if (ports.length === 0) continue;
    const last = pieces[pieces.length - 1];
    if (last && last.to + 1n === from && sameSegments(last.ports, ports)) last.to = to;
    else pieces.push({ from, to, ports });
  }
  return pieces.flatMap((piece) => piece.ports.map((s) => ({ a0: piece.from, a1: piece.to, p0: s.from, p1: s.to, exp: s.exp })));
}
