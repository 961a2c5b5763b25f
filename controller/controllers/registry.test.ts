// Unit tests of the registry of controllers on the store the run selects (SQLite in memory,
// or PostgreSQL): the repository's rows, the heartbeat, a stop, liveness, a lost row
// registered again, and a failing store reported without a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from '../../test/support/store.js';
import { ALIVE_WITHIN_MS, advertisedAddress, ControllerRegistry, FORGET_AFTER_MS, isAlive } from './registry.js';
import type { ControllerStore } from './controller-store.js';

async function withStore(fn: (controllers: ControllerStore) => Promise<void>): Promise<void> {
  const { store, close } = await openTestStore();
  try {
    await fn(store.controllers);
  } finally {
    await close();
  }
}

test('the repository: register, heartbeat, stop, list in start order, prune', () => withStore(async (s) => {
  await s.register({ id: 'b', hostname: 'h2', apiAddress: 'h2:7443', authAddress: 'h2:7444', startedAtMs: 2000, clients: 0, gateways: [] }, 2000);
  await s.register({ id: 'a', hostname: 'h1', apiAddress: 'h1:7443', authAddress: 'h1:7444', startedAtMs: 1000, clients: 3, gateways: ['dc2', 'dc1'] }, 1000);
  assert.deepEqual(await s.get('a'), {
    id: 'a', hostname: 'h1', apiAddress: 'h1:7443', authAddress: 'h1:7444', startedAtMs: 1000, heartbeatAtMs: 1000, stoppedAtMs: undefined, clients: 3, gateways: ['dc1', 'dc2'],
  });
  assert.equal(await s.heartbeat('a', 5000, { clients: 7, gateways: ['dc3'] }), true);
  assert.equal(await s.heartbeat('nobody', 5000, { clients: 0, gateways: [] }), false);
  const a = await s.get('a');
  assert.equal(a?.heartbeatAtMs, 5000);
  assert.equal(a?.clients, 7);
  assert.deepEqual(a?.gateways, ['dc3']);

  await s.markStopped('b', 6000);
  const b = await s.get('b');
  assert.equal(b?.stoppedAtMs, 6000);
  assert.equal(b?.clients, 0);
  assert.deepEqual(b?.gateways, []);
  assert.equal(await s.heartbeat('b', 7000, { clients: 1, gateways: [] }), false, 'a stopped controller has no heartbeat');
  assert.deepEqual((await s.list()).map((c) => c.id), ['a', 'b']);

  assert.equal(await s.prune(4000), 0);
  assert.equal(await s.prune(6500), 2);
  assert.deepEqual(await s.list(), []);
}));

test('a registration of a known id takes the row over again', () => withStore(async (s) => {
  await s.register({ id: 'a', hostname: 'h1', apiAddress: 'h1:1', authAddress: 'h1:2', startedAtMs: 1000, clients: 0, gateways: [] }, 1000);
  await s.markStopped('a', 2000);
  await s.register({ id: 'a', hostname: 'h1', apiAddress: 'h1:1', authAddress: 'h1:2', startedAtMs: 1000, clients: 2, gateways: ['dc1'] }, 3000);
  const a = await s.get('a');
  assert.equal(a?.stoppedAtMs, undefined);
  assert.equal(a?.heartbeatAtMs, 3000);
  assert.equal(a?.startedAtMs, 1000);
  assert.deepEqual(a?.gateways, ['dc1']);
}));

test('liveness: not stopped and a heartbeat within three intervals', () => {
  assert.equal(isAlive({ heartbeatAtMs: 1000, stoppedAtMs: undefined }, 1000 + ALIVE_WITHIN_MS), true);
  assert.equal(isAlive({ heartbeatAtMs: 1000, stoppedAtMs: undefined }, 1001 + ALIVE_WITHIN_MS), false);
  assert.equal(isAlive({ heartbeatAtMs: 1000, stoppedAtMs: 1000 }, 1000), false);
});

