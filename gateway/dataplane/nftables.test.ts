// Unit tests of the nftables text builders (golden strings) and the JSON listing parsers
// (fixtures captured from nft 1.0.6).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipv4Range } from '../../common/ipv4.js';
import type { Element } from './elements.js';
import { deleteTableText, elementsChangeText, formatRange, parseCounterJson, parseDeniedJson, parseSetJson, rulesetText } from './nftables.js';

const n = (a: string) => ipv4Range(a)[0];

test('the ruleset: overlay sources not from the tunnel dropped first, one lookup per packet from the tunnel, replies only toward it, no input, masquerade', () => {
  assert.equal(rulesetText({ ifname: 'wk12ab-g', overlayPool: '100.64.0.0/10' }), `add table inet wicket
add set inet wicket allow { type ipv4_addr . ipv4_addr . inet_proto . inet_service; flags interval, timeout; counter; }
add set inet wicket allow_icmp { type ipv4_addr . ipv4_addr; flags interval, timeout; counter; }
add set inet wicket denied { type ipv4_addr . ipv4_addr . inet_proto . inet_service; flags dynamic, timeout; timeout 3600s; size 65536; counter; }
add counter inet wicket spoofed
add chain inet wicket prerouting { type filter hook prerouting priority raw; policy accept; }
add chain inet wicket forward { type filter hook forward priority filter; policy accept; }
add chain inet wicket from_tunnel
add chain inet wicket to_tunnel
add chain inet wicket deny
add chain inet wicket input { type filter hook input priority filter; policy accept; }
add chain inet wicket postrouting { type nat hook postrouting priority srcnat; policy accept; }
flush chain inet wicket prerouting
flush chain inet wicket forward
flush chain inet wicket from_tunnel
flush chain inet wicket to_tunnel
flush chain inet wicket deny
flush chain inet wicket input
flush chain inet wicket postrouting
add rule inet wicket prerouting iifname != "wk12ab-g" ip saddr 100.64.0.0/10 counter name spoofed drop
add rule inet wicket forward iifname "wk12ab-g" jump from_tunnel
add rule inet wicket forward oifname "wk12ab-g" jump to_tunnel
add rule inet wicket from_tunnel oifname "wk12ab-g" goto deny
add rule inet wicket from_tunnel meta l4proto tcp ip saddr . ip daddr . meta l4proto . th dport @allow accept
add rule inet wicket from_tunnel meta l4proto udp ip saddr . ip daddr . meta l4proto . th dport @allow accept
add rule inet wicket from_tunnel meta l4proto icmp ip saddr . ip daddr @allow_icmp accept
add rule inet wicket from_tunnel goto deny
add rule inet wicket deny meta l4proto { tcp, udp } add @denied { ip saddr . ip daddr . meta l4proto . th dport }
add rule inet wicket deny meta l4proto != { tcp, udp } add @denied { ip saddr . ip daddr . meta l4proto . 0 }
add rule inet wicket deny drop
add rule inet wicket to_tunnel ct state related accept
add rule inet wicket to_tunnel ct state established meta l4proto tcp ip daddr . ip saddr . meta l4proto . th sport @allow accept
add rule inet wicket to_tunnel ct state established meta l4proto udp ip daddr . ip saddr . meta l4proto . th sport @allow accept
add rule inet wicket to_tunnel ct state established meta l4proto icmp ip daddr . ip saddr @allow_icmp accept
add rule inet wicket to_tunnel goto deny
add rule inet wicket input iifname "wk12ab-g" goto deny
add rule inet wicket postrouting ip saddr 100.64.0.0/10 oifname != "wk12ab-g" masquerade
`);
  assert.equal(deleteTableText(), 'add table inet wicket\ndelete table inet wicket\n');
});

test('formatRange writes addresses, prefixes and ranges as nft lists them', () => {
  assert.equal(formatRange(n('10.0.0.1'), n('10.0.0.1')), '10.0.0.1');
  assert.equal(formatRange(n('10.0.0.0'), n('10.0.0.255')), '10.0.0.0/24');
  assert.equal(formatRange(n('10.0.0.1'), n('10.0.0.9')), '10.0.0.1-10.0.0.9');
  assert.equal(formatRange(n('10.0.0.128'), n('10.0.1.127')), '10.0.0.128-10.0.1.127');
  assert.equal(formatRange(0, 2 ** 32 - 1), '0.0.0.0/0');
});

