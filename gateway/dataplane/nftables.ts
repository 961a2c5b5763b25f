// The gateway's nftables: pure text builders for Wicket's own `inet wicket` table (ruleset
// and set elements), parsers for nft's JSON listings, and the driver calls that run `nft`
// (one transaction per change, and the probe of how elements can be removed). Nothing here
// touches another table.
//
// Checked on nft 1.0.6 / Linux 6.x: a concatenated set with `flags interval, timeout` and
// `counter` takes per-element timeouts in ms and keeps per-element counters; its elements
// may not overlap (see elements.ts); `nft -j` reports timeouts and expiries in whole seconds
// (so expiries read back are known to within 1 s plus the listing's duration); deleting an element the kernel has
// already timed out fails the whole transaction with ENOENT, so every delete is preceded by
// an `add` of the same element in the same transaction (the portable form of `destroy`,
// which needs nft 1.0.8).
import { z } from 'zod';
import { runTool } from '../../common/exec.js';
import { ipv4Range, numberToIpv4 } from '../../common/ipv4.js';
import type { Element, Protocol } from './elements.js';

const TABLE = 'inet wicket';
/** The named counter of packets dropped for an overlay source that did not come from the tunnel. */
const SPOOFED = 'spoofed';

export interface RulesetOptions {
  /** The WireGuard interface whose traffic is policed. */
  ifname: string;
  /** The overlay pool (CIDR), masqueraded toward resources. */
  overlayPool: string;
  /** Capacity of the denied-attempts set (oldest stay until they time out). */
  deniedSize?: number;
  deniedTimeoutS?: number;
}

/**
 * The whole table, idempotently: `add` of table, sets and chains is a no-op when they exist
 * (so set elements survive an agent restart), and each chain is flushed and refilled in the
 * same transaction. No `flush table`: that would empty the sets.
 *
 * First of all, before conntrack (priority raw), a packet with a source in the overlay pool
 * that did not come out of the tunnel is counted in `spoofed` and dropped: overlay sources
 * belong to sessions, and only WireGuard (which checks each peer's allowed address) can vouch
 * for one. So a host on a resource network cannot pose as a session — its packets never reach
 * `@denied` (where an overlay source means "this session tried"), conntrack (flows) or the
 * masquerade. That rule is two compares, no set lookup.
 *
 * From the tunnel, a tcp or udp packet meets exactly one set lookup (`@allow`), an icmp
 * packet one lookup in `@allow_icmp`; the `meta l4proto` compare in front of each is not a
 * lookup. There is no `ct state established` shortcut in that direction, so deleting an
 * element cuts an established flow at its next packet. Toward the tunnel only packets of
 * flows the tunnel side opened pass, each after one lookup of its tuple read backwards (so
 * the cut needs no conntrack flush in that direction either), plus ICMP errors about such
 * flows; client-to-client is refused before any lookup, whatever
 * a rule's destination says. Every refusal — from the tunnel, toward it (a resource opening a
 * connection to a client) and to the gateway host itself — goes to `deny`, which records the
 * attempt in @denied and then drops in a rule of its own, so a full @denied (where `add`
 * fails and ends its rule) still drops.
 */
