// Unit tests of the nftables text builders (golden strings).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipv4Range } from '../../common/ipv4.js';
import type { Element } from './elements.js';
import { deleteTableText, elementsChangeText, formatRange, rulesetText } from './ruleset.js';

const n = (a: string) => ipv4Range(a)[0];

test('the ruleset: overlay sources not from the tunnel dropped first, one lookup per packet from the tunnel, replies only toward it, input only to the proxy through @allow, masquerade', () => {
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
add rule inet wicket input iifname "wk12ab-g" meta l4proto tcp ip daddr 100.64.0.0/10 tcp dport 80 ip saddr . ip daddr . meta l4proto . th dport @allow accept
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
