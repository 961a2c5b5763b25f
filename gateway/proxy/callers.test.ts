// Unit tests of the callers index and of turning a GatewaySession into a caller.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GatewaySession__Output } from '../../proto/generated/wicket/v1/GatewaySession.js';
import { CallerIndex, rulesAt, toCaller } from './callers.js';

const session = (id: string, overlayAddress: string, grants: GatewaySession__Output['httpGrants'] = [], expiresAtMs = 10_000): GatewaySession__Output => ({
  id, overlayAddress, wgPublicKey: 'k', presharedKey: 'psk', expiresAtMs, rules: [], username: 'alice', deviceId: 'd', groups: ['eng'], httpGrants: grants, overlayIpv6: '',
});
const grant = (resource: string, methods: string[], paths: string[], expiresAtMs = 0) => ({ resource, grant: `g-${resource}`, access: { hostname: 'h', methods, paths }, expiresAtMs });

test('a grant with an invalid method or path is left out whole, never widened to "everything"', () => {
  const refused: string[] = [];
  const c = toCaller(session('s1', '100.64.0.1', [grant('wiki', ['GET', 'BAD METHOD'], []), grant('wiki', [], ['/docs/*', 'no-slash']), grant('wiki', ['get'], ['/ok'])]), refused);
  assert.equal(refused.length, 2);
  assert.deepEqual(c.grants.get('wiki')!.map((g) => [g.methods, g.paths]), [[['GET'], ['/ok']]]);
});

test('a grant lasts at most as long as its session', () => {
  const c = toCaller(session('s1', '100.64.0.1', [grant('a', [], []), grant('b', [], [], 5_000), grant('c', [], [], 20_000)]));
  assert.deepEqual(['a', 'b', 'c'].map((r) => c.grants.get(r)![0]!.expiresAtMs), [10_000, 5_000, 10_000]);
  assert.equal(rulesAt(c, 'b', 5_000).length, 0);
  assert.equal(rulesAt(c, 'b', 4_999).length, 1);
});

test('a session without an IPv4 overlay address is refused', () => {
  assert.throws(() => toCaller(session('s1', 'fe80::1')), /not IPv4/);
});

test('the index: a snapshot replaces, upserts report changes, an address passed on drops its old holder', () => {
  const idx = new CallerIndex();
  idx.replace([toCaller(session('a', '100.64.0.1')), toCaller(session('b', '100.64.0.2'))]);
  let change = idx.replace([toCaller(session('b', '100.64.0.2'))]);
  assert.deepEqual(change.removed.map((c) => c.sessionId), ['a']);
  assert.deepEqual(change.changed.map((c) => c.sessionId), ['b']);
  change = idx.upsert([toCaller(session('c', '100.64.0.2'))]);
  assert.deepEqual(change.removed.map((c) => c.sessionId), ['b']);
  assert.equal(idx.byOverlay('100.64.0.2')!.sessionId, 'c');
  assert.equal(idx.bySession('b'), undefined);
  change = idx.remove(['c', 'unknown']);
  assert.deepEqual(change.removed.map((c) => c.sessionId), ['c']);
  assert.equal(idx.size, 0);
});
