// Unit tests of the nft JSON listing parsers (fixtures captured from nft 1.0.6).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipv4Range } from '../../common/ipv4.js';
import { ipv6ToBigInt } from '../../common/ipv6.js';
import type { Element } from './elements.js';
import { parseCounterJson, parseDeniedJson, parseSetJson } from './listing.js';

const n = (a: string) => ipv4Range(a)[0];

const el = (dest: [string, string], protocol: Element['protocol'], portFrom: number, portTo: number, expiresAtMs: number): Element =>
  ({ overlay: '100.64.0.2', destFirst: n(dest[0]), destLast: n(dest[1]), protocol, portFrom, portTo, expiresAtMs });

const ALLOW_JSON = '{"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"set": {"family": "inet", "name": "allow", "table": "wicket", "type": ["ipv4_addr", "ipv4_addr", "inet_proto", "inet_service"], "handle": 7, "flags": ["interval", "timeout"], "elem": [{"elem": {"val": {"concat": ["100.64.0.2", {"range": ["198.19.0.1", "198.19.0.9"]}, "tcp", 80]}, "timeout": 1, "expires": 0, "counter": {"packets": 3, "bytes": 180}}}, {"elem": {"val": {"concat": ["100.64.0.2", {"prefix": {"addr": "198.19.0.0", "len": 24}}, "udp", {"range": [53, 54]}]}, "timeout": 50, "expires": 49, "counter": {"packets": 0, "bytes": 0}}}, {"concat": ["100.64.0.3", "198.19.0.20", "tcp", 22]}], "stmt": [{"counter": null}]}}]}';
const ICMP_JSON = '{"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"set": {"family": "inet", "name": "allow_icmp", "table": "wicket", "type": ["ipv4_addr", "ipv4_addr"], "handle": 8, "flags": ["interval", "timeout"], "elem": [{"elem": {"val": {"concat": ["100.64.0.2", "198.19.0.10"]}, "timeout": 10, "expires": 9, "counter": {"packets": 1, "bytes": 84}}}]}}]}';
const EMPTY_JSON = '{"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"set": {"family": "inet", "name": "allow_icmp", "table": "wicket", "type": ["ipv4_addr", "ipv4_addr"], "handle": 8, "flags": ["interval", "timeout"], "stmt": [{"counter": null}]}}]}';

test('parseSetJson reads elements back as numeric ranges with a lower-bound expiry', () => {
  assert.deepEqual(parseSetJson(ALLOW_JSON, 'allow', 10_000), [
    { ...el(['198.19.0.1', '198.19.0.9'], 'tcp', 80, 80, 10_000), expiresAtMaxMs: 11_000, set: 'allow', packets: 3, bytes: 180 },
    { ...el(['198.19.0.0', '198.19.0.255'], 'udp', 53, 54, 59_000), expiresAtMaxMs: 60_000, set: 'allow', packets: 0, bytes: 0 },
    { ...el(['198.19.0.20', '198.19.0.20'], 'tcp', 22, 22, Infinity), expiresAtMaxMs: Infinity, overlay: '100.64.0.3', set: 'allow', packets: 0, bytes: 0 },
  ]);
  // Listed over 300 ms: the expiry window widens by as much.
  assert.deepEqual(parseSetJson(ICMP_JSON, 'allow_icmp', 0, 300), [{ ...el(['198.19.0.10', '198.19.0.10'], 'icmp', 0, 0, 9_000), expiresAtMaxMs: 10_300, set: 'allow_icmp', packets: 1, bytes: 84 }]);
  assert.deepEqual(parseSetJson(EMPTY_JSON, 'allow_icmp', 0), []);
  assert.throws(() => parseSetJson('{"nftables": [{"set": {"name": "allow", "elem": [{"elem": {"val": 5}}]}}]}', 'allow', 0));
});