export function rulesetText(o: RulesetOptions): string {
  const wg = `"${o.ifname}"`;
  const chains = ['prerouting', 'forward', 'from_tunnel', 'to_tunnel', 'deny', 'input', 'postrouting'];
  return [
    `add table ${TABLE}`,
    `add set ${TABLE} allow { type ipv4_addr . ipv4_addr . inet_proto . inet_service; flags interval, timeout; counter; }`,
    `add set ${TABLE} allow_icmp { type ipv4_addr . ipv4_addr; flags interval, timeout; counter; }`,
    `add set ${TABLE} denied { type ipv4_addr . ipv4_addr . inet_proto . inet_service; flags dynamic, timeout; timeout ${o.deniedTimeoutS ?? 3600}s; size ${o.deniedSize ?? 65536}; counter; }`,
    `add counter ${TABLE} ${SPOOFED}`,
    `add chain ${TABLE} prerouting { type filter hook prerouting priority raw; policy accept; }`,
    `add chain ${TABLE} forward { type filter hook forward priority filter; policy accept; }`,
    `add chain ${TABLE} from_tunnel`,
    `add chain ${TABLE} to_tunnel`,
    `add chain ${TABLE} deny`,
    `add chain ${TABLE} input { type filter hook input priority filter; policy accept; }`,
    `add chain ${TABLE} postrouting { type nat hook postrouting priority srcnat; policy accept; }`,
    ...chains.map((c) => `flush chain ${TABLE} ${c}`),
    `add rule ${TABLE} prerouting iifname != ${wg} ip saddr ${o.overlayPool} counter name ${SPOOFED} drop`,
    `add rule ${TABLE} forward iifname ${wg} jump from_tunnel`,
    `add rule ${TABLE} forward oifname ${wg} jump to_tunnel`,
    `add rule ${TABLE} from_tunnel oifname ${wg} goto deny`,
    `add rule ${TABLE} from_tunnel meta l4proto tcp ip saddr . ip daddr . meta l4proto . th dport @allow accept`,
    `add rule ${TABLE} from_tunnel meta l4proto udp ip saddr . ip daddr . meta l4proto . th dport @allow accept`,
    `add rule ${TABLE} from_tunnel meta l4proto icmp ip saddr . ip daddr @allow_icmp accept`,
    `add rule ${TABLE} from_tunnel goto deny`,
    `add rule ${TABLE} deny meta l4proto { tcp, udp } add @denied { ip saddr . ip daddr . meta l4proto . th dport }`,
    `add rule ${TABLE} deny meta l4proto != { tcp, udp } add @denied { ip saddr . ip daddr . meta l4proto . 0 }`,
    `add rule ${TABLE} deny drop`,
    // Toward the tunnel: ICMP errors about a tracked flow, and packets of flows the tunnel
    // side opened whose tuple, read backwards, is still allowed — one lookup, so removing
    // an element cuts the replies at their next packet as well.
    `add rule ${TABLE} to_tunnel ct state related accept`,
    `add rule ${TABLE} to_tunnel ct state established meta l4proto tcp ip daddr . ip saddr . meta l4proto . th sport @allow accept`,
    `add rule ${TABLE} to_tunnel ct state established meta l4proto udp ip daddr . ip saddr . meta l4proto . th sport @allow accept`,
    `add rule ${TABLE} to_tunnel ct state established meta l4proto icmp ip daddr . ip saddr @allow_icmp accept`,
    `add rule ${TABLE} to_tunnel goto deny`,
    // The gateway host is not a resource: whatever reaches it through the tunnel is dropped.
    `add rule ${TABLE} input iifname ${wg} goto deny`,
    `add rule ${TABLE} postrouting ip saddr ${o.overlayPool} oifname != ${wg} masquerade`,
  ].join('\n') + '\n';
}

/** Removes our table and nothing else (`add` first so a missing table is not an error). */
export function deleteTableText(): string {
  return `add table ${TABLE}\ndelete table ${TABLE}\n`;
}

/** A numeric range as nft writes it back: address, prefix, or first-last. */
export function formatRange(first: number, last: number): string {
  if (first === last) return numberToIpv4(first);
  const size = last - first + 1;
  const len = 32 - Math.log2(size);
  if (Number.isInteger(len) && first % size === 0) return `${numberToIpv4(first)}/${len}`;
  return `${numberToIpv4(first)}-${numberToIpv4(last)}`;
}

const setOf = (e: Element) => (e.protocol === 'icmp' ? 'allow_icmp' : 'allow');

