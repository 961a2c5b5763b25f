// The text of Wicket's own `inet wicket` nftables table, pure: the ruleset, the set element
// changes (one transaction each) and the removal probe's scratch set. What runs the text is
// nft-runner.ts; what reads the table back is listing.ts. Nothing here touches another table.
//
// Checked on nft 1.0.6 / Linux 6.x: a concatenated set with `flags interval, timeout` and
// `counter` takes per-element timeouts in ms and keeps per-element counters; its elements
// may not overlap (see elements.ts); deleting an element the kernel has already timed out
// fails the whole transaction with ENOENT, so every delete is preceded by an `add` of the
// same element in the same transaction (the portable form of `destroy`, which needs nft
// 1.0.8). A set with `flags timeout` alone is a hash table (rhash): the same timeouts and
// counters, exact keys only, a lookup whose cost does not depend on its size.
import { numberToIpv4 } from '../../common/ipv4.js';
import { DEFAULT_OVERLAY_IPV6, bigIntToIpv6 } from '../../common/ipv6.js';
import { DNS_PORT } from '../../common/dns-names.js';
import { isExactElement, isIpv6Element, type Element } from './elements.js';

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
 * The allow sets come in pairs: exact elements (one destination address and one port, or
 * for icmp one address) in a hash set (`@allow_exact`, `@allow_icmp_exact`), the rest
 * (ranges, prefixes, port ranges) in a concatenated interval set (`@allow`, `@allow_icmp`),
 * no packet matching elements of both (elements.ts cuts a session's grants disjoint). Each
 * place that checks a packet looks up the hash set first and the interval set second: the
 * interval set's lookup (pipapo) costs more the more elements it holds, the hash set's does
 * not, so a packet of an exact grant — the common case — meets one lookup whatever the
 * number of sessions, and a packet of a range grant, or one that is refused, meets two
 * (docs/gateway.md weighs this against one lookup for all). The `meta l4proto` compare
 * in front of each is not a lookup. From the tunnel there is no `ct state established`
 * shortcut, so deleting an element cuts an established flow at its next packet. Toward the
 * tunnel only packets of flows the tunnel side opened pass, each after the same lookups of
 * its tuple read backwards (so the cut needs no conntrack flush in that direction either),
 * plus ICMP errors about such flows; client-to-client is refused before any lookup, whatever
 * a rule's destination says. Every refusal — from the tunnel, toward it (a resource opening a
 * connection to a client) and to the gateway host itself — goes to `deny`, which records the
 * attempt in @denied and then drops in a rule of its own, so a full @denied (where `add`
 * fails and ends its rule) still drops.
 *
 * IPv6 is the same, rule for rule, on the IPv6 overlay prefix and the sets `allow6_exact`,
 * `allow6`, `allow6_icmp_exact`, `allow6_icmp` and `denied6` (an `ip`/`ip6` match only ever
 * sees its own family, so a packet meets no lookup of the other family's sets). ICMPv6 is
 * treated like ICMP: every type passes for a session holding the destination in an IPv6
 * icmp set — echo and the errors path MTU discovery needs alike; WireGuard has no link layer, so no neighbour discovery crosses the tunnel.
 *
 * The gateway host accepts from the tunnel only its own services on an IPv4 overlay address
 * (the service address): the proxy (tcp/80), DNS (udp and tcp/53) and ICMP echo-request (the
 * clients' ping), each through the same lookups. IPv6 to the host is denied.
 */
export function rulesetText(o: RulesetOptions): string {
  const wg = `"${o.ifname}"`;
  const v6 = o.overlayIpv6 ?? DEFAULT_OVERLAY_IPV6;
  const chains = ['prerouting', 'forward', 'from_tunnel', 'to_tunnel', 'deny', 'input', 'postrouting'];
  return [
    `add table ${TABLE}`,
    ...ALLOW_SETS.filter((set) => !KINDS[set].v6).map(allowSetText),
    `add set ${TABLE} denied { type ipv4_addr . ipv4_addr . inet_proto . inet_service; flags dynamic, timeout; timeout ${o.deniedTimeoutS ?? 3600}s; size ${o.deniedSize ?? 65536}; counter; }`,
    ...ALLOW_SETS.filter((set) => KINDS[set].v6).map(allowSetText),
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
    ...lookups(`add rule ${TABLE} from_tunnel meta l4proto tcp ip saddr . ip daddr . meta l4proto . th dport`, 'allow'),
    ...lookups(`add rule ${TABLE} from_tunnel meta l4proto udp ip saddr . ip daddr . meta l4proto . th dport`, 'allow'),
    ...lookups(`add rule ${TABLE} from_tunnel meta l4proto icmp ip saddr . ip daddr`, 'allow_icmp'),
    ...lookups(`add rule ${TABLE} from_tunnel meta l4proto tcp ip6 saddr . ip6 daddr . meta l4proto . th dport`, 'allow6'),
    ...lookups(`add rule ${TABLE} from_tunnel meta l4proto udp ip6 saddr . ip6 daddr . meta l4proto . th dport`, 'allow6'),
    ...lookups(`add rule ${TABLE} from_tunnel meta l4proto ipv6-icmp ip6 saddr . ip6 daddr`, 'allow6_icmp'),
    `add rule ${TABLE} from_tunnel goto deny`,
    `add rule ${TABLE} deny meta nfproto ipv4 meta l4proto { tcp, udp } add @denied { ip saddr . ip daddr . meta l4proto . th dport }`,
    `add rule ${TABLE} deny meta nfproto ipv4 meta l4proto != { tcp, udp } add @denied { ip saddr . ip daddr . meta l4proto . 0 }`,
    `add rule ${TABLE} deny meta nfproto ipv6 meta l4proto { tcp, udp } add @denied6 { ip6 saddr . ip6 daddr . meta l4proto . th dport }`,
    `add rule ${TABLE} deny meta nfproto ipv6 meta l4proto != { tcp, udp } add @denied6 { ip6 saddr . ip6 daddr . meta l4proto . 0 }`,
    `add rule ${TABLE} deny drop`,
    // Toward the tunnel: ICMP errors about a tracked flow, and packets of flows the tunnel
    // side opened whose tuple, read backwards, is still allowed — the same lookups as from
    // the tunnel, so removing an element cuts the replies at their next packet as well.
    `add rule ${TABLE} to_tunnel ct state related accept`,
    ...lookups(`add rule ${TABLE} to_tunnel ct state established meta l4proto tcp ip daddr . ip saddr . meta l4proto . th sport`, 'allow'),
    ...lookups(`add rule ${TABLE} to_tunnel ct state established meta l4proto udp ip daddr . ip saddr . meta l4proto . th sport`, 'allow'),
    ...lookups(`add rule ${TABLE} to_tunnel ct state established meta l4proto icmp ip daddr . ip saddr`, 'allow_icmp'),
    ...lookups(`add rule ${TABLE} to_tunnel ct state established meta l4proto tcp ip6 daddr . ip6 saddr . meta l4proto . th sport`, 'allow6'),
    ...lookups(`add rule ${TABLE} to_tunnel ct state established meta l4proto udp ip6 daddr . ip6 saddr . meta l4proto . th sport`, 'allow6'),
    ...lookups(`add rule ${TABLE} to_tunnel ct state established meta l4proto ipv6-icmp ip6 daddr . ip6 saddr`, 'allow6_icmp'),
    `add rule ${TABLE} to_tunnel goto deny`,
    // The gateway host is not a resource: from the tunnel it accepts only the proxy's port
    // (tcp) and the DNS port (tcp, udp) on its service address (an overlay address), and an
    // echo-request to it, for a session holding that element in an allow set (exact, else
    // interval). The pool, protocol, port and type compares (no lookups) keep a broad network
    // grant whose range happens to cover a host address or port from reaching any other
    // service of the host. Everything else, IPv6 included, is dropped.
    // The services on the service address are the tunnel's alone: a LAN host routing to an
    // overlay address is dropped here (compares only, no lookup) before it can reach them.
    `add rule ${TABLE} input iifname != ${wg} ip daddr ${o.overlayPool} meta l4proto { tcp, udp } th dport ${DNS_PORT} drop`,
    `add rule ${TABLE} input iifname != ${wg} ip daddr ${o.overlayPool} tcp dport ${PROXY_PORT} drop`,
    `add rule ${TABLE} input iifname != ${wg} ip6 daddr ${v6} meta l4proto { tcp, udp } th dport ${DNS_PORT} drop`,
    `add rule ${TABLE} input iifname != ${wg} ip6 daddr ${v6} tcp dport ${PROXY_PORT} drop`,
    ...lookups(`add rule ${TABLE} input iifname ${wg} meta l4proto tcp ip daddr ${o.overlayPool} tcp dport { ${DNS_PORT}, ${PROXY_PORT} } ip saddr . ip daddr . meta l4proto . th dport`, 'allow'),
    ...lookups(`add rule ${TABLE} input iifname ${wg} meta l4proto udp ip daddr ${o.overlayPool} udp dport ${DNS_PORT} ip saddr . ip daddr . meta l4proto . th dport`, 'allow'),
    ...lookups(`add rule ${TABLE} input iifname ${wg} meta l4proto icmp ip daddr ${o.overlayPool} icmp type echo-request ip saddr . ip daddr`, 'allow_icmp'),
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

/** The allow sets, IPv4 then IPv6; for each kind the hash set of exact elements, then the interval set. */
export const ALLOW_SETS = [
  'allow_exact', 'allow', 'allow_icmp_exact', 'allow_icmp', 'allow6_exact', 'allow6', 'allow6_icmp_exact', 'allow6_icmp',
] as const;
export type AllowSet = typeof ALLOW_SETS[number];
/** The interval sets, which the rules name; each one's hash twin is `<name>_exact`. */
type IntervalSet = 'allow' | 'allow_icmp' | 'allow6' | 'allow6_icmp';

/** What an allow set holds: IPv6 or IPv4 keys, icmp (no protocol and port) or tcp/udp, exact elements only (a hash set). */
export interface AllowSetKind { v6: boolean; icmp: boolean; exact: boolean }

const KINDS: Record<AllowSet, AllowSetKind> = {
  allow_exact: { v6: false, icmp: false, exact: true },
  allow: { v6: false, icmp: false, exact: false },
  allow_icmp_exact: { v6: false, icmp: true, exact: true },
  allow_icmp: { v6: false, icmp: true, exact: false },
  allow6_exact: { v6: true, icmp: false, exact: true },
  allow6: { v6: true, icmp: false, exact: false },
  allow6_icmp_exact: { v6: true, icmp: true, exact: true },
  allow6_icmp: { v6: true, icmp: true, exact: false },
};

export const allowSetKind = (set: AllowSet): AllowSetKind => KINDS[set];

function allowSetText(set: AllowSet): string {
  const { v6, icmp, exact } = KINDS[set];
  const addr = v6 ? 'ipv6_addr' : 'ipv4_addr';
  const type = icmp ? `${addr} . ${addr}` : `${addr} . ${addr} . inet_proto . inet_service`;
  return `add set ${TABLE} ${set} { type ${type}; flags ${exact ? 'timeout' : 'interval, timeout'}; counter; }`;
}

/** A rule's accept through the hash set first, then through the interval set. */
const lookups = (rule: string, set: IntervalSet): string[] => [`${rule} @${set}_exact accept`, `${rule} @${set} accept`];

/** The set an element belongs in: by family, by icmp or not, and whether it is exact. */
export function allowSetOf(e: Element): AllowSet {
  const base: IntervalSet = isIpv6Element(e) ? (e.protocol === 'icmp' ? 'allow6_icmp' : 'allow6') : (e.protocol === 'icmp' ? 'allow_icmp' : 'allow');
  return isExactElement(e) ? `${base}_exact` : base;
}

/** An element, and the set it was found in when it was read back from the kernel. */
export type PlacedElement = Element & { set?: AllowSet };

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
 * How an element leaves an interval set. `delete` is the portable form; `expire` sets the
 * element's expiry to 1 ms from the commit instead (kernels from 6.10 update the timeout of
 * an element that exists). A delete from the concatenated interval set makes pipapo rebuild
 * its lookup tables on commit, at a cost that grows with the set; an expiry costs what an
 * add does, the lookup ignores the element from that instant, and the set's garbage
 * collection frees it later, many at a time. The hash sets always delete: removing a key
 * from a hash table costs the same whatever the table holds, and a deleted element is gone
 * from the listing at once, where an expired one would wait for garbage collection.
 */
export type RemovalMode = 'delete' | 'expire';

const pushTo = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

/**
 * One transaction removing then adding elements. A removed element leaves the set it was
 * read from (`set`), else the set its shape puts it in; an added one goes to the set its
 * shape puts it in. Each added element's timeout is its expiry minus `nowMs`, in ms; an
 * element already expired is left out (an element without a timeout would never expire, so
 * none is ever written).
 *
 * With `expire`, an interval set's element is still there until its expiry passes, and the
 * kernel refuses an added element that overlaps it (EEXIST) — so the elements of an overlay
 * address that also gets elements in this transaction (a session narrowed or widened, an
 * address passed on) are deleted; only the rest (a session ending, the common case) are
 * expired.
 */
export function elementsChangeText(deletes: readonly PlacedElement[], adds: readonly Element[], nowMs: number, removal: RemovalMode = 'delete'): string {
  const added = adds.filter((e) => e.expiresAtMs - nowMs >= 1);
  const addedOverlays = new Set(added.map((e) => e.overlay));
  const expire = new Map<AllowSet, string[]>();
  const del = new Map<AllowSet, string[]>();
  for (const e of deletes) {
    const set = e.set ?? allowSetOf(e);
    pushTo(removal === 'expire' && !KINDS[set].exact && !addedOverlays.has(e.overlay) ? expire : del, set, elementValue(e));
  }
  const add = new Map<AllowSet, string[]>();
  for (const e of added) pushTo(add, allowSetOf(e), `${elementValue(e)} timeout ${Math.floor(e.expiresAtMs - nowMs)}ms`);
  const lines: string[] = [];
  for (const set of ALLOW_SETS) {
    lines.push(...statements('add', set, (expire.get(set) ?? []).map((v) => `${v} timeout 1000ms expires 1ms`)));
    lines.push(...statements('add', set, (del.get(set) ?? []).map((v) => `${v} timeout 1000ms`)));
    lines.push(...statements('delete', set, del.get(set) ?? []));
  }
  for (const set of ALLOW_SETS) lines.push(...statements('add', set, add.get(set) ?? []));
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
