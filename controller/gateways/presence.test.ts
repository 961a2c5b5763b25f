// Gateway presence across controllers: only the holder of a stream clears its mark; a start
// clears the marks of controllers that are not alive and never a running one's; another
// controller's stream counts while it heartbeats and stops counting once it does not; and a
// mark written on one controller reaches another through the notification.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from '../../test/support/store.js';
import { testStoreKind } from '../../test/support/postgres.js';
import { Store } from '../store/store.js';
import type { Database } from '../store/database.js';
import { ALIVE_WITHIN_MS } from '../controllers/registry.js';
import { GatewayPresence } from './presence.js';

const onPostgres = { skip: testStoreKind() !== 'postgres' ? 'several controllers share PostgreSQL only' : false };

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(cond(), what);
}

async function registerController(store: Store, id: string, heartbeatAtMs: number, stoppedAtMs?: number): Promise<void> {
  await store.controllers.register({ id, hostname: 'h', apiAddress: 'a:1', authAddress: 'a:2', startedAtMs: heartbeatAtMs, clients: 0, gateways: [] }, heartbeatAtMs);
  if (stoppedAtMs !== undefined) await store.controllers.markStopped(id, stoppedAtMs);
}

function presenceOn(database: Database, self: string, clock: { now: number }, held: (g: string) => boolean = () => false) {
  const store = new Store(database.kysely, database.dialect);
  const changes: string[] = [];
  const errors: unknown[] = [];
  const presence = new GatewayPresence({
    store, notifier: database.notifier, self, held, now: () => clock.now,
    reportInternal: (_where, err) => errors.push(err),
    onRemoteChange: (g, connected) => changes.push(`${g} ${connected ? 'up' : 'down'}`),
  });
  return { store, presence, changes, errors };
}

async function enroll(store: Store, ...names: string[]): Promise<void> {
  for (const name of names) await store.gateways.enroll(name, `serial-${name}`, 0, '', '');
}

test('only the holder of a stream clears its mark', async (t) => {
  const { store, database, close } = await openTestStore();
  t.after(close);
  await database.notifier.start();
  await enroll(store, 'dc1');
  const clock = { now: 1_000_000 };
  const a = presenceOn(database, 'ctl-a', clock);
  const b = presenceOn(database, 'ctl-b', clock);
  await a.store.transaction((tx) => a.presence.markConnected(tx, 'dc1', 'gw:1', 'key', clock.now));
  assert.equal((await store.gateways.get('dc1'))?.holder, 'ctl-a');
  // B took the gateway over; A's old stream closes afterwards.
  await b.store.transaction((tx) => b.presence.markConnected(tx, 'dc1', 'gw:1', 'key', clock.now));
  await a.presence.markDisconnected('dc1');
  const row = await store.gateways.get('dc1');
  assert.equal(row?.connected, true);
  assert.equal(row?.holder, 'ctl-b');
  await b.presence.markDisconnected('dc1');
  assert.equal((await store.gateways.get('dc1'))?.connected, false);
  assert.equal((await store.gateways.get('dc1'))?.holder, '');
});

test('a start clears the marks of controllers not alive, never a running one\'s', async (t) => {
  const { store, database, close } = await openTestStore();
  t.after(close);
  await database.notifier.start();
  const clock = { now: 10_000_000 };
  await enroll(store, 'alive', 'dead', 'stopped', 'legacy');
  await registerController(store, 'ctl-b', clock.now - 1_000);
  await registerController(store, 'ctl-c', clock.now - ALIVE_WITHIN_MS - 1_000);
  await registerController(store, 'ctl-d', clock.now - 1_000, clock.now - 500);
  await store.gateways.markConnected('alive', '', '', 1, 'ctl-b');
  await store.gateways.markConnected('dead', '', '', 1, 'ctl-c');
  await store.gateways.markConnected('stopped', '', '', 1, 'ctl-d');
  // Connected before holders were recorded (a database migrated from an older version).
  await store.gateways.markConnected('legacy', '', '', 1, '');
  const a = presenceOn(database, 'ctl-a', clock);
  await a.presence.start();
  t.after(() => a.presence.close());
  const connected = (await store.gateways.list()).filter((g) => g.connected).map((g) => `${g.name}@${g.holder}`);
  if (database.dialect === 'postgres') {
    assert.deepEqual(connected, ['alive@ctl-b']);
    assert.equal(a.presence.isConnected('alive'), true, 'held by a running controller');
  } else {
    // One controller per SQLite database: every other holder was a previous run of it.
    assert.deepEqual(connected, []);
    assert.equal(a.presence.isConnected('alive'), false);
  }
  assert.equal(a.presence.isConnected('dead'), false);
  assert.deepEqual(a.errors, []);
});

test('a stream held by a controller that stopped heartbeating no longer counts', onPostgres, async (t) => {
  const { store, database, close } = await openTestStore();
  t.after(close);
  await database.notifier.start();
  const clock = { now: 10_000_000 };
  await enroll(store, 'dc1');
  await registerController(store, 'ctl-b', clock.now);
  await store.gateways.markConnected('dc1', '', '', 1, 'ctl-b');
  const a = presenceOn(database, 'ctl-a', clock);
  await a.presence.start();
  t.after(() => a.presence.close());
  assert.equal(a.presence.isConnected('dc1'), true);
  // ctl-b is killed: no heartbeat, no stream close. A's own heartbeats re-check.
  clock.now += ALIVE_WITHIN_MS + 1;
  await a.presence.refresh();
  assert.equal(a.presence.isConnected('dc1'), false);
  assert.deepEqual(a.changes, ['dc1 down']);
  // The gateway reconnects to ctl-c, alive.
  await registerController(store, 'ctl-c', clock.now);
  await store.transaction(async (tx) => {
    await tx.gateways.markConnected('dc1', '', '', clock.now, 'ctl-c');
    await database.notifier.notify(tx, 'wicket_gateway_connectivity', 'dc1');
  });
  await until(() => a.presence.isConnected('dc1'), 'the new holder is heard of');
  assert.deepEqual(a.changes, ['dc1 down', 'dc1 up']);
  assert.deepEqual(a.errors, []);
});

test('a mark written on one controller reaches another through its notification', onPostgres, async (t) => {
  const { store, database, openSecond, close } = await openTestStore();
  t.after(close);
  const second = await openSecond!();
  await database.notifier.start();
  await second.notifier.start();
  const clock = { now: 10_000_000 };
  await enroll(store, 'dc1');
  await registerController(store, 'ctl-a', clock.now);
  await registerController(store, 'ctl-b', clock.now);
  let heldOnB = false;
  const a = presenceOn(database, 'ctl-a', clock);
  const b = presenceOn(second, 'ctl-b', clock, () => heldOnB);
  await a.presence.start();
  await b.presence.start();
  t.after(() => {
    a.presence.close();
    b.presence.close();
  });
  assert.equal(a.presence.isConnected('dc1'), false);
  await b.store.transaction((tx) => b.presence.markConnected(tx, 'dc1', 'gw:1', 'key', clock.now));
  heldOnB = true;
  await until(() => a.presence.isConnected('dc1'), 'A hears that B holds dc1');
  assert.equal(b.presence.isConnected('dc1'), true);
  assert.deepEqual(b.changes, [], 'B holds it itself: no remote change');
  heldOnB = false;
  await b.presence.markDisconnected('dc1');
  await until(() => !a.presence.isConnected('dc1'), 'A hears that B let dc1 go');
  assert.deepEqual(a.changes, ['dc1 up', 'dc1 down']);
  assert.deepEqual([...a.errors, ...b.errors], []);
});
