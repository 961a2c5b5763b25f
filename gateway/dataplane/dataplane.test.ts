// Unit tests of what the data plane refuses before it touches the system: malformed
// sessions (each error names the session and the field), deltas before any snapshot, and a
// bad overlay pool. No root needed: none of these reach `wg` or `nft`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generatePresharedKey, generatePrivateKey, publicKeyOf } from '../../common/wireguard/keys.js';
import { WireGuardDataPlane, type DesiredSession } from './dataplane.js';

const plane = () => new WireGuardDataPlane({ interfaceName: 'wkunit0', privateKey: generatePrivateKey() });

function good(): DesiredSession {
  return {
    id: 's1', overlayAddress: '100.64.0.2', publicKey: publicKeyOf(generatePrivateKey()), presharedKey: generatePresharedKey(),
    expiresAtMs: Date.now() + 60_000,
    rules: [{ destination: '198.19.0.10', protocol: 'tcp', portFrom: 80, portTo: 80, expiresAtMs: Date.now() + 60_000 }],
  };
}

test('malformed sessions are refused with the session and the field named, before any system call', async () => {
  const cases: [string, (s: DesiredSession) => unknown, RegExp][] = [
    ['overlay not IPv4', (s) => ({ ...s, overlayAddress: '::1' }), /session s1: .*overlayAddress/],
    ['overlay with a prefix', (s) => ({ ...s, overlayAddress: '100.64.0.2/32' }), /overlayAddress/],
    ['public key', (s) => ({ ...s, publicKey: 'short' }), /not a WireGuard key.*publicKey/],
    ['preshared key', (s) => ({ ...s, presharedKey: `${s.presharedKey}\n[Peer]` }), /presharedKey/],
    ['ports reversed', (s) => ({ ...s, rules: [{ ...s.rules[0], portFrom: 90, portTo: 80 }] }), /portFrom is above portTo/],
    ['port out of range', (s) => ({ ...s, rules: [{ ...s.rules[0], portTo: 70000 }] }), /rules/],
    ['protocol', (s) => ({ ...s, rules: [{ ...s.rules[0], protocol: 'sctp' }] }), /protocol/],
    ['wildcard over a top-level domain', (s) => ({ ...s, rules: [{ ...s.rules[0], destination: '*.com' }] }), /not an address, CIDR, DNS name or wildcard/],
    ['upper-case name', (s) => ({ ...s, rules: [{ ...s.rules[0], destination: 'DB.corp.internal' }] }), /not an address, CIDR, DNS name or wildcard/],
    ['wildcard inside a name', (s) => ({ ...s, rules: [{ ...s.rules[0], destination: 'a.*.corp.internal' }] }), /destination/],
    ['destination with spaces', (s) => ({ ...s, rules: [{ ...s.rules[0], destination: '10.0.0.1 } ; flush ruleset' }] }), /destination/],
  ];
  for (const [name, mutate, expected] of cases) {
    await assert.rejects(plane().applySnapshot(1, [mutate(good()) as DesiredSession]), expected, name);
  }
  await assert.rejects(plane().applySnapshot(1, [{ ...good(), id: 'x', rules: [{ ...good().rules[0], destination: '10.0.0.300' }] }]), /session x: .*not an IPv4 address or CIDR.*destination/);
});

test('a delta before any snapshot is refused', async () => {
  await assert.rejects(plane().applyDelta(1, [good()], []), /needs a snapshot first/);
});

test('a bad overlay pool is refused at construction; a closed plane takes no more applies', async () => {
  assert.throws(() => new WireGuardDataPlane({ interfaceName: 'wkunit0', privateKey: generatePrivateKey(), overlayPool: '100.64.0.0/33' }), /not an IPv4/);
  const p = plane();
  await p.close();
  await assert.rejects(p.applySnapshot(1, []), /closed/);
});
