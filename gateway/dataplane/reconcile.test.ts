// Unit tests of the pure reconciler: table-driven cases for snapshots and deltas, and
// idempotence (applying a plan to a simulated system and planning again gives nothing to do,
// and the delta path ends where a full snapshot would).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generatePresharedKey, generatePrivateKey, keyFingerprint, publicKeyOf } from '../../common/wireguard/keys.js';
import { ipv4Range } from '../../common/ipv4.js';
import { type Element, elementKey } from './elements.js';
import { type ActualState, type Plan, type ResolvedSession, isEmptyPlan, planDelta, planSnapshot } from './reconcile.js';
import { allowSetOf, type AllowSet, type PlacedElement } from './ruleset.js';

const NOW = 1_000_000;
const key = () => publicKeyOf(generatePrivateKey());

function session(id: string, overlay: string, extra: Partial<ResolvedSession> = {}): ResolvedSession {
  return {
    id, overlayAddress: overlay, publicKey: key(), presharedKey: generatePresharedKey(), expiresAtMs: NOW + 60_000,
    rules: [{ destinations: ['198.19.0.10'], protocol: 'tcp', portFrom: 80, portTo: 80, expiresAtMs: NOW + 60_000 }],
    ...extra,
  };
}

/** Where an element is in the stand-in system: its set and its identity. */
const where = (e: PlacedElement) => `${e.set ?? allowSetOf(e)}:${elementKey(e)}`;

/** A stand-in system: what `wg` and `nft` would hold after applying plans. */
class FakeSystem {
  peers = new Map<string, string[]>();
  psk = new Map<string, string>();
  elements = new Map<string, Element & { set: AllowSet }>();
  apply(plan: Plan): void {
    for (const e of plan.deleteElements) assert.ok(this.elements.delete(where(e)), `delete of a missing element ${where(e)}`);
    for (const e of plan.addElements) {
      assert.ok(!this.elements.has(where(e)), `add of a present element ${where(e)}`);
      this.elements.set(where(e), { ...e, set: allowSetOf(e) });
    }
    for (const k of plan.removePeers) this.peers.delete(k);
    for (const p of plan.addPeers) {
      this.peers.set(p.publicKey, p.allowedIps);
      this.psk.set(p.publicKey, keyFingerprint(p.presharedKey!));
    }
  }
  actual(known = this.psk): ActualState {
    // As nft lists them: the expiry known to within a second.
    const elements = [...this.elements.values()].map((e) => ({ ...e, expiresAtMaxMs: e.expiresAtMs + 1000 }));
    return { peers: [...this.peers].map(([publicKey, allowedIps]) => ({ publicKey, allowedIps })), elements, pskFingerprints: known };
  }
}

test('snapshot on an empty system adds every peer and element, then nothing more', () => {
  const sys = new FakeSystem();
  const desired = [session('a', '100.64.0.2'), session('b', '100.64.0.3')];
  const { plan, index } = planSnapshot(desired, sys.actual(), NOW);
  assert.deepEqual(plan.addPeers.map((p) => [p.publicKey, p.allowedIps]), desired.map((s) => [s.publicKey, [`${s.overlayAddress}/32`]]));
  assert.equal(plan.addPeers[0].presharedKey, desired[0].presharedKey);
  assert.equal(plan.addElements.length, 2);
  assert.deepEqual([plan.removePeers, plan.deleteElements, plan.flushOverlays], [[], [], []]);
  assert.deepEqual([...index.values()].map((x) => x.id), ['a', 'b']);
  sys.apply(plan);
  assert.ok(isEmptyPlan(planSnapshot(desired, sys.actual(), NOW + 500).plan));
});

test('snapshot over stale state removes what is not desired and rewrites what differs', () => {
  const sys = new FakeSystem();
  const a = session('a', '100.64.0.2');
  const stale = session('stale', '100.64.0.9');
  sys.apply(planSnapshot([a, stale], sys.actual(), NOW).plan);
  // A fresh process: no PSK known, so every kept peer is rewritten once; stale goes.
  const a2 = { ...a, rules: [{ ...a.rules[0], portTo: 81 }] };
  const { plan } = planSnapshot([a2], sys.actual(new Map()), NOW);
  assert.deepEqual(plan.addPeers.map((p) => p.publicKey), [a.publicKey]);
  assert.deepEqual(plan.removePeers, [stale.publicKey]);
  assert.deepEqual(plan.flushOverlays, ['100.64.0.9']);
  assert.deepEqual(plan.addElements.map((e) => [e.overlay, e.portFrom, e.portTo]), [['100.64.0.2', 80, 81]]);
  assert.deepEqual(plan.deleteElements.map((e) => [e.overlay, e.portTo]).sort(), [['100.64.0.2', 80], ['100.64.0.9', 80]]);
  sys.apply(plan);
  assert.ok(isEmptyPlan(planSnapshot([a2], sys.actual(), NOW).plan));
});

