// Service addresses: taken from the top of the pool down, skipping gateways' and live
// sessions' addresses; assigned once (re-enrollment keeps it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../store/db.js';
import { Store } from '../store/store.js';
import { parsePool } from '../sessions/ipam.js';
import { ensureServiceAddress, topFreeAddress } from './service-address.js';

test('the highest free address of the pool, or a clear error when none is left', () => {
  const pool = parsePool('100.64.0.0/30');
  assert.equal(topFreeAddress(pool, () => false), '100.64.0.2');
  assert.equal(topFreeAddress(pool, (a) => a === '100.64.0.2'), '100.64.0.1');
  assert.throws(() => topFreeAddress(pool, () => true), /100\.64\.0\.0\/30 has no free address for a gateway/);
});

test('each gateway gets its own address once; a live session\'s address is skipped', () => {
  const db = openDatabase(':memory:');
  // The session row stands alone here (no user or device rows): only its address matters.
  db.pragma('foreign_keys = OFF');
  const store = new Store(db);
  const pool = parsePool('100.64.0.0/29');
  store.gateways.enroll('dc1', 's1', 0, '', '');
  store.gateways.enroll('dc2', 's2', 0, '', '');
  store.sessions.insert({ id: 'x', user: 'alice', deviceId: 'd', certSerial: 'c', overlayAddress: '100.64.0.5', wgPublicKey: 'k', posture: {} as never,
    mfa: true, createdAtMs: 0, expiresAtMs: 1, entitlements: [], lastHeartbeatMs: 0 });
  assert.equal(ensureServiceAddress(store, pool, 'dc1'), '100.64.0.6');
  assert.equal(ensureServiceAddress(store, pool, 'dc1'), undefined, 'already assigned');
  assert.equal(ensureServiceAddress(store, pool, 'dc2'), '100.64.0.4', 'skips dc1\'s and the live session\'s');
  store.gateways.enroll('dc1', 's3', 1, '', '');
  assert.equal(store.gateways.get('dc1')!.serviceAddress, '100.64.0.6', 're-enrollment keeps it');
  assert.equal(store.gateways.isServiceAddress('100.64.0.6'), true);
  assert.equal(store.gateways.isServiceAddress('100.64.0.5'), false);
  assert.equal(ensureServiceAddress(store, pool, 'nobody'), undefined, 'an unknown gateway gets nothing');
});
