// Parsers for nft's JSON listings of our table (`nft -j list set`, `nft -j list counter`),
// pure. `nft -j` reports timeouts and expiries in whole seconds, so expiries read back are
// known to within 1 s plus the listing's duration.
import { z } from 'zod';
import { ipv4Range } from '../../common/ipv4.js';
import { bigIntToIpv6, ipv6Range, ipv6ToBigInt } from '../../common/ipv6.js';
import type { Element, Protocol } from './elements.js';
import { allowSetKind, type AllowSet } from './ruleset.js';

// nft's JSON is a local tool's output, but it is still checked shape by shape: a listing
// we misread would make the reconciler delete or keep the wrong access. The envelope is
// checked with zod; the (tens of thousands of) elements with the small guards below, which
// are about ten times faster than a zod union per element.
const listingSchema = z.object({
  nftables: z.array(z.record(z.string(), z.unknown())),
});

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(what: string, v: unknown): Error {
  return new Error(`unexpected ${what} in nft's listing: ${JSON.stringify(v)?.slice(0, 200)}`);
}

function addrRange<T extends number | bigint>(a: unknown, range: (text: string) => [T, T]): [T, T] {
  if (typeof a === 'string') return range(a);
  if (isObject(a) && isObject(a.prefix) && typeof a.prefix.addr === 'string' && typeof a.prefix.len === 'number') {
    return range(`${a.prefix.addr}/${a.prefix.len}`);
  }
  if (isObject(a) && Array.isArray(a.range) && typeof a.range[0] === 'string' && typeof a.range[1] === 'string') {
    return [range(a.range[0])[0], range(a.range[1])[0]];
  }
  throw bad('address', a);
}

/** An IPv6 address from the listing in the canonical text the data plane writes (RFC 5952). */
function ipv6Text(v: unknown, what: string): string {
  try {
    return bigIntToIpv6(ipv6ToBigInt(str(v, what)));
  } catch {
    throw bad(what, v);
  }
}

function portRange(p: unknown): [number, number] {
  if (typeof p === 'number') return [p, p];
  if (isObject(p) && Array.isArray(p.range) && typeof p.range[0] === 'number' && typeof p.range[1] === 'number') return [p.range[0], p.range[1]];
  throw bad('port', p);
}

/** An element as found in the kernel, with the set it is in and its counter. */
export interface ActualElement extends Element {
  set: AllowSet;
  /** Latest the element may expire (`expiresAtMs` is the earliest); see parseSetJson. */
  expiresAtMaxMs: number;
  packets: number;
  bytes: number;
}

interface RawElement { parts: unknown[]; expires?: number; packets: number; bytes: number }

function rawElement(e: unknown): RawElement {
  // Either { elem: { val: { concat }, expires?, counter? } } or a bare { concat }.
  const wrapped = isObject(e) && isObject(e.elem) ? e.elem : null;
  const val = wrapped ? wrapped.val : e;
  if (!isObject(val) || !Array.isArray(val.concat)) throw bad('element', e);
  const counter = wrapped && isObject(wrapped.counter) ? wrapped.counter : {};
  return {
    parts: val.concat,
    expires: wrapped && typeof wrapped.expires === 'number' ? wrapped.expires : undefined,
    packets: typeof counter.packets === 'number' ? counter.packets : 0,
    bytes: typeof counter.bytes === 'number' ? counter.bytes : 0,
  };
}

function rawElements(json: string, setName: string): RawElement[] {
  const listing = listingSchema.parse(JSON.parse(json));
  const out: RawElement[] = [];
  for (const item of listing.nftables) {
    const set = item.set;
    if (!isObject(set) || set.name !== setName) continue;
    if (set.elem === undefined) continue;
    if (!Array.isArray(set.elem)) throw bad('element list', set.elem);
    for (const e of set.elem) out.push(rawElement(e));
  }
  return out;
}

const str = (v: unknown, what: string): string => {
  if (typeof v !== 'string') throw bad(what, v);
  return v;
};

/**
 * Elements of an allow set (one of ALLOW_SETS: the IPv6 ones' destinations come back as
 * bigints, the icmp ones' with ports 0) from `nft -j list set`, listed between `startMs` and
 * `endMs`. nft reports the time left in whole seconds, rounded down, at an instant inside
 * that window, so the expiry is known to lie in [startMs + s, endMs + s + 1 s]. An element
 * without a timeout gets Infinity (it never expires, so it is never desired).
 */
export function parseSetJson(json: string, setName: AllowSet, startMs: number, endMs = startMs): ActualElement[] {
  const { v6, icmp } = allowSetKind(setName);
  return rawElements(json, setName).map((raw) => {
    if (raw.parts.length !== (icmp ? 2 : 4)) throw bad('element', raw.parts);
    const [overlay, dest, proto, port] = raw.parts;
    const [destFirst, destLast] = v6 ? addrRange(dest, ipv6Range) : addrRange(dest, ipv4Range);
    let protocol: Protocol = 'icmp';
    let ports: [number, number] = [0, 0];
    if (!icmp) {
      if (proto !== 'tcp' && proto !== 'udp') throw bad('protocol', proto);
      protocol = proto;
      ports = portRange(port);
    }
    return {
      set: setName,
      overlay: v6 ? ipv6Text(overlay, 'overlay address') : str(overlay, 'overlay address'),
      destFirst, destLast, protocol, portFrom: ports[0], portTo: ports[1],
      expiresAtMs: raw.expires === undefined ? Infinity : startMs + raw.expires * 1000,
      expiresAtMaxMs: raw.expires === undefined ? Infinity : endMs + raw.expires * 1000 + 1000,
      packets: raw.packets,
      bytes: raw.bytes,
    };
  });
}

/** One denied tuple with how often it was tried. */
export interface DeniedAttempt {
  overlay: string;
  destination: string;
  /** Protocol name as nft prints it (tcp, udp, icmp) or its number. */
  protocol: string;
  /** Destination port (0 for protocols without ports). */
  port: number;
  packets: number;
  bytes: number;
}

/** Attempts in `denied` or (IPv6, addresses as RFC 5952 text, ICMPv6 as icmp) `denied6`. */
export function parseDeniedJson(json: string, setName: 'denied' | 'denied6' = 'denied'): DeniedAttempt[] {
  const text = setName === 'denied6' ? ipv6Text : str;
  return rawElements(json, setName).map((raw) => {
    const [overlay, dest, proto, port] = raw.parts;
    if (typeof proto !== 'string' && typeof proto !== 'number') throw bad('protocol', proto);
    if (typeof port !== 'number') throw bad('port', port);
    return {
      overlay: text(overlay, 'overlay address'),
      destination: text(dest, 'destination'),
      // A policy's `icmp` covers ICMPv6 (allow6_icmp), so its refusals are reported as icmp too.
      protocol: proto === 'ipv6-icmp' ? 'icmp' : String(proto),
      port,
      packets: raw.packets,
      bytes: raw.bytes,
    };
  });
}

const counterSchema = z.object({ name: z.string(), packets: z.number().int().nonnegative() });

/** Packets of a named counter in `nft -j list counter` output (0 when absent). */
export function parseCounterJson(json: string, name: string): number {
  for (const item of listingSchema.parse(JSON.parse(json)).nftables) {
    if (item.counter === undefined) continue;
    const counter = counterSchema.parse(item.counter);
    if (counter.name === name) return counter.packets;
  }
  return 0;
}
