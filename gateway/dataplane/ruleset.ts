// The text of Wicket's own `inet wicket` nftables table, pure: the ruleset, the set element
// changes (one transaction each) and the removal probe's scratch set. What runs the text is
// nft-runner.ts; what reads the table back is listing.ts. Nothing here touches another table.
//
// Checked on nft 1.0.6 / Linux 6.x: a concatenated set with `flags interval, timeout` and
// `counter` takes per-element timeouts in ms and keeps per-element counters; its elements
// may not overlap (see elements.ts); deleting an element the kernel has already timed out
// fails the whole transaction with ENOENT, so every delete is preceded by an `add` of the
// same element in the same transaction (the portable form of `destroy`, which needs nft
// 1.0.8).
import { numberToIpv4 } from '../../common/ipv4.js';
import { DEFAULT_OVERLAY_IPV6, bigIntToIpv6 } from '../../common/ipv6.js';
import { DNS_PORT } from '../../common/dns-names.js';
import { isIpv6Element, type Element } from './elements.js';

/** Our table, as nft commands name it. */
export const TABLE = 'inet wicket';
/** The named counter of packets dropped for an overlay source that did not come from the tunnel. */
export const SPOOFED = 'spoofed';
/** Where the identity-aware proxy listens on the service address (HTTP entitlements are tcp/80). */
export const PROXY_PORT = 80;