function elementValue(e: Element): string {
  const dest = formatRange(e.destFirst, e.destLast);
  if (e.protocol === 'icmp') return `${e.overlay} . ${dest}`;
  const ports = e.portFrom === e.portTo ? `${e.portFrom}` : `${e.portFrom}-${e.portTo}`;
  return `${e.overlay} . ${dest} . ${e.protocol} . ${ports}`;
}

const CHUNK = 2000;

function statements(verb: 'add' | 'delete', set: string, values: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < values.length; i += CHUNK) {
    out.push(`${verb} element ${TABLE} ${set} { ${values.slice(i, i + CHUNK).join(', ')} }`);
  }
  return out;
}

/**
 * How an element leaves a set. `delete` is the portable form; `expire` sets the element's
 * expiry to 1 ms from the commit instead (kernels from 6.10 update the timeout of an
 * element that exists). Measured here with 20,000 elements in the concatenated interval set:
 * a delete costs the kernel 12–25 ms, because pipapo rebuilds its lookup tables on commit;
 * an expiry costs what an add does (about 1 ms), the lookup ignores the element from that
 * instant, and the set's garbage collection frees it later, many at a time.
 */
export type RemovalMode = 'delete' | 'expire';

/**
 * One transaction removing then adding elements. Each added element's timeout is its expiry
 * minus `nowMs`, in ms; an element already expired is left out (an element without a
 * timeout would never expire, so none is ever written).
 *
 * With `expire`, an element is still in the set until its expiry passes, and the kernel
 * refuses an added element that overlaps it (EEXIST) — so the elements of an overlay address
 * that also gets elements in this transaction (a session narrowed or widened, an address
 * passed on) are deleted; only the rest (a session ending, the common case) are expired.
 */