test('snapshot: an exact element found in an interval set (as a version without hash sets wrote it) moves to its hash set', () => {
  const sys = new FakeSystem();
  const a = session('a', '100.64.0.2', { rules: [
    { destinations: ['198.19.0.10'], protocol: 'tcp', portFrom: 80, portTo: 80, expiresAtMs: NOW + 60_000 },
    { destinations: ['198.19.0.0/24'], protocol: 'udp', portFrom: 53, portTo: 53, expiresAtMs: NOW + 60_000 },
  ] });
  sys.apply(planSnapshot([a], sys.actual(), NOW).plan);
  assert.deepEqual([...sys.elements.values()].map((e) => e.set).sort(), ['allow', 'allow_exact']);
  // Move the exact element to where an older version kept it, with the right expiry.
  const exact = [...sys.elements.values()].find((e) => e.set === 'allow_exact')!;
  sys.elements.delete(where(exact));
  sys.elements.set(where({ ...exact, set: 'allow' }), { ...exact, set: 'allow' });
  const { plan } = planSnapshot([a], sys.actual(), NOW);
  assert.deepEqual(plan.deleteElements.map((e) => [e.set, e.protocol, e.destFirst]), [['allow', 'tcp', ipv4Range('198.19.0.10')[0]]]);
  assert.deepEqual(plan.addElements.map((e) => [allowSetOf(e), e.protocol]), [['allow_exact', 'tcp']]);
  sys.apply(plan);
  assert.ok(isEmptyPlan(planSnapshot([a], sys.actual(), NOW).plan));
});

test('snapshot cases that must change a peer or an element', () => {
  const cases: { name: string; change: (s: ResolvedSession) => ResolvedSession; peer: boolean; elements: number }[] = [
    { name: 'new PSK', change: (s) => ({ ...s, presharedKey: generatePresharedKey() }), peer: true, elements: 0 },
    { name: 'expiry extended by 5 s', change: (s) => ({ ...s, expiresAtMs: s.expiresAtMs + 5_000, rules: [{ ...s.rules[0], expiresAtMs: s.expiresAtMs + 5_000 }] }), peer: false, elements: 1 },
    { name: 'expiry shortened by 2 s', change: (s) => ({ ...s, expiresAtMs: s.expiresAtMs - 2_000 }), peer: false, elements: 1 },
    { name: 'expiry read back 900 ms low (nft rounds down)', change: (s) => s, peer: false, elements: 0 },
  ];
  for (const c of cases) {
    const sys = new FakeSystem();
    const s = session('a', '100.64.0.2');
    sys.apply(planSnapshot([s], sys.actual(), NOW).plan);
    for (const e of sys.elements.values()) e.expiresAtMs -= 900; // as nft would report it
    const { plan } = planSnapshot([c.change(s)], sys.actual(), NOW);
    assert.equal(plan.addPeers.length, c.peer ? 1 : 0, c.name);
    assert.equal(plan.addElements.length, c.elements, c.name);
    assert.equal(plan.deleteElements.length, c.elements, c.name);
  }
});

test('IPv6: a session gaining or changing its IPv6 overlay rewrites the peer, moves its IPv6 elements and frees the old flows', () => {
  const sys = new FakeSystem();
  const v4only = session('a', '100.64.0.2', { rules: [{ destinations: ['198.19.0.10', 'fd20::10'], protocol: 'tcp', portFrom: 80, portTo: 80, expiresAtMs: NOW + 60_000 }] });
  const first = planSnapshot([v4only], sys.actual(), NOW);
  assert.deepEqual(first.plan.addElements.map((e) => e.overlay), ['100.64.0.2'], 'no IPv6 overlay: no IPv6 element');
  sys.apply(first.plan);
  const withV6 = { ...v4only, overlayIpv6: 'fd6b:7769:636b::2' };
  const gained = planDelta(first.index, [withV6], [], NOW);
  assert.deepEqual(gained.plan.addPeers.map((p) => p.allowedIps), [['100.64.0.2/32', 'fd6b:7769:636b::2/128']]);
  assert.deepEqual(gained.plan.addElements.map((e) => [e.overlay, typeof e.destFirst]), [['fd6b:7769:636b::2', 'bigint']]);
  assert.deepEqual(gained.plan.flushOverlays, ['100.64.0.2']);
  sys.apply(gained.plan);
  first.index.apply(gained.changes);
  assert.ok(isEmptyPlan(planSnapshot([withV6], sys.actual(), NOW).plan), 'the snapshot agrees with the delta');
  const removed = planDelta(first.index, [], ['a'], NOW);
  assert.deepEqual(removed.plan.flushOverlays, ['100.64.0.2', 'fd6b:7769:636b::2']);
  assert.equal(removed.plan.deleteElements.length, 2);
  // A stale peer found with a /128 has that address flushed as well.
  const stale = planSnapshot([], sys.actual(), NOW);
  assert.deepEqual(stale.plan.flushOverlays, ['100.64.0.2', 'fd6b:7769:636b::2']);
});

test('a peer whose AllowedIPs were widened (client-side tampering or stale state) is rewritten', () => {
  const sys = new FakeSystem();
  const s = session('a', '100.64.0.2');
  sys.apply(planSnapshot([s], sys.actual(), NOW).plan);
  sys.peers.set(s.publicKey, ['100.64.0.2/32', '0.0.0.0/0']);
  const { plan } = planSnapshot([s], sys.actual(), NOW);
  assert.deepEqual(plan.addPeers.map((p) => p.allowedIps), [['100.64.0.2/32']]);
});