const el = (dest: [string, string], protocol: Element['protocol'], portFrom: number, portTo: number, expiresAtMs: number): Element =>
  ({ overlay: '100.64.0.2', destFirst: n(dest[0]), destLast: n(dest[1]), protocol, portFrom, portTo, expiresAtMs });

test('element changes: guarded deletes first, then adds with ms timeouts; expired adds left out', () => {
  const text = elementsChangeText(
    [el(['198.19.0.10', '198.19.0.10'], 'tcp', 80, 80, 0), el(['198.19.0.0', '198.19.0.255'], 'icmp', 0, 0, 0)],
    [el(['198.19.0.10', '198.19.0.10'], 'tcp', 80, 81, 61_500), el(['198.19.0.1', '198.19.0.9'], 'udp', 53, 53, 1_000), el(['198.19.0.20', '198.19.0.20'], 'icmp', 0, 0, 2_000)],
    1_000,
  );
  assert.equal(text, [
    'add element inet wicket allow { 100.64.0.2 . 198.19.0.10 . tcp . 80 timeout 1000ms }',
    'delete element inet wicket allow { 100.64.0.2 . 198.19.0.10 . tcp . 80 }',
    'add element inet wicket allow_icmp { 100.64.0.2 . 198.19.0.0/24 timeout 1000ms }',
    'delete element inet wicket allow_icmp { 100.64.0.2 . 198.19.0.0/24 }',
    'add element inet wicket allow { 100.64.0.2 . 198.19.0.10 . tcp . 80-81 timeout 60500ms }',
    'add element inet wicket allow_icmp { 100.64.0.2 . 198.19.0.20 timeout 1000ms }',
  ].join('\n') + '\n');
  assert.equal(elementsChangeText([], [], 0), '');
});

test('element changes with removal by expiry: an ended session expires; an overlay that also gets elements is deleted', () => {
  const other = (e: Element): Element => ({ ...e, overlay: '100.64.0.3' });
  const text = elementsChangeText(
    [other(el(['198.19.0.10', '198.19.0.10'], 'tcp', 80, 90, 0)), other(el(['198.19.0.0', '198.19.0.255'], 'icmp', 0, 0, 0)), el(['198.19.0.10', '198.19.0.10'], 'tcp', 80, 90, 0)],
    [el(['198.19.0.10', '198.19.0.10'], 'tcp', 80, 85, 61_000)],
    1_000,
    'expire',
  );
  assert.equal(text, [
    'add element inet wicket allow { 100.64.0.3 . 198.19.0.10 . tcp . 80-90 timeout 1000ms expires 1ms }',
    'add element inet wicket allow { 100.64.0.2 . 198.19.0.10 . tcp . 80-90 timeout 1000ms }',
    'delete element inet wicket allow { 100.64.0.2 . 198.19.0.10 . tcp . 80-90 }',
    'add element inet wicket allow_icmp { 100.64.0.3 . 198.19.0.0/24 timeout 1000ms expires 1ms }',
    'add element inet wicket allow { 100.64.0.2 . 198.19.0.10 . tcp . 80-85 timeout 60000ms }',
  ].join('\n') + '\n');
});

test('element changes are chunked but stay one text (one transaction)', () => {
  const many = Array.from({ length: 4500 }, (_, i) => ({ ...el(['198.19.0.10', '198.19.0.10'], 'tcp', i + 1, i + 1, 5_000) }));
  const lines = elementsChangeText([], many, 0).trim().split('\n');
  assert.equal(lines.length, 3);
  assert.equal(lines.join(' ').match(/timeout 5000ms/g)?.length, 4500);
});

