// Unit tests of the nftables text builders (golden strings).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipv4Range } from '../../common/ipv4.js';
import { ipv6Range, ipv6ToBigInt } from '../../common/ipv6.js';
import type { Element } from './elements.js';
import { allowSetOf, deleteTableText, elementsChangeText, formatRange, rulesetText } from './ruleset.js';

const n = (a: string) => ipv4Range(a)[0];

test('the ruleset: overlay sources not from the tunnel dropped first, the exact hash set then the interval set from the tunnel, replies only toward it through the same, input only to the proxy and DNS through @allow_exact/@allow and echo through @allow_icmp_exact/@allow_icmp, masquerade; IPv6 twins', () => {
  assert.equal(rulesetText({ ifname: 'wk12ab-g', overlayPool: '100.64.0.0/10', overlayIpv6: 'fd6b:7769:636b::/64' }), `add table inet wicket
add set inet wicket allow_exact { type ipv4_addr . ipv4_addr . inet_proto . inet_service; flags timeout; counter; }
add set inet wicket allow { type ipv4_addr . ipv4_addr . inet_proto . inet_service; flags interval, timeout; counter; }
add set inet wicket allow_icmp_exact { type ipv4_addr . ipv4_addr; flags timeout; counter; }
add set inet wicket allow_icmp { type ipv4_addr . ipv4_addr; flags interval, timeout; counter; }
add set inet wicket denied { type ipv4_addr . ipv4_addr . inet_proto . inet_service; flags dynamic, timeout; timeout 3600s; size 65536; counter; }
add set inet wicket allow6_exact { type ipv6_addr . ipv6_addr . inet_proto . inet_service; flags timeout; counter; }
add set inet wicket allow6 { type ipv6_addr . ipv6_addr . inet_proto . inet_service; flags interval, timeout; counter; }
add set inet wicket allow6_icmp_exact { type ipv6_addr . ipv6_addr; flags timeout; counter; }
add set inet wicket allow6_icmp { type ipv6_addr . ipv6_addr; flags interval, timeout; counter; }
add set inet wicket denied6 { type ipv6_addr . ipv6_addr . inet_proto . inet_service; flags dynamic, timeout; timeout 3600s; size 65536; counter; }
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
add rule inet wicket prerouting iifname != "wk12ab-g" ip6 saddr fd6b:7769:636b::/64 counter name spoofed drop
add rule inet wicket forward iifname "wk12ab-g" jump from_tunnel
add rule inet wicket forward oifname "wk12ab-g" jump to_tunnel
add rule inet wicket from_tunnel oifname "wk12ab-g" goto deny
add rule inet wicket from_tunnel meta l4proto tcp ip saddr . ip daddr . meta l4proto . th dport @allow_exact accept
add rule inet wicket from_tunnel meta l4proto tcp ip saddr . ip daddr . meta l4proto . th dport @allow accept
add rule inet wicket from_tunnel meta l4proto udp ip saddr . ip daddr . meta l4proto . th dport @allow_exact accept
add rule inet wicket from_tunnel meta l4proto udp ip saddr . ip daddr . meta l4proto . th dport @allow accept
add rule inet wicket from_tunnel meta l4proto icmp ip saddr . ip daddr @allow_icmp_exact accept
add rule inet wicket from_tunnel meta l4proto icmp ip saddr . ip daddr @allow_icmp accept
add rule inet wicket from_tunnel meta l4proto tcp ip6 saddr . ip6 daddr . meta l4proto . th dport @allow6_exact accept
add rule inet wicket from_tunnel meta l4proto tcp ip6 saddr . ip6 daddr . meta l4proto . th dport @allow6 accept
add rule inet wicket from_tunnel meta l4proto udp ip6 saddr . ip6 daddr . meta l4proto . th dport @allow6_exact accept
add rule inet wicket from_tunnel meta l4proto udp ip6 saddr . ip6 daddr . meta l4proto . th dport @allow6 accept
add rule inet wicket from_tunnel meta l4proto ipv6-icmp ip6 saddr . ip6 daddr @allow6_icmp_exact accept
add rule inet wicket from_tunnel meta l4proto ipv6-icmp ip6 saddr . ip6 daddr @allow6_icmp accept
add rule inet wicket from_tunnel goto deny
add rule inet wicket deny meta nfproto ipv4 meta l4proto { tcp, udp } add @denied { ip saddr . ip daddr . meta l4proto . th dport }
add rule inet wicket deny meta nfproto ipv4 meta l4proto != { tcp, udp } add @denied { ip saddr . ip daddr . meta l4proto . 0 }
add rule inet wicket deny meta nfproto ipv6 meta l4proto { tcp, udp } add @denied6 { ip6 saddr . ip6 daddr . meta l4proto . th dport }
add rule inet wicket deny meta nfproto ipv6 meta l4proto != { tcp, udp } add @denied6 { ip6 saddr . ip6 daddr . meta l4proto . 0 }
add rule inet wicket deny drop
add rule inet wicket to_tunnel ct state related accept
add rule inet wicket to_tunnel ct state established meta l4proto tcp ip daddr . ip saddr . meta l4proto . th sport @allow_exact accept
add rule inet wicket to_tunnel ct state established meta l4proto tcp ip daddr . ip saddr . meta l4proto . th sport @allow accept
add rule inet wicket to_tunnel ct state established meta l4proto udp ip daddr . ip saddr . meta l4proto . th sport @allow_exact accept
add rule inet wicket to_tunnel ct state established meta l4proto udp ip daddr . ip saddr . meta l4proto . th sport @allow accept
add rule inet wicket to_tunnel ct state established meta l4proto icmp ip daddr . ip saddr @allow_icmp_exact accept
add rule inet wicket to_tunnel ct state established meta l4proto icmp ip daddr . ip saddr @allow_icmp accept
add rule inet wicket to_tunnel ct state established meta l4proto tcp ip6 daddr . ip6 saddr . meta l4proto . th sport @allow6_exact accept
add rule inet wicket to_tunnel ct state established meta l4proto tcp ip6 daddr . ip6 saddr . meta l4proto . th sport @allow6 accept
add rule inet wicket to_tunnel ct state established meta l4proto udp ip6 daddr . ip6 saddr . meta l4proto . th sport @allow6_exact accept
add rule inet wicket to_tunnel ct state established meta l4proto udp ip6 daddr . ip6 saddr . meta l4proto . th sport @allow6 accept
add rule inet wicket to_tunnel ct state established meta l4proto ipv6-icmp ip6 daddr . ip6 saddr @allow6_icmp_exact accept
add rule inet wicket to_tunnel ct state established meta l4proto ipv6-icmp ip6 daddr . ip6 saddr @allow6_icmp accept
add rule inet wicket to_tunnel goto deny
add rule inet wicket input iifname != "wk12ab-g" ip daddr 100.64.0.0/10 meta l4proto { tcp, udp } th dport 53 drop
add rule inet wicket input iifname != "wk12ab-g" ip daddr 100.64.0.0/10 tcp dport 80 drop
add rule inet wicket input iifname != "wk12ab-g" ip6 daddr fd6b:7769:636b::/64 meta l4proto { tcp, udp } th dport 53 drop
add rule inet wicket input iifname != "wk12ab-g" ip6 daddr fd6b:7769:636b::/64 tcp dport 80 drop
add rule inet wicket input iifname "wk12ab-g" meta l4proto tcp ip daddr 100.64.0.0/10 tcp dport { 53, 80 } ip saddr . ip daddr . meta l4proto . th dport @allow_exact accept
add rule inet wicket input iifname "wk12ab-g" meta l4proto tcp ip daddr 100.64.0.0/10 tcp dport { 53, 80 } ip saddr . ip daddr . meta l4proto . th dport @allow accept
add rule inet wicket input iifname "wk12ab-g" meta l4proto udp ip daddr 100.64.0.0/10 udp dport 53 ip saddr . ip daddr . meta l4proto . th dport @allow_exact accept
add rule inet wicket input iifname "wk12ab-g" meta l4proto udp ip daddr 100.64.0.0/10 udp dport 53 ip saddr . ip daddr . meta l4proto . th dport @allow accept
add rule inet wicket input iifname "wk12ab-g" meta l4proto icmp ip daddr 100.64.0.0/10 icmp type echo-request ip saddr . ip daddr @allow_icmp_exact accept
add rule inet wicket input iifname "wk12ab-g" meta l4proto icmp ip daddr 100.64.0.0/10 icmp type echo-request ip saddr . ip daddr @allow_icmp accept
add rule inet wicket input iifname "wk12ab-g" goto deny
add rule inet wicket postrouting ip saddr 100.64.0.0/10 oifname != "wk12ab-g" masquerade
add rule inet wicket postrouting ip6 saddr fd6b:7769:636b::/64 oifname != "wk12ab-g" masquerade
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

test('formatRange writes IPv6 ranges (bigints) as nft lists them', () => {
  const b = (a: string) => ipv6ToBigInt(a);
  assert.equal(formatRange(b('fd20::10'), b('fd20::10')), 'fd20::10');
  assert.equal(formatRange(b('fd20::'), b('fd20::ffff:ffff:ffff:ffff')), 'fd20::/64');
  assert.equal(formatRange(b('fd20::1'), b('fd20::9')), 'fd20::1-fd20::9');
  assert.equal(formatRange(b('fd20::8'), b('fd20::17')), 'fd20::8-fd20::17');
  assert.equal(formatRange(0n, (1n << 128n) - 1n), '::/0');
});

const el = (dest: [string, string], protocol: Element['protocol'], portFrom: number, portTo: number, expiresAtMs: number): Element =>
  ({ overlay: '100.64.0.2', destFirst: n(dest[0]), destLast: n(dest[1]), protocol, portFrom, portTo, expiresAtMs });

test('element changes: guarded deletes first, then adds with ms timeouts, exact elements in the hash sets; expired adds left out', () => {
  const text = elementsChangeText(
    [el(['198.19.0.10', '198.19.0.10'], 'tcp', 80, 80, 0), el(['198.19.0.0', '198.19.0.255'], 'icmp', 0, 0, 0)],
    [el(['198.19.0.10', '198.19.0.10'], 'tcp', 80, 81, 61_500), el(['198.19.0.1', '198.19.0.9'], 'udp', 53, 53, 1_000), el(['198.19.0.20', '198.19.0.20'], 'icmp', 0, 0, 2_000)],
    1_000,
  );
  assert.equal(text, [
    'add element inet wicket allow_exact { 100.64.0.2 . 198.19.0.10 . tcp . 80 timeout 1000ms }',
    'delete element inet wicket allow_exact { 100.64.0.2 . 198.19.0.10 . tcp . 80 }',
    'add element inet wicket allow_icmp { 100.64.0.2 . 198.19.0.0/24 timeout 1000ms }',
    'delete element inet wicket allow_icmp { 100.64.0.2 . 198.19.0.0/24 }',
    'add element inet wicket allow { 100.64.0.2 . 198.19.0.10 . tcp . 80-81 timeout 60500ms }',
    'add element inet wicket allow_icmp_exact { 100.64.0.2 . 198.19.0.20 timeout 1000ms }',
  ].join('\n') + '\n');
  assert.equal(elementsChangeText([], [], 0), '');
});

test('element changes with removal by expiry: an ended session expires from the interval sets and is deleted from the hash sets; an overlay that also gets elements is deleted', () => {
  const other = (e: Element): Element => ({ ...e, overlay: '100.64.0.3' });
  const text = elementsChangeText(
    [other(el(['198.19.0.11', '198.19.0.11'], 'tcp', 22, 22, 0)), other(el(['198.19.0.10', '198.19.0.10'], 'tcp', 80, 90, 0)), other(el(['198.19.0.0', '198.19.0.255'], 'icmp', 0, 0, 0)), el(['198.19.0.10', '198.19.0.10'], 'tcp', 80, 90, 0)],
    [el(['198.19.0.10', '198.19.0.10'], 'tcp', 80, 85, 61_000)],
    1_000,
    'expire',
  );
  assert.equal(text, [
    'add element inet wicket allow_exact { 100.64.0.3 . 198.19.0.11 . tcp . 22 timeout 1000ms }',
    'delete element inet wicket allow_exact { 100.64.0.3 . 198.19.0.11 . tcp . 22 }',
    'add element inet wicket allow { 100.64.0.3 . 198.19.0.10 . tcp . 80-90 timeout 1000ms expires 1ms }',
    'add element inet wicket allow { 100.64.0.2 . 198.19.0.10 . tcp . 80-90 timeout 1000ms }',
    'delete element inet wicket allow { 100.64.0.2 . 198.19.0.10 . tcp . 80-90 }',
    'add element inet wicket allow_icmp { 100.64.0.3 . 198.19.0.0/24 timeout 1000ms expires 1ms }',
    'add element inet wicket allow { 100.64.0.2 . 198.19.0.10 . tcp . 80-85 timeout 60000ms }',
  ].join('\n') + '\n');
});

test('IPv6 elements go to the allow6 sets, exact or interval, with the IPv6 overlay address', () => {
  const v6 = (dest: string, protocol: Element['protocol'], port: number): Element => {
    const [destFirst, destLast] = ipv6Range(dest);
    return { overlay: 'fd6b:7769:636b::2', destFirst, destLast, protocol, portFrom: port, portTo: port, expiresAtMs: 5_000 };
  };
  assert.equal(elementsChangeText([v6('fd20::10', 'tcp', 22)], [v6('fd20::/64', 'udp', 53), v6('fd20::10', 'icmp', 0), el(['198.19.0.10', '198.19.0.10'], 'tcp', 80, 80, 5_000)], 1_000), [
    'add element inet wicket allow6_exact { fd6b:7769:636b::2 . fd20::10 . tcp . 22 timeout 1000ms }',
    'delete element inet wicket allow6_exact { fd6b:7769:636b::2 . fd20::10 . tcp . 22 }',
    'add element inet wicket allow_exact { 100.64.0.2 . 198.19.0.10 . tcp . 80 timeout 4000ms }',
    'add element inet wicket allow6 { fd6b:7769:636b::2 . fd20::/64 . udp . 53 timeout 4000ms }',
    'add element inet wicket allow6_icmp_exact { fd6b:7769:636b::2 . fd20::10 timeout 4000ms }',
  ].join('\n') + '\n');
});

test('a removed element read back from the kernel leaves the set it was found in', () => {
  const exact = el(['198.19.0.10', '198.19.0.10'], 'tcp', 80, 80, 0);
  assert.equal(allowSetOf(exact), 'allow_exact');
  assert.equal(elementsChangeText([{ ...exact, set: 'allow' }], [{ ...exact, expiresAtMs: 5_000 }], 1_000, 'expire'), [
    'add element inet wicket allow { 100.64.0.2 . 198.19.0.10 . tcp . 80 timeout 1000ms }',
    'delete element inet wicket allow { 100.64.0.2 . 198.19.0.10 . tcp . 80 }',
    'add element inet wicket allow_exact { 100.64.0.2 . 198.19.0.10 . tcp . 80 timeout 4000ms }',
  ].join('\n') + '\n');
});

test('allowSetOf: one address and one port (icmp: one address) is exact, anything wider goes to the interval set', () => {
  const v6 = (first: string, last: string, protocol: Element['protocol'], portFrom: number, portTo: number): Element =>
    ({ overlay: 'fd6b:7769:636b::2', destFirst: ipv6ToBigInt(first), destLast: ipv6ToBigInt(last), protocol, portFrom, portTo, expiresAtMs: 0 });
  assert.deepEqual([
    el(['198.19.0.10', '198.19.0.10'], 'udp', 53, 53, 0), el(['198.19.0.10', '198.19.0.10'], 'tcp', 80, 81, 0), el(['198.19.0.10', '198.19.0.11'], 'tcp', 80, 80, 0),
    el(['198.19.0.10', '198.19.0.10'], 'icmp', 0, 0, 0), el(['198.19.0.0', '198.19.0.255'], 'icmp', 0, 0, 0),
    v6('fd20::10', 'fd20::10', 'tcp', 22, 22), v6('fd20::10', 'fd20::11', 'tcp', 22, 22), v6('fd20::10', 'fd20::10', 'icmp', 0, 0), v6('fd20::', 'fd20::ff', 'icmp', 0, 0),
  ].map(allowSetOf), ['allow_exact', 'allow', 'allow', 'allow_icmp_exact', 'allow_icmp', 'allow6_exact', 'allow6', 'allow6_icmp_exact', 'allow6_icmp']);
});

test('element changes are chunked but stay one text (one transaction)', () => {
  const many = Array.from({ length: 4500 }, (_, i) => ({ ...el(['198.19.0.10', '198.19.0.10'], 'tcp', i + 1, i + 1, 5_000) }));
  const lines = elementsChangeText([], many, 0).trim().split('\n');
  assert.equal(lines.length, 3);
  assert.equal(lines.join(' ').match(/timeout 5000ms/g)?.length, 4500);
});