export interface RulesetOptions {
  /** The WireGuard interface whose traffic is policed. */
  ifname: string;
  /** The overlay pool (CIDR), masqueraded toward resources. */
  overlayPool: string;
  /** The IPv6 overlay prefix (CIDR), anti-spoofed and masqueraded like the pool (default DEFAULT_OVERLAY_IPV6). */
  overlayIpv6?: string;
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
 *
 * IPv6 is the same, rule for rule, on the IPv6 overlay prefix and the sets `allow6`,
 * `allow6_icmp` and `denied6` (an `ip`/`ip6` match only ever sees its own family, so each
 * packet still meets one lookup). ICMPv6 is treated like ICMP: every type passes for a
 * session holding the destination in @allow6_icmp — echo and the errors path MTU discovery
 * needs alike; WireGuard has no link layer, so no neighbour discovery crosses the tunnel.
 *
 * The gateway host accepts from the tunnel only its own services on an IPv4 overlay address
 * (the service address): the proxy (tcp/80), DNS (udp and tcp/53) and ICMP echo-request (the
 * clients' ping), each through the one lookup its element is in. IPv6 to the host is denied.
 */
export function rulesetText(o: RulesetOptions): string {
  const wg = `"${o.ifname}"`;
  const v6 = o.overlayIpv6 ?? DEFAULT_OVERLAY_IPV6;
  const chains = ['prerouting', 'forward', 'from_tunnel', 'to_tunnel', 'deny', 'input', 'postrouting'];
  return [
    `add table ${TABLE}`,
    `add set ${TABLE} allow { type ipv4_addr . ipv4_addr . inet_proto . inet_service; flags interval, timeout; counter; }`,
    `add set ${TABLE} allow_icmp { type ipv4_addr . ipv4_addr; flags interval, timeout; counter; }`,
    `add set ${TABLE} denied { type ipv4_addr . ipv4_addr . inet_proto . inet_service; flags dynamic, timeout; timeout ${o.deniedTimeoutS ?? 3600}s; size ${o.deniedSize ?? 65536}; counter; }`,
    `add set ${TABLE} allow6 { type ipv6_addr . ipv6_addr . inet_proto . inet_service; flags interval, timeout; counter; }`,
    `add set ${TABLE} allow6_icmp { type ipv6_addr . ipv6_addr; flags interval, timeout; counter; }`,
    `add set ${TABLE} denied6 { type ipv6_addr . ipv6_addr . inet_proto . inet_service; flags dynamic, timeout; timeout ${o.deniedTimeoutS ?? 3600}s; size ${o.deniedSize ?? 65536}; counter; }`,
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
    `add rule ${TABLE} prerouting iifname != ${wg} ip6 saddr ${v6} counter name ${SPOOFED} drop`,
    `add rule ${TABLE} forward iifname ${wg} jump from_tunnel`,
    `add rule ${TABLE} forward oifname ${wg} jump to_tunnel`,
    `add rule ${TABLE} from_tunnel oifname ${wg} goto deny`,
    `add rule ${TABLE} from_tunnel meta l4proto tcp ip saddr . ip daddr . meta l4proto . th dport @allow accept`,
    `add rule ${TABLE} from_tunnel meta l4proto udp ip saddr . ip daddr . meta l4proto . th dport @allow accept`,
    `add rule ${TABLE} from_tunnel meta l4proto icmp ip saddr . ip daddr @allow_icmp accept`,
    `add rule ${TABLE} from_tunnel meta l4proto tcp ip6 saddr . ip6 daddr . meta l4proto . th dport @allow6 accept`,
    `add rule ${TABLE} from_tunnel meta l4proto udp ip6 saddr . ip6 daddr . meta l4proto . th dport @allow6 accept`,
    `add rule ${TABLE} from_tunnel meta l4proto ipv6-icmp ip6 saddr . ip6 daddr @allow6_icmp accept`,
    `add rule ${TABLE} from_tunnel goto deny`,
    `add rule ${TABLE} deny meta nfproto ipv4 meta l4proto { tcp, udp } add @denied { ip saddr . ip daddr . meta l4proto . th dport }`,
    `add rule ${TABLE} deny meta nfproto ipv4 meta l4proto != { tcp, udp } add @denied { ip saddr . ip daddr . meta l4proto . 0 }`,
    `add rule ${TABLE} deny meta nfproto ipv6 meta l4proto { tcp, udp } add @denied6 { ip6 saddr . ip6 daddr . meta l4proto . th dport }`,
    `add rule ${TABLE} deny meta nfproto ipv6 meta l4proto != { tcp, udp } add @denied6 { ip6 saddr . ip6 daddr . meta l4proto . 0 }`,
    `add rule ${TABLE} deny drop`,
    // Toward the tunnel: ICMP errors about a tracked flow, and packets of flows the tunnel
    // side opened whose tuple, read backwards, is still allowed — one lookup, so removing
    // an element cuts the replies at their next packet as well.
    `add rule ${TABLE} to_tunnel ct state related accept`,
    `add rule ${TABLE} to_tunnel ct state established meta l4proto tcp ip daddr . ip saddr . meta l4proto . th sport @allow accept`,
    `add rule ${TABLE} to_tunnel ct state established meta l4proto udp ip daddr . ip saddr . meta l4proto . th sport @allow accept`,
    `add rule ${TABLE} to_tunnel ct state established meta l4proto icmp ip daddr . ip saddr @allow_icmp accept`,
    `add rule ${TABLE} to_tunnel ct state established meta l4proto tcp ip6 daddr . ip6 saddr . meta l4proto . th sport @allow6 accept`,
    `add rule ${TABLE} to_tunnel ct state established meta l4proto udp ip6 daddr . ip6 saddr . meta l4proto . th sport @allow6 accept`,
    `add rule ${TABLE} to_tunnel ct state established meta l4proto ipv6-icmp ip6 daddr . ip6 saddr @allow6_icmp accept`,
    `add rule ${TABLE} to_tunnel goto deny`,
    // The gateway host is not a resource: from the tunnel it accepts only the proxy's port
    // (tcp) and the DNS port (tcp, udp) on its service address (an overlay address), and an
    // echo-request to it, for a session holding that element in @allow or @allow_icmp — one
    // lookup. The pool, protocol, port and type compares (no lookups) keep a broad network
    // grant whose range happens to cover a host address or port from reaching any other
    // service of the host. Everything else, IPv6 included, is dropped.
    // The services on the service address are the tunnel's alone: a LAN host routing to an
    // overlay address is dropped here (compares only, no lookup) before it can reach them.
    `add rule ${TABLE} input iifname != ${wg} ip daddr ${o.overlayPool} meta l4proto { tcp, udp } th dport ${DNS_PORT} drop`,
    `add rule ${TABLE} input iifname != ${wg} ip daddr ${o.overlayPool} tcp dport ${PROXY_PORT} drop`,
    `add rule ${TABLE} input iifname != ${wg} ip6 daddr ${v6} meta l4proto { tcp, udp } th dport ${DNS_PORT} drop`,
    `add rule ${TABLE} input iifname != ${wg} ip6 daddr ${v6} tcp dport ${PROXY_PORT} drop`,
    `add rule ${TABLE} input iifname ${wg} meta l4proto tcp ip daddr ${o.overlayPool} tcp dport { ${DNS_PORT}, ${PROXY_PORT} } ip saddr . ip daddr . meta l4proto . th dport @allow accept`,
    `add rule ${TABLE} input iifname ${wg} meta l4proto udp ip daddr ${o.overlayPool} udp dport ${DNS_PORT} ip saddr . ip daddr . meta l4proto . th dport @allow accept`,
    `add rule ${TABLE} input iifname ${wg} meta l4proto icmp ip daddr ${o.overlayPool} icmp type echo-request ip saddr . ip daddr @allow_icmp accept`,
    `add rule ${TABLE} input iifname ${wg} goto deny`,
    `add rule ${TABLE} postrouting ip saddr ${o.overlayPool} oifname != ${wg} masquerade`,
    `add rule ${TABLE} postrouting ip6 saddr ${v6} oifname != ${wg} masquerade`,
  ].join('\n') + '\n';
}

/** Removes our table and nothing else (`add` first so a missing table is not an error). */
export function deleteTableText(): string {
  return `add table ${TABLE}\ndelete table ${TABLE}\n`;
}

/** A numeric range as nft writes it back: address, prefix, or first-last (IPv6 when bigints). */
export function formatRange(first: number | bigint, last: number | bigint): string {
  if (typeof first === 'bigint' || typeof last === 'bigint') return formatRange6(BigInt(first), BigInt(last));
  if (first === last) return numberToIpv4(first);
  const size = last - first + 1;
  const len = 32 - Math.log2(size);
  if (Number.isInteger(len) && first % size === 0) return `${numberToIpv4(first)}/${len}`;
  return `${numberToIpv4(first)}-${numberToIpv4(last)}`;
}

function formatRange6(first: bigint, last: bigint): string {
  if (first === last) return bigIntToIpv6(first);
  const size = last - first + 1n;
  if ((size & (size - 1n)) === 0n && first % size === 0n) return `${bigIntToIpv6(first)}/${129 - size.toString(2).length}`;
  return `${bigIntToIpv6(first)}-${bigIntToIpv6(last)}`;
}

/** The allow sets, IPv4 then IPv6. */
export const ALLOW_SETS = ['allow', 'allow_icmp', 'allow6', 'allow6_icmp'] as const;
export type AllowSet = typeof ALLOW_SETS[number];

const setOf = (e: Element): AllowSet => (isIpv6Element(e) ? (e.protocol === 'icmp' ? 'allow6_icmp' : 'allow6') : (e.protocol === 'icmp' ? 'allow_icmp' : 'allow'));

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
  for (const set of ALLOW_SETS) {
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
  for (const set of ALLOW_SETS) {
    const add = added.filter((e) => setOf(e) === set).map((e) => `${elementValue(e)} timeout ${Math.floor(e.expiresAtMs - nowMs)}ms`);
    lines.push(...statements('add', set, add));
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

/** The scratch set the removal probe uses (see table.ts `probeRemovalMode`). */
export const PROBE_SET = 'removal_probe';
const PROBE_ELEMENT = '127.0.0.1 . 127.0.0.1 . tcp . 1';

/** The probe's set, emptied, with one element that would stay an hour. */
export function probeSetupText(): string {
  return [
    `add set ${TABLE} ${PROBE_SET} { type ipv4_addr . ipv4_addr . inet_proto . inet_service; flags interval, timeout; }`,
    `flush set ${TABLE} ${PROBE_SET}`,
    `add element ${TABLE} ${PROBE_SET} { ${PROBE_ELEMENT} timeout 3600s }`,
  ].join('\n') + '\n';
}

/** Asks the kernel to expire the probe's element 1 ms from now. */
export const probeExpireText = (): string => `add element ${TABLE} ${PROBE_SET} { ${PROBE_ELEMENT} timeout 1000ms expires 1ms }\n`;

/** Removes the probe's set. */
export const probeCleanupText = (): string => `delete set ${TABLE} ${PROBE_SET}\n`;