const ALLOW_JSON = '{"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"set": {"family": "inet", "name": "allow", "table": "wicket", "type": ["ipv4_addr", "ipv4_addr", "inet_proto", "inet_service"], "handle": 7, "flags": ["interval", "timeout"], "elem": [{"elem": {"val": {"concat": ["100.64.0.2", {"range": ["198.19.0.1", "198.19.0.9"]}, "tcp", 80]}, "timeout": 1, "expires": 0, "counter": {"packets": 3, "bytes": 180}}}, {"elem": {"val": {"concat": ["100.64.0.2", {"prefix": {"addr": "198.19.0.0", "len": 24}}, "udp", {"range": [53, 54]}]}, "timeout": 50, "expires": 49, "counter": {"packets": 0, "bytes": 0}}}, {"concat": ["100.64.0.3", "198.19.0.20", "tcp", 22]}], "stmt": [{"counter": null}]}}]}';
const ICMP_JSON = '{"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"set": {"family": "inet", "name": "allow_icmp", "table": "wicket", "type": ["ipv4_addr", "ipv4_addr"], "handle": 8, "flags": ["interval", "timeout"], "elem": [{"elem": {"val": {"concat": ["100.64.0.2", "198.19.0.10"]}, "timeout": 10, "expires": 9, "counter": {"packets": 1, "bytes": 84}}}]}}]}';
const EMPTY_JSON = '{"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"set": {"family": "inet", "name": "allow_icmp", "table": "wicket", "type": ["ipv4_addr", "ipv4_addr"], "handle": 8, "flags": ["interval", "timeout"], "stmt": [{"counter": null}]}}]}';

test('parseSetJson reads elements back as numeric ranges with a lower-bound expiry', () => {
  assert.deepEqual(parseSetJson(ALLOW_JSON, 'allow', 10_000), [
    { ...el(['198.19.0.1', '198.19.0.9'], 'tcp', 80, 80, 10_000), expiresAtMaxMs: 11_000, packets: 3, bytes: 180 },
    { ...el(['198.19.0.0', '198.19.0.255'], 'udp', 53, 54, 59_000), expiresAtMaxMs: 60_000, packets: 0, bytes: 0 },
    { ...el(['198.19.0.20', '198.19.0.20'], 'tcp', 22, 22, Infinity), expiresAtMaxMs: Infinity, overlay: '100.64.0.3', packets: 0, bytes: 0 },
  ]);
  // Listed over 300 ms: the expiry window widens by as much.
  assert.deepEqual(parseSetJson(ICMP_JSON, 'allow_icmp', 0, 300), [{ ...el(['198.19.0.10', '198.19.0.10'], 'icmp', 0, 0, 9_000), expiresAtMaxMs: 10_300, packets: 1, bytes: 84 }]);
  assert.deepEqual(parseSetJson(EMPTY_JSON, 'allow_icmp', 0), []);
  assert.throws(() => parseSetJson('{"nftables": [{"set": {"name": "allow", "elem": [{"elem": {"val": 5}}]}}]}', 'allow', 0));
});

test('parseDeniedJson reads the denied tuples with their counters', () => {
  const json = '{"nftables": [{"metainfo": {"version": "1.0.6"}}, {"set": {"family": "inet", "name": "denied", "table": "wicket", "type": ["ipv4_addr", "ipv4_addr", "inet_proto", "inet_service"], "handle": 9, "size": 65536, "flags": ["timeout"], "timeout": 3600, "elem": [{"elem": {"val": {"concat": ["100.64.0.2", "198.19.0.20", "tcp", 22]}, "timeout": 3600, "expires": 3590, "counter": {"packets": 4, "bytes": 240}}}, {"elem": {"val": {"concat": ["100.64.0.2", "198.18.0.2", "icmp", 0]}, "timeout": 3600, "expires": 3599, "counter": {"packets": 1, "bytes": 84}}}]}}]}';
  assert.deepEqual(parseDeniedJson(json), [
    { overlay: '100.64.0.2', destination: '198.19.0.20', protocol: 'tcp', port: 22, packets: 4, bytes: 240 },
    { overlay: '100.64.0.2', destination: '198.18.0.2', protocol: 'icmp', port: 0, packets: 1, bytes: 84 },
  ]);
});

test('the spoofed counter is read from nft -j list counter', () => {
  const json = '{"nftables": [{"metainfo": {"version": "1.0.6"}}, {"counter": {"family": "inet", "name": "spoofed", "table": "wicket", "handle": 1, "packets": 400, "bytes": 16000}}]}';
  assert.equal(parseCounterJson(json, 'spoofed'), 400);
  assert.equal(parseCounterJson('{"nftables": []}', 'spoofed'), 0);
  assert.throws(() => parseCounterJson('{"nftables": [{"counter": {"name": "spoofed", "packets": -1}}]}', 'spoofed'));
});