test('expired sessions are not desired; duplicates are refused with both ids', () => {
  const sys = new FakeSystem();
  const { plan, index } = planSnapshot([session('old', '100.64.0.2', { expiresAtMs: NOW })], sys.actual(), NOW);
  assert.ok(isEmptyPlan(plan));
  assert.equal(index.size, 0);
  assert.throws(() => planSnapshot([session('a', '100.64.0.2'), session('b', '100.64.0.2')], sys.actual(), NOW), /sessions a and b have the same overlay address/);
  const dupKey = session('c', '100.64.0.3');
  assert.throws(() => planSnapshot([dupKey, { ...session('d', '100.64.0.4'), publicKey: dupKey.publicKey }], sys.actual(), NOW), /same public key/);
});

test('deltas: add, narrow, re-key, remove; each ends where a snapshot would', () => {
  const sys = new FakeSystem();
  const a = session('a', '100.64.0.2');
  const b = session('b', '100.64.0.3');
  const first = planSnapshot([a], sys.actual(), NOW);
  sys.apply(first.plan);
  const index = first.index;
  const a443 = { ...a, rules: [{ ...a.rules[0], portFrom: 443, portTo: 443 }] };
  const b2 = { ...b, publicKey: key() };
  const steps: { name: string; upserts: ResolvedSession[]; removes: string[]; desired: ResolvedSession[]; check: (p: Plan) => void }[] = [
    {
      name: 'add b', upserts: [b], removes: [], desired: [a, b],
      check: (p) => assert.deepEqual([p.addPeers.length, p.addElements.length, p.removePeers.length, p.flushOverlays.length], [1, 1, 0, 0]),
    },
    {
      name: 'narrow a (port 80 → none, 443 added)', upserts: [a443], removes: [], desired: [a443, b],
      check: (p) => {
        assert.equal(p.addPeers.length, 0, 'same key and PSK: the peer stays');
        assert.deepEqual([p.deleteElements[0].portFrom, p.addElements[0].portFrom], [80, 443]);
        assert.deepEqual(p.flushOverlays, ['100.64.0.2']);
      },
    },
    {
      name: 're-key b', upserts: [b2], removes: [], desired: [a443, b2],
      check: (p) => assert.deepEqual([p.addPeers.length, p.removePeers, p.addElements.length], [1, [b.publicKey], 0]),
    },
    {
      name: 'remove a', upserts: [], removes: ['a', 'unknown'], desired: [b2],
      check: (p) => assert.deepEqual([p.removePeers, p.deleteElements.length, p.flushOverlays], [[a.publicKey], 1, ['100.64.0.2']]),
    },
  ];
  for (const step of steps) {
    const next = planDelta(index, step.upserts, step.removes, NOW);
    step.check(next.plan);
    sys.apply(next.plan);
    index.apply(next.changes);
    assert.ok(isEmptyPlan(planSnapshot(step.desired, sys.actual(), NOW).plan), step.name);
  }
  assert.deepEqual([...index.values()].map((x) => x.id), ['b']);
});

test('delta: an overlay freed and reused in the same delta; an expired upsert is a removal', () => {
  const sys = new FakeSystem();
  const a = session('a', '100.64.0.2');
  const { plan, index } = planSnapshot([a], sys.actual(), NOW);
  sys.apply(plan);
  const c = session('c', '100.64.0.2');
  assert.throws(() => planDelta(index, [c], [], NOW), /sessions a and c have the same overlay address/);
  assert.throws(() => planDelta(index, [{ ...session('d', '100.64.0.7'), publicKey: a.publicKey }], [], NOW), /sessions a and d have the same public key/);
  const moved = planDelta(index, [c], ['a'], NOW);
  sys.apply(moved.plan);
  index.apply(moved.changes);
  assert.ok(isEmptyPlan(planSnapshot([c], sys.actual(), NOW).plan));
  // Two upserts of one delta may not share an overlay address either.
  assert.throws(() => planDelta(index, [session('e', '100.64.0.8'), { ...session('f', '100.64.0.8') }], [], NOW), /sessions e and f/);
  const gone = planDelta(index, [{ ...c, expiresAtMs: NOW - 1 }], [], NOW);
  assert.deepEqual(gone.plan.removePeers, [c.publicKey]);
  index.apply(gone.changes);
  assert.equal(index.size, 0);
});

test('numeric element ranges survive the snapshot round trip', () => {
  const [first] = ipv4Range('198.19.0.0/24');
  const s = session('a', '100.64.0.2', { rules: [{ destinations: ['198.19.0.0/24'], protocol: 'udp', portFrom: 1, portTo: 65535, expiresAtMs: NOW + 1_000 }] });
  const { plan } = planSnapshot([s], new FakeSystem().actual(), NOW);
  assert.deepEqual(plan.addElements.map((e) => [e.destFirst, e.destLast, e.expiresAtMs]), [[first, first + 255, NOW + 1_000]]);
});