export function elementsChangeText(deletes: readonly Element[], adds: readonly Element[], nowMs: number, removal: RemovalMode = 'delete'): string {
  const added = adds.filter((e) => e.expiresAtMs - nowMs >= 1);
  const addedOverlays = new Set(added.map((e) => e.overlay));
  const lines: string[] = [];
  for (const set of ['allow', 'allow_icmp']) {
    const expire: string[] = [];
    const del: string[] = [];
    for (const e of deletes) {
      if (setOf(e) !== set) continue;
      (removal === 'expire' && !addedOverlays.has(e.overlay) ? expire : del).push(elementValue(e));
    }
    lines.push(...statements('add', set, expire.map((v) => `${v} timeout 1000ms expires 1ms`)));
    lines.push(...statements('add', set, del.map((v) => `${v} timeout 1000ms`)));
    lines.push(...statements('delete', set, del));
  }
  for (const set of ['allow', 'allow_icmp']) {
    const add = added.filter((e) => setOf(e) === set).map((e) => `${elementValue(e)} timeout ${Math.floor(e.expiresAtMs - nowMs)}ms`);
    lines.push(...statements('add', set, add));
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

// ---------------------------------------------------------------------------------------
// Parsing `nft -j list set`

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

function addrRange(a: unknown): [number, number] {
  if (typeof a === 'string') return ipv4Range(a);
  if (isObject(a) && isObject(a.prefix) && typeof a.prefix.addr === 'string' && typeof a.prefix.len === 'number') {
    return ipv4Range(`${a.prefix.addr}/${a.prefix.len}`);
  }
  if (isObject(a) && Array.isArray(a.range) && typeof a.range[0] === 'string' && typeof a.range[1] === 'string') {
    return [ipv4Range(a.range[0])[0], ipv4Range(a.range[1])[0]];
  }
  throw bad('address', a);
}

function portRange(p: unknown): [number, number] {
  if (typeof p === 'number') return [p, p];
  if (isObject(p) && Array.isArray(p.range) && typeof p.range[0] === 'number' && typeof p.range[1] === 'number') return [p.range[0], p.range[1]];
  throw bad('port', p);
}

/** An element as found in the kernel, with its counter. */
export interface ActualElement extends Element {
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
 * Elements of `allow` or `allow_icmp` from `nft -j list set`, listed between `startMs` and
 * `endMs`. nft reports the time left in whole seconds, rounded down, at an instant inside
 * that window, so the expiry is known to lie in [startMs + s, endMs + s + 1 s]. An element
 * without a timeout gets Infinity (it never expires, so it is never desired).
 */
export function parseSetJson(json: string, setName: 'allow' | 'allow_icmp', startMs: number, endMs = startMs): ActualElement[] {
  return rawElements(json, setName).map((raw) => {
    const [overlay, dest, proto, port] = raw.parts;
    const [destFirst, destLast] = addrRange(dest);
    let protocol: Protocol = 'icmp';
    let ports: [number, number] = [0, 0];
    if (setName === 'allow') {
      if (proto !== 'tcp' && proto !== 'udp') throw bad('protocol', proto);
      protocol = proto;
      ports = portRange(port);
    }
    return {
      overlay: str(overlay, 'overlay address'),
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

export function parseDeniedJson(json: string): DeniedAttempt[] {
  return rawElements(json, 'denied').map((raw) => {
    const [overlay, dest, proto, port] = raw.parts;
    if (typeof proto !== 'string' && typeof proto !== 'number') throw bad('protocol', proto);
    if (typeof port !== 'number') throw bad('port', port);
    return {
      overlay: str(overlay, 'overlay address'),
      destination: str(dest, 'destination'),
      protocol: String(proto),
      port,
      packets: raw.packets,
      bytes: raw.bytes,
    };
  });
}

// ---------------------------------------------------------------------------------------
// Driver

/** Applies a ruleset/element change as ONE atomic `nft -f -` transaction. */
export async function applyNft(text: string): Promise<void> {
  if (text.length === 0) return;
  await runTool('nft', ['-f', '-'], { stdin: text, timeoutMs: 120_000 });
}

/** Every element of `allow` and `allow_icmp` as the kernel holds it now. */
export async function listElements(): Promise<ActualElement[]> {
  const sets = ['allow', 'allow_icmp'] as const;
  const startMs = Date.now();
  const jsons = await Promise.all(sets.map((s) => runTool('nft', ['-j', 'list', 'set', 'inet', 'wicket', s])));
  const endMs = Date.now();
  return sets.flatMap((s, i) => parseSetJson(jsons[i], s, startMs, endMs));
}

/**
 * Whether this kernel expires an element when asked to (`add` of an existing element with a
 * new timeout, Linux 6.10+): tried on a scratch set of our table, which it removes again.
 * An older kernel keeps the element, so removal must stay `delete` there.
 */
export async function probeRemovalMode(): Promise<RemovalMode> {
  const set = `${TABLE} removal_probe`;
  const element = '127.0.0.1 . 127.0.0.1 . tcp . 1';
  await applyNft([
    `add set ${set} { type ipv4_addr . ipv4_addr . inet_proto . inet_service; flags interval, timeout; }`,
    `flush set ${set}`,
    `add element ${set} { ${element} timeout 3600s }`,
  ].join('\n') + '\n');
  try {
    await applyNft(`add element ${set} { ${element} timeout 1000ms expires 1ms }\n`);
    await new Promise((r) => setTimeout(r, 20));
    const listing = await runTool('nft', ['-j', 'list', 'set', 'inet', 'wicket', 'removal_probe']);
    return listing.includes('"127.0.0.1"') ? 'delete' : 'expire';
  } finally {
    await applyNft(`delete set ${set}\n`);
  }
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

/** Packets dropped so far for an overlay source that did not come out of the tunnel. */
export async function readSpoofed(): Promise<number> {
  return parseCounterJson(await runTool('nft', ['-j', 'list', 'counter', 'inet', 'wicket', SPOOFED]), SPOOFED);
}

/** The denied attempts recorded since they last timed out (for telemetry). */
export async function readDenied(): Promise<DeniedAttempt[]> {
  return parseDeniedJson(await runTool('nft', ['-j', 'list', 'set', 'inet', 'wicket', 'denied']));
}
