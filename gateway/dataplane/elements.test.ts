// Unit tests of the rule → disjoint element decomposition: worked examples and a property
// test (random rules: elements never overlap and allow exactly what the rules allow, until
// exactly the latest covering expiry).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ipv4Range } from '../../common/ipv4.js';
import { ipv6ToBigInt } from '../../common/ipv6.js';
import { type Element, type ResolvedRule, droppedIpv6, isExactElement, sessionElements } from './elements.js';

const O = '100.64.0.2';
const n = (a: string) => ipv4Range(a)[0];
const rule = (destinations: string[], protocol: ResolvedRule['protocol'], portFrom: number, portTo: number, expiresAtMs = 10_000): ResolvedRule =>
  ({ destinations, protocol, portFrom, portTo, expiresAtMs });

test('one rule is one element; session expiry caps rule expiry; expired rules vanish', () => {
  assert.deepEqual(sessionElements(O, 5_000, [rule(['198.19.0.10'], 'tcp', 80, 80, 9_000)], 0), [
    { overlay: O, destFirst: n('198.19.0.10'), destLast: n('198.19.0.10'), protocol: 'tcp', portFrom: 80, portTo: 80, expiresAtMs: 5_000 },
  ]);
  assert.deepEqual(sessionElements(O, 5_000, [rule(['198.19.0.10'], 'tcp', 80, 80, 1_000)], 1_000), []);
  assert.deepEqual(sessionElements(O, 5_000, [rule(['198.19.0.0/24'], 'icmp', 7, 9)], 0), [
    { overlay: O, destFirst: n('198.19.0.0'), destLast: n('198.19.0.255'), protocol: 'icmp', portFrom: 0, portTo: 0, expiresAtMs: 5_000 },
  ]);
});

test('overlapping rules become disjoint pieces with the latest expiry', () => {
  const els = sessionElements(O, 100_000, [
    rule(['198.19.0.0/24'], 'tcp', 1, 1000, 5_000),
    rule(['198.19.0.10'], 'tcp', 80, 80, 9_000),
  ], 0);
  const show = (e: Element) => `${Number(e.destFirst) - n('198.19.0.0')}-${Number(e.destLast) - n('198.19.0.0')}:${e.portFrom}-${e.portTo}@${e.expiresAtMs}`;
  assert.deepEqual(els.map(show), [
    '0-9:1-1000@5000',
    '10-10:1-79@5000', '10-10:80-80@9000', '10-10:81-1000@5000',
    '11-255:1-1000@5000',
  ]);
  // Same expiry: the host's port is already inside the /24's range, nothing to split.
  assert.equal(sessionElements(O, 100_000, [rule(['198.19.0.0/24'], 'tcp', 1, 1000), rule(['198.19.0.10'], 'tcp', 80, 80)], 0).length, 1);
  // Rules that do not overlap are written as they are.
  assert.deepEqual(sessionElements(O, 100_000, [rule(['198.19.0.0/25', '198.19.0.128/25'], 'udp', 53, 53)], 0).map((e) => [e.destFirst, e.destLast]),
    [[n('198.19.0.0'), n('198.19.0.127')], [n('198.19.0.128'), n('198.19.0.255')]]);
  // Pieces of an overlap that end up adjacent with the same ports and expiry are merged.
  assert.deepEqual(sessionElements(O, 100_000, [rule(['198.19.0.0/25', '198.19.0.128/25'], 'udp', 53, 53), rule(['198.19.0.0/24'], 'udp', 53, 53)], 0)
    .map((e) => [e.destFirst, e.destLast]), [[n('198.19.0.0'), n('198.19.0.255')]]);
});

test('exact elements: one address and one port (icmp: one address), including a piece cut out of a wider grant', () => {
  const els = sessionElements(O, 100_000, [
    rule(['198.19.0.0/24'], 'tcp', 1, 1000, 5_000),
    rule(['198.19.0.10'], 'tcp', 80, 80, 9_000),
    rule(['198.19.0.20'], 'udp', 53, 53),
    rule(['198.19.0.20'], 'icmp', 0, 0),
    rule(['198.19.0.21/32', '198.19.0.24/30'], 'icmp', 0, 0),
  ], 0);
  const exact = (e: Element) => `${e.protocol} ${Number(e.destFirst) - n('198.19.0.0')}-${Number(e.destLast) - n('198.19.0.0')}:${e.portFrom}-${e.portTo}`;
  assert.deepEqual(els.filter(isExactElement).map(exact), ['tcp 10-10:80-80', 'udp 20-20:53-53', 'icmp 20-20:0-0', 'icmp 21-21:0-0']);
  assert.equal(els.filter((e) => !isExactElement(e)).length, 5);
  assert.equal(isExactElement({ overlay: 'fd6b:7769:636b::2', destFirst: ipv6ToBigInt('fd20::1'), destLast: ipv6ToBigInt('fd20::1'), protocol: 'tcp', portFrom: 22, portTo: 22, expiresAtMs: 0 }), true);
});