test('advertised addresses: a wildcard listen host becomes the machine name', () => {
  assert.equal(advertisedAddress('127.0.0.1', 7443, 'm'), '127.0.0.1:7443');
  assert.equal(advertisedAddress('0.0.0.0', 7443, 'm'), 'm:7443');
  assert.equal(advertisedAddress('::', 7444, 'm'), 'm:7444');
  assert.equal(advertisedAddress('::1', 7444, 'm'), '[::1]:7444');
});

test('the registry: registers, beats with its load, re-registers a lost row, marks itself stopped', () => withStore(async (s) => {
  let now = 10_000;
  const errors: unknown[] = [];
  await s.register({ id: 'ancient', hostname: 'old', apiAddress: 'old:1', authAddress: 'old:2', startedAtMs: 1, clients: 0, gateways: [] }, 1);
  const registry = new ControllerRegistry({ store: { controllers: s }, now: () => now, reportInternal: (_w, err) => errors.push(err) });
  let load = { clients: 1, gateways: ['dc1', 'dc1'] };
  now = FORGET_AFTER_MS + 10;
  await registry.start({ apiAddress: 'x:1', authAddress: 'x:2', hostname: 'x' }, () => load);
  assert.deepEqual((await s.list()).map((c) => c.id), [registry.id], 'a controller gone for a week is forgotten');
  assert.match(registry.id, /^[0-9a-f]{16}$/);
  assert.deepEqual((await s.get(registry.id))?.gateways, ['dc1']);

  load = { clients: 4, gateways: ['dc2'] };
  now += 5000;
  await registry.beat();
  let row = await s.get(registry.id);
  assert.equal(row?.heartbeatAtMs, now);
  assert.equal(row?.clients, 4);
  assert.deepEqual(row?.gateways, ['dc2']);

  await s.prune(now + 1);
  await registry.beat();
  row = await s.get(registry.id);
  assert.equal(row?.hostname, 'x', 'a lost row is registered again');
  assert.equal(row?.apiAddress, 'x:1');

  now += 1000;
  await registry.stop();
  assert.equal((await s.get(registry.id))?.stoppedAtMs, now);
  await registry.beat();
  assert.equal((await s.get(registry.id))?.stoppedAtMs, now, 'no heartbeat after the stop');
  assert.deepEqual(errors, []);
}));

test('a failing store is reported, never thrown', async () => {
  const errors: string[] = [];
  const failing = {
    prune: () => Promise.reject(new Error('prune')),
    register: () => Promise.reject(new Error('register')),
    heartbeat: () => Promise.reject(new Error('heartbeat')),
    markStopped: () => Promise.reject(new Error('stop')),
  } as unknown as ControllerStore;
  const registry = new ControllerRegistry({ store: { controllers: failing }, now: () => 1, reportInternal: (_w, err) => errors.push((err as Error).message) });
  await registry.start({ apiAddress: 'x:1', authAddress: 'x:2' }, () => ({ clients: 0, gateways: [] }));
  await registry.beat();
  await registry.stop();
  assert.deepEqual(errors, ['prune', 'register', 'heartbeat', 'stop']);
});

test('heartbeat listeners run after each heartbeat written, until unsubscribed', async () => {
  const { store, close } = await openTestStore();
  try {
    const registry = new ControllerRegistry({ store, now: () => 1000, reportInternal: (_where, err) => assert.fail(err as Error) });
    const heard: number[] = [];
    const stop = registry.onHeartbeat(() => heard.push(heard.length));
    await registry.start({ apiAddress: 'h:1', authAddress: 'h:2' }, () => ({ clients: 0, gateways: [] }));
    assert.deepEqual(heard, [], 'registering is no heartbeat');
    await registry.beat();
    await registry.beat();
    assert.deepEqual(heard, [0, 1]);
    stop();
    await registry.beat();
    assert.equal(heard.length, 2);
    await registry.stop();
  } finally {
    await close();
  }
});
