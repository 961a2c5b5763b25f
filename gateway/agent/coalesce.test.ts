// Coalescing of queued sync messages: snapshots supersede, consecutive deltas merge with the
// last change of each session winning, gaps stop a merge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SyncDown__Output } from '../../proto/generated/wicket/v1/SyncDown.js';
import type { GatewaySession__Output } from '../../proto/generated/wicket/v1/GatewaySession.js';
import { takeWork } from './coalesce.js';

const session = (id: string, tag = ''): GatewaySession__Output => ({
  id, overlayAddress: '100.64.0.1', wgPublicKey: `k${id}`, presharedKey: '', expiresAtMs: 1, rules: [], username: tag, deviceId: '', groups: [], httpGrants: [], overlayIpv6: '',
});
const delta = (version: number, upserts: GatewaySession__Output[], removes: string[] = []): SyncDown__Output => ({ msg: 'delta', delta: { version, upserts, removes, config: null } });
const snapshot = (version: number): SyncDown__Output => ({ msg: 'snapshot', snapshot: { version, sessions: [], config: null } });

test('consecutive deltas merge; the last change of a session wins', () => {
  const q = [delta(5, [session('a', 'v1'), session('b')]), delta(6, [], ['b']), delta(7, [session('a', 'v2'), session('c')]), delta(8, [], ['c'])];
  const w = takeWork(q);
  assert.equal(q.length, 0);
  assert.ok(w.kind === 'delta');
  assert.equal(w.firstVersion, 5);
  assert.equal(w.version, 8);
  assert.equal(w.merged, 4);
  assert.deepEqual(w.upserts.map((s) => `${s.id}${s.username}`), ['av2']);
  assert.deepEqual(w.removes.sort(), ['b', 'c']);
});

test('a removed then re-added session is upserted', () => {
  const w = takeWork([delta(1, [], ['a']), delta(2, [session('a')])]);
  assert.ok(w.kind === 'delta');
  assert.deepEqual([w.upserts.map((s) => s.id), w.removes], [['a'], []]);
});

test('a gap in versions stops the merge (the agent then resyncs)', () => {
  const q = [delta(3, [session('a')]), delta(5, [session('b')])];
  const w = takeWork(q);
  assert.ok(w.kind === 'delta' && w.version === 3);
  assert.equal(q.length, 1);
});

test('a queued snapshot supersedes everything before it and is taken alone', () => {
  const q = [delta(3, [session('a')]), snapshot(4), delta(5, [session('b')])];
  const w = takeWork(q);
  assert.equal(w.kind, 'snapshot');
  assert.equal(q.length, 1);
  assert.equal(q[0]!.delta!.version, 5);
});

test('the last configuration set in a merged run of deltas wins', () => {
  const config = (serviceAddress: string) => ({ serviceAddress, httpResources: [], signingKey: null, issuer: '', controllerJwks: '', signInUrl: '' });
  const q = [delta(1, []), { msg: 'delta', delta: { version: 2, upserts: [], removes: [], config: config('100.127.255.254') } }, { msg: 'delta', delta: { version: 3, upserts: [], removes: [], config: config('100.127.255.253') } }, delta(4, [])] as SyncDown__Output[];
  const w = takeWork(q);
  assert.ok(w.kind === 'delta');
  assert.equal(w.config?.serviceAddress, '100.127.255.253');
  const none = takeWork([delta(5, [])]);
  assert.ok(none.kind === 'delta');
  assert.equal(none.config, null);
});