// As nft 1.0.6 lists the hash sets (`flags timeout`, no interval): plain values, no ranges.
const EXACT_JSON = '{"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"set": {"family": "inet", "name": "allow_exact", "table": "wicket", "type": ["ipv4_addr", "ipv4_addr", "inet_proto", "inet_service"], "handle": 1, "flags": ["timeout"], "elem": [{"elem": {"val": {"concat": ["100.64.0.3", "198.19.0.11", "udp", 53]}, "timeout": 50, "expires": 49, "counter": {"packets": 0, "bytes": 0}}}, {"elem": {"val": {"concat": ["100.64.0.2", "198.19.0.10", "tcp", 80]}, "timeout": 60, "expires": 59, "counter": {"packets": 4, "bytes": 240}}}], "stmt": [{"counter": null}]}}]}';
const ICMP_EXACT_JSON = '{"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"set": {"family": "inet", "name": "allow_icmp_exact", "table": "wicket", "type": ["ipv4_addr", "ipv4_addr"], "handle": 2, "flags": ["timeout"], "elem": [{"elem": {"val": {"concat": ["100.64.0.2", "198.19.0.10"]}, "timeout": 10, "expires": 9, "counter": {"packets": 0, "bytes": 0}}}], "stmt": [{"counter": null}]}}]}';
const EXACT6_JSON = '{"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"set": {"family": "inet", "name": "allow6_exact", "table": "wicket", "type": ["ipv6_addr", "ipv6_addr", "inet_proto", "inet_service"], "handle": 3, "flags": ["timeout"], "elem": [{"elem": {"val": {"concat": ["fd6b:7769:636b::2", "fd20::10", "tcp", 22]}, "timeout": 10, "expires": 9, "counter": {"packets": 0, "bytes": 0}}}], "stmt": [{"counter": null}]}}]}';

test('parseSetJson reads the hash sets of exact elements, with the set each came from', () => {
  assert.deepEqual(parseSetJson(EXACT_JSON, 'allow_exact', 0), [
    { ...el(['198.19.0.11', '198.19.0.11'], 'udp', 53, 53, 49_000), overlay: '100.64.0.3', expiresAtMaxMs: 50_000, set: 'allow_exact', packets: 0, bytes: 0 },
    { ...el(['198.19.0.10', '198.19.0.10'], 'tcp', 80, 80, 59_000), expiresAtMaxMs: 60_000, set: 'allow_exact', packets: 4, bytes: 240 },
  ]);
  assert.deepEqual(parseSetJson(ICMP_EXACT_JSON, 'allow_icmp_exact', 0), [{ ...el(['198.19.0.10', '198.19.0.10'], 'icmp', 0, 0, 9_000), expiresAtMaxMs: 10_000, set: 'allow_icmp_exact', packets: 0, bytes: 0 }]);
  const [v6] = parseSetJson(EXACT6_JSON, 'allow6_exact', 0);
  assert.deepEqual([v6.set, v6.overlay, v6.destFirst, v6.destLast, v6.protocol, v6.portFrom], ['allow6_exact', 'fd6b:7769:636b::2', ipv6ToBigInt('fd20::10'), ipv6ToBigInt('fd20::10'), 'tcp', 22]);
  // A protocol and port in an icmp set's listing is not an icmp element: refused.
  assert.throws(() => parseSetJson(EXACT_JSON.replace('"allow_exact"', '"allow_icmp_exact"'), 'allow_icmp_exact', 0));
});

const ALLOW6_JSON = '{"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"set": {"family": "inet", "name": "allow6", "table": "wicket", "type": ["ipv6_addr", "ipv6_addr", "inet_proto", "inet_service"], "handle": 4, "flags": ["interval", "timeout"], "elem": [{"elem": {"val": {"concat": ["fd6b:7769:636b::2", {"range": ["fd20::1", "fd20::9"]}, "tcp", 80]}, "timeout": 60, "expires": 59, "counter": {"packets": 0, "bytes": 0}}}, {"elem": {"val": {"concat": ["fd6b:7769:636b::2", {"prefix": {"addr": "fd20::", "len": 64}}, "udp", {"range": [53, 54]}]}, "timeout": 50, "expires": 49, "counter": {"packets": 2, "bytes": 160}}}, {"elem": {"val": {"concat": ["fd6b:7769:636b:0:1::3", "fd20:0:0:1::20", "tcp", 22]}, "counter": {"packets": 0, "bytes": 0}}}], "stmt": [{"counter": null}]}}]}';
const ICMP6_JSON = '{"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"set": {"family": "inet", "name": "allow6_icmp", "table": "wicket", "type": ["ipv6_addr", "ipv6_addr"], "handle": 5, "flags": ["interval", "timeout"], "elem": [{"elem": {"val": {"concat": ["fd6b:7769:636b::2", "fd20::10"]}, "timeout": 10, "expires": 9, "counter": {"packets": 0, "bytes": 0}}}], "stmt": [{"counter": null}]}}]}';

