// Service addresses: taken from the top of the pool down, skipping gateways' and live
// sessions' addresses; assigned once (re-enrollment keeps it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from '../../test/support/store.js';
import { parsePool } from '../sessions/ipam.js';
import { ensureServiceAddress, topFreeAddress } from './service-address.js';

test('the highest free address of the pool, or a clear error when none is left', async () => {
  const pool = parsePool('100.64.0.0/30');
  assert.equal(await topFreeAddress(pool, () => false), '100.64.0.2');
  assert.equal(await topFreeAddress(pool, (a) => a === '100.64.0.2'), '100.64.0.1');
  await assert.rejects(() => topFreeAddress(pool, () => true), /100\.64\.0\.0\/30 has no free address for a gateway/);
});

test('each gateway gets its own address once; a live session\'s address is skipped', async (t) => {
  const { store, database, close } = await openTestStore();
  t.after(close);
  // Only the session's address matters; its user row is there for the foreign key.
  await database.kysely.insertInto('users').values({ name: 'alice', totp_sealed: Buffer.alloc(1), created_at_ms: 0 }).execute();
  const pool = parsePool('100.64.0.0/29');
  await store.gateways.enroll('dc1', 's1', 0, '', '');
  await store.gateways.enroll('dc2', 's2', 0, '', '');
  await store.sessions.insert({ id: 'x', user: 'alice', deviceId: 'd', certSerial: 'c', overlayAddress: '100.64.0.5', wgPublicKey: 'k', posture: {} as never,
    mfa: true, createdAtMs: 0, expiresAtMs: 1, entitlements: [], lastHeartbeatMs: 0 });
  assert.equal(await ensureServiceAddress(store, pool, 'dc1'), '100.64.0.6');
  assert.equal(await ensureServiceAddress(store, pool, 'dc1'), undefined, 'already assigned');
  assert.equal(await ensureServiceAddress(store, pool, 'dc2'), '100.64.0.4', 'skips dc1\'s and the live session\'s');
  await store.gateways.enroll('dc1', 's3', 1, '', '');
  assert.equal((await store.gateways.get('dc1'))!.serviceAddress, '100.64.0.6', 're-enrollment keeps it');
  assert.equal(await store.gateways.isServiceAddress('100.64.0.6'), true);
  assert.equal(await store.gateways.isServiceAddress('100.64.0.5'), false);
  assert.equal(await ensureServiceAddress(store, pool, 'nobody'), undefined, 'an unknown gateway gets nothing');
});

test('gateways assigned at once get distinct addresses', async (t) => {
  const { store, close } = await openTestStore();
  t.after(close);
  const pool = parsePool('100.64.0.0/28');
  const names = ['a', 'b', 'c', 'd', 'e'];
  for (const name of names) await store.gateways.enroll(name, `s-${name}`, 0, '', '');
  const assigned = await Promise.all(names.map((name) => ensureServiceAddress(store, pool, name)));
  assert.equal(new Set(assigned).size, names.length);
  assert.ok(assigned.every((a) => a !== undefined));
});
