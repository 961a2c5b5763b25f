// Tests for the proto GatewaySession -> DesiredSession mapping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GatewaySession__Output } from '../../proto/generated/wicket/v1/GatewaySession.js';
import { toDesiredSession, toDesiredSessions } from './desired.js';

const key = (n: number): string => Buffer.alloc(32, n).toString('base64');

function session(n: number, overrides: Partial<GatewaySession__Output> = {}): GatewaySession__Output {
  return {
    id: `s${n}`,
    overlayAddress: `100.64.0.${n}`,
    wgPublicKey: key(n),
    presharedKey: key(200 + n),
    expiresAtMs: 2_000_000_000_000,
    rules: [{ destination: '10.20.0.10', protocol: 'tcp', portFrom: 443, portTo: 443, expiresAtMs: 1_900_000_000_000 }],
    username: 'alice',
    deviceId: 'd'.repeat(32),
    groups: [],
    httpGrants: [],
    overlayIpv6: '',
    ...overrides,
  };
}

test('maps every field to the data plane names, dropping the attribution fields', () => {
  assert.deepEqual(toDesiredSession(session(1)), {
    id: 's1',
    overlayAddress: '100.64.0.1',
    overlayIpv6: '',
    publicKey: key(1),
    presharedKey: key(201),
    expiresAtMs: 2_000_000_000_000,
    rules: [{ destination: '10.20.0.10', protocol: 'tcp', portFrom: 443, portTo: 443, expiresAtMs: 1_900_000_000_000 }],
  });
});

test('the IPv6 overlay address is carried in RFC 5952 text; an IPv6 destination is a literal', () => {
  const d = toDesiredSession(session(1, {
    overlayIpv6: 'FD6B:7769:636B:0:0:0:0:1',
    rules: [{ destination: 'fd20::/64', protocol: 'tcp', portFrom: 22, portTo: 22, expiresAtMs: 0 }],
  }));
  assert.equal(d.overlayIpv6, 'fd6b:7769:636b::1');
  assert.equal(d.rules[0]!.destination, 'fd20::/64');
});

test('a rule without its own expiry (0) gets the session expiry', () => {
  const [a, b] = toDesiredSession(session(1, {
    expiresAtMs: 5_000,
    rules: [
      { destination: '10.20.0.10', protocol: 'udp', portFrom: 53, portTo: 53, expiresAtMs: 0 },
      { destination: '10.20.1.0/24', protocol: 'icmp', portFrom: 0, portTo: 0, expiresAtMs: 3_000 },
    ],
  })).rules;
  assert.equal(a!.expiresAtMs, 5_000);
  assert.equal(b!.expiresAtMs, 3_000);
});

test('invalid fields are refused with the session id and the field, never a key', () => {
  const cases: Array<[Partial<GatewaySession__Output>, RegExp]> = [
    [{ overlayAddress: '100.64.0.300' }, /overlayAddress: /],
    [{ wgPublicKey: 'short' }, /publicKey: not a WireGuard key/],
    [{ presharedKey: `${key(207).slice(0, -3)}!!=` }, /presharedKey: not a WireGuard key/],
    [{ rules: [{ destination: '10.0.0.1', protocol: 'sctp', portFrom: 1, portTo: 2, expiresAtMs: 0 }] }, /rules\.0\.protocol/],
    [{ rules: [{ destination: '10.0.0.1', protocol: 'tcp', portFrom: 90, portTo: 80, expiresAtMs: 0 }] }, /rules\.0: portFrom is above portTo/],
    [{ rules: [{ destination: '10.0.0.1', protocol: 'tcp', portFrom: 1, portTo: 70000, expiresAtMs: 0 }] }, /rules\.0\.portTo/],
    [{ overlayIpv6: '100.64.0.7' }, /overlayIpv6: not an IPv6 address/],
    [{ overlayIpv6: 'fd6b::/64' }, /overlayIpv6: not an IPv6 address/],
    [{ rules: [{ destination: 'fd20::1::2', protocol: 'tcp', portFrom: 1, portTo: 2, expiresAtMs: 0 }] }, /rules\.0\.destination: not an IPv6 address or CIDR/],
    [{ rules: [{ destination: 'fd20::/129', protocol: 'tcp', portFrom: 1, portTo: 2, expiresAtMs: 0 }] }, /rules\.0\.destination: not an IPv6 address or CIDR/],
    [{ rules: [{ destination: '10.0.0.1; flush ruleset', protocol: 'tcp', portFrom: 1, portTo: 2, expiresAtMs: 0 }] }, /rules\.0\.destination/],
  ];
  for (const [overrides, message] of cases) {
    assert.throws(() => toDesiredSession(session(7, overrides)), (err: Error) => {
      assert.match(err.message, /^session "s7" refused: /);
      assert.match(err.message, message);
      assert.ok(!err.message.includes(key(207).slice(0, 20)), 'no part of the preshared key appears in the message');
      return true;
    });
  }
});

test('a list keeps the valid sessions and names each refused one', () => {
  const { sessions, refused } = toDesiredSessions([session(1), session(2, { overlayAddress: 'x' }), session(3), session(4, { id: '' })]);
  assert.deepEqual(sessions.map((s) => s.id), ['s1', 's3']);
  assert.equal(refused.length, 2);
  assert.match(refused[0]!, /^session "s2" refused: overlayAddress/);
  assert.match(refused[1]!, /^session "" refused: id/);
});