test('IPv6 destinations become elements of the IPv6 overlay, cut apart from the IPv4 ones', () => {
  const O6 = 'fd6b:7769:636b::2';
  const b = ipv6ToBigInt;
  const rules = [
    rule(['198.19.0.10', 'fd20::10'], 'tcp', 443, 443, 9_000), // a name resolved to both families
    rule(['fd20::/64'], 'tcp', 1, 1000, 5_000),
    rule(['fd20::10'], 'icmp', 0, 0),
  ];
  const show = (e: Element) => `${e.overlay} ${typeof e.destFirst} ${e.protocol} ${e.destFirst}-${e.destLast}:${e.portFrom}-${e.portTo}@${e.expiresAtMs}`;
  assert.deepEqual(sessionElements(O, 100_000, rules, 0, O6).map(show), [
    `${O} number tcp ${n('198.19.0.10')}-${n('198.19.0.10')}:443-443@9000`,
    `${O6} bigint tcp ${b('fd20::')}-${b('fd20::f')}:1-1000@5000`,
    `${O6} bigint tcp ${b('fd20::10')}-${b('fd20::10')}:1-442@5000`,
    `${O6} bigint tcp ${b('fd20::10')}-${b('fd20::10')}:443-443@9000`,
    `${O6} bigint tcp ${b('fd20::10')}-${b('fd20::10')}:444-1000@5000`,
    `${O6} bigint tcp ${b('fd20::11')}-${b('fd20::ffff:ffff:ffff:ffff')}:1-1000@5000`,
    `${O6} bigint icmp ${b('fd20::10')}-${b('fd20::10')}:0-0@10000`,
  ]);
  // Without an IPv6 overlay address the IPv6 destinations give nothing (and say so).
  assert.deepEqual(sessionElements(O, 100_000, rules, 0).map((e) => e.overlay), [O]);
  assert.equal(droppedIpv6('', rules), true);
  assert.equal(droppedIpv6(O6, rules), false);
  assert.equal(droppedIpv6('', [rule(['198.19.0.10'], 'tcp', 1, 1)]), false);
});

test('property: elements are disjoint and allow exactly what the rules allow, until the right time', () => {
  const base = n('10.0.0.0');
  const arbRule = fc.record({
    host: fc.integer({ min: 0, max: 63 }),
    len: fc.integer({ min: 26, max: 32 }),
    protocol: fc.constantFrom('tcp' as const, 'udp' as const, 'icmp' as const),
    p0: fc.integer({ min: 0, max: 40 }),
    span: fc.integer({ min: 0, max: 20 }),
    exp: fc.integer({ min: 1, max: 5 }).map((x) => x * 1000),
  }).map((r) => rule([`10.0.0.${r.host}/${r.len}`], r.protocol, r.p0, r.p0 + r.span, r.exp));
  fc.assert(fc.property(fc.array(arbRule, { maxLength: 6 }), fc.integer({ min: 0, max: 4000 }), (rules, now) => {
    const els = sessionElements(O, 4_500, rules, now);
    for (let i = 0; i < els.length; i++) {
      for (let j = i + 1; j < els.length; j++) {
        const a = els[i];
        const b = els[j];
        const overlap = a.protocol === b.protocol && a.destFirst <= b.destLast && b.destFirst <= a.destLast && a.portFrom <= b.portTo && b.portFrom <= a.portTo;
        assert.ok(!overlap, `overlap ${JSON.stringify([a, b])}`);
      }
    }
    for (let addr = base; addr < base + 64; addr += 3) {
      for (const protocol of ['tcp', 'udp', 'icmp'] as const) {
        for (let port = 0; port <= 61; port += 4) {
          const p = protocol === 'icmp' ? 0 : port;
          const expect = Math.max(-Infinity, ...rules.filter((r) => {
            const [a0, a1] = ipv4Range(r.destinations[0]);
            return r.protocol === protocol && a0 <= addr && addr <= a1 && (protocol === 'icmp' || (r.portFrom <= p && p <= r.portTo));
          }).map((r) => Math.min(r.expiresAtMs, 4_500)).filter((e) => e > now));
          const hit = els.filter((e) => e.protocol === protocol && e.destFirst <= addr && addr <= e.destLast && e.portFrom <= p && p <= e.portTo);
          assert.ok(hit.length <= 1);
          assert.equal(hit[0]?.expiresAtMs ?? -Infinity, expect);
        }
      }
    }
  }), { numRuns: 300 });
});