test('parseSetJson reads IPv6 elements back as bigint ranges with their IPv6 overlay', () => {
  const b = ipv6ToBigInt;
  const v6 = (overlay: string, first: string, last: string, protocol: Element['protocol'], portFrom: number, portTo: number, expiresAtMs: number): Element =>
    ({ overlay, destFirst: b(first), destLast: b(last), protocol, portFrom, portTo, expiresAtMs });
  assert.deepEqual(parseSetJson(ALLOW6_JSON, 'allow6', 10_000), [
    { ...v6('fd6b:7769:636b::2', 'fd20::1', 'fd20::9', 'tcp', 80, 80, 69_000), expiresAtMaxMs: 70_000, set: 'allow6', packets: 0, bytes: 0 },
    { ...v6('fd6b:7769:636b::2', 'fd20::', 'fd20::ffff:ffff:ffff:ffff', 'udp', 53, 54, 59_000), expiresAtMaxMs: 60_000, set: 'allow6', packets: 2, bytes: 160 },
    { ...v6('fd6b:7769:636b:0:1::3', 'fd20:0:0:1::20', 'fd20:0:0:1::20', 'tcp', 22, 22, Infinity), expiresAtMaxMs: Infinity, set: 'allow6', packets: 0, bytes: 0 },
  ]);
  assert.deepEqual(parseSetJson(ICMP6_JSON, 'allow6_icmp', 0), [{ ...v6('fd6b:7769:636b::2', 'fd20::10', 'fd20::10', 'icmp', 0, 0, 9_000), expiresAtMaxMs: 10_000, set: 'allow6_icmp', packets: 0, bytes: 0 }]);
  // An overlay that is not an IPv6 address in an IPv6 set is refused, not passed on.
  assert.throws(() => parseSetJson(ICMP6_JSON.replace('"fd6b:7769:636b::2"', '"100.64.0.2"'), 'allow6_icmp', 0), /overlay address/);
});

test('parseDeniedJson reads the denied tuples with their counters', () => {
  const json = '{"nftables": [{"metainfo": {"version": "1.0.6"}}, {"set": {"family": "inet", "name": "denied", "table": "wicket", "type": ["ipv4_addr", "ipv4_addr", "inet_proto", "inet_service"], "handle": 9, "size": 65536, "flags": ["timeout"], "timeout": 3600, "elem": [{"elem": {"val": {"concat": ["100.64.0.2", "198.19.0.20", "tcp", 22]}, "timeout": 3600, "expires": 3590, "counter": {"packets": 4, "bytes": 240}}}, {"elem": {"val": {"concat": ["100.64.0.2", "198.18.0.2", "icmp", 0]}, "timeout": 3600, "expires": 3599, "counter": {"packets": 1, "bytes": 84}}}]}}]}';
  assert.deepEqual(parseDeniedJson(json), [
    { overlay: '100.64.0.2', destination: '198.19.0.20', protocol: 'tcp', port: 22, packets: 4, bytes: 240 },
    { overlay: '100.64.0.2', destination: '198.18.0.2', protocol: 'icmp', port: 0, packets: 1, bytes: 84 },
  ]);
});

test('parseDeniedJson reads denied6 with IPv6 text as the data plane writes it, ICMPv6 as the policy\'s icmp', () => {
  const json = '{"nftables": [{"metainfo": {"version": "1.0.6"}}, {"set": {"family": "inet", "name": "denied6", "table": "wicket", "type": ["ipv6_addr", "ipv6_addr", "inet_proto", "inet_service"], "handle": 6, "size": 65536, "flags": ["timeout"], "timeout": 3600, "elem": [{"elem": {"val": {"concat": ["fd6b:7769:636b::2", "fd20::20", "tcp", 22]}, "expires": 3599, "counter": {"packets": 3, "bytes": 240}}}, {"elem": {"val": {"concat": ["fd6b:7769:636b::2", "fd20:0:0:0:0:0:0:21", "ipv6-icmp", 0]}, "expires": 3599, "counter": {"packets": 1, "bytes": 104}}}]}}]}';
  assert.deepEqual(parseDeniedJson(json, 'denied6'), [
    { overlay: 'fd6b:7769:636b::2', destination: 'fd20::20', protocol: 'tcp', port: 22, packets: 3, bytes: 240 },
    { overlay: 'fd6b:7769:636b::2', destination: 'fd20::21', protocol: 'icmp', port: 0, packets: 1, bytes: 104 },
  ]);
  assert.deepEqual(parseDeniedJson(json), [], 'the IPv4 set is another set');
});

test('the spoofed counter is read from nft -j list counter', () => {
  const json = '{"nftables": [{"metainfo": {"version": "1.0.6"}}, {"counter": {"family": "inet", "name": "spoofed", "table": "wicket", "handle": 1, "packets": 400, "bytes": 16000}}]}';
  assert.equal(parseCounterJson(json, 'spoofed'), 400);
  assert.equal(parseCounterJson('{"nftables": []}', 'spoofed'), 0);
  assert.throws(() => parseCounterJson('{"nftables": [{"counter": {"name": "spoofed", "packets": -1}}]}', 'spoofed'));
});
